#!/usr/bin/env bash
# search.sh — product search on a generated 10,000-product catalogue (issue #11's budget):
# 1. the cost of the index: RUNS rounds of one cold full build with search (the default) and one
#    of the same site with `search: false`, alternating so load from the rest of the machine hits
#    both alike; medians and their ratio against the bar (the index adds at most 20 %);
# 2. the first query's transfer: the output served as a static host serves it (gzip for text,
#    Pagefind's index files as written, gzip already), the search page opened with a query in
#    headless Chromium (bench/search_transfer.mjs, DevTools' encodedDataLength), the bytes of
#    every request after the page itself against the bar (150 KB), split into search (Pagefind's
#    script, wasm, index and fragments, and search.js) and the result cards' thumbnails;
# 3. a no-op rebuild, which keeps the index (its records unchanged), and the bundle's size.
#
# Sites from bench/make-catalogue-site.sh (the PAGESCALE.md catalogue, one photo per product out
# of 6). One untimed warm-up build makes the photo variants. Output on tmpfs when there is one.
#
# Usage:  bash bench/search.sh
# Env:    N=10000 RUNS=1 WORK=/tmp/minisite-search QUERY=gloves MINISITE=path SKIP_CARGO_BUILD=1
# Needs:  cargo, python3 with PyYAML, GNU time, bc, node 20+ and chromium (the transfer step).
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
N=${N:-10000}
RUNS=${RUNS:-1}
WORK=${WORK:-/tmp/minisite-search}
QUERY=${QUERY:-gloves}
MINISITE=${MINISITE:-${CARGO_TARGET_DIR:-$ROOT/target}/release/minisite}
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
if [ -z "${SKIP_CARGO_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
fi
die() { echo "search.sh: $*" >&2; exit 1; }
mkdir -p "$WORK"
site=$WORK/site-$N
[ -f "$site/site.yaml" ] || bash "$BENCH/make-catalogue-site.sh" "$N" "$site"
# The same site without search: a copy sharing the photo cache, so both builds only link photos.
# Folders of this run only (two runs at once, e.g. from two worktrees, must not share them),
# removed however the run ends.
plain=$(mktemp -d "$WORK/site-$N-plain.XXXXXX")
if [ -d /dev/shm ]; then outs=$(mktemp -d /dev/shm/minisite-search.XXXXXX); else outs=$(mktemp -d "$WORK/out.XXXXXX"); fi
trap 'rm -rf "$plain" "$outs"' EXIT
rmdir "$plain"
cp -r "$site" "$plain"
rm -rf "$plain/public"
grep -v '^search:' "$site/site.yaml" > "$plain/site.yaml"
echo "search: false" >> "$plain/site.yaml"
out=$outs/with plain_out=$outs/without

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
timed() {
  local log=$1 t0 t1
  shift
  t0=$EPOCHREALTIME
  /usr/bin/time -v "$@" >"$log" 2>"$log.time" || die "failed: $* (see $log, $log.time)"
  t1=$EPOCHREALTIME
  T_WALL=$(echo "$t1 - $t0" | bc -l)
  T_CPU=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$log.time")
}

echo "minisite $("$MINISITE" --version | cut -d' ' -f2), N=$N, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) (a shared machine: compare only figures of one run)"
"$MINISITE" build "$site" -o "$out" >/dev/null 2>&1 || die "warm-up build failed"
"$MINISITE" build "$plain" -o "$plain_out" >/dev/null 2>&1 || die "warm-up build without search failed"
walls=() cpus=() pwalls=() pcpus=()
for r in $(seq "$RUNS"); do
  rm -rf "$out"; sync
  timed "$WORK/with-$r.log" "$MINISITE" build "$site" -o "$out"
  walls+=("$T_WALL") cpus+=("$T_CPU")
  rm -rf "$plain_out"; sync
  timed "$WORK/without-$r.log" "$MINISITE" build "$plain" -o "$plain_out"
  pwalls+=("$T_WALL") pcpus+=("$T_CPU")
done
w=$(printf '%s\n' "${walls[@]}" | median) c=$(printf '%s\n' "${cpus[@]}" | median)
pw=$(printf '%s\n' "${pwalls[@]}" | median) pc=$(printf '%s\n' "${pcpus[@]}" | median)
ratio=$(echo "$w / $pw" | bc -l)
printf 'full build with search:    wall %.2f s  CPU %.2f s\n' "$w" "$c"
printf 'full build without search: wall %.2f s  CPU %.2f s\n' "$pw" "$pc"
printf 'with / without: wall %.3f  CPU %.3f  (bar <= 1.20: %s)\n' "$ratio" "$(echo "$c / $pc" | bc -l)" \
  "$( (( $(echo "$ratio <= 1.20" | bc -l) )) && echo PASS || echo FAIL)"
files=$(find "$out/pagefind" -type f | wc -l)
printf 'bundle: %s files, %s KB\n' "$files" "$(du -sk "$out/pagefind" | cut -f1)"

# Kept files are hard links to the last output's: the same inode after the swap.
inodes() { find "$out/pagefind" -type f -printf '%i %P\n' | sort; }
before=$(inodes)
timed "$WORK/noop.log" "$MINISITE" build "$site" -o "$out"
kept=$(comm -12 <(echo "$before") <(inodes) | wc -l)
printf 'no-op rebuild: wall %.2f s (index kept: %s/%s files, the same inode)\n' "$T_WALL" "$kept" "$files"

kinds=$(node --experimental-websocket "$BENCH/search_transfer.mjs" "$out" "$QUERY" / | tee "$WORK/transfer.log" | tail -1) ||
  die "the first query failed: see $WORK/transfer.log"
grep '^cards shown' "$WORK/transfer.log"
search_b=$(echo "$kinds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["search"])')
thumbs_b=$(echo "$kinds" | python3 -c 'import json,sys; print(json.load(sys.stdin)["thumbnails"])')
other_b=$(echo "$kinds" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["other"])')
kb() { echo "$1 / 1024" | bc -l; }
printf 'first query "%s", bytes on the wire after the page: search %.1f KB (bar <= 150: %s), thumbnails %.1f KB, other %.1f KB (style sheet, logo), total %.1f KB\n' \
  "$QUERY" "$(kb "$search_b")" "$( (( search_b <= 153600 )) && echo PASS || echo FAIL)" "$(kb "$thumbs_b")" "$(kb "$other_b")" \
  "$(kb $((search_b + thumbs_b + other_b)))"
echo "(each request: $WORK/transfer.log)"
rm -rf "$out" "$plain_out"
