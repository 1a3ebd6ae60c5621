#!/usr/bin/env bash
# make-photo-site.sh CORPUS DEST: a minisite site with one product per corpus photo, doing the
# peers' job (widths 480/960/1600, WebP q80 + JPEG q80). Photos are hard-linked (or copied) in,
# since minisite reads nothing outside the site folder.
set -euo pipefail
corpus=$1 dest=$2
rm -rf "$dest"
mkdir -p "$dest/products" "$dest/images"
cp -l "$corpus"/*.jpg "$dest/images/" 2>/dev/null || cp -p "$corpus"/*.jpg "$dest/images/"
cat > "$dest/site.yaml" <<'YAML'
title: Photo corpus
base_url: http://localhost/
images:
  widths: [480, 960, 1600]
  formats: [webp, jpeg]
  quality: 80
  thumbnails: {ratio: none}   # the peers make no grid crops: same job for all
YAML
for f in "$dest"/images/*.jpg; do
  name=$(basename "$f" .jpg)
  printf 'sku: %s\nname: %s\nphotos:\n  - {path: images/%s.jpg, alt: %s}\n' "$name" "$name" "$name" "$name" > "$dest/products/$name.yaml"
done
