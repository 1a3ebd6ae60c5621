#!/usr/bin/env bash
# Checks a built minisite site the way a browser and a validator see it:
#   1. the W3C Nu HTML checker (vnu) on every .html file, errors only;
#   2. Lighthouse (mobile, default settings) on a few pages served over a loopback port.
#
# Usage:
#   tools/check-pages.sh SITE_OUTPUT_DIR [PAGE_PATH ...]
#
# PAGE_PATH is a site path such as "" (home), "products/", "products/some-slug/"; by default the
# home page, the first product page and the first category page are checked.
#
# Build the site with the address it will be served at, so canonical links and og:url are right:
#   cargo run --release -- build examples/chenab-prints -o /tmp/site --base-url http://127.0.0.1:8099/
#   tools/check-pages.sh /tmp/site
#
# Environment (all optional):
#   PORT=8099            loopback port to serve the site on (must be free)
#   TOOLS_DIR=...        where lighthouse and vnu-jar are installed with npm
#                        (default: ~/.cache/minisite-check-pages)
#   REPORT_DIR=...       where the Lighthouse JSON and HTML reports go (default: a new temp folder)
#   CHROME_PATH=...      the Chrome/Chromium binary (default: the first of chromium, chromium-browser,
#                        google-chrome found on PATH)
#   MIN_PERF=90          lowest acceptable performance score (it varies a few points run to run)
#   MIN_SCORE=100        lowest acceptable accessibility, best-practices and SEO score
#   SKIP_VNU=1, SKIP_LIGHTHOUSE=1   skip one of the two checks
#
# Missing tools are installed: Chromium, Java and Node with apt-get (when running as root on
# Debian/Ubuntu), lighthouse and vnu-jar with npm into TOOLS_DIR.
#
# Exit status: 0 if vnu found no error and every score reached its minimum, 1 otherwise, 2 on
# bad usage or a missing tool.
set -euo pipefail

LIGHTHOUSE_VERSION=12.8.2
VNU_VERSION=26.9.27

die() { echo "check-pages: $*" >&2; exit 2; }

[ $# -ge 1 ] || die "usage: $0 SITE_OUTPUT_DIR [PAGE_PATH ...]"
SITE=$(cd "$1" 2>/dev/null && pwd) || die "no such folder: $1"
shift
[ -f "$SITE/index.html" ] || die "$SITE has no index.html; is it a built site (minisite build -o DIR)?"

PORT=${PORT:-8099}
TOOLS_DIR=${TOOLS_DIR:-$HOME/.cache/minisite-check-pages}
MIN_PERF=${MIN_PERF:-90}
MIN_SCORE=${MIN_SCORE:-100}
SKIP_VNU=${SKIP_VNU:-}
SKIP_LIGHTHOUSE=${SKIP_LIGHTHOUSE:-}

# ---------------------------------------------------------------- tools
APT_UPDATED=
apt_install() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    die "$1 is missing; install the Debian package(s) '${*:2}' (or run this script as root on Debian/Ubuntu)"
  fi
  if [ -z "$APT_UPDATED" ]; then
    echo "check-pages: apt-get update" >&2
    apt-get update -qq >&2
    APT_UPDATED=1
  fi
  echo "check-pages: installing ${*:2}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${@:2}" >&2
}

command -v python3 >/dev/null || apt_install python3 python3
if [ -z "$SKIP_LIGHTHOUSE" ]; then
  if [ -z "${CHROME_PATH:-}" ]; then
    for c in chromium chromium-browser google-chrome google-chrome-stable; do
      if command -v "$c" >/dev/null; then CHROME_PATH=$(command -v "$c"); break; fi
    done
  fi
  if [ -z "${CHROME_PATH:-}" ]; then
    apt_install chromium chromium
    CHROME_PATH=$(command -v chromium)
  fi
  export CHROME_PATH
fi
if [ -z "$SKIP_VNU" ]; then
  command -v java >/dev/null || apt_install java default-jre-headless
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then apt_install node nodejs npm; fi

