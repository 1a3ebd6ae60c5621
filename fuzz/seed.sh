#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET, not committed) from the test fixtures.
set -euo pipefail
cd "$(dirname "$0")"
fx=../tests/fixtures
mkdir -p corpus/{catalog_product,site_config,page_markdown,image_decode}
# Names collide across cases: each copy is named after its path.
for f in $(find "$fx" -path '*products/*.yaml'); do cp "$f" "corpus/catalog_product/$(echo "${f#../}" | tr / _)"; done
for f in $(find "$fx" -name site.yaml) ../examples/*/site.yaml; do cp "$f" "corpus/site_config/$(echo "${f#../}" | tr / _)"; done
for f in $(find "$fx" ../examples -name '*.md' -path '*pages/*'); do
  # page_markdown reads its first byte as switches: 0 = defaults.
  { printf '\0'; cat "$f"; } > "corpus/page_markdown/$(echo "${f#../}" | tr / _)"
done
for f in $(find "$fx" -path '*images/*' -type f -size -300k); do cp "$f" "corpus/image_decode/$(echo "${f#../}" | tr / _)"; done
for t in corpus/*; do echo "$t: $(ls "$t" | wc -l) seeds"; done
