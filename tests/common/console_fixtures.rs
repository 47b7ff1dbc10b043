//! A demo-fleet-like console state built from model types with fixed times and a fixed
//! "now", fed through `update` the way real load results arrive. No AWS involved.
//!
//! Shared by the console tests (`tests/console/`) and `benches/tui.rs` (each includes this
//! file as a module and uses a part of it, hence the `dead_code` allowance).
#![allow(
    dead_code,
    reason = "included by the console tests and benches/tui.rs, each using a part of it"
)]

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ecsnap::analysis::in_use::InUse;
use ecsnap::analysis::orphans::{OrphanReport, OrphanRules, find_orphans};
use ecsnap::analysis::tags::{TagPattern, UserTags, attach_resume_tags, group_by_user};
use ecsnap::aws::Preflight;
use ecsnap::config::Settings;
use ecsnap::model::ResourceKind;
use ecsnap::model::{
    AlarmState, Ami, CallerIdentity, CircuitBreakerState, ContainerDef, Deployment,
    DeploymentLifecycleStage, DeploymentRollback, DeploymentStrategy, Image, LifecycleHookAction,
    LifecycleHookDetail, LifecycleHookStatus, RevisionCount, RevisionImage, RollbackMonitorStatus,
    Service, ServiceDeployment, ServiceDeploymentStatus, ServiceEvent, ServiceRevision, Snapshot,
    Task, TaskContainer, TaskDefinition, TaskExec, TaskVolume, Volume,
};
use ecsnap::ops::cleanup::CleanupItem;
use ecsnap::tui::run::effect::Effect;
use ecsnap::tui::state::app::{AppState, HeaderInfo};
use ecsnap::tui::state::deployments::DeploymentsData;
use ecsnap::tui::state::detail::DetailData;
use ecsnap::tui::state::msg::{DialogAnswer, Event, Listing, LogsAnswer, Msg, PaneAnswer};
use ecsnap::tui::state::tasks::TasksData;
use ecsnap::tui::update::app::{init, update};
use ecsnap::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

pub const ACCOUNT: &str = "123456789012";
pub const REGISTRY: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0)
        .single()
        .unwrap_or_default()
}

#[allow(clippy::unnecessary_wraps, reason = "model times are optional")]
pub fn ago(minutes: i64) -> Option<DateTime<Utc>> {
    Some(now() - Duration::minutes(minutes))
}

pub fn td_arn(family: &str, rev: i32) -> String {
    format!("arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/{family}:{rev}")
}

pub fn deployment(status: &str, family: &str, rev: i32, counts: (i32, i32, i32)) -> Deployment {
    Deployment {
        id: format!("ecs-svc/{family}{rev}{status}"),
        status: status.into(),
        task_definition: td_arn(family, rev),
        desired_count: counts.0,
        running_count: counts.1,
        pending_count: counts.2,
        failed_tasks: 0,
        rollout_state: Some("COMPLETED".into()),
        rollout_state_reason: None,
        created_at: ago(3 * 24 * 60),
        updated_at: ago(3 * 24 * 60),
    }
}

pub fn service(cluster: &str, name: &str, rev: i32, desired: i32, running: i32) -> Service {
    Service {
        deployment_controller: None,
        circuit_breaker: Some(ecsnap::model::CircuitBreaker {
            enable: true,
            rollback: true,
        }),
        deployment_alarms: None,
        cluster: cluster.into(),
        arn: format!("arn:aws:ecs:us-east-1:{ACCOUNT}:service/{cluster}/{name}"),
        name: name.into(),
        status: "ACTIVE".into(),
        desired_count: desired,
        running_count: running,
        pending_count: desired - running,
        task_definition: td_arn(name, rev),
        deployments: vec![deployment("PRIMARY", name, rev, (desired, running, 0))],
        events: vec![ServiceEvent {
            id: format!("{name}-e1"),
            created_at: ago(90),
            message: format!("(service {name}) has reached a steady state."),
        }],
        created_at: ago(30 * 24 * 60),
        volume_configurations: Vec::new(),
        enable_execute_command: true,
        deploy_settings: None,
        load_balancers: Vec::new(),
        current_revisions: Vec::new(),
        subnets: Vec::new(),
    }
}

