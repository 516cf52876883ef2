"""Colour and light of a photo -> brightness, saturation, warmth, contrast, palette, valence/arousal.

Valence and arousal follow Valdez & Mehrabian (1994), "Effects of color on emotions" (J. Exp.
Psychol. General 123(4)): pleasure = 0.69 brightness + 0.22 saturation, arousal = -0.31 brightness
+ 0.60 saturation, both rescaled here to [0, 1]. Warm light nudges valence up and strong contrast
nudges arousal up (small, documented terms). Photographs fill only a narrow band of that formula
(most have brightness 0.3-0.6, saturation 0.2-0.5), so both axes are stretched around a typical photo
(PHOTO_STRETCH) to use the whole plane. A few colour cues also become scene words (a bright sun with
dark foreground and warm tones reads as "sunset"; a dim, cold frame as "overcast").
"""

from dataclasses import dataclass

import numpy as np
from PIL import Image

PALETTE_SIZE = 5
PALETTE_SIDE = 64  # the photo is shrunk to this many pixels a side before median-cut quantisation
MEASURE_SIDE = 160  # longest side the statistics are measured at: stable, and fast

# Valdez & Mehrabian (1994) coefficients and the ranges they span for brightness, saturation in [0, 1].
PLEASURE_BRIGHTNESS, PLEASURE_SATURATION = 0.69, 0.22
AROUSAL_BRIGHTNESS, AROUSAL_SATURATION = -0.31, 0.60
WARMTH_VALENCE = 0.15  # valence added by fully warm light (-1 cold .. +1 warm)
CONTRAST_AROUSAL = 0.6  # arousal added per unit of RMS contrast above TYPICAL_CONTRAST
TYPICAL_CONTRAST = 0.2
TYPICAL_VALENCE, TYPICAL_AROUSAL = 0.41, 0.44  # the rescaled formula at brightness 0.45, saturation 0.3
PHOTO_STRETCH = 2.0

HIGHLIGHT_LUMA, SHADOW_LUMA = 0.95, 0.2  # a visible sun; deep shadow
CHROMATIC_SATURATION = 0.2  # pixels below this saturation count as grey when measuring hue
WARM_HUES = ((0.0, 60.0), (330.0, 360.0))  # degrees: red, orange, yellow
COOL_HUES = ((150.0, 270.0),)  # cyan, blue


@dataclass
class ColourMood:
    brightness: float  # mean luma, 0 black .. 1 white
    saturation: float  # mean HSV saturation, 0 .. 1
    warmth: float  # (warm - cool) share of coloured pixels, -1 .. 1
    contrast: float  # RMS contrast of luma, 0 .. 0.5
    valence: float  # 0 unpleasant .. 1 pleasant
    arousal: float  # 0 calm .. 1 excited
    palette: list[tuple[str, float]]  # dominant colours as (hex, share of pixels), largest first
    scene_words: dict[str, float]  # colour cues such as "sunset" with weights in (0, 1]


def colour_mood(rgb: np.ndarray) -> ColourMood:
    """Measure an RGB photo (H, W, 3) uint8."""
    rgb = shrink(rgb, MEASURE_SIDE)
    pixels = rgb.reshape(-1, 3).astype(np.float32) / 255.0
    luma = pixels @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    hue, saturation = hue_saturation(pixels)
    chromatic = saturation >= CHROMATIC_SATURATION
    warm = _hue_share(hue[chromatic], WARM_HUES) * chromatic.mean()
    cool = _hue_share(hue[chromatic], COOL_HUES) * chromatic.mean()
    brightness, mean_saturation = float(luma.mean()), float(saturation.mean())
    contrast = float(luma.std())
    warmth = float(np.clip((warm - cool) / max(chromatic.mean(), 1e-6), -1, 1)) if chromatic.any() else 0.0
    valence, arousal = valence_arousal(brightness, mean_saturation, warmth, contrast)
    return ColourMood(
        brightness=brightness,
        saturation=mean_saturation,
        warmth=warmth,
        contrast=contrast,
        valence=valence,
        arousal=arousal,
        palette=palette(rgb),
        scene_words=colour_scene_words(luma, warm, warmth),
    )


