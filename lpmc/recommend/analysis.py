"""What a photo and the user's words say: weighted words, mood words with the reason for each, and a
point on the valence-arousal plane.

Sources, each turned into words with weights in (0, ~1.5]:
- the image-understanding models of the registry (MobileNetV2 built in): their confident ImageNet labels
  and the scene words those imply (scenes.py); a caption or CLIP words when those models are available;
- colour and light (colour.py): colour regions (sky, grey sky, water, vegetation, warm, dark) and the cues
  they support ("clear sky", "overcast", "greenery", "autumn colours", "vivid colours", ...), each standing
  for mood and theme words (`lpmc.vocabulary.cue_themes`), weighted CUE_THEME_SHARE of the cue;
- the EXIF date and time: season, Christmas / New Year, morning / evening / night, and the moods those
  call for (`lpmc.vocabulary.time_themes`);
- the user's own words (user_text.py): phrases and words, which lead: together they weigh USER_SHARE of
  everything, and their mood words ("nostalgic" -> melancholic) decide USER_SHARE of the mood.

Valence and arousal (each 0 .. 1). From the photo:
    photo = (COLOUR_WEIGHT * colour + sum_i w_i * p_i) / (COLOUR_WEIGHT + sum_i w_i)
where colour is the Valdez-Mehrabian point of the photo's brightness, saturation, warmth and contrast
(colour.py), p_i the place (`lpmc.vocabulary.mood_positions`) of each mood word the photo gave (a colour
cue's, a season's or hour's, a scene word of a confident label) and w_i its weight. With mood words in
the user's text, at the mean place u of those:
    (valence, arousal) = (1 - USER_SHARE) * photo + USER_SHARE * u
Without a photo the point is u (no mood words at all: the middle of the plane, 0.5, 0.5).

Mood words: those of the cues, EXIF and labels, those of the user's words, and the photo mood words
nearest the point (moods.py), each with the reason it was chosen (`mood_reasons`).
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from lpmc import registry
from lpmc.errors import InputError
from lpmc.recommend.colour import ColourMood, colour_mood
from lpmc.recommend.image import ImageSource, Photo, load_photo
from lpmc.recommend.moods import mood_position, nearest_moods
from lpmc.recommend.scenes import label_name
from lpmc.recommend.user_text import mood_tags, split_text
from lpmc.tasks import AUTO, IMAGE_UNDERSTANDING
from lpmc.vocabulary import cue_themes, mood_positions, time_themes

COLOUR_MOOD_WEIGHT = 0.5  # weight of the nearest mood words, times their closeness (0..1): weak evidence
COLOUR_WEIGHT = 1.0  # weight of the colour point among the photo's mood words
CUE_THEME_SHARE = 0.6  # a cue's theme word gets this share of the cue's weight
SEASON_WEIGHT = 0.6
HOLIDAY_WEIGHT = 0.9
TIME_OF_DAY_WEIGHT = 0.5
CAPTION_WEIGHT = 1.2
USER_SHARE = 0.65  # the user's words weigh this share of all words, and of the mood when they name one
MIDDLE = (0.5, 0.5)


@dataclass
class ImageAnalysis:
    labels: list[tuple[str, float]]  # classifier classes and probabilities
    scene_words: dict[str, float]  # words of confident labels, colour cues and their themes
    mood_words: dict[str, float]  # mood tags (those with a place on the valence-arousal plane)
    context_words: dict[str, float]  # EXIF season/time and its themes, a caption
    user_words: dict[str, float]  # the user's phrases and words
    valence: float  # 0 unpleasant .. 1 pleasant
    arousal: float  # 0 calm .. 1 excited
    colour: ColourMood | None  # light, regions, cues, palette; None without a photo
    caption: str | None
    taken: str | None  # EXIF date and time, ISO format
    models: list[str]  # models that ran
    not_used: dict[str, str] = field(default_factory=dict)  # stronger model -> why it did not run
    mood_reasons: dict[str, str] = field(default_factory=dict)  # mood word -> why it was chosen
    user_sources: dict[str, str] = field(default_factory=dict)  # mood word -> the user's word it came from

    def words(self) -> dict[str, float]:
        """All words with their weights (a word named by several sources keeps its largest weight)."""
        merged: dict[str, float] = {}
        for source in (self.scene_words, self.mood_words, self.context_words, self.user_words):
            _merge(merged, source)
        return dict(sorted(merged.items(), key=lambda item: -item[1]))

    def shown_as(self, word: str) -> str:
        """How a word is named when it explains a song: "your words: 'x'" or "photo 'x'"."""
        if word in self.user_words:
            return f"your words: '{word}'"
        if word in self.user_sources:
            return f"your words: '{self.user_sources[word]}' ({word})"
        return f"photo '{word}'"

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["labels"] = [{"label": label, "probability": round(p, 4)} for label, p in self.labels]
        data.pop("colour")
        data["colours"] = [{"hex": hex_colour, "share": share} for hex_colour, share in self.palette]
        data["note"] = self.note
        data["light"] = {}
        data["regions"] = {}
        if self.colour is not None:
            data["light"] = {
                key: round(getattr(self.colour, key), 3)
                for key in ("brightness", "saturation", "warmth", "contrast", "colourfulness")
            }
            data["regions"] = dict(self.colour.regions)
        data["valence"], data["arousal"] = round(self.valence, 3), round(self.arousal, 3)
        return data

    @property
    def palette(self) -> list[tuple[str, float]]:
        return self.colour.palette if self.colour is not None else []

    @property
    def swatches(self) -> list[str]:
        """Dominant colours as '#rrggbb', largest share first."""
        return [hex_colour for hex_colour, _ in self.palette]

    @property
    def note(self) -> str:
        """Which models read the photo, and why stronger ones did not."""
        if self.colour is None:
            return "No photo: read from your words only."
        lines = [f"Read by {', '.join(self.models)} and the photo's colour and light."]
        lines += [f"{name} not used: {reason}" for name, reason in self.not_used.items()]
        return " ".join(lines)


class Evidence:
    """Mood words with a weight and the reason for each; a word given twice keeps its larger weight."""

    def __init__(self) -> None:
        self.weights: dict[str, float] = {}
        self.reasons: dict[str, str] = {}

    def add(self, word: str, weight: float, reason: str) -> None:
        if weight > self.weights.get(word, 0.0):
            self.weights[word], self.reasons[word] = round(weight, 3), reason


def analyze_image(image: ImageSource | None, text: str = "", reader: str = AUTO) -> ImageAnalysis:
    """Understand a photo (path or PIL image; None for words only) plus optional user text. `reader`:
    "auto" (every available image-understanding model of the registry, their words combined) or one
    entry's name. Raises InputError for neither photo nor words, ImageError for bad images,
    ModelUnavailable when a reader chosen by name cannot run."""
    user = split_text(text)
    if image is None and not user:
        raise InputError("Give a photo, some words about the moment, or both.")
    analysis = read_photo(load_photo(image), reader) if image is not None else _no_photo()
    add_user_words(analysis, user)
    return analysis


def read_photo(photo: Photo, reader: str = AUTO) -> ImageAnalysis:
    """What the photo alone says: the models' words, colour cues, EXIF time, mood words and the point."""
    readers, not_used = registry.load_available(IMAGE_UNDERSTANDING, reader)
    colour = colour_mood(photo.rgb)
    labels: list[tuple[str, float]] = []
    scene: dict[str, float] = {}
    caption = None
    for _, model in readers:
        reading = model.read(photo)
        labels += reading.labels
        _merge(scene, reading.words)
        caption = reading.caption or caption
    moods = Evidence()
    seen = ", ".join(label_name(label) for label, _ in labels)
    for word in [word for word in scene if word in mood_positions()]:
        moods.add(word, scene.pop(word), f"the photo shows it ({seen})")
    for cue, weight in colour.scene_words.items():
        scene[cue] = weight
        _add_themes(scene, moods, cue_themes(cue), CUE_THEME_SHARE * weight, colour.cue_notes[cue])
    context = time_words(photo.taken)
    for word, weight in list(context.items()):
        _add_themes(context, moods, time_themes(word), weight, f"taken in {word} (EXIF)")
    if caption:
        context[caption] = CAPTION_WEIGHT
    valence, arousal = photo_position(colour, moods.weights)
    return ImageAnalysis(
        labels=labels,
        scene_words=scene,
        mood_words=dict(moods.weights),
        context_words=context,
        user_words={},
        valence=valence,
        arousal=arousal,
        colour=colour,
        caption=caption,
        taken=photo.taken.isoformat() if photo.taken else None,
        models=[name for name, _ in readers],
        not_used=not_used,
        mood_reasons=dict(moods.reasons),
    )


