//! The counting proxy: forwards bytes both ways, tallies each request by operation
//! (`service:Operation`, the service from the request signature's credential scope),
//! delays each request by the configured latency before forwarding it (a network round
//! trip: requests on different connections wait side by side, and every request on a
//! kept-alive connection waits again), and logs when each request arrived and when its
//! answer had been passed back, for the critical path. Each request goes to the server of
//! the region it is signed for (one moto per region, as AWS serves each region apart).
//!
//! An assumed role's keys are known only to the server that answered its AssumeRole (STS
//! is global on AWS, per server on moto), and moto takes a request's account from its
//! keys: the proxy remembers each AssumeRole answer's keys and account, and tells every
//! other server the account of a request signed with them (`x-moto-account-id`, a header
//! outside the signature that moto reads first).
//!
//! Replay (the organisation bench): every answer of 200 the emulator gave is recorded under
//! its request (who signed it — the account of an assumed role's keys, else the keys —, the
//! region, the request line and body); with replay on, a request recorded before is
//! answered from the recording after the added latency, without the emulator. Real AWS
//! serves each account in each region apart, so a place's answer does not wait on the
//! other places' work; one moto process per region on a 2-core machine makes every place's
//! calls queue for the same cores, and a run then measures moto's CPU instead of the
//! client (issue 29). Requests not recorded still go to the emulator, and are counted.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
    /// The place of an assumed role's request: `ACCOUNT REGION`, or `ACCOUNT *` for the
    /// AssumeRole itself (it serves every region of the account); `None` otherwise.
    pub place: Option<String>,
}

/// What the proxy counts and logs, and the latency it adds; shared with the driver.
#[derive(Clone, Default)]
pub struct Counts {
    calls: Arc<Mutex<BTreeMap<String, u64>>>,
    exchanges: Arc<Mutex<Vec<Exchange>>>,
    latency_ms: Arc<AtomicU64>,
    /// Recorded answers, by request (`replay_key`).
    recorded: Arc<Mutex<HashMap<String, Arc<Vec<u8>>>>>,
    /// Recorded requests are answered from the recording.
    replay: Arc<AtomicBool>,
    /// Requests that reached the emulator since the last `take`.
    forwarded: Arc<AtomicU64>,
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

    /// The calls counted since the last `take`, by operation; clears the log and the
    /// count of forwarded requests too.
    pub fn take(&self) -> BTreeMap<String, u64> {
        self.take_exchanges();
        self.take_forwarded();
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

    /// Requests that reached the emulator (not answered from the recording) since the
    /// last `take`.
    pub fn take_forwarded(&self) -> u64 {
        self.forwarded.swap(0, Ordering::Relaxed)
    }

    /// From now on, answer every recorded request from the recording.
    pub fn set_replay(&self, on: bool) {
        self.replay.store(on, Ordering::Relaxed);
    }

    fn replayed(&self, key: &str) -> Option<Arc<Vec<u8>>> {
        if !self.replay.load(Ordering::Relaxed) {
            return None;
        }
        self.recorded.lock().ok()?.get(key).cloned()
    }

    fn record(&self, key: String, answer: &[u8]) {
        if answer.starts_with(b"HTTP/1.1 200")
            && let Ok(mut r) = self.recorded.lock()
        {
            r.entry(key).or_insert_with(|| Arc::new(answer.to_vec()));
        }
    }

    /// Every request from now on waits this long before it is forwarded.
    pub fn set_latency_ms(&self, ms: u64) {
        self.latency_ms.store(ms, Ordering::Relaxed);
    }

    fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms.load(Ordering::Relaxed))
    }
}

/// Where each region's requests go: the region named in a request's signature (its
/// credential scope), else the first region's server.
#[derive(Debug, Clone)]
pub struct Upstreams {
    /// `(region, server)`, the first one the default.
    pub regions: Vec<(String, SocketAddr)>,
}

impl Upstreams {
    fn for_region(&self, region: Option<&str>) -> SocketAddr {
        region
            .and_then(|r| self.regions.iter().find(|(name, _)| name == r))
            .or(self.regions.first())
            .map(|(_, addr)| *addr)
            .expect("at least one upstream server")
    }
}

/// Assumed roles' access keys and their accounts, from the AssumeRole answers seen.
type RoleKeys = Arc<Mutex<HashMap<String, String>>>;

