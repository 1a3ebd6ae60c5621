#!/usr/bin/env python3
"""quality.py — how close each tool's resized WebP/JPEG variants are to an ideal resize.

For every variant (a .webp, .jpg or .jpeg under each tool's output folder) of the sampled
widths, the reference is the corpus photo resized losslessly to the variant's exact pixel
size: Pillow, EXIF orientation applied, RGB, Image.LANCZOS from the full-size decode (no
draft/shrink-on-load), saved as PNG. The variant is decoded by Pillow to an RGB PNG, and the
two are compared with the `dssim` CLI (kornelski/dssim; 0 = identical, lower is better).
Printed: per tool and format, the number of variants, mean / median / max DSSIM, and the
mean per width. Every score goes to --csv.

Which photo a variant came from is not read from file names (the tools name files
differently): each variant is matched to the corpus photo with the same aspect ratio whose
16×16 thumbnail is nearest. A variant that matches no photo clearly is reported. Per photo,
each tool must have exactly the sampled widths that are ≤ the photo's width.

Widths: --widths 960 (the default in images.sh: 188 comparisons, about 1–2 min on 2 busy
cores), "all" (556 comparisons, about 3 min), or a comma list. Grayscale photos are compared as RGB (R=G=B) on both sides.

Usage: quality.py --corpus DIR --tool NAME=DIR [--tool NAME=DIR ...]
                  [--widths 960|all|480,960] [--dssim PATH] [--work DIR] [--csv FILE] [--jobs N]
Needs Pillow (pip install Pillow) and dssim (cargo install dssim).
"""
import argparse
import concurrent.futures as cf
import csv
import glob
import os
import statistics as st
import subprocess
import sys
import tempfile

from PIL import Image, ImageOps

ALL_WIDTHS = (480, 960, 1600)
FORMATS = {".webp": "WebP", ".jpg": "JPEG", ".jpeg": "JPEG"}
THUMB = (16, 16)


def rgb(im):
    im = ImageOps.exif_transpose(im)
    return im if im.mode == "RGB" else im.convert("RGB")


def signature(im):
    """16×16 RGB thumbnail as a flat list (BOX filter: an average, robust to resampling)."""
    return list(im.resize(THUMB, Image.BOX).tobytes())


def distance(a, b):
    return sum((x - y) ** 2 for x, y in zip(a, b)) / len(a)


