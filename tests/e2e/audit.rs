//! End to end against moto through the real binary: two `cleanup --volumes --yes` at once
//! on one fleet take turns (a lock per account and region) — both exit 0, every volume is
//! gone and has exactly one DeleteVolume intent, every audit line is one JSON object —
//! and `ecsnap audit --since 1d --json` lists those deletes; a delete whose answer a proxy
//! drops (after forwarding it) is reported and audited as done, confirmed by a re-read.

use crate::harness::{Fresh, output_at_exit, stderr_at_exit};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::emulator::{block_on, ecsnap, start_emulator, stderr_of, volume_ids};
use ecsnap::demo::fleet::emulator_config;

fn create_volumes(ec2: &aws_sdk_ec2::Client, n: usize) -> BTreeSet<String> {
    (0..n)
        .map(|_| {
            block_on(
                ec2.create_volume()
                    .availability_zone("us-east-1a")
                    .size(1)
                    .send(),
            )
            .expect("create volume")
            .volume_id()
            .unwrap_or_default()
            .to_string()
        })
        .collect()
}

/// Every line of the audit log, each parsed as one JSON object (panics otherwise).
fn audit_objects(log: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(log).expect("audit log");
    assert!(text.ends_with('\n'), "the log ends with a whole line");
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l)
                .unwrap_or_else(|e| panic!("not one JSON object ({e}): {l}"));
            assert!(v.is_object(), "{l}");
            v
        })
        .collect()
}

