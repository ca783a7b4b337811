//! `briefing serve`: builds the site in memory, serves it over HTTP on a
//! loopback address, watches the input and rebuilds on changes; the open
//! browser tab reloads itself through server-sent events.
//!
//! Requests are answered from an immutable snapshot (`live::SiteFiles`)
//! that a rebuild replaces whole, so no request ever sees a half-built site;
//! copied files (images, theme CSS) are in it too, never read per request.
//! Nothing is written to disk. HTTP is `http.rs`: bounded heads, timeouts,
//! a thread per connection up to a limit. The reload script is added to HTML responses
//! here, at request time; built files never contain it. When a change
//! breaks the build, the last good site stays served and every open page
//! shows the errors in an overlay until they are fixed.

use crate::commands::serve::live::{ChangeKind, LiveSite, SiteFiles, Writers, SETTLE};
use crate::diag::Diagnostic;
use crate::output::{OutputData, OutputFile};
use crate::pipeline::BuildOptions;
use crate::util::mime::content_type;
use notify::{EventKind, RecursiveMode, Watcher};
use percent_encoding::percent_decode_str;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// The URL path of the event stream the reload script listens to.
pub(crate) const EVENTS_PATH: &str = "/__briefing/events";

/// After a change, wait until the input has been quiet this long, so a burst
/// of saves (an editor writing several files, a `git checkout`) is one rebuild.
const QUIET: Duration = Duration::from_millis(40);
/// ...but rebuild at the latest this long after the first change.
const MAX_WAIT: Duration = Duration::from_millis(400);
/// How often an idle event stream sends a comment, to notice closed tabs.
const KEEPALIVE: Duration = Duration::from_secs(15);

mod http;
pub mod live;

/// Options of `briefing serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site; `output` is ignored (nothing is written) and `minify` is
    /// best left off (faster rebuilds).
    pub build: BuildOptions,
    pub addr: SocketAddr,
    /// Open the site in the default browser once it is built.
    pub open: bool,
}

/// What the server loop is told.
pub(crate) enum Msg {
    /// Files changed on disk.
    Changed(Vec<PathBuf>),
    /// Stop serving (Ctrl-C).
    Stop,
}

/// A handle to stop a running server from another thread (a signal handler).
#[derive(Clone)]
pub struct Control(Sender<Msg>);

impl Control {
    pub fn stop(&self) {
        let _ = self.0.send(Msg::Stop);
    }
}

/// What requests are answered from: replaced whole on every rebuild.
struct State {
    /// Bumped on every successful rebuild; a page built from an older
    /// generation reloads.
    generation: u64,
    /// The last site built without errors (None until there is one).
    files: Option<Arc<SiteFiles>>,
    /// Errors of the latest build (empty when it succeeded).
    errors: Vec<Diagnostic>,
    /// The latest generations and the output paths each changed (None:
    /// any), so an open page reloads only when it changed.
    history: Vec<(u64, Option<Vec<String>>)>,
}

/// How many generations `State::history` keeps.
const HISTORY: usize = 32;

impl State {
    /// The paths changed after generation `since` (None: any, or unknown).
    fn changed_since(&self, since: u64) -> Option<Vec<String>> {
        let newer: Vec<_> = self.history.iter().filter(|(g, _)| *g > since).collect();
        if newer.first().is_none_or(|(g, _)| *g != since + 1) && since != self.generation {
            return None;
        }
        let mut paths = Vec::new();
        for (_, changed) in newer {
            paths.extend(changed.as_ref()?.iter().cloned());
        }
        paths.sort();
        paths.dedup();
        Some(paths)
    }
}

struct Shared {
    state: Mutex<Arc<State>>,
    changed: Condvar,
    stopping: Arc<AtomicBool>,
}

