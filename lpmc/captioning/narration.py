"""A song analysis told in English: a caption for every chunk, in order, and a summary of the song.

A chunk unlike the one before (or the first with sound) is described afresh by the Tags tab's writer
from its heard tags and measured words; the first chunk with sound also states the song's tempo and key.
A chunk like the one before says what changed ("The drums come in; the tempo picks up to 128 BPM."). When
nothing clearly did, the first such chunk says what carries on, and the next ones count the steady stretch
since the last described chunk ("No change for 40 s (0:50–1:30).") instead of cycling stock phrases that
would suggest something happened. Two consecutive captions never share a sentence word for word. A silent
chunk is called silent and nothing else.
"""

import math
from collections.abc import Iterator

from lpmc.audio import format_timestamp
from lpmc.captioning import descriptors as measure
from lpmc.captioning.analysis import ChunkAnalysis, SongAnalysis, sound_words
from lpmc.captioning.vocabulary import part_tags, style_tags
from lpmc.text.english import agree, join, paragraph, sentence, split_sentences
from lpmc.text.writer import write_caption

# Two chunks whose heard tags overlap less than this (Jaccard) are described afresh, not as a change.
FRESH_DESCRIPTION_OVERLAP = 0.34
MAX_LISTED_CHANGES = 3  # tags named per "come in" / "drop out" / "leans toward" clause

# Sentences for a chunk that sounds like the one before: {parts} are instruments/voices, {style} a style.
PART_CONTINUATIONS = (
    "The {parts} {carries} on{mood}.",
    "More of the same: the {parts}{mood}.",
    "The {parts} {continues}{mood}.",
)
STYLE_CONTINUATIONS = ("The {style} passage continues{mood}.", "It stays in the same {style} vein{mood}.")
SILENCE_WORDS = {"silent": "Silence", "near silent": "Near silence"}
PLAIN_CONTINUATIONS = ("The music continues{mood}.", "It goes on in the same way{mood}.")


def narrate_chunks(analysis: SongAnalysis) -> Iterator[str]:
    """One caption per chunk, in order, each as soon as it is written (it depends on the chunks before);
    chunks are read as they are analysed (`analysis.iter_chunks`)."""
    previous: ChunkAnalysis | None = None
    previous_text = ""
    steady_since, steady_chunks = 0.0, 0  # start of the stretch without change; chunks in it after the first
    song_stated = False  # the first chunk with sound also states the song's tempo and key
    for index, chunk in enumerate(analysis.iter_chunks()):
        draft = _caption(chunk, previous, analysis.song, states_song=not song_stated and not chunk.silence)
        song_stated = song_stated or not chunk.silence
        if draft:
            steady_since, steady_chunks = chunk.start, 0
        else:
            steady_chunks += 1
            first_steady = steady_chunks == 1 and not chunk.silence
            draft = continuation(chunk, variant=index) if first_steady else unchanged(chunk, steady_since)
        text = _differ_from(draft, previous_text, chunk)
        yield text
        previous, previous_text = chunk, text


def summarise(analysis: SongAnalysis) -> str:
    """A song-level caption from the song's heard tags and measured descriptors."""
    if measure.is_silent(analysis.song.loudness_db):
        return "The recording is silent."
    tags = analysis.song_tags + [w for w in song_words(analysis.song) if w not in analysis.song_tags]
    dynamics = dynamics_sentence(measure.dynamics_word(analysis.song.loudness_range_db), analysis.song)
    return paragraph([write_caption(tags, style="summary"), dynamics])


def _caption(
    chunk: ChunkAnalysis,
    previous: ChunkAnalysis | None,
    song: measure.Descriptors,
    states_song: bool,
) -> str:
    """The chunk described afresh or by what changed; "" when nothing clearly changed."""
    if chunk.silence:
        return "" if previous and previous.silence == chunk.silence else SILENCE_WORDS[chunk.silence] + "."
    if (
        previous is None
        or previous.silence
        or _overlap(chunk.heard, previous.heard) < FRESH_DESCRIPTION_OVERLAP
    ):
        tags = _fresh_tags(chunk, song, states_song)
        return paragraph(
            [write_caption(tags, style="writing"), dynamics_sentence(chunk.dynamics, chunk.measured)]
        )
    return describe_changes(chunk, previous, song)


def _fresh_tags(chunk: ChunkAnalysis, song: measure.Descriptors, states_song: bool) -> list[str]:
    """Tags for a chunk described from scratch, with the song's tempo and key when `states_song`."""
    tags = chunk.heard + [word for word in sound_words(chunk) if word not in chunk.heard]
    if states_song:
        tempo = measure.tempo_word(song.tempo_bpm, song.tempo_clarity)
        feel = measure.tempo_feel_word(song.tempo_bpm, song.tempo_clarity)
        tags += [word for word in (tempo, feel, song.key) if word]
    elif measure.tempo_changed(chunk.measured.tempo_bpm, chunk.measured.tempo_clarity, song.tempo_bpm):
        tags.append(f"{round(chunk.measured.tempo_bpm)} bpm")
    return tags


def _overlap(first: list[str], second: list[str]) -> float:
    union = set(first) | set(second)
    return len(set(first) & set(second)) / len(union) if union else 1.0


