#!/bin/sh
# Regenerate the hicolor PNGs of the Socketeer icon from socketeer.svg.
# Needs rsvg-convert (Debian/Ubuntu package librsvg2-bin). Run from anywhere.
set -eu

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
svg="$here/socketeer.svg"

command -v rsvg-convert >/dev/null 2>&1 || {
    echo "render.sh: rsvg-convert not found (install librsvg2-bin)" >&2
    exit 1
}

for n in 16 32 48 64 128 256; do
    dir="$here/hicolor/${n}x${n}/apps"
    mkdir -p "$dir"
    rsvg-convert --width "$n" --height "$n" --format png --output "$dir/socketeer.png" "$svg"
    echo "wrote $dir/socketeer.png"
done
