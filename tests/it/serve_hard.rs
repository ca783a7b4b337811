//! `briefing serve` under hard use: files rewritten in place while they are
//! served, redirects that stay on the site, bounded request heads, many
//! idle connections and event streams.

use crate::support::Site;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Sends `request` as it is on a new connection; the status and the whole
/// response (the server closes after a refusal or `Connection: close`).
fn raw(addr: &str, request: &[u8]) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    // Writing may fail once the server has answered and closed.
    let _ = s.write_all(request);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).to_string();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok());
    (status.unwrap_or(0), text)
}

/// GETs `url`; the body.
fn body(addr: &str, url: &str) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).unwrap();
    let at = out.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    out.split_off(at + 4)
}

/// The resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Rewrites `path` in place (truncate, then two writes with a pause
/// between), as editors and tools that do not rename do.
fn rewrite_in_place(path: &std::path::Path, bytes: &[u8]) {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .unwrap();
    let half = bytes.len() / 2;
    f.write_all(&bytes[..half]).unwrap();
    f.flush().unwrap();
    std::thread::sleep(Duration::from_millis(1));
    f.write_all(&bytes[half..]).unwrap();
}

#[test]
fn files_rewritten_in_place_are_never_served_half() {
    let site = Site::fixture("basic");
    let server = site.serve(&[]);
    // A content asset and a theme file (a change to the theme rebuilds
    // the whole site).
    let files = [
        ("content/reports/diagram.svg", "/reports/diagram.svg"),
        ("themes/plain/static/plain.css", "/static/plain.css"),
    ];
    let mut versions = Vec::new();
    for (file, _) in files {
        let old = std::fs::read(site.root.join(file)).unwrap();
        let a = [old.as_slice(), &vec![b' '; 150_000], b"/*a*/"].concat();
        let b = [old.as_slice(), &vec![b'\n'; 120_000], b"/*b*/"].concat();
        versions.push(vec![old, a, b]);
    }
    let done = std::sync::atomic::AtomicBool::new(false);
    let (seen, bad) = std::thread::scope(|scope| {
        let readers: Vec<_> = (0..2)
            .map(|r| {
                let (addr, versions, done) = (server.addr.as_str(), &versions, &done);
                scope.spawn(move || {
                    let (mut seen, mut bad) = (std::collections::HashSet::new(), 0);
                    let (file, url) = files[r];
                    for _ in 0..3000 {
                        if done.load(std::sync::atomic::Ordering::SeqCst) {
                            break;
                        }
                        let body = body(addr, url);
                        match versions[r].iter().position(|v| *v == body) {
                            Some(i) => seen.insert((file, i)),
                            None => {
                                if bad == 0 {
                                    eprintln!(
                                        "{file}: {} bytes, versions {:?}",
                                        body.len(),
                                        versions[r].iter().map(Vec::len).collect::<Vec<_>>()
                                    );
                                }
                                bad += 1;
                                false
                            }
                        };
                    }
                    (seen, bad)
                })
            })
            .collect();
        // Pauses between rewrites, some long enough for a rebuild.
        let end = Instant::now() + Duration::from_secs(8);
        for round in 0..120 {
            if Instant::now() > end {
                break;
            }
            for (i, (file, _)) in files.iter().enumerate() {
                rewrite_in_place(&site.root.join(file), &versions[i][1 + round % 2]);
            }
            std::thread::sleep(Duration::from_millis([2, 5, 90][round % 3]));
        }
        done.store(true, std::sync::atomic::Ordering::SeqCst);
        let results: Vec<_> = readers.into_iter().map(|r| r.join().unwrap()).collect();
        let seen: std::collections::HashSet<_> =
            results.iter().flat_map(|(s, _)| s.clone()).collect();
        (seen, results.iter().map(|(_, b)| b).sum::<usize>())
    });
    assert_eq!(bad, 0, "bodies that are neither version");
    for (file, _) in files {
        assert!(
            seen.iter().filter(|(f, _)| *f == file).count() >= 2,
            "{file}: the new versions are served too: {seen:?}"
        );
    }
    // Once the writes stop, the last version is served.
    let last = Instant::now() + Duration::from_secs(30);
    for (i, (_, url)) in files.iter().enumerate() {
        let on_disk = std::fs::read(site.root.join(files[i].0)).unwrap();
        while server.get(url).body != on_disk {
            assert!(Instant::now() < last, "{url}: the last version");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn redirects_stay_on_the_site() {
    let site = Site::fixture("basic");
    let server = site.serve(&[]);
    for (target, status, location) in [
        ("//zh", 301, Some("/zh/")),
        ("///zh", 301, Some("/zh/")),
        ("/zh/reports", 301, Some("/zh/reports/")),
        ("//zh//reports", 301, Some("/zh//reports/")),
        ("/%2F%2Fzh", 301, Some("/%2F%2Fzh/")),
        ("/\\zh", 400, None),
        ("/%5Czh", 400, None),
        ("//evil.example/", 404, None),
        ("//evil.example", 404, None),
    ] {
        let r = server.get(target);
        assert_eq!(
            (r.status, r.header("location")),
            (status, location),
            "{target}"
        );
    }
}

#[test]
fn long_request_lines_and_heads_are_refused_in_bounded_memory() {
    let site = Site::fixture("basic");
    let server = site.serve(&[]);
    let addr = server.addr.as_str();
    let get = |target: &str, headers: &str| {
        let request =
            format!("GET {target} HTTP/1.1\r\nHost: x\r\n{headers}Connection: close\r\n\r\n");
        raw(addr, request.as_bytes()).0
    };
    // Just below the limits: answered as usual.
    assert_eq!(get(&format!("/{}", "a".repeat(8000)), ""), 404);
    assert_eq!(get("/", &format!("X-A: {}\r\n", "b".repeat(30_000))), 200);
    // Above: 414 for the request line, 431 for the headers.
    assert_eq!(get(&format!("/{}", "a".repeat(16 * 1024)), ""), 414);
    assert_eq!(
        get("/", &format!("X-A: {}\r\n", "b".repeat(64 * 1024))),
        431
    );
    assert_eq!(get("/", &"X-B: 0123456789abcdef\r\n".repeat(3000)), 431);
    // A request line or header that never ends: answered once it is over
    // the limit, whatever follows; memory back where it was.
    let before = rss_kib(server.pid());
    for start in [&b"GET /"[..], b"GET / HTTP/1.1\r\nX-Big: "] {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(start).unwrap();
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..64 {
            if s.write_all(&chunk).is_err() {
                break;
            }
        }
        let mut out = Vec::new();
        let _ = s.read_to_end(&mut out);
    }
    std::thread::sleep(Duration::from_millis(200));
    let after = rss_kib(server.pid());
    assert!(
        after < before + 16 * 1024,
        "{before} KiB before, {after} KiB after"
    );
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn idle_connections_and_event_streams_do_not_block_requests() {
    let site = Site::fixture("basic");
    let server = site.serve(&[]);
    let addr = server.addr.as_str();
    let mut held = Vec::new();
    for i in 0..300 {
        let mut s = TcpStream::connect(addr).unwrap();
        if i % 3 == 0 {
            s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").unwrap(); // half a head
        }
        held.push(s);
    }
    let mut events: Vec<_> = (0..200).map(|_| server.events()).collect();
    let start = Instant::now();
    assert_eq!(server.get("/").status, 200);
    assert_eq!(server.get("/static/plain.css").status, 200);
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    for e in &mut events {
        assert!(e.next_update(Duration::from_secs(30)).is_some());
    }
    // Every stream hears of a change.
    let path = "content/reports/jincheng.en.md";
    let text = std::fs::read_to_string(site.root.join(path)).unwrap();
    site.write(path, format!("{text}\nMore.\n"));
    for e in &mut events {
        assert!(e.next_update(Duration::from_secs(60)).is_some());
    }
    drop(held);
}
