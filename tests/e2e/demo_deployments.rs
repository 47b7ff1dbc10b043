//! End to end: ECS's service deployments as the demo's emulator helper acts them out
//! (`src/demo/dynamics.py`), with the demo's `payments-prod/gateway` canary paused at its
//! PAUSE hook (`src/demo/canary.rs`). The real binary runs `deployments --json`, `continue`
//! and `rollback --stop-deployment`; every outcome is read back through the SDK from the
//! same endpoint, and the requests ecsnap sent are read back from the helper's record
//! (`GET /ecsnap-demo/calls`): the read-only refusals send nothing, the actions send
//! exactly one request with the deployment's ARN and the hook's id. A rolling deployment
//! (the failing `checkout` rollout) is stopped and rolled back by ECS, and a redeploy joins
//! the history.

use crate::harness::{create_cluster, output_at_exit, stderr_at_exit};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use aws_sdk_ecs::types::ServiceDeployment;
use chrono::{DateTime, Utc};

use crate::emulator::{
    assert_no_audit_log, block_on, ecsnap, json_of, moving_emulator, stderr_of, text,
};
use ecsnap::demo::canary::{CLUSTER, PausedCanary, SERVICE, seed_paused_canary};
use ecsnap::demo::fleet::emulator_config;
use ecsnap::demo::{Dynamics, Emulator};

const SNAPSHOT: &str = "snap-0123456789abcdef0";
/// Continues the canary's paused deployment.
const CONTINUE: [&str; 6] = [
    "continue",
    "--cluster",
    CLUSTER,
    "--service",
    SERVICE,
    "--yes",
];

/// The demo's emulator with the canary seeded (no fleet: only its cluster), fast steps.
struct Canary {
    emulator: Emulator,
    ecs: aws_sdk_ecs::Client,
    seeded: PausedCanary,
    home: tempfile::TempDir,
}

impl Canary {
    fn start(hook_timeout: Option<Duration>) -> Self {
        let dynamics = Dynamics {
            step: Duration::from_millis(500),
            bake: Duration::from_secs(1),
            hook_timeout,
            ..Dynamics::default()
        };
        let emulator = moving_emulator(&dynamics);
        let (ecs, seeded) = block_on(async {
            let conf = emulator_config(&emulator.endpoint()).await;
            let ecs = aws_sdk_ecs::Client::new(&conf);
            create_cluster(&ecs, CLUSTER).await;
            let seeded = seed_paused_canary(&emulator.endpoint(), SNAPSHOT)
                .await
                .expect("the canary is seeded");
            (ecs, seeded)
        });
        Self {
            emulator,
            ecs,
            seeded,
            home: tempfile::tempdir().expect("tempdir"),
        }
    }

    fn ecsnap(&self) -> Command {
        let mut cmd = ecsnap(&self.emulator.endpoint(), self.home.path());
        cmd.stdin(std::process::Stdio::null());
        cmd
    }

    /// Runs the binary with `args`, asserting it exits with `code`; its output.
    fn run(&self, args: &[&str], code: i32) -> Output {
        output_at_exit(self.ecsnap().args(args), code)
    }

    /// `deployments --json` of the canary's service.
    fn history(&self) -> serde_json::Value {
        json_of(self.ecsnap().args([
            "deployments",
            "--cluster",
            CLUSTER,
            "--service",
            SERVICE,
            "--json",
        ]))
    }

    /// The service's deployments newest first, as the SDK reads them.
    fn deployments(&self) -> Vec<ServiceDeployment> {
        block_on(async {
            let listed = self
                .ecs
                .list_service_deployments()
                .cluster(CLUSTER)
                .service(SERVICE)
                .send()
                .await
                .expect("ListServiceDeployments");
            let arns: Vec<String> = listed
                .service_deployments()
                .iter()
                .filter_map(|d| d.service_deployment_arn().map(str::to_string))
                .collect();
            let mut found = self
                .ecs
                .describe_service_deployments()
                .set_service_deployment_arns(Some(arns))
                .send()
                .await
                .expect("DescribeServiceDeployments")
                .service_deployments()
                .to_vec();
            found.sort_by_key(|d| {
                std::cmp::Reverse(
                    d.created_at()
                        .map(aws_sdk_ecs::primitives::DateTime::as_nanos),
                )
            });
            found
        })
    }