pub fn services() -> Vec<Service> {
    let mut worker = service("payments-prod", "worker", 3, 3, 2);
    worker.pending_count = 1;
    let mut primary = deployment("PRIMARY", "worker", 3, (3, 1, 1));
    primary.rollout_state = Some("IN_PROGRESS".into());
    primary.created_at = ago(4);
    worker.deployments = vec![primary, deployment("ACTIVE", "worker", 2, (0, 1, 0))];
    worker.events.insert(
        0,
        ServiceEvent {
            id: "worker-e2".into(),
            created_at: ago(2),
            message: "(service worker) has started 1 tasks: (task 5d1c0e7a).".into(),
        },
    );
    let mut crawler = service("search-staging", "crawler", 4, 2, 0);
    let mut failed = deployment("PRIMARY", "crawler", 4, (2, 0, 0));
    failed.rollout_state = Some("FAILED".into());
    failed.rollout_state_reason = Some("tasks failed to start".into());
    failed.failed_tasks = 3;
    failed.created_at = ago(40);
    crawler.deployments = vec![failed];
    crawler.pending_count = 0;
    vec![
        service("payments-prod", "api", 2, 2, 2),
        service("payments-prod", "ledger", 2, 2, 2),
        worker,
        service("payments-prod", "notifier", 1, 2, 2),
        crawler,
        service("search-staging", "indexer", 1, 2, 2),
        service("search-staging", "query", 1, 2, 1),
        service("search-staging", "workspaces", 2, 2, 2),
    ]
}

fn task(id: &str, service: &str, live: bool, volume: Option<&str>) -> Task {
    Task {
        arn: format!("arn:aws:ecs:us-east-1:{ACCOUNT}:task/payments-prod/{id}"),
        id: id.into(),
        cluster: "payments-prod".into(),
        group: Some(format!("service:{service}")),
        started_by: Some("ecs-svc/demo".into()),
        last_status: if live { "RUNNING" } else { "STOPPED" }.into(),
        desired_status: if live { "RUNNING" } else { "STOPPED" }.into(),
        health_status: Some(if live { "HEALTHY" } else { "UNKNOWN" }.into()),
        task_definition: td_arn(service, 2),
        started_at: ago(if live { 3 * 24 * 60 } else { 50 }),
        stopped_at: if live { None } else { ago(45) },
        stopped_reason: (!live)
            .then(|| "Essential container in task exited: OutOfMemoryError".into()),
        stop_code: (!live).then(|| "EssentialContainerExited".into()),
        containers: vec![TaskContainer {
            name: "app".into(),
            image: Some(format!("{REGISTRY}/ledger:2026.11.2")),
            image_digest: Some(
                "sha256:b0c26bd54499d2e7a1f0c3b5e6d7f8091a2b3c4d5e6f708192a3b4c5d6e7f801".into(),
            ),
            last_status: Some("RUNNING".into()),
            exit_code: None,
            reason: None,
            runtime_id: Some(format!("{id}-app-0123456789")),
            exec_agent: live.then(|| "RUNNING".into()),
            network_bindings: Vec::new(),
        }],
        volumes: volume
            .map(|v| TaskVolume {
                volume_id: v.into(),
                name: Some("data".into()),
                delete_on_termination: Some(false),
            })
            .into_iter()
            .collect(),
        exec: TaskExec {
            enabled: true,
            launch_type: Some("FARGATE".into()),
            platform_version: Some("1.4.0".into()),
        },
        ..Task::default()
    }
}

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

