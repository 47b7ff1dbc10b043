//! The counting proxy: forwards bytes both ways, tallies each request by operation
//! (`service:Operation`, the service from the request signature's credential scope),
//! delays each request by the configured latency before forwarding it (a network round
//! trip: requests on different connections wait side by side, and every request on a
//! kept-alive connection waits again), and logs when each request arrived and when its
//! answer had been passed back, for the critical path.

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// One request and its answer, as the proxy saw them.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub op: String,
    /// The whole request had arrived (before the added latency).
    pub start: Instant,
    /// The whole answer had been passed back to the client.
    pub end: Instant,
}

/// What the proxy counts and logs, and the latency it adds; shared with the driver.
#[derive(Clone, Default)]
pub struct Counts {
    calls: Arc<Mutex<BTreeMap<String, u64>>>,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    latency_ms: Arc<AtomicU64>,
}

impl Counts {
    fn add(&self, op: String) {
        if let Ok(mut m) = self.calls.lock() {
            *m.entry(op).or_default() += 1;
        }
    }

    fn log(&self, exchange: Exchange) {
        if let Ok(mut l) = self.exchanges.lock() {
            l.push(exchange);
        }
    }

    /// The calls counted since the last `take`, by operation; clears the log too.
    pub fn take(&self) -> BTreeMap<String, u64> {
        self.take_exchanges();
        self.calls
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default()
    }

    /// The exchanges logged since the last `take`, in the order their answers ended.
    pub fn take_exchanges(&self) -> Vec<Exchange> {
        self.exchanges
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }

    /// Every request from now on waits this long before it is forwarded.
    pub fn set_latency_ms(&self, ms: u64) {
        self.latency_ms.store(ms, Ordering::Relaxed);
    }

    fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms.load(Ordering::Relaxed))
    }
}

pub async fn serve_proxy(listener: tokio::net::TcpListener, upstream: SocketAddr, counts: Counts) {
    while let Ok((client, _)) = listener.accept().await {
        let counts = counts.clone();
        tokio::spawn(async move {
            let _ = relay(client, upstream, counts).await;
        });
    }
}

/// Requests forwarded on one connection whose answers have not ended yet, oldest first.
type InFlight = Arc<Mutex<VecDeque<(String, Instant)>>>;

async fn relay(
    client: tokio::net::TcpStream,
    upstream: SocketAddr,
    counts: Counts,
) -> std::io::Result<()> {
    let server = tokio::net::TcpStream::connect(upstream).await?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let (mut from_client, to_client) = client.into_split();
    let (from_server, mut to_server) = server.into_split();
    let in_flight = InFlight::default();
    let back = tokio::spawn(relay_answers(
        from_server,
        counts.clone(),
        in_flight.clone(),
        to_client,
    ));
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut passthrough = false;
    loop {
        if !passthrough {
            while let Some(parsed) = parse_request(&pending) {
                let (len, op) = match parsed {
                    Parsed::Complete { len, op } => (Some(len), op),
                    // No Content-Length (chunked): count it, then stop parsing.
                    Parsed::Unframed { op } => (None, op),
                };
                arrive(&counts, &in_flight, op).await;
                let Some(len) = len else {
                    passthrough = true;
                    break;
                };
                to_server.write_all(&pending[..len]).await?;
                pending.drain(..len);
            }
        }
        if passthrough && !pending.is_empty() {
            to_server.write_all(&pending).await?;
            pending.clear();
        }
        let n = from_client.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        pending.extend_from_slice(&chunk[..n]);
    }
    to_server.write_all(&pending).await?;
    to_server.shutdown().await?;
    let _ = back.await;
    Ok(())
}

/// A whole request has arrived: count it, note it in flight, wait the added latency.
async fn arrive(counts: &Counts, in_flight: &InFlight, op: String) {
    counts.add(op.clone());
    if let Ok(mut q) = in_flight.lock() {
        q.push_back((op, Instant::now()));
    }
    let latency = counts.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
}

