//! A small builder for test sites: copy a fixture into a temp dir, change
//! files, run the real `briefing` binary, read and parse the output.

use scraper::{Html, Selector};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub struct Site {
    _tmp: tempfile::TempDir,
    pub root: PathBuf,
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

impl Site {
    /// A copy of `tests/fixtures/<name>` in a fresh temp dir.
    pub fn fixture(name: &str) -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        copy_dir(&repo_root().join("tests/fixtures").join(name), &root);
        Site { _tmp: tmp, root }
    }

    /// A copy of `tests/fixtures/<base>` with the files of
    /// `tests/fixtures/<over>` added (or replacing its own): a fixture that
    /// holds only what it changes.
    pub fn fixture_over(base: &str, over: &str) -> Site {
        let site = Site::fixture(base);
        copy_dir(&repo_root().join("tests/fixtures").join(over), &site.root);
        site
    }

    /// A site already in `root` (not copied, not removed).
    pub fn at(root: &Path) -> Site {
        Site {
            _tmp: tempfile::tempdir().unwrap(),
            root: root.to_path_buf(),
        }
    }

    /// A copy of the repository's own sample site (content, theme, site.yaml).
    pub fn sample() -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        for part in ["content", "themes"] {
            copy_dir(&repo_root().join(part), &root.join(part));
        }
        std::fs::copy(repo_root().join("site.yaml"), root.join("site.yaml")).unwrap();
        Site { _tmp: tmp, root }
    }

    pub fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Self {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Replaces the first `from` in the site's file `rel` by `to` (which
    /// must be there).
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Self {
        let text = std::fs::read_to_string(self.root.join(rel)).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}");
        self.write(rel, text.replacen(from, to, 1))
    }

    pub fn remove(&self, rel: &str) -> &Self {
        let path = self.root.join(rel);
        if path.is_dir() {
            std::fs::remove_dir_all(path).unwrap();
        } else {
            std::fs::remove_file(path).unwrap();
        }
        self
    }

    /// Runs `briefing build` with `args` in the site folder.
    pub fn build(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .arg("build")
            .args(args)
            .current_dir(&self.root)
            .output()
            .unwrap();
        Run { output }
    }

    /// Runs `briefing` with `args` (a subcommand first) in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(args)
            .current_dir(&self.root)
            .output()
            .unwrap();
        Run { output }
    }

    /// Runs `briefing` with `args` and environment variables `env`.
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(args)
            .envs(env.iter().copied())
            .current_dir(&self.root)
            .output()
            .unwrap();
        Run { output }
    }

    /// Runs `briefing archive --root <site> ARGS` with `dir` as the working
    /// directory (where a default archive name lands).
    pub fn archive_from(&self, dir: &Path, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .arg("archive")
            .arg("--root")
            .arg(&self.root)
            .args(args)
            .current_dir(dir)
            .output()
            .unwrap();
        Run { output }
    }

    /// Builds and asserts success.
    pub fn build_ok(&self, args: &[&str]) -> Run {
        let run = self.build(args);
        assert!(run.success(), "build failed:\n{}", run.stderr());
        run
    }

    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.public().join(rel).exists()
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.public().join(rel))
            .unwrap_or_else(|e| panic!("cannot read public/{rel}: {e}"))
    }

    pub fn html(&self, rel: &str) -> Page {
        Page(Html::parse_document(&self.read(rel)))
    }

    /// Every HTML page below public/ (path relative to it) with its parsed
    /// document, sorted.
    pub fn html_pages(&self) -> Vec<(String, Page)> {
        self.snapshot()
            .into_iter()
            .filter(|(path, _)| path.ends_with(".html"))
            .map(|(path, _)| {
                let page = self.html(&path);
                (path, page)
            })
            .collect()
    }

    /// Every file below public/ with its bytes, sorted.
    pub fn snapshot(&self) -> Vec<(String, Vec<u8>)> {
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(self.public()).sort_by_file_name() {
            let entry = entry.unwrap();
            if entry.file_type().is_file() {
                let rel = entry
                    .path()
                    .strip_prefix(self.public())
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                out.push((rel, std::fs::read(entry.path()).unwrap()));
            }
        }
        out
    }
}

pub struct Run {
    pub output: Output,
}

impl Run {
    pub fn success(&self) -> bool {
        self.output.status.success()
    }
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).to_string()
    }
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).to_string()
    }
    /// From `build --verbose`: the number in "N files written".
    pub fn files_written(&self) -> Option<usize> {
        self.stdout()
            .lines()
            .find_map(|l| l.split_once(" files written"))
            .and_then(|(n, _)| n.parse().ok())
    }
}

/// A parsed HTML page.
pub struct Page(pub Html);

impl Page {
    pub fn all(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let sel = Selector::parse(css).unwrap_or_else(|e| panic!("bad selector {css}: {e:?}"));
        self.0.select(&sel).collect()
    }

    pub fn one(&self, css: &str) -> scraper::ElementRef<'_> {
        let all = self.all(css);
        assert!(
            !all.is_empty(),
            "no element matches `{css}` in\n{}",
            self.0.html()
        );
        all[0]
    }

    pub fn text(&self, css: &str) -> String {
        self.one(css).text().collect::<String>().trim().to_string()
    }

    pub fn attr(&self, css: &str, attr: &str) -> String {
        self.one(css)
            .value()
            .attr(attr)
            .unwrap_or_else(|| panic!("`{css}` has no `{attr}`"))
            .to_string()
    }

    /// The `href` of every element `css` selects, in order.
    pub fn hrefs(&self, css: &str) -> Vec<String> {
        self.all(css)
            .iter()
            .map(|a| {
                a.value()
                    .attr("href")
                    .unwrap_or_else(|| panic!("`{css}` has no href"))
                    .to_string()
            })
            .collect()
    }

    /// Every href and src in the page.
    pub fn links(&self) -> Vec<String> {
        let mut out = Vec::new();
        for el in self.all("[href], [src]") {
            for a in ["href", "src"] {
                if let Some(v) = el.value().attr(a) {
                    out.push(v.to_string());
                }
            }
        }
        out
    }
}

