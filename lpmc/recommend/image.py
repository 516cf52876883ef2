"""Photo input: open any common image safely, apply its EXIF orientation, and read when it was taken.

Every failure a user can cause (an empty file, text renamed .jpg, a truncated JPEG, a decompression
bomb) becomes an `ImageError` with a sentence they can act on. The pixel count is checked from the
header before any pixel is decoded, so a 20000x20000 bomb is refused without allocating it.
"""

import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from lpmc import settings
from lpmc.errors import ImageError

ANALYSIS_SIZE = 512  # longest side (pixels) kept for colour analysis and classification
TRANSPARENT_BACKGROUND = (255, 255, 255)  # transparent pixels are shown on white, as most viewers do
EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 0x9003
EXIF_DATETIME = 0x0132

ImageSource = str | Path | Image.Image


@dataclass
class Photo:
    """A decoded photo: RGB pixels (H, W, 3) uint8 at most ANALYSIS_SIZE on the long side."""

    rgb: np.ndarray
    taken: datetime | None  # from EXIF, when present and valid
    original_size: tuple[int, int]  # (width, height) before downscaling

    def to_pil(self) -> Image.Image:
        return Image.fromarray(self.rgb, "RGB")


def load_photo(source: ImageSource) -> Photo:
    """Open a path or PIL image as a `Photo`; raises ImageError for anything unusable."""
    if isinstance(source, Image.Image):
        _check_pixels(source.size, "The image")
        return _to_photo(source)
    path = Path(source)
    if not path.is_file():
        raise ImageError(f"Image file '{path.name}' was not found.")
    size_mb = path.stat().st_size / 1e6
    if size_mb == 0:
        raise ImageError(f"Image file '{path.name}' is empty (0 bytes).")
    if size_mb > settings.max_upload_mb():
        raise ImageError(
            f"Image file '{path.name}' is {size_mb:.0f} MB; the limit is {settings.max_upload_mb():.0f} MB "
            "(LPMC_MAX_UPLOAD_MB)."
        )
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning is replaced by our explicit check against the lpmc limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                _check_pixels(image.size, f"Image '{path.name}'")
                image.draft("RGB", (ANALYSIS_SIZE, ANALYSIS_SIZE))  # JPEG: decode at reduced scale
                image.load()
                return _to_photo(image)
    except UnidentifiedImageError:
        raise ImageError(
            f"'{path.name}' is not an image Pillow can read; use a JPEG, PNG, WebP, GIF, BMP or TIFF file."
        ) from None
    except Image.DecompressionBombError:
        raise ImageError(_too_many_pixels_message(f"Image '{path.name}'")) from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageError(
            f"Image '{path.name}' is damaged or truncated and cannot be decoded ({error})."
        ) from None


def _check_pixels(size: tuple[int, int], what: str) -> None:
    width, height = size
    if width * height > settings.max_image_pixels():
        raise ImageError(_too_many_pixels_message(what, size))
    if width == 0 or height == 0:
        raise ImageError(f"{what} has no pixels.")


def _too_many_pixels_message(what: str, size: tuple[int, int] | None = None) -> str:
    dims = f" ({size[0]}x{size[1]})" if size else ""
    return (
        f"{what}{dims} has more pixels than the limit of {settings.max_image_pixels():,} "
        "(LPMC_MAX_IMAGE_PIXELS); downscale it first."
    )


def _to_photo(image: Image.Image) -> Photo:
    taken = exif_datetime(image)
    upright = ImageOps.exif_transpose(image)
    rgb = to_rgb(upright)
    original_size = rgb.size
    rgb.thumbnail((ANALYSIS_SIZE, ANALYSIS_SIZE), Image.Resampling.BILINEAR)
    return Photo(np.asarray(rgb, dtype=np.uint8).copy(), taken, original_size)


def to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode (palette, alpha, CMYK, 16-bit, float) -> 8-bit RGB."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        # 16-bit and float greyscale: convert() would clip at 255, so rescale by the value range used.
        values = np.asarray(image, dtype=np.float32)
        peak = float(values.max(initial=0))
        if image.mode == "F" and peak <= 1.0:
            scale = 255.0  # float image in [0, 1]
        else:
            scale = 1 / 257 if peak > 255 else 1.0  # 16-bit range, or 8-bit values stored wide
        return Image.fromarray(np.clip(values * scale, 0, 255).astype(np.uint8), "L").convert("RGB")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (*TRANSPARENT_BACKGROUND, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def exif_datetime(image: Image.Image) -> datetime | None:
    """When the photo was taken (EXIF DateTimeOriginal, else DateTime), or None."""
    try:
        exif = image.getexif()
        value = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL) or exif.get(EXIF_DATETIME)
        return datetime.strptime(str(value).strip("\x00 "), "%Y:%m:%d %H:%M:%S") if value else None
    except (ValueError, TypeError, OSError, SyntaxError):
        return None