    /// The newest deployment once `ok` holds; panics with it at the deadline.
    fn until(&self, what: &str, ok: impl Fn(&ServiceDeployment) -> bool) -> ServiceDeployment {
        let deadline = Instant::now() + Duration::from_secs(45);
        loop {
            let newest = self.deployments().first().cloned().expect("a deployment");
            if ok(&newest) {
                return newest;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {newest:?}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn paused(&self) -> ServiceDeployment {
        self.until("the canary to wait at its hook", |d| {
            d.lifecycle_hook_details()
                .iter()
                .any(|h| h.status().is_some_and(|s| s.as_str() == "AWAITING_ACTION"))
        })
    }

    /// The task definition DescribeServices says the service runs, and its deployments.
    fn service(&self) -> (String, usize, i32) {
        block_on(async {
            let out = self
                .ecs
                .describe_services()
                .cluster(CLUSTER)
                .services(SERVICE)
                .send()
                .await
                .expect("DescribeServices");
            let s = out
                .services()
                .first()
                .cloned()
                .expect("the gateway service");
            (
                s.task_definition().unwrap_or_default().to_string(),
                s.deployments().len(),
                s.running_count(),
            )
        })
    }

    /// When DescribeServices says the service's PRIMARY deployment was created.
    fn primary_created(&self) -> Option<aws_sdk_ecs::primitives::DateTime> {
        let out = block_on(
            self.ecs
                .describe_services()
                .cluster(CLUSTER)
                .services(SERVICE)
                .send(),
        )
        .expect("DescribeServices");
        out.services()
            .first()
            .and_then(|s| {
                s.deployments()
                    .iter()
                    .find(|d| d.status() == Some("PRIMARY"))
            })
            .and_then(|d| d.created_at().copied())
    }

    /// The ECS operations the helper received named `op`, with their request bodies.
    fn sent(&self, op: &str) -> Vec<serde_json::Value> {
        self.emulator
            .demo_calls()
            .expect("the helper's record")
            .into_iter()
            .filter(|c| c["operation"] == op)
            .map(|c| c["request"].clone())
            .collect()
    }
}

// One journey, step by step: each step depends on the one before.
#[expect(
    clippy::too_many_lines,
    reason = "one paused canary followed from the listings through continue to SUCCESSFUL, \
              each step read back"
)]
#[test]
fn deployments_json_shows_the_paused_canary_and_continue_finishes_it() {
    let canary = Canary::start(None);
    let paused = canary.paused();
    let arn = paused
        .service_deployment_arn()
        .unwrap_or_default()
        .to_string();
    let hook = paused.lifecycle_hook_details()[0].clone();
    let hook_id = hook.hook_id().unwrap_or_default().to_string();

    // deployments --json: the paused canary first, with its stage, hook and countdown.
    let json = canary.history();
    let newest = &json["deployments"][0];
    assert_eq!(text(newest, "service_deployment_arn"), arn, "{json}");
    assert_eq!(text(newest, "status"), "IN_PROGRESS");
    assert_eq!(text(newest, "strategy"), "CANARY");
    assert_eq!(text(newest, "lifecycle_stage"), "PRODUCTION_TRAFFIC_SHIFT");
    assert_eq!(
        newest["target_revision"]["requested_production_traffic_weight"],
        10.0
    );
    let shown = &newest["lifecycle_hooks"][0];
    assert_eq!(text(shown, "hook_id"), hook_id);
    assert_eq!(text(shown, "status"), "AWAITING_ACTION");
    assert_eq!(text(shown, "timeout_action"), "ROLLBACK");
    let expires: DateTime<Utc> = text(shown, "expires_at").parse().expect("an RFC 3339 time");
    let left = expires - Utc::now();
    assert!(
        left > chrono::Duration::minutes(14) && left <= chrono::Duration::minutes(15),
        "15 minutes from the pause: {left}"
    );
    // The revisions: images by digest, the managed EBS volume's snapshot.
    let target = &newest["target_revision"];
    assert_eq!(text(target, "task_definition"), canary.seeded.canary());
    assert!(
        text(&target["images"][0], "digest").starts_with("sha256:"),
        "{target}"
    );
    assert_eq!(text(&target["volumes"][0], "snapshot_id"), SNAPSHOT);
    assert_eq!(
        text(&newest["source_revisions"][0], "task_definition"),
        canary.seeded.running()
    );
    assert_eq!(text(&json["deployments"][1], "status"), "SUCCESSFUL");

    // services --json and report --json list it as awaiting action.
    let services = json_of(canary.ecsnap().args(["--json", "services"]));
    let gateway = services
        .as_array()
        .and_then(|l| l.iter().find(|s| s["service_name"] == SERVICE))
        .cloned()
        .unwrap_or_else(|| panic!("gateway listed: {services}"));
    let awaiting = &gateway["awaiting_action"];
    assert_eq!(text(awaiting, "service_deployment_arn"), arn, "{gateway}");
    assert_eq!(
        text(awaiting, "lifecycle_stage"),
        "PRODUCTION_TRAFFIC_SHIFT"
    );
    assert_eq!(text(awaiting, "hook_id"), hook_id);
    assert_eq!(text(awaiting, "timeout_action"), "ROLLBACK");
    assert_eq!(text(awaiting, "expires_at"), text(shown, "expires_at"));
    let report = json_of(canary.ecsnap().args(["--json", "report"]));
    let listed = report["awaiting_action"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(listed.len(), 1, "{report}");
    assert_eq!(text(&listed[0], "service"), SERVICE);
    assert_eq!(text(&listed[0], "hook_id"), hook_id);
    assert_eq!(text(&listed[0], "region"), "us-east-1");

    // Read-only: refused before anything is sent.
    canary.run(&[&["--read-only"][..], &CONTINUE].concat(), 5);
    assert!(canary.sent("ContinueServiceDeployment").is_empty());
    assert_no_audit_log(canary.home.path());

    // Paused before BAKE_TIME: `wait --until BAKE_TIME` runs out of time (exit 4), and
    // `wait` does not call the canary stable.
    let on_service = [
        "--cluster",
        CLUSTER,
        "--service",
        SERVICE,
        "--interval",
        "1s",
    ];
    canary.run(
        &[
            &["wait", "--until", "BAKE_TIME", "--timeout", "2s"][..],
            &on_service,
        ]
        .concat(),
        4,
    );
    canary.run(&[&["wait", "--timeout", "2s"][..], &on_service].concat(), 4);

    // continue: one ContinueServiceDeployment for the hook, then the deployment finishes.
    canary.run(&CONTINUE, 0);
    let json = json_of(
        canary.ecsnap().args(
            [
                &["--json", "wait", "--until", "bake-time", "--timeout", "60s"][..],
                &on_service,
            ]
            .concat(),
        ),
    );
    assert_eq!(text(&json, "status"), "reached", "{json}");
    assert_eq!(text(&json, "service_deployment_arn"), arn);
    let stage = text(&json, "lifecycle_stage");
    assert!(
        ["BAKE_TIME", "CLEAN_UP"].contains(&stage.as_str())
            || text(&json, "deployment_status") == "SUCCESSFUL",
        "{json}"
    );
    canary.run(
        &[&["wait", "--timeout", "60s"][..], &on_service].concat(),
        0,
    );
    let sent = canary.sent("ContinueServiceDeployment");
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["serviceDeploymentArn"], arn.as_str());
    assert_eq!(sent[0]["hookId"], hook_id.as_str());
    assert_eq!(sent[0]["action"], "CONTINUE");
    assert!(canary.sent("StopServiceDeployment").is_empty());

    // Nothing awaits action any more.
    let services = json_of(canary.ecsnap().args(["--json", "services"]));
    assert!(
        services
            .as_array()
            .is_some_and(|l| l.iter().all(|s| s["awaiting_action"].is_null())),
        "{services}"
    );
    // `wait` returned: ECS says SUCCESSFUL (no polling needed).
    let done = canary.deployments().first().cloned().expect("the canary");
    assert_eq!(
        done.status()
            .map(aws_sdk_ecs::types::ServiceDeploymentStatus::as_str),
        Some("SUCCESSFUL")
    );
    assert_eq!(done.service_deployment_arn(), Some(arn.as_str()));
    assert_eq!(
        done.target_service_revision().and_then(
            aws_sdk_ecs::types::ServiceRevisionSummary::requested_production_traffic_weight
        ),
        Some(100.0)
    );
    assert_eq!(
        done.lifecycle_hook_details()[0]
            .status()
            .map(|s| s.as_str().to_string()),
        Some("SUCCEEDED".to_string())
    );
    // DescribeServices agrees: the canary's revision alone, at its desired count.
    assert_eq!(canary.service(), (canary.seeded.canary().to_string(), 1, 2));
}

#[test]
fn rollback_stop_deployment_returns_the_service_to_its_running_revision() {
    let canary = Canary::start(None);
    let paused = canary.paused();
    let arn = paused
        .service_deployment_arn()
        .unwrap_or_default()
        .to_string();
    let source = paused.source_service_revisions()[0]
        .arn()
        .unwrap_or_default()
        .to_string();
    let stop = [
        "rollback",
        "--cluster",
        CLUSTER,
        "--service",
        SERVICE,
        "--stop-deployment",
        "--yes",
    ];

    output_at_exit(canary.ecsnap().arg("--read-only").args(stop), 5);
    assert!(canary.sent("StopServiceDeployment").is_empty());
    assert_no_audit_log(canary.home.path());

    output_at_exit(
        canary
            .ecsnap()
            .args(stop)
            .args(["--wait", "--interval", "1s", "--timeout", "60s"]),
        0,
    );
    let sent = canary.sent("StopServiceDeployment");
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["serviceDeploymentArn"], arn.as_str());
    assert_eq!(sent[0]["stopType"], "ROLLBACK");
    assert!(canary.sent("ContinueServiceDeployment").is_empty());

