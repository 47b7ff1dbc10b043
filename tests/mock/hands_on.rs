//! ECS Exec, port forwarding, scale and stop-task against aws-smithy-mocks: the exact
//! ExecuteCommand, StartSession, UpdateService and StopTask requests; a stand-in
//! `session-manager-plugin` that records its arguments and environment, compared with
//! what the AWS CLI passes; read-only mode sends none of these requests (counted at the
//! mocks) and the audit log records what was sent.

use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::answers::in_turn;
use crate::mocked::{FixedIdentity, MockAws, block_on, no_retry_client, no_rules};
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
use aws_sdk_ecs::operation::execute_command::ExecuteCommandOutput;
use aws_sdk_ecs::operation::list_clusters::ListClustersOutput;
use aws_sdk_ecs::operation::stop_task::StopTaskOutput;
use aws_sdk_ecs::operation::update_service::UpdateServiceOutput;
use aws_sdk_ecs::types::{Container, ManagedAgent, ManagedAgentName, Session};
use aws_sdk_ssm::operation::start_session::StartSessionOutput;
use aws_smithy_mocks::{Rule, mock};
use ecsnap::aws::{AwsClients, OpsClients, ServiceChange};
use ecsnap::model::CallerIdentity;
use ecsnap::ops::audit::{Actor, AuditLog, read_entries};
use ecsnap::ops::guard::{Mutator, ReadOnly};
use ecsnap::ops::plugin::{Plugin, PluginContext, RESPONSE_ENV, endpoint_url};
use ecsnap::ops::port_forward::{self, Forward};
use ecsnap::ops::{exec, scale, stop_task};

const ACCOUNT: &str = "123456789012";
const CLUSTER_ARN: &str = "arn:aws:ecs:eu-west-1:123456789012:cluster/prod";
const TASK_ID: &str = "0f3b1c2d4e5f40718293a4b5c6d7e8f9";
const TOKEN: &str = "AAEAAa1b2c3/token+value==";
const STREAM: &str = "wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/ecs-execute-command-0abc?role=publish_subscribe";

fn task_arn() -> String {
    format!("arn:aws:ecs:eu-west-1:{ACCOUNT}:task/prod/{TASK_ID}")
}

fn identity() -> CallerIdentity {
    CallerIdentity {
        account: ACCOUNT.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/ana"),
    }
}

/// A RUNNING task of service `api` with two containers; only `app` runs the exec agent.
fn described_task() -> aws_sdk_ecs::types::Task {
    let container = |name: &str, runtime: &str, agent: &str| {
        Container::builder()
            .name(name)
            .runtime_id(format!("{TASK_ID}-{runtime}"))
            .managed_agents(
                ManagedAgent::builder()
                    .name(ManagedAgentName::ExecuteCommandAgent)
                    .last_status(agent)
                    .build(),
            )
            .build()
    };
    aws_sdk_ecs::types::Task::builder()
        .task_arn(task_arn())
        .cluster_arn(CLUSTER_ARN)
        .group("service:api")
        .last_status("RUNNING")
        .desired_status("RUNNING")
        .enable_execute_command(true)
        .launch_type(aws_sdk_ecs::types::LaunchType::Fargate)
        .platform_version("1.4.0")
        .containers(container("app", "1527056392", "RUNNING"))
        .containers(container("envoy", "3395411148", "PENDING"))
        .build()
}

/// The ACTIVE service `api` in cluster prod with `running` of `desired` tasks, as
/// DescribeServices starts describing it.
fn api_service(desired: i32, running: i32) -> aws_sdk_ecs::types::builders::ServiceBuilder {
    aws_sdk_ecs::types::Service::builder()
        .service_name("api")
        .cluster_arn(CLUSTER_ARN)
        .status("ACTIVE")
        .desired_count(desired)
        .running_count(running)
}

