//! End to end against moto through the real binary: a config that is there but cannot be
//! read stops the run before anything is sent (it may hold `read_only = true`), two
//! `[fleet]` entries into one account share the strictest marks, and `[fleet] regions =
//! ["all"]` with no region configured reads every enabled region as `--region all` does.
//! What AWS still holds is read back with the SDK.

use crate::harness::stderr_at_exit;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Output;

use crate::emulator::{
    block_on, ecsnap, ecsnap_anywhere, json_of, json_rows, sdk_config_in, start_emulator,
    stderr_of, text, volume_ids,
};

const OTHER_ACCOUNT: &str = "111122223333";

fn create_volumes(ec2: &aws_sdk_ec2::Client, az: &str, n: usize) -> BTreeSet<String> {
    (0..n)
        .map(|_| {
            let out = block_on(ec2.create_volume().availability_zone(az).size(1).send())
                .expect("create volume");
            out.volume_id().expect("a volume id").to_string()
        })
        .collect()
}

fn cleanup(endpoint: &str, home: &Path, extra: &[&str]) -> Output {
    ecsnap(endpoint, home)
        .args(extra)
        .args(["cleanup", "--volumes", "--yes"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("ecsnap runs")
}

/// The reproduction: `read_only = true` in a config that is a dangling symbolic
/// link (and every other kind of unreadable config) made `cleanup --volumes --yes` delete
/// everything. Now each one stops the run with exit 1 naming the path, and every volume
/// is still there. The readable config refuses with exit 5, as before.
#[test]
fn an_unreadable_config_deletes_nothing() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config_in(&endpoint, "us-east-1", None));
    let created = create_volumes(&ec2, "us-east-1a", 3);
    let home = tempfile::tempdir().expect("home");
    let dir = home.path().join("config/ecsnap");
    std::fs::create_dir_all(&dir).expect("config dir");
    let default = dir.join("config.toml");
    let stash = home.path().join("stash");
    std::fs::create_dir_all(&stash).expect("stash dir");
    let readable = stash.join("read-only.toml");
    std::fs::write(&readable, "[profiles.default]\nread_only = true\n").expect("config");

    // The default path as a dangling link to where the config used to be.
    std::os::unix::fs::symlink(stash.join("moved-away.toml"), &default).expect("link");
    let out = cleanup(&endpoint, home.path(), &[]);
    let stderr = stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "config file {}: is a symbolic link to",
            default.display()
        )) && stderr.contains("dangling link"),
        "{stderr}"
    );
    std::fs::remove_file(&default).expect("unlink");

    // A directory, a FIFO (must not hang), an oversize file, /dev/zero.
    std::fs::create_dir(&default).expect("a directory");
    let out = cleanup(&endpoint, home.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    assert!(stderr_of(&out).contains("is a directory, not a regular file"));
    std::fs::remove_dir(&default).expect("rmdir");

    let fifo = stash.join("fifo.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let big = stash.join("big.toml");
    std::fs::File::create(&big)
        .and_then(|f| f.set_len(2 * 1024 * 1024))
        .expect("big file");
    for (path, needle) in [
        (fifo.as_path(), "is a FIFO (named pipe), not a regular file"),
        (big.as_path(), "over the 1048576 bytes"),
        (Path::new("/dev/zero"), "is a device, not a regular file"),
    ] {
        let out = cleanup(
            &endpoint,
            home.path(),
            &["--config", path.to_str().expect("utf-8")],
        );
        let stderr = stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{}: {stderr}", path.display());
        assert!(
            stderr.contains(&format!("config file {}: ", path.display()))
                && stderr.contains(needle),
            "{stderr}"
        );
    }

    assert_eq!(volume_ids(&ec2), created, "no volume may be deleted");
    // Nothing ran: no audit log was even opened.
    crate::emulator::assert_no_audit_log(home.path());

    // The control: the same config readable, its mark refuses.
    let out = cleanup(
        &endpoint,
        home.path(),
        &["--config", readable.to_str().expect("utf-8")],
    );
    assert_eq!(out.status.code(), Some(5), "{}", stderr_of(&out));
    assert_eq!(volume_ids(&ec2), created, "no volume may be deleted");
}

/// Two roles into one account, the second read-only: the account is read-only for both
/// entries, said once on stderr naming both entries and the account, and the cleanup
/// refuses (exit 5) without deleting anything there.
#[test]
fn two_fleet_entries_into_one_account_take_the_strictest_marks() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let role = |name: &str| format!("arn:aws:iam::{OTHER_ACCOUNT}:role/{name}");
    let ec2 = aws_sdk_ec2::Client::new(&sdk_config_in(
        &endpoint,
        "us-east-1",
        Some(&role("ecsnap-admin")),
    ));
    let created = create_volumes(&ec2, "us-east-1a", 2);
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("fleet.toml");
    std::fs::write(
        &config,
        format!(
            "[fleet]\nregions = [\"us-east-1\"]\naccounts = [\n  \
             {{ name = \"ops-admin\", role_arn = \"{}\" }},\n  \
             {{ name = \"ops-audit\", role_arn = \"{}\", read_only = true }},\n]\n",
            role("ecsnap-admin"),
            role("ecsnap-audit")
        ),
    )
    .expect("config");
    let stderr = stderr_at_exit(
        ecsnap_anywhere(&endpoint, home.path())
            .args(["--config", config.to_str().expect("utf-8")])
            .args(["cleanup", "--volumes", "--yes"])
            .stdin(std::process::Stdio::null()),
        5,
    );
    let notes: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("reach the same account"))
        .collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(
        notes[0].contains("`ops-admin` and `ops-audit`")
            && notes[0].contains(OTHER_ACCOUNT)
            && notes[0].contains("read-only"),
        "{stderr}"
    );
    assert_eq!(volume_ids(&ec2), created, "no volume may be deleted");
}