    let done = canary.until("ROLLBACK_SUCCESSFUL", |d| {
        d.status()
            .is_some_and(|s| s.as_str() == "ROLLBACK_SUCCESSFUL")
    });
    assert_eq!(done.service_deployment_arn(), Some(arn.as_str()));
    assert_eq!(
        done.rollback().and_then(|r| r.service_revision_arn()),
        Some(source.as_str())
    );
    assert_eq!(
        done.target_service_revision()
            .map(aws_sdk_ecs::types::ServiceRevisionSummary::running_task_count),
        Some(0)
    );
    // The revision it returned to runs the old task definition, and so does the service.
    let revision = block_on(
        canary
            .ecs
            .describe_service_revisions()
            .service_revision_arns(&source)
            .send(),
    )
    .expect("DescribeServiceRevisions");
    assert_eq!(
        revision.service_revisions()[0].task_definition(),
        Some(canary.seeded.running())
    );
    assert_eq!(
        canary.service(),
        (canary.seeded.running().to_string(), 1, 2)
    );
    // ECS's rollback is a deployment of its own: the PRIMARY dates from the rollback (what
    // the Services why line reads as "last deployment"), not from the revision's first run.
    // DescribeServices answers its times to the millisecond, the deployment's rollback to
    // the microsecond: compared in whole milliseconds, rounded.
    let rolled_back_at = done.rollback().and_then(|r| r.started_at().copied());
    assert!(rolled_back_at.is_some(), "{done:?}");
    let primary = canary.primary_created();
    let millis = |t: Option<aws_sdk_ecs::primitives::DateTime>| {
        t.map(|t| (t.as_nanos() + 500_000).div_euclid(1_000_000))
    };
    assert!(
        millis(primary) >= millis(rolled_back_at).map(|ms| ms - 1),
        "PRIMARY created {primary:?}, rollback started {rolled_back_at:?}"
    );