fn read_rules() -> Vec<Rule> {
    vec![
        mock!(aws_sdk_ecs::Client::list_clusters).then_output(|| {
            ListClustersOutput::builder()
                .cluster_arns(CLUSTER_ARN)
                .build()
        }),
        mock!(aws_sdk_ecs::Client::describe_tasks)
            .match_requests(|r| r.tasks().iter().any(|t| t == TASK_ID || *t == task_arn()))
            .then_output(|| {
                DescribeTasksOutput::builder()
                    .tasks(described_task())
                    .build()
            }),
        mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
            DescribeServicesOutput::builder()
                .services(api_service(2, 2).enable_execute_command(true).build())
                .build()
        }),
    ]
}

struct Harness {
    aws: AwsClients,
    ops: OpsClients,
    audit: PathBuf,
    _dir: tempfile::TempDir,
}

fn harness(ecs_rules: &[&Rule], ssm_rules: &[&Rule]) -> Harness {
    let (aws, ops) = MockAws {
        ecs: no_retry_client!(aws_sdk_ecs, ecs_rules.iter().copied()),
        ecr: no_retry_client!(aws_sdk_ecr, no_rules()),
        ec2: no_retry_client!(aws_sdk_ec2, no_rules()),
        ssm: Some(no_retry_client!(aws_sdk_ssm, ssm_rules.iter().copied())),
        sts: Arc::new(FixedIdentity(identity())),
        ..MockAws::in_region("eu-west-1")
    }
    .clients_and_ops();
    let dir = tempfile::tempdir().expect("tempdir");
    Harness {
        aws,
        ops,
        audit: dir.path().join("audit.log"),
        _dir: dir,
    }
}

impl Harness {
    fn mutator(&self, read_only: bool) -> Mutator {
        let identity = identity();
        Mutator::new(
            self.ops.clone(),
            read_only.then(|| ReadOnly("read-only mode is on (--read-only)".into())),
            Arc::new(AuditLog::open(&self.audit).expect("audit log")),
            Actor::new(Some(&identity), None, "eu-west-1"),
        )
    }
}

/// A stand-in `session-manager-plugin`: prints a version for `--version`, and records
/// each other call's arguments (one per line, NUL-separated calls) and the response
/// environment variable.
fn stand_in_plugin(dir: &Path, version: &str) -> (Plugin, PathBuf) {
    let record = dir.join("plugin-calls");
    let script = dir.join("session-manager-plugin");
    let text = format!(
        "#!/bin/sh\n\
         if [ \"$1\" = --version ]; then echo '{version}'; exit 0; fi\n\
         {{ printf 'argc=%s\\n' \"$#\"; for a in \"$@\"; do printf '%s\\n' \"$a\"; done; \
         printf 'creds=%s|%s|%s\\n' \"${{AWS_ACCESS_KEY_ID:-}}\" \"${{AWS_SECRET_ACCESS_KEY:-}}\" \
         \"${{AWS_SESSION_TOKEN:-}}\"; \
         printf 'env=%s\\n' \"${{{RESPONSE_ENV}:-}}\"; printf '\\0'; }} >> '{}'\n",
        record.display()
    );
    std::fs::write(&script, text).expect("write the stand-in");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))
            .expect("chmod the stand-in");
    }
    let plugin = Plugin {
        program: script.into_os_string(),
    };
    (plugin, record)
}

/// What the plugin is given for a port forward: the `ops` profile, SSM in eu-west-1.
fn ssm_context(mutator: &Mutator) -> ecsnap::Result<PluginContext> {
    block_on(PluginContext::for_session(
        mutator,
        "eu-west-1",
        "ops".into(),
        endpoint_url("ssm", "eu-west-1", None),
    ))
}

/// The recorded calls: each the argument list and the env line.
fn recorded_calls(record: &Path) -> Vec<(Vec<String>, String)> {
    recorded(record)
        .into_iter()
        .map(|(args, env, _)| (args, env))
        .collect()
}