impl Shared {
    fn current(&self) -> Arc<State> {
        Arc::clone(&self.state.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Replaces the state; a new `generation` records `changed` in the
    /// history.
    fn publish(
        &self,
        generation: u64,
        files: Option<Arc<SiteFiles>>,
        errors: Vec<Diagnostic>,
        changed: Option<Vec<String>>,
    ) {
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut history = guard.history.clone();
        if generation != guard.generation {
            history.push((generation, changed));
            if history.len() > HISTORY {
                history.remove(0);
            }
        }
        *guard = Arc::new(State {
            generation,
            files,
            errors,
            history,
        });
        drop(guard);
        self.changed.notify_all();
    }
}

/// Serves the site until stopped. `ready` receives a `Control` (for a
/// Ctrl-C handler) before the first build; the address is printed once the
/// site is served. Returns when stopped; errors are for the address or the
/// watcher, not for the site (those are shown and served as overlays).
pub fn run(opts: ServeOptions, ready: impl FnOnce(Control)) -> io::Result<()> {
    let root = std::fs::canonicalize(&opts.build.root).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot open {}: {e}", opts.build.root.display()),
        )
    })?;
    let listener = TcpListener::bind(opts.addr)
        .map_err(|e| io::Error::other(format!("cannot listen on {}: {e}", opts.addr)))?;
    let addr = listener.local_addr()?;

    let url = match addr {
        SocketAddr::V6(a) => format!("http://[{}]:{}/", a.ip(), a.port()),
        SocketAddr::V4(a) => format!("http://{a}/"),
    };
    let mut live = LiveSite::new(BuildOptions {
        root: root.clone(),
        base_url: Some(url.clone()),
        ..opts.build.clone()
    });
    let (tx, rx) = mpsc::channel();
    ready(Control(tx.clone()));
    let mut watch = Watch::new(&root, tx, live.writers())?;
    let shared = Arc::new(Shared {
        state: Mutex::new(Arc::new(State {
            generation: 0,
            files: None,
            errors: Vec::new(),
            history: Vec::new(),
        })),
        changed: Condvar::new(),
        stopping: Arc::new(AtomicBool::new(false)),
    });
    let mut busy = rebuild(&mut live, &shared, &[]);
    watch.refresh();

    let server = {
        let (shared, stopping) = (Arc::clone(&shared), Arc::clone(&shared.stopping));
        std::thread::spawn(move || {
            http::serve(listener, stopping, move |conn, request| {
                handle(conn, request, &shared)
            })
        })
    };
    println!("serving {} at {url} (Ctrl-C to stop)", root.display());
    if opts.open {
        open_browser(&url);
    }

    // Copied files being written are looked at again once settled.
    while let Some(paths) = next_change(&rx, &live, busy.then_some(SETTLE)) {
        busy = if paths.is_empty() {
            recheck_copies(&mut live, &shared)
        } else {
            rebuild(&mut live, &shared, &paths)
        };
        watch.refresh();
    }

    shared.stopping.store(true, Ordering::SeqCst);
    shared.changed.notify_all();
    http::wake(addr);
    let _ = server.join();
    println!("stopped");
    Ok(())
}

/// Waits for changes to the site's input and returns them once the input is
/// quiet; None on Stop. With `retry`, returns no paths if nothing changed
/// within that time.
fn next_change(
    rx: &Receiver<Msg>,
    live: &LiveSite,
    retry: Option<Duration>,
) -> Option<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut first: Option<Instant> = None;
    loop {
        let msg = match (first, retry) {
            (None, None) => rx.recv().ok()?,
            (None, Some(wait)) => match rx.recv_timeout(wait) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            },
            (Some(t), _) if t.elapsed() >= MAX_WAIT => break,
            (Some(_), _) => match rx.recv_timeout(QUIET) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            },
        };
        match msg {
            Msg::Stop => return None,
            Msg::Changed(ps) => {
                for p in ps {
                    if live.kind(&p) != ChangeKind::Ignored && !paths.contains(&p) {
                        paths.push(p);
                        first.get_or_insert_with(Instant::now);
                    }
                }
            }
        }
    }
    Some(paths)
}

/// Reads again the copied files that were being written; publishes them if
/// they changed. Returns whether some are still being written.
fn recheck_copies(live: &mut LiveSite, shared: &Shared) -> bool {
    match live.recheck_copies() {
        Ok((changed, busy)) => {
            if !changed.is_empty() {
                let previous = shared.current();
                let errors = previous.errors.clone();
                // Any page may show an image: every open page reloads.
                shared.publish(previous.generation + 1, live.files(), errors, None);
                println!("updated {} copied file(s)", changed.len());
            }
            busy
        }
        Err(e) => {
            failed(live, shared, &e);
            false
        }
    }
}

