#!/usr/bin/env bash
# scale.sh — full builds of generated 1,000- and 10,000-product catalogues: wall time and peak RSS.
#
# Sites from bench/make-catalogue-site.sh (the PAGESCALE.md catalogue, one photo per product out
# of 6). For each size: one untimed warm-up build (makes the photo variants: "photos cached"),
# then RUNS timed builds, each after deleting the output and a `sync` (untimed, as PAGESCALE.md
# does for the peers). Timed with /usr/bin/time -v (peak RSS) and bash's $EPOCHREALTIME (wall).
# Output on tmpfs (/dev/shm) when there is one, like PAGESCALE.md's anchor table (OUT=disk writes
# into the site's public/ instead).
#
# Printed: per size the walls, medians, CPU time (user+sys: less sensitive than wall to other load
# on the machine), peak RSS; the ratio 10k/1k against the bar (≤ 11, wall) and
# peak RSS against 1 GiB; the peers' figures from PAGESCALE.md (Hugo 0.168 content adapter and
# Zola 0.22.1, tmpfs), as ratios. Hugo and Zola are measured in the same run only when they are
# installed (PAGESCALE.md's run-pagescale.sh sets them up; it is not in ../shared/bench here), so
# otherwise the peer figures are the recorded ones, from another run: compare with care.
#
# Usage:  bash bench/scale.sh
# Env:    NS="1000 10000" RUNS=3 WORK=/tmp/minisite-scale OUT=tmpfs|disk SKIP_CARGO_BUILD=1
# Needs:  cargo, python3 with PyYAML, GNU time (apt-get install time).
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
NS=${NS:-1000 10000}
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/minisite-scale}
OUT=${OUT:-tmpfs}
MINISITE=$ROOT/target/release/minisite
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
if [ -z "${SKIP_CARGO_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
fi
mkdir -p "$WORK"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "minisite $("$MINISITE" --version | cut -d' ' -f2), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), output on $OUT"
declare -A WALL RSS CPU
for n in $NS; do
  site=$WORK/site-$n
  [ -f "$site/site.yaml" ] || bash "$BENCH/make-catalogue-site.sh" "$n" "$site"
  if [ "$OUT" = tmpfs ] && [ -d /dev/shm ]; then out=/dev/shm/minisite-scale-out-$n; else out=$site/public; fi
  "$MINISITE" build "$site" -o "$out" >/dev/null 2>&1   # warm-up: photo variants into the cache
  walls=() rsss=() cpus=()
  for r in $(seq "$RUNS"); do
    rm -rf "$out"; sync
    log=$WORK/time-$n-$r.log
    t0=$EPOCHREALTIME
    /usr/bin/time -v "$MINISITE" build "$site" -o "$out" >"$WORK/build-$n-$r.log" 2>"$log"
    t1=$EPOCHREALTIME
    walls+=("$(echo "$t1 - $t0" | bc -l)")
    rsss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")")
    cpus+=("$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$log")")
  done
  pages=$(find "$out" -name index.html | wc -l)
  WALL[$n]=$(printf '%s\n' "${walls[@]}" | median)
  RSS[$n]=$(printf '%s\n' "${rsss[@]}" | sort -n | tail -1)
  CPU[$n]=$(printf '%s\n' "${cpus[@]}" | median)
  printf 'N=%-6s pages %-6s wall s: %s median %.3f   CPU s (user+sys) median %.2f   peak RSS MiB: %s (max %.0f)\n' "$n" "$pages" \
    "$(printf '%.3f ' "${walls[@]}")" "${WALL[$n]}" "${CPU[$n]}" \
    "$(for k in "${rsss[@]}"; do printf '%.0f ' "$(echo "$k/1024" | bc -l)"; done)" "$(echo "${RSS[$n]}/1024" | bc -l)"
  rm -rf "$out"
done
if [ -n "${WALL[1000]:-}" ] && [ -n "${WALL[10000]:-}" ]; then
  ratio=$(echo "${WALL[10000]} / ${WALL[1000]}" | bc -l)
  rss_mib=$(echo "${RSS[10000]} / 1024" | bc -l)
  printf '10k / 1k wall: %.2f (bar <= 11: %s)   CPU: %.2f   peak RSS at 10k: %.0f MiB (bar < 1024: %s)\n' "$ratio" \
    "$( (( $(echo "$ratio <= 11" | bc -l) )) && echo PASS || echo FAIL)" "$(echo "${CPU[10000]} / ${CPU[1000]}" | bc -l)" "$rss_mib" \
    "$( (( $(echo "$rss_mib < 1024" | bc -l) )) && echo PASS || echo FAIL)"
  # PAGESCALE.md, tmpfs table (median of 3 cold builds, no images): wall s and peak RSS MiB.
  echo "peers (PAGESCALE.md, recorded in another run, no images; minisite also links 60 photo variants):"
  for peer in "Hugo 0.168 adapter|0.36|133|4.19|665" "Zola 0.22.1|0.20|76|2.31|563"; do
    IFS='|' read -r name w1 r1 w10 r10 <<<"$peer"
    printf '  %-20s 1k %.2f s (minisite/peer %.2f)  10k %.2f s (minisite/peer %.2f), %s MiB (minisite/peer %.2f)\n' \
      "$name" "$w1" "$(echo "${WALL[1000]} / $w1" | bc -l)" "$w10" "$(echo "${WALL[10000]} / $w10" | bc -l)" \
      "$r10" "$(echo "${RSS[10000]} / 1024 / $r10" | bc -l)"
  done
fi
for tool in hugo zola; do
  command -v "$tool" >/dev/null && echo "note: $tool is installed; run PAGESCALE.md's run-pagescale.sh for same-run peer figures"
done
true