/// The credentials each recorded call had in its environment: `key|secret|token`.
fn recorded_credentials(record: &Path) -> Vec<String> {
    recorded(record).into_iter().map(|(_, _, c)| c).collect()
}

fn recorded(record: &Path) -> Vec<(Vec<String>, String, String)> {
    let text = std::fs::read_to_string(record).unwrap_or_default();
    text.split('\0')
        .filter(|c| !c.trim().is_empty())
        .map(|call| {
            let mut lines: Vec<String> = call.lines().map(str::to_string).collect();
            let env = lines
                .pop()
                .and_then(|l| l.strip_prefix("env=").map(str::to_string))
                .unwrap_or_default();
            let creds = lines
                .pop()
                .and_then(|l| l.strip_prefix("creds=").map(str::to_string))
                .unwrap_or_default();
            let argc: usize = lines
                .first()
                .and_then(|l| l.strip_prefix("argc="))
                .and_then(|n| n.parse().ok())
                .unwrap_or_default();
            let args: Vec<String> = lines.into_iter().skip(1).collect();
            assert_eq!(args.len(), argc, "one line per argument: {args:?}");
            (args, env, creds)
        })
        .collect()
}

fn execute_command_rule() -> Rule {
    mock!(aws_sdk_ecs::Client::execute_command)
        .match_requests(|r| {
            r.cluster() == Some("prod")
                && r.task() == Some(TASK_ID)
                && r.container() == Some("app")
                && r.command() == Some("/bin/bash")
                && r.interactive() == Some(true)
        })
        .then_output(|| {
            ExecuteCommandOutput::builder()
                .cluster_arn(CLUSTER_ARN)
                .task_arn(task_arn())
                .container_name("app")
                .container_arn(format!(
                    "arn:aws:ecs:eu-west-1:{ACCOUNT}:container/prod/{TASK_ID}/c0ffee"
                ))
                .interactive(true)
                .session(
                    Session::builder()
                        .session_id("ecs-execute-command-0abc")
                        .stream_url(STREAM)
                        .token_value(TOKEN)
                        .build(),
                )
                .build()
        })
}

#[test]
fn exec_sends_execute_command_and_hands_the_session_to_the_plugin_like_the_aws_cli() {
    let reads = read_rules();
    let exec_rule = execute_command_rule();
    let mut ecs: Vec<&Rule> = reads.iter().collect();
    ecs.push(&exec_rule);
    let h = harness(&ecs, &[]);
    let mutator = h.mutator(false);
    let dir = tempfile::tempdir().expect("tempdir");
    let (plugin, record) = stand_in_plugin(dir.path(), "1.2.707.0");

    // Two containers: the plan needs one named.
    let ambiguous = block_on(exec::plan(&h.aws, "prod", TASK_ID, None, "/bin/bash"));
    assert!(
        ambiguous
            .expect_err("ambiguous")
            .to_string()
            .contains("app, envoy")
    );
    let plan = block_on(exec::plan(
        &h.aws,
        "prod",
        TASK_ID,
        Some("app"),
        "/bin/bash",
    ))
    .expect("plan");
    assert_eq!(plan.blocker, None, "ready: agent RUNNING in app");
    let envoy = block_on(exec::plan(
        &h.aws,
        "prod",
        TASK_ID,
        Some("envoy"),
        "/bin/bash",
    ))
    .expect("plan");
    assert_has(envoy.blocker.as_deref().unwrap_or_default(), "PENDING");

    plugin.check_installed().expect("the stand-in is installed");
    let session = block_on(exec::start(&mutator, &plan)).expect("ExecuteCommand");
    assert_eq!(exec_rule.num_calls(), 1);
    let runtime_id = block_on(exec::runtime_id(&h.aws, &plan, &session)).expect("runtime id");
    let ctx = block_on(PluginContext::for_session(
        &mutator,
        "eu-west-1",
        String::new(),
        endpoint_url("ecs", "eu-west-1", None),
    ))
    .expect("no role: nothing to resolve");
    let call = exec::plugin_call(&ctx, &session, &runtime_id);
    let status = plugin.run(&call).expect("the stand-in runs");
    assert!(status.success());

    let calls = recorded_calls(&record);
    // The argument-less check, then the session.
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(calls[0].0.is_empty(), "{:?}", calls[0]);
    let (args, env) = &calls[1];
    assert_eq!(
        args,
        &vec![
            format!(
                r#"{{"sessionId": "ecs-execute-command-0abc", "streamUrl": "{STREAM}", "tokenValue": "{TOKEN}"}}"#
            ),
            "eu-west-1".to_string(),
            "StartSession".to_string(),
            String::new(),
            format!(r#"{{"Target": "ecs:prod_{TASK_ID}_{TASK_ID}-1527056392"}}"#),
            "https://ecs.eu-west-1.amazonaws.com".to_string(),
        ]
    );
    assert!(env.is_empty(), "exec passes the session as an argument");
    let session_json: serde_json::Value = serde_json::from_str(&args[0]).expect("JSON");
    assert_eq!(session_json["tokenValue"], TOKEN);

    let audit = read_entries(&h.audit).expect("audit");
    let sent: Vec<_> = audit
        .iter()
        .filter(|e| e.action == "ecs:ExecuteCommand" && e.phase == "result")
        .collect();
    assert_eq!(sent.len(), 1, "{audit:?}");
    assert_eq!(sent[0].resource_ids, vec![format!("prod/{TASK_ID}/app")]);
    assert!(
        sent[0]
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("ecs-execute-command-0abc") && !d.contains(TOKEN)),
        "{:?}",
        sent[0].detail
    );
}