#[test]
fn two_cleanups_at_once_take_turns_and_the_audit_command_reads_them_back() {
    let t = Fresh::start();
    let ec2 = &t.aws.ec2;
    let created = create_volumes(ec2, 30);
    assert_eq!(created.len(), 30);
    let log = t.home.path().join("state/ecsnap/audit.log");

    let spawn = || {
        t.ecsnap()
            .args(["--json", "cleanup", "--volumes", "--yes"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ecsnap starts")
    };
    let (first, second) = (spawn(), spawn());
    let outs = [
        first.wait_with_output().expect("first ends"),
        second.wait_with_output().expect("second ends"),
    ];
    for out in &outs {
        assert_eq!(out.status.code(), Some(0), "{}", stderr_of(out));
    }
    // Every planned volume is gone, read back through the SDK.
    let remaining = volume_ids(ec2);
    assert!(
        created.is_disjoint(&remaining),
        "left: {:?}",
        created.intersection(&remaining).collect::<Vec<_>>()
    );
    // Between them the two runs deleted each volume once.
    let reports: Vec<serde_json::Value> = outs
        .iter()
        .map(|o| serde_json::from_slice(&o.stdout).expect("JSON report"))
        .collect();
    let done: usize = reports
        .iter()
        .map(|r| r["summary"]["done"].as_u64().unwrap_or_default() as usize)
        .sum();
    assert_eq!(done, 30, "{reports:?}");
    let failed: u64 = reports
        .iter()
        .map(|r| r["summary"]["failed"].as_u64().unwrap_or_default())
        .sum();
    assert_eq!(failed, 0);

    // One DeleteVolume intent per volume, every line one JSON object.
    let lines = audit_objects(&log);
    let mut intents: BTreeMap<String, usize> = BTreeMap::new();
    for l in &lines {
        if l["phase"] == "intent" && l["action"] == "ec2:DeleteVolume" {
            for id in l["resource_ids"].as_array().expect("ids") {
                *intents
                    .entry(id.as_str().unwrap_or_default().into())
                    .or_default() += 1;
            }
        }
    }
    assert_eq!(intents.keys().cloned().collect::<BTreeSet<_>>(), created);
    assert!(intents.values().all(|n| *n == 1), "{intents:?}");
    audit_command_reads_back(&t.endpoint, t.home.path(), &log, &created);
}

/// `ecsnap audit` reads the deletes back, with ids and outcomes.
fn audit_command_reads_back(
    endpoint: &str,
    home: &std::path::Path,
    log: &std::path::Path,
    created: &BTreeSet<String>,
) {
    let out = output_at_exit(
        ecsnap(endpoint, home).args([
            "--json",
            "audit",
            "--since",
            "1d",
            "--action",
            "DeleteVolume",
        ]),
        0,
    );
    assert!(
        stderr_of(&out).contains(&log.display().to_string()),
        "the path is named: {}",
        stderr_of(&out)
    );
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("JSON rows");
    let listed: BTreeSet<String> = rows
        .iter()
        .filter(|r| r["outcome"] == "ok" && r["action"] == "ec2:DeleteVolume")
        .flat_map(|r| {
            r["resource_ids"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
        })
        .collect();
    assert_eq!(&listed, created);
    assert_eq!(rows.len(), 30, "one row per delete: {rows:?}");
    assert!(rows.iter().all(|r| r["region"] == "us-east-1"));

    // The text table shows the same rows; an action filter that matches nothing, none.
    let text = ecsnap(endpoint, home)
        .args(["audit", "--since", "1d"])
        .output()
        .expect("audit runs");
    let table = String::from_utf8_lossy(&text.stdout);
    let first_id = created.iter().next().expect("an id");
    assert!(
        table.starts_with("TIME") && table.contains(first_id) && table.contains("ec2:DeleteVolume"),
        "{table}"
    );
    let none = ecsnap(endpoint, home)
        .args(["--json", "audit", "--action", "ecs:UpdateService"])
        .output()
        .expect("audit runs");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&none.stdout).expect("JSON");
    assert!(rows.is_empty());
}

/// Reads one HTTP/1.1 request (headers and a Content-Length body).
fn read_request(client: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let header_end = loop {
        let n = client.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < header_end + length {
        let n = client.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(buf)
}

/// `Connection: close` in place of whatever the request said, so the upstream answer
/// ends at EOF.
fn closing(request: &[u8]) -> Vec<u8> {
    let end = request
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(request.len());
    let head = String::from_utf8_lossy(&request[..end]);
    let mut out: Vec<u8> = head
        .split("\r\n")
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .collect::<Vec<_>>()
        .join("\r\n")
        .into_bytes();
    out.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
    out.extend_from_slice(&request[(end + 4).min(request.len())..]);
    out
}

/// A proxy on 127.0.0.1 in front of `upstream`: one request per connection, forwarded;
/// the first real (not DryRun) DeleteVolume is forwarded and then its client connection
/// is closed without the answer. Returns its address and the count of dropped answers.
fn lossy_proxy(upstream: String) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let dropped = Arc::new(AtomicUsize::new(0));
    let counter = dropped.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(mut client) = client else { continue };
            let upstream = upstream.clone();
            let counter = counter.clone();
            std::thread::spawn(move || {
                let Some(request) = read_request(&mut client) else {
                    return;
                };
                let text = String::from_utf8_lossy(&request);
                let delete = text.contains("Action=DeleteVolume") && !text.contains("DryRun=true");
                let Ok(mut up) = TcpStream::connect(&upstream) else {
                    return;
                };
                if up.write_all(&closing(&request)).is_err() {
                    return;
                }
                let mut answer = Vec::new();
                let _ = up.read_to_end(&mut answer);
                if delete
                    && counter
                        .compare_exchange(0, 1, Ordering::SeqCst, Ordering::SeqCst)
                        .is_ok()
                {
                    // Forwarded and done by moto; the answer is lost on the way back.
                    let _ = client.shutdown(std::net::Shutdown::Both);
                    return;
                }
                let _ = client.write_all(&answer);
            });
        }
    });
    (format!("http://{addr}"), dropped)
}

#[test]
fn a_delete_whose_answer_is_lost_is_reported_done_confirmed_by_a_re_read() {
    let t = Fresh::start();
    let ec2 = &t.aws.ec2;
    let created = create_volumes(ec2, 1);
    let volume = created.iter().next().expect("a volume").clone();
    let upstream = t
        .endpoint
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let (proxy, dropped) = lossy_proxy(upstream);

    let out = ecsnap(&proxy, t.home.path())
        .args(["--json", "cleanup", "--volumes", "--yes"])
        .output()
        .expect("ecsnap runs");
    let stderr = stderr_of(&out);
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "the proxy dropped an answer"
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let result = &report["results"][0];
    assert_eq!(result["id"], volume.as_str(), "{report}");
    assert_eq!(result["status"], "done", "{report}");
    assert!(
        result["detail"]
            .as_str()
            .is_some_and(|d| d.starts_with("done (confirmed after a lost answer")),
        "{report}"
    );
    assert!(volume_ids(ec2).is_empty(), "AWS no longer has the volume");

    let lines = audit_objects(&t.home.path().join("state/ecsnap/audit.log"));
    let results: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|l| l["phase"] == "result" && l["action"] == "ec2:DeleteVolume")
        .collect();
    assert_eq!(results.len(), 1, "{lines:?}");
    assert_eq!(results[0]["result"], "ok");
    assert!(
        results[0]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("confirmed after a lost answer")),
        "{lines:?}"
    );
}

