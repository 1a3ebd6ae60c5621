#!/usr/bin/env python3
"""Recompresses Pagefind's gzipped wasm files (vendor/wasm/*.wasm.gz) with zopfli, keeping the
wasm itself byte for byte: the file a language's search loads first after the script, about 5 %
smaller (vendor/pagefind/PATCHES.md, item 18). Run once per Pagefind release, on the files as
the crate ships them; needs `pip install zopfli`.

Usage: python3 vendor/pagefind/tools/recompress-wasm.py [--check]
  --check: only verify that every file is gzip of Pagefind's marked wasm (nothing written).
"""
import gzip
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent.parent / "vendor" / "wasm"


def main() -> int:
    check = "--check" in sys.argv[1:]
    if not check:
        import zopfli.gzip
    files = sorted(HERE.glob("*.wasm.gz"))
    if not files:
        print(f"no wasm files in {HERE}", file=sys.stderr)
        return 1
    before = after = 0
    for f in files:
        packed = f.read_bytes()
        wasm = gzip.decompress(packed)
        if wasm[:16] != b"pagefind_dcd\0asm":
            print(f"{f.name}: not wasm inside", file=sys.stderr)
            return 1
        before += len(packed)
        if not check:
            smaller = zopfli.gzip.compress(wasm, numiterations=15)
            if gzip.decompress(smaller) != wasm:
                print(f"{f.name}: zopfli's bytes do not give the wasm back", file=sys.stderr)
                return 1
            if len(smaller) < len(packed):
                f.write_bytes(smaller)
                packed = smaller
        after += len(packed)
    print(f"{len(files)} files: {before} -> {after} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
