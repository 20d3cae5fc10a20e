#!/usr/bin/env bash
# Regenerates docs/report.png, the README's picture of the HTML report:
# the sample run (rules/brand.rules over creators.json, the shortlist cut
# to 8 so that the picture holds every section) written with
# --format html and photographed by headless Chromium (or Chrome; set
# BROWSER to choose one).
set -euo pipefail
cd "$(dirname "$0")/.."

browser=${BROWSER:-}
if [ -z "$browser" ]; then
  for b in chromium chromium-browser google-chrome google-chrome-stable; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
  done
fi
if [ -z "$browser" ]; then
  echo "screenshot: no Chromium or Chrome found (apt-get install chromium, or set BROWSER)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --quiet
./target/debug/influence-eval rules/brand.rules creators.json --top 8 --near-misses 4 \
  --format html --output "$work/report.html"
"$browser" --headless --disable-gpu --no-sandbox --no-first-run --hide-scrollbars \
  --user-data-dir="$work/profile" --window-size=1200,2350 \
  --screenshot="$work/report.png" "file://$work/report.html" 2>/dev/null
mv "$work/report.png" docs/report.png
echo "wrote docs/report.png"