    // The history says so too.
    let json = canary.history();
    let newest = &json["deployments"][0];
    assert_eq!(text(newest, "status"), "ROLLBACK_SUCCESSFUL", "{json}");
    // It never reaches BAKE_TIME: `wait --until` fails (exit 3) naming ECS's verdict.
    let err = stderr_of(&canary.run(
        &[
            "wait",
            "--cluster",
            CLUSTER,
            "--service",
            SERVICE,
            "--until",
            "BAKE_TIME",
        ],
        3,
    ));
    assert!(
        err.contains("ROLLBACK_SUCCESSFUL") && err.contains("before reaching BAKE_TIME"),
        "{err}"
    );
    assert_eq!(text(&newest["rollback"], "service_revision_arn"), source);
}

#[test]
fn an_expired_hook_rolls_the_canary_back_by_itself() {
    let canary = Canary::start(Some(Duration::from_secs(2)));
    let done = canary.until("the timeout's rollback", |d| {
        d.status()
            .is_some_and(|s| s.as_str() == "ROLLBACK_SUCCESSFUL")
    });
    let hook = &done.lifecycle_hook_details()[0];
    assert_eq!(
        hook.status()
            .map(aws_sdk_ecs::types::DeploymentLifecycleHookStatus::as_str),
        Some("TIMED_OUT")
    );
    assert!(
        done.rollback()
            .and_then(|r| r.reason())
            .is_some_and(|r| r.contains("timed out")),
        "{done:?}"
    );
    assert_eq!(canary.service().0, canary.seeded.running());
    // Nobody sent anything: ECS acted on the hook's timeoutAction.
    assert!(canary.sent("StopServiceDeployment").is_empty());
    assert!(canary.sent("ContinueServiceDeployment").is_empty());
}

