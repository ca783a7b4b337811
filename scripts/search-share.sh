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
# ROWS="cold warm edit ram" (the default) picks the rows.
# RUNS=N (default 3) builds each row N times; the last lines give each row's
# medians. Single builds on a shared machine vary by ±20%: take the medians
# of ten or more.
#
# Each run builds into a new folder, WORKDIR/search-share-<time>, and leaves
# it: deleting tens of thousands of files just before a build slows that
# build on these machines (ext4 skips inodes it freed in the last minutes).
# Remove old runs some minutes before measuring again.
set -euo pipefail
WORK=${1:-/tmp/briefing-bench}
HERE=$(cd "$(dirname "$0")/.." && pwd)
RAM=${RAM-/dev/shm}
RUNS=${RUNS:-3}
ROWS=${ROWS:-cold warm edit ram}
want() { [[ " $ROWS " == *" $1 "* ]]; }
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
  echo "$1,$n,$s" >>"$OUT/rows.csv"
}
# The warm and edit rows rebuild the last cold rows' output: one cold pair
# is enough for them.
cold=$RUNS
want cold || cold=1
if want cold || want warm || want edit; then
  for i in $(seq "$cold"); do row cold "$OUT/n-$i" "$OUT/s-$i"; done
fi
if want warm; then
  for i in $(seq "$RUNS"); do row warm "$OUT/n-$cold" "$OUT/s-$cold"; done
fi
if want edit; then
  reports=("$S"/content/reports/*.en.md)
  edited=${reports[0]}
  for i in $(seq "$RUNS"); do
    echo "An edit, $i." >>"$edited"
    row edit "$OUT/n-$cold" "$OUT/s-$cold"
  done
fi
if [ -n "$RAM" ] && want ram; then
  for i in $(seq "$RUNS"); do
    row "cold RAM" "$RAM/share-n" "$RAM/share-s"
    rm -rf "$RAM/share-n" "$RAM/share-s"
  done
fi
python3 - "$OUT/rows.csv" <<'PY'
import csv, statistics, sys
rows = {}
for label, n, s in csv.reader(open(sys.argv[1])):
    rows.setdefault(label, []).append((int(n), int(s)))
for label, runs in rows.items():
    n = statistics.median(r[0] for r in runs)
    s = statistics.median(r[1] for r in runs)
    print(f"median {label:<9} without {n:5.0f} ms   with {s:5.0f} ms   adds {(s - n) * 100 / n:3.0f}%   ({len(runs)} runs)")
PY