#[test]
fn port_forwarding_starts_the_session_and_passes_it_by_environment() {
    let reads = read_rules();
    let ecs: Vec<&Rule> = reads.iter().collect();
    let start = mock!(aws_sdk_ssm::Client::start_session)
        .match_requests(|r| {
            let p = r.parameters().cloned().unwrap_or_default();
            r.target() == Some(&format!("ecs:prod_{TASK_ID}_{TASK_ID}-1527056392"))
                && r.document_name() == Some("AWS-StartPortForwardingSessionToRemoteHost")
                && p.get("host") == Some(&vec!["db.internal".to_string()])
                && p.get("portNumber") == Some(&vec!["5432".to_string()])
                && p.get("localPortNumber") == Some(&vec!["15432".to_string()])
                && p.len() == 3
        })
        .then_output(|| {
            StartSessionOutput::builder()
                .session_id("ana-0123456789abcdef0")
                .stream_url(STREAM)
                .token_value(TOKEN)
                .build()
        });
    let h = harness(&ecs, &[&start]);
    let mutator = h.mutator(false);
    let forward = Forward {
        remote_port: 5432,
        local_port: Some(15432),
        host: Some("db.internal".into()),
    };
    let plan = block_on(port_forward::plan(&h.aws, "prod", TASK_ID, None, &forward)).expect("plan");
    assert_eq!(plan.container, "app", "the container whose agent runs");
    let session = block_on(port_forward::start(&mutator, &plan)).expect("StartSession");
    assert_eq!(start.num_calls(), 1);

    let dir = tempfile::tempdir().expect("tempdir");
    let (plugin, record) = stand_in_plugin(dir.path(), "1.2.707.0");
    let version = plugin.version().expect("version");
    let ctx = ssm_context(&mutator).expect("no role: nothing to resolve");
    let call = port_forward::plugin_call(&ctx, &plan, &session, &version);
    assert!(plugin.run(&call).expect("runs").success());
    let calls = recorded_calls(&record);
    assert_eq!(calls.len(), 1, "{calls:?}");
    let (args, env) = &calls[0];
    assert_eq!(
        args,
        &vec![
            RESPONSE_ENV.to_string(),
            "eu-west-1".into(),
            "StartSession".into(),
            "ops".into(),
            format!(
                r#"{{"Target": "ecs:prod_{TASK_ID}_{TASK_ID}-1527056392", "DocumentName": "AWS-StartPortForwardingSessionToRemoteHost", "Parameters": {{"host": ["db.internal"], "portNumber": ["5432"], "localPortNumber": ["15432"]}}}}"#
            ),
            "https://ssm.eu-west-1.amazonaws.com".into(),
        ]
    );
    assert_eq!(
        env,
        &format!(
            r#"{{"SessionId": "ana-0123456789abcdef0", "TokenValue": "{TOKEN}", "StreamUrl": "{STREAM}"}}"#
        )
    );

    // An old plugin gets the answer as its first argument instead.
    let (old, old_record) = stand_in_plugin(dir.path(), "1.2.497.0");
    let call = port_forward::plugin_call(&ctx, &plan, &session, &old.version().expect("v"));
    // (the same record file: the second call is the old plugin's)
    assert!(old.run(&call).expect("runs").success());
    let calls = recorded_calls(&old_record);
    let (args, env) = calls.last().expect("a call");
    assert!(
        args[0].starts_with(r#"{"SessionId": "ana-0123456789abcdef0""#),
        "{args:?}"
    );
    assert!(env.is_empty());
}

/// A `[fleet]` account reached through an assumed role: no profile names its credentials,
/// so the plugin gets no profile and the role's credentials in its environment (and
/// nothing else does: a plain session hands over none).
#[test]
fn an_assumed_role_hands_the_plugin_its_credentials_instead_of_a_profile() {
    use aws_sdk_ecs::config::{Credentials, SharedCredentialsProvider};
    let reads = read_rules();
    let ecs: Vec<&Rule> = reads.iter().collect();
    let start = mock!(aws_sdk_ssm::Client::start_session).then_output(|| {
        StartSessionOutput::builder()
            .session_id("ana-role-0")
            .stream_url(STREAM)
            .token_value(TOKEN)
            .build()
    });
    let mut h = harness(&ecs, &[&start]);
    let plain = h.mutator(false);
    let no_role = ssm_context(&plain).expect("no role");
    assert_eq!(no_role.profile, "ops");
    assert!(no_role.credentials.is_empty());

    h.ops = h
        .ops
        .with_role_credentials(Some(SharedCredentialsProvider::new(Credentials::new(
            "ASIAROLEKEY",
            "role-secret",
            Some("role-token".into()),
            None,
            "test",
        ))));
    let mutator = h.mutator(false);
    let forward = Forward {
        remote_port: 5432,
        local_port: Some(15432),
        host: None,
    };
    let plan = block_on(port_forward::plan(&h.aws, "prod", TASK_ID, None, &forward)).expect("plan");
    let ctx = ssm_context(&mutator).expect("the role's credentials");
    assert_eq!(ctx.profile, "", "no profile names the role's credentials");
    // The secrets stay out of Debug.
    let shown = format!("{ctx:?}");
    assert!(
        shown.contains("AWS_SECRET_ACCESS_KEY") && !shown.contains("role-secret"),
        "{shown}"
    );
    let session = block_on(port_forward::start(&mutator, &plan)).expect("StartSession");

    let dir = tempfile::tempdir().expect("tempdir");
    let (plugin, record) = stand_in_plugin(dir.path(), "1.2.707.0");
    let call = port_forward::plugin_call(&ctx, &plan, &session, &plugin.version().expect("v"));
    assert!(plugin.run(&call).expect("runs").success());
    let calls = recorded_calls(&record);
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0].0[3], "", "the profile argument is empty");
    assert!(
        calls[0].1.contains("ana-role-0"),
        "the answer still goes by environment"
    );
    assert_eq!(
        recorded_credentials(&record),
        ["ASIAROLEKEY|role-secret|role-token"]
    );
}