#[test]
fn an_unknown_stage_is_a_usage_error_naming_the_valid_ones() {
    let home = tempfile::tempdir().expect("tempdir");
    let err = stderr_at_exit(
        crate::emulator::isolated_ecsnap(home.path()).args([
            "wait",
            "--cluster",
            "c",
            "--service",
            "s",
            "--until",
            "HALFWAY",
        ]),
        2,
    );
    assert!(
        err.contains("--until \"HALFWAY\" is not a lifecycle stage"),
        "{err}"
    );
    assert!(
        err.contains("RECONCILE_SERVICE, PRE_SCALE_UP, SCALE_UP")
            && err.contains("BAKE_TIME, CLEAN_UP"),
        "{err}"
    );
}

/// A rolling deployment in the history: the demo's failing `checkout` rollout (here it
/// would fail an hour later) is IN_PROGRESS at SCALE_UP; ECS's own rollback returns it to
/// the good revision (ROLLBACK_SUCCESSFUL, DescribeServices agrees); a redeploy through
/// UpdateService is one more deployment in the history, SUCCESSFUL after its bake.
#[expect(
    clippy::too_many_lines,
    reason = "one rolling deployment followed through ECS's rollback and a redeploy, each \
              step read back"
)]
#[test]
fn a_rolling_deployment_is_stopped_and_a_redeploy_joins_the_history() {
    use ecsnap::demo::failing::{self, seed_failing_rollout};
    let dynamics = Dynamics {
        step: Duration::from_millis(500),
        bake: Duration::from_secs(1),
        fail_after: Duration::from_hours(1),
        ..Dynamics::default()
    };
    let emulator = moving_emulator(&dynamics);
    let endpoint = emulator.endpoint();
    let (ecs, seeded) = block_on(async {
        let conf = emulator_config(&endpoint).await;
        let ecs = aws_sdk_ecs::Client::new(&conf);
        create_cluster(&ecs, failing::CLUSTER).await;
        let seeded = seed_failing_rollout(&endpoint).await.expect("the rollout");
        (ecs, seeded)
    });
    let home = tempfile::tempdir().expect("tempdir");
    let on = ["--cluster", failing::CLUSTER, "--service", failing::SERVICE];
    let history = || {
        json_of(
            ecsnap(&endpoint, home.path())
                .args(["deployments", "--json"])
                .args(on),
        )["deployments"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let listed = history();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert_eq!(text(&listed[0], "status"), "IN_PROGRESS");
    assert_eq!(text(&listed[0], "strategy"), "ROLLING");
    assert_eq!(text(&listed[0], "lifecycle_stage"), "SCALE_UP");
    assert_eq!(
        text(&listed[0]["target_revision"], "task_definition"),
        seeded.bad()
    );
    assert_eq!(
        text(&listed[0]["source_revisions"][0], "task_definition"),
        seeded.good()
    );
    assert_eq!(text(&listed[1], "status"), "SUCCESSFUL");

    output_at_exit(
        ecsnap(&endpoint, home.path())
            .args([
                "rollback",
                "--stop-deployment",
                "--yes",
                "--wait",
                "--interval",
                "1s",
            ])
            .args(on)
            .stdin(std::process::Stdio::null()),
        0,
    );
    let listed = history();
    assert_eq!(
        text(&listed[0], "status"),
        "ROLLBACK_SUCCESSFUL",
        "{listed:?}"
    );
    let service = block_on(
        ecs.describe_services()
            .cluster(failing::CLUSTER)
            .services(failing::SERVICE)
            .send(),
    )
    .expect("DescribeServices");
    assert_eq!(service.services()[0].task_definition(), Some(seeded.good()));

    output_at_exit(
        ecsnap(&endpoint, home.path())
            .args([
                "redeploy",
                "--yes",
                "--wait",
                "--interval",
                "1s",
                "--timeout",
                "60s",
            ])
            .args(on)
            .stdin(std::process::Stdio::null()),
        0,
    );
    // `wait` saw the rollout COMPLETED; ECS's verdict follows its bake.
    let deadline = Instant::now() + Duration::from_secs(30);
    let listed = loop {
        let listed = history();
        if text(&listed[0], "status") == "SUCCESSFUL" || Instant::now() > deadline {
            break listed;
        }
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert_eq!(text(&listed[0], "status"), "SUCCESSFUL", "{listed:?}");
    assert_eq!(
        text(&listed[0]["target_revision"], "task_definition"),
        seeded.good()
    );
    assert_eq!(text(&listed[1], "status"), "ROLLBACK_SUCCESSFUL");
    let updates = emulator.demo_calls().expect("the helper's record");
    let sent: Vec<_> = updates
        .iter()
        .filter(|c| c["operation"] == "UpdateService")
        .collect();
    // The seed's rollout and the redeploy; ECS's rollback sent none.
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[1]["request"]["forceNewDeployment"], true);
}

/// The route-cache snapshot is seeded with the canary, after the demo set the fleet's ages:
/// the demo backdates it to the ledger's nightly time, so the picker shows it a day old,
/// not taken "now". Read back through the SDK (DescribeSnapshots' StartTime).
#[test]
fn the_route_cache_snapshot_is_backdated_like_the_ledgers_nightly() {
    let canary = Canary::start(None);
    let cache = &canary.seeded.route_cache;
    let nightly = ecsnap::demo::fleet::tag_time("ledger-20261115T0200").expect("a time");
    let fleet = ecsnap::demo::fleet::DemoFleet {
        live_volume_snapshots: vec![SNAPSHOT.into()],
        times: ecsnap::demo::fleet::SeedTimes {
            snapshots: vec![(SNAPSHOT.into(), nightly)],
            ..Default::default()
        },
        ..Default::default()
    };
    ecsnap::demo::ages::backdate_route_cache(&canary.emulator, &fleet, cache)
        .expect("the helper sets the time");
    let started = block_on(async {
        let conf = emulator_config(&canary.emulator.endpoint()).await;
        aws_sdk_ec2::Client::new(&conf)
            .describe_snapshots()
            .snapshot_ids(&cache.snapshot)
            .send()
            .await
            .expect("DescribeSnapshots")
            .snapshots()
            .first()
            .and_then(|s| s.start_time().map(aws_sdk_ec2::primitives::DateTime::secs))
    });
    assert_eq!(started, Some(nightly.timestamp()), "{cache:?}");
}

/// The gateway's managed EBS volume has a snapshot to roll back to: its tasks' copies of
/// `route-cache` (tagged with the service, in use) and a nightly snapshot of one of them,
/// which the rollback's EBS mode ties to the service as the console's picker does (no
/// "do not tie it" warning); neither the snapshot (its volume exists) nor the volumes are
/// orphans.
#[test]
fn the_gateway_offers_its_route_cache_snapshot_for_an_ebs_rollback_and_it_is_no_orphan() {
    let canary = Canary::start(None);
    let cache = &canary.seeded.route_cache;
    assert_eq!(cache.volumes.len(), 2, "one volume a task: {cache:?}");
    let out = canary
        .ecsnap()
        .args([
            "rollback",
            "--cluster",
            CLUSTER,
            "--service",
            SERVICE,
            "--ebs-snapshot",
            &cache.snapshot,
            "--dry-run",
        ])
        .output()
        .expect("ecsnap runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr_of(&out)
    );
    assert!(out.status.success(), "{said}");
    assert!(said.contains(&cache.snapshot), "{said}");
    assert!(!said.contains("do not tie it"), "{said}");
    let orphans = json_of(canary.ecsnap().args(["orphans", "--json"]));
    let listed = |key: &str, id: &str| {
        orphans[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o[id].as_str().map(str::to_string))
            .collect::<Vec<_>>()
    };
    assert!(
        !listed("snapshots", "snapshot_id").contains(&cache.snapshot),
        "{orphans}"
    );
    let volumes = listed("volumes", "volume_id");
    assert!(
        cache.volumes.iter().all(|v| !volumes.contains(v)),
        "{orphans}"
    );
}