fn volume(id: &str, size: i32, kind: &str, state: &str, days: i64, t: &[(&str, &str)]) -> Volume {
    Volume {
        id: id.into(),
        size_gib: size,
        volume_type: kind.into(),
        state: state.into(),
        create_time: ago(days * 24 * 60),
        availability_zone: Some("us-east-1a".into()),
        snapshot_id: None,
        tags: tags(t),
        attached_to: if state == "in-use" {
            vec!["i-0a1b2c3d4e5f60718".into()]
        } else {
            Vec::new()
        },
    }
}

const LEDGER: [(&str, &str); 3] = [
    ("AmazonECSCreated", "true"),
    ("aws:ecs:clusterName", "payments-prod"),
    ("aws:ecs:serviceName", "ledger"),
];

pub fn volumes() -> Vec<Volume> {
    vec![
        volume("vol-0a11ce0000000001a", 50, "gp3", "in-use", 3, &LEDGER),
        volume("vol-0a11ce0000000002b", 50, "gp3", "in-use", 3, &LEDGER),
        volume(
            "vol-0de1e7ed00000003c",
            100,
            "gp3",
            "available",
            21,
            &LEDGER,
        ),
        volume(
            "vol-0e1d100000000004d",
            500,
            "st1",
            "available",
            95,
            &[("Name", "old-logs"), ("managed-by", "terraform")],
        ),
        volume(
            "vol-0c01d00000000005e",
            1000,
            "sc1",
            "available",
            200,
            &[("Name", "cold-archive")],
        ),
        volume(
            "vol-0b0b00000000006f0",
            20,
            "gp3",
            "available",
            8,
            &[("Name", "bob-scratch")],
        ),
        volume(
            "vol-0ee900000000007a1",
            300,
            "gp3",
            "available",
            400,
            &[("Name", "compliance-hold"), ("ecsnap:keep", "legal")],
        ),
    ]
}

/// An available volume of `gib` GiB in a cleanup plan, 40 days old, with `preflight`'s
/// answer.
pub fn cleanup_volume(
    id: &str,
    gib: f64,
    monthly_cost_usd: f64,
    preflight: Preflight,
) -> CleanupItem {
    CleanupItem {
        kind: ResourceKind::Volume,
        id: id.into(),
        repository: None,
        digest: None,
        tags: Vec::new(),
        size_gib: gib,
        age_days: Some(40),
        monthly_cost_usd,
        reason: "available (attached to nothing)".into(),
        preflight: Some(preflight),
        with_digests: Vec::new(),
        recycle_bin: Some(ecsnap::analysis::recycle_bin::Recovery::Permanent),
    }
}

pub fn ledger_tasks() -> TasksData {
    TasksData {
        tasks: vec![
            task(
                "9c8be533c3fe4aaf8a67e7452bdf15ff",
                "ledger",
                true,
                Some("vol-0a11ce0000000001a"),
            ),
            task(
                "fa7455586348f4d6ea9a40b352c396df",
                "ledger",
                true,
                Some("vol-0a11ce0000000002b"),
            ),
            task("2f0e4c7ab1d94e0c9a2d5b7e1f3c6a80", "ledger", false, None),
        ],
        volumes: Ok(volumes()),
        storage: Ok(std::collections::HashMap::new()),
        targets: ecsnap::load::targets::ServiceTargets::default(),
    }
}

/// Ledger mid-rollout, 17 tasks (more than 80×24 shows): 9 of `ledger:3` and 6 of
/// `ledger:2` running, 2 of `ledger:3` stopped.
pub fn rollout_tasks() -> TasksData {
    let tasks = (0..17u32)
        .map(|i| {
            let id = format!("{:08x}{:024x}", 0x1000_0000 + i, u64::from(i) * 0x0101);
            let mut t = task(&id, "ledger", i < 15, None);
            let rev = if (9..15).contains(&i) { 2 } else { 3 };
            t.task_definition = td_arn("ledger", rev);
            t
        })
        .collect();
    TasksData {
        tasks,
        volumes: Ok(Vec::new()),
        storage: Ok(std::collections::HashMap::new()),
        targets: ecsnap::load::targets::ServiceTargets::default(),
    }
}

