"""ImageNet labels -> the scene and theme words they imply for music.

The words are `lpmc.vocabulary`'s: only scene-like and music-relevant classes have any (places, weather,
seasons, events, vehicles of travel, instruments); every other label is kept as an object word of its own
("golden retriever").
"""

from lpmc import vocabulary


def label_name(label: str) -> str:
    """'seashore, coast, seacoast, sea-coast' -> 'seashore' (the class's first name)."""
    return label.split(",")[0].strip()


def scene_words(label: str) -> tuple[str, ...]:
    """Scene and theme words an ImageNet label implies; empty for object-only classes."""
    return vocabulary.imagenet_scene_words(label_name(label))


def label_words(labels: list[tuple[str, float]]) -> dict[str, float]:
    """ImageNet (label, probability) -> object and scene words weighted by probability (summed)."""
    words: dict[str, float] = {}
    for label, probability in labels:
        for word in (label_name(label), *scene_words(label)):
            words[word] = round(min(1.0, words.get(word, 0.0) + probability), 3)
    return words
