#!/usr/bin/env bash
# audit.sh — look at the example shop the way the web's own tools do: the W3C Nu HTML Checker on
# every page and the stylesheet, Lighthouse (mobile) on a few pages, and headless Chromium
# screenshots at phone and desktop widths for a person to open.
#
# Not a test (Lighthouse scores move with the machine's load); run it after a theme change and
# read what it prints. It installs what it needs into $WORK: vnu-jar and lighthouse from npm
# (Java and Chromium from Debian when missing).
#
# Usage:  bash bench/audit.sh [SITE_DIR]          (default: examples/chenab-prints)
# Env:    WORK=/tmp/minisite-audit PORT=8765 PAGES="/ /products/ ..." (Lighthouse pages; default:
#         home, the first category, the first product, contact)
# Prints: vnu errors and warnings (none expected), Lighthouse's four scores per page with LCP, CLS
#         and every failing audit's title, and where the screenshots are.
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$BENCH")
SITE=${1:-$ROOT/examples/chenab-prints}
WORK=${WORK:-/tmp/minisite-audit}
PORT=${PORT:-8765}
mkdir -p "$WORK/shots"

need() { command -v "$1" >/dev/null || { echo "installing $2" >&2; apt-get install -y -q "$2" >/dev/null; }; }
need java default-jre-headless
need chromium chromium
if [ ! -x "$WORK/node_modules/.bin/lighthouse" ] || [ ! -f "$WORK/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
  echo "installing lighthouse and vnu-jar into $WORK" >&2
  (cd "$WORK" && npm install --silent --no-audit --no-fund lighthouse vnu-jar >/dev/null)
fi

(cd "$ROOT" && cargo build --release --quiet)
out=$WORK/site
rm -rf "$out"
# Its own cache: an audit never writes into the site folder.
"$ROOT/target/release/minisite" build "$SITE" -o "$out" --cache-dir "$WORK/cache" --force 2>"$WORK/build.log" || { cat "$WORK/build.log"; exit 1; }
echo "  (warnings, if any: $WORK/build.log)"

python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$out" >"$WORK/http.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 1

echo "== W3C Nu HTML Checker (every page, the stylesheet)"
java -jar "$WORK/node_modules/vnu-jar/build/dist/vnu.jar" --skip-non-html --also-check-css \
  "$out" >"$WORK/vnu.log" 2>&1 || true
sed "s|file:$out/||; s|^|  |" "$WORK/vnu.log"
echo "  $(grep -c ' error: ' "$WORK/vnu.log" || true) errors, $(grep -c 'warning: ' "$WORK/vnu.log" || true) warnings"

first() { find "$out/$1" -mindepth 2 -maxdepth 2 -name index.html | sort | head -1 | sed "s|^$out||; s|index.html$||"; }
PAGES=${PAGES:-/ $(first categories) $(first products) /contact/}

echo "== Lighthouse, mobile (CHROME_PATH=$(command -v chromium))"
for page in $PAGES; do
  json=$WORK/lh-$(echo "$page" | tr '/' '_').json
  CHROME_PATH=$(command -v chromium) timeout 300 "$WORK/node_modules/.bin/lighthouse" \
    "http://127.0.0.1:$PORT$page" --quiet --output=json --output-path="$json" \
    --chrome-flags="--headless --no-sandbox --disable-gpu" >/dev/null 2>&1 || { echo "  $page: lighthouse failed"; continue; }
  python3 - "$json" "$page" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
scores = " ".join(f"{k} {round(v['score'] * 100)}" for k, v in r["categories"].items())
a = r["audits"]
print(f"  {sys.argv[2]}: {scores}; LCP {a['largest-contentful-paint']['displayValue']}, "
      f"CLS {a['cumulative-layout-shift']['displayValue']}, weight {a['total-byte-weight']['displayValue']}")
for k, v in sorted(a.items()):
    if v.get("score") is not None and v["score"] < 0.9 and v.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"):
        print(f"    - {k}: {v['title']}" + (f" ({v['displayValue']})" if v.get("displayValue") else ""))
PY
done

echo "== Screenshots (open them): $WORK/shots"
# The brief's two widths, and each page again in a right-to-left translation when the site has one
# (the first of ar, ur, fa, he it publishes).
rtl=
for code in ar ur fa he; do [ -d "$out/$code" ] && { rtl=$code; break; }; done
SHOTS=$PAGES
[ -n "$rtl" ] && for page in $PAGES; do SHOTS="$SHOTS /$rtl$page"; done
for page in $SHOTS; do
  for size in 390,844 1280,900; do
    name=$(echo "$page" | tr '/' '_')-${size%,*}
    timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
      --disable-component-update --no-first-run --hide-scrollbars --user-data-dir="$WORK/chrome-$name" \
      --screenshot="$WORK/shots/$name.png" --window-size="$size" "http://127.0.0.1:$PORT$page" >/dev/null 2>&1 || true
    rm -rf "$WORK/chrome-$name"
  done
done
find "$WORK/shots" -name "*.png" | sort | sed "s|^|  |"
