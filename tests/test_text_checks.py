"""Captions checked against their tags: coverage by words, synonyms, emoji names and meaning, and the
contradictions of tempo, feeling, voice, recording quality and genre family."""

import pytest

from lpmc.text.checks import check_caption
from lpmc.vocabulary import feeling_position, mood_positions, read_vocabulary


def test_tags_said_in_words_synonyms_and_inflections_are_covered():
    check = check_caption(
        ["male vocals", "fast tempo", "drums", "lo-fi", "electricguitar", "r&b"],
        "A man sings over drumming at a quick tempo; a lofi R&B track with an electric guitar.",
        use_embeddings=False,
    )
    assert check.coverage == ["male vocals", "fast tempo", "drums", "lo-fi", "electricguitar", "r&b"]
    assert check.missing == [] and check.contradictions == []


def test_a_tag_the_caption_does_not_say_is_missing():
    check = check_caption(["piano", "rainy night", "pop"], "A popular piano piece.", use_embeddings=False)
    assert (check.coverage, check.missing) == (["piano"], ["rainy night", "pop"])


def test_a_phrase_with_the_same_meaning_covers_a_tag():
    tags, caption = ["rainy night", "steeldrum"], "A steel drum melody, perfect for a rainy evening."
    assert check_caption(tags, caption, use_embeddings=False).missing == ["rainy night"]
    assert check_caption(tags, caption).coverage == ["rainy night", "steeldrum"]


def test_meaning_does_not_cover_an_unrelated_tag():
    check = check_caption(["bagpipes", "heavy metal"], "A gentle lullaby sung by a woman over a harp.")
    assert check.coverage == []


def test_other_languages_count_only_as_written_and_emoji_also_by_name():
    check = check_caption(
        ["케이팝", "여성 보컬", "🎻", "🎹"],
        "This K-pop song is tagged 케이팝; a violin plays.",
        use_embeddings=False,
    )
    assert check.coverage == ["케이팝", "🎻"] and check.missing == ["여성 보컬", "🎹"]


@pytest.mark.parametrize(
    "tags, caption, contradiction",
    [
        (
            ["slow tempo", "piano"],
            "An uptempo piano tune.",
            'Tempo: the description says "uptempo" but the tags say "slow tempo".',
        ),
        (["slow"], "It runs at 140 BPM.", 'Tempo: the description says "140 BPM" but the tags say "slow".'),
        (
            ["120 bpm"],
            "It runs at 90 BPM.",
            'Tempo: the description says "90 BPM" but the tags say "120 BPM".',
        ),
        (
            ["sad", "piano"],
            "A cheerful piano piece.",
            'Feeling: the description says "cheerful" but the tags say "sad".',
        ),
        (
            ["calm"],
            "A creepy drone.",
            'Feeling: the description says "creepy" but the tags say "calm".',
        ),
        (
            ["instrumental", "guitar"],
            "A woman sings over a guitar.",
            'Voice: the description says "sings" but the tags say "instrumental".',
        ),
        (
            ["male vocals", "rock"],
            "A rock track with no vocals.",
            'Voice: the description says "no vocals" but the tags say "vocals".',
        ),
        (
            ["low quality", "live"],
            "A live take in pristine studio quality.",
            'Recording quality: the description says "studio quality" but the tags say "low quality".',
        ),
        (
            ["jazz", "saxophone"],
            "A heavy metal song with a saxophone.",
            'Genre: the description says "heavy metal" but the tags say "jazz".',
        ),
    ],
)
def test_each_kind_of_contradiction_is_named(tags, caption, contradiction):
    assert check_caption(tags, caption, use_embeddings=False).contradictions == [contradiction]


@pytest.mark.parametrize(
    "tags, caption",
    [
        (["slow tempo"], "The tempo is not fast."),  # negated
        (["sad", "happy"], "A happy song with sad lyrics."),  # a tag says each
        (["120 bpm", "fast tempo"], "A fast tempo at 122 BPM."),  # within 10%
        (["instrumental"], "An instrumental piece; there are no vocals."),
        (["flamenco", "guitar"], "A classical guitar plays flamenco."),  # an instrument, not a genre
        (["rock"], "Rock with ambient noise from the crowd."),  # a sound, not a genre
        (["ska punk"], "A reggae-tinged punk song."),  # families shared
        (["piano"], "A slow, happy rock song with a woman singing."),  # no tag says otherwise
    ],
)
def test_no_contradiction_without_an_opposite_tag(tags, caption):
    assert check_caption(tags, caption, use_embeddings=False).contradictions == []


def test_every_feeling_word_sits_where_its_mood_tag_does():
    feelings = read_vocabulary("moods")["feelings"]
    assert all(feeling_position(word) == mood_positions()[tag] for word, tag in feelings.items())
    assert feeling_position("cheerful") == feeling_position("happy") and feeling_position("piano") is None
