"""The shared vocabulary: moods, scenes and tag text, read from assets/vocabulary/ with their provenance."""

import csv
import json

from lpmc import settings, vocabulary

JAMENDO_MOODS = json.loads((settings.ASSETS_DIR / "jamendo_moodtheme" / "tags.json").read_text())


def catalog_tags() -> set[str]:
    with (settings.ASSETS_DIR / "catalog" / "jamendo_catalog.csv").open(
        newline="", encoding="utf-8"
    ) as handle:
        return {tag for row in csv.DictReader(handle) for tag in row["tags"].split("|") if tag}


def test_every_vocabulary_file_has_its_provenance():
    provenance = (vocabulary.VOCABULARY_DIR / "PROVENANCE.md").read_text()
    for path in vocabulary.VOCABULARY_DIR.glob("*.json"):
        assert f"`{path.name}" in provenance, path.name


def test_moods_are_placed_on_the_plane_and_grouped_into_families():
    positions = vocabulary.mood_positions()
    assert all(0 <= v <= 1 and 0 <= a <= 1 for v, a in positions.values())
    assert set(vocabulary.photo_moods()) <= set(positions)
    assert {vocabulary.mood_family(tag) for tag in ("film", "movie", "trailer")} == {"cinematic"}
    assert vocabulary.mood_family("christmas") is None  # a context of use, not a feeling of the music
    assert {tag for tag in JAMENDO_MOODS if vocabulary.mood_family(tag)} <= set(JAMENDO_MOODS)
    assert "melancholic" in vocabulary.mood_words()


def test_mood_tags_are_the_catalogs_and_the_taggers():
    tags = catalog_tags() | set(JAMENDO_MOODS)
    assert set(vocabulary.mood_positions()) <= tags


def test_tags_written_as_one_word_are_spelled_out():
    assert vocabulary.tag_text("newage") == "new age"
    assert vocabulary.tag_text("singersongwriter") == "singer-songwriter"
    assert vocabulary.tag_text("rnb") == "r&b"
    assert vocabulary.tag_text("eurodance") == "eurodance" and vocabulary.tag_text("rock") == "rock"
    assert set(vocabulary.read_vocabulary("tag_text")["spellings"]) <= catalog_tags()


def test_scene_words():
    assert "beach" in vocabulary.imagenet_scene_words("seashore")
    assert vocabulary.imagenet_scene_words("golden retriever") == ()
    assert vocabulary.cue_themes("sunset") == ("romantic", "summer", "relaxing")
    assert "city at night" in vocabulary.clip_scenes()
