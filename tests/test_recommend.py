"""Photo -> songs over the bundled Jamendo and PMEmo catalogs, the cache, the index and the CLI."""

import argparse
import json
import logging
import os
from pathlib import Path

import numpy as np
import pytest

from lpmc.errors import InputError
from lpmc.recommend import catalog as catalog_module
from lpmc.recommend import cli
from lpmc.recommend.catalog import derive_moods, load_catalog
from lpmc.recommend.recommend import MAX_PER_ARTIST, best_first, diverse, explain, recommend
from lpmc.vocabulary import is_explicit, mood_family, mood_positions

PHOTOS = Path(__file__).resolve().parents[1] / "assets" / "photos"
EVAL_PHOTOS = Path(__file__).resolve().parents[1] / "bench" / "photo_eval"
SUNNY_MOODS = {
    "summer", "relaxing", "romantic", "happy", "hopeful", "love", "dream", "mellow", "calm", "soft",
    "uplifting", "positive", "inspiring", "holiday", "travel",
}  # fmt: skip
DARK_MOODS = {
    "dark", "dramatic", "drama", "sad", "melancholic", "horror", "heavy", "deep", "epic", "emotional",
    "trailer", "powerful",
}  # fmt: skip


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    """Catalog caches go to a temporary folder; the catalog is rebuilt there once for this module."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("LPMC_CACHE_DIR")
    os.environ["LPMC_CACHE_DIR"] = str(folder)
    load_catalog.cache_clear()
    yield folder
    load_catalog.cache_clear()
    if previous is None:
        del os.environ["LPMC_CACHE_DIR"]
    else:
        os.environ["LPMC_CACHE_DIR"] = previous


@pytest.fixture(scope="module")
def jamendo(cache_dir):
    return load_catalog("jamendo")


def moods_of(song) -> set[str]:
    return set(song.tags) | set(song.derived_moods)


def test_catalog_is_complete_and_cached(jamendo, cache_dir, monkeypatch):
    assert len(jamendo) == 11_565 and jamendo.vectors.shape == (11_565, 384)
    assert np.allclose(np.linalg.norm(jamendo.vectors, axis=1), 1, atol=1e-4)
    with_moods = sum(bool(set(tags) & set(mood_positions())) for tags in jamendo.tags)
    assert with_moods < 0.45 * len(jamendo)  # most tracks carry no mood tag ...
    assert np.isnan(jamendo.positions[:, 0]).mean() < 0.15  # ... yet most get a place on the mood plane
    caches = list((cache_dir / "recommend").glob("jamendo-*.npz"))
    assert len(caches) == 1

    def embedding_must_not_run(texts):
        raise AssertionError("the cached vectors should have been used")

    monkeypatch.setattr(catalog_module, "embed_texts", embedding_must_not_run)
    again = catalog_module.load_jamendo(catalog_module.CATALOG_DIR / catalog_module.JAMENDO_FILE)
    assert np.array_equal(again.vectors, jamendo.vectors)


@pytest.mark.parametrize("damage", ["truncated", "empty"])
def test_an_unreadable_cache_is_rebuilt_with_a_warning(tmp_path, monkeypatch, caplog, damage):
    monkeypatch.setenv("LPMC_CACHE_DIR", str(tmp_path))
    phrases = ["calm mood", "rock music", "piano"]
    fresh = catalog_module.document_vectors(phrases, "probe")
    cache = tmp_path / "recommend" / "probe.npz"
    whole = cache.read_bytes()
    cache.write_bytes(whole[: len(whole) // 2] if damage == "truncated" else b"")
    leftover = tmp_path / "recommend" / "probe.npz.killed.tmp"  # as a write killed halfway leaves it
    leftover.write_bytes(whole[:100])
    with caplog.at_level(logging.WARNING, logger="lpmc.recommend.catalog"):
        rebuilt = catalog_module.document_vectors(phrases, "probe")
    assert np.allclose(rebuilt, fresh, atol=1e-6)
    assert "unreadable embedding cache" in caplog.text and "rebuilding it" in caplog.text
    assert [p.name for p in cache.parent.iterdir()] == ["probe.npz"]  # whole again, no *.tmp left
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="lpmc.recommend.catalog"):
        assert np.array_equal(catalog_module.document_vectors(phrases, "probe"), rebuilt)
    assert caplog.text == ""


def test_derived_moods_follow_co_occurrence():
    tags = [["metal"], ["metal"], ["metal"], ["piano"], ["piano"], ["piano"]] * 20 + [["metal"], ["piano"]]
    moods = [["heavy"], ["heavy"], ["energetic"], ["calm"], ["calm"], ["sad"]] * 20 + [[], []]
    derived = derive_moods(tags, moods)
    assert derived[:120] == [{}] * 120  # songs with mood tags keep only their own
    assert set(derived[120]) == {"heavy", "energetic"} and set(derived[121]) == {"calm", "sad"}
    assert 0 < derived[121]["calm"] <= 1


def test_sunset_surfaces_summer_relaxing_romantic_songs(cache_dir):
    result = recommend(PHOTOS / "sunset.jpg", top=10)
    assert len(result.songs) == 10
    assert not any(is_explicit(song.title) or is_explicit(song.artist) for song in result.songs)
    assert sum(bool(moods_of(song) & SUNNY_MOODS) for song in result.songs) >= 8
    assert sum(bool(moods_of(song) & DARK_MOODS - {"epic", "emotional"}) for song in result.songs) <= 3


def test_dark_rainy_ivy_surfaces_dark_dramatic_songs(cache_dir):
    result = recommend(PHOTOS / "dark_ivy.jpg", top=10)
    assert sum(bool(moods_of(song) & DARK_MOODS) for song in result.songs) >= 8
    assert not any(moods_of(song) & {"happy", "summer", "fun", "party"} for song in result.songs)


def test_results_are_diverse_explained_and_linked(cache_dir):
    result = recommend(PHOTOS / "mountains.jpg", text="christmas with the family", top=10)
    artists = [song.artist for song in result.songs]
    assert max(artists.count(a) for a in artists) <= MAX_PER_ARTIST
    assert all(song.why and song.url.startswith("https://www.jamendo.com/track/") for song in result.songs)
    assert sum("christmas" in song.tags for song in result.songs) >= 8  # the user's words lead
    assert all(reason.startswith("your words: ") for song in result.songs[:3] for reason in song.why[:1])
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data["songs"][0]) == {
        *("title", "artist", "tags", "derived_moods", "score", "why", "url", "valence", "arousal")
    }
    assert list(data["analysis"]["user_words"]) == ["christmas with the family", "christmas", "family"]


def test_pmemo_matches_on_valence_and_arousal(cache_dir):
    pmemo = load_catalog("pmemo")
    dark = recommend(PHOTOS / "dark_ivy.jpg", catalog="pmemo", top=10)
    dune = recommend(PHOTOS / "dune.jpg", catalog="pmemo", top=10)
    dark_rows = [pmemo.titles.index(song.title) for song in dark.songs]
    dune_rows = [pmemo.titles.index(song.title) for song in dune.songs]
    assert (
        pmemo.positions[dark_rows, 0].mean()
        < pmemo.positions[:, 0].mean()
        < pmemo.positions[dune_rows, 0].mean()
    )


def test_bad_requests_get_clear_errors(cache_dir):
    with pytest.raises(InputError, match="Unknown catalog"):
        recommend(PHOTOS / "dune.jpg", catalog="spotify")
    with pytest.raises(InputError, match="between 1 and"):
        recommend(PHOTOS / "dune.jpg", top=0)


def test_diversity_caps_each_artist():
    artists = ["a", "a", "a", "b", "A", "c"]
    assert diverse(np.arange(6), artists, 4) == [0, 1, 3, 5]


def test_best_first_is_the_top_of_a_sort():
    scores = np.random.default_rng(0).standard_normal(1000)
    assert best_first(scores, 10).tolist() == np.argsort(-scores)[:10].tolist()
    assert best_first(np.array([0.1, 0.9, 0.5]), 2).tolist() == [1, 2]


def test_cli_prints_json_and_text(cache_dir, capsys):
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["recommend", "--image", str(PHOTOS / "dune.jpg"), "--top", "3", "--json"])
    assert args.func(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["songs"]) == 3 and "mood_words" in data["analysis"]
    args = parser.parse_args(["recommend", "--image", str(PHOTOS / "dark_ivy.jpg"), "--top", "2"])
    assert args.func(args) == 0
    text = capsys.readouterr().out
    assert text.startswith("photo: ") and "  1. " in text and "jamendo.com" in text
    args = parser.parse_args(["recommend", "--text", "calm rainy morning", "--top", "2", "--catalog", "all"])
    assert args.func(args) == 0
    text = capsys.readouterr().out
    assert text.startswith("words: ") and "  1. (jamendo) " in text and "  2. (pmemo) " in text
    args = parser.parse_args(["recommend"])
    with pytest.raises(InputError, match="--image PHOTO, --text WORDS"):
        args.func(args)


def test_why_never_pairs_opposite_moods():
    vectors = np.eye(3, dtype=np.float32)
    tag_vectors = {"energetic": vectors[0], "calm": vectors[1]}
    reasons = explain(["relaxing", "calm"], vectors[:2], np.ones(2, np.float32), tag_vectors)
    assert reasons == ["photo 'calm' ~ song 'calm' (1.00)"]


def families_of(song) -> set[str]:
    """The mood families of a song's own mood tags (derived moods left out)."""
    return {mood_family(tag) for tag in song.tags} - {None}


