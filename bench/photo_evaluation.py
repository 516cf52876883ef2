"""The photo evaluation set (bench/photo_eval/): does image -> music return songs whose moods fit the photo?

Each photo is labelled, by looking at it, with the mood families its music should have
(`lpmc.vocabulary.mood_family`: "calm", "epic", "romantic", ...). A recommended song is compatible when one
of its mood tags belongs to one of those families. Two counts: `tagged` uses only the tags people gave the
song; `with derived` also uses the moods guessed from its genres and instruments (catalog.py). A photo
passes when at least PASS_COUNT of its TOP songs are compatible.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from lpmc.recommend.recommend import SongResult, recommend
from lpmc.tasks import AUTO
from lpmc.vocabulary import mood_family

EVAL_DIR = Path(__file__).resolve().parent / "photo_eval"
TOP = 10
PASS_COUNT = 5


@dataclass
class PhotoScore:
    name: str
    tagged: int  # compatible songs among the TOP, by the songs' own mood tags
    with_derived: int  # ... counting derived moods too


def labels() -> dict[str, dict]:
    """Photo file name -> its entry in labels.json (package, path, license, description, families)."""
    return json.loads((EVAL_DIR / "labels.json").read_text(encoding="utf-8"))["photos"]


def compatible(song: SongResult, families: set[str], derived: bool) -> bool:
    """Whether one of the song's mood tags (and, with `derived`, its derived moods) is in `families`."""
    tags = song.tags + (list(song.derived_moods) if derived else [])
    return any(mood_family(tag) in families for tag in tags)


def score_photo(name: str, families: list[str], reader: str = AUTO) -> PhotoScore:
    """Recommend TOP Jamendo songs for the photo `name` and count the compatible ones."""
    songs = recommend(EVAL_DIR / name, top=TOP, reader=reader).songs
    wanted = set(families)
    return PhotoScore(
        name=name,
        tagged=sum(compatible(song, wanted, derived=False) for song in songs),
        with_derived=sum(compatible(song, wanted, derived=True) for song in songs),
    )


def evaluate(reader: str = AUTO) -> list[PhotoScore]:
    """Every photo of the set, scored with the image-understanding model `reader`."""
    return [score_photo(name, photo["families"], reader) for name, photo in labels().items()]


def summary(scores: list[PhotoScore]) -> dict[str, float]:
    """Share of photos passing and mean compatible count, for both ways of counting."""
    count = len(scores)
    return {
        "pass tagged": sum(s.tagged >= PASS_COUNT for s in scores) / count,
        "mean tagged": sum(s.tagged for s in scores) / count,
        "pass with derived": sum(s.with_derived >= PASS_COUNT for s in scores) / count,
        "mean with derived": sum(s.with_derived for s in scores) / count,
    }
