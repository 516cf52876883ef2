"""Mood words placed on Russell's valence-arousal plane, shared by photos and songs.

The positions are `lpmc.vocabulary.mood_positions` (valence: unpleasant 0 .. pleasant 1; arousal: calm
0 .. excited 1), hand-set for the MTG-Jamendo mood/theme tags that name a feeling. A photo's (valence,
arousal) picks its nearest mood words; a song's position is the weighted mean of its mood tags, so the
two can be compared directly.
"""

import numpy as np

from lpmc.vocabulary import mood_positions, photo_moods

PHOTO_MOOD_SPREAD = 0.18  # Gaussian width on the plane: how far a mood word's weight reaches
PHOTO_MOOD_COUNT = 4


def mood_position(weights: dict[str, float]) -> tuple[float, float] | None:
    """Weighted mean (valence, arousal) of the mood words that have a position, or None."""
    positions = mood_positions()
    placed = [
        (positions[word], weight) for word, weight in weights.items() if word in positions and weight > 0
    ]
    if not placed:
        return None
    points = np.array([point for point, _ in placed])
    w = np.array([weight for _, weight in placed])
    valence, arousal = (points * w[:, None]).sum(0) / w.sum()
    return float(valence), float(arousal)


def nearest_moods(valence: float, arousal: float, count: int = PHOTO_MOOD_COUNT) -> dict[str, float]:
    """The `count` photo mood words nearest (valence, arousal) -> {word: weight in (0, 1]}."""
    words = photo_moods()
    points = np.array([mood_positions()[word] for word in words])
    squared = ((points - np.array([valence, arousal])) ** 2).sum(1)
    weights = np.exp(-squared / (2 * PHOTO_MOOD_SPREAD**2))
    order = np.argsort(-weights)[:count]
    return {words[i]: round(float(weights[i]), 3) for i in order}


def mood_distance(first: str, second: str) -> float:
    """Distance between two mood words on the plane (0 .. 1.41); 0 when either has no position."""
    positions = mood_positions()
    if first not in positions or second not in positions:
        return 0.0
    (valence, arousal), (other_valence, other_arousal) = positions[first], positions[second]
    return float(np.hypot(valence - other_valence, arousal - other_arousal))


def compatibility(photo: tuple[float, float], songs: np.ndarray) -> np.ndarray:
    """How close songs sit to the photo on the plane: songs (N, 2), NaN rows unknown -> (N,) in [0, 1].

    Unknown songs get 0.5, neither rewarded nor punished.
    """
    distance = np.sqrt(((songs - np.asarray(photo)) ** 2).sum(1)) / np.sqrt(2)
    return np.where(np.isnan(distance), 0.5, 1.0 - distance)
