//! The small HTTP/1.1 server under `serve`: GET and HEAD without bodies,
//! keep-alive, and limits on everything a client controls.
//!
//! - A request line longer than [`MAX_REQUEST_LINE`] is answered 414 and a
//!   head (request line and headers) longer than [`MAX_HEAD`] 431; a
//!   connection never buffers more than that plus one read.
//! - A head must arrive within [`HEAD_TIMEOUT`] of its first byte being
//!   awaited (also between keep-alive requests), writes give up after
//!   [`WRITE_TIMEOUT`]: a slow or idle client holds one thread for a while,
//!   never forever.
//! - Each connection has its own thread (small stack), at most
//!   [`MAX_CONNECTIONS`] at once; beyond that a connection is answered 503
//!   and closed at once. So idle connections and event streams never keep
//!   other clients waiting.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The longest request line answered (else 414).
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
/// The longest head, request line and headers (else 431).
pub const MAX_HEAD: usize = 32 * 1024;
/// How long a client may take to send a head (or to start the next one).
pub(crate) const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one write may block on a client that does not read.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once.
pub(crate) const MAX_CONNECTIONS: usize = 900;
/// The stack of a connection's thread.
const STACK: usize = 256 * 1024;
/// After refusing a request, how much of the rest is read (so the client
/// sees the answer rather than a reset), and for how long.
const DRAIN: (usize, Duration) = (1 << 20, Duration::from_secs(2));

/// A request's head.
#[derive(Debug)]
pub(crate) struct Request {
    pub method: String,
    /// The request target as sent (a path, maybe with a query).
    pub target: String,
    /// Whether the connection closes after the answer.
    pub close: bool,
}

/// What reading a head gave.
#[derive(Debug)]
enum Head {
    Request(Request),
    /// Answer with this status and close.
    Refused(u16),
    /// The client closed the connection or stayed silent.
    Gone,
}

/// One client connection.
pub(crate) struct Conn {
    stream: TcpStream,
    /// Bytes read past the last head (a pipelined request).
    buf: Vec<u8>,
}

/// A response's head fields; the body is written as it is.
pub(crate) struct Answer<'a> {
    pub status: u16,
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
    /// HEAD: the head only.
    pub head_only: bool,
    pub close: bool,
}

impl Conn {
    /// The connection's stream, for a handler that takes it over (an event
    /// stream); it is closed when the handler returns.
    pub fn stream(&mut self) -> &mut TcpStream {
        &mut self.stream
    }

    /// Writes a response with a `Content-Length`.
    pub fn respond(&mut self, answer: &Answer) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", answer.status, reason(answer.status));
        for (name, value) in answer.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        let connection = if answer.close { "close" } else { "keep-alive" };
        head.push_str(&format!(
            "Content-Length: {}\r\nConnection: {connection}\r\n\r\n",
            answer.body.len()
        ));
        self.stream.write_all(head.as_bytes())?;
        if !answer.head_only {
            self.stream.write_all(answer.body)?;
        }
        self.stream.flush()
    }

    /// Reads the next head, within the limits above.
    fn read_head(&mut self) -> Head {
        let deadline = Instant::now() + HEAD_TIMEOUT;
        let mut chunk = [0u8; 4096];
        loop {
            // Empty lines before a request line are allowed (RFC 9112 2.2).
            let blank = self.buf.iter().take_while(|b| matches!(b, b'\r' | b'\n'));
            let blank = blank.count();
            self.buf.drain(..blank);
            let line = self.buf.iter().position(|&b| b == b'\n');
            if line.unwrap_or(self.buf.len()) > MAX_REQUEST_LINE {
                return Head::Refused(414);
            }
            if let Some(end) = head_end(&self.buf) {
                if end > MAX_HEAD {
                    return Head::Refused(431);
                }
                let head: Vec<u8> = self.buf.drain(..end).collect();
                return parse_head(&head).map_or(Head::Refused(400), Head::Request);
            }
            if self.buf.len() > MAX_HEAD {
                return Head::Refused(431);
            }
            let Some(left) = deadline.checked_duration_since(Instant::now()) else {
                return self.timed_out();
            };
            if self.stream.set_read_timeout(Some(left)).is_err() {
                return Head::Gone;
            }
            match self.stream.read(&mut chunk) {
                Ok(0) => return Head::Gone,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return self.timed_out()
                }
                Err(_) => return Head::Gone,
            }
        }
    }

    /// A silent connection is closed; half a head is answered 408.
    fn timed_out(&self) -> Head {
        if self.buf.is_empty() {
            Head::Gone
        } else {
            Head::Refused(408)
        }
    }

    /// Answers `status` and closes: stops writing, then reads (and drops) a
    /// bounded amount of what the client still sends, so it sees the
    /// answer instead of a reset.
    fn refuse(&mut self, status: u16) {
        let text = format!("{}\n", reason(status));
        let answer = Answer {
            status,
            headers: &[("Content-Type", "text/plain; charset=utf-8")],
            body: text.as_bytes(),
            head_only: false,
            close: true,
        };
        if self.respond(&answer).is_err() || self.stream.shutdown(Shutdown::Write).is_err() {
            return;
        }
        let end = Instant::now() + DRAIN.1;
        let mut chunk = [0u8; 8192];
        let mut read = 0;
        while read < DRAIN.0 {
            let Some(left) = end.checked_duration_since(Instant::now()) else {
                return;
            };
            if self.stream.set_read_timeout(Some(left)).is_err() {
                return;
            }
            match self.stream.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => read += n,
            }
        }
    }
}