def load_sources(corpus):
    out = {}
    for p in sorted(glob.glob(os.path.join(corpus, "*.jpg"))):
        with Image.open(p) as im:
            w, h = im.size
            if im.getexif().get(0x0112, 1) in (5, 6, 7, 8):  # rotated by 90°: displayed size swaps
                w, h = h, w
            im.draft("RGB", (im.width // 8, im.height // 8))  # fast, only for the signature
            small = rgb(im)
        out[os.path.basename(p)] = {"path": p, "size": (w, h), "sig": signature(small)}
    return out


def find_variants(tool, root, widths, sources):
    """Every sampled variant of one tool, matched to its source photo."""
    found, problems = [], []
    for dirpath, _, files in os.walk(root):
        for f in sorted(files):
            ext = os.path.splitext(f)[1].lower()
            if ext not in FORMATS:
                continue
            path = os.path.join(dirpath, f)
            with Image.open(path) as im:
                if im.width not in widths:
                    continue
                im.load()
                w, h = im.size
                sig = signature(rgb(im))
            ar = w / h
            cands = [(distance(sig, s["sig"]), name) for name, s in sources.items()
                     if abs(s["size"][0] / s["size"][1] - ar) / ar < 0.01]
            cands.sort()
            if not cands:
                problems.append(f"{tool}: {path} ({w}×{h}) matches no photo's aspect ratio")
                continue
            if len(cands) > 1 and cands[0][0] * 4 > cands[1][0]:
                problems.append(f"{tool}: {path} matches {cands[0][1]} only weakly "
                                f"(distance {cands[0][0]:.1f} vs {cands[1][0]:.1f} for {cands[1][1]})")
            found.append({"tool": tool, "format": FORMATS[ext], "path": path,
                          "w": w, "h": h, "source": cands[0][1]})
    return found, problems


def check_coverage(variants, sources, tools, widths):
    problems = []
    for tool in tools:
        for name, s in sources.items():
            for fmt in ("WebP", "JPEG"):
                want = sorted(w for w in widths if w <= s["size"][0])
                got = sorted(v["w"] for v in variants
                             if v["tool"] == tool and v["source"] == name and v["format"] == fmt)
                if got != want:
                    problems.append(f"{tool}: {name} {fmt}: widths {got}, expected {want}")
    return problems


def score_source(name, src, items, dssim, work):
    """Reference PNGs for every size this photo's variants have, then one dssim call per size."""
    with Image.open(src["path"]) as im:
        full = rgb(im)
        full.load()
    d = tempfile.mkdtemp(prefix=os.path.splitext(name)[0][:40] + "-", dir=work)
    by_size = {}
    for i, v in enumerate(items):
        by_size.setdefault((v["w"], v["h"]), []).append((i, v))
    results = []
    for (w, h), group in sorted(by_size.items()):
        ref = os.path.join(d, f"ref-{w}x{h}.png")
        full.resize((w, h), Image.LANCZOS).save(ref, compress_level=1)
        pngs = []
        for i, v in group:
            png = os.path.join(d, f"v{i}.png")
            with Image.open(v["path"]) as im:
                rgb(im).save(png, compress_level=1)
            pngs.append(png)
        out = subprocess.run([dssim, ref, *pngs], check=True, capture_output=True, text=True).stdout
        scores = {}
        for line in out.splitlines():
            val, _, path = line.partition("\t")
            scores[path.strip()] = float(val)
        for (i, v), png in zip(group, pngs):
            if png not in scores:
                raise RuntimeError(f"dssim gave no score for {png}: {out!r}")
            results.append({**v, "dssim": scores[png]})
        for p in [ref, *pngs]:
            os.remove(p)
    os.rmdir(d)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--tool", action="append", required=True, metavar="NAME=DIR")
    ap.add_argument("--widths", default="960")
    ap.add_argument("--dssim", default="dssim")
    ap.add_argument("--work", default=None, help="scratch folder for PNGs (default: a temp dir)")
    ap.add_argument("--csv", default=None)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()

    widths = ALL_WIDTHS if a.widths == "all" else tuple(int(x) for x in a.widths.split(","))
    tools = dict(t.split("=", 1) for t in a.tool)
    os.makedirs(a.work, exist_ok=True) if a.work else None
    work = tempfile.mkdtemp(prefix="quality-", dir=a.work)

    sources = load_sources(a.corpus)
    variants, problems = [], []
    for tool, root in tools.items():
        v, p = find_variants(tool, root, widths, sources)
        variants += v
        problems += p
    problems += check_coverage(variants, sources, tools, widths)

    by_source = {}
    for v in variants:
        by_source.setdefault(v["source"], []).append(v)
    results = []
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        futs = [ex.submit(score_source, n, sources[n], items, a.dssim, work) for n, items in by_source.items()]
        for f in cf.as_completed(futs):
            results += f.result()
    os.rmdir(work)

    if a.csv:
        with open(a.csv, "w", newline="") as f:
            wr = csv.writer(f)
            wr.writerow(["tool", "format", "source", "width", "height", "dssim", "file"])
            for r in sorted(results, key=lambda r: (r["tool"], r["format"], r["source"], r["w"])):
                wr.writerow([r["tool"], r["format"], r["source"], r["w"], r["h"], f"{r['dssim']:.6f}", r["path"]])

    print(f"\nDSSIM against Pillow LANCZOS references (lower is better; widths {','.join(map(str, widths))})\n")
    wcols = [f"mean@{w}" for w in widths] if len(widths) > 1 else []
    head = ["tool", "format", "n", "mean", "median", "max"] + wcols
    print("| " + " | ".join(f"{h:>10}" for h in head) + " |")
    print("|" + "|".join("-" * 11 + ":" for _ in head) + "|")
    for tool in tools:
        for fmt in ("WebP", "JPEG"):
            xs = [r["dssim"] for r in results if r["tool"] == tool and r["format"] == fmt]
            if not xs:
                print(f"| {tool:>10} | {fmt:>10} | {0:>10} |")
                continue
            row = [tool, fmt, str(len(xs)), f"{st.mean(xs):.6f}", f"{st.median(xs):.6f}", f"{max(xs):.6f}"]
            for w in (widths if wcols else ()):
                ws = [r["dssim"] for r in results if r["tool"] == tool and r["format"] == fmt and r["w"] == w]
                row.append(f"{st.mean(ws):.6f}" if ws else "-")
            print("| " + " | ".join(f"{c:>10}" for c in row) + " |")

    # the photo where each tool is furthest from the reference, per format
    for tool in tools:
        for fmt in ("WebP", "JPEG"):
            xs = [r for r in results if r["tool"] == tool and r["format"] == fmt]
            if xs:
                worst = max(xs, key=lambda r: r["dssim"])
                print(f"worst {tool} {fmt}: {worst['source']} at {worst['w']}×{worst['h']}: {worst['dssim']:.6f}")
    if problems:
        print(f"\n{len(problems)} problem(s):")
        for p in problems:
            print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