/// Resolves a relative link from the page at `page` (a path below public/)
/// to a path below public/, or None for absolute URLs and fragments.
pub fn resolve(page: &str, link: &str) -> Option<String> {
    if link.contains("://")
        || link.starts_with('#')
        || link.starts_with("mailto:")
        || link.starts_with("data:")
    {
        return None;
    }
    let link = link.split(['#', '?']).next().unwrap();
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for p in link.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut path = parts.join("/");
    if link.ends_with('/') || path.is_empty() {
        path = if path.is_empty() {
            "index.html".into()
        } else {
            format!("{path}/index.html")
        };
    }
    Some(path)
}

// ---------------------------------------------------------------------------
// `briefing serve` in tests

/// A running `briefing serve` on a free port; stopped when dropped.
pub struct Served {
    child: std::process::Child,
    pub addr: String,
    stdout: std::sync::mpsc::Receiver<String>,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Site {
    /// Starts `briefing serve --port 0` in the site folder and waits until it
    /// serves.
    pub fn serve(&self, args: &[&str]) -> Served {
        use std::io::{BufRead, Read};
        use std::process::Stdio;
        let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["serve", "--port", "0"])
            .args(args)
            .current_dir(&self.root)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let mut err = child.stderr.take().unwrap();
        let sink = std::sync::Arc::clone(&stderr);
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut served = Served {
            child,
            addr: String::new(),
            stdout: rx,
            stderr,
        };
        let line = served
            .wait_line("serving ", std::time::Duration::from_secs(60))
            .unwrap_or_else(|| panic!("serve did not start:\n{}", served.stderr()));
        let url = line.split(" at http://").nth(1).unwrap();
        served.addr = url.split('/').next().unwrap().to_string();
        served
    }
}

/// An HTTP response read off the wire.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).to_string()
    }
}

impl Served {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for a stdout line containing `needle`; returns it.
    pub fn wait_line(&mut self, needle: &str, timeout: std::time::Duration) -> Option<String> {
        let end = std::time::Instant::now() + timeout;
        loop {
            let left = end.checked_duration_since(std::time::Instant::now())?;
            match self.stdout.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return Some(line),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }

    /// The stdout lines printed so far (and not yet waited for).
    pub fn drain_lines(&mut self) -> Vec<String> {
        self.stdout.try_iter().collect()
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until the server's stderr holds `needle` (a thread copies it
    /// from the pipe, so a line printed just before an event may not be
    /// there yet when the event arrives); the stderr so far either way.
    pub fn wait_stderr(&self, needle: &str, timeout: std::time::Duration) -> String {
        let end = std::time::Instant::now() + timeout;
        loop {
            let stderr = self.stderr();
            if stderr.contains(needle) || std::time::Instant::now() >= end {
                return stderr;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// Sends a raw request target (no normalisation) and reads the response.
    pub fn get(&self, target: &str) -> Response {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header block");
        let head = String::from_utf8_lossy(&raw[..split]).to_string();
        let mut lines = head.lines();
        let status = lines
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .parse()
            .unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        Response {
            status,
            headers,
            body: raw[split + 4..].to_vec(),
        }
    }

    /// Opens the reload event stream.
    pub fn events(&self) -> Events {
        use std::io::Write;
        let mut stream = std::net::TcpStream::connect(&self.addr).unwrap();
        write!(
            stream,
            "GET /__briefing/events HTTP/1.1\r\nHost: {}\r\n\r\n",
            self.addr
        )
        .unwrap();
        Events(std::io::BufReader::new(stream))
    }

    /// Sends SIGINT (Ctrl-C) and waits for the process to end.
    pub fn interrupt(mut self) -> (std::process::ExitStatus, Vec<String>) {
        let pid = self.child.id().to_string();
        let ok = Command::new("kill").args(["-INT", &pid]).status().unwrap();
        assert!(ok.success());
        let status = self.child.wait().unwrap();
        let lines = self.stdout.iter().collect();
        (status, lines)
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server-sent event stream.
pub struct Events(std::io::BufReader<std::net::TcpStream>);

impl Events {
    /// The data of the next `update` event, within `timeout`.
    pub fn next_update(&mut self, timeout: std::time::Duration) -> Option<serde_json::Value> {
        use std::io::BufRead;
        let end = std::time::Instant::now() + timeout;
        let mut event = String::new();
        let mut data = String::new();
        loop {
            let left = end.checked_duration_since(std::time::Instant::now())?;
            self.0.get_ref().set_read_timeout(Some(left)).unwrap();
            let mut line = String::new();
            match self.0.read_line(&mut line) {
                Ok(0) | Err(_) => return None,
                Ok(_) => {}
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                if event == "update" {
                    return Some(serde_json::from_str(&data).unwrap());
                }
                event.clear();
                data.clear();
            } else if let Some(v) = line.strip_prefix("event: ") {
                event = v.to_string();
            } else if let Some(v) = line.strip_prefix("data: ") {
                data.push_str(v);
            }
        }
    }
}