/// The end of the head in `buf` (just past its empty line), if it is there.
fn head_end(buf: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(at) = buf[i..].iter().position(|&b| b == b'\n') {
        let next = i + at + 1;
        match buf.get(next..) {
            Some([b'\n', ..]) => return Some(next + 1),
            Some([b'\r', b'\n', ..]) => return Some(next + 2),
            _ => i = next,
        }
    }
    None
}

/// Parses a head; None if it is not HTTP/1.x with a clean target.
fn parse_head(head: &[u8]) -> Option<Request> {
    let text = std::str::from_utf8(head).ok()?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let mut parts = lines.next()?.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphabetic());
    let clean = |s: &str| !s.is_empty() && !s.chars().any(char::is_control);
    if parts.next().is_some() || !token(method) || !clean(target) || target.contains(' ') {
        return None;
    }
    let mut keep_alive = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return None,
    };
    let mut body = false;
    for line in lines.filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':')?;
        let (name, value) = (name.to_ascii_lowercase(), value.trim().to_ascii_lowercase());
        match name.as_str() {
            "connection" if value == "close" => keep_alive = false,
            "connection" if value == "keep-alive" => keep_alive = true,
            "content-length" => body |= value != "0",
            "transfer-encoding" => body = true,
            _ => {}
        }
    }
    Some(Request {
        method: method.to_string(),
        target: target.to_string(),
        // A body is never read: close rather than take it for a request.
        close: !keep_alive || body,
    })
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

/// Accepts connections on `listener` until `stopping` is set (and a
/// connection wakes the loop: see [`wake`]); `handle` answers one request
/// and says whether the connection stays open.
pub fn serve<H>(listener: TcpListener, stopping: Arc<AtomicBool>, handle: H)
where
    H: Fn(&mut Conn, &Request) -> bool + Send + Sync + 'static,
{
    let handle = Arc::new(handle);
    let open = Arc::new(AtomicUsize::new(0));
    while !stopping.load(Ordering::SeqCst) {
        let stream = match listener.accept() {
            Ok((stream, _)) => stream,
            // Out of file descriptors or a connection reset while queued.
            Err(_) => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        if stopping.load(Ordering::SeqCst) {
            break;
        }
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            busy(stream);
            continue;
        }
        let slot = Slot(Arc::clone(&open));
        let (handle, stopping) = (Arc::clone(&handle), Arc::clone(&stopping));
        let spawned = std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || {
                let _slot = slot;
                connection(stream, &stopping, &*handle);
            });
        // No thread to be had: the connection (moved into the closure) is
        // dropped, which closes it.
        drop(spawned);
    }
}

/// Counts an open connection until dropped.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Too many connections: a 503 written without waiting, then closed.
fn busy(stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let _ = (&stream).write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\n\
          Connection: close\r\n\r\n",
    );
}

fn connection<H>(stream: TcpStream, stopping: &AtomicBool, handle: &H)
where
    H: Fn(&mut Conn, &Request) -> bool,
{
    if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err() {
        return;
    }
    let _ = stream.set_nodelay(true);
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
    };
    while !stopping.load(Ordering::SeqCst) {
        match conn.read_head() {
            Head::Request(request) => {
                if !handle(&mut conn, &request) || request.close {
                    return;
                }
            }
            Head::Refused(status) => return conn.refuse(status),
            Head::Gone => return,
        }
    }
}

/// Wakes the accept loop of a server listening on `addr` (after setting
/// its `stopping`), so it sees the flag.
pub(crate) fn wake(addr: SocketAddr) {
    let mut to = addr;
    if to.ip().is_unspecified() {
        to.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    let _ = TcpStream::connect_timeout(&to, Duration::from_secs(1));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_are_parsed_and_their_end_found() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n\r\nrest"), Some(24));
        assert_eq!(head_end(b"GET / HTTP/1.1\nA: b\n\n"), Some(21));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nA: b\r\n"), None);
        let r = parse_head(b"GET /a?b HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
        assert_eq!(
            (r.method.as_str(), r.target.as_str(), r.close),
            ("GET", "/a?b", false)
        );
        let r = parse_head(b"GET / HTTP/1.1\r\nConnection: Close\r\n\r\n").unwrap();
        assert!(r.close);
        let r = parse_head(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").unwrap();
        assert!(!r.close);
        assert!(parse_head(b"GET / HTTP/1.0\r\n\r\n").unwrap().close);
        let r = parse_head(b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n").unwrap();
        assert!(r.close, "a body is not read: the connection closes");
        for bad in [
            &b"GET / HTTP/2\r\n\r\n"[..],
            b"GET /a b HTTP/1.1\r\n\r\n",
            b"GET /\x01 HTTP/1.1\r\n\r\n",
            b"GET /a\rb HTTP/1.1\r\n\r\n",
            b"G3T / HTTP/1.1\r\n\r\n",
            b"GET / HTTP/1.1\r\nno colon\r\n\r\n",
            b"GET /\xff HTTP/1.1\r\n\r\n",
            b"\r\n\r\n",
        ] {
            assert!(
                parse_head(bad).is_none(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