def test_a_deep_blue_summer_sky_is_bright_and_happy_not_stormy(cache_dir):
    # The kite: a deep-blue sunny sky read as "overcast, storm, dark". Here: bridge cables across one.
    result = recommend(EVAL_PHOTOS / "lomiri-bridge.jpg", top=10)
    analysis = result.analysis
    assert "clear sky" in analysis.scene_words and not {"overcast", "storm", "night"} & set(analysis.words())
    assert analysis.valence > 0.6 and "blue sky fills" in analysis.mood_reasons["happy"]
    happy = {"happy", "positive", "uplifting", "hopeful", "upbeat", "inspiring"}
    assert sum(bool(families_of(song) & happy) for song in result.songs) >= 8
    assert not any(families_of(song) & {"dark", "heavy", "sad", "dramatic"} for song in result.songs)


def test_rain_drops_on_dark_leaves_call_for_dark_songs(cache_dir):
    result = recommend(EVAL_PHOTOS / "gnome-dark-ivy.jpg", top=10)
    dark = {"dark", "melancholic", "sad", "deep", "dramatic", "emotional"}
    assert sum(bool(families_of(song) & dark) for song in result.songs) >= 8
    assert result.analysis.labels == [] or result.analysis.labels[0][1] < 0.25  # no confident guess used
    assert not result.analysis.scene_words.keys() - {"night", "darkness"}