/// Rebuilds after `paths` changed and publishes the result. Returns whether
/// copied files were being written (see `recheck_copies`).
fn rebuild(live: &mut LiveSite, shared: &Shared, paths: &[PathBuf]) -> bool {
    let previous = shared.current();
    let what = match paths {
        [] => String::new(),
        [one] => format!(
            " ({})",
            crate::diag::display_path(live.root(), one).display()
        ),
        more => format!(" ({} files)", more.len()),
    };
    let mut busy = false;
    match live.update(paths) {
        Ok(update) => {
            busy = update.busy;
            let generation = previous.generation + 1;
            shared.publish(generation, live.files(), Vec::new(), update.changed.clone());

            if generation == 1 {
                let n = update.warnings.len();
                if n > 0 {
                    eprintln!("{n} warning(s); `briefing check` lists them");
                }
            }
            let stages: Vec<String> = update
                .timings
                .iter()
                .map(|(name, t)| format!("{name} {}", t.as_millis()))
                .collect();
            println!(
                "built {} page{}{} in {} ms{what} [{}]",
                update.pages,
                if update.pages == 1 { "" } else { "s" },
                if update.full || generation == 1 {
                    ""
                } else {
                    " (incremental)"
                },
                update.elapsed.as_millis(),
                stages.join(", "),
            );
            if update.pending {
                // The edited pages are served (and reloaded) first; then
                // the feeds, the search index and the data exports.
                match live.finish() {
                    Ok(done) => {
                        if !done.changed.is_empty() {
                            shared.publish(
                                generation + 1,
                                live.files(),
                                Vec::new(),
                                Some(done.changed.clone()),
                            );
                        }
                        println!(
                            "updated feeds, search index and data exports ({} files) in {} ms",
                            done.changed.len(),
                            done.elapsed.as_millis()
                        );
                    }
                    Err(e) => failed(live, shared, &e),
                }
            }
        }
        Err(e) => failed(live, shared, &e),
    }
    busy
}

/// Shows a failed build in the terminal and on every open page.
fn failed(live: &LiveSite, shared: &Shared, e: &crate::Error) {
    for d in e.diagnostics() {
        eprintln!("{d}");
    }
    match e {
        crate::Error::Invalid(ds) => eprintln!(
            "error: {} error(s); still serving the last good site",
            ds.iter().filter(|d| d.is_error()).count()
        ),
        _ => eprintln!("error: {e}; still serving the last good site"),
    }
    let mut errors: Vec<Diagnostic> = e
        .diagnostics()
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    if errors.is_empty() {
        errors.push(Diagnostic::error(live.root(), None, e.to_string()));
    }
    let previous = shared.current();
    shared.publish(previous.generation, previous.files.clone(), errors, None);
}

// ---------------------------------------------------------------------------
// Watching

/// The file watcher: `content/` and `themes/` recursively, and the site
/// folder itself for `site.yaml` (and for `themes/` appearing).
struct Watch {
    watcher: notify::RecommendedWatcher,
    root: PathBuf,
    watched: Vec<PathBuf>,
}

impl Watch {
    fn new(root: &Path, tx: Sender<Msg>, writers: Writers) -> io::Result<Watch> {
        let handler = move |res: notify::Result<notify::Event>| match res {
            Ok(event) => {
                track_writers(&writers, &event);
                if is_change(&event.kind) {
                    let _ = tx.send(Msg::Changed(event.paths));
                }
            }
            Err(e) => eprintln!("warning: watching files: {e}"),
        };
        let mut watcher = notify::recommended_watcher(handler).map_err(watch_error)?;
        watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(watch_error)?;
        let mut watch = Watch {
            watcher,
            root: root.to_path_buf(),
            watched: Vec::new(),
        };
        watch.refresh();
        Ok(watch)
    }

    /// Starts watching `content/` and `themes/` once they exist.
    fn refresh(&mut self) {
        for dir in ["content", "themes"] {
            let path = self.root.join(dir);
            if path.is_dir() && !self.watched.contains(&path) {
                match self.watcher.watch(&path, RecursiveMode::Recursive) {
                    Ok(()) => self.watched.push(path),
                    Err(e) => eprintln!("warning: cannot watch {}: {e}", path.display()),
                }
            }
        }
    }
}

