#!/usr/bin/env bash
# Renders a results folder's report.html in headless Chromium and checks the screenshot.
#
# Usage: scripts/check_report.sh RESULTS_DIR [SCREENSHOT.png]
#
# Installs nothing: it needs /usr/bin/chromium (or $CHROMIUM) and python3. The page is
# loaded from the file system with networking features off, so a report that tried to load
# anything from the network would show it missing. Fails (exit 1) when the screenshot is
# missing, too small, or a single colour (blank); exits 2 on bad usage or no browser.
set -euo pipefail

results=${1:?usage: scripts/check_report.sh RESULTS_DIR [SCREENSHOT.png]}
report="$(cd "$results" && pwd)/report.html"
shot=${2:-$results/report_screenshot.png}
browser=${CHROMIUM:-/usr/bin/chromium}

if [[ ! -f "$report" ]]; then
  echo "check_report: no report.html in $results" >&2
  exit 2
fi
if [[ ! -x "$browser" ]]; then
  echo "check_report: $browser not found; install chromium or set CHROMIUM" >&2
  exit 2
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
rm -f "$shot"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --hide-scrollbars --user-data-dir="$profile" --screenshot="$shot" \
  --window-size=1400,4000 "file://$report" >/dev/null 2>&1 || true

python3 - "$shot" <<'PY'
import struct, sys, zlib

path = sys.argv[1]
try:
    data = open(path, "rb").read()
except OSError:
    sys.exit(f"check_report: no screenshot was written to {path}")
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit(f"check_report: {path} is not a PNG")

# Walk the chunks: the size and pixel format from IHDR, the pixels from the IDAT stream.
pos, idat = 8, b""
width = height = depth = colour = 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", body[:10])
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
if width < 1000 or height < 1000:
    sys.exit(f"check_report: screenshot is only {width}x{height}")
channels = {2: 3, 6: 4}.get(colour)
if depth != 8 or channels is None:
    sys.exit(f"check_report: unexpected PNG format (depth {depth}, colour type {colour})")

# Undo the scanline filters (PNG specification, section 9) and count pixels that are not
# the page background (the top-left pixel).
raw, stride = zlib.decompress(idat), width * channels
prev, rows = bytearray(stride), []
for y in range(height):
    kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - channels] if i >= channels else 0
        b, c = prev[i], prev[i - channels] if i >= channels else 0
        if kind == 1:
            line[i] = (line[i] + a) & 255
        elif kind == 2:
            line[i] = (line[i] + b) & 255
        elif kind == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line))
    prev = line
background = rows[0][:3]
inked = sum(
    1 for row in rows[::4] for x in range(0, stride, channels * 4) if row[x:x + 3] != background
)
sampled = len(rows[::4]) * len(range(0, stride, channels * 4))
share = inked / sampled
if share < 0.02:
    sys.exit(f"check_report: screenshot looks blank ({share:.1%} of pixels differ from the background)")
print(f"check_report: ok, {path} is {width}x{height}, {share:.1%} of pixels carry content")
PY
