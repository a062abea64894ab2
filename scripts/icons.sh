#!/usr/bin/env bash
# Renders REMAP's icon (a short chain of SNAC chips, src-tauri/icons/icon.svg) to the PNG sizes
# the Tauri bundler and the desktop's icon theme use. The PNGs are committed; run this after
# editing the SVG. Needs rsvg-convert (Debian's librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/../src-tauri/icons"
command -v rsvg-convert >/dev/null || { echo "icons: rsvg-convert not found; apt install librsvg2-bin" >&2; exit 1; }
render() { rsvg-convert --width "$1" --height "$1" --format png --output "$2" icon.svg; }
render 32 32x32.png
render 128 128x128.png
render 256 256x256.png
render 512 512x512.png
render 512 icon.png
echo "icons: rendered $(ls ./*.png | wc -l) PNGs from icon.svg"
