//! End to end: `ecsnap completions` loads into the shells that are installed (bash here;
//! zsh when present) and `ecsnap man` renders with `man -l`. No AWS, no config.

use std::process::Command;

/// `ecsnap ARGS` in an empty HOME; its stdout, asserting exit 0.
fn ecsnap_stdout(home: &std::path::Path, args: &[&str]) -> String {
    let out = crate::emulator::isolated_ecsnap(home)
        .args(args)
        .output()
        .expect("ecsnap runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn installed(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether `shell` is missing (the test is then skipped, saying so).
fn missing(shell: &str) -> bool {
    let missing = !installed(shell);
    if missing {
        eprintln!("skipped: {shell} is not installed");
    }
    missing
}

/// Writes `ecsnap completions SHELL`'s script at `path` (its folder made).
fn write_completion(home: &std::path::Path, shell: &str, path: &std::path::Path) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, ecsnap_stdout(home, &["completions", shell])).expect("write");
}

/// The stdout of a run that must succeed (its stderr shown when it did not).
fn stdout_of_success(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn bash_completion_loads_and_completes_subcommands_and_flags() {
    if missing("bash") {
        return;
    }
    let home = tempfile::tempdir().expect("tempdir");
    let script = home.path().join("ecsnap.bash");
    write_completion(home.path(), "bash", &script);
    // Load it, show the registration, then ask for the words after `ecsnap ser` and after
    // `ecsnap services --`, as bash's programmable completion would.
    let probe = format!(
        "source {s} && complete -p ecsnap && \
         COMP_WORDS=(ecsnap ser) COMP_CWORD=1 COMP_LINE='ecsnap ser' COMP_POINT=10 && \
         _ecsnap ecsnap ser ecsnap && echo \"WORDS1: ${{COMPREPLY[*]}}\" && \
         COMP_WORDS=(ecsnap services --reg) COMP_CWORD=2 && \
         _ecsnap ecsnap --reg services && echo \"WORDS2: ${{COMPREPLY[*]}}\"",
        s = script.display()
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &probe])
        .output()
        .expect("bash runs");
    let stdout = stdout_of_success(&out);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("complete ") && l.ends_with(" ecsnap")),
        "no `complete … ecsnap` registration: {stdout}"
    );
    assert!(stdout.contains("WORDS1: services"), "{stdout}");
    assert!(stdout.contains("WORDS2: --region"), "{stdout}");
}

#[test]
fn zsh_completion_loads_when_zsh_is_installed() {
    if missing("zsh") {
        return;
    }
    let home = tempfile::tempdir().expect("tempdir");
    let dir = home.path().join("zfunc");
    write_completion(home.path(), "zsh", &dir.join("_ecsnap"));
    let probe = format!(
        "fpath=({d} $fpath); autoload -Uz compinit; compinit -u -D; \
         autoload -Uz _ecsnap; print -r -- ${{_comps[ecsnap]}}",
        d = dir.display()
    );
    let out = Command::new("zsh")
        .args(["-f", "-c", &probe])
        .env("HOME", home.path())
        .output()
        .expect("zsh runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(stdout.trim(), "_ecsnap", "{stdout}");
}

#[test]
fn every_shell_gets_a_script_naming_ecsnap_and_its_commands() {
    let home = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = ecsnap_stdout(home.path(), &["completions", shell]);
        assert!(script.contains("ecsnap"), "{shell}");
        for word in ["services", "restore-snapshot", "--profile"] {
            assert!(script.contains(word), "{shell} completes {word}");
        }
    }
    // A shell clap does not know is a usage error (exit 2) listing the ones it does.
    let out = crate::emulator::isolated_ecsnap(home.path())
        .args(["completions", "tcsh"])
        .output()
        .expect("ecsnap runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bash") && stderr.contains("elvish"),
        "{stderr}"
    );
}

#[test]
fn completions_ignore_a_broken_config() {
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("config/ecsnap");
    std::fs::create_dir_all(&config).expect("mkdir");
    std::fs::write(config.join("config.toml"), "this is = = not toml").expect("write");
    let script = ecsnap_stdout(home.path(), &["completions", "bash"]);
    assert!(script.contains("complete -F _ecsnap"), "{script}");
}

