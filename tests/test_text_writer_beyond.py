"""The built-in writer on tags from outside MusicCaps (tests/data/tags_beyond_musiccaps.jsonl): Jamendo,
Last.fm, Discogs, free phrases, other languages and emoji. Properties of every caption, and the examples
of issue 10 verbatim."""

import json
import re
from pathlib import Path

import pytest

from lpmc.text import english
from lpmc.text.checks import check_caption
from lpmc.text.writer import write_caption
from lpmc.vocabulary import mood_words

ITEMS = [
    json.loads(line)
    for line in (Path(__file__).parent / "data" / "tags_beyond_musiccaps.jsonl")
    .read_text("utf-8")
    .splitlines()
]
STYLES = ("writing", "summary", "paraphrase")
# How each style opens: a sentence whose subject is the music ("Picture" asks the reader to imagine it).
OPENING = re.compile(r"^(?:This (?:is|song) |An? [^\s;,.]|Picture an? )")
ARTICLE = re.compile(r"\b([Aa]n?) ([^\s,.;()]+)")


def starts_with_vowel_sound(word: str) -> bool | None:
    """The sound a word starts with, by how English speakers say it; None when it is not Latin script."""
    if word[0].isdigit():
        return bool(re.match(r"^(?:8|11(?!\d)|18(?!\d)|11\d\d(?!\d)|18\d\d(?!\d))", word))
    if not word[0].isascii() or not word[0].isalpha():
        return None
    letters = re.match(r"[A-Za-z&]+", word).group()
    if letters.isupper() and len(letters) > 1 and (len(letters) <= 3 or "&" in letters):
        return letters[0] in "AEFHILMNORSX"  # said letter by letter: "an MC", "a UK rap"
    lowered = word.lower()
    if lowered.startswith(("hour", "honest", "honor", "heir")):
        return True
    if re.match(r"^(?:uni|use|usu|eu|one|ukulele)|^u[bcfhjkqrstn][aeiou]", lowered):
        return False
    return lowered[0] in "aeiou"


def captions() -> list:
    return [
        pytest.param(item["tags"], style, write_caption(item["tags"], style), id=f"{item['id']}-{style}")
        for item in ITEMS
        for style in STYLES
    ]


def test_the_set_is_large_and_varied():
    assert len(ITEMS) >= 80
    assert {item["source"] for item in ITEMS} >= {
        "jamendo",
        "msd50",
        "discogs",
        "free",
        "other-language",
        "emoji",
    }


@pytest.mark.parametrize("tags, style, text", captions())
def test_every_caption_reads_as_english(tags, style, text):
    assert text and text[0].isupper() and OPENING.match(text), text
    first = english.split_sentences(text)[0]
    assert not re.match(r"^(?:It )?also\b", first, re.IGNORECASE) and " also " not in " ".join(
        first.split()[:3]
    )
    for article, word in ARTICLE.findall(text):
        vowel = starts_with_vowel_sound(word)
        assert vowel is None or vowel == (article.lower() == "an"), f"{article} {word}: {text}"
    for listed in re.findall(r"elements of ([^.;]+)", text):
        for item in re.split(r", | and ", listed):
            assert not (english.looks_adjective(item) or item.lower() in mood_words()), text


@pytest.mark.parametrize("tags, style, text", captions())
def test_every_tag_is_expressed_or_named_and_nothing_contradicts_them(tags, style, text):
    check = check_caption(tags, text, use_embeddings=False)
    assert check.missing == [] and check.contradictions == [], text


def test_tags_in_other_languages_are_kept_and_said_to_be():
    for item in ITEMS:
        text = write_caption(item["tags"])
        foreign = [tag for tag in item["tags"] if any(not char.isascii() and char.isalpha() for char in tag)]
        assert ("(kept as written)" in text) == bool(foreign), text


@pytest.mark.parametrize(
    "tags, caption",
    [
        (
            ["drill", "808", "dark", "uk rap"],
            "This is a drill and UK rap song that features an 808. The song is dark.",
        ),
        (
            ["bebop", "upright bass", "brushed drums", "saxophone", "smoky"],
            "This is a bebop song that features an upright bass, brushed drums and a saxophone. "
            "It sounds smoky.",
        ),
        (
            ["city pop", "japanese", "80s", "funky bass"],
            "This is an 80s Japanese city pop song that features a funky bass.",
        ),
        (
            ["케이팝", "여성 보컬", "신나는", "댄스"],
            "This song is tagged 케이팝, 여성 보컬, 신나는 and 댄스 (kept as written).",
        ),
        (["🎹", "🎻", "😢"], "This song is tagged 🎹 (musical keyboard), 🎻 (violin) and 😢 (crying face)."),
        (["accordéon", "mélancolique"], "This song is tagged accordéon and mélancolique (kept as written)."),
    ],
)
def test_the_examples_of_issue_10(tags, caption):
    assert write_caption(tags) == caption


@pytest.mark.parametrize(
    "tags, caption",
    [
        (["unicorn", "sparkly"], "This song is sparkly. It is also described as unicorn."),
        (["love", "drama", "romantic"], "This song is romantic. It evokes love and drama."),
        (["sounds like a 90s video game"], "This song sounds like a 90s video game."),
        (
            ["songs to cry to", "summer"],
            "This song could be played in summer. It is also described as songs to cry to.",
        ),
        (
            ["MC", "EDM", "hour-long set"],
            "This is an EDM song that features an MC. It is also described as hour-long set.",
        ),
        (["acousticguitar", "newage"], "This is a new age song that features an acoustic guitar."),
    ],
)
def test_parts_of_speech_and_spellings(tags, caption):
    assert write_caption(tags) == caption
