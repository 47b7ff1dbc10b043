//! Broken environments and bugs, through the real binary where it matters (issue 22, items
//! 2, 7 and 8): a panic restores the terminal, is logged with its backtrace and exits 101;
//! SIGTERM / SIGHUP / SIGQUIT close the console like `q` with exit 130; a silent endpoint
//! is given up in time, naming the operation and the endpoint; an HTML, empty or
//! unreadable answer is named by its HTTP status with a hint; `report` counts the places
//! that failed and keeps a place's other answers when one read fails.
//!
//! The local servers here (one that never answers, one that answers like a proxy, one that
//! forwards to moto but fails DescribeVolumes) listen on 127.0.0.1 only.

use crate::asserts::{assert_has, assert_lacks};
use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::answers::{no_other_ec2, no_repositories};
use crate::instant_sleep::{InstantSleep, instant_client, with_nothing_else};
use crate::proxy::{forward, read_request};
use crate::tmux::{SCREEN, Tmux, require_tmux};
use aws_sdk_ecs::config::http::HttpResponse;
use aws_sdk_ecs::operation::list_clusters::ListClustersOutput;
use aws_smithy_mocks::{Rule, mock};
use ecsnap::aws::{AwsClients, CallContext, Ec2Adapter, EcrAdapter, EcsAdapter};

/// Generous: the process must end, not be fast (the timeouts under test are 1–3 s).
const WATCHDOG: Duration = Duration::from_secs(90);

// ---------------------------------------------------------------------------------------
// aws-smithy-mocks: the classification of answers that are not AWS's.

const ENDPOINT: &str = "https://proxy.example.internal";

fn ctx() -> CallContext {
    CallContext {
        region: "eu-west-1".into(),
        endpoint: Some(ENDPOINT.into()),
        profile: None,
    }
}

fn clients(ecs: &[&Rule], ecr: &[&Rule], ec2: &[&Rule]) -> AwsClients {
    let sleep = InstantSleep::default();
    let adapters = (
        EcsAdapter::new(
            instant_client!(aws_sdk_ecs, sleep, ecs.iter().copied()),
            ctx(),
        ),
        EcrAdapter::new(
            instant_client!(aws_sdk_ecr, sleep, ecr.iter().copied()),
            ctx(),
        ),
        Ec2Adapter::new(
            instant_client!(aws_sdk_ec2, sleep, ec2.iter().copied()),
            ctx(),
        ),
    );
    with_nothing_else(adapters, &ctx())
}

fn answer(status: u16, body: &'static str) -> HttpResponse {
    HttpResponse::new(status.try_into().expect("a status code"), body.into())
}

const PORTAL: &str = "<!DOCTYPE html>\n<html><head><title>Sign in to the guest Wi-Fi</title>\
                      </head><body>Please accept the terms</body></html>";

#[tokio::test]
async fn answers_that_are_not_aws_are_named_by_status_with_a_hint() {
    struct Case {
        status: u16,
        body: &'static str,
        says: &'static str,
    }
    let cases = [
        Case {
            status: 503,
            body: PORTAL,
            says: "HTTP 503 with an HTML page",
        },
        Case {
            status: 403,
            body: "<html><body>Forbidden by policy</body></html>",
            says: "HTTP 403 with an HTML page",
        },
        Case {
            status: 500,
            body: "",
            says: "HTTP 500 with an empty answer",
        },
        Case {
            status: 502,
            body: "Bad Gateway",
            says: "HTTP 502 with an answer that is not AWS's",
        },
    ];
    for case in cases {
        // ECS (JSON protocol) and EC2 (XML protocol) answered the same way.
        let (status, body) = (case.status, case.body);
        let ecs_rule = mock!(aws_sdk_ecs::Client::list_clusters)
            .then_http_response(move || answer(status, body));
        let ec2_rule = mock!(aws_sdk_ec2::Client::describe_volumes)
            .then_http_response(move || answer(status, body));
        let aws = clients(&[&ecs_rule], &[], &[&ec2_rule]);
        let ecs_err = aws
            .ecs
            .list_clusters()
            .await
            .expect_err("not an AWS answer");
        let ec2_err = aws
            .ec2
            .describe_volumes()
            .await
            .expect_err("not an AWS answer");
        for (err, action) in [
            (ecs_err.to_string(), "ecs:ListClusters"),
            (ec2_err.to_string(), "ec2:DescribeVolumes"),
        ] {
            assert!(err.contains(action), "{action}: {err}");
            assert!(err.contains(case.says), "{}: {err}", case.says);
            assert_has(&err, ENDPOINT);
            assert_has(&err, "eu-west-1");
            assert_has(&err, "proxy or captive portal");
            assert_has(&err, "HTTPS_PROXY");
            // The page itself is never repeated.
            assert!(
                !err.contains("guest Wi-Fi") && !err.contains("Forbidden by policy"),
                "{err}"
            );
            assert_lacks(&err, "unexpected token");
        }
    }
}