LIGHTHOUSE="$TOOLS_DIR/node_modules/.bin/lighthouse"
VNU_JAR="$TOOLS_DIR/node_modules/vnu-jar/build/dist/vnu.jar"
need=()
[ -n "$SKIP_LIGHTHOUSE" ] || [ -x "$LIGHTHOUSE" ] || need+=("lighthouse@$LIGHTHOUSE_VERSION")
[ -n "$SKIP_VNU" ] || [ -f "$VNU_JAR" ] || need+=("vnu-jar@$VNU_VERSION")
if [ ${#need[@]} -gt 0 ]; then
  echo "check-pages: npm install ${need[*]} into $TOOLS_DIR" >&2
  mkdir -p "$TOOLS_DIR"
  [ -f "$TOOLS_DIR/package.json" ] || echo '{"private": true}' >"$TOOLS_DIR/package.json"
  # vnu-jar ships the jar itself; its install script (which fetches a Java runtime) is not needed.
  npm install --prefix "$TOOLS_DIR" --no-audit --no-fund --ignore-scripts --loglevel=error "${need[@]}" >&2
fi

# ---------------------------------------------------------------- vnu
status=0
if [ -z "$SKIP_VNU" ]; then
  echo "== W3C Nu HTML checker (errors only) on $SITE"
  vnu_out=$(java -jar "$VNU_JAR" --skip-non-html --errors-only "$SITE" 2>&1) || true
  if [ -n "$vnu_out" ]; then
    # "file:/abs/site/x/index.html":12.3-12.9: error: ... -> x/index.html:12.3-12.9: error: ...
    printf '%s\n' "$vnu_out" | sed -e "s#^\"file:$SITE/\{0,1\}##" -e 's#^\([^"]*\)":#\1:#'
    count=$(printf '%s\n' "$vnu_out" | grep -c ': error:' || true)
    echo "vnu: $count error(s)"
    status=1
  else
    echo "vnu: no errors"
  fi
  echo
fi

[ -z "$SKIP_LIGHTHOUSE" ] || exit "$status"

# ---------------------------------------------------------------- serve
python3 - "$PORT" 2>/dev/null <<'EOF' || die "port $PORT is in use; set PORT to a free one (and build with that --base-url)"
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.close()
EOF
python3 -m http.server "$PORT" --bind 127.0.0.1 --directory "$SITE" >/dev/null 2>&1 &
SERVER_PID=$!
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
BASE="http://127.0.0.1:$PORT/"
python3 - "$BASE" <<'EOF' || die "the site server did not start on $BASE"
import sys, time, urllib.request
for _ in range(50):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1).close()
        sys.exit(0)
    except Exception:
        time.sleep(0.2)
sys.exit(1)
EOF

canonical=$(grep -o '<link rel="canonical" href="[^"]*"' "$SITE/index.html" | sed 's/.*href="//; s/"$//' || true)
if [ -n "$canonical" ] && [ "$canonical" != "$BASE" ]; then
  echo "note: the site was built for $canonical, not $BASE; canonical and og:url point elsewhere" \
    "(rebuild with --base-url $BASE for exact SEO results)"
  echo
fi

# ---------------------------------------------------------------- pages
pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
  pages=("")
  first_in() { # first sub-folder of $1 with an index.html, not a pagination folder
    local d
    for d in "$SITE/$1"/*/; do
      if [ "$(basename "$d")" != page ] && [ -f "$d/index.html" ]; then
        echo "$1/$(basename "$d")/"
        return 0
      fi
    done
    return 0
  }
  p=$(first_in products); [ -z "$p" ] || pages+=("$p")
  p=$(first_in categories); [ -z "$p" ] || pages+=("$p")
fi

REPORT_DIR=${REPORT_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/check-pages.XXXXXX")}
mkdir -p "$REPORT_DIR"
echo "== Lighthouse (mobile) on $BASE; reports in $REPORT_DIR"
printf '%-52s %5s %5s %5s %5s\n' page perf a11y bp seo
for path in "${pages[@]}"; do
  name=$(printf '%s' "${path:-home}" | tr '/' '_' | sed 's/_$//')
  out="$REPORT_DIR/$name"
  if ! "$LIGHTHOUSE" "$BASE$path" --quiet --output=json --output=html --output-path="$out" \
      --chrome-flags="--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --no-first-run" \
      >"$out.log" 2>&1; then
    echo "lighthouse failed on /$path (log: $out.log)"
    status=1
    continue
  fi
  # Prints the scores, then every failing audit that counts towards a category; exits 1 if a
  # score is under its minimum.
  node - "$out.report.json" "/$path" "$MIN_PERF" "$MIN_SCORE" <<'EOF' || status=1
const [file, path, minPerf, minScore] = process.argv.slice(2);
const r = require(file);
const cats = ["performance", "accessibility", "best-practices", "seo"];
const score = (c) => (r.categories[c] && r.categories[c].score !== null ? Math.round(r.categories[c].score * 100) : NaN);
console.log(path.padEnd(52), ...cats.map((c) => String(score(c)).padStart(5)));
let bad = false;
for (const c of cats) {
  const min = c === "performance" ? Number(minPerf) : Number(minScore);
  if (!(score(c) >= min)) { console.log(`   ${c} ${score(c)} < ${min}`); bad = true; }
  for (const ref of r.categories[c].auditRefs) {
    const a = r.audits[ref.id];
    if (ref.weight > 0 && a.score !== null && a.score < 1) {
      console.log(`   ${c}: ${a.id} (${Math.round(a.score * 100)})${a.displayValue ? " " + a.displayValue : ""}: ${a.title}`);
    }
  }
}
process.exit(bad ? 1 : 0);
EOF
done
exit "$status"
