"""What a photo says, as weighted words and a point on the valence-arousal plane.

Sources, each turned into words with weights in (0, ~1.5]:
- MobileNetV2 ImageNet labels (built in) and the scene words they imply (scenes.py);
- colour and light (colour.py): mood words and a few scene cues;
- EXIF date and time: season, Christmas / New Year, morning / evening / night;
- the user's own text, which weighs most;
- a BLIP caption and CLIP zero-shot words when those hub models are available.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from lpmc import registry
from lpmc.recommend.colour import ColourMood, colour_mood
from lpmc.recommend.image import ImageSource, load_photo
from lpmc.recommend.moods import mood_position, nearest_moods
from lpmc.recommend.scenes import cue_words
from lpmc.tasks import AUTO, IMAGE_UNDERSTANDING
from lpmc.vocabulary import mood_positions

COLOUR_MOOD_WEIGHT = 0.8
SEASON_WEIGHT = 0.6
HOLIDAY_WEIGHT = 0.9
TIME_OF_DAY_WEIGHT = 0.5
TEXT_SHARE = 0.5  # the user said it: their text weighs as much as all the photo's words together
CAPTION_WEIGHT = 1.2
WORD_MOOD_SHARE = 0.5  # most of the photo's valence/arousal that mood-bearing words can decide


@dataclass
class ImageAnalysis:
    labels: list[tuple[str, float]]  # ImageNet classes and probabilities
    scene_words: dict[str, float]
    mood_words: dict[str, float]
    context_words: dict[str, float]  # EXIF season/time, user text, caption
    valence: float  # 0 unpleasant .. 1 pleasant
    arousal: float  # 0 calm .. 1 excited
    colour: ColourMood  # brightness, saturation, warmth, contrast, palette, colour-only valence/arousal
    caption: str | None
    taken: str | None  # EXIF date and time, ISO format
    models: list[str]  # models that ran
    not_used: dict[str, str] = field(default_factory=dict)  # stronger model -> why it did not run

    def words(self) -> dict[str, float]:
        """All words with their weights (a word named by several sources keeps its largest weight)."""
        merged: dict[str, float] = {}
        for source in (self.scene_words, self.mood_words, self.context_words):
            for word, weight in source.items():
                merged[word] = max(weight, merged.get(word, 0.0))
        return dict(sorted(merged.items(), key=lambda item: -item[1]))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["labels"] = [{"label": label, "probability": round(p, 4)} for label, p in self.labels]
        colour = data.pop("colour")
        data["colours"] = [{"hex": hex_colour, "share": share} for hex_colour, share in self.colour.palette]
        data["note"] = self.note
        data["light"] = {
            key: round(colour[key], 3) for key in ("brightness", "saturation", "warmth", "contrast")
        }
        data["valence"], data["arousal"] = round(self.valence, 3), round(self.arousal, 3)
        return data

    @property
    def swatches(self) -> list[str]:
        """Dominant colours as '#rrggbb', largest share first."""
        return [hex_colour for hex_colour, _ in self.colour.palette]

    @property
    def note(self) -> str:
        """Which models read the photo, and why stronger ones did not."""
        lines = [f"Read by {', '.join(self.models)} and the photo's colour and light."]
        lines += [f"{name} not used: {reason}" for name, reason in self.not_used.items()]
        return " ".join(lines)


def analyze_image(image: ImageSource, text: str = "", reader: str = AUTO) -> ImageAnalysis:
    """Understand a photo (path or PIL image) plus optional user text. `reader`: "auto" (every available
    image-understanding model of the registry, their words combined) or one entry's name. Raises
    ImageError for bad images, ModelUnavailable when a reader chosen by name cannot run."""
    photo = load_photo(image)
    readers, not_used = registry.load_available(IMAGE_UNDERSTANDING, reader)
    colour = colour_mood(photo.rgb)
    labels: list[tuple[str, float]] = []
    scene: dict[str, float] = {}
    context = time_words(photo.taken)
    caption = None
    for _, model in readers:
        reading = model.read(photo)
        labels += reading.labels
        _merge(scene, reading.words)
        if reading.caption:
            caption = reading.caption
            context[caption] = CAPTION_WEIGHT
    _merge(scene, cue_words(colour.scene_words))
    valence, arousal = photo_position(colour, {**scene, **context})
    moods = {word: round(COLOUR_MOOD_WEIGHT * w, 3) for word, w in nearest_moods(valence, arousal).items()}
    text = " ".join(text.split())
    if text:
        photo_total = sum(scene.values()) + sum(moods.values()) + sum(context.values())
        context[text] = round(TEXT_SHARE / (1 - TEXT_SHARE) * photo_total, 3)
    return ImageAnalysis(
        labels=labels,
        scene_words=scene,
        mood_words=moods,
        context_words=context,
        valence=valence,
        arousal=arousal,
        colour=colour,
        caption=caption,
        taken=photo.taken.isoformat() if photo.taken else None,
        models=[name for name, _ in readers],
        not_used=not_used,
    )


def time_words(taken: datetime | None) -> dict[str, float]:
    """Season (northern hemisphere), holidays and time of day from the EXIF timestamp."""
    if taken is None:
        return {}
    season = ("winter", "spring", "summer", "autumn")[taken.month % 12 // 3]
    words = {season: SEASON_WEIGHT}
    if taken.month == 12 and 20 <= taken.day <= 26:
        words["christmas"] = HOLIDAY_WEIGHT
    if (taken.month, taken.day) in ((12, 31), (1, 1)):
        words.update({"new year": HOLIDAY_WEIGHT, "party": SEASON_WEIGHT})
    if 5 <= taken.hour < 11:
        words["morning"] = TIME_OF_DAY_WEIGHT
    elif 17 <= taken.hour < 21:
        words["evening"] = TIME_OF_DAY_WEIGHT
    elif taken.hour >= 21 or taken.hour < 5:
        words["night"] = TIME_OF_DAY_WEIGHT
    return words


def photo_position(colour: ColourMood, words: dict[str, float]) -> tuple[float, float]:
    """The photo's (valence, arousal): colour, blended with any mood-bearing words it was given."""
    bearing = {word: weight for word, weight in words.items() if word in mood_positions()}
    from_words = mood_position(bearing)
    if from_words is None:
        return colour.valence, colour.arousal
    share = WORD_MOOD_SHARE * min(1.0, sum(bearing.values()))  # a faint word moves the point a little
    return (
        (1 - share) * colour.valence + share * from_words[0],
        (1 - share) * colour.arousal + share * from_words[1],
    )


def _merge(words: dict[str, float], more: dict[str, float]) -> None:
    for word, weight in more.items():
        words[word] = max(weight, words.get(word, 0.0))
