//! The counting proxy: forwards bytes both ways, tallies each request by operation
//! (`service:Operation`, the service from the request signature's credential scope).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

#[derive(Clone, Default)]
pub struct Counts(Arc<Mutex<BTreeMap<String, u64>>>);

impl Counts {
    fn add(&self, op: String) {
        if let Ok(mut m) = self.0.lock() {
            *m.entry(op).or_default() += 1;
        }
    }

    pub fn take(&self) -> BTreeMap<String, u64> {
        self.0
            .lock()
            .map(|mut m| std::mem::take(&mut *m))
            .unwrap_or_default()
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

async fn relay(
    client: tokio::net::TcpStream,
    upstream: SocketAddr,
    counts: Counts,
) -> std::io::Result<()> {
    let server = tokio::net::TcpStream::connect(upstream).await?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let back = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
    });
    let mut pending: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut passthrough = false;
    loop {
        if !passthrough {
            while let Some(parsed) = parse_request(&pending) {
                match parsed {
                    Parsed::Complete { len, op } => {
                        counts.add(op);
                        to_server.write_all(&pending[..len]).await?;
                        pending.drain(..len);
                    }
                    Parsed::Unframed { op } => {
                        // No Content-Length (chunked): count it, then stop parsing.
                        counts.add(op);
                        passthrough = true;
                        break;
                    }
                }
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
