#!/usr/bin/env bash
# Benchmark: briefing vs Hugo on the shared 5,000-report bilingual site.
#
#   scripts/bench.sh [N] [WORKDIR]     (N defaults to 5000 reports = 10,000 pages)
#
# Needs python3, hugo (apt-get install -y hugo) and /usr/bin/time (apt-get
# install -y time). Prints cold (empty output) and warm (output present)
# wall times and peak memory for both tools, run alternately; which tool
# goes first alternates too. Then a cold build into a folder in memory
# (RAM=DIR, default /dev/shm/briefing-bench; RAM= to skip).
#
# Use a fresh WORKDIR for figures you report: on these machines a folder
# where tens of thousands of files were created and deleted many times gets
# slow at creating new ones (ext4 skips recently freed inodes), which
# penalises whichever tool's output lives there.
set -euo pipefail
N=${1:-5000}
WORK=${2:-/tmp/briefing-bench}
HERE=$(cd "$(dirname "$0")/.." && pwd)
GEN=${GEN_SITE:-$HERE/scripts/gen_site.py}
RUNS=${RUNS:-3}
# A tmpfs folder for the "cold RAM" rows; RAM= (empty) skips them.
RAM=${RAM-/dev/shm/briefing-bench}
[ -z "$RAM" ] || [ -d "$(dirname "$RAM")" ] || RAM=

cargo build --release --manifest-path "$HERE/Cargo.toml" >/dev/null
BIN=$HERE/target/release/briefing
mkdir -p "$WORK"
[ -d "$WORK/briefing/content" ] || python3 "$GEN" briefing "$N" "$WORK/briefing" >/dev/null
[ -d "$WORK/hugo/content" ] || python3 "$GEN" hugo "$N" "$WORK/hugo" >/dev/null
# The generated site uses the default theme of this repository.
rm -rf "$WORK/briefing/themes" && cp -r "$HERE/themes" "$WORK/briefing/themes"
# gen_site.py writes a `default_language` key; briefing's first language is the source.
sed -i '/^default_language:/d' "$WORK/briefing/site.yaml"

measure() { # label dir command...
  local label=$1 dir=$2; shift 2
  local out
  (cd "$dir" && /usr/bin/time -o /tmp/bench-time -f '%e %M' "$@" >/dev/null 2>/tmp/bench-stderr) || { cat /tmp/bench-stderr; exit 1; }
  out=$(tail -1 /tmp/bench-time)
  printf '%-22s %6ss  %6d MiB\n' "$label" "${out% *}" "$(( ${out#* } / 1024 ))"
}

cold() { # tool run
  rm -rf "$WORK/$1/public"
  sync
  case $1 in
    briefing) measure "briefing cold #$2" "$WORK/briefing" "$BIN" build --quiet ;;
    hugo) measure "hugo cold #$2" "$WORK/hugo" hugo --quiet ;;
  esac
}
# Cold again, into a folder in memory (tmpfs): the same work without
# ext4's inode allocation, so this row compares the two tools' own work.
ram() { # tool run
  local out=$RAM/$1-$2
  rm -rf "$out"
  case $1 in
    briefing) measure "briefing cold RAM #$2" "$WORK/briefing" "$BIN" build --quiet -o "$out" ;;
    hugo) measure "hugo cold RAM #$2" "$WORK/hugo" hugo --quiet -d "$out" ;;
  esac
  rm -rf "$out"
}
warm() { # tool run
  case $1 in
    briefing) measure "briefing warm #$2" "$WORK/briefing" "$BIN" build --quiet ;;
    hugo) measure "hugo warm #$2" "$WORK/hugo" hugo --quiet ;;
  esac
}

echo "site: $N reports ($((2 * N)) pages) in $WORK"
for i in $(seq "$RUNS"); do
  if [ $((i % 2)) = 1 ]; then order="briefing hugo"; else order="hugo briefing"; fi
  for t in $order; do cold "$t" "$i"; done
  for t in $order; do warm "$t" "$i"; done
  if [ -n "$RAM" ]; then for t in $order; do ram "$t" "$i"; done; fi
done