#[test]
fn scale_and_stop_task_send_the_desired_count_and_the_reason() {
    let reads = read_rules();
    let update = mock!(aws_sdk_ecs::Client::update_service)
        .match_requests(|r| {
            r.cluster() == Some("prod")
                && r.service() == Some("api")
                && r.desired_count() == Some(5)
                && r.force_new_deployment().is_none()
                && r.task_definition().is_none()
        })
        .then_output(|| {
            UpdateServiceOutput::builder()
                .service(
                    aws_sdk_ecs::types::Service::builder()
                        .service_name("api")
                        .cluster_arn(CLUSTER_ARN)
                        .desired_count(5)
                        .running_count(2)
                        .build(),
                )
                .build()
        });
    let stop = mock!(aws_sdk_ecs::Client::stop_task)
        .match_requests(|r| {
            r.cluster() == Some("prod")
                && r.task() == Some(task_arn().as_str())
                && r.reason() == Some("stopped with ecsnap by arn:aws:iam::123456789012:user/ana")
        })
        .then_output(|| {
            let mut t = described_task();
            t.desired_status = Some("STOPPED".into());
            t.stopped_reason =
                Some("stopped with ecsnap by arn:aws:iam::123456789012:user/ana".into());
            StopTaskOutput::builder().task(t).build()
        });
    let mut ecs: Vec<&Rule> = reads.iter().collect();
    ecs.push(&update);
    ecs.push(&stop);
    let h = harness(&ecs, &[]);
    let mutator = h.mutator(false);

    let plan = block_on(scale::plan(&h.aws, "prod", "api", 5)).expect("plan");
    assert_eq!((plan.from, plan.to), (2, 5));
    let svc = block_on(scale::execute(&mutator, &plan)).expect("UpdateService");
    assert_eq!(svc.desired_count, 5);
    assert_eq!(update.num_calls(), 1);

    let identity = CallerIdentity {
        account: ACCOUNT.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/ana"),
    };
    let reason = stop_task::default_reason(Some(&identity), None);
    let plan = block_on(stop_task::plan(&h.aws, "prod", TASK_ID, reason)).expect("plan");
    assert_eq!(plan.service.as_deref(), Some("api"));
    let stopped = block_on(stop_task::execute(&mutator, &plan)).expect("StopTask");
    assert_eq!(stopped.desired_status, "STOPPED");
    assert_eq!(stop.num_calls(), 1);

    let audit = read_entries(&h.audit).expect("audit");
    let results: Vec<(&str, &str)> = audit
        .iter()
        .filter(|e| e.phase == "result")
        .map(|e| (e.action.as_str(), e.result.as_str()))
        .collect();
    assert_eq!(
        results,
        vec![("ecs:UpdateService", "ok"), ("ecs:StopTask", "ok")]
    );
}