def _no_photo() -> ImageAnalysis:
    return ImageAnalysis([], {}, {}, {}, {}, *MIDDLE, colour=None, caption=None, taken=None, models=[])


def add_user_words(analysis: ImageAnalysis, user: dict[str, float]) -> None:
    """Let the user's words lead: they weigh USER_SHARE of all words, their mood words move the point
    USER_SHARE of the way to theirs; then the photo mood words nearest the final point join."""
    if user:
        photo_total = sum(analysis.words().values())
        scale = USER_SHARE / (1 - USER_SHARE) * photo_total / sum(user.values()) if photo_total else 1.0
        analysis.user_words = {word: round(weight * scale, 3) for word, weight in user.items()}
        own = Evidence()
        for word, weight in analysis.user_words.items():
            for tag in mood_tags(word):
                own.add(tag, weight, f"your words: '{word}'")
                analysis.user_sources.setdefault(tag, word)
        place = mood_position(own.weights)
        if place is not None:
            share = USER_SHARE if analysis.colour is not None else 1.0
            analysis.valence = (1 - share) * analysis.valence + share * place[0]
            analysis.arousal = (1 - share) * analysis.arousal + share * place[1]
        _merge(analysis.mood_words, own.weights)
        analysis.mood_reasons.update(own.reasons)
    near = nearest_moods(analysis.valence, analysis.arousal)
    for word, closeness in near.items():
        if word not in analysis.mood_words:
            analysis.mood_words[word] = round(COLOUR_MOOD_WEIGHT * closeness, 3)
            analysis.mood_reasons[word] = (
                f"near the mood's valence {analysis.valence:.2f} and arousal {analysis.arousal:.2f}"
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


def photo_position(colour: ColourMood, moods: dict[str, float]) -> tuple[float, float]:
    """The photo's (valence, arousal): the colour point and the places of its mood words, weighted."""
    placed = {word: weight for word, weight in moods.items() if word in mood_positions()}
    total = sum(placed.values())
    from_words = mood_position(placed)
    if from_words is None:
        return colour.valence, colour.arousal
    return (
        (COLOUR_WEIGHT * colour.valence + total * from_words[0]) / (COLOUR_WEIGHT + total),
        (COLOUR_WEIGHT * colour.arousal + total * from_words[1]) / (COLOUR_WEIGHT + total),
    )


def _add_themes(
    words: dict[str, float], moods: Evidence, themes: tuple[str, ...], weight: float, reason: str
) -> None:
    """A cue's themes: mood tags become mood evidence with `reason`, other themes join `words`."""
    for theme in themes:
        if theme in mood_positions():
            moods.add(theme, weight, reason)
        else:
            words[theme] = max(words.get(theme, 0.0), round(weight, 3))


def _merge(words: dict[str, float], more: dict[str, float]) -> None:
    for word, weight in more.items():
        words[word] = max(weight, words.get(word, 0.0))