pub fn ledger_detail() -> DetailData {
    let td = TaskDefinition {
        arn: td_arn("ledger", 2),
        family: "ledger".into(),
        revision: 2,
        status: "ACTIVE".into(),
        registered_at: ago(3 * 24 * 60),
        containers: vec![ContainerDef {
            name: "app".into(),
            image: format!("{REGISTRY}/ledger:2026.11.2"),
            environment: vec![
                ("LOG_LEVEL".into(), "info".into()),
                ("DB_PASSWORD".into(), "demo-not-a-real-password".into()),
                ("API_TOKEN".into(), "t0k3n".into()),
            ],
            essential: true,
            log_configuration: None,
            ..ContainerDef::default()
        }],
        ..TaskDefinition::default()
    };
    DetailData::new(td, &ledger_tasks().tasks)
}

fn digest(seed: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in seed.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("sha256:{h:016x}{h:016x}{h:016x}{h:016x}")
}

pub fn images() -> Vec<Image> {
    const TIMES: [&str; 6] = [
        "20261115T0800",
        "20261116T0815",
        "20261118T1830",
        "20261120T0815",
        "20261121T2200",
        "20261122T0930",
    ];
    let mut out = Vec::new();
    for (ui, user) in ["alice", "bob", "carol"].iter().enumerate() {
        for (ti, ts) in TIMES.iter().enumerate() {
            let tag = format!("{user}-{ts}");
            let mut tags = vec![tag.clone()];
            if ti == 5 {
                tags.push(format!("{user}-latest"));
            }
            out.push(Image {
                repository: "workspaces".into(),
                digest: digest(&tag),
                tags,
                pushed_at: ago((8 - ti as i64) * 24 * 60 + ui as i64 * 7),
                size_bytes: 310_000_000 + ui as i64 * 97_000_000 + ti as i64 * 23_500_000,
                ..Default::default()
            });
        }
    }
    out.push(Image {
        repository: "workspaces".into(),
        digest: digest("base"),
        tags: vec!["base-2026.11".into()],
        pushed_at: ago(20 * 24 * 60),
        size_bytes: 250_000_000,
        ..Default::default()
    });
    for (i, tag) in ["2026.11.1", "2026.11.2"].iter().enumerate() {
        out.push(Image {
            repository: "ledger".into(),
            digest: digest(tag),
            tags: vec![(*tag).to_string()],
            pushed_at: ago((10 - i as i64 * 5) * 24 * 60),
            size_bytes: 140_000_000,
            ..Default::default()
        });
    }
    out
}

pub fn snapshot_groups() -> Vec<UserTags> {
    let mut in_use = InUse::default();
    in_use.add_reference(&format!("{REGISTRY}/workspaces:alice-20261120T0815"));
    in_use.add_reference(&format!("{REGISTRY}/workspaces:bob-20261122T0930"));
    in_use.add_reference(&format!("{REGISTRY}/ledger:2026.11.2"));
    attach_resume_tags(
        group_by_user(&images(), &TagPattern::default(), &in_use),
        "{user}-latest",
    )
}

/// A completed snapshot of the account, `days` old, of `volume`, with no description and
/// no tags.
fn snapshot(id: &str, volume: &str, gib: i32, days: i64) -> Snapshot {
    Snapshot {
        id: id.into(),
        volume_id: Some(volume.into()),
        size_gib: gib,
        state: "completed".into(),
        start_time: ago(days * 24 * 60),
        owner_id: Some(ACCOUNT.into()),
        description: None,
        tags: BTreeMap::new(),
        ..Snapshot::default()
    }
}