/// `[fleet] regions = ["all"]` with no region anywhere (no AWS_REGION, no profile) and
/// the keys in the environment: the role is assumed and the regions listed in us-east-1,
/// as `--region all` does — not "no AWS credentials found".
#[test]
fn fleet_regions_all_without_a_region_reads_every_region() {
    let emulator = start_emulator();
    let endpoint = emulator.endpoint();
    let role = format!("arn:aws:iam::{OTHER_ACCOUNT}:role/ecsnap-read");
    let east = create_volumes(
        &aws_sdk_ec2::Client::new(&sdk_config_in(&endpoint, "us-east-1", Some(&role))),
        "us-east-1a",
        1,
    );
    let west = create_volumes(
        &aws_sdk_ec2::Client::new(&sdk_config_in(&endpoint, "eu-west-1", Some(&role))),
        "eu-west-1a",
        1,
    );
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("fleet.toml");
    std::fs::write(
        &config,
        format!("[fleet]\nregions = [\"all\"]\naccounts = [{{ name = \"other\", role_arn = \"{role}\" }}]\n"),
    )
    .expect("config");
    let json = json_of(
        ecsnap_anywhere(&endpoint, home.path())
            .env_remove("AWS_REGION")
            .args([
                "--config",
                config.to_str().expect("utf-8"),
                "orphans",
                "--json",
            ]),
    );
    let placed: BTreeSet<(String, String, String)> = json_rows(&json["volumes"], |v| {
        (
            text(v, "account_id"),
            text(v, "region"),
            text(v, "volume_id"),
        )
    });
    let want: BTreeSet<(String, String, String)> = east
        .into_iter()
        .map(|v| (OTHER_ACCOUNT.to_string(), "us-east-1".to_string(), v))
        .chain(
            west.into_iter()
                .map(|v| (OTHER_ACCOUNT.to_string(), "eu-west-1".to_string(), v)),
        )
        .collect();
    assert_eq!(placed, want, "{json}");
    assert_eq!(json["failures"].as_array().map(Vec::len), Some(0), "{json}");
    assert!(
        json["totals_by_place"].as_array().map_or(0, Vec::len) > 2,
        "every enabled region is a place"
    );
}
