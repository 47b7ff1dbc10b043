//! Closing the wait view stops following the new volumes' initialization: the console's
//! watch (`tui::run::wait::started_then_wait`: the rollout, then the volumes) runs in the
//! dialog's action task, and closing the view cancels that task (`Effect::CancelAction`,
//! the runner aborts the task of the action slot). Against aws-smithy-mocks, on a clock
//! whose sleeps end only when the test lets them: after the cancel, no DescribeVolumeStatus
//! is sent however long the clock runs; without it, the next look goes out.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_ec2::operation::describe_volume_status::DescribeVolumeStatusOutput;
use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
use aws_sdk_ecs::types as sdk;
use aws_smithy_mocks::{Rule, mock};
use ecsnap::model::Service;
use ecsnap::ops::redeploy::Started;
use ecsnap::ops::rollback::Initialization;
use ecsnap::ops::wait::Clock;
use ecsnap::tui::run::wait::started_then_wait;
use ecsnap::tui::state::msg::{DialogAnswer, Msg};
use tokio::sync::Semaphore;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::answers::{no_service_deployments_operation, no_tasks};
use crate::hydration::{service_volumes, status};
use crate::mocked::clients;

const TD: &str = "arn:aws:ecs:eu-west-1:123456789012:task-definition/ledger:3";

/// A clock whose every sleep waits for a pass the test hands out (`open`), then moves
/// time forward: nothing sleeps for real, and nothing runs past a sleep unless let.
struct GateClock {
    now: Mutex<Duration>,
    passes: Semaphore,
}

impl GateClock {
    fn shut() -> Self {
        Self {
            now: Mutex::default(),
            passes: Semaphore::new(0),
        }
    }

    fn open(&self, sleeps: usize) {
        self.passes.add_permits(sleeps);
    }
}

#[async_trait]
impl Clock for GateClock {
    fn elapsed(&self) -> Duration {
        self.now.lock().map(|n| *n).unwrap_or_default()
    }
    async fn sleep(&self, d: Duration) {
        if let Ok(pass) = self.passes.acquire().await {
            pass.forget();
        }
        if let Ok(mut n) = self.now.lock() {
            *n += d;
        }
    }
}

/// DescribeServices: c1/ledger stable on the rolled-back revision at the first poll.
fn stable() -> Rule {
    mock!(aws_sdk_ecs::Client::describe_services).then_output(|| {
        let d = sdk::Deployment::builder()
            .id("ecs-svc/3")
            .status("PRIMARY")
            .task_definition(TD)
            .desired_count(1)
            .running_count(1)
            .rollout_state(sdk::DeploymentRolloutState::Completed)
            .build();
        DescribeServicesOutput::builder()
            .services(
                sdk::Service::builder()
                    .service_name("ledger")
                    .cluster_arn("arn:aws:ecs:eu-west-1:123456789012:cluster/c1")
                    .status("ACTIVE")
                    .task_definition(TD)
                    .desired_count(1)
                    .running_count(1)
                    .deployments(d)
                    .build(),
            )
            .build()
    })
}

/// DescribeVolumeStatus: vol-new at 40 % at every look (an hour of looks if let).
fn forty_percent() -> Rule {
    mock!(aws_sdk_ec2::Client::describe_volume_status)
        .match_requests(|r| r.volume_ids() == ["vol-new"])
        .sequence()
        .output(|| {
            DescribeVolumeStatusOutput::builder()
                .volume_statuses(status("vol-new", 40, 3000))
                .build()
        })
        .repeatedly()
        .build()
}

fn started() -> Started {
    Started {
        service: Service {
            cluster: "c1".into(),
            name: "ledger".into(),
            task_definition: TD.into(),
            ..Service::default()
        },
        deployment_id: Some("ecs-svc/3".into()),
        task_definition: TD.into(),
    }
}

/// The looks at the volumes' initialization received so far (`ended` of each).
fn looks_so_far(rx: &mut UnboundedReceiver<Msg>) -> Vec<bool> {
    let mut looks = Vec::new();
    while let Ok(msg) = rx.try_recv() {
        if let Msg::Dialog {
            answer: DialogAnswer::Hydration { ended, .. },
            ..
        } = msg
        {
            looks.push(ended);
        }
    }
    looks
}

/// Waits for the first look at the volumes (the rollout was stable at the first poll).
async fn first_look(rx: &mut UnboundedReceiver<Msg>) {
    loop {
        match rx.recv().await {
            Some(Msg::Dialog {
                answer: DialogAnswer::Hydration { ended, .. },
                ..
            }) => {
                assert!(!ended, "still initializing at the first look");
                return;
            }
            Some(_) => {}
            None => panic!("the watch ended before it looked at the volumes"),
        }
    }
}

/// Runs the console's watch of a stable EBS-snapshot rollback of c1/ledger to its first
/// look at the new volume; `cancel` closes the wait view there. Then lets the clock run
/// for `sleeps` sleeps and returns the DescribeVolumeStatus calls and the looks after.
async fn watch_then(cancel: bool, sleeps: usize) -> (usize, Vec<bool>) {
    let (services, tasks, deployments) = (stable(), no_tasks(), no_service_deployments_operation());
    let (volumes, polls) = (service_volumes(), forty_percent());
    let aws = clients(&[&services, &tasks, &deployments], &[], &[&volumes, &polls]);
    let clock = Arc::new(GateClock::shut());
    let (tx, mut rx) = unbounded_channel();
    let watch_clock = clock.clone();
    let task = tokio::spawn(async move {
        let init = Initialization {
            size_gib: 100,
            rate_mibps: Some(300),
        };
        let clock: &GateClock = &watch_clock;
        started_then_wait(&aws, clock, 7, Ok(started()), &tx, Some(init)).await
    });
    first_look(&mut rx).await;
    assert_eq!(polls.num_calls(), 1, "one look so far");
    if cancel {
        // What the runner does with the Effect::CancelAction closing the view returns.
        task.abort();
        let ended = task.await;
        assert!(
            ended.is_err_and(|e| e.is_cancelled()),
            "the watch was cancelled"
        );
    }
    clock.open(sleeps);
    for _ in 0..sleeps {
        if !cancel {
            // Each pass lets one more look out: wait for it.
            first_look(&mut rx).await;
        }
    }
    (polls.num_calls(), looks_so_far(&mut rx))
}

#[tokio::test]
async fn closing_the_wait_view_sends_no_more_describe_volume_status() {
    let (calls, looks) = watch_then(true, 720).await;
    assert_eq!(calls, 1, "no DescribeVolumeStatus after the view closed");
    assert!(looks.is_empty(), "no look after the view closed: {looks:?}");
}

#[tokio::test]
async fn while_the_wait_view_is_open_each_interval_looks_again() {
    let (calls, _) = watch_then(false, 2).await;
    assert_eq!(calls, 3, "the first look and one a pass");
}