fn watch_error(e: notify::Error) -> io::Error {
    io::Error::other(format!("cannot watch the site's files: {e}"))
}

/// Tells `writers` what the watcher saw: written to (or truncated, or
/// created) means a writer has the file open until it closes it; renamed
/// into place or removed is not being written.
fn track_writers(writers: &Writers, event: &notify::Event) {
    use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind};
    match event.kind {
        EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Any)
        | EventKind::Create(CreateKind::File | CreateKind::Any) => {
            event.paths.iter().for_each(|p| writers.opened(p));
        }
        EventKind::Access(AccessKind::Close(AccessMode::Write))
        | EventKind::Modify(ModifyKind::Name(_))
        | EventKind::Remove(_) => event.paths.iter().for_each(|p| writers.closed(p)),
        _ => {}
    }
}

/// Whether an event may change a file's contents (reads do not).
fn is_change(kind: &EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode};
    match kind {
        EventKind::Create(_) | EventKind::Modify(_) | EventKind::Remove(_) => true,
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

// ---------------------------------------------------------------------------
// HTTP

/// A response body: built for this answer, or a site file's bytes as they
/// are in the snapshot (never copied per request).
enum Body {
    Owned(Vec<u8>),
    File(Arc<OutputFile>),
}

impl Body {
    fn bytes(&self) -> &[u8] {
        match self {
            Body::Owned(b) => b,
            Body::File(f) => f.as_bytes().unwrap_or_default(),
        }
    }
}

/// A response: status, content type, body.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Body,
    location: Option<String>,
}

impl Reply {
    fn text(status: u16, text: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: Body::Owned(text.as_bytes().to_vec()),
            location: None,
        }
    }
}

/// Answers one request; whether the connection stays open.
fn handle(conn: &mut http::Conn, request: &http::Request, shared: &Arc<Shared>) -> bool {
    let head_only = request.method == "HEAD";
    if !head_only && request.method != "GET" {
        let reply = Reply::text(405, "only GET and HEAD are served\n");
        return send(conn, reply, head_only, request.close);
    }
    let path = request.target.split(['?', '#']).next().unwrap_or_default();
    if path == EVENTS_PATH {
        event_stream(conn.stream(), shared);
        return false;
    }
    let reply = reply_for(path, &shared.current());
    send(conn, reply, head_only, request.close)
}

/// Writes `reply`; whether the connection stays open.
fn send(conn: &mut http::Conn, reply: Reply, head_only: bool, close: bool) -> bool {
    let mut headers = vec![
        ("Content-Type", reply.content_type),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ];
    if let Some(location) = &reply.location {
        headers.push(("Location", location));
    }
    let answer = http::Answer {
        status: reply.status,
        headers: &headers,
        body: reply.body.bytes(),
        head_only,
        close,
    };
    // A client that went away is not an error worth reporting.
    conn.respond(&answer).is_ok() && !close
}

/// The answer to a GET of the URL path `path` from the site in `state`.
fn reply_for(path: &str, state: &State) -> Reply {
    let Some(rel) = site_path(path) else {
        return Reply::text(400, "bad path\n");
    };
    let Some(files) = &state.files else {
        let mut page = error_page(&state.errors);
        inject_script(&mut page, state.generation);
        return Reply {
            status: 503,
            content_type: "text/html; charset=utf-8",
            body: Body::Owned(page),
            location: None,
        };
    };
    let wanted = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    if let Some(file) = files.get(&wanted) {
        return file_reply(file, 200, state.generation);
    }
    if files.contains_key(&format!("{rel}/index.html")) {
        // One leading slash: `//zh/` would name another host. `site_path`
        // refused backslashes, so `/\zh/` cannot be made either.
        return Reply {
            location: Some(format!("/{}/", path.trim_start_matches('/'))),
            ..Reply::text(301, "moved\n")
        };
    }
    // The theme's 404 page: the language's own when the path is in one.
    let lang_404 = rel
        .split_once('/')
        .map(|(first, _)| format!("{first}/404.html"))
        .filter(|p| files.contains_key(p));
    // Online, its links start from the site's root path (the served
    // base_url), so they work at any depth.
    let page = lang_404.unwrap_or_else(|| "404.html".to_string());
    match files.get(&page) {
        Some(file) => file_reply(file, 404, state.generation),
        None => Reply::text(404, "not found\n"),
    }
}

