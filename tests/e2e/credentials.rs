//! End to end: the binary with no credentials anywhere says so, and how to provide them —
//! never "cannot reach AWS". Nothing leaves the machine: the endpoint is a closed loopback
//! port, IMDS is disabled or pointed at a loopback stand-in, and the environment is cleared.

use crate::asserts::{assert_has_all, assert_lacks};
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

/// A temporary HOME whose AWS config has an SSO profile (`oncall`, session `corp`), an
/// `aws login` profile (`console`) and nothing else; the SSO token cache as given.
fn signed_in_home(sso_expires_at: Option<&str>) -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("tempdir");
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(aws.join("sso/cache")).expect("mkdir");
    std::fs::write(
        aws.join("config"),
        "[profile oncall]\nsso_session = corp\nsso_account_id = 111111111111\n\
         sso_role_name = OnCall\nregion = us-east-1\n\n[sso-session corp]\n\
         sso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\
         sso_registration_scopes = sso:account:access\n\n[profile console]\n\
         login_session = arn:aws:iam::111111111111:user/alice\nregion = us-east-1\n",
    )
    .expect("config");
    std::fs::write(aws.join("credentials"), "").expect("credentials");
    if let Some(at) = sso_expires_at {
        // The AWS CLI names the file after the SHA-1 of the session name.
        let name = sha1_hex("corp");
        std::fs::write(
            aws.join(format!("sso/cache/{name}.json")),
            format!(
                "{{\"startUrl\":\"https://corp.awsapps.com/start\",\"region\":\"us-east-1\",\
                 \"accessToken\":\"expired\",\"expiresAt\":\"{at}\"}}"
            ),
        )
        .expect("token");
    }
    home
}

/// SHA-1 as the `sha1sum` tool prints it.
fn sha1_hex(text: &str) -> String {
    let out = Command::new("sh")
        .args(["-c", &format!("printf %s '{text}' | sha1sum")])
        .output()
        .expect("sha1sum");
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .expect("a digest")
        .to_string()
}

fn ecsnap_in(home: &Path, profile: &str, args: &[&str]) -> std::process::Output {
    crate::emulator::isolated_ecsnap(home)
        .env("AWS_CONFIG_FILE", home.join(".aws/config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(["--profile", profile, "--endpoint-url", "http://127.0.0.1:1"])
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("ecsnap runs")
}

/// `services` on `profile` in a signed-in HOME (with an SSO token expired at
/// `sso_expires_at`, if any) fails with exit 1 saying each of `parts`; its stderr.
fn services_fail_on(profile: &str, sso_expires_at: Option<&str>, parts: &[&str]) -> String {
    let home = signed_in_home(sso_expires_at);
    let out = ecsnap_in(home.path(), profile, &["services"]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_has_all(&stderr, parts);
    stderr
}

#[test]
fn an_expired_sso_token_names_profile_session_expiry_and_the_command() {
    let stderr = services_fail_on(
        "oncall",
        Some("2026-01-01T03:00:00Z"),
        &[
            "profile `oncall`",
            "SSO session `corp` (https://corp.awsapps.com/start)",
            "its token expired at 2026-01-01 03:00 UTC",
            "Run `aws sso login --profile oncall`",
        ],
    );
    // --profile was passed: never asked for again.
    assert_lacks(&stderr, "Pass --profile");
}

#[test]
fn a_login_session_profile_says_aws_login() {
    let stderr = services_fail_on(
        "console",
        None,
        &[
            "profile `console`",
            "login_session arn:aws:iam::111111111111:user/alice",
            "not logged in on this machine",
            "Run `aws login --profile console`",
        ],
    );
    assert_lacks(&stderr, "Pass --profile");
}

#[test]
fn a_missing_profile_is_named_with_the_ones_there() {
    services_fail_on(
        "oncal",
        None,
        &[
            "the profile `oncal` is not in",
            "console, oncall",
            "Did you mean `oncall`?",
        ],
    );
}
