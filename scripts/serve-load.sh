#!/usr/bin/env bash
# Load test: `briefing serve` on a generated site, on 127.0.0.1 only.
#
#   scripts/serve-load.sh [N] [SECONDS] [WORKDIR]   (300 reports, 20 s)
#
# For SECONDS, while a CSS file of the theme, an image in content/ and two
# reports are rewritten in place (truncate, write half, pause, write the
# rest; pauses of 0-100 ms between rewrites):
#   - CLIENTS threads GET pages, the CSS file and the image over keep-alive
#     connections (a copied file's body must be one of its versions byte for
#     byte; a page must be whole HTML with the reload script);
#   - IDLE connections send nothing and HALF send half a request head;
#   - SSE clients hold /__briefing/events and count the updates they get.
# Then one request with a 400 MB header line. Prints the counts and the
# server's memory (VmRSS sampled every 100 ms, VmHWM at the end).
# Needs python3; BIN=path/to/briefing skips the release build.
set -euo pipefail
N=${1:-300}
SECS=${2:-20}
WORK=${3:-/tmp/briefing-serve-load}
HERE=$(cd "$(dirname "$0")/.." && pwd)
GEN=${GEN_SITE:-$HERE/scripts/gen_site.py}
export CLIENTS=${CLIENTS:-8} IDLE=${IDLE:-300} HALF=${HALF:-200} SSE=${SSE:-200}

if [ -z "${BIN:-}" ]; then
  cargo build --release --manifest-path "$HERE/Cargo.toml" >/dev/null
  BIN=$HERE/target/release/briefing
fi
SITE=$WORK/site
rm -rf "$SITE" && mkdir -p "$WORK"
python3 "$GEN" briefing "$N" "$SITE" >/dev/null
cp -r "$HERE/themes" "$SITE/themes"
printf '<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"/></svg>\n' \
  >"$SITE/content/reports/chart.svg"

LOG=$WORK/serve.log
"$BIN" serve --root "$SITE" --port 0 --bind 127.0.0.1 >"$LOG" 2>&1 &
PID=$!
trap 'kill -INT $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 600); do grep -q '^serving' "$LOG" && break; sleep 0.1; done
ADDR=$(grep -o 'http://[^/]*' "$LOG" | head -1 | sed 's#http://##')
grep '^built' "$LOG" | head -1

python3 - "$ADDR" "$SITE" "$PID" "$SECS" <<'PY'
import http.client, os, random, selectors, socket, sys, threading, time
addr, site, pid, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
host, port = addr.rsplit(":", 1); port = int(port)
env = lambda k: int(os.environ[k])
CLIENTS, IDLE, HALF, SSE = env("CLIENTS"), env("IDLE"), env("HALF"), env("SSE")

def rss(field="VmRSS"):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) // 1024
    return 0

# Copied files and their versions (the original and two rewrites).
css_path = os.path.join(site, "themes/default/static/style.css")
svg_path = os.path.join(site, "content/reports/chart.svg")
versions = {}
for url, path in [("/static/style.css", css_path), ("/reports/chart.svg", svg_path)]:
    old = open(path, "rb").read()
    versions[url] = (path, [old, old + b" " * 100_000 + b"/*a*/", old + b"\n" * 80_000 + b"/*b*/"])
reports = [os.path.join(site, f"content/reports/report-0000{i}.zh.md") for i in (1, 2)]
report_text = [open(p, "rb").read() for p in reports]
pages = ["/", "/zh/", "/en/", "/zh/reports/", "/zh/reports/report-00001/",
         "/en/reports/report-00002/", "/zh/metrics/", "/nothing/"]

stop = time.monotonic() + secs
counts = {"requests": 0, "errors": 0, "truncated": 0, "rewrites": 0}
lock = threading.Lock()
def add(**kw):
    with lock:
        for k, v in kw.items():
            counts[k] += v