/// Passes the server's answers back and logs each one's end against the oldest request
/// in flight (HTTP/1.1 answers in order). An answer whose end cannot be told (no length,
/// not chunked) ends the logging of this connection; the bytes still flow.
async fn relay_answers(
    mut from_server: tokio::net::tcp::OwnedReadHalf,
    counts: Counts,
    in_flight: InFlight,
    mut to_client: tokio::net::tcp::OwnedWriteHalf,
) {
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut framed = true;
    loop {
        let n = match from_server.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        if to_client.write_all(&chunk[..n]).await.is_err() {
            break;
        }
        if !framed {
            continue;
        }
        buf.extend_from_slice(&chunk[..n]);
        loop {
            match answer_len(&buf) {
                Framing::Partial => break,
                Framing::Unframed => {
                    framed = false;
                    buf.clear();
                    break;
                }
                Framing::Complete(len) => {
                    buf.drain(..len);
                    let oldest = in_flight.lock().ok().and_then(|mut q| q.pop_front());
                    if let Some((op, start)) = oldest {
                        let end = Instant::now();
                        counts.log(Exchange { op, start, end });
                    }
                }
            }
        }
    }
    let _ = to_client.shutdown().await;
}

enum Framing {
    Complete(usize),
    Partial,
    Unframed,
}

/// How long the answer at the start of `buf` is, if it is all there.
fn answer_len(buf: &[u8]) -> Framing {
    let Some(head_end) = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4) else {
        return Framing::Partial;
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let header = |name: &str| {
        head.split("\r\n")
            .filter_map(|l| l.split_once(':'))
            .find(|(n, _)| n.trim() == name)
            .map(|(_, v)| v.trim().to_string())
    };
    if let Some(len) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        return if buf.len() >= head_end + len {
            Framing::Complete(head_end + len)
        } else {
            Framing::Partial
        };
    }
    if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        return chunked_len(buf, head_end).map_or(Framing::Partial, Framing::Complete);
    }
    let status = head.split(' ').nth(1).unwrap_or_default();
    if status.starts_with('1') || status == "204" || status == "304" {
        Framing::Complete(head_end)
    } else {
        Framing::Unframed
    }
}

/// The end of a chunked body starting at `at`, if the last chunk has arrived.
fn chunked_len(buf: &[u8], mut at: usize) -> Option<usize> {
    loop {
        let line_end = at + buf.get(at..)?.windows(2).position(|w| w == b"\r\n")?;
        let size_text = String::from_utf8_lossy(&buf[at..line_end]);
        let size_hex = size_text.split(';').next().unwrap_or_default().trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        at = line_end + 2;
        if size == 0 {
            // Trailers (none expected), then the empty line.
            let rest = buf.get(at..)?;
            let end = rest.windows(2).position(|w| w == b"\r\n")?;
            return Some(at + end + 2);
        }
        at += size + 2;
        if at > buf.len() {
            return None;
        }
    }
}

enum Parsed {
    Complete { len: usize, op: String },
    Unframed { op: String },
}

/// A complete request at the start of `buf`: its length and `service:Operation`.
fn parse_request(buf: &[u8]) -> Option<Parsed> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buf[..head_end]);
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut length = None;
    let mut target = None;
    let mut service = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match name.trim().to_ascii_lowercase().as_str() {
            "content-length" => length = value.parse::<usize>().ok(),
            "x-amz-target" => target = value.rsplit('.').next().map(str::to_string),
            "authorization" => {
                // Credential=KEY/DATE/REGION/SERVICE/aws4_request
                service = value
                    .split("Credential=")
                    .nth(1)
                    .and_then(|c| c.split('/').nth(3))
                    .map(str::to_string);
            }
            _ => {}
        }
    }
    let service = service.unwrap_or_else(|| "unsigned".into());
    let from_query = |text: &str| {
        text.split(['&', '?', ' '])
            .find_map(|kv| kv.strip_prefix("Action="))
            .map(str::to_string)
    };
    let Some(length) = length else {
        let op = target
            .or_else(|| from_query(request_line))
            .unwrap_or_else(|| "?".into());
        return Some(Parsed::Unframed {
            op: format!("{service}:{op}"),
        });
    };
    if buf.len() < head_end + length {
        return None;
    }
    let body = String::from_utf8_lossy(&buf[head_end..head_end + length]);
    let op = target
        .or_else(|| from_query(&body))
        .or_else(|| from_query(request_line))
        .unwrap_or_else(|| "?".into());
    Some(Parsed::Complete {
        len: head_end + length,
        op: format!("{service}:{op}"),
    })
}
