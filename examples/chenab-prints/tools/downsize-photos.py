#!/usr/bin/env python3
"""Make web-sized copies of the catalogue photos.

    python3 tools/downsize-photos.py SOURCE_DIR DEST_DIR [--list FILE] [NAME ...]

Every JPEG/PNG in SOURCE_DIR (or only the names given on the command line or,
one a line, in --list FILE; '#' starts a comment) is written to
DEST_DIR/<stem>.jpg:

  * EXIF orientation applied, then the longest edge scaled down to at most
    1600 px (aspect ratio kept, never upscaled; Lanczos filter);
  * converted to sRGB (embedded ICC profiles other than sRGB are converted,
    greyscale and CMYK become RGB);
  * saved as progressive baseline-Huffman-optimised JPEG, quality 82,
    4:2:0 subsampling, with no metadata at all (no EXIF, XMP, ICC, comments).

The output depends only on the input pixels and Pillow's version, so running it
twice gives byte-identical files. Needs Pillow:
    python3 -m venv /tmp/pv && /tmp/pv/bin/pip install Pillow
"""
import argparse
import io
import sys
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

MAX_EDGE = 1600
QUALITY = 82
SUFFIXES = {".jpg", ".jpeg", ".png"}

SRGB = ImageCms.createProfile("sRGB")


def to_srgb(im: Image.Image) -> Image.Image:
    icc = im.info.get("icc_profile")
    if icc:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        desc = ImageCms.getProfileDescription(src).strip().lower()
        if "srgb" not in desc:
            mode = "RGB" if im.mode != "CMYK" else "CMYK"
            im = ImageCms.profileToProfile(im.convert(mode), src, SRGB, outputMode="RGB")
    if im.mode in ("RGBA", "LA", "P"):
        im = im.convert("RGBA")
        bg = Image.new("RGB", im.size, (255, 255, 255))
        bg.paste(im, mask=im.split()[-1])
        im = bg
    return im.convert("RGB")


def downsize(src: Path, dest: Path) -> tuple[tuple[int, int], int]:
    with Image.open(src) as im:
        im.load()
        im = ImageOps.exif_transpose(im)
        im = to_srgb(im)
        w, h = im.size
        scale = MAX_EDGE / max(w, h)
        if scale < 1:
            size = (max(1, round(w * scale)), max(1, round(h * scale)))
            im = im.resize(size, Image.Resampling.LANCZOS)
        # Pillow copies some source info (e.g. the JPEG comment) into the output
        # unless told otherwise: start from empty info so only pixels are written.
        im.info = {}
        out = io.BytesIO()
        im.save(out, "JPEG", quality=QUALITY, progressive=True, optimize=True, subsampling="4:2:0")
    dest.write_bytes(out.getvalue())
    return im.size, len(out.getvalue())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("dest", type=Path)
    ap.add_argument("names", nargs="*", help="file names in SOURCE (default: all)")
    ap.add_argument("--list", type=Path, help="file with one source file name a line")
    args = ap.parse_args()

    names = list(args.names)
    if args.list:
        for line in args.list.read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line:
                names.append(line)
    if names:
        sources = [args.source / n for n in names]
    else:
        sources = sorted(p for p in args.source.iterdir() if p.suffix.lower() in SUFFIXES)

    args.dest.mkdir(parents=True, exist_ok=True)
    total = 0
    for src in sorted(set(sources)):
        if not src.is_file():
            print(f"missing: {src}", file=sys.stderr)
            return 1
        dest = args.dest / (src.stem + ".jpg")
        (w, h), n = downsize(src, dest)
        total += n
        print(f"{dest}  {w}x{h}  {n / 1024:.0f} KiB")
    print(f"{len(sources)} photos, {total / 1024 / 1024:.2f} MiB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
