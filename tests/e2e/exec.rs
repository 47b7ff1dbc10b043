//! End to end through the real binary: `ecsnap exec` and `ecsnap port-forward` against a
//! small stand-in for ECS, SSM and STS on 127.0.0.1 (moto answers ExecuteCommand and
//! StartSession with HTTP 500), with a recording `session-manager-plugin` on PATH. The
//! plugin's arguments (and environment) are compared with what the AWS CLI passes; the
//! requests the server received are checked too.

use crate::harness::{home_file, output_at_exit, stand_in_plugin, stderr_at_exit};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use crate::emulator::{ecsnap, stderr_of};

const TASK: &str = "5b2e4f0a9c8d4e1f8a7b6c5d4e3f2a1b";
/// A shell in [`TASK`].
const EXEC: [&str; 5] = ["exec", "--cluster", "prod", "--task", TASK];
/// A port forward to the database port of [`TASK`].
const PORT_FORWARD: [&str; 7] = [
    "port-forward",
    "--cluster",
    "prod",
    "--task",
    TASK,
    "--remote-port",
    "5432",
];
const RUNTIME: &str = "5b2e4f0a9c8d4e1f8a7b6c5d4e3f2a1b-2531612879";
const TOKEN: &str = "AAEAAb1KX2iE/token+value==";
const STREAM: &str = "wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/ecs-execute-command-0f1e?role=publish_subscribe";

/// (operation, request body) as the stand-in received them.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// The answer to `op`; `agent` is the ExecuteCommandAgent's lastStatus in DescribeTasks.
fn answer(op: &str, agent: &str) -> (&'static str, String) {
    let cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/prod";
    let task_arn = format!("arn:aws:ecs:us-east-1:123456789012:task/prod/{TASK}");
    let json = "application/x-amz-json-1.1";
    match op {
        "AmazonEC2ContainerServiceV20141113.ListClusters" => {
            (json, format!(r#"{{"clusterArns":["{cluster}"]}}"#))
        }
        "AmazonEC2ContainerServiceV20141113.DescribeTasks" => (
            json,
            format!(
                r#"{{"tasks":[{{"taskArn":"{task_arn}","clusterArn":"{cluster}","group":"service:api",
                "lastStatus":"RUNNING","desiredStatus":"RUNNING","enableExecuteCommand":true,
                "launchType":"FARGATE","platformVersion":"1.4.0",
                "containers":[{{"name":"app","runtimeId":"{RUNTIME}","lastStatus":"RUNNING",
                "managedAgents":[{{"name":"ExecuteCommandAgent","lastStatus":"{agent}"}}]}}]}}],"failures":[]}}"#
            ),
        ),
        "AmazonEC2ContainerServiceV20141113.DescribeServices" => (
            json,
            format!(
                r#"{{"services":[{{"serviceName":"api","clusterArn":"{cluster}","status":"ACTIVE",
                "desiredCount":1,"runningCount":1,"enableExecuteCommand":true}}],"failures":[]}}"#
            ),
        ),
        "AmazonEC2ContainerServiceV20141113.ExecuteCommand" => (
            json,
            format!(
                r#"{{"clusterArn":"{cluster}","taskArn":"{task_arn}","containerName":"app",
                "containerArn":"arn:aws:ecs:us-east-1:123456789012:container/prod/{TASK}/c0ffee",
                "interactive":true,"session":{{"sessionId":"ecs-execute-command-0f1e",
                "streamUrl":"{STREAM}","tokenValue":"{TOKEN}"}}}}"#
            ),
        ),
        "AmazonSSM.StartSession" => (
            json,
            format!(
                r#"{{"SessionId":"ana-0a1b2c3d4e5f","TokenValue":"{TOKEN}","StreamUrl":"{STREAM}"}}"#
            ),
        ),
        _ => (
            "text/xml",
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/ana</Arn>\
             <UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>\
             </GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId>\
             </ResponseMetadata></GetCallerIdentityResponse>"
                .to_string(),
        ),
    }
}

/// Serves one keep-alive connection: each request answered by its target header.
fn serve(stream: TcpStream, seen: &Seen, agent: &str) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut out = stream;
    loop {
        let mut headers: HashMap<String, String> = HashMap::new();
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
            }
        }
        let len: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let body = String::from_utf8_lossy(&body).into_owned();
        let op = headers
            .get("x-amz-target")
            .cloned()
            .unwrap_or_else(|| "sts".to_string());
        seen.lock().expect("lock").push((op.clone(), body));
        let (kind, text) = answer(&op, agent);
        let reply = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nx-amzn-RequestId: r1\r\nContent-Length: {}\r\n\r\n{text}",
            text.len()
        );
        if out.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn start_server() -> (String, Seen) {
    start_server_with("RUNNING")
}

