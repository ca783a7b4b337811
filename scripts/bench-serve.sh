#!/usr/bin/env bash
# Benchmark: `briefing serve` on the shared 5,000-report site. Measures the
# time from saving one report to the reload event reaching the browser's
# event stream, for a body edit and for a title edit (which also re-renders
# list pages, neighbours and dashboards).
#
#   scripts/bench-serve.sh [N] [WORKDIR]     (N defaults to 5000 reports)
#
# Needs python3. Prints each measurement and the median per kind of edit.
set -euo pipefail
N=${1:-5000}
WORK=${2:-/tmp/briefing-bench}
HERE=$(cd "$(dirname "$0")/.." && pwd)
GEN=${GEN_SITE:-$HERE/scripts/gen_site.py}
RUNS=${RUNS:-15}

cargo build --release --manifest-path "$HERE/Cargo.toml" >/dev/null
BIN=$HERE/target/release/briefing
mkdir -p "$WORK"
[ -d "$WORK/briefing/content" ] || python3 "$GEN" briefing "$N" "$WORK/briefing" >/dev/null
rm -rf "$WORK/briefing/themes" && cp -r "$HERE/themes" "$WORK/briefing/themes"
sed -i '/^default_language:/d' "$WORK/briefing/site.yaml"

LOG=$(mktemp)
"$BIN" serve --root "$WORK/briefing" --port 0 >"$LOG" 2>&1 &
PID=$!
trap 'kill -INT $PID 2>/dev/null; wait $PID 2>/dev/null; rm -f "$LOG"' EXIT
for _ in $(seq 600); do grep -q '^serving' "$LOG" && break; sleep 0.1; done
ADDR=$(grep -o 'http://[^/]*' "$LOG" | head -1 | sed 's#http://##')
grep '^built' "$LOG" | head -1

python3 - "$ADDR" "$WORK/briefing/content/reports" "$RUNS" <<'PY'
import os, socket, statistics, sys, time
addr, reports, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
host, port = addr.rsplit(":", 1)
sock = socket.create_connection((host, int(port)))
sock.sendall(b"GET /__briefing/events HTTP/1.1\r\nHost: x\r\n\r\n")
stream = sock.makefile("rb")

import json
def next_update():
    event = None
    while True:
        line = stream.readline().decode().rstrip("\r\n")
        if line.startswith("event: "):
            event = line[7:]
        elif line.startswith("data: ") and event == "update":
            return json.loads(line[6:])

next_update()  # the state on connect
def reload_of(page):
    # The event that reloads the edited page: the one whose `changed` list
    # has it (the dashboards and search index follow in a later event).
    while True:
        state = next_update()
        assert not state["errors"], state
        if page in (state["changed"] or [page]):
            return
files = sorted(f for f in os.listdir(reports) if f.endswith(".zh.md"))
def edit(kind, i):
    name = files[(i * 37) % len(files)]
    path = os.path.join(reports, name)
    page = "zh/reports/" + name[: -len(".zh.md")] + "/index.html"
    text = open(path, encoding="utf-8").read()
    if kind == "body":
        text = text.rstrip("\n") + f"\n\n补充 {time.time_ns()}。\n"
    else:
        head, rest = text.split("\ntitle: ", 1)
        _, rest = rest.split("\n", 1)
        text = f"{head}\ntitle: 改过的标题 {time.time_ns()}\n{rest}"
    start = time.perf_counter()
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    reload_of(page)
    return (time.perf_counter() - start) * 1000

for kind in ["body", "title"]:
    times = []
    for i in range(runs):
        times.append(edit(kind, i))
        time.sleep(1.5)  # let the search index of this save finish
    print(f"{kind} edit -> reload event: median {statistics.median(times):.0f} ms, "
          f"min {min(times):.0f}, max {max(times):.0f} ({runs} saves)")
PY
echo "server log (last rebuilds):"
grep -E '^(built|updated)' "$LOG" | tail -6