def rewrite(path, data):
    with open(path, "r+b") as f:
        f.truncate(0)
        f.write(data[: len(data) // 2]); f.flush()
        time.sleep(0.002)
        f.write(data[len(data) // 2:])

def writer():
    rng, i = random.Random(1), 0
    while time.monotonic() < stop and i < 10_000:
        i += 1
        for url, (path, vs) in versions.items():
            rewrite(path, vs[1 + i % 2])
        j = i % 2
        rewrite(reports[j], report_text[j] + (b"\n\xe8\xbf\xbd\xe5\x8a\xa0\n" * (i % 3)))
        add(rewrites=3)
        time.sleep(rng.random() * 0.1)

def client(seed):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    n = 0
    while time.monotonic() < stop and n < 100_000:
        n += 1
        url = rng.choice(pages + list(versions) * 3)
        try:
            conn.request("GET", url)
            r = conn.getresponse()
            body = r.read()
        except Exception:
            add(requests=1, errors=1)
            conn.close(); conn = http.client.HTTPConnection(host, port, timeout=30)
            continue
        bad = 0
        if url in versions:
            bad = r.status != 200 or body not in versions[url][1]
        elif r.status not in (200, 404) or not body.rstrip().endswith(b"</html>") \
                or b"__briefing" not in body:
            bad = 1
        add(requests=1, truncated=int(bad))
    conn.close()

# Idle and half-open connections, event streams.
held = []
for i in range(IDLE + HALF):
    s = socket.create_connection((host, port), timeout=5)
    if i >= IDLE:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
    held.append(s)
sel = selectors.DefaultSelector()
sse_updates = {}
for i in range(SSE):
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(b"GET /__briefing/events HTTP/1.1\r\nHost: x\r\n\r\n")
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, i)
    sse_updates[i] = 0
def sse_reader():
    while time.monotonic() < stop + 3:
        for key, _ in sel.select(timeout=0.2):
            try:
                data = key.fileobj.recv(65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if not data:
                sel.unregister(key.fileobj)
                continue
            sse_updates[key.data] += data.count(b"event: update")

max_rss = [rss()]
def sampler():
    while time.monotonic() < stop + 3:
        max_rss[0] = max(max_rss[0], rss()); time.sleep(0.1)

start_rss = rss()
threads = [threading.Thread(target=f) for f in (writer, sse_reader, sampler)]
threads += [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
for t in threads: t.start()
t0 = time.monotonic()
# A fresh connection must be answered at once throughout.
probe_worst = 0.0
while time.monotonic() < stop:
    a = time.monotonic()
    c = http.client.HTTPConnection(host, port, timeout=30)
    c.request("GET", "/static/style.css"); c.getresponse().read(); c.close()
    probe_worst = max(probe_worst, time.monotonic() - a)
    time.sleep(0.5)
for t in threads: t.join()
closed = 0
for s in held:
    s.setblocking(False)
    try:
        got = s.recv(64)  # nothing: closed; half a head: answered 408
        closed += got == b"" or got.startswith(b"HTTP/1.1 408")
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
    s.close()

# One 400 MB header line, sent as fast as the server takes it.
before = rss()
s = socket.create_connection((host, port), timeout=30)
s.sendall(b"GET / HTTP/1.1\r\nX-Big: ")
sent, chunk = 0, b"a" * (1 << 20)
try:
    while sent < 400 << 20:
        s.sendall(chunk); sent += len(chunk)
except OSError:
    pass
try:
    answer = s.recv(200).split(b"\r\n")[0].decode()
except OSError as e:
    answer = f"({e.__class__.__name__})"
s.close()
time.sleep(0.3)

print(f"{CLIENTS} clients for {secs:.0f} s: {counts['requests']} requests, "
      f"{counts['errors']} errors, {counts['truncated']} truncated bodies; "
      f"{counts['rewrites']} rewrites in place")
print(f"{IDLE} idle + {HALF} half-open connections: {closed} closed by the server "
      f"(head timeout 10 s; 408 for half a head); slowest fresh request meanwhile "
      f"{probe_worst * 1000:.0f} ms")
got = sum(1 for v in sse_updates.values() if v >= 2)
print(f"{SSE} event streams: {got} got the first update and at least one more")
print(f"400 MB header line: {answer!r} after {sent >> 20} MiB sent; "
      f"VmRSS {before} MiB before, {rss()} MiB after")
print(f"memory: VmRSS {start_rss} MiB at start, max {max_rss[0]} MiB, "
      f"VmHWM {rss('VmHWM')} MiB")
PY
