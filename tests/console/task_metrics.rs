//! Task-level metrics in the console: a task listing asks for its tasks' own metrics
//! (Container Insights with enhanced observability) with a generation of its own; the
//! Tasks pane shows CPU and MEM sparkline columns where the row has room (120 columns,
//! never at the ids' cost at 80) and the selected task's line under the table; without
//! enhanced observability, no column and one line saying how to turn it on; a stale
//! answer is dropped and a failed read is one line.

use crate::asserts::{assert_has, assert_has_all, assert_lacks};
use crate::fixtures::{deliver, ledger_tasks, loaded_state, now, pane, render};
use crate::metrics::usage;
use chrono::Duration;
use ecsnap::analysis::metrics::{MetricSource, ServiceMetrics, Usage};
use ecsnap::analysis::task_metrics::{TaskKey, TaskMetrics};
use ecsnap::tui::run::effect::{Effect, Load, Work};
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::msg::{Event, PaneAnswer};
use ecsnap::tui::state::pane_id::PaneId;
use ecsnap::tui::update::app::update;

const FIRST: &str = "9c8be533c3fe4aaf8a67e7452bdf15ff";
const SECOND: &str = "fa7455586348f4d6ea9a40b352c396df";

/// A ledger task's metrics: `memory` percents of 512 MiB, CPU flat at a quarter.
fn task(id: &str, memory: Option<&[f64]>) -> TaskMetrics {
    let (source, memory, cpu) = match memory {
        Some(m) => (
            MetricSource::ContainerInsights,
            usage(m, Some(512.0), "MiB"),
            usage(&[25.0; 12], Some(256.0), "CPU units"),
        ),
        None => (MetricSource::NoData, Usage::default(), Usage::default()),
    };
    TaskMetrics {
        task: TaskKey {
            family: "ledger".into(),
            task_id: id.into(),
        },
        metrics: ServiceMetrics {
            cluster: "payments-prod".into(),
            service: id.into(),
            source,
            start: now() - Duration::hours(1),
            end: now(),
            period_secs: 60,
            cpu,
            memory,
            ebs: None,
            raw: Vec::new(),
        },
    }
}

const CLIMB: [f64; 12] = [
    40.0, 45.0, 52.0, 60.0, 68.0, 75.0, 82.0, 88.0, 93.0, 96.0, 97.0, 98.0,
];

fn answer(s: &mut AppState, generation: u64, answer: Result<Vec<TaskMetrics>, String>) {
    deliver(
        s,
        crate::fixtures::pane(generation, PaneAnswer::TaskMetrics(answer)),
    );
}

fn tasks_pane() -> AppState {
    let mut s = loaded_state();
    s.pane = PaneId::Tasks;
    s
}

#[test]
fn a_task_listing_asks_for_its_tasks_metrics_with_a_generation_of_its_own() {
    let mut s = tasks_pane();
    let before = s.tasks.metrics.loader.generation;
    let g = s.tasks.loader.start(now());
    let effects = update(
        &mut s,
        Event::Msg(pane(g, PaneAnswer::Tasks(Ok(ledger_tasks())))),
    );
    let asked: Vec<(&String, &Vec<TaskKey>)> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Run(Work::Load(Load::TaskMetrics {
                generation,
                cluster,
                tasks,
                start,
                end,
            })) => {
                assert_eq!(*generation, before + 1);
                assert_eq!(*end - *start, Duration::hours(1));
                Some((cluster, tasks))
            }
            _ => None,
        })
        .collect();
    assert_eq!(asked.len(), 1, "{effects:?}");
    assert_eq!(asked[0].0, "payments-prod");
    let ids: Vec<&str> = asked[0].1.iter().map(|k| k.task_id.as_str()).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.contains(&FIRST) && ids.contains(&SECOND), "{ids:?}");
    assert!(asked[0].1.iter().all(|k| k.family == "ledger"));
}

#[test]
fn tasks_show_each_tasks_sparklines_and_the_selected_tasks_line() {
    let mut s = tasks_pane();
    let g = s.tasks.metrics.loader.generation;
    let before = render(&s, 120, 40);
    assert_lacks(&before, " MEM");
    answer(
        &mut s,
        g,
        Ok(vec![
            task(FIRST, Some(&CLIMB)),
            task(SECOND, Some(&[30.0; 12])),
        ]),
    );
    let wide = render(&s, 120, 40);
    assert_has_all(&wide, &[" CPU ", " MEM", FIRST]);
    let selected = s
        .tasks
        .list
        .selected_row()
        .map(|r| r.task.id.clone())
        .unwrap_or_default();
    if selected == FIRST {
        assert_has(
            &wide,
            "task mem ▃▄▄▅▅▆▇▇▇███ 98% of 512 MiB · cpu ▂▂▂▂▂▂▂▂▂▂▂▂ 25% of 256 CPU units",
        );
    } else {
        assert_has(&wide, "task mem ▃▃▃▃▃▃▃▃▃▃▃▃ 30% of 512 MiB");
    }
    insta::assert_snapshot!("task_metrics_tasks_120x40", wide);
    // At 80 columns the ids keep their room: no sparkline column, the line stays.
    let narrow = render(&s, 80, 24);
    assert_lacks(&narrow, " MEM");
    assert_has(&narrow, "task mem ");
    insta::assert_snapshot!("task_metrics_tasks_80x24", narrow);
}

#[test]
fn without_enhanced_observability_there_is_no_column_and_one_note() {
    let mut s = tasks_pane();
    let g = s.tasks.metrics.loader.generation;
    answer(&mut s, g, Ok(vec![task(FIRST, None), task(SECOND, None)]));
    let screen = render(&s, 120, 40);
    assert_lacks(&screen, " MEM");
    assert_has(
        &screen,
        "task metrics: none — Container Insights' enhanced observability is off in \
         payments-prod (containerInsights=enhanced)",
    );
    assert_lacks(&screen, "✗");
}

#[test]
fn a_stale_answer_is_dropped_and_a_failed_read_is_one_line() {
    let mut s = tasks_pane();
    let g = s.tasks.metrics.loader.generation;
    answer(
        &mut s,
        g.wrapping_sub(1),
        Ok(vec![task(FIRST, Some(&CLIMB))]),
    );
    assert!(s.tasks.metrics.by_task.is_empty());
    answer(
        &mut s,
        g,
        Err("reading metrics in us-east-1: AccessDenied (needs cloudwatch:GetMetricData)".into()),
    );
    let screen = render(&s, 120, 40);
    assert_has(
        &screen,
        "task metrics: reading metrics in us-east-1: AccessDenied (needs cloudwatch:GetMetricData)",
    );
    assert_lacks(&screen, " MEM");
    assert_has(&screen, FIRST);
}

#[test]
fn detail_of_the_same_service_lists_each_tasks_own_line() {
    let mut s = tasks_pane();
    let g = s.tasks.metrics.loader.generation;
    answer(
        &mut s,
        g,
        Ok(vec![task(FIRST, Some(&CLIMB)), task(SECOND, None)]),
    );
    s.pane = PaneId::Detail;
    let screen = render(&s, 120, 40);
    assert_has(
        &screen,
        "Tasks' own metrics (enhanced observability, last hour)",
    );
    assert_has(&screen, &format!("{FIRST} mem ▃▄▄▅▅▆▇▇▇███ 98% of 512 MiB"));
    assert_lacks(&screen, &format!("{SECOND} mem"));
}