pub fn orphan_report() -> OrphanReport {
    let snapshots = vec![
        Snapshot {
            description: Some("pre-upgrade".into()),
            tags: tags(&[("Name", "pre-upgrade")]),
            ..snapshot("snap-0aa0000000000001a", "vol-0900000000000dead", 100, 60)
        },
        Snapshot {
            description: Some("nightly ledger backup".into()),
            ..snapshot("snap-0bb0000000000002b", "vol-0a11ce0000000001a", 50, 1)
        },
        snapshot("snap-0cc0000000000003c", "vol-0900000000000beef", 15, 30),
    ];
    let amis = vec![Ami {
        id: "ami-0123456789abcdef0".into(),
        name: Some("ecs-host-golden-2026-11".into()),
        state: Some("available".into()),
        snapshot_ids: vec!["snap-0cc0000000000003c".into()],
    }];
    let settings = Settings::default();
    // ecsnap saw one volume unattached on an earlier run; the others are new to it.
    let since: std::collections::HashMap<String, chrono::DateTime<chrono::Utc>> = [(
        "vol-0c01d00000000005e".to_string(),
        now() - chrono::Duration::days(12),
    )]
    .into_iter()
    .collect();
    find_orphans(
        &volumes(),
        &snapshots,
        &amis,
        &[],
        &OrphanRules {
            protection_tag: &settings.protection_tag,
            min_age_days: None,
            account: Some(ACCOUNT),
            prices: &settings.prices,
            now: now(),
            unattached_days: None,
            available_since: Some(&since),
        },
    )
}

/// The header of a console on profile `profile` in us-east-1, before the identity is known.
pub fn header(profile: &str) -> HeaderInfo {
    HeaderInfo {
        profile: Some(profile.into()),
        region: "us-east-1".into(),
        account: None,
        account_error: None,
        endpoint: None,
    }
}

