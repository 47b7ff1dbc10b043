//! End to end: the binary with no credentials anywhere says so, and how to provide them —
//! never "cannot reach AWS". Nothing leaves the machine: the endpoint is a closed loopback
//! port, IMDS is disabled or pointed at a loopback stand-in, and the environment is cleared.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

/// The binary with an empty HOME, empty AWS config and credentials files, no AWS env vars.
fn bare_ecsnap(home: &Path) -> Command {
    let config = home.join("aws-config");
    let credentials = home.join("aws-credentials");
    std::fs::write(&config, "").expect("empty config");
    std::fs::write(&credentials, "").expect("empty credentials");
    let mut cmd = crate::emulator::isolated_ecsnap(home);
    cmd.env("AWS_CONFIG_FILE", &config)
        .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
        .args([
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:1",
        ])
        .stdin(std::process::Stdio::null());
    cmd
}

fn assert_says_no_credentials(cmd: impl Fn() -> Command) {
    for args in [
        &["services"][..],
        &["orphans"],
        &["cleanup", "--volumes", "--dry-run"],
    ] {
        let out = cmd().args(args).output().expect("ecsnap runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("no AWS credentials found"),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("cannot reach"), "{args:?}: {stderr}");
        for how in [
            "--profile",
            "aws sso login",
            "aws configure",
            "AWS_ACCESS_KEY_ID",
        ] {
            assert!(stderr.contains(how), "{args:?} names {how}: {stderr}");
        }
    }
}

#[test]
fn no_credentials_with_imds_disabled_says_so() {
    let home = tempfile::tempdir().expect("tempdir");
    assert_says_no_credentials(|| {
        let mut cmd = bare_ecsnap(home.path());
        cmd.env("AWS_EC2_METADATA_DISABLED", "true");
        cmd
    });
}

/// IMDS switched off on the instance answers 403 to the token request: the SDK's text is
/// "IMDS is disabled or the caller has insufficient permissions", which was reported as
/// "cannot reach AWS". A loopback stand-in answers 403 to everything.
#[test]
fn no_credentials_with_imds_refusing_says_so() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(
                b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
    });
    let home = tempfile::tempdir().expect("tempdir");
    assert_says_no_credentials(|| {
        let mut cmd = bare_ecsnap(home.path());
        cmd.env(
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
            format!("http://127.0.0.1:{port}"),
        );
        cmd
    });
}
