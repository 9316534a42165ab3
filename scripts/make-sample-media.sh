#!/bin/sh
# Makes the bundled sample clip (media/sample/<quality>.mp4) that films without their own media
# play. Needs ffmpeg with libx264 and drawtext (Debian: `apt-get install ffmpeg fonts-dejavu-core`).
# The output is committed: CI and the Docker image do not run this.
#
# Made for watching sync by eye: a large running timecode and frame number, a square that sweeps
# left and right every 2 s, a progress bar, and a short beep on every whole second (so two players
# side by side can be compared by ear too). Flat colours rather than ffmpeg's noisy test patterns:
# they compress to a few hundred KB with sharp text.
# H.264 constrained baseline + AAC, `faststart` (the index first, so a browser starts playing
# before the whole file arrives and can seek with range requests at once).
set -eu

DURATION="${DURATION:-30}"
OUT="${1:-$(dirname "$0")/../media/sample}"
FONT="${FONT:-/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf}"
mkdir -p "$OUT"

make() {
  quality="$1" width="$2" height="$3"
  box=$((height / 8))
  text=$((height / 6))
  small=$((height / 18))
  bar=$((height / 40))
  graph="color=c=0x1b2838:s=${width}x${height}:r=25:d=${DURATION}[bg];"
  graph="${graph}color=c=0xf5c518:s=${box}x${box}:r=25:d=${DURATION}[box];"
  graph="${graph}color=c=0x66c0f4:s=${width}x${bar}:r=25:d=${DURATION}[bar];"
  graph="${graph}[bg][box]overlay=x='(W-w)*(0.5-0.5*cos(PI*t))':y=H/6:shortest=1[a];"
  graph="${graph}[a][bar]overlay=x='W*t/${DURATION}-W':y=H-h:shortest=1,"
  graph="${graph}drawtext=fontfile=${FONT}:text='%{pts\\:hms}':fontsize=${text}:fontcolor=white:x=(w-text_w)/2:y=h*0.45,"
  graph="${graph}drawtext=fontfile=${FONT}:text='frame %{n}   ${quality}':fontsize=${small}:fontcolor=0xc7d5e0:x=(w-text_w)/2:y=h*0.72"
  ffmpeg -hide_banner -loglevel error -y \
    -f lavfi -i "aevalsrc=0.3*sin(2*PI*880*t)*lt(mod(t\,1)\,0.06):s=22050:c=mono:d=${DURATION}" \
    -filter_complex "$graph" \
    -c:v libx264 -profile:v baseline -level 3.1 -preset veryslow -pix_fmt yuv420p \
    -crf 36 -maxrate 400k -bufsize 800k -g 50 \
    -c:a aac -b:a 12k -ac 1 \
    -movflags +faststart \
    "$OUT/${quality}.mp4"
}

make 360p 640 360
make 720p 1280 720
ls -l "$OUT"