pub async fn serve_proxy(listener: tokio::net::TcpListener, upstreams: Upstreams, counts: Counts) {
    let upstreams = Arc::new(upstreams);
    let keys = RoleKeys::default();
    while let Ok((client, _)) = listener.accept().await {
        let counts = counts.clone();
        let upstreams = upstreams.clone();
        let keys = keys.clone();
        tokio::spawn(async move {
            let _ = relay(client, &upstreams, counts, &keys).await;
        });
    }
}

/// The text between `<tag>` and `</tag>`, first occurrence.
fn xml_text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{tag}>"))?;
    Some(&xml[start..end])
}

/// Remembers the keys and account an AssumeRole answer gives; the account.
fn remember_role(keys: &RoleKeys, answer: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(answer);
    let key = xml_text(&text, "AccessKeyId");
    let account = xml_text(&text, "AssumedRoleUser")
        .and_then(|u| xml_text(u, "Arn"))
        .and_then(|arn| arn.split(':').nth(4));
    if let (Some(key), Some(account), Ok(mut map)) = (key, account, keys.lock()) {
        map.insert(key.to_string(), account.to_string());
    }
    account.map(str::to_string)
}

/// The request with `x-moto-account-id` added when its keys are an assumed role's.
fn with_account(request: &[u8], key: Option<&str>, keys: &RoleKeys) -> Vec<u8> {
    let account = key.and_then(|k| keys.lock().ok()?.get(k).cloned());
    let (Some(account), Some(line_end)) = (account, request.windows(2).position(|w| w == b"\r\n"))
    else {
        return request.to_vec();
    };
    let mut out = Vec::with_capacity(request.len() + 40);
    out.extend_from_slice(&request[..line_end + 2]);
    out.extend_from_slice(format!("x-moto-account-id: {account}\r\n").as_bytes());
    out.extend_from_slice(&request[line_end + 2..]);
    out
}

/// One client connection. Clients send a request and wait for its answer before the next
/// (no pipelining), so each request is forwarded whole to its region's server — a
/// connection of its own per server, opened on first use and kept — and its answer passed
/// back before the next request is read. A request without a length (chunked), or an
/// answer whose end cannot be told, turns the rest of the connection into a plain relay to
/// that server (still counted, no longer logged).
async fn relay(
    mut client: tokio::net::TcpStream,
    upstreams: &Upstreams,
    counts: Counts,
    keys: &RoleKeys,
) -> std::io::Result<()> {
    client.set_nodelay(true)?;
    let mut servers: HashMap<SocketAddr, tokio::net::TcpStream> = HashMap::new();
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let Some(parsed) = parse_request(&pending) else {
            let n = client.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            pending.extend_from_slice(&chunk[..n]);
            continue;
        };
        let (len, op, region, key) = match parsed {
            Parsed::Complete {
                len,
                op,
                region,
                key,
            } => (Some(len), op, region, key),
            Parsed::Unframed { op, region } => (None, op, region, None),
        };
        let addr = upstreams.for_region(region.as_deref());
        let account = key
            .as_deref()
            .and_then(|k| keys.lock().ok()?.get(k).cloned());
        let replay_key = len.map(|len| {
            replay_key(
                &pending[..len],
                &op,
                account.as_deref().or(key.as_deref()),
                region.as_deref(),
            )
        });
        let mut place = account.map(|a| format!("{a} {}", region.as_deref().unwrap_or("?")));
        let assume = op == "sts:AssumeRole";
        let start = arrive(&counts, op.clone()).await;
        if let (Some(len), Some(answer)) =
            (len, replay_key.as_deref().and_then(|k| counts.replayed(k)))
        {
            pending.drain(..len);
            client.write_all(&answer).await?;
            if assume {
                place = remember_role(keys, &answer).map(|a| format!("{a} *"));
            }
            counts.log(Exchange {
                op,
                start,
                end: Instant::now(),
                place,
            });
            continue;
        }
        counts.forwarded.fetch_add(1, Ordering::Relaxed);
        let server = match servers.entry(addr) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let s = tokio::net::TcpStream::connect(addr).await?;
                s.set_nodelay(true)?;
                e.insert(s)
            }
        };
        let Some(len) = len else {
            server.write_all(&pending).await?;
            tokio::io::copy_bidirectional(&mut client, server).await?;
            return Ok(());
        };
        server
            .write_all(&with_account(&pending[..len], key.as_deref(), keys))
            .await?;
        pending.drain(..len);
        // An AssumeRole answer is held until read whole and its keys remembered, so the
        // client cannot use them before the proxy knows their account.
        let (answer, bytes) = pass_answer(server, &mut client, &mut chunk, assume).await?;
        if assume {
            place = remember_role(keys, &bytes).map(|a| format!("{a} *"));
        }
        if answer == Answer::Unframed {
            tokio::io::copy_bidirectional(&mut client, server).await?;
            return Ok(());
        }
        if let Some(k) = replay_key {
            counts.record(k, &bytes);
        }
        counts.log(Exchange {
            op,
            start,
            end: Instant::now(),
            place,
        });
        if answer == Answer::Close {
            // The server closes after this answer: so does the client's connection, as it
            // would without the proxy.
            let _ = client.shutdown().await;
            return Ok(());
        }
    }
}

