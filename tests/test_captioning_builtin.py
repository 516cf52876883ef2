"""The built-in captioner: tag selection, grounding, and captions that say what changes between chunks.

The tag probabilities here are written by hand (in the taggers' real vocabularies) so each test knows what
was "heard"; the audio is synthetic, so the measured descriptors are known too.
"""

import json

import numpy as np
from test_descriptors import click_track

from lpmc import registry, settings
from lpmc.audio import chunk_bounds
from lpmc.captioning.analysis import SongAnalysis, analyse_song, select_tags
from lpmc.captioning.builtin import BuiltinCaptioner, load_builtin_captioner, taggers
from lpmc.captioning.vocabulary import canonical_tag
from lpmc.tagging.result import TagResult
from lpmc.tasks import AudioCaptioner
from lpmc.text import english, lexicon
from lpmc.vocabulary import mood_family

SR = 16_000
MTT = json.loads((settings.ASSETS_DIR / "musicnn" / "mtt_tags.json").read_text())
MSD = json.loads((settings.ASSETS_DIR / "musicnn" / "msd_tags.json").read_text())
MOODS = json.loads((settings.ASSETS_DIR / "jamendo_moodtheme" / "tags.json").read_text())
VOCABULARIES = {"musicnn-mtt": MTT, "musicnn-msd": MSD, "jamendo-moodtheme": MOODS}


def scores(model: str, **probabilities: float) -> np.ndarray:
    """(T,) scores of `model`: the given tags (underscores for spaces), 0.01 elsewhere."""
    row = np.full(len(VOCABULARIES[model]), 0.01, np.float32)
    for tag, probability in probabilities.items():
        row[VOCABULARIES[model].index(tag.replace("_", " "))] = probability
    return row


def tag_results(chunk_rows: dict[str, list[np.ndarray]], duration: float) -> dict[str, TagResult]:
    """One 10 s window per chunk for each model, with the given rows of scores."""
    results = {}
    for model, rows in chunk_rows.items():
        starts = np.arange(len(rows)) * 10.0
        ends = np.minimum(starts + 10.0, duration)
        results[model] = TagResult(model, VOCABULARIES[model], starts, ends, np.stack(rows), duration)
    return results


def caption(audio: np.ndarray, rows: dict[str, list[np.ndarray]]) -> tuple[list[str], SongAnalysis]:
    duration = audio.size / SR
    analysis = analyse_song(audio, SR, chunk_bounds(duration), tag_results(rows, duration))
    texts = BuiltinCaptioner().caption_chunks(np.zeros(0, np.float32), analysis, batch_size=1)
    return [text for batch in texts for text in batch], analysis


def sentences(text: str) -> set[str]:
    return set(english.split_sentences(text))


def test_select_tags_merges_synonyms_and_resolves_contradictions():
    chunk = {
        "musicnn-mtt": scores(
            "musicnn-mtt", guitar=0.8, female=0.6, woman=0.5, male=0.3, no_vocals=0.2, rock=0.4
        ),
        "musicnn-msd": scores("musicnn-msd", rock=0.7, **{"80s": 0.6}),
        "jamendo-moodtheme": scores("jamendo-moodtheme", happy=0.05, christmas=0.3, energetic=0.04),
    }
    tags, moods = select_tags(chunk, VOCABULARIES)
    assert tags[:2] == ["guitar", "rock"]
    assert "female vocals" in tags and "male vocals" not in tags  # the better-scored side wins
    assert "80s" not in tags and "instrumental" not in tags
    assert moods == ["happy", "energetic"]  # ranked, and christmas (a context, not a mood) is skipped


def test_msd_genres_are_ignored_on_classical_music():
    chunk = {
        "musicnn-mtt": scores("musicnn-mtt", classical=0.7, violin=0.6),
        "musicnn-msd": scores("musicnn-msd", jazz=0.45, instrumental=0.3),
    }
    assert select_tags(chunk, VOCABULARIES)[0] == ["classical", "violin", "instrumental"]
    chunk["musicnn-mtt"] = scores("musicnn-mtt", classical=0.2, violin=0.6)  # evidence below the threshold
    assert select_tags(chunk, VOCABULARIES)[0] == ["violin", "instrumental"]
    chunk["musicnn-mtt"] = scores("musicnn-mtt", violin=0.6)
    assert select_tags(chunk, VOCABULARIES)[0] == ["violin", "jazz", "instrumental"]


def test_a_genre_is_named_only_when_the_taggers_agree():
    guess = {
        "musicnn-mtt": scores("musicnn-mtt", drums=0.6),
        "musicnn-msd": scores("musicnn-msd", jazz=0.3),  # only MSD knows jazz, and it is unsure
    }
    assert select_tags(guess, VOCABULARIES)[0] == ["drums"]
    assert select_tags(guess, VOCABULARIES, previous=["jazz"])[0] == ["drums", "jazz"]  # hysteresis
    one_sided = {
        "musicnn-mtt": scores("musicnn-mtt", drums=0.6, ambient=0.05),
        "musicnn-msd": scores("musicnn-msd", ambient=0.6),  # mean (0.05 + 0.6) / 2 < GENRE_AGREEMENT
    }
    assert select_tags(one_sided, VOCABULARIES)[0] == ["drums"]
    one_sided["musicnn-mtt"] = scores("musicnn-mtt", drums=0.6, ambient=0.3)
    assert select_tags(one_sided, VOCABULARIES)[0] == ["drums", "ambient"]


def test_a_tag_heard_before_stays_down_to_the_keep_factor():
    chunk = {"musicnn-mtt": scores("musicnn-mtt", piano=0.2)}
    assert select_tags(chunk, VOCABULARIES)[0] == []
    assert select_tags(chunk, VOCABULARIES, previous=["piano"])[0] == ["piano"]