/// The stand-in whose task's ExecuteCommandAgent is `agent`.
fn start_server_with(agent: &'static str) -> (String, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let endpoint = format!("http://{}", listener.local_addr().expect("addr"));
    let seen: Seen = Arc::default();
    let shared = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = shared.clone();
            std::thread::spawn(move || serve(stream, &seen, agent));
        }
    });
    (endpoint, seen)
}

/// A recording stand-in plugin in `dir/bin`: `--version` prints `version`; every other
/// call appends its arguments (one per line) and the response variable, NUL-terminated.
fn stand_in(dir: &Path, version: &str) -> (PathBuf, PathBuf) {
    stand_in_plugin(dir, "calls", |record| {
        format!(
            "#!/bin/sh\n\
             if [ \"$1\" = --version ]; then echo '{version}'; exit 0; fi\n\
             {{ for a in \"$@\"; do printf 'arg=%s\\n' \"$a\"; done; \
             printf 'env=%s\\n' \"${{AWS_SSM_START_SESSION_RESPONSE:-}}\"; printf '\\0'; }} >> '{}'\n",
            record.display()
        )
    })
}

fn calls(record: &Path) -> Vec<(Vec<String>, String)> {
    std::fs::read_to_string(record)
        .unwrap_or_default()
        .split('\0')
        .filter(|c| !c.trim().is_empty())
        .map(|c| {
            let mut args = Vec::new();
            let mut env = String::new();
            for l in c.lines() {
                if let Some(a) = l.strip_prefix("arg=") {
                    args.push(a.to_string());
                } else if let Some(e) = l.strip_prefix("env=") {
                    env = e.to_string();
                }
            }
            (args, env)
        })
        .collect()
}

fn path_with(bin: &Path) -> String {
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// `ecsnap` against `endpoint` with the stand-in plugin's folder `bin` first on PATH,
/// stdin closed.
fn with_plugin(endpoint: &str, home: &Path, bin: &Path) -> std::process::Command {
    let mut command = ecsnap(endpoint, home);
    command.env("PATH", path_with(bin)).stdin(Stdio::null());
    command
}

#[test]
fn exec_hands_the_session_to_the_plugin_on_path_as_the_aws_cli_does() {
    let (endpoint, seen) = start_server();
    let home = tempfile::tempdir().expect("tempdir");
    let (bin, record) = stand_in(home.path(), "1.2.707.0");
    output_at_exit(with_plugin(&endpoint, home.path(), &bin).args(EXEC), 0);
    let recorded = calls(&record);
    assert_eq!(
        recorded.len(),
        2,
        "the check, then the session: {recorded:?}"
    );
    assert!(recorded[0].0.is_empty(), "{:?}", recorded[0]);
    assert_eq!(
        recorded[1].0,
        vec![
            format!(
                r#"{{"sessionId": "ecs-execute-command-0f1e", "streamUrl": "{STREAM}", "tokenValue": "{TOKEN}"}}"#
            ),
            "us-east-1".to_string(),
            "StartSession".to_string(),
            String::new(),
            format!(r#"{{"Target": "ecs:prod_{TASK}_{RUNTIME}"}}"#),
            endpoint.clone(),
        ]
    );
    let seen = seen.lock().expect("lock").clone();
    let exec: Vec<&String> = seen
        .iter()
        .filter(|(op, _)| op.ends_with(".ExecuteCommand"))
        .map(|(_, b)| b)
        .collect();
    assert_eq!(exec.len(), 1, "{seen:?}");
    let body: serde_json::Value = serde_json::from_str(exec[0]).expect("JSON body");
    assert_eq!(body["cluster"], "prod");
    assert_eq!(body["task"], TASK);
    assert_eq!(body["container"], "app");
    assert_eq!(body["command"], "/bin/sh");
    assert_eq!(body["interactive"], true);
    let audit = ecsnap::ops::audit::read_entries(&home.path().join("state/ecsnap/audit.log"))
        .expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "ecs:ExecuteCommand" && e.phase == "result" && e.result == "ok"),
        "{audit:?}"
    );

    // Read-only: nothing reaches the server, the plugin never runs.
    let before = seen.len();
    output_at_exit(
        with_plugin(&endpoint, home.path(), &bin)
            .arg("--read-only")
            .args(EXEC),
        5,
    );
    assert_eq!(calls(&record).len(), 2, "the plugin did not run again");
    assert_eq!(before, seen.len());
}

