#!/usr/bin/env bash
# How much the search index adds to a build: builds the benchmark site with
# the default theme and with a copy of it without search.html (no search
# page: no index), alternately, and prints milliseconds per build.
#
#   scripts/search-share.sh [WORKDIR]    (default /tmp/briefing-bench, as bench.sh)
#
# WORKDIR/briefing must hold the site scripts/bench.sh generated. Rows: cold
# into new folders on disk, warm with nothing changed, warm after editing
# one report, cold into a folder in memory (RAM=DIR, default /dev/shm; RAM=
# to skip). The edits are appended to one report's English file.
#
# Each run builds into a new folder, WORKDIR/search-share-<time>, and leaves
# it: deleting tens of thousands of files just before a build slows that
# build on these machines (ext4 skips inodes it freed in the last minutes).
# Remove old runs some minutes before measuring again.
set -euo pipefail
WORK=${1:-/tmp/briefing-bench}
HERE=$(cd "$(dirname "$0")/.." && pwd)
RAM=${RAM-/dev/shm}
cargo build --release --manifest-path "$HERE/Cargo.toml" >/dev/null
BIN=$HERE/target/release/briefing
S=$WORK/briefing
N=$WORK/briefing-no-search
OUT=$WORK/search-share-$(date +%s)
[ -d "$S/content" ] || { echo "no site in $S: run scripts/bench.sh first" >&2; exit 1; }
rm -rf "$N"
mkdir -p "$N" "$OUT"
ln -s "$S/content" "$N/content"
cp "$S/site.yaml" "$N/"
cp -r "$HERE/themes" "$N/themes"
rm "$N/themes/default/templates/search.html"
rm -rf "$S/themes" && cp -r "$HERE/themes" "$S/themes"

ms() { # site output
  local start
  start=$(date +%s%N)
  (cd "$1" && "$BIN" build --quiet -o "$2" >/dev/null 2>&1)
  echo $((($(date +%s%N) - start) / 1000000))
}
row() { # label out-without out-with
  local n s
  n=$(ms "$N" "$2")
  s=$(ms "$S" "$3")
  printf '%-10s without %5s ms   with %5s ms   adds %3s%%\n' "$1" "$n" "$s" $(((s - n) * 100 / n))
}
for i in 1 2 3; do row cold "$OUT/n-$i" "$OUT/s-$i"; done
for i in 1 2 3; do row warm "$OUT/n-3" "$OUT/s-3"; done
reports=("$S"/content/reports/*.en.md)
edited=${reports[0]}
for i in 1 2 3; do
  echo "An edit, $i." >>"$edited"
  row edit "$OUT/n-3" "$OUT/s-3"
done
if [ -n "$RAM" ]; then
  for i in 1 2 3; do
    row "cold RAM" "$RAM/share-n" "$RAM/share-s"
    rm -rf "$RAM/share-n" "$RAM/share-s"
  done
fi