/// The identity answer of the on-call user in `ACCOUNT`.
pub fn identity() -> Msg {
    Msg::Identity(Ok(CallerIdentity {
        account: ACCOUNT.into(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/oncall"),
    }))
}

/// A fresh console with nothing loaded yet (loads started, as at start-up).
pub fn empty_state() -> AppState {
    let mut s = AppState::new(Settings::default(), header("demo"), false, now());
    s.page = 10;
    let _ = init(&mut s);
    s
}

pub fn deliver(state: &mut AppState, msg: Msg) {
    let _ = update(state, Event::Msg(msg));
}

/// The generation of the dialog open now.
pub fn generation(s: &AppState) -> u64 {
    s.modal.as_ref().map(|m| m.generation).expect("a dialog")
}

/// Delivers `answer` to the dialog open now; returns the dialog's generation.
pub fn reply(s: &mut AppState, answer: DialogAnswer) -> u64 {
    let g = generation(s);
    deliver(s, dialog(g, answer));
    g
}

/// A dialog's answer as it arrives for the dialog of generation `generation`.
pub fn dialog(generation: u64, answer: DialogAnswer) -> Msg {
    Msg::Dialog { generation, answer }
}

/// A pane listing's answer (one place) as it arrives for loader generation `generation`.
pub fn listing(generation: u64, answer: Listing) -> Msg {
    Msg::Listing {
        place: None,
        generation,
        answer,
    }
}

/// Delivers the pane listing `answer` (one place) at its pane loader's generation.
pub fn listed(s: &mut AppState, answer: Listing) {
    let generation = match &answer {
        Listing::ServicesPart { .. }
        | Listing::Services(_)
        | Listing::ServicesWhy(_)
        | Listing::ServicesAlarms(_) => s.services.loader.generation,
        Listing::Snapshots(_) => s.snapshots.loader.generation,
        Listing::Orphans(_) => s.orphans.loader.generation,
    };
    deliver(s, listing(generation, answer));
}

/// Another pane load's answer as it arrives for loader generation `generation`.
pub fn pane(generation: u64, answer: PaneAnswer) -> Msg {
    Msg::Pane { generation, answer }
}

/// The Logs view's answer as it arrives for the view's generation `generation`.
pub fn logs_msg(generation: u64, answer: LogsAnswer) -> Msg {
    Msg::Logs { generation, answer }
}

/// A stopped task of `task_definition` whose essential container, app, was killed for
/// its memory (exit 137).
pub fn oom_task(id: &str, task_definition: String) -> Task {
    Task {
        id: id.into(),
        task_definition,
        last_status: "STOPPED".into(),
        desired_status: "STOPPED".into(),
        stopped_reason: Some("Essential container in task exited".into()),
        containers: vec![TaskContainer {
            name: "app".into(),
            exit_code: Some(137),
            reason: Some("OutOfMemoryError: Container killed due to memory usage".into()),
            ..TaskContainer::default()
        }],
        ..Task::default()
    }
}

/// Every pane loaded with the fixture fleet; the Tasks and Detail panes on ledger.
pub fn loaded_state() -> AppState {
    let mut s = empty_state();
    deliver(&mut s, identity());
    listed(&mut s, Listing::Services(Ok(services())));
    listed(&mut s, Listing::Snapshots(Ok(snapshot_groups())));
    listed(&mut s, Listing::Orphans(Ok(orphan_report())));
    let target = ecsnap::tui::state::service_ref::ServiceRef::new(None, "payments-prod", "ledger");
    s.tasks.retarget(target.clone());
    let g = s.tasks.loader.start(now());
    deliver(&mut s, pane(g, PaneAnswer::Tasks(Ok(ledger_tasks()))));
    s.detail.retarget(target);
    let g = s.detail.loader.start(now());
    deliver(&mut s, pane(g, PaneAnswer::Detail(Ok(ledger_detail()))));
    s
}

/// Draws the state into a TestBackend and returns its text, lines trimmed.
pub fn render(state: &AppState, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|f| view::draw(f, state))
        .expect("draw into the test backend");
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..height {
        let line: String = (0..width).map(|x| buf[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The last line of the screen at `width`×`height` (the footer).
pub fn footer(state: &AppState, width: u16, height: u16) -> String {
    render(state, width, height)
        .lines()
        .nth(usize::from(height) - 1)
        .unwrap_or_default()
        .to_string()
}

/// Asserts that the console's message (the footer's note) holds `part`.
#[track_caller]
pub fn assert_says(state: &AppState, part: &str) {
    assert!(
        state.message.as_deref().is_some_and(|m| m.contains(part)),
        "{part:?} is not in the message {:?}",
        state.message
    );
}

/// One key press without modifiers.
pub fn key(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(state, Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

// ---- service deployments (the Deployments pane, ECS's own rollback and continue) ------

pub fn deployment_arn(id: &str) -> String {
    format!("arn:aws:ecs:us-east-1:{ACCOUNT}:service-deployment/payments-prod/worker/{id}")
}

pub fn revision_arn(id: &str) -> String {
    format!("arn:aws:ecs:us-east-1:{ACCOUNT}:service-revision/payments-prod/worker/{id}")
}

fn revision_count(id: &str, running: i32, requested: i32, weight: Option<f64>) -> RevisionCount {
    RevisionCount {
        arn: revision_arn(id),
        requested,
        running,
        pending: requested - running,
        test_traffic_weight: weight,
        production_traffic_weight: weight,
    }
}

/// worker's canary deployment d-canary (worker:2 → worker:3), 10% of the traffic shifted,
/// paused at the PAUSE hook hook-pause-1 that expires 6m40s after `now()` and then rolls
/// back by itself.
pub fn paused_canary() -> ServiceDeployment {
    ServiceDeployment {
        arn: deployment_arn("d-canary"),
        status: ServiceDeploymentStatus::InProgress,
        strategy: Some(DeploymentStrategy::Canary),
        bake_time_minutes: Some(10),
        lifecycle_stage: Some(DeploymentLifecycleStage::PostTestTrafficShift),
        source_revisions: vec![revision_count("r-2", 3, 3, Some(90.0))],
        target_revision: Some(revision_count("r-3", 1, 1, Some(10.0))),
        circuit_breaker: Some(CircuitBreakerState {
            status: RollbackMonitorStatus::Monitoring,
            failure_count: 0,
            threshold: 3,
        }),
        alarms: Some(AlarmState {
            status: RollbackMonitorStatus::Monitoring,
            names: vec!["worker-5xx".into()],
            triggered: Vec::new(),
        }),
        hooks: vec![LifecycleHookDetail {
            hook_id: Some("hook-pause-1".into()),
            target_type: Some("PAUSE".into()),
            status: LifecycleHookStatus::AwaitingAction,
            expires_at: Some(now() + Duration::seconds(400)),
            timeout_action: Some(LifecycleHookAction::Rollback),
            ..LifecycleHookDetail::default()
        }],
        created_at: ago(4),
        started_at: ago(4),
        ..ServiceDeployment::default()
    }
}

/// worker's rolling deployment d-bad (worker:2 → worker:3), rolling back after its
/// circuit breaker and an alarm went off.
pub fn rolling_back() -> ServiceDeployment {
    ServiceDeployment {
        arn: deployment_arn("d-bad"),
        status: ServiceDeploymentStatus::RollbackInProgress,
        status_reason: Some("ECS deployment circuit breaker: tasks failed to start.".into()),
        strategy: Some(DeploymentStrategy::Rolling),
        lifecycle_stage: Some(DeploymentLifecycleStage::ScaleUp),
        source_revisions: vec![revision_count("r-2", 2, 3, None)],
        target_revision: Some(revision_count("r-3", 0, 3, None)),
        circuit_breaker: Some(CircuitBreakerState {
            status: RollbackMonitorStatus::Triggered,
            failure_count: 3,
            threshold: 3,
        }),
        alarms: Some(AlarmState {
            status: RollbackMonitorStatus::Triggered,
            names: vec!["worker-5xx".into()],
            triggered: vec!["worker-5xx".into()],
        }),
        rollback: Some(DeploymentRollback {
            reason: Some("circuit breaker triggered".into()),
            started_at: ago(1),
            service_revision_arn: Some(revision_arn("r-2")),
        }),
        created_at: ago(30),
        started_at: ago(30),
        ..ServiceDeployment::default()
    }
}

/// worker's first, finished deployment d-first (→ worker:2).
pub fn successful_deployment() -> ServiceDeployment {
    ServiceDeployment {
        arn: deployment_arn("d-first"),
        status: ServiceDeploymentStatus::Successful,
        strategy: Some(DeploymentStrategy::Rolling),
        target_revision: Some(revision_count("r-2", 3, 3, None)),
        created_at: ago(3 * 24 * 60),
        started_at: ago(3 * 24 * 60),
        finished_at: ago(3 * 24 * 60 - 6),
        ..ServiceDeployment::default()
    }
}

/// A service revision of worker: its task definition and the app image by digest.
pub fn worker_revision(id: &str, td_rev: i32, digest_seed: &str) -> ServiceRevision {
    ServiceRevision {
        arn: revision_arn(id),
        task_definition: td_arn("worker", td_rev),
        images: vec![RevisionImage {
            container: "app".into(),
            image: format!("{REGISTRY}/worker:v1.{td_rev}.0"),
            digest: Some(digest(digest_seed)),
        }],
        ..ServiceRevision::default()
    }
}

/// worker's history: `first` newest, then d-first; with revisions r-2 and r-3 described.
pub fn deployment_history(first: ServiceDeployment) -> DeploymentsData {
    let revisions = [
        worker_revision("r-2", 2, "worker-2"),
        worker_revision("r-3", 3, "worker-3"),
    ]
    .into_iter()
    .map(|r| (r.arn.clone(), r))
    .collect();
    DeploymentsData {
        deployments: vec![first, successful_deployment()],
        revisions,
        revisions_note: None,
    }
}
