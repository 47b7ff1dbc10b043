//! Stand-ins between the real binary and the emulator, for the `e2e` test binary: HTTP
//! request reading and forwarding, and a proxy that holds some requests until the test lets
//! them through (to act while a request is in flight, without racing it).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// Reads one HTTP request (headers and a Content-Length body); `None` at the end.
pub fn read_request(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return Some(buf);
            }
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// Sends one request upstream with `connection: close` and reads the whole answer.
pub fn forward(upstream: &str, request: &[u8]) -> Option<Vec<u8>> {
    let end = request.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&request[..end]);
    let mut rewritten = String::new();
    for line in head
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
    {
        rewritten.push_str(line);
        rewritten.push_str("\r\n");
    }
    rewritten.push_str("connection: close\r\n\r\n");
    let mut server = TcpStream::connect(upstream).ok()?;
    server.write_all(rewritten.as_bytes()).ok()?;
    server.write_all(&request[end + 4..]).ok()?;
    let mut answer = Vec::new();
    server.read_to_end(&mut answer).ok()?;
    // The client keeps its connection: say how long the body is, drop `connection: close`.
    let end = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&answer[..end]);
    let body = &answer[end + 4..];
    let mut out = String::new();
    for line in head.lines().filter(|l| {
        let l = l.to_ascii_lowercase();
        !l.starts_with("connection:")
            && !l.starts_with("content-length:")
            && !l.starts_with("transfer-encoding:")
    }) {
        out.push_str(line);
        out.push_str("\r\n");
    }
    out.push_str("content-length: ");
    out.push_str(&body.len().to_string());
    out.push_str("\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Some(bytes)
}

/// The requests a [`holding_proxy`] holds: how many arrived, and whether they may go on.
#[derive(Default)]
pub struct Gate {
    state: Mutex<(usize, bool)>,
    changed: Condvar,
}

impl Gate {
    /// Waits until at least one request is held; panics after `timeout`.
    pub fn wait_for_a_held_request(&self, timeout: Duration) {
        let state = self.state.lock().expect("gate");
        let (state, waited) = self
            .changed
            .wait_timeout_while(state, timeout, |(held, _)| *held == 0)
            .expect("gate");
        assert!(
            !waited.timed_out() || state.0 > 0,
            "no request to hold arrived in {timeout:?}"
        );
    }

    /// Lets every held request (and every later one) through.
    pub fn open(&self) {
        self.state.lock().expect("gate").1 = true;
        self.changed.notify_all();
    }

    /// How many requests were held.
    pub fn held(&self) -> usize {
        self.state.lock().expect("gate").0
    }

    fn hold(&self) {
        let mut state = self.state.lock().expect("gate");
        state.0 += 1;
        self.changed.notify_all();
        let _open = self
            .changed
            .wait_while(state, |(_, open)| !*open)
            .expect("gate");
    }
}

/// Forwards to `upstream`, holding every request `hold` picks until the gate opens.
pub fn holding_proxy(upstream: &str, hold: fn(&str) -> bool) -> (String, Arc<Gate>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let upstream = upstream.trim_start_matches("http://").to_string();
    let gate = Arc::new(Gate::default());
    let held = Arc::clone(&gate);
    std::thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let upstream = upstream.clone();
            let gate = Arc::clone(&held);
            std::thread::spawn(move || {
                while let Some(request) = read_request(&mut client) {
                    if hold(&String::from_utf8_lossy(&request)) {
                        gate.hold();
                    }
                    let Some(reply) = forward(&upstream, &request) else {
                        break;
                    };
                    if client.write_all(&reply).is_err() {
                        break;
                    }
                }
            });
        }
    });
    (format!("http://127.0.0.1:{port}"), gate)
}
