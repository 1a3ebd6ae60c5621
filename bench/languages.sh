#!/usr/bin/env bash
# languages.sh — the cost of a site's other languages: the same generated catalogue built in one
# language and in L languages (default en + de, fr, ar: every product, category and page
# translated, so each language renders its own texts), round by round in the same run.
# The bar (issue #10): an L-language build costs at most L × 1.1 × the one-language build.
#
# Sites from bench/make-catalogue-site.sh (photos cached by an untimed warm-up build); the
# translations are the products' own texts with a language mark, written by a small script
# (lengths as in the default language). Output on tmpfs (/dev/shm) when there is one.
#
# Usage:  bash bench/languages.sh
# Env:    N=1000 RUNS=5 WORK=/tmp/minisite-languages SKIP_CARGO_BUILD=1
# Needs:  cargo, python3 with PyYAML, GNU time (apt-get install time), ../shared/bench.
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
N=${N:-1000}
RUNS=${RUNS:-5}
WORK=${WORK:-/tmp/minisite-languages}
MINISITE=${CARGO_TARGET_DIR:-$ROOT/target}/release/minisite
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }
if [ -z "${SKIP_CARGO_BUILD:-}" ]; then
  (cd "$ROOT" && cargo build --release --quiet)
fi
mkdir -p "$WORK"
OUTROOT=$WORK/out
[ -d /dev/shm ] && OUTROOT=/dev/shm/minisite-languages-out
mkdir -p "$OUTROOT"

one=$WORK/one-$N
many=$WORK/many-$N
bash "$BENCH/make-catalogue-site.sh" "$N" "$one"
rm -rf "$many"
cp -r "$one" "$many"
LANGS="de fr ar"
L=$(( $(echo $LANGS | wc -w) + 1 ))
python3 - "$many" $LANGS <<'PY'
import os, sys, yaml
site, langs = sys.argv[1], sys.argv[2:]
with open(os.path.join(site, "site.yaml"), "a", encoding="utf-8") as f:
    f.write("languages:\n")
    for l in langs:
        f.write(f"  {l}:\n    title: Sialkot Trade Catalogue ({l})\n")
folder = os.path.join(site, "products")
for name in sorted(os.listdir(folder)):
    path = os.path.join(folder, name)
    with open(path, encoding="utf-8") as f:
        p = yaml.safe_load(f)
    t = {}
    for l in langs:
        e = {"name": f"{p['name']} [{l}]"}
        for k in ("summary", "description"):
            if p.get(k):
                e[k] = f"[{l}] {p[k]}"
        if p.get("specs"):
            e["specs"] = [{"label": f"{s['label']} [{l}]", "value": str(s["value"])} for s in p["specs"]]
        t[l] = e
    with open(path, "a", encoding="utf-8") as f:
        f.write(yaml.safe_dump({"translations": t}, allow_unicode=True, sort_keys=False))
PY

timed() { # label site → prints "wall cpu rss"
  local site=$1 out=$OUTROOT/$(basename "$1")
  rm -rf "$out"; sync
  local t0=$EPOCHREALTIME
  /usr/bin/time -f "%U %S %M" -o "$WORK/time.txt" "$MINISITE" build "$site" --output "$out" >/dev/null 2>&1
  local t1=$EPOCHREALTIME
  read -r u s m < "$WORK/time.txt"
  echo "$(echo "$t1 - $t0" | bc) $(echo "$u + $s" | bc) $m"
}

echo "minisite $("$MINISITE" --version 2>/dev/null || true); $N products; languages: en $LANGS (L=$L); $RUNS rounds"
"$MINISITE" build "$one" --output "$OUTROOT/warm" >/dev/null 2>&1
"$MINISITE" build "$many" --output "$OUTROOT/warm" --cache-dir "$one/.minisite-cache" >/dev/null 2>&1 || true
rm -rf "$many/.minisite-cache"; cp -r "$one/.minisite-cache" "$many/.minisite-cache"
ones=(); manys=()
for r in $(seq "$RUNS"); do
  a=$(timed "$one"); b=$(timed "$many")
  ones+=("$a"); manys+=("$b")
  echo "round $r: one language: wall ${a%% *} s (cpu/rss: ${a#* }) | $L languages: wall ${b%% *} s (cpu/rss: ${b#* })"
done
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
w1=$(printf '%s\n' "${ones[@]}" | cut -d' ' -f1 | median)
wL=$(printf '%s\n' "${manys[@]}" | cut -d' ' -f1 | median)
c1=$(printf '%s\n' "${ones[@]}" | cut -d' ' -f2 | median)
cL=$(printf '%s\n' "${manys[@]}" | cut -d' ' -f2 | median)
pages1=$(find "$OUTROOT/one-$N" -name '*.html' | wc -l)
pagesL=$(find "$OUTROOT/many-$N" -name '*.html' | wc -l)
ratio=$(echo "scale=3; $wL / $w1" | bc)
bar=$(echo "scale=3; $L * 1.1" | bc)
cratio=$(echo "scale=3; $cL / $c1" | bc)
echo "medians: one language $w1 s ($pages1 pages, CPU $c1 s) | $L languages $wL s ($pagesL pages, CPU $cL s)"
verdict=$( [ "$(echo "$ratio <= $bar" | bc)" = 1 ] && echo PASS || echo FAIL )
echo "L-language / one-language wall: $ratio (bar <= L x 1.1 = $bar) $verdict; CPU: $cratio"
