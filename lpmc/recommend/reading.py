"""What one image-understanding model reads in a photo: the result type of the task's protocol."""

from dataclasses import dataclass, field


@dataclass
class PhotoReading:
    """Words about a photo from one model; weights are in (0, ~1.5], higher = surer."""

    labels: list[tuple[str, float]] = field(default_factory=list)  # classifier classes, probabilities
    words: dict[str, float] = field(default_factory=dict)  # scene, object and mood words
    caption: str | None = None  # a sentence describing the photo
