#!/usr/bin/env bash
# Benchmark: `briefing deploy` of the N-report site to moto's S3 server on
# loopback: a full deploy into an empty bucket, a deploy with nothing to do,
# and a deploy after one report's text was edited (and the site rebuilt).
#
#   scripts/bench-deploy.sh [N] [WORKDIR]     (N defaults to 5000 reports)
#
# Needs python3, moto's server (pip install 'moto[server]'; MOTO=path, else
# moto_server on the PATH) and /usr/bin/time. BIN=path picks the binary
# (default: target/release/briefing, built if missing). Prints, for each
# deploy, files uploaded, unchanged and deleted, bytes and wall time, and for
# the edit how many files the build changed.
set -euo pipefail
N=${1:-5000}
WORK=${2:-/tmp/briefing-deploy-bench}
HERE=$(cd "$(dirname "$0")/.." && pwd)
GEN=${GEN_SITE:-$HERE/scripts/gen_site.py}
BIN=${BIN:-$HERE/target/release/briefing}
MOTO=${MOTO:-$(command -v moto_server || true)}
[ -n "$MOTO" ] || { echo "no moto_server: pip install 'moto[server]' or set MOTO" >&2; exit 1; }
[ -x "$BIN" ] || cargo build --release --manifest-path "$HERE/Cargo.toml" >/dev/null

SITE=$WORK/site
mkdir -p "$WORK"
[ -d "$SITE/content" ] || python3 "$GEN" briefing "$N" "$SITE" >/dev/null
rm -rf "$SITE/themes" && cp -r "$HERE/themes" "$SITE/themes"
sed -i '/^default_language:/d; /^deploy:/,$d' "$SITE/site.yaml"

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$MOTO" -H 127.0.0.1 -p "$PORT" >/dev/null 2>&1 &
MOTO_PID=$!
trap 'kill $MOTO_PID' EXIT
until python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/')" 2>/dev/null; do sleep 0.2; done
python3 -c "import urllib.request; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:$PORT/site', method='PUT'))"
printf 'deploy:\n  - name: bench\n    url: s3://site/briefing/\n    endpoint: http://127.0.0.1:%s\n    region: us-east-1\n' "$PORT" >> "$SITE/site.yaml"
# moto takes any keys.
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret-key

"$BIN" build --root "$SITE" -q
echo "site: $N reports, $(find "$SITE/public" -type f | wc -l) files in public/"

deploy() { # label
  /usr/bin/time -o /tmp/bench-deploy-time -f '%e' "$BIN" deploy --root "$SITE" --no-build --format json >/tmp/bench-deploy.json
  python3 - "$1" "$(cat /tmp/bench-deploy-time)" <<'EOF'
import json, sys
r = json.load(open("/tmp/bench-deploy.json"))
label, wall = sys.argv[1], sys.argv[2]
print(f"{label}: uploaded {len(r['uploaded'])} files ({r['bytes_uploaded'] / 1e6:.1f} MB), "
      f"unchanged {r['unchanged']} ({r['hashes_asked']} hashes asked), deleted {len(r['deleted'])}, "
      f"complete {r['complete']}, {wall} s wall")
EOF
}

deploy "full deploy (empty bucket)"
deploy "deploy, nothing changed"
REPORT=$(ls "$SITE"/content/reports/*.en.md | grep -v _index | sed -n "$((N / 2))p")
echo "Edited for the benchmark." >> "$REPORT"
sleep 1
touch /tmp/bench-deploy-mark
"$BIN" build --root "$SITE" -q
changed=$(cd "$SITE/public" && find . -type f -newer /tmp/bench-deploy-mark ! -name '.briefing-*' ! -path ./search/state.txt | wc -l)
echo "edited $(basename "$REPORT"); the build rewrote $changed published files"
deploy "deploy after one edited report"