#[test]
fn read_only_mode_sends_no_exec_session_scale_or_stop() {
    let reads = read_rules();
    let exec_rule = execute_command_rule();
    let update = mock!(aws_sdk_ecs::Client::update_service)
        .then_output(|| UpdateServiceOutput::builder().build());
    let stop =
        mock!(aws_sdk_ecs::Client::stop_task).then_output(|| StopTaskOutput::builder().build());
    let start = mock!(aws_sdk_ssm::Client::start_session)
        .then_output(|| StartSessionOutput::builder().build());
    let terminate = mock!(aws_sdk_ssm::Client::terminate_session).then_output(|| {
        aws_sdk_ssm::operation::terminate_session::TerminateSessionOutput::builder().build()
    });
    let mut ecs: Vec<&Rule> = reads.iter().collect();
    ecs.extend([&exec_rule, &update, &stop]);
    let h = harness(&ecs, &[&start, &terminate]);
    let mutator = h.mutator(true);

    let refusals = [
        block_on(mutator.execute_command("prod", TASK_ID, Some("app"), "/bin/sh")).map(|_| ()),
        block_on(mutator.update_service("prod", "api", &ServiceChange::DesiredCount(9)))
            .map(|_| ()),
        block_on(mutator.stop_task("prod", TASK_ID, "why")).map(|_| ()),
        block_on(mutator.start_session("ecs:prod_x_y", "AWS-StartPortForwardingSession", &[]))
            .map(|_| ()),
        block_on(mutator.terminate_session("s-1")),
    ];
    for r in refusals {
        let e = r.expect_err("refused");
        assert_eq!(e.exit_code(), 5, "{e}");
        assert!(e.to_string().contains("read-only"), "{e}");
    }
    for (name, rule) in [
        ("ExecuteCommand", &exec_rule),
        ("UpdateService", &update),
        ("StopTask", &stop),
        ("StartSession", &start),
        ("TerminateSession", &terminate),
    ] {
        assert_eq!(rule.num_calls(), 0, "{name} was sent in read-only mode");
    }
    // Nothing sent, nothing audited.
    assert!(read_entries(&h.audit).unwrap_or_default().is_empty());
}

