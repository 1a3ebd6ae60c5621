#!/usr/bin/env bash
# make-catalogue-site.sh N DEST [PHOTOS]: a minisite site of N generated products
# (../shared/bench/gen-catalogue.py, the catalogue of PAGESCALE.md), each with one photo taken in
# turn from PHOTOS (default 6) photos of the shared corpus. The photos are copied in: minisite
# reads nothing outside the site folder. Categories come from the products (12 of them).
# Needs python3 with PyYAML (python3-yaml).
set -euo pipefail
n=$1 dest=$2 nphotos=${3:-6}
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SHARED_BENCH=${SHARED_BENCH:-$(cd "$BENCH/../.." && pwd)/shared/bench}
CORPUS=${CORPUS:-$SHARED_BENCH/photos}
rm -rf "$dest"
mkdir -p "$dest/images"
python3 "$SHARED_BENCH/gen-catalogue.py" "$n" --out "$dest" >/dev/null
rm -f "$dest/catalogue.yaml"
i=0
for f in $(ls "$CORPUS"/*.jpg | sort | head -n "$nphotos"); do
  i=$((i + 1))
  cp "$f" "$dest/images/photo$i.jpg"
done
cat > "$dest/site.yaml" <<'YAML'
title: Sialkot Trade Catalogue
description: A generated catalogue for minisite's benchmarks.
base_url: https://catalogue.example/
company:
  name: Benchmark Traders
contact:
  email: sales@catalogue.example
YAML
# One photo per product, appended as a last top-level key (the generator writes block mappings).
python3 - "$dest/products" "$i" <<'PY'
import os, sys
folder, count = sys.argv[1], int(sys.argv[2])
for k, name in enumerate(sorted(os.listdir(folder))):
    with open(os.path.join(folder, name), "a", encoding="utf-8") as f:
        f.write(f"photos:\n- {{path: images/photo{k % count + 1}.jpg, alt: Product photo}}\n")
PY
