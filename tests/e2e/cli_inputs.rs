//! The real binary given bad input: malformed flags are usage errors (exit 2) that name the
//! flag and give an example, never a panic; profile trouble says what is wrong with which
//! profile in which file. No emulator: every case is refused before a request is sent (the
//! endpoint is a closed loopback port), with a private HOME and AWS files.

use crate::asserts::{assert_has, assert_lacks};
use crate::harness::{home_file, stderr_at_exit};
use std::path::Path;
use std::process::{Command, Output};

/// The binary with a private HOME, AWS files under it and keys in the environment.
fn bare(home: &Path) -> Command {
    let mut cmd = crate::emulator::isolated_ecsnap(home);
    cmd.env("AWS_CONFIG_FILE", home.join("aws-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("aws-credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(std::process::Stdio::null());
    cmd
}

fn run(home: &Path, args: &[&str]) -> Output {
    bare(home).args(args).output().expect("ecsnap runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const CLOSED: &str = "http://127.0.0.1:1";

#[test]
#[expect(clippy::too_many_lines, reason = "one table of cases")]
fn malformed_flags_are_usage_errors_naming_the_flag() {
    let home = tempfile::tempdir().expect("home");
    let cases: &[(&[&str], &[&str])] = &[
        (
            &["--endpoint-url", "", "services"],
            &[
                "--endpoint-url is empty",
                "e.g. --endpoint-url http://127.0.0.1:5000",
            ],
        ),
        (
            &["--endpoint-url", "localhost:5000", "services"],
            &["has no scheme"],
        ),
        (
            &["--endpoint-url", "ftp://x", "services"],
            &["not http or https"],
        ),
        (
            &["--endpoint-url", "http://", "services"],
            &["has no valid host"],
        ),
        (
            &["--region", "", "services"],
            &["--region is empty", "e.g. --region us-east-1"],
        ),
        (
            &["--region", "US-EAST-1", "services"],
            &["region names are lower case; did you mean us-east-1?"],
        ),
        (
            &["--region", "us-eats-1", "services"],
            &["\"us-eats-1\" is not a known AWS region; did you mean us-east-1?"],
        ),
        (
            &["orphans", "--min-age", "ten"],
            &[
                "--min-age expects a whole number of days",
                "e.g. --min-age 30",
            ],
        ),
        (
            &["cleanup", "--volumes", "--dry-run", "--min-age=-3"],
            &["--min-age expects a whole number of days from 0 to 36500"],
        ),
        (
            &["orphans", "--unattached-days", "1e3"],
            &["--unattached-days expects a whole number of days"],
        ),
        (
            &[
                "wait",
                "--cluster",
                "c",
                "--service",
                "s",
                "--interval",
                "0",
            ],
            &["--interval must be at least 1s", "e.g. --interval 5s"],
        ),
        (
            &[
                "redeploy",
                "--cluster",
                "c",
                "--service",
                "s",
                "--interval",
                "0s",
            ],
            &["--interval must be at least 1s"],
        ),
        (
            &[
                "logs",
                "--cluster",
                "c",
                "--service",
                "s",
                "--since",
                "10000000000000s",
            ],
            &["--since must be at most 3650d", "e.g. --since 1h"],
        ),
        (
            &[
                "logs",
                "--cluster",
                "c",
                "--service",
                "s",
                "--since",
                "yesterday",
            ],
            &["--since expects a duration"],
        ),
        (
            &[
                "wait",
                "--cluster",
                "c",
                "--service",
                "s",
                "--timeout",
                "30d",
            ],
            &["--timeout must be at most 7d"],
        ),
        (
            &[
                "diff",
                "--cluster",
                "c",
                "--service",
                "s",
                "--to-revision",
                "zero",
            ],
            &[
                "--to-revision expects a revision number",
                "e.g. --to-revision 7",
            ],
        ),
        (
            &["scale", "--cluster", "c", "--service", "s", "--desired=-1"],
            &["--desired expects a whole number of tasks"],
        ),
        (
            &[
                "port-forward",
                "--cluster",
                "c",
                "--task",
                "t",
                "--remote-port",
                "70000",
            ],
            &["--remote-port expects a port number from 1 to 65535"],
        ),
    ];
    for (args, needles) in cases {
        let mut cmd = bare(home.path());
        if !args.contains(&"--endpoint-url") {
            cmd.args(["--endpoint-url", CLOSED]);
        }
        let out = cmd.args(*args).output().expect("ecsnap runs");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        for needle in *needles {
            assert!(
                err.contains(needle),
                "{args:?} should say {needle:?}: {err}"
            );
        }
    }
}

#[test]
fn an_empty_or_malformed_aws_endpoint_url_is_a_usage_error() {
    let home = tempfile::tempdir().expect("home");
    for (value, needle) in [
        ("", "AWS_ENDPOINT_URL=\"\": is empty"),
        ("localhost:4566", "has no scheme"),
    ] {
        let out = bare(home.path())
            .env("AWS_ENDPOINT_URL", value)
            .args(["--region", "us-east-1", "services"])
            .output()
            .expect("ecsnap runs");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{value:?}: {err}");
        assert_lacks(&err, "panicked");
        assert!(err.contains(needle), "{value:?}: {err}");
    }
}

#[test]
fn well_formed_regions_and_lists_still_parse() {
    let home = tempfile::tempdir().expect("home");
    // These get past the flags and fail later (no credentials): not exit 2.
    for region in ["us-east-1", "eu-west-1,us-east-1", "all", "xx-newregion-9"] {
        let out = run(
            home.path(),
            &["--endpoint-url", CLOSED, "--region", region, "orphans"],
        );
        assert_ne!(out.status.code(), Some(2), "{region}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
    }
}

#[test]
fn an_unknown_profile_names_the_files_and_the_profiles_there() {
    let home = tempfile::tempdir().expect("home");
    let config = home_file(
        home.path(),
        "aws-config",
        "[profile prod]\nregion = eu-west-1\n[profile dev]\nregion = us-east-1\n",
    );
    let credentials = home_file(
        home.path(),
        "aws-credentials",
        "[ci]\naws_access_key_id = x\naws_secret_access_key = y\n",
    );
    let err = stderr_at_exit(
        bare(home.path()).args(["--endpoint-url", CLOSED, "--profile", "nope", "services"]),
        1,
    );
    assert!(
        err.contains(&format!(
            "the profile `nope` is not in {} or {} (the profiles there: ci, dev, prod)",
            config.display(),
            credentials.display()
        )),
        "{err}"
    );
    assert!(!err.contains("Pass --profile (or set"), "{err}");
    // A near miss gets a "did you mean".
    let out = run(
        home.path(),
        &["--endpoint-url", CLOSED, "--profile", "prdo", "orphans"],
    );
    assert!(
        stderr(&out).contains("Did you mean `prod`?"),
        "{}",
        stderr(&out)
    );
    // Over several profiles, the missing one fails in its own row, naming the file.
    let err = stderr_at_exit(
        bare(home.path()).args([
            "--endpoint-url",
            CLOSED,
            "--profile",
            "nope,absent",
            "--region",
            "us-east-1",
            "orphans",
        ]),
        1,
    );
    assert!(
        err.contains("account nope: config file") && err.contains("the profile `nope` is not in"),
        "{err}"
    );
}

#[test]
fn a_syntax_error_in_the_aws_config_names_the_file_and_line() {
    let home = tempfile::tempdir().expect("home");
    let config = home_file(
        home.path(),
        "aws-config",
        "[default]\nregion = us-east-1\n[profile other\nregion = eu-west-1\n",
    );
    let err = stderr_at_exit(
        bare(home.path())
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .args(["--endpoint-url", CLOSED, "services"]),
        1,
    );
    assert_has(&err, &format!("config file {}:", config.display()));
    assert_has(&err, "on line 3");
    assert_lacks(&err, "no AWS region is set");
}