def test_steady_music_never_repeats_a_sentence_in_consecutive_chunks():
    rows = {
        "musicnn-mtt": [scores("musicnn-mtt", piano=0.7, classical=0.6)] * 8,
        "jamendo-moodtheme": [scores("jamendo-moodtheme", calm=0.2, sad=0.1)] * 8,
    }
    captions, _ = caption(click_track(100, 80), rows)
    assert len(captions) == 8 and all(captions)
    for before, after in zip(captions, captions[1:], strict=False):
        assert not sentences(before) & sentences(after), (before, after)
    assert "piano" in captions[0] and "100 BPM" in captions[0]


def test_a_steady_stretch_is_said_once_then_counted():
    rows = {"musicnn-mtt": [scores("musicnn-mtt", piano=0.7)] * 5}
    captions, _ = caption(click_track(100, 45), rows)
    assert "piano" in captions[1]  # what carries on, once
    assert captions[2:] == [
        "No change for 30 s (0:00–0:30).",
        "No change for 40 s (0:00–0:40).",
        "No change for 45 s (0:00–0:45).",
    ]


def test_what_changes_is_described():
    piano = scores("musicnn-mtt", piano=0.7, classical=0.6)
    with_drums = scores("musicnn-mtt", piano=0.7, classical=0.6, drums=0.8)
    rows = {"musicnn-mtt": [piano, piano, with_drums, with_drums, with_drums, with_drums]}
    audio = np.concatenate([click_track(120, 50), click_track(135, 10)])
    captions, analysis = caption(audio, rows)
    drums_arrive = next(i for i, chunk in enumerate(analysis.chunks) if "drums" in chunk.heard)
    assert "drums come in" in captions[drums_arrive]
    assert "picks up to 135 BPM" in captions[-1]


def test_silence_is_described_as_silence_whatever_the_taggers_say():
    rows = {"musicnn-mtt": [scores("musicnn-mtt", vocals=0.9, female=0.8)] * 3}
    audio = np.zeros(25 * SR, np.float32)
    captions, analysis = caption(audio, rows)
    assert captions[0] == "Silence."
    assert all("vocal" not in text.lower() for text in captions)
    assert [chunk.tags for chunk in analysis.chunks] == [["silent"]] * 3
    assert BuiltinCaptioner().summary(analysis) == "The recording is silent."
    assert captions[1:] == ["Silence for 20 s (0:00–0:20).", "Silence for 25 s (0:00–0:25)."]


def test_near_silence_stays_near_silence():
    audio = (0.003 * np.sin(2 * np.pi * 440 * np.arange(30 * SR) / SR)).astype(np.float32)  # about -50 dBFS
    captions, analysis = caption(audio, {"musicnn-mtt": [scores("musicnn-mtt", piano=0.9)] * 3})
    assert all("near silen" in text.lower() for text in captions), captions
    assert "piano" not in " ".join(captions)


def test_the_first_chunk_with_sound_states_the_song_tempo():
    audio = np.concatenate([np.zeros(10 * SR, np.float32), click_track(120, 30)])
    captions, _ = caption(audio, {"musicnn-mtt": [scores("musicnn-mtt", drums=0.8)] * 4})
    assert captions[0] == "Silence." and "120 BPM" in captions[1]


def test_summary_states_measured_tempo_and_heard_tags():
    rows = {"musicnn-mtt": [scores("musicnn-mtt", techno=0.8, beat=0.7)] * 3}
    _, analysis = caption(click_track(128, 30), rows)
    summary = BuiltinCaptioner().summary(analysis)
    assert "128 BPM" in summary and "techno" in summary


def test_summary_names_what_is_heard_over_much_of_the_song():
    piano = scores("musicnn-mtt", piano=0.7)
    rows = {"musicnn-mtt": [piano] * 5 + [scores("musicnn-mtt", piano=0.7, drums=0.9)]}
    _, analysis = caption(click_track(120, 60), rows)
    assert "drums" in analysis.chunks[-1].heard
    assert "piano" in analysis.song_tags and "drums" not in analysis.song_tags  # 1 chunk in 6 is not "much"


def test_every_word_given_to_the_writer_is_in_its_lexicon():
    """So the writer never needs its embedding fallback (loading MiniLM would cost seconds per song)."""
    mapped = {canonical_tag(tag) for tag in MTT + MSD} - {None}
    words = mapped | {mood_family(tag) for tag in MOODS} - {None}
    words |= {
        "loud",
        "quiet",
        "dark",
        "warm",
        "bright",
        "slow tempo",
        "fast tempo",
        "120 bpm",
        "A minor",
        "C# major",
    }
    unknown = [word for word in sorted(words) if lexicon.lexicon_category(word) in (None, lexicon.OTHER)]
    assert unknown == []


def test_captions_stream_chunk_by_chunk_and_match_the_whole_list():
    rows = {"musicnn-mtt": [scores("musicnn-mtt", piano=0.7)] * 3 + [scores("musicnn-mtt", drums=0.9)] * 3}
    audio = click_track(120, 60)
    captions, analysis = caption(audio, rows)
    captioner = BuiltinCaptioner()
    assert isinstance(captioner, AudioCaptioner)
    stream = captioner.caption_chunks(audio, analysis, batch_size=4)
    assert next(stream) == [captions[0]]  # the first row is there before the others are written
    assert [[text] for text in captions[1:]] == list(stream)


def test_the_taggers_read_are_the_tagging_parts_of_the_registry_entry():
    assert taggers() == ("musicnn-mtt", "musicnn-msd", "jamendo-moodtheme")
    assert all(registry.get(name).task == "tagging" for name in taggers())


def test_registry_loader_needs_no_files():
    assert isinstance(load_builtin_captioner({}), BuiltinCaptioner)