/// What a request is recorded under: its operation (ECS and ECR name it in a header, not
/// the body), who signed it, the region it is signed for, its request line and its body (the headers carry the signature and its time, different
/// every run).
fn replay_key(request: &[u8], op: &str, signer: Option<&str>, region: Option<&str>) -> String {
    let line_end = request.windows(2).position(|w| w == b"\r\n").unwrap_or(0);
    let body = request
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(&[][..], |p| &request[p + 4..]);
    format!(
        "{op} {} {} {}\n{}",
        signer.unwrap_or("-"),
        region.unwrap_or("-"),
        String::from_utf8_lossy(&request[..line_end]),
        String::from_utf8_lossy(body)
    )
}

/// A whole request has arrived: count it, wait the added latency; when it arrived.
async fn arrive(counts: &Counts, op: String) -> Instant {
    let start = Instant::now();
    counts.add(op);
    let latency = counts.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    start
}

#[derive(Debug, PartialEq, Eq)]
enum Answer {
    /// Passed back whole; the connection stays open.
    KeepAlive,
    /// Passed back whole, with `Connection: close`.
    Close,
    /// Its end cannot be told (no length, not chunked); the bytes so far passed back.
    Unframed,
}

/// Passes one answer back as its bytes arrive (`hold`: once whole); returns its bytes.
async fn pass_answer(
    server: &mut tokio::net::TcpStream,
    client: &mut tokio::net::TcpStream,
    chunk: &mut [u8],
    hold: bool,
) -> std::io::Result<(Answer, Vec<u8>)> {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        let n = server.read(chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if !hold {
            client.write_all(&chunk[..n]).await?;
        }
        buf.extend_from_slice(&chunk[..n]);
        let framing = answer_len(&buf);
        if hold && !matches!(framing, Framing::Partial) {
            client.write_all(&buf).await?;
        }
        match framing {
            Framing::Partial => {}
            Framing::Unframed => return Ok((Answer::Unframed, buf)),
            Framing::Complete(len) => {
                let answer = &buf[..len];
                let head_end = answer
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .unwrap_or(0);
                let head = String::from_utf8_lossy(&answer[..head_end]).to_ascii_lowercase();
                let close = head.split("\r\n").any(|l| {
                    l.split_once(':')
                        .is_some_and(|(n, v)| n.trim() == "connection" && v.contains("close"))
                });
                let answer = if close {
                    Answer::Close
                } else {
                    Answer::KeepAlive
                };
                return Ok((answer, buf));
            }
        }
    }
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
    Complete {
        len: usize,
        op: String,
        region: Option<String>,
        /// The access key the request is signed with.
        key: Option<String>,
    },
    Unframed {
        op: String,
        region: Option<String>,
    },
}

/// A complete request at the start of `buf`: its length, `service:Operation` and the
/// region it is signed for.
fn parse_request(buf: &[u8]) -> Option<Parsed> {
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buf[..head_end]);
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut length = None;
    let mut target = None;
    let mut service = None;
    let mut region = None;
    let mut key = None;
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
                let scope: Vec<&str> = value
                    .split("Credential=")
                    .nth(1)
                    .map(|c| {
                        c.split([',', ' '])
                            .next()
                            .unwrap_or_default()
                            .split('/')
                            .collect()
                    })
                    .unwrap_or_default();
                key = scope.first().map(ToString::to_string);
                region = scope.get(2).map(ToString::to_string);
                service = scope.get(3).map(ToString::to_string);
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
            region,
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
        region,
        key,
    })
}
