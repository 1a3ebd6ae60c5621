#!/usr/bin/env bash
# serve-latency.sh — how fast `minisite serve` shows a product edit, against a full build.
#
# On a generated catalogue of N (default 1,000) products (bench/make-catalogue-site.sh: the
# PAGESCALE.md catalogue plus one photo per product, 6 photos in all), with the image cache warm:
#   - full `minisite build` wall time, median of BUILDS (3) runs, output deleted before each;
#   - `minisite serve` started on the same site; one product's YAML saved EDITS (20) times,
#     in place and by rename alternately; save → `reload` event on the SSE stream, median;
#   - then MEMORY_EDITS (500) more saves, the server's RSS printed every 50.
# Bar (issue #4): median save→reload ≤ 0.1 × full build; memory flat over the 500 saves.
# Driver: bench/serve_latency.py (Python standard library).
#
# Usage:  bash bench/serve-latency.sh
# Env:    N=1000 EDITS=20 MEMORY_EDITS=500 BUILDS=3 WORK=/tmp/minisite-serve-bench
#         SKIP_CARGO_BUILD=1 uses target/release/minisite as it is
# Needs:  cargo, python3 with PyYAML (for the catalogue generator).
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
N=${N:-1000}
WORK=${WORK:-/tmp/minisite-serve-bench}
MINISITE=$ROOT/target/release/minisite
if [ -z "${SKIP_CARGO_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
fi
mkdir -p "$WORK"
SITE=$WORK/site-$N
if [ ! -f "$SITE/site.yaml" ]; then
  bash "$BENCH/make-catalogue-site.sh" "$N" "$SITE"
fi
# Warm the image cache (and the source index) so neither side makes photos.
"$MINISITE" build "$SITE" -o "$WORK/warm-out" >/dev/null 2>&1
rm -rf "$WORK/warm-out"
echo "minisite $("$MINISITE" --version | cut -d' ' -f2), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$BENCH/serve_latency.py" "$MINISITE" "$SITE" \
  --edits "${EDITS:-20}" --memory-edits "${MEMORY_EDITS:-500}" --builds "${BUILDS:-3}"
