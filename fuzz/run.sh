#!/usr/bin/env bash
# Runs one fuzz target for SECONDS (default 900) at low priority, seeded from the fixtures.
# Usage: fuzz/run.sh TARGET [SECONDS]      Targets: catalog_product site_config page_markdown image_decode
set -euo pipefail
cd "$(dirname "$0")"
target=$1
secs=${2:-900}
[ -d "corpus/$target" ] || ./seed.sh
# cargo-fuzz needs nightly features; RUSTC_BOOTSTRAP lets the stable toolchain provide them.
RUSTC_BOOTSTRAP=1 exec nice -n 10 cargo fuzz run "$target" "corpus/$target" -- \
  -max_total_time="$secs" -timeout=10 -rss_limit_mb=4096 -max_len=262144 -print_final_stats=1
