"""The built-in writer: tag classification, English helpers, and captions written from real tags."""

import re

import numpy as np
import pytest

from lpmc.text import english, lexicon
from lpmc.text.writer import STYLES, write_caption

# Real MusicCaps-style tag lists (as annotators write them).
REAL_TAGS = [
    [
        "ballad",
        "passionate muddy male vocal",
        "raw",
        "arpeggiated acoustic guitar melody",
        "emotional",
        "low quality",
        "cover",
        "noisy",
        "messy",
        "muddy",
    ],
    [
        "punchy kick",
        "shimmering hi hats",
        "groovy bass line",
        "female vocal",
        "dance music",
        "energetic",
        "fast tempo",
        "club",
        "synth pad",
        "wide stereo",
    ],
    [
        "instrumental",
        "acoustic guitar",
        "slow tempo",
        "melancholic",
        "folk music",
        "no percussion",
        "movie soundtrack",
        "soft",
    ],
    ["hip hop", "male voice rapping", "808 bass", "trap hi hats", "dark", "medium tempo", "80s", "party"],
]
# Words the writer may fold into its own wording ("dance music" -> "a dance song").
FOLDED_WORDS = {"music", "song", "sound", "audio", "recording", "quality", "tempo"}
CAPTIONER_TAGS = [
    "rock",
    "electric guitar",
    "male vocals",
    "fast tempo",
    "120 bpm",
    "minor key",
    "loud",
    "bright",
]


def test_captioner_tags_read_naturally():
    text = write_caption(CAPTIONER_TAGS)
    assert text.startswith("This is a rock song that features male vocals singing over an electric guitar.")
    assert "fast at about 120 BPM in a minor key" in text
    assert "It sounds loud and bright." in text


@pytest.mark.parametrize("tags", REAL_TAGS)
@pytest.mark.parametrize("style", STYLES)
def test_every_tag_is_said(tags, style):
    text = write_caption(tags, style).lower()
    for tag in tags:
        for word in set(tag.split()) - FOLDED_WORDS:
            assert re.search(rf"\b{re.escape(word)}\b", text), f"{word!r} of {tag!r} missing in: {text}"


@pytest.mark.parametrize("tags", REAL_TAGS)
def test_writing_is_fluent_sentences(tags):
    text = write_caption(tags)
    sentences = re.split(r"(?<=\.) ", text)
    assert len(sentences) >= 2
    assert all(s[0].isupper() and s.endswith(".") for s in sentences)
    assert "  " not in text and " ," not in text and ".." not in text
    assert not re.search(r"\ba [aeiou]", text) and not re.search(r"\ban [bcdfgjklmnpqrstvwxyz]", text)


def test_styles_differ_and_summary_is_one_sentence():
    texts = {style: write_caption(REAL_TAGS[0], style) for style in ("writing", "summary", "paraphrase")}
    assert len(set(texts.values())) == 3
    assert texts["summary"].count(". ") == 0 and texts["summary"].endswith(".")


def test_deterministic():
    assert write_caption(REAL_TAGS[1]) == write_caption(list(REAL_TAGS[1]))


def test_non_english_tags_pass_through():
    text = write_caption(["잔잔한 피아노", "jazz", "🎹", "café-concert"])
    for tag in ("잔잔한 피아노", "🎹", "café-concert", "jazz"):
        assert tag in text


def test_single_tag_and_no_tags():
    assert write_caption(["piano"]) == "This song features a piano."
    assert write_caption(["   "]) == ""
    with pytest.raises(ValueError, match="unknown style"):
        write_caption(["piano"], "poem")


@pytest.mark.parametrize(
    "tag, category",
    [
        ("hard rock", lexicon.GENRE),
        ("rock guitar", lexicon.INSTRUMENT),
        ("dance music", lexicon.GENRE),
        ("male vocals", lexicon.VOCAL),
        ("male voice rapping", lexicon.VOCAL),
        ("120 bpm", lexicon.TEMPO),
        ("medium tempo", lexicon.TEMPO),
        ("minor key", lexicon.KEY),
        ("low quality", lexicon.QUALITY),
        ("mono", lexicon.QUALITY),
        ("80s", lexicon.ERA),
        ("movie soundtrack", lexicon.CONTEXT),
        ("no percussion", lexicon.ABSENCE),
        ("instrumental", lexicon.INSTRUMENTAL),
        ("happy", lexicon.MOOD),
        ("loud", lexicon.SOUND),
        ("crowd cheering", lexicon.SOUND),
        ("live performance", lexicon.KIND),
        ("groovy bass line", lexicon.INSTRUMENT),
        ("christian contemporary music", lexicon.GENRE),
    ],
)
def test_lexicon_categories(tag, category):
    assert lexicon.classify([tag], use_embeddings=False) == [category]


def test_unseen_tags_are_placed_by_meaning():
    tags = ["vivacious", "stringed instrument", "regional mexican"]
    assert lexicon.classify(tags) == [lexicon.MOOD, lexicon.INSTRUMENT, lexicon.GENRE]


@pytest.mark.parametrize(
    "phrase, expected",
    [
        ("acoustic guitar", "an acoustic guitar"),
        ("piano", "a piano"),
        ("hi hats", "hi hats"),
        ("ukulele", "a ukulele"),
        ("80s synth", "an 80s synth"),
        ("e-bass", "an e-bass"),
        ("R&B song", "an R&B song"),
        ("FM synth", "an FM synth"),
        ("percussion", "percussion"),
        ("808 bass", "an 808 bass"),
        ("amateur recording", "an amateur recording"),
        ("melodic singing", "melodic singing"),
        ("bass", "a bass"),
        ("strings", "strings"),
        ("잔잔한 피아노", "잔잔한 피아노"),
    ],
)
def test_articles(phrase, expected):
    assert english.with_article(phrase) == expected


def test_join():
    assert english.join([]) == ""
    assert english.join(["a"]) == "a"
    assert english.join(["a", "b", "A", "c"], "or") == "a, b or c"


@pytest.mark.parametrize(
    "items, verb",
    [(["drums"], "come"), (["piano"], "comes"), (["bass"], "comes"), (["piano", "flute"], "come")],
)
def test_verb_agreement(items, verb):
    assert english.agree(items, "comes", "come") == verb


def test_sentences_split_and_join():
    assert english.split_sentences("Drums come in. It gets louder!  At 120 BPM? Yes") == [
        "Drums come in.",
        "It gets louder!",
        "At 120 BPM?",
        "Yes",
    ]
    assert english.split_sentences("A 2.5 dB range.") == ["A 2.5 dB range."]
    assert english.paragraph(["One.", "", "Two."]) == "One. Two."


def test_the_lexicon_embeddings_come_through_the_registry(tmp_path, monkeypatch):
    """So the shipped file is checked against its sha256 like every other model file."""
    path = tmp_path / "lexicon.npz"
    np.savez(path, words=np.array(["calm"]), embeddings=np.ones((1, 384), np.float16))
    asked = []
    monkeypatch.setattr(
        lexicon.registry, "resolve_files", lambda name: asked.append(name) or {"lexicon": path}
    )
    vectors = lexicon.shipped_exemplar_vectors()
    assert asked == ["tag-writer"] and list(vectors) == ["calm"] and vectors["calm"].dtype == np.float32
