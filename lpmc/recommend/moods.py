"""Mood words placed on Russell's valence-arousal plane, shared by photos and songs.

Positions are hand-set on the circumplex (valence: unpleasant 0 .. pleasant 1; arousal: calm 0 ..
excited 1) for the MTG-Jamendo mood/theme tags that name a feeling; purpose tags such as "film" or
"corporate" carry no position. A photo's (valence, arousal) picks its nearest mood words; a song's
position is the weighted mean of its mood tags, so the two can be compared directly.
"""

import numpy as np

MOOD_VA: dict[str, tuple[float, float]] = {
    "happy": (0.90, 0.70),
    "fun": (0.85, 0.75),
    "funny": (0.80, 0.70),
    "party": (0.80, 0.90),
    "energetic": (0.70, 0.90),
    "upbeat": (0.80, 0.80),
    "positive": (0.85, 0.60),
    "uplifting": (0.80, 0.70),
    "inspiring": (0.80, 0.65),
    "motivational": (0.75, 0.75),
    "hopeful": (0.75, 0.50),
    "summer": (0.85, 0.65),
    "holiday": (0.80, 0.60),
    "travel": (0.75, 0.60),
    "adventure": (0.70, 0.80),
    "action": (0.55, 0.90),
    "sport": (0.65, 0.85),
    "fast": (0.55, 0.90),
    "powerful": (0.60, 0.85),
    "epic": (0.60, 0.85),
    "heavy": (0.35, 0.85),
    "dramatic": (0.35, 0.75),
    "drama": (0.35, 0.65),
    "horror": (0.10, 0.80),
    "dark": (0.20, 0.55),
    "deep": (0.40, 0.35),
    "melancholic": (0.25, 0.30),
    "sad": (0.15, 0.25),
    "emotional": (0.40, 0.50),
    "ballad": (0.55, 0.30),
    "love": (0.85, 0.50),
    "romantic": (0.85, 0.45),
    "sexy": (0.75, 0.65),
    "soft": (0.70, 0.20),
    "calm": (0.70, 0.15),
    "relaxing": (0.75, 0.15),
    "meditative": (0.65, 0.10),
    "mellow": (0.65, 0.25),
    "slow": (0.50, 0.15),
    "dream": (0.65, 0.30),
    "nature": (0.70, 0.30),
    "space": (0.50, 0.35),
    "soundscape": (0.50, 0.30),
    "ambiental": (0.55, 0.25),
    "melodic": (0.65, 0.40),
    "cool": (0.65, 0.50),
    "groovy": (0.75, 0.70),
    "retro": (0.65, 0.55),
    "christmas": (0.85, 0.55),
    "children": (0.85, 0.60),
}

# Words a photo's colour and light can express (a subset of MOOD_VA, plus how to say them).
PHOTO_MOODS = (
    "happy", "upbeat", "energetic", "powerful", "epic", "dramatic", "dark", "melancholic", "sad",
    "calm", "relaxing", "soft", "dream", "romantic", "hopeful", "uplifting", "mellow", "meditative",
)  # fmt: skip
PHOTO_MOOD_SPREAD = 0.18  # Gaussian width on the plane: how far a mood word's weight reaches
PHOTO_MOOD_COUNT = 4


def mood_position(weights: dict[str, float]) -> tuple[float, float] | None:
    """Weighted mean (valence, arousal) of the mood words that have a position, or None."""
    placed = [(MOOD_VA[word], weight) for word, weight in weights.items() if word in MOOD_VA and weight > 0]
    if not placed:
        return None
    points = np.array([point for point, _ in placed])
    w = np.array([weight for _, weight in placed])
    valence, arousal = (points * w[:, None]).sum(0) / w.sum()
    return float(valence), float(arousal)


def nearest_moods(valence: float, arousal: float, count: int = PHOTO_MOOD_COUNT) -> dict[str, float]:
    """The `count` photo mood words nearest (valence, arousal) -> {word: weight in (0, 1]}."""
    points = np.array([MOOD_VA[word] for word in PHOTO_MOODS])
    squared = ((points - np.array([valence, arousal])) ** 2).sum(1)
    weights = np.exp(-squared / (2 * PHOTO_MOOD_SPREAD**2))
    order = np.argsort(-weights)[:count]
    return {PHOTO_MOODS[i]: round(float(weights[i]), 3) for i in order}


def mood_distance(first: str, second: str) -> float:
    """Distance between two mood words on the plane (0 .. 1.41); 0 when either has no position."""
    if first not in MOOD_VA or second not in MOOD_VA:
        return 0.0
    return float(np.hypot(MOOD_VA[first][0] - MOOD_VA[second][0], MOOD_VA[first][1] - MOOD_VA[second][1]))


def compatibility(photo: tuple[float, float], songs: np.ndarray) -> np.ndarray:
    """How close songs sit to the photo on the plane: songs (N, 2), NaN rows unknown -> (N,) in [0, 1].

    Unknown songs get 0.5, neither rewarded nor punished.
    """
    distance = np.sqrt(((songs - np.asarray(photo)) ** 2).sum(1)) / np.sqrt(2)
    return np.where(np.isnan(distance), 0.5, 1.0 - distance)