/// What `scale --wait` saw: its outcome, the running count at each look, the sleeps.
struct Watched {
    outcome: scale::CountOutcome,
    seen: Vec<i32>,
    sleeps: Vec<Duration>,
}

/// `scale --wait` for `plan` over the service described by `looks`, for at most `timeout`
/// (a look every 5 s, a fake clock).
fn watch_count(looks: &Rule, plan: &scale::ScalePlan, timeout: Duration) -> Watched {
    let h = harness(&[looks], &[]);
    let clock = ecsnap::ops::wait::FakeClock::default();
    let mut seen = Vec::new();
    let mut on_look = |s: &ecsnap::model::Service| seen.push(s.running_count);
    let outcome = block_on(scale::wait_for_count(
        h.aws.ecs.as_ref(),
        &clock,
        plan,
        timeout,
        Duration::from_secs(5),
        &mut on_look,
    ))
    .expect("watch");
    Watched {
        outcome,
        seen,
        sleeps: clock.sleeps(),
    }
}

#[test]
fn scale_wait_watches_the_running_count_until_it_reaches_the_target() {
    let svc = |running: i32, pending: i32| {
        DescribeServicesOutput::builder()
            .services(
                api_service(5, running)
                    .pending_count(pending)
                    // Scaling starts no deployment: the one PRIMARY stays COMPLETED.
                    .deployments(
                        aws_sdk_ecs::types::Deployment::builder()
                            .id("ecs-svc/1")
                            .status("PRIMARY")
                            .rollout_state(aws_sdk_ecs::types::DeploymentRolloutState::Completed)
                            .desired_count(5)
                            .running_count(running)
                            .build(),
                    )
                    .build(),
            )
            .build()
    };
    let looks = in_turn(
        mock!(aws_sdk_ecs::Client::describe_services),
        [svc(2, 3), svc(4, 1), svc(5, 0)],
    );
    let plan = scale::ScalePlan {
        service: ecsnap::model::ClusterService::new("prod", "api"),
        from: 2,
        to: 5,
        running: 2,
    };
    let watched = watch_count(&looks, &plan, Duration::from_mins(1));
    let outcome = watched.outcome;
    assert_eq!(outcome.verdict, scale::CountVerdict::Reached);
    assert_eq!((outcome.polls, outcome.running), (3, 5));
    assert_eq!(watched.seen, vec![2, 4, 5]);
    assert_eq!(watched.sleeps, vec![Duration::from_secs(5); 2]);

    // Never reaching it: timed out at the deadline, no real waiting.
    let stuck = mock!(aws_sdk_ecs::Client::describe_services).then_output(move || svc(3, 0));
    let outcome = watch_count(&stuck, &plan, Duration::from_secs(30)).outcome;
    assert_eq!(outcome.verdict, scale::CountVerdict::Moving);
    assert_eq!(outcome.running, 3);
    assert!(outcome.elapsed <= Duration::from_secs(30));
}

