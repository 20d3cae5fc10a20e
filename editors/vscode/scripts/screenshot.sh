#!/usr/bin/env bash
# Makes docs/editor.png, the README's picture of the highlighting: the
# sample rules rendered through the grammar (render.js, after `npm ci`),
# then photographed by headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p out
node scripts/render.js scripts/sample.rules > out/editor.html
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size=1000,680 --screenshot="$PWD/../../docs/editor.png" "file://$PWD/out/editor.html"