#[test]
fn a_held_lock_makes_cleanup_refuse_with_no_wait_or_wait_for_it_saying_for_whom() {
    use ecsnap::ops::lock::{LockKey, WhenHeld, acquire_blocking};
    use std::io::BufRead;

    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let conf = block_on(emulator_config(&endpoint));
    let ec2 = aws_sdk_ec2::Client::new(&conf);
    let account = block_on(aws_sdk_sts::Client::new(&conf).get_caller_identity().send())
        .expect("identity")
        .account()
        .unwrap_or_default()
        .to_string();
    let created = create_volumes(&ec2, 3);
    let home = tempfile::tempdir().expect("tempdir");
    // This test holds the lock of the emulator's account in us-east-1, as a first run would.
    let held = acquire_blocking(
        &home.path().join("state/ecsnap/locks"),
        &LockKey::new(Some(&account), None, "us-east-1"),
        WhenHeld::Refuse,
        &mut |_, _| {},
    )
    .expect("lock");

    // --no-wait: refused, naming the holder; nothing deleted.
    let stderr = stderr_at_exit(
        ecsnap(&endpoint, home.path()).args(["cleanup", "--volumes", "--yes", "--no-wait"]),
        5,
    );
    assert!(
        stderr.contains("another cleanup is running")
            && stderr.contains(&format!("pid {}", std::process::id())),
        "{stderr}"
    );
    assert_eq!(volume_ids(&ec2), created);

    // Without it: one line saying for whom it waits, then it runs once the lock is free.
    let mut child = ecsnap(&endpoint, home.path())
        .args(["cleanup", "--volumes", "--yes"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ecsnap starts");
    let mut lines = std::io::BufReader::new(child.stderr.take().expect("stderr")).lines();
    let waiting = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("waiting for another cleanup"))
        .expect("a waiting line");
    assert!(
        waiting.contains(&format!("{account} · us-east-1"))
            && waiting.contains(&format!("pid {}", std::process::id())),
        "{waiting}"
    );
    // Still waiting: nothing was deleted while the lock is held.
    assert_eq!(volume_ids(&ec2), created);
    drop(held);
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().expect("ends");
    assert_eq!(status.code(), Some(0), "{rest:?}");
    assert!(created.is_disjoint(&volume_ids(&ec2)));
}

#[cfg(unix)]
#[test]
fn the_state_dir_is_narrowed_and_unreadable_audit_lines_are_counted() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("tempdir");
    let state = home.path().join("state/ecsnap");
    std::fs::create_dir_all(&state).expect("state dir");
    std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let whole = r#"{"time":"2026-12-05T10:00:00.000Z","identity_arn":"arn:aws:iam::123456789012:user/oncall","account":"123456789012","profile":null,"region":"us-east-1","action":"ec2:DeleteVolume","resource_ids":["vol-1"],"result":"pending","error":null,"detail":null,"phase":"intent","op":"7-1"}"#;
    std::fs::write(
        state.join("audit.log"),
        format!("{whole}\nnot json at all\n{{\"time\":\"2026-12-05T1"),
    )
    .expect("seed");
    // `audit` needs no AWS: the endpoint is never asked.
    let out = crate::emulator::ecsnap_anywhere("http://127.0.0.1:9", home.path())
        .args(["audit"])
        .env("ECSNAP_NOW", "2026-12-06T00:00:00Z")
        .output()
        .expect("ecsnap runs");
    let stderr = stderr_of(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("2 line(s) could not be read"),
        "the bad line and the half line are counted: {stderr}"
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("vol-1") && table.contains("no outcome recorded (interrupted?)"),
        "{table}"
    );
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&state), 0o700, "the state dir is private");
    assert_eq!(mode(&state.join("ecsnap.log")), 0o600, "the log is private");
}
