//! Target health and alarms in the console: the Tasks pane's TG column (the worst target
//! of each task, with AWS's reason code) and the selected task's target line; Detail's
//! target groups with their counts and every target mapped to its task, and the service's
//! alarms; an alarm in ALARM sorts its service up and is its why; alarms that cannot be
//! read say so in one line naming `cloudwatch:DescribeAlarms`.

use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{deliver, ledger_detail, ledger_tasks, listed, loaded_state, pane, render};
use crate::navigation::service_names;
use ecsnap::load::targets::ServiceTargets;
use ecsnap::model::{Alarm, TargetHealth};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::msg::{Listing, PaneAnswer};
use ecsnap::tui::state::pane_id::PaneId;

const TG: &str =
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ledger-tg/6d0ecf831eec9f09";

fn target(ip: &str, state: &str, reason: Option<(&str, &str)>) -> TargetHealth {
    TargetHealth {
        target_group_arn: TG.into(),
        target_id: ip.into(),
        port: Some(8080),
        state: state.into(),
        reason: reason.map(|r| r.0.into()),
        description: reason.map(|r| r.1.into()),
    }
}

/// Ledger's two running tasks behind `ledger-tg`: the first healthy, the second failing
/// its health checks with 503s.
fn ledger_targets() -> ServiceTargets {
    ServiceTargets {
        target_groups: vec![TG.into()],
        targets: vec![
            target("10.0.1.5", "healthy", None),
            target(
                "10.0.1.6",
                "unhealthy",
                Some((
                    "Target.ResponseCodeMismatch",
                    "Health checks failed with these codes: [503]",
                )),
            ),
        ],
        instances: Vec::new(),
        errors: Vec::new(),
    }
}

fn with_targets(s: &mut AppState) {
    let mut data = ledger_tasks();
    data.tasks[0].private_ip = Some("10.0.1.5".into());
    data.tasks[1].private_ip = Some("10.0.1.6".into());
    let tasks = data.tasks.clone();
    data.targets = ledger_targets();
    let g = s.tasks.loader.start(crate::fixtures::now());
    deliver(s, pane(g, PaneAnswer::Tasks(Ok(data))));
    let mut detail = ledger_detail();
    detail.set_targets(ledger_targets(), &tasks);
    let g = s.detail.loader.start(crate::fixtures::now());
    deliver(s, pane(g, PaneAnswer::Detail(Ok(detail))));
}

fn alarm(name: &str, state: &str, reason: &str) -> Alarm {
    Alarm {
        name: name.into(),
        state: state.into(),
        reason: Some(reason.into()),
        namespace: Some("AWS/ECS".into()),
        dimensions: vec![
            ("ClusterName".into(), "payments-prod".into()),
            ("ServiceName".into(), "ledger".into()),
        ],
        updated_at: None,
    }
}

fn ledger_alarms(s: &mut AppState) {
    listed(
        s,
        Listing::ServicesAlarms(Ok(vec![
            alarm(
                "ledger-cpu-high",
                "OK",
                "Threshold Crossed: no datapoints were above 90.0.",
            ),
            alarm(
                "ledger-5xx",
                "ALARM",
                "Threshold Crossed: 1 datapoint [42.0] was greater than the threshold (5.0).",
            ),
        ])),
    );
}

#[test]
fn tasks_show_each_tasks_target_health_in_the_tg_column() {
    let mut s = loaded_state();
    with_targets(&mut s);
    s.pane = PaneId::Tasks;
    let screen = render(&s, 120, 40);
    assert_has_all(
        &screen,
        &["TG", "unhealthy ResponseCodeMismatch", "healthy"],
    );
    assert_screens!("health_tasks", screen, s);
    // At 80 columns the health states are whole (`HEALTHY`, never the word `HEALTH`), and a
    // target's reason cut to its column ends in `…`.
    let narrow = render(&s, 80, 24);
    assert_lacks(&narrow, "RUNNING HEALTH ");
    assert_has_all(
        &narrow,
        &["RUNNING HEALTHY", "STOPPED UNKNOWN", "unhealthy Re"],
    );
    assert!(narrow.contains("…│"), "{narrow}");
}

#[test]
fn a_service_without_target_groups_has_no_tg_column() {
    let mut s = loaded_state();
    s.pane = PaneId::Tasks;
    assert_lacks(&render(&s, 120, 40), " TG");
}

#[test]
fn detail_lists_target_groups_targets_with_their_tasks_and_alarms() {
    let mut s = loaded_state();
    with_targets(&mut s);
    ledger_alarms(&mut s);
    s.pane = PaneId::Detail;
    let screen = render(&s, 120, 40);
    assert_has_all(
        &screen,
        &[
            "ledger-tg  1 healthy · 1 unhealthy",
            "10.0.1.6:8080 (task fa7455586348f4d6ea9a40b352c396df) unhealthy — \
         Target.ResponseCodeMismatch: Health checks",
            "failed with these codes: [503]",
            "ALARM             ledger-5xx",
            "OK                ledger-cpu-high",
        ],
    );
    // Steady, but its alarm is in ALARM: that is its why, at the head of Detail.
    assert_has(&screen, "ledger: steady · alarm ledger-5xx in ALARM");
    assert_screens!("health_detail", screen, s);
}

#[test]
fn an_alarm_in_alarm_sorts_its_service_up_and_is_its_why() {
    let mut s = loaded_state();
    let before = service_names(&s);
    assert_ne!(before[0], "ledger", "{before:?}");
    ledger_alarms(&mut s);
    let first = s.services.list.visible_rows().next().expect("a row");
    assert_eq!(first.service.name, "ledger");
    let screen = render(&s, 80, 24);
    assert_has_all(
        &screen,
        &[
            "ledger: steady · alarm ledger-5xx in ALARM",
            "Threshold Crossed: 1 datapoint [42.0]",
        ],
    );
}

#[test]
fn alarms_that_cannot_be_read_say_which_permission() {
    let mut s = loaded_state();
    listed(
        &mut s,
        Listing::ServicesAlarms(Err(
            "alarms unreadable: access denied: cloudwatch:DescribeAlarms in us-east-1".into(),
        )),
    );
    s.pane = PaneId::Detail;
    let screen = render(&s, 120, 40);
    assert_has(
        &screen,
        "✗ alarms unreadable: access denied: cloudwatch:DescribeAlarms",
    );
}

#[test]
fn target_health_that_cannot_be_read_says_which_permission() {
    let mut s = loaded_state();
    let mut data = ledger_tasks();
    data.targets = ServiceTargets {
        target_groups: vec![TG.into()],
        errors: vec![
            "target health of ledger-tg: access denied: elasticloadbalancing:DescribeTargetHealth"
                .into(),
        ],
        ..ServiceTargets::default()
    };
    let g = s.tasks.loader.start(crate::fixtures::now());
    deliver(&mut s, pane(g, PaneAnswer::Tasks(Ok(data))));
    s.pane = PaneId::Tasks;
    let screen = render(&s, 120, 40);
    assert_has(&screen, "elasticloadbalancing:DescribeTargetHealth");
}