#[tokio::test]
async fn a_real_aws_error_keeps_its_code_and_message() {
    let rule = mock!(aws_sdk_ecs::Client::list_clusters).then_http_response(|| {
        answer(
            400,
            r#"{"__type":"InvalidParameterException","message":"bad cluster"}"#,
        )
    });
    let aws = clients(&[&rule], &[], &[]);
    let err = aws
        .ecs
        .list_clusters()
        .await
        .expect_err("an error")
        .to_string();
    assert!(
        err.contains("InvalidParameterException") && err.contains("bad cluster"),
        "{err}"
    );
    assert_lacks(&err, "captive portal");
}

/// One cluster with one service, no tasks: enough for the ECS part of an inventory.
fn ecs_with_one_service() -> Vec<Rule> {
    let cluster = "arn:aws:ecs:eu-west-1:111122223333:cluster/payments";
    vec![
        mock!(aws_sdk_ecs::Client::list_clusters)
            .then_output(move || ListClustersOutput::builder().cluster_arns(cluster).build()),
        mock!(aws_sdk_ecs::Client::list_services).then_output(|| {
            aws_sdk_ecs::operation::list_services::ListServicesOutput::builder()
                .service_arns("arn:aws:ecs:eu-west-1:111122223333:service/payments/ledger")
                .build()
        }),
        mock!(aws_sdk_ecs::Client::describe_services).then_output(move || {
            aws_sdk_ecs::operation::describe_services::DescribeServicesOutput::builder()
                .services(
                    aws_sdk_ecs::types::Service::builder()
                        .service_arn("arn:aws:ecs:eu-west-1:111122223333:service/payments/ledger")
                        .service_name("ledger")
                        .cluster_arn(cluster)
                        .status("ACTIVE")
                        .build(),
                )
                .build()
        }),
        mock!(aws_sdk_ecs::Client::list_tasks)
            .then_output(|| aws_sdk_ecs::operation::list_tasks::ListTasksOutput::builder().build()),
    ]
}

#[tokio::test]
async fn a_place_whose_volumes_cannot_be_read_keeps_its_services() {
    let ecs = ecs_with_one_service();
    let repositories = no_repositories();
    let volumes =
        mock!(aws_sdk_ec2::Client::describe_volumes).then_http_response(|| answer(503, PORTAL));
    let [snapshots, amis, templates] = no_other_ec2();
    let ecs_rules: Vec<&Rule> = ecs.iter().collect();
    let aws = clients(
        &ecs_rules,
        &[&repositories],
        &[&volumes, &snapshots, &amis, &templates],
    );
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("time");
    let settings = ecsnap::config::Settings::default();
    let parts =
        ecsnap::load::load_inventory_parts(&aws, &settings, now, Some("111122223333".into())).await;
    let names: Vec<&str> = parts
        .inventory
        .services
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["ledger"], "the services stay");
    assert_eq!(parts.failed.len(), 1, "{:?}", parts.failed);
    let failed = parts.failed[0].to_string();
    assert!(
        failed.contains("ec2:DescribeVolumes") && failed.contains("HTTP 503"),
        "{failed}"
    );
    // The all-or-nothing loader (the console's) still fails with that read.
    let err = ecsnap::load::load_inventory_of(&aws, &settings, now, Some("111122223333".into()))
        .await
        .expect_err("a read failed");
    assert!(err.to_string().contains("ec2:DescribeVolumes"), "{err}");
}

