"""Colour and light of a photo -> light measurements, colour regions, scene cues and a colour-only mood.

Light. Brightness is the mean of luma and HSV value per pixel: saturated colours look brighter than their
luminance (the Helmholtz-Kohlrausch effect), so luma alone reads a deep-blue sky as dark (0.3) and HSV
value alone reads it as bright as white; their mean is in between. Saturation is measured only where a
pixel is not near black (there hue and saturation are noise). Colourfulness is Hasler & Süsstrunk's
(2003) M, scaled to [0, ~1] (0.33 is "highly colourful").

Regions: shares of the frame (0..1) whose pixels are
- sky: blue (hue 185-250 degrees), saturated and light, in the top REGION_TOP of the frame;
- grey sky: unsaturated and neither dark nor blown out, in the top REGION_TOP;
- water: blue or cyan, saturated, in the bottom REGION_BOTTOM;
- vegetation: green (hue 65-165), saturated;
- warm: red, orange or yellow (hue < 50 or >= 330), saturated (sun, sand, foliage, skin, fire);
- dark: luma below DARK_LUMA; highlights: luma above HIGHLIGHT_LUMA (a visible sun or lamp).

Cues: what the regions and light suggest, as words weighted (0, 1] by how much of the frame shows them
(`CUES` gives each cue's test). A cue stands for scene and mood words in `lpmc.vocabulary.cue_themes`
("clear sky" -> happy, uplifting, summer, positive).

Colour-only mood: Valdez & Mehrabian (1994), "Effects of color on emotions" (J. Exp. Psychol. General
123(4)): pleasure = 0.69 brightness + 0.22 saturation, arousal = -0.31 brightness + 0.60 saturation,
both rescaled to [0, 1]; warm light adds up to WARMTH_VALENCE to valence and strong contrast adds arousal.
Photographs fill only a narrow band of that formula, so both axes are stretched around a typical photo
(VALENCE_STRETCH, AROUSAL_STRETCH). analysis.py blends this point with the mood words of the cues, the
classifier and EXIF.
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
TYPICAL_VALENCE, TYPICAL_AROUSAL = 0.45, 0.44  # the rescaled formula for a typical photo
VALENCE_STRETCH, AROUSAL_STRETCH = 2.0, 1.0  # saturated sunlit scenes are common: not stretched to "exciting"

LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)
HIGHLIGHT_LUMA, DARK_LUMA = 0.95, 0.15
SUN_HIGHLIGHTS = (0.003, 0.05)  # a visible sun is a small blown-out spot; more is white sky or a wall
NEAR_BLACK_VALUE = 0.15  # darker pixels have no reliable hue or saturation
CHROMATIC_SATURATION = 0.2  # pixels below this saturation count as grey when measuring hue
GREY_SATURATION = 0.15
REGION_TOP, REGION_BOTTOM = 0.4, 0.5  # sky is looked for in the top 40% of the frame, water in the bottom 50%
WARM_HUES = ((0.0, 50.0), (330.0, 360.0))  # degrees: red, orange, yellow
COOL_HUES = ((150.0, 270.0),)  # cyan, blue
SKY_HUES = ((185.0, 250.0),)
WATER_HUES = ((170.0, 250.0),)
GREEN_HUES = ((65.0, 165.0),)
COLOURFUL_SCALE = 255.0  # Hasler & Süsstrunk's M is defined on 0..255 channels


@dataclass
class ColourMood:
    brightness: float  # mean of luma and HSV value, 0 black .. 1 white
    saturation: float  # mean HSV saturation of the pixels that are not near black, 0 .. 1
    warmth: float  # (warm - cool) share of coloured pixels, -1 .. 1
    contrast: float  # RMS contrast of luma, 0 .. 0.5
    colourfulness: float  # Hasler & Süsstrunk M / 255: 0 grey .. ~0.33 highly colourful .. 1
    valence: float  # 0 unpleasant .. 1 pleasant, from colour alone
    arousal: float  # 0 calm .. 1 excited, from colour alone
    palette: list[tuple[str, float]]  # dominant colours as (hex, share of pixels), largest first
    regions: dict[str, float]  # region name -> share of the frame (see the module docstring)
    scene_words: dict[str, float]  # cues such as "clear sky" with weights in (0, 1]
    cue_notes: dict[str, str]  # cue -> what in the photo made it ("blue sky fills 34% of the frame")


def colour_mood(rgb: np.ndarray) -> ColourMood:
    """Measure an RGB photo (H, W, 3) uint8."""
    rgb = shrink(rgb, MEASURE_SIDE)
    pixels = rgb.reshape(-1, 3).astype(np.float32) / 255.0
    luma = pixels @ LUMA
    value = pixels.max(1)
    hue, saturation = hue_saturation(pixels)
    lit = value >= NEAR_BLACK_VALUE
    chromatic = lit & (saturation >= CHROMATIC_SATURATION)
    warm = float((chromatic & _in_hues(hue, WARM_HUES)).mean())
    cool = float((chromatic & _in_hues(hue, COOL_HUES)).mean())
    brightness = float(((luma + value) / 2).mean())
    mean_saturation = float(saturation[lit].mean()) if lit.any() else 0.0
    contrast = float(luma.std())
    warmth = float(np.clip((warm - cool) / max(float(chromatic.mean()), 1e-6), -1, 1))
    colourful = colourfulness(pixels)
    valence, arousal = valence_arousal(brightness, mean_saturation, warmth, contrast)
    shares = regions(pixels, rgb.shape[0], rgb.shape[1])
    cues, notes = colour_cues(shares, brightness, mean_saturation, colourful)
    return ColourMood(
        brightness=brightness,
        saturation=mean_saturation,
        warmth=warmth,
        contrast=contrast,
        colourfulness=colourful,
        valence=valence,
        arousal=arousal,
        palette=palette(rgb),
        regions=shares,
        scene_words=cues,
        cue_notes=notes,
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
    valence = 0.5 + VALENCE_STRETCH * (valence - TYPICAL_VALENCE)
    arousal = 0.5 + AROUSAL_STRETCH * (arousal - TYPICAL_AROUSAL)
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


def colourfulness(pixels: np.ndarray) -> float:
    """Hasler & Süsstrunk (2003) M of RGB in [0, 1] (N, 3), on their 0..255 scale divided by 255."""
    red, green, blue = pixels.T * COLOURFUL_SCALE
    rg, yb = red - green, (red + green) / 2 - blue
    spread = np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean())
    return float(spread / COLOURFUL_SCALE)


def regions(pixels: np.ndarray, height: int, width: int) -> dict[str, float]:
    """Shares of the frame (0..1) of the colour regions in the module docstring; pixels (H*W, 3) in [0, 1]."""
    luma = pixels @ LUMA
    value = pixels.max(1)
    hue, saturation = hue_saturation(pixels)
    row = np.repeat(np.arange(height), width) / height  # 0 at the top of the frame .. 1 at the bottom
    top, bottom = row < REGION_TOP, row >= 1 - REGION_BOTTOM
    saturated = saturation >= CHROMATIC_SATURATION
    masks = {
        "sky": top & saturated & (value >= 0.5) & _in_hues(hue, SKY_HUES),
        "grey sky": top & (saturation < GREY_SATURATION) & (value >= 0.4) & (luma <= HIGHLIGHT_LUMA),
        "water": bottom & saturated & (value >= 0.25) & _in_hues(hue, WATER_HUES),
        "vegetation": saturated & (value >= NEAR_BLACK_VALUE) & _in_hues(hue, GREEN_HUES),
        "warm": saturated & (value >= 0.3) & _in_hues(hue, WARM_HUES),
        "dark": luma < DARK_LUMA,
        "highlights": luma > HIGHLIGHT_LUMA,
    }
    return {name: round(float(mask.mean()), 3) for name, mask in masks.items()}


def colour_cues(
    shares: dict[str, float], brightness: float, saturation: float, colourful: float
) -> tuple[dict[str, float], dict[str, str]]:
    """Scene cues the colour regions and light support -> ({cue: weight in (0, 1]}, {cue: why})."""
    sky, grey, water = shares["sky"], shares["grey sky"], shares["water"]
    green, warm, dark, highlights = shares["vegetation"], shares["warm"], shares["dark"], shares["highlights"]
    found: dict[str, tuple[float, str]] = {}
    if brightness < 0.15:
        found["night"] = (0.8, f"the frame is dark (brightness {brightness:.2f})")
    elif dark >= 0.45:
        found["darkness"] = (min(1.0, dark / 0.7), f"{dark:.0%} of the frame is in deep shadow")
    if sky >= 0.12:
        found["clear sky"] = (min(1.0, sky / 0.3), f"blue sky fills {sky:.0%} of the frame")
    elif grey >= 0.2 and dark < 0.3:
        found["overcast"] = (min(1.0, grey / 0.35), f"grey sky fills {grey:.0%} of the frame")
    if water >= 0.2 and dark < 0.3:
        found["water"] = (min(1.0, water / 0.4), f"blue water fills {water:.0%} of the lower half")
    if green >= 0.25:
        found["greenery"] = (min(1.0, green / 0.5), f"green plants fill {green:.0%} of the frame")
    if SUN_HIGHLIGHTS[0] < highlights < SUN_HIGHLIGHTS[1] and warm >= 0.15:
        found["golden hour"] = (min(1.0, warm / 0.4), f"a low sun: a bright spot, {warm:.0%} warm tones")
        if dark >= 0.15 or warm >= 0.4:
            found["sunset"] = (0.8, f"the sun against the light: {dark:.0%} shadow, {warm:.0%} warm tones")
    elif warm >= 0.15 and green >= 0.15:
        note = f"{warm:.0%} orange and red beside {green:.0%} green"
        found["autumn colours"] = (min(1.0, warm / 0.3), note)
    if colourful >= 0.33:
        found["vivid colours"] = (min(1.0, colourful / 0.5), f"vivid colours (colourfulness {colourful:.2f})")
    elif brightness >= 0.7 and 0.15 <= saturation <= 0.5 and sky < 0.12:
        found["pastel colours"] = (0.7, f"light, softly coloured (brightness {brightness:.2f})")
    cues = {cue: round(weight, 3) for cue, (weight, _) in found.items()}
    return cues, {cue: note for cue, (_, note) in found.items()}


def _in_hues(hue: np.ndarray, ranges: tuple[tuple[float, float], ...]) -> np.ndarray:
    inside = np.zeros(hue.shape, dtype=bool)
    for low, high in ranges:
        inside |= (hue >= low) & (hue < high)
    return inside


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