def test_autumn_with_the_users_words_is_nostalgic_not_a_summer_party(cache_dir):
    text = "rainy walk home after school, nostalgic"
    photo = recommend(EVAL_PHOTOS / "lomiri-aitzgorri.jpg", top=10)
    assert "autumn colours" in photo.analysis.scene_words and "melancholic" in photo.analysis.mood_words
    result = recommend(EVAL_PHOTOS / "lomiri-aitzgorri.jpg", text=text, top=10)
    analysis = result.analysis
    assert analysis.user_words["nostalgic"] > max(analysis.scene_words.values())
    assert analysis.mood_reasons["melancholic"] == "your words: 'nostalgic'"
    assert analysis.valence < photo.analysis.valence
    wistful = {"melancholic", "emotional", "sad", "calm", "relaxing", "soft"}
    assert sum(bool(families_of(song) & wistful) for song in result.songs) >= 8
    assert not any(set(song.tags) & {"party", "summer"} for song in result.songs)
    assert any(reason.startswith("your words: ") for song in result.songs for reason in song.why)
    assert not any("photo 'nostalgic'" in reason for song in result.songs for reason in song.why)


def test_words_alone_are_enough(cache_dir):
    result = recommend(None, text="rainy walk home after school, nostalgic", top=10)
    assert result.analysis.colour is None and result.analysis.labels == []
    assert result.analysis.note == "No photo: read from your words only."
    wistful = {"melancholic", "emotional", "sad", "calm"}
    assert sum(bool(families_of(song) & wistful) for song in result.songs) >= 8
    assert all(reason.startswith("your words: ") for song in result.songs for reason in song.why[:1])
    with pytest.raises(InputError, match="a photo, some words"):
        recommend(None, text="  ")


def test_explicit_titles_and_names_are_left_out_unless_turned_off(cache_dir, monkeypatch):
    def explicit_songs() -> list[str]:
        songs = recommend(None, text="angry rap", top=20).songs
        return [song.artist for song in songs if is_explicit(song.title) or is_explicit(song.artist)]

    assert explicit_songs() == []
    monkeypatch.setenv("LPMC_EXPLICIT_FILTER", "0")
    assert explicit_songs()  # the same query finds them when the filter is off


def test_all_catalogs_merge_with_a_source_each(cache_dir):
    result = recommend(PHOTOS / "dune.jpg", catalog="all", top=6)
    sources = [song.source for song in result.songs]
    assert sources[:2] == ["jamendo", "pmemo"] and set(sources) == {"jamendo", "pmemo"}  # no library here
    assert all(bool(song.url) == (song.source == "jamendo") for song in result.songs)
    assert result.to_dict()["songs"][1]["source"] == "pmemo" and result.catalog == "all"
