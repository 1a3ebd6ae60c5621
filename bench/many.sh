#!/usr/bin/env bash
# many.sh — an agency's builds: SITES generated sites in one `minisite build` against one
# `minisite build` per site, in the same run, on the same machine.
#
# Each site is bench/make-catalogue-site.sh PRODUCTS with SHARED+OWN photos: the first SHARED
# corpus photos are in every site (the cache is partly shared: what two sellers both use), and
# OWN photos are the site's alone. Every build uses one --cache-dir (as an agency's CI would).
#
# Measured, each timed with bash's $EPOCHREALTIME (the cache emptied and outputs removed before
# the timer starts for "cold"; nothing removed for "warm"; one cold build of all first, not
# timed, so that whichever mode goes first does not pay for filling the OS file cache):
#   one    minisite build SITES_DIR (a folder of sites): one process, one after another
#   loop   for each site: minisite build SITE (SITES processes, one after another)
#   par2   the same separate builds two at a time (xargs -P 2): what building sites side by
#          side would gain on this machine
#   touch  one own photo of one site gets new bytes (a JPEG COM segment: same pixels, another
#          content hash), then one warm `minisite build SITES_DIR`: the images made must equal
#          that photo's variant count (its files in the site's public/images/).
# Printed: wall seconds, images made, sites per hour, cache hit rate (reused / all variants),
# and the ratios one/loop and one/par2; the touch check as PASS or FAIL.
#
# Usage:  bash bench/many.sh
# Env:    SITES=20 PRODUCTS=50 SHARED=3 OWN=1  CORPUS=<repo>/../shared/bench/photos
#         WORK=/tmp/minisite-many  SKIP_CARGO_BUILD=1 uses target/release/minisite as it is
# Exit status: 0 when every build succeeded and the touch check passed, 1 otherwise.
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$BENCH/.." && pwd)
CORPUS=${CORPUS:-$REPO/../shared/bench/photos}
SITES=${SITES:-20} PRODUCTS=${PRODUCTS:-50} SHARED=${SHARED:-3} OWN=${OWN:-1}
WORK=${WORK:-/tmp/minisite-many}
BIN=$REPO/target/release/minisite
if [[ -z ${SKIP_CARGO_BUILD:-} ]]; then
  (cd "$REPO" && cargo build --release --features minify >&2)
fi
mapfile -t photos < <(ls "$CORPUS"/*.jpg | sort)
need=$((SHARED + SITES * OWN))
if ((need > ${#photos[@]})); then
  echo "need $need corpus photos, have ${#photos[@]}: lower SITES or OWN" >&2
  exit 1
fi

rm -rf "$WORK"
mkdir -p "$WORK/sites"
for ((s = 0; s < SITES; s++)); do
  site=$WORK/sites/seller$(printf %02d "$s")
  CORPUS=$CORPUS bash "$BENCH/make-catalogue-site.sh" "$PRODUCTS" "$site" $((SHARED + OWN))
  for ((j = 1; j <= OWN; j++)); do
    cp "${photos[$((SHARED + s * OWN + j - 1))]}" "$site/images/photo$((SHARED + j)).jpg"
  done
done
CACHE=$WORK/cache
mapfile -t sites < <(ls -d "$WORK"/sites/*/ | sed 's:/$::')

clean() { rm -rf "$CACHE" "$WORK"/sites/*/public; sync; }
now() { echo "$EPOCHREALTIME"; }
# Sums "N made, M reused" over single-site summaries, or the made/reused columns of the table.
made_of() { awk '/ made, /{for(i=1;i<=NF;i++) if($i=="made,"){v=$(i-1); gsub(/[^0-9]/,"",v); m+=v; r+=$(i+1)}}
  /^\// && NF>=8 && $2 ~ /^[0-9]+$/ {m+=$3; r+=$4} END{printf "%d %d\n", m, r}' "$1"; }

fail=0
run_one() { "$BIN" build "$WORK/sites" --cache-dir "$CACHE" >"$WORK/out" 2>/dev/null || fail=1; }
run_loop() {
  : >"$WORK/out"
  for s in "${sites[@]}"; do "$BIN" build "$s" --cache-dir "$CACHE" >>"$WORK/out" 2>/dev/null || fail=1; done
}
run_par2() {
  printf '%s\n' "${sites[@]}" | xargs -P 2 -I{} "$BIN" build {} --cache-dir "$CACHE" >"$WORK/out" 2>/dev/null || fail=1
}
# Not timed: the first cold build of a run pays for reading the photos and the binary into the
# page cache; without this round, whichever mode goes first looks slower.
clean
run_one
declare -A wall made reused
for mode in one loop par2; do
  for temp in cold warm; do
    [[ $temp == cold ]] && clean
    t0=$(now)
    "run_$mode"
    t1=$(now)
    wall[$mode.$temp]=$(echo "$t1 - $t0" | bc -l)
    read -r m r < <(made_of "$WORK/out")
    made[$mode.$temp]=$m reused[$mode.$temp]=$r
  done
done

# One photo of one site changed, the rest warm.
site=${sites[$((SITES / 2))]}
photo=$site/images/photo$((SHARED + 1)).jpg
python3 - "$photo" <<'PY'
import sys, time
p = sys.argv[1]
b = open(p, "rb").read()
tag = f"minisite many.sh {time.time_ns()}".encode()
seg = b"\xff\xfe" + (len(tag) + 2).to_bytes(2, "big") + tag
open(p + ".new", "wb").write(b[:2] + seg + b[2:])
PY
mv "$photo.new" "$photo"
expect=$(ls "$site/public/images" | grep -c "^photo$((SHARED + 1))-")
t0=$(now)
run_one
t1=$(now)
read -r touch_made _ < <(made_of "$WORK/out")
touch_wall=$(echo "$t1 - $t0" | bc -l)

printf '\n%d sites of %d products, %d shared + %d own photos each, on %s cores\n' \
  "$SITES" "$PRODUCTS" "$SHARED" "$OWN" "$(nproc)"
printf '%-6s %-5s %9s %7s %8s %11s %9s\n' mode cache "wall s" made reused "sites/hour" "hit rate"
for mode in one loop par2; do
  for temp in cold warm; do
    k=$mode.$temp
    all=$((made[$k] + reused[$k]))
    printf '%-6s %-5s %9.2f %7d %8d %11.0f %8.1f%%\n' "$mode" "$temp" "${wall[$k]}" "${made[$k]}" \
      "${reused[$k]}" "$(echo "$SITES * 3600 / ${wall[$k]}" | bc -l)" \
      "$(echo "100 * ${reused[$k]} / ($all + ($all == 0))" | bc -l)"
  done
done
for temp in cold warm; do
  printf 'one/loop %s: %.2f   one/par2 %s: %.2f\n' "$temp" \
    "$(echo "${wall[one.$temp]} / ${wall[loop.$temp]}" | bc -l)" "$temp" \
    "$(echo "${wall[one.$temp]} / ${wall[par2.$temp]}" | bc -l)"
done
verdict=PASS
[[ $touch_made == "$expect" ]] || verdict=FAIL
printf 'touch one photo of %s: %d made (its variants: %d) in %.2f s: %s\n' \
  "$(basename "$site")" "$touch_made" "$expect" "$touch_wall" "$verdict"
if ((fail)) || [[ $verdict == FAIL ]]; then exit 1; fi