// ---------------------------------------------------------------------------------------
// Local servers and the real binary.

/// A private HOME with a config that gives up quickly.
fn home_with_quick_timeouts() -> tempfile::TempDir {
    let home = tempfile::tempdir().expect("temp home");
    let config = home.path().join("config/ecsnap");
    std::fs::create_dir_all(&config).expect("config dir");
    std::fs::write(
        config.join("config.toml"),
        "[network]\nconnect_timeout_secs = 1\nread_timeout_secs = 1\noperation_timeout_secs = 3\n",
    )
    .expect("config written");
    home
}

/// A private HOME with no config (the default timeouts: a 503 is retried to the end).
fn plain_home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp home")
}

/// Waits for the child with a watchdog; kills it and fails the test if it hangs.
fn finish(mut child: Child, what: &str) -> Output {
    let deadline = Instant::now() + WATCHDOG;
    loop {
        match child.try_wait().expect("child status") {
            Some(_) => return child.wait_with_output().expect("output"),
            None if Instant::now() > deadline => {
                let _ = child.kill();
                let out = child.wait_with_output().expect("output");
                panic!(
                    "{what} still running after {WATCHDOG:?}; stderr: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

fn run(endpoint: &str, home: &Path, args: &[&str]) -> Output {
    let child = crate::emulator::ecsnap(endpoint, home)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ecsnap starts");
    finish(child, &args.join(" "))
}

/// A server that accepts every connection and never says a word.
fn silent_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    format!("http://127.0.0.1:{port}")
}

/// A server that answers every request with `status` and `body` (a proxy or a portal).
fn answering_server(
    status: &'static str,
    content_type: &'static str,
    body: &'static str,
) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                while read_request(&mut stream).is_some() {
                    let reply = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    if stream.write_all(reply.as_bytes()).is_err() {
                        break;
                    }
                }
            });
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[test]
fn a_silent_endpoint_is_given_up_naming_the_operation_and_the_endpoint() {
    let endpoint = silent_server();
    let home = home_with_quick_timeouts();
    for command in ["services", "orphans"] {
        let out = run(&endpoint, home.path(), &[command]);
        let err = crate::emulator::stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{command}: {err}");
        assert!(err.contains(&endpoint), "{command}: {err}");
        assert!(err.contains("no answer within"), "{command}: {err}");
        assert!(err.contains("us-east-1"), "{command}: {err}");
        let action = regex_like_action(&err);
        assert!(action.is_some(), "{command}: no operation named: {err}");
    }
}

/// The first `service:Operation` in a text (`ecs:ListClusters`, `ec2:DescribeVolumes`).
fn regex_like_action(text: &str) -> Option<&str> {
    text.split(|c: char| c.is_whitespace() || c == '`')
        .map(|w| w.trim_end_matches([':', ',', '.']))
        .find(|w| {
            w.split_once(':').is_some_and(|(svc, op)| {
                ["ecs", "ec2", "ecr", "sts", "logs"].contains(&svc)
                    && op.starts_with(|c: char| c.is_ascii_uppercase())
                    && op.chars().all(|c| c.is_ascii_alphanumeric())
            })
        })
}

#[test]
fn a_proxy_page_or_an_empty_answer_is_named_with_a_hint() {
    let home = plain_home();
    let cases = [
        (
            answering_server("503 Service Unavailable", "text/html", PORTAL),
            "HTTP 503 with an HTML page",
        ),
        (
            answering_server("500 Internal Server Error", "application/json", ""),
            "HTTP 500 with an empty answer",
        ),
    ];
    for (endpoint, says) in cases {
        let out = run(&endpoint, home.path(), &["services"]);
        let err = crate::emulator::stderr_of(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(says), "{says}: {err}");
        assert_has(&err, "ecs:ListClusters");
        assert_has(&err, &endpoint);
        assert_has(&err, "proxy or captive portal");
        assert_lacks(&err, "guest Wi-Fi");
    }
}

#[test]
fn a_report_over_one_failing_place_says_so_and_fails() {
    // Nothing listens on port 1: the place cannot be read at all. (A port bound and let go
    // is not closed for long: another test's server can be given it meanwhile.)
    let endpoint = "http://127.0.0.1:1".to_string();
    let home = plain_home();
    let out = run(&endpoint, home.path(), &["report"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let err = crate::emulator::stderr_of(&out);
    assert_eq!(out.status.code(), Some(1), "{text}\n{err}");
    assert_has(&text, "1 place(s) not read");
    assert_has(&text, "Not read");
    assert_has(&err, &endpoint);
    let out = run(&endpoint, home.path(), &["report", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        crate::emulator::stderr_of(&out)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["places_not_read"], 1, "{json}");
    assert_eq!(json["reads_failed"], 0, "{json}");
}

/// Forwards to `upstream` (one request per connection) but answers DescribeVolumes with a
/// captive portal's page: one bad EC2 answer in an otherwise healthy place.
fn proxy_failing_describe_volumes(upstream: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let upstream = upstream.trim_start_matches("http://").to_string();
    std::thread::spawn(move || {
        for mut client in listener.incoming().flatten() {
            let upstream = upstream.clone();
            std::thread::spawn(move || {
                while let Some(request) = read_request(&mut client) {
                    let text = String::from_utf8_lossy(&request);
                    let reply = if text.contains("Action=DescribeVolumes") {
                        format!(
                            "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/html\r\n\
                             content-length: {}\r\n\r\n{PORTAL}",
                            PORTAL.len()
                        )
                        .into_bytes()
                    } else {
                        match forward(&upstream, &request) {
                            Some(r) => r,
                            None => break,
                        }
                    };
                    if client.write_all(&reply).is_err() {
                        break;
                    }
                }
            });
        }
    });
    format!("http://127.0.0.1:{port}")
}

#[test]
fn a_report_keeps_the_services_of_a_place_whose_volumes_failed() {
    let (emulator, fleet) = crate::emulator::seeded_emulator();
    let endpoint = proxy_failing_describe_volumes(&emulator.endpoint());
    let home = plain_home();
    let out = run(&endpoint, home.path(), &["report"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let err = crate::emulator::stderr_of(&out);
    // The place answered (its services are there): not a failed run.
    assert_eq!(out.status.code(), Some(0), "{text}\n{err}");
    let (cluster, service) = &fleet.not_steady[0];
    assert!(
        text.contains(cluster.as_str()) && text.contains(service.as_str()),
        "the services stay in the report:\n{text}"
    );
    assert_has(&text, "1 read(s) failed");
    let not_read = text
        .split("\nNot read\n")
        .nth(1)
        .unwrap_or_default()
        .split("\nServices")
        .next()
        .unwrap_or_default();
    assert!(
        not_read.contains("ec2:DescribeVolumes") && not_read.contains("HTTP 503"),
        "the failed read is named:\n{text}"
    );
    assert_has(&err, "ec2:DescribeVolumes");
}

// ---------------------------------------------------------------------------------------
// The console in tmux: panics and signals.

/// The console against a closed port (it opens without AWS; the panes show errors), with
/// `env` before it; prints the exit code and the terminal mode after it.
fn console_line(home: &Path, env: &str) -> String {
    let h = home.display();
    format!(
        "env HOME={h} XDG_CONFIG_HOME={h}/config XDG_STATE_HOME={h}/state XDG_DATA_HOME={h}/data \
         AWS_CONFIG_FILE={h}/aws-config AWS_SHARED_CREDENTIALS_FILE={h}/aws-credentials \
         AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true \
         TERM=xterm-256color {env} {bin} --region us-east-1 --endpoint-url http://127.0.0.1:9; \
         echo ECSNAP-EXITED-$?; stty -a | tr ' ' '\\n' | grep -x -- '-*icanon'; sleep 60",
        bin = env!("CARGO_BIN_EXE_ecsnap"),
    )
}

fn assert_terminal_restored(tmux: &Tmux, screen: &str) {
    assert!(
        !tmux.alternate_screen_on(),
        "still on the alternate screen:\n{screen}"
    );
    let screen = tmux.wait("stty output", SCREEN, |s| s.contains("icanon"));
    assert!(
        screen.lines().any(|l| l.trim() == "icanon"),
        "terminal left in raw mode:\n{screen}"
    );
    assert!(
        !screen.contains("Services ("),
        "the console left on the shell's screen:\n{screen}"
    );
}

#[test]
fn a_panic_restores_the_terminal_logs_the_backtrace_and_exits_101() {
    require_tmux("the panic test");
    for (place, needle) in [("worker", "worker task"), ("ui", "console's task")] {
        let home = tempfile::tempdir().expect("temp home");
        let tmux = Tmux::start(
            &console_line(home.path(), &format!("ECSNAP_TEST_PANIC={place}")),
            120,
            30,
        );
        let screen = tmux.wait_for("ECSNAP-EXITED-", Duration::from_mins(1));
        assert!(screen.contains("ECSNAP-EXITED-101"), "{place}:\n{screen}");
        let log = home.path().join("state/ecsnap/ecsnap.log");
        assert!(
            screen
                .replace('\n', "")
                .contains(&log.display().to_string()),
            "{place}: the one line names the log:\n{screen}"
        );
        assert!(
            !screen.contains("stack backtrace"),
            "{place}: no backtrace on screen:\n{screen}"
        );
        assert_terminal_restored(&tmux, &screen);
        let logged = std::fs::read_to_string(&log).expect("the log file");
        assert_has(&logged, &format!("ECSNAP_TEST_PANIC={place}"));
        assert_has(&logged, needle);
        assert_has(&logged, "backtrace:");
        assert!(
            logged.contains("src/tui/mod.rs"),
            "the place of the panic: {logged}"
        );
    }
}

/// The pid of the `ecsnap` process the pane's shell started.
fn console_pid(tmux: &Tmux) -> u32 {
    let out = tmux.run(&["display-message", "-p", "-t", "console", "#{pane_pid}"]);
    let shell: u32 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .expect("pane pid");
    // The shell may `exec` a single command; else the console is its child.
    let deadline = Instant::now() + SCREEN;
    loop {
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // pid (comm) state ppid …
            let Some((head, rest)) = stat.rsplit_once(") ") else {
                continue;
            };
            let ppid: Option<u32> = rest.split(' ').nth(1).and_then(|p| p.parse().ok());
            if head.ends_with("(ecsnap")
                && ppid == Some(shell)
                && let Ok(pid) = entry.file_name().to_string_lossy().parse()
            {
                return pid;
            }
        }
        assert!(
            Instant::now() < deadline,
            "no ecsnap process under the pane's shell {shell}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn termination_signals_close_the_console_like_q() {
    require_tmux("the signal test");
    for signal in ["TERM", "HUP", "QUIT"] {
        let home = tempfile::tempdir().expect("temp home");
        let tmux = Tmux::start(&console_line(home.path(), ""), 120, 30);
        tmux.wait("the console", Duration::from_mins(1), |s| {
            s.contains("Services")
        });
        assert!(
            tmux.alternate_screen_on(),
            "the console is on the alternate screen"
        );
        let pid = console_pid(&tmux);
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -{signal} {pid}");
        let screen = tmux.wait_for("ECSNAP-EXITED-", SCREEN);
        assert!(
            screen.contains("ECSNAP-EXITED-130"),
            "SIG{signal}:\n{screen}"
        );
        assert!(
            screen.contains(&format!("SIG{signal} received")),
            "SIG{signal}:\n{screen}"
        );
        assert_terminal_restored(&tmux, &screen);
    }
}
