//! A small WebDriver client for browser tests: starts `chromedriver`, drives a
//! headless Chromium, and serves a directory over HTTP on 127.0.0.1.
//!
//! Without chromium and chromium-driver the tests that use [`Browser::start`]
//! are skipped loudly (`crate::skip`), unless `BRIEFING_REQUIRE_BROWSER=1`.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// WebDriver key codes.
pub mod key {
    pub const ENTER: &str = "\u{E007}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const UP: &str = "\u{E013}";
    pub const DOWN: &str = "\u{E015}";
}

/// A running chromedriver with one browser session; both end on drop.
pub struct Browser {
    driver: Child,
    agent: ureq::Agent,
    session: String,
}

/// How tests run Chromium: headless, in a container (as root, small
/// /dev/shm), and quiet on the network.
pub(crate) const HEADLESS_ARGS: [&str; 8] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
];

/// A TCP port on 127.0.0.1 that nothing listens on now.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    /// A headless browser, or `None` (after a loud message) when none is installed.
    pub fn start() -> Option<Browser> {
        Browser::start_with(&[])
    }

    /// Like [`Browser::start`], with extra Chromium arguments.
    pub fn start_with(extra_args: &[&str]) -> Option<Browser> {
        if !Path::new(CHROMIUM).exists() || !Path::new(CHROMEDRIVER).exists() {
            crate::skip::skip(
                "a browser: chromium and chromium-driver",
                "apt-get install -y chromium chromium-driver",
            );
            return None;
        }
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build();
        let mut b = Browser {
            driver,
            agent: config.into(),
            session: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while b
            .get("/status")
            .map(|v| v["value"]["ready"] != true)
            .unwrap_or(true)
        {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not become ready"
            );
            thread::sleep(Duration::from_millis(50));
        }
        let mut args = HEADLESS_ARGS.to_vec();
        args.push("--window-size=1200,900");
        args.extend_from_slice(extra_args);
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args}
        }}});
        let v = b.post("/session", &caps);
        let id = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        b.session = format!("{}/session/{id}", b.session);
        b.post("/timeouts", &json!({"script": 30_000, "pageLoad": 30_000}));
        Some(b)
    }

    fn get(&self, path: &str) -> Result<Value, ureq::Error> {
        let s = self
            .agent
            .get(format!("{}{path}", self.session))
            .call()?
            .body_mut()
            .read_to_string()?;
        Ok(serde_json::from_str(&s).unwrap_or(Value::Null))
    }

    fn post(&self, path: &str, body: &Value) -> Value {
        let s = self
            .agent
            .post(format!("{}{path}", self.session))
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .and_then(|mut r| r.body_mut().read_to_string())
            .unwrap_or_else(|e| panic!("WebDriver {path}: {e}"));
        let v: Value =
            serde_json::from_str(&s).unwrap_or_else(|_| panic!("WebDriver {path}: not JSON: {s}"));
        if let Some(err) = v["value"]["error"].as_str() {
            panic!("WebDriver {path} failed: {err}: {}", v["value"]["message"]);
        }
        v
    }

    /// Opens a URL and waits for the page to load.
    pub fn goto(&self, url: &str) {
        self.post("/url", &json!({"url": url}));
    }

    pub fn url(&self) -> String {
        self.get("/url").unwrap()["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Runs `script` (a function body; `arguments` holds `args`) and returns its value.
    pub fn exec(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", &json!({"script": script, "args": args}))["value"].take()
    }

    /// Runs an asynchronous script: it calls `arguments[arguments.length - 1](value)` when done.
    pub fn exec_async(&self, script: &str, args: Value) -> Value {
        self.post("/execute/async", &json!({"script": script, "args": args}))["value"].take()
    }

    /// Polls `expr` (a JavaScript expression) until it is truthy; returns its value.
    pub fn wait_for(&self, expr: &str, what: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let v = self.exec(&format!("return ({expr});"), json!([]));
            if !(v.is_null() || v == false || v == "" || v == 0) {
                return v;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what} ({expr})"
            );
            thread::sleep(Duration::from_millis(40));
        }
    }

    /// The WebDriver id of the first element matching a CSS selector.
    pub fn find(&self, css: &str) -> String {
        let v = self.post("/element", &json!({"using": "css selector", "value": css}));
        v["value"][ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_string()
    }

    /// Types text into an element (focusing it first).
    pub fn type_into(&self, element: &str, text: &str) {
        self.post(&format!("/element/{element}/value"), &json!({"text": text}));
    }

    /// Presses keys on whatever has the focus.
    pub fn keys(&self, text: &str) {
        let mut actions = Vec::new();
        for c in text.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.post(
            "/actions",
            &json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]}),
        );
    }

    /// Saves a PNG screenshot of the window.
    pub fn screenshot(&self, path: &Path) {
        let v = self.get("/screenshot").unwrap();
        let png = decode_base64(v["value"].as_str().unwrap());
        std::fs::write(path, png).unwrap();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if self.session.contains("/session/") {
            let _ = self.agent.delete(&self.session).call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for b in s.bytes() {
        let Some(v) = alphabet.iter().position(|&a| a == b) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// The `file://` URL of a path.
pub fn file_url(path: &Path) -> String {
    format!(
        "file://{}",
        percent_encode_path(&path.canonicalize().unwrap().to_string_lossy())
    )
}

/// Percent-encodes what a URL path cannot hold literally (keeps `/`).
pub fn percent_encode_path(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A static file server on 127.0.0.1 for a directory; stops on drop.
pub struct StaticServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<()>>,
}

impl StaticServer {
    pub fn start(dir: &Path) -> StaticServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let stop = Arc::new(AtomicBool::new(false));
        let (dir, flag) = (dir.to_path_buf(), stop.clone());
        let thread = thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(conn) = conn {
                    let dir = dir.clone();
                    thread::spawn(move || serve(conn, &dir));
                }
            }
        });
        StaticServer {
            port,
            stop,
            thread: Some(thread),
        }
    }

    /// The URL of a path under the served directory.
    pub fn url(&self, path: &str) -> String {
        format!(
            "http://127.0.0.1:{}/{}",
            self.port,
            path.trim_start_matches('/')
        )
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn serve(mut conn: TcpStream, dir: &Path) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).map(|n| n == 0).unwrap_or(true) || h == "\r\n" {
            break;
        }
    }
    let raw = line.split_whitespace().nth(1).unwrap_or("/");
    let path = percent_decode(raw.split(['?', '#']).next().unwrap_or("/"));
    let mut file: PathBuf = dir.join(path.trim_start_matches('/'));
    if file.is_dir() {
        file = file.join("index.html");
    }
    let inside = file
        .canonicalize()
        .map(|f| f.starts_with(dir.canonicalize().unwrap()))
        .unwrap_or(false);
    let (status, body) = match std::fs::File::open(&file) {
        Ok(mut f) if inside && !path.contains("..") => {
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            ("200 OK", b)
        }
        _ => ("404 Not Found", b"not found".to_vec()),
    };
    let ctype = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    let head = format!("HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    let _ = conn
        .write_all(head.as_bytes())
        .and_then(|_| conn.write_all(&body));
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let Some(v) = std::str::from_utf8(&b[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