#[test]
fn port_forward_starts_a_session_and_passes_it_like_aws_ssm_start_session() {
    let (endpoint, seen) = start_server();
    let home = tempfile::tempdir().expect("tempdir");
    let (bin, record) = stand_in(home.path(), "1.2.707.0");
    // A profile named on the command line is handed to the plugin; the SDK reads it.
    home_file(
        home.path(),
        "aws-config",
        "[profile ops]\nregion = us-east-1\n",
    );
    home_file(
        home.path(),
        "aws-credentials",
        "[ops]\naws_access_key_id = test\naws_secret_access_key = test\n",
    );
    output_at_exit(
        with_plugin(&endpoint, home.path(), &bin)
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                home.path().join("aws-credentials"),
            )
            .args(["--profile", "ops"])
            .args(PORT_FORWARD)
            .args(["--local-port", "15432", "--host", "db.internal"])
            .env("AWS_CONFIG_FILE", home.path().join("aws-config")),
        0,
    );
    let recorded = calls(&record);
    assert_eq!(
        recorded.len(),
        2,
        "the check (before any request), then the session: {recorded:?}"
    );
    assert!(recorded[0].0.is_empty(), "{:?}", recorded[0]);
    let (args, env) = &recorded[1];
    assert_eq!(
        args,
        &vec![
            "AWS_SSM_START_SESSION_RESPONSE".to_string(),
            "us-east-1".into(),
            "StartSession".into(),
            "ops".into(),
            format!(
                r#"{{"Target": "ecs:prod_{TASK}_{RUNTIME}", "DocumentName": "AWS-StartPortForwardingSessionToRemoteHost", "Parameters": {{"host": ["db.internal"], "portNumber": ["5432"], "localPortNumber": ["15432"]}}}}"#
            ),
            endpoint.clone(),
        ]
    );
    assert_eq!(
        env,
        &format!(
            r#"{{"SessionId": "ana-0a1b2c3d4e5f", "TokenValue": "{TOKEN}", "StreamUrl": "{STREAM}"}}"#
        )
    );
    let seen = seen.lock().expect("lock").clone();
    let start: Vec<serde_json::Value> = seen
        .iter()
        .filter(|(op, _)| op == "AmazonSSM.StartSession")
        .map(|(_, b)| serde_json::from_str(b).expect("JSON"))
        .collect();
    assert_eq!(start.len(), 1, "{seen:?}");
    assert_eq!(start[0]["Target"], format!("ecs:prod_{TASK}_{RUNTIME}"));
    assert_eq!(
        start[0]["DocumentName"],
        "AWS-StartPortForwardingSessionToRemoteHost"
    );
    assert_eq!(start[0]["Parameters"]["host"][0], "db.internal");
    assert_eq!(start[0]["Parameters"]["localPortNumber"][0], "15432");
}

#[test]
fn without_the_plugin_exec_and_port_forward_send_nothing() {
    let (endpoint, seen) = start_server();
    let home = tempfile::tempdir().expect("tempdir");
    let empty = home.path().join("empty-bin");
    std::fs::create_dir_all(&empty).expect("mkdir");
    for args in [EXEC.to_vec(), PORT_FORWARD.to_vec()] {
        let out = ecsnap(&endpoint, home.path())
            .env("PATH", &empty)
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .expect("runs");
        let err = stderr_of(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("session-manager-plugin is not installed"),
            "{args:?}: {err}"
        );
    }
    let seen = seen.lock().expect("lock").clone();
    assert!(seen.is_empty(), "nothing is read or sent first: {seen:?}");
}

#[test]
fn exec_into_a_container_that_is_not_ready_is_refused_before_asking_or_sending() {
    let (endpoint, seen) = start_server_with("PENDING");
    let home = tempfile::tempdir().expect("tempdir");
    let (bin, record) = stand_in(home.path(), "1.2.707.0");
    let err = stderr_at_exit(with_plugin(&endpoint, home.path(), &bin).args(EXEC), 5);
    assert!(
        err.contains("ExecuteCommandAgent is PENDING") && err.contains("ssmmessages"),
        "{err}"
    );
    let seen = seen.lock().expect("lock").clone();
    assert!(
        !seen.iter().any(|(op, _)| op.ends_with(".ExecuteCommand")),
        "{seen:?}"
    );
    assert_eq!(calls(&record).len(), 1, "only the plugin's check ran");
}