/// The DescribeTasks answer for `task` (and the service's reads), for a plan's read.
fn reads_of(task: aws_sdk_ecs::types::Task) -> Vec<Rule> {
    let mut rules = read_rules();
    rules[1] = mock!(aws_sdk_ecs::Client::describe_tasks)
        .then_output(move || DescribeTasksOutput::builder().tasks(task.clone()).build());
    rules
}

/// `described_task` with its containers reporting no runtime id, last and desired
/// `status`.
fn without_runtime_ids(status: &str) -> aws_sdk_ecs::types::Task {
    let mut task = described_task();
    task.last_status = Some(status.into());
    task.desired_status = Some(status.into());
    for c in task.containers.iter_mut().flatten() {
        c.runtime_id = None;
    }
    task
}

/// Why planning `forward` to the task, `status` and reporting no runtime id, fails.
fn forward_refused(status: &str, forward: &Forward) -> ecsnap::Error {
    let reads = reads_of(without_runtime_ids(status));
    let h = harness(&reads.iter().collect::<Vec<_>>(), &[]);
    block_on(port_forward::plan(&h.aws, "prod", TASK_ID, None, forward)).expect_err("refused")
}

#[test]
fn port_forward_to_a_running_task_without_a_runtime_id_says_what_is_missing() {
    let forward = Forward {
        remote_port: 5432,
        local_port: None,
        host: None,
    };
    let err = forward_refused("RUNNING", &forward);
    let text = err.to_string();
    assert_lacks(&text, "not running");
    assert_has_all(
        &text,
        &[
            "is RUNNING but ECS has not reported a runtime id for its container app",
            "platform version 1.4.0",
            "describe-tasks",
            "runtimeId",
        ],
    );
    assert_eq!(err.exit_code(), 2, "a usage error, as documented");

    let text = forward_refused("STOPPED", &forward).to_string();
    assert_has(&text, "the task is STOPPED, not running");
}

#[test]
fn without_the_plugin_exec_and_port_forward_plan_nothing_and_send_nothing() {
    let reads = read_rules();
    let describe = &reads[1];
    let execute = execute_command_rule();
    let start = mock!(aws_sdk_ssm::Client::start_session)
        .then_output(|| StartSessionOutput::builder().build());
    let mut ecs: Vec<&Rule> = reads.iter().collect();
    ecs.push(&execute);
    let h = harness(&ecs, &[&start]);
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = Plugin {
        program: dir.path().join("session-manager-plugin").into_os_string(),
    };
    let err = block_on(exec::plan_all_with_plugin(
        &h.aws, "prod", TASK_ID, "/bin/sh", &missing,
    ))
    .expect_err("no plugin");
    assert!(
        err.to_string()
            .contains("session-manager-plugin is not installed"),
        "{err}"
    );
    let forward = Forward {
        remote_port: 80,
        local_port: None,
        host: None,
    };
    let err = block_on(port_forward::plan_with_plugin(
        &h.aws, "prod", TASK_ID, None, &forward, &missing,
    ))
    .expect_err("no plugin");
    assert!(
        err.to_string()
            .contains("session-manager-plugin is not installed"),
        "{err}"
    );
    assert_eq!(
        describe.num_calls(),
        0,
        "nothing is read before the plugin is found"
    );
    assert_eq!(execute.num_calls(), 0);
    assert_eq!(start.num_calls(), 0);

    let (present, _record) = stand_in_plugin(dir.path(), "1.2.707.0");
    let plans = block_on(exec::plan_all_with_plugin(
        &h.aws, "prod", TASK_ID, "/bin/sh", &present,
    ))
    .expect("planned with the plugin there");
    assert_eq!(plans.len(), 2);
    assert_eq!(execute.num_calls(), 0, "planning sends no ExecuteCommand");
}