def describe_changes(chunk: ChunkAnalysis, previous: ChunkAnalysis, song: measure.Descriptors) -> str:
    """One sentence on what differs from the previous chunk; "" when nothing clearly does."""
    arrivals = [tag for tag in chunk.heard if tag in part_tags() and tag not in previous.heard]
    departures = [tag for tag in previous.heard if tag in part_tags() and tag not in chunk.heard]
    styles = [tag for tag in chunk.heard if tag in style_tags() and tag not in previous.heard]
    clauses = []
    if arrivals:
        arrivals = arrivals[:MAX_LISTED_CHANGES]
        clauses.append(f"the {join(arrivals)} {agree(arrivals, 'comes', 'come')} in")
    if departures:
        departures = departures[:MAX_LISTED_CHANGES]
        clauses.append(f"the {join(departures)} {agree(departures, 'drops', 'drop')} out")
    if styles:
        clauses.append(f"the style leans toward {join(styles[:MAX_LISTED_CHANGES])}")
    new_moods = [mood for mood in chunk.moods if mood not in previous.moods]
    if new_moods:
        clauses.append(f"the mood turns {join(new_moods)}")
    clauses += [
        clause for clause in (_tempo_change(chunk, previous, song), _sound_change(chunk, previous)) if clause
    ]
    if not clauses:
        return ""
    first, *rest = clauses
    return sentence(first + ("; " + ", and ".join(rest) if rest else ""))


def _tempo_change(chunk: ChunkAnalysis, previous: ChunkAnalysis, song: measure.Descriptors) -> str:
    now = measure.tempo_changed(chunk.measured.tempo_bpm, chunk.measured.tempo_clarity, song.tempo_bpm)
    before = measure.tempo_changed(
        previous.measured.tempo_bpm, previous.measured.tempo_clarity, song.tempo_bpm
    )
    if now:
        bpm = chunk.measured.tempo_bpm
        reference = previous.measured.tempo_bpm if before else song.tempo_bpm
        if before and abs(bpm / reference - 1.0) < measure.TEMPO_CHANGE_FRACTION:
            return ""
        return f"the tempo {'picks up' if bpm > reference else 'slows'} to {round(bpm)} BPM"
    if before and measure.tempo_word(song.tempo_bpm, song.tempo_clarity):
        return f"the tempo settles back to {round(song.tempo_bpm)} BPM"
    return ""


def _sound_change(chunk: ChunkAnalysis, previous: ChunkAnalysis) -> str:
    level = measure.relative_loudness_word(chunk.measured.loudness_db, previous.measured.loudness_db)
    brightness = measure.brightness_change_word(chunk.measured.centroid_hz, previous.measured.centroid_hz)
    parts = [f"it gets {level}"] if level else []
    if brightness:
        parts.append(f"the sound turns {brightness}")
    return " and ".join(parts)


def continuation(chunk: ChunkAnalysis, variant: int = 0) -> str:
    """A sentence for a chunk that sounds like the one before it, naming what is still heard."""
    parts = [tag for tag in chunk.heard if tag in part_tags()][:2]
    styles = [tag for tag in chunk.heard if tag in style_tags()][:1]
    mood = f", still {join(chunk.moods)}" if chunk.moods else ""
    # Cycling through every sentence that fits keeps a long steady stretch from reading like a loop.
    templates = (PART_CONTINUATIONS if parts else ()) + (STYLE_CONTINUATIONS if styles else ())
    templates = templates or PLAIN_CONTINUATIONS
    text = templates[variant % len(templates)].format(
        parts=join(parts),
        carries=agree(parts, "carries", "carry"),
        continues=agree(parts, "continues", "continue"),
        style=join(styles),
        mood=mood,
    )
    return sentence(text)


def unchanged(chunk: ChunkAnalysis, since: float) -> str:
    """The steady stretch from `since` to the end of `chunk`, e.g. "No change for 40 s (0:50–1:30).";
    the end is rounded up as in the chunk's time stamp."""
    end = math.ceil(chunk.end)
    what = SILENCE_WORDS.get(chunk.silence, "No change")
    return f"{what} for {round(end - since)} s ({format_timestamp(since)}–{format_timestamp(end)})."


def _differ_from(text: str, previous_text: str, chunk: ChunkAnalysis) -> str:
    """`text` without the sentences the previous caption already had; a fresh continuation if none is left
    (silent chunks never get here: their captions are "Silence." or a stretch, which always differ)."""
    previous_sentences = set(split_sentences(previous_text))
    kept = [part for part in split_sentences(text) if part not in previous_sentences]
    if kept:
        return paragraph(kept)
    count = len(PART_CONTINUATIONS) + len(STYLE_CONTINUATIONS)
    fallbacks = [continuation(chunk, variant) for variant in range(count)]
    fresh = [candidate for candidate in fallbacks if not set(split_sentences(candidate)) & previous_sentences]
    return fresh[0] if fresh else fallbacks[-1]


def dynamics_sentence(word: str | None, descriptors: measure.Descriptors) -> str:
    """A sentence on the loudness range for its dynamics `word` (the writer has no words for dynamics);
    "" when unremarkable."""
    if word == "wide dynamics":
        return f"Its loudness swings widely, over a {round(descriptors.loudness_range_db)} dB range."
    if word == "steady dynamics":
        return "Its loudness holds steady."
    return ""


def song_words(song: measure.Descriptors) -> list[str]:
    """Song-level measured words: tempo (when the pulse is clear), key (when clear), loudness, brightness."""
    words = [
        measure.tempo_word(song.tempo_bpm, song.tempo_clarity),
        measure.tempo_feel_word(song.tempo_bpm, song.tempo_clarity),
        song.key,
        measure.loudness_word(song.loudness_db),
        # only "bright": the summary style writes "sounding X", which does not fit "dark timbre"
        "bright" if measure.brightness_word(song.centroid_hz) == "bright" else None,
    ]
    return [word for word in words if word]