/// A site file as a response; HTML gets the reload script.
fn file_reply(file: &Arc<OutputFile>, status: u16, generation: u64) -> Reply {
    let content_type = content_type(&file.path);
    let body = match &file.data {
        OutputData::Bytes(b) if content_type.starts_with("text/html") => {
            let mut body = b.clone();
            inject_script(&mut body, generation);
            Body::Owned(body)
        }
        OutputData::Bytes(_) => Body::File(Arc::clone(file)),
        // `LiveSite` holds every file's bytes.
        OutputData::Copy(_) | OutputData::Unchanged | OutputData::Staged => {
            return Reply::text(500, "file not held in memory\n")
        }
    };
    Reply {
        status,
        content_type,
        body,
        location: None,
    }
}

/// The site file a URL path names: percent-decoded, `/`-separated, without
/// the leading `/`, a trailing `/` kept. None for paths that try to leave the
/// site (`..` or `.` parts, also percent-encoded), backslashes and NULs.
pub(crate) fn site_path(url_path: &str) -> Option<String> {
    let rest = url_path.strip_prefix('/')?;
    // A `%` not followed by two hex digits is a bad request, not a name.
    let malformed = rest.split('%').skip(1).any(|after| {
        !after
            .get(..2)
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    if malformed {
        return None;
    }
    let decoded = percent_decode_str(rest).decode_utf8().ok()?;
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        if part == "." || part == ".." || part.contains(['\\', '\0']) {
            return None;
        }
        if !part.is_empty() {
            parts.push(part);
        }
    }
    let mut rel = parts.join("/");
    if decoded.ends_with('/') && !rel.is_empty() {
        rel.push('/');
    }
    Some(rel)
}

/// The reload script: listens to the event stream, reloads when the page
/// changed, shows build errors in an overlay (as text, never as HTML).
fn reload_script(generation: u64) -> String {
    format!(
        r#"<script>/* added by briefing serve */
(function () {{
  var generation = {generation}, box = null;
  function show(errors, served) {{
    if (!box) {{
      box = document.createElement("div");
      box.id = "briefing-errors";
      box.setAttribute("role", "alert");
      box.style.cssText = "all:initial;position:fixed;top:0;left:0;right:0;max-height:70vh;z-index:2147483647;overflow:auto;box-sizing:border-box;padding:1.25rem 2rem;background:#1e1e1e;color:#f5f5f5;border-bottom:4px solid #e5484d;box-shadow:0 4px 24px rgba(0,0,0,.4);font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap";
      document.body.appendChild(box);
    }}
    box.textContent = (served ? "The site has errors; this page is from the last good build."
                              : "The site does not build yet.") + "\n\n" +
      errors.map(function (d) {{
        return d.path + (d.line ? ":" + d.line : "") + ": " + d.message + (d.hint ? "\n  help: " + d.hint : "");
      }}).join("\n\n");
  }}
  var here = decodeURIComponent(location.pathname).slice(1);
  if (here === "" || here.slice(-1) === "/") here += "index.html";
  var events = new EventSource("{EVENTS_PATH}");
  events.addEventListener("update", function (e) {{
    var state = JSON.parse(e.data);
    window.__briefingConnected = true;
    if (state.errors.length) return show(state.errors, state.served);
    if (box) {{ box.remove(); box = null; }}
    if (state.generation === generation) return;
    // Reload when this page changed (or when that is not known).
    if (!state.changed || state.changed.indexOf(here) >= 0) location.reload();
    else generation = state.generation;
  }});
}})();
</script>"#
    )
}

/// Adds the reload script before `</body>` (or at the end).
fn inject_script(html: &mut Vec<u8>, generation: u64) {
    let script = reload_script(generation);
    let at = find_last_ci(html, b"</body>").unwrap_or(html.len());
    html.splice(at..at, script.into_bytes());
}

fn find_last_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    (0..=hay.len().checked_sub(needle.len())?)
        .rev()
        .find(|&i| hay[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// The page served while there is no good site yet.
fn error_page(errors: &[Diagnostic]) -> Vec<u8> {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let list: String = errors
        .iter()
        .map(|d| format!("<li>{}</li>", escape(&d.to_string())))
        .collect();
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Build error</title></head>\
         <body><h1>The site does not build yet</h1><ul>{list}</ul></body></html>"
    )
    .into_bytes()
}

/// Streams `update` events (the generation and the errors) to one page.
fn event_stream(out: &mut TcpStream, shared: &Shared) {
    let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\nConnection: close\r\n\r\nretry: 500\n\n";
    if out
        .write_all(head.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        return;
    }
    let mut sent: Option<Arc<State>> = None;
    let mut sent_generation: Option<u64> = None;
    loop {
        let state = {
            let guard = shared.state.lock().unwrap_or_else(|e| e.into_inner());
            let unchanged = |s: &mut Arc<State>| {
                sent.as_ref().is_some_and(|old| Arc::ptr_eq(old, s))
                    && !shared.stopping.load(Ordering::SeqCst)
            };
            let (guard, _) = shared
                .changed
                .wait_timeout_while(guard, KEEPALIVE, unchanged)
                .unwrap_or_else(|e| e.into_inner());
            Arc::clone(&guard)
        };
        if shared.stopping.load(Ordering::SeqCst) {
            return;
        }
        let message = if sent.as_ref().is_some_and(|old| Arc::ptr_eq(old, &state)) {
            ": keep-alive\n\n".to_string()
        } else {
            let changed = sent_generation.and_then(|g| state.changed_since(g));
            let data = serde_json::json!({
                "generation": state.generation,
                "errors": state.errors,
                "changed": changed,
                "served": state.files.is_some(),
            });
            sent_generation = Some(state.generation);
            format!("event: update\ndata: {data}\n\n")
        };
        if out
            .write_all(message.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            return;
        }
        sent = Some(state);
    }
}

fn open_browser(url: &str) {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    if let Err(e) = command.arg(url).spawn() {
        eprintln!("warning: cannot open a browser ({e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_stay_inside_the_site() {
        assert_eq!(site_path("/").as_deref(), Some(""));
        assert_eq!(site_path("/zh/").as_deref(), Some("zh/"));
        assert_eq!(
            site_path("/zh/%E6%8A%A5%E5%91%8A/").as_deref(),
            Some("zh/报告/")
        );
        for bad in [
            "/../site.yaml",
            "/zh/../../x",
            "/%2e%2e/site.yaml",
            "/zh/..%2f..%2fsite.yaml",
            "/a%5c..%5cb",
            "/a%00",
            "/%zz",
            "relative",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_burst_of_changes_is_one_batch() {
        let root = PathBuf::from("/site");
        let live = LiveSite::new(BuildOptions::new(&root));
        let (tx, rx) = mpsc::channel();
        for i in 0..5 {
            let path = root.join(format!("content/r{i}.zh.md"));
            tx.send(Msg::Changed(vec![path.clone(), path])).unwrap();
        }
        tx.send(Msg::Changed(vec![root.join("public/index.html")]))
            .unwrap();
        let batch = next_change(&rx, &live, None).unwrap();
        assert_eq!(batch.len(), 5, "deduplicated, output ignored: {batch:?}");
        // Waiting for copied files to settle: nothing changed, no paths.
        let retry = next_change(&rx, &live, Some(Duration::from_millis(5)));
        assert_eq!(retry, Some(Vec::new()));
        tx.send(Msg::Stop).unwrap();
        assert!(next_change(&rx, &live, None).is_none());
    }

    #[test]
    fn script_goes_before_the_last_body_end_tag() {
        let mut html = b"<html><body><p>x</p></BODY></html>".to_vec();
        inject_script(&mut html, 3);
        let s = String::from_utf8(html).unwrap();
        assert!(s.contains("var generation = 3"));
        assert!(s.find("<script>").unwrap() < s.find("</BODY>").unwrap());
    }
}
