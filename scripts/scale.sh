#!/usr/bin/env bash
# How a build grows with the site: warm builds of generated sites of several
# sizes into a folder in memory, with wall time, peak memory and files.
#
#   scripts/scale.sh [SIZES] [WORKDIR]    (SIZES defaults to "5000 20000 26000 50000")
#
# Each size gets its own site (scripts/gen_site.py) under WORKDIR, built
# once cold, then RUNS (default 3) times warm into OUT (default
# /dev/shm/briefing-scale-N). Targets (issue 18): 26,000 reports within
# 1.15 × 26/5 of the 5,000-report time; peak memory ≤ 640 MiB at 26,000 and
# under 1 GiB at 50,000.
set -euo pipefail
SIZES=${1:-5000 20000 26000 50000}
WORK=${2:-/tmp/briefing-scale}
RUNS=${RUNS:-3}
HERE=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release --manifest-path "$HERE/Cargo.toml" >/dev/null
BIN=$HERE/target/release/briefing
mkdir -p "$WORK"
printf '%8s %6s %10s %10s %8s\n' reports run seconds peak_MiB files
for n in $SIZES; do
  site=$WORK/site-$n
  [ -d "$site/content" ] || python3 "$HERE/scripts/gen_site.py" briefing "$n" "$site" >/dev/null
  sed -i '/^default_language:/d' "$site/site.yaml"
  out=${OUT:-/dev/shm/briefing-scale}-$n
  rm -rf "$out"
  for run in cold $(seq 1 "$RUNS"); do
    /usr/bin/time -o /tmp/scale-time -f '%e %M' "$BIN" build --root "$site" -o "$out" -q
    read -r secs kib < /tmp/scale-time
    printf '%8s %6s %10s %10s %8s\n' "$n" "$run" "$secs" "$((kib / 1024))" "$(find "$out" -type f | wc -l)"
  done
  rm -rf "$out"
done
