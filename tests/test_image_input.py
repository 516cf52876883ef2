"""Opening photos: real photographs, odd formats, and every kind of bad file a user can upload."""

import struct
import zlib
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lpmc.errors import ImageError
from lpmc.recommend.image import ANALYSIS_SIZE, load_photo

PHOTOS = Path(__file__).resolve().parents[1] / "assets" / "photos"


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims width x height but holds no pixel data (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("name", ["sunset.jpg", "dark_ivy.jpg", "mountains.jpg", "dune.jpg"])
def test_shipped_photos_open_small_and_rgb(name):
    photo = load_photo(PHOTOS / name)
    assert photo.rgb.dtype == np.uint8 and photo.rgb.shape[2] == 3
    assert max(photo.rgb.shape[:2]) <= ANALYSIS_SIZE
    assert (PHOTOS / name).stat().st_size < 200_000


def test_text_renamed_jpg_is_refused(tmp_path):
    path = tmp_path / "holiday.jpg"
    path.write_text("these are not the pixels you are looking for")
    with pytest.raises(ImageError, match="not an image"):
        load_photo(path)


def test_empty_and_missing_files_are_refused(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ImageError, match="empty"):
        load_photo(tmp_path / "empty.png")
    with pytest.raises(ImageError, match="not found"):
        load_photo(tmp_path / "absent.png")


def test_truncated_jpeg_is_refused(tmp_path):
    noise = np.random.default_rng(0).integers(0, 256, (300, 400, 3), dtype=np.uint8)
    full = tmp_path / "full.jpg"
    Image.fromarray(noise).save(full, quality=90)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(ImageError, match="truncated"):
        load_photo(cut)


def test_decompression_bomb_is_refused_from_its_header(tmp_path):
    bomb = png_header_only(tmp_path / "bomb.png", 20_000, 20_000)
    with pytest.raises(ImageError, match="LPMC_MAX_IMAGE_PIXELS"):
        load_photo(bomb)


def test_pil_image_over_the_limit_is_refused(monkeypatch):

    monkeypatch.setenv("LPMC_MAX_IMAGE_PIXELS", "100")
    with pytest.raises(ImageError, match="more pixels"):
        load_photo(Image.new("RGB", (20, 20)))


def test_one_pixel_black_white_and_noise(tmp_path):
    assert load_photo(Image.new("RGB", (1, 1), (10, 20, 30))).rgb.tolist() == [[[10, 20, 30]]]
    assert load_photo(Image.new("RGB", (64, 48), "black")).rgb.max() == 0
    assert load_photo(Image.new("RGB", (64, 48), "white")).rgb.min() == 255
    noise = np.random.default_rng(1).integers(0, 256, (2000, 1000, 3), dtype=np.uint8)
    Image.fromarray(noise).save(tmp_path / "noise.png")
    assert load_photo(tmp_path / "noise.png").rgb.shape == (ANALYSIS_SIZE, ANALYSIS_SIZE // 2, 3)


def test_alpha_palette_cmyk_and_16_bit(tmp_path):
    transparent = Image.new("RGBA", (8, 8), (255, 0, 0, 0))
    transparent.save(tmp_path / "alpha.png")
    assert load_photo(tmp_path / "alpha.png").rgb.min() == 255  # fully transparent shows the white background
    Image.new("RGB", (8, 8), (0, 0, 255)).convert("P").save(tmp_path / "palette.gif")
    assert load_photo(tmp_path / "palette.gif").rgb[0, 0].tolist() == [0, 0, 255]
    Image.new("CMYK", (8, 8), (0, 0, 0, 255)).save(tmp_path / "cmyk.jpg")
    assert load_photo(tmp_path / "cmyk.jpg").rgb.max() < 30
    deep = Image.fromarray(np.full((8, 8), 65535, dtype=np.uint16))
    deep.save(tmp_path / "deep.png")
    assert load_photo(tmp_path / "deep.png").rgb.min() == 255  # 16-bit white stays white, not clipped


def test_exif_orientation_and_date(tmp_path):
    wide = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees to display
    exif.get_ifd(0x8769)[0x9003] = "2023:12:24 20:15:00"
    wide.save(tmp_path / "rotated.jpg", exif=exif)
    photo = load_photo(tmp_path / "rotated.jpg")
    assert photo.rgb.shape[:2] == (40, 20)  # upright: taller than wide
    assert photo.taken == datetime(2023, 12, 24, 20, 15)