def shrink(rgb: np.ndarray, side: int) -> np.ndarray:
    """Box-downscale (H, W, 3) uint8 so the longest side is at most `side` pixels."""
    image = Image.fromarray(rgb, "RGB")
    image.thumbnail((side, side), Image.Resampling.BOX)
    return np.asarray(image)


def valence_arousal(
    brightness: float, saturation: float, warmth: float, contrast: float
) -> tuple[float, float]:
    """Valdez & Mehrabian pleasure/arousal rescaled to [0, 1], plus the warmth and contrast terms."""
    pleasure = PLEASURE_BRIGHTNESS * brightness + PLEASURE_SATURATION * saturation
    pleasure_max = PLEASURE_BRIGHTNESS + PLEASURE_SATURATION
    excitement = AROUSAL_BRIGHTNESS * brightness + AROUSAL_SATURATION * saturation
    valence = pleasure / pleasure_max + WARMTH_VALENCE * warmth
    arousal = (excitement - AROUSAL_BRIGHTNESS) / (AROUSAL_SATURATION - AROUSAL_BRIGHTNESS)
    arousal += CONTRAST_AROUSAL * (contrast - TYPICAL_CONTRAST)
    valence = 0.5 + PHOTO_STRETCH * (valence - TYPICAL_VALENCE)
    arousal = 0.5 + PHOTO_STRETCH * (arousal - TYPICAL_AROUSAL)
    return float(np.clip(valence, 0, 1)), float(np.clip(arousal, 0, 1))


def hue_saturation(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RGB in [0, 1] (N, 3) -> hue in degrees (N,) and HSV saturation in [0, 1] (N,)."""
    high, low = pixels.max(1), pixels.min(1)
    chroma = high - low
    saturation = np.where(high > 0, chroma / np.maximum(high, 1e-6), 0.0)
    safe = np.maximum(chroma, 1e-6)
    red, green, blue = pixels.T
    hue = np.select(
        [high == red, high == green],
        [((green - blue) / safe) % 6, (blue - red) / safe + 2],
        (red - green) / safe + 4,
    )
    return (hue * 60.0).astype(np.float32), saturation.astype(np.float32)


def _hue_share(hue: np.ndarray, ranges: tuple[tuple[float, float], ...]) -> float:
    if hue.size == 0:
        return 0.0
    inside = np.zeros(hue.shape, dtype=bool)
    for low, high in ranges:
        inside |= (hue >= low) & (hue < high)
    return float(inside.mean())


def palette(rgb: np.ndarray, size: int = PALETTE_SIZE) -> list[tuple[str, float]]:
    """Dominant colours by median cut: [(hex '#rrggbb', share of pixels)], largest share first."""
    small = Image.fromarray(rgb, "RGB").resize((PALETTE_SIDE, PALETTE_SIDE), Image.Resampling.BILINEAR)
    quantised = small.quantize(colors=size, method=Image.Quantize.MEDIANCUT)
    colours = quantised.getpalette()
    counts = sorted(quantised.getcolors(size) or [], reverse=True)
    total = PALETTE_SIDE * PALETTE_SIDE
    return [
        ("#{:02x}{:02x}{:02x}".format(*colours[3 * index : 3 * index + 3]), round(count / total, 3))
        for count, index in counts
    ]


def colour_scene_words(luma: np.ndarray, warm: float, warmth: float) -> dict[str, float]:
    """Scene cues colour alone supports: a low sun against the light, night, a cold grey sky."""
    brightness = float(luma.mean())
    highlights = float((luma > HIGHLIGHT_LUMA).mean())
    shadows = float((luma < SHADOW_LUMA).mean())
    words: dict[str, float] = {}
    if highlights > 0.005 and shadows > 0.2 and warm > 0.3:
        words.update({"sunset": 0.8, "golden hour": 0.5})
    elif warm > 0.35:
        words["warm colours"] = 0.4
    if brightness < 0.15:
        words["night"] = 0.8
    elif brightness < 0.45 and warmth < -0.5:
        words.update({"overcast": 0.6, "storm": 0.4, "cold": 0.4})
    return words
