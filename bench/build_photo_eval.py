"""Rebuild bench/photo_eval/: the photo evaluation set's small copies, from their Debian packages.

    apt-get download budgie-backgrounds=3.0-1 gnome-backgrounds=3.38.0-1 lomiri-wallpapers-16.04=20.04.0-2 \
        lomiri-wallpapers-20.04=20.04.0-2 ukui-wallpapers=20.04.3-1.1    # into DEBS
    python bench/build_photo_eval.py DEBS

budgie-backgrounds is in trixie and gnome-backgrounds 3.38 in bullseye: apt needs those suites in its
sources to download them. Each photo listed in bench/photo_eval/labels.json (package, version, path) is
shrunk to PHOTO_SIDE pixels on its long side (Lanczos), keeps only its EXIF date and time (lpmc reads the
season and the hour from them) and is saved as JPEG; each package's Debian copyright file is copied beside
the photos. The held-out packages (mate-backgrounds, plasma-workspace-wallpapers) are refused.
"""

import argparse
import json
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

EVAL_DIR = Path(__file__).resolve().parent / "photo_eval"
PHOTO_SIDE = 512  # lpmc analyses photos at 512 px on the long side
JPEG_QUALITY = 85
HELD_OUT = ("mate-backgrounds", "plasma-workspace-wallpapers")  # kept for an independent check
EXIF_DATETIME, EXIF_IFD, EXIF_DATETIME_ORIGINAL = 0x0132, 0x8769, 0x9003


def small_copy(source: Path, target: Path) -> None:
    """`source` shrunk to PHOTO_SIDE, RGB, with only its EXIF date and time, saved as JPEG at `target`."""
    with Image.open(source) as image:
        exif = image.getexif()
        kept = Image.Exif()
        if EXIF_DATETIME in exif:
            kept[EXIF_DATETIME] = exif[EXIF_DATETIME]
        original = exif.get_ifd(EXIF_IFD).get(EXIF_DATETIME_ORIGINAL)
        if original:
            kept.get_ifd(EXIF_IFD)[EXIF_DATETIME_ORIGINAL] = original
        rgb = image.convert("RGB")
    rgb.thumbnail((PHOTO_SIDE, PHOTO_SIDE), Image.Resampling.LANCZOS)
    rgb.save(target, "JPEG", quality=JPEG_QUALITY, exif=kept.tobytes())


def copy_license_files(doc: Path, package: str) -> None:
    """The package's Debian copyright file, and its AUTHORS file where that is what names each photo's
    license (gnome-backgrounds 3.38), as COPYRIGHT-<package> and AUTHORS-<package>."""
    (EVAL_DIR / f"COPYRIGHT-{package}").write_bytes((doc / "copyright").read_bytes())
    if (doc / "AUTHORS").is_file():
        (EVAL_DIR / f"AUTHORS-{package}").write_bytes((doc / "AUTHORS").read_bytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("debs", type=Path, help="folder with the packages' .deb files")
    args = parser.parse_args()
    photos = json.loads((EVAL_DIR / "labels.json").read_text(encoding="utf-8"))["photos"]
    with tempfile.TemporaryDirectory() as scratch:
        unpacked: dict[str, Path] = {}
        for name, photo in photos.items():
            package, version = photo["package"], photo["version"]
            if package in HELD_OUT:
                raise SystemExit(f"{name}: {package} is held out for an independent check")
            if package not in unpacked:
                unpacked[package] = Path(scratch) / package
                subprocess.run(
                    ["dpkg", "-x", str(args.debs / f"{package}_{version}_all.deb"), unpacked[package]],
                    check=True,
                )
                copy_license_files(unpacked[package] / "usr/share/doc" / package, package)
            small_copy(unpacked[package] / photo["path"], EVAL_DIR / name)
            print(f"{name}  <-  {package} {version} {photo['path']}")


if __name__ == "__main__":
    main()