#[test]
fn man_page_has_its_sections_and_renders_with_man() {
    let home = tempfile::tempdir().expect("tempdir");
    let roff = ecsnap_stdout(home.path(), &["man"]);
    for section in [
        ".TH ecsnap 1",
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH OPTIONS",
        ".SH SUBCOMMANDS",
    ] {
        assert!(roff.contains(section), "no {section} in:\n{roff}");
    }
    if !installed("man") {
        eprintln!("skipped the `man -l` half: man is not installed");
        return;
    }
    let page = home.path().join("ecsnap.1");
    std::fs::write(&page, &roff).expect("write");
    let out = Command::new("man")
        .arg("-l")
        .arg(&page)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANWIDTH", "80")
        .env("LANG", "C.UTF-8")
        .output()
        .expect("man runs");
    let text = stdout_of_success(&out);
    // What a reader sees: the headings and the commands, not roff requests.
    for seen in ["NAME", "SYNOPSIS", "ecsnap-services(1)", "--profile"] {
        assert!(text.contains(seen), "man shows {seen}:\n{text}");
    }
    assert!(!text.contains(".TH"), "{text}");
}

/// The names last listed, as a listing of a real account leaves them in HOME's cache.
fn listed_names(home: &std::path::Path) {
    let service = |cluster: &str, name: &str| ecsnap::model::Service {
        cluster: cluster.into(),
        name: name.into(),
        ..ecsnap::model::Service::default()
    };
    ecsnap::name_cache::record_in(
        &home.join("cache").join("ecsnap").join("names.json"),
        &[
            service("payments-prod", "checkout"),
            service("payments-prod", "ledger"),
            service("search-staging", "crawler"),
            // A name no ECS would allow: never offered to the shell.
            service("bad\u{1b}[31m", "x;rm"),
        ],
    );
}

#[test]
fn cluster_and_service_names_complete_from_the_names_last_listed() {
    if missing("bash") {
        return;
    }
    let home = tempfile::tempdir().expect("tempdir");
    listed_names(home.path());
    assert_eq!(
        ecsnap_stdout(
            home.path(),
            &["__names", "services", "--cluster", "payments-prod"]
        ),
        "checkout\nledger\n"
    );
    let script = home.path().join("ecsnap.bash");
    write_completion(home.path(), "bash", &script);
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_ecsnap"))
        .parent()
        .expect("the binary's folder")
        .to_path_buf();
    let probe = format!(
        "source {s} && \
         COMP_WORDS=(ecsnap rollback --cluster pay) COMP_CWORD=3 && \
         _ecsnap ecsnap pay --cluster && echo \"CLUSTERS: ${{COMPREPLY[*]}}\" && \
         COMP_WORDS=(ecsnap rollback --cluster payments-prod --service '') COMP_CWORD=5 && \
         _ecsnap ecsnap '' --service && echo \"SERVICES: ${{COMPREPLY[*]}}\" && \
         COMP_WORDS=(ecsnap ser) COMP_CWORD=1 && \
         _ecsnap ecsnap ser ecsnap && echo \"COMMANDS: ${{COMPREPLY[*]}}\" && \
         COMP_WORDS=(ecsnap __) COMP_CWORD=1 && \
         _ecsnap ecsnap __ ecsnap && echo \"HIDDEN: ${{COMPREPLY[*]}}\"",
        s = script.display()
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &probe])
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin_dir.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .output()
        .expect("bash runs");
    let stdout = stdout_of_success(&out);
    assert!(stdout.contains("CLUSTERS: payments-prod\n"), "{stdout}");
    assert!(
        stdout.contains("SERVICES: checkout crawler ledger\n"),
        "{stdout}"
    );
    assert!(stdout.contains("COMMANDS: services"), "{stdout}");
    assert!(
        stdout.contains("HIDDEN: \n"),
        "__names is not offered: {stdout}"
    );
}

#[test]
fn an_emulators_names_are_not_kept_for_completion() {
    let (emu, _) = crate::emulator::shared_fleet();
    let home = tempfile::tempdir().expect("tempdir");
    let out = crate::emulator::ecsnap(&emu.endpoint(), home.path())
        .args(["services", "--json"])
        .output()
        .expect("ecsnap runs");
    assert!(out.status.success());
    assert!(
        !home
            .path()
            .join("cache")
            .join("ecsnap")
            .join("names.json")
            .exists(),
        "the demo's names would be offered for real accounts"
    );
    assert_eq!(ecsnap_stdout(home.path(), &["__names", "clusters"]), "");
}
