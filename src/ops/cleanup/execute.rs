//! Executes a confirmed cleanup plan — exactly its items, never more. Each resource's
//! safety is re-checked against fresh state first (still there, `available`, not
//! protected, not backing an AMI, not in use); deletes run with bounded concurrency; a
//! throttling / network / 5xx failure stops new deletes from starting (no retry storm);
//! every item ends as done, skipped (why) or failed (error) — after a lost answer as the
//! `Mutator` settled it (done "confirmed after a lost answer", failed, or failed
//! "unknown: …"), and a resource already gone as skipped "already gone". A failed audit
//! write stops the run: nothing more is sent, the rest is failed "not sent: …". An interrupt
//! (`ExecuteOptions::interrupt`, or the `Mutator`'s) stops new items from starting: they
//! end as skipped "not started: interrupted", while those in flight finish and are recorded.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use futures::{StreamExt, stream};

use super::images::ImageState;
use super::plan::{CleanupItem, CleanupPlan};
use crate::analysis::orphans::{SnapshotGuards, retain_until, safety_snapshot_tags};
use crate::aws::AwsClients;
use crate::config::{Settings, now};
use crate::error::{AwsErrorKind, Error, Result};
use crate::model::{ResourceKind, SnapshotState, VolumeState};
use crate::ops::guard::{Mutator, Settled};
use crate::ops::interrupt::{Interrupt, NOT_STARTED};
use crate::ops::wait::Clock;

/// Tag keys put on a snapshot taken before a volume is deleted.
pub use crate::analysis::orphans::{RETAIN_UNTIL_TAG, SOURCE_VOLUME_TAG};

#[derive(Debug, Clone)]
pub struct ExecuteOptions {
    /// Deletes in flight at once.
    pub concurrency: usize,
    /// How long a snapshot-before-delete may take to complete.
    pub snapshot_timeout: Duration,
    pub snapshot_poll: Duration,
    /// Once triggered (Ctrl-C, SIGTERM, the console's Ctrl-C), no new item starts: the
    /// rest are skipped "not started: interrupted"; what is in flight finishes.
    pub interrupt: Interrupt,
}

impl Default for ExecuteOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            snapshot_timeout: Duration::from_mins(30),
            snapshot_poll: Duration::from_secs(5),
            interrupt: Interrupt::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    Done,
    Skipped,
    Failed,
}

impl ItemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Done => "done",
            ItemStatus::Skipped => "skipped",
            ItemStatus::Failed => "failed",
        }
    }
}

/// What happened to one planned resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemResult {
    pub id: String,
    pub kind: ResourceKind,
    pub status: ItemStatus,
    /// Why it was skipped, the error, or (done) what else happened.
    pub detail: Option<String>,
    /// The snapshot taken before deleting a volume.
    pub snapshot_id: Option<String>,
}

impl ItemResult {
    /// Whether this item was never sent (see [`not_sent`]).
    pub fn was_not_sent(&self) -> bool {
        self.status == ItemStatus::Failed
            && self
                .detail
                .as_deref()
                .is_some_and(|d| d.starts_with(NOT_SENT))
    }

    fn new(item: &CleanupItem, status: ItemStatus, detail: Option<String>) -> Self {
        Self {
            id: item.id.clone(),
            kind: item.kind,
            status,
            detail,
            snapshot_id: None,
        }
    }
}

/// How a result that was never sent starts its detail.
const NOT_SENT: &str = "not sent: ";

/// Every item of `plan` as failed without being sent (`why`: what stopped the plan before
/// its first request, e.g. a session that could not be opened in its place).
pub fn not_sent(plan: &CleanupPlan, why: &str) -> Vec<ItemResult> {
    plan.items
        .iter()
        .map(|item| ItemResult::new(item, ItemStatus::Failed, Some(format!("{NOT_SENT}{why}"))))
        .collect()
}

/// Throttling, timeouts, network drops and server errors: stop starting new deletes.
fn is_transient(e: &Error) -> bool {
    match e {
        Error::Aws(a) => {
            matches!(
                a.kind,
                AwsErrorKind::Throttled
                    | AwsErrorKind::Timeout
                    | AwsErrorKind::Unreachable
                    | AwsErrorKind::Other
            ) || matches!(
                a.code.as_deref(),
                Some(
                    "InternalError"
                        | "InternalFailure"
                        | "ServiceUnavailable"
                        | "Unavailable"
                        | "ServerException"
                )
            )
        }
        _ => false,
    }
}

/// Why each planned item is no longer safe to delete, by id (absent: still safe).
async fn recheck(
    aws: &AwsClients,
    settings: &Settings,
    plan: &CleanupPlan,
) -> Result<HashMap<String, String>> {
    let mut unsafe_now = HashMap::new();
    let protection = settings.protection_tag.as_str();
    match plan.target {
        ResourceKind::Volume => {
            let volumes = aws.ec2.describe_volumes().await?;
            let by_id: HashMap<&str, _> = volumes.iter().map(|v| (v.id.as_str(), v)).collect();
            for item in &plan.items {
                let why = match by_id.get(item.id.as_str()) {
                    None => Some("no longer exists".to_string()),
                    Some(v) if v.state != VolumeState::Available => {
                        Some(format!("now {}, not available", v.state))
                    }
                    Some(v) if !v.attached_to.is_empty() => {
                        Some(format!("now attached to {}", v.attached_to.join(", ")))
                    }
                    Some(v) if v.tags.contains_key(protection) => {
                        Some(format!("now protected by tag {protection}"))
                    }
                    Some(_) => None,
                };
                if let Some(why) = why {
                    unsafe_now.insert(item.id.clone(), why);
                }
            }
        }
        ResourceKind::Snapshot => {
            let (snapshots, amis, templates) = futures::try_join!(
                aws.ec2.describe_own_snapshots(None),
                aws.ec2.describe_own_amis(),
                aws.ec2.describe_launch_templates()
            )?;
            let by_id: HashMap<&str, _> = snapshots.iter().map(|s| (s.id.as_str(), s)).collect();
            // Locked since the plan: skipped. Unreadable locks were noted in the plan; a
            // locked snapshot then fails at DeleteSnapshot, which deletes nothing.
            let ids: Vec<String> = plan.items.iter().map(|i| i.id.clone()).collect();
            let locked = super::locks::locked_now(aws, &ids, now())
                .await
                .unwrap_or_default();
            let guards = SnapshotGuards::new(&amis, &templates, protection);
            for item in &plan.items {
                let why = match by_id.get(item.id.as_str()) {
                    None => Some("no longer exists".to_string()),
                    Some(s) if plan.archive => crate::analysis::archive::not_archivable(s, now())
                        .or_else(|| guards.ami(&s.id))
                        .or_else(|| locked.get(&s.id).cloned())
                        .map(|why| format!("now {why}")),
                    Some(s) => guards
                        .ami(&s.id)
                        .or_else(|| guards.kept(s, now()))
                        .or_else(|| locked.get(&s.id).cloned())
                        .map(|why| format!("now {why}")),
                };
                if let Some(why) = why {
                    unsafe_now.insert(item.id.clone(), why);
                }
            }
        }
        ResourceKind::Image => {
            let state = ImageState::load(aws, settings).await?;
            let (still, skipped) =
                state.plan(&state.rules(settings, plan.keep_newest, None, crate::config::now()));
            for item in &plan.items {
                if still.iter().any(|s| s.id == item.id) {
                    continue;
                }
                let why = skipped.iter().find(|s| s.id == item.id).map_or_else(
                    || "no longer a cleanup candidate (gone, or now among the newest tags)".into(),
                    |s| format!("now {}", s.reason),
                );
                unsafe_now.insert(item.id.clone(), why);
            }
        }
    }
    Ok(unsafe_now)
}

/// Runs the plan. `progress` hears each result as it lands; the returned list is in plan
/// order. Errors only when the fresh state for the re-check cannot be read (then nothing
/// was deleted).
pub async fn execute(
    aws: &AwsClients,
    mutator: &Mutator,
    settings: &Settings,
    plan: &CleanupPlan,
    clock: &dyn Clock,
    opts: &ExecuteOptions,
    progress: &mut (dyn FnMut(&ItemResult) + Send),
) -> Result<Vec<ItemResult>> {
    // While this runs, a first Ctrl-C waits for what is in flight instead of exiting.
    let _phase = (
        opts.interrupt.mutation_phase(),
        mutator.interrupt().mutation_phase(),
    );
    let unsafe_now = recheck(aws, settings, plan).await?;
    let mut results: Vec<Option<ItemResult>> = vec![None; plan.items.len()];
    let mut runnable: Vec<usize> = Vec::new();
    for (i, item) in plan.items.iter().enumerate() {
        let early = if let Some(why) = item.blocked() {
            Some(ItemResult::new(
                item,
                ItemStatus::Failed,
                Some(format!("not sent: DryRun preflight: {why}")),
            ))
        } else {
            unsafe_now.get(&item.id).map(|why| {
                ItemResult::new(
                    item,
                    ItemStatus::Skipped,
                    Some(format!("{why} (re-checked)")),
                )
            })
        };
        match early {
            Some(r) => {
                progress(&r);
                results[i] = Some(r);
            }
            None => runnable.push(i),
        }
    }
    let stop: Mutex<Option<String>> = Mutex::new(None);
    let retention_days = settings.snapshot_retention_days;
    if plan.target == ResourceKind::Image {
        run_images(mutator, plan, opts, &runnable, &mut results, progress).await;
    } else {
        let stop_ref = &stop;
        let mut done = stream::iter(runnable.iter().copied())
            .map(|i| async move {
                let item = &plan.items[i];
                if let Some(why) = mutator.audit_broken() {
                    return (i, audit_stopped(item, &why));
                }
                if interrupted(mutator, opts) {
                    let r = ItemResult::new(item, ItemStatus::Skipped, Some(NOT_STARTED.into()));
                    return (i, r);
                }
                let stopped = stop_ref.lock().ok().and_then(|s| s.clone());
                if let Some(why) = stopped {
                    let r = ItemResult::new(
                        item,
                        ItemStatus::Skipped,
                        Some(format!("not attempted: {why}")),
                    );
                    return (i, r);
                }
                let (r, transient) =
                    run_ec2_item(mutator, plan, item, clock, opts, retention_days).await;
                if transient && let Ok(mut s) = stop_ref.lock() {
                    s.get_or_insert_with(|| {
                        format!(
                            "stopped after {} failed: {}",
                            item.id,
                            r.detail.as_deref().unwrap_or("error")
                        )
                    });
                }
                (i, r)
            })
            .buffer_unordered(opts.concurrency.max(1));
        while let Some((i, r)) = done.next().await {
            progress(&r);
            results[i] = Some(r);
        }
    }
    Ok(results
        .into_iter()
        .zip(&plan.items)
        .map(|(r, item)| {
            r.unwrap_or_else(|| {
                ItemResult::new(item, ItemStatus::Skipped, Some("not attempted".into()))
            })
        })
        .collect())
}

/// The status and detail of a delete that settled without an error, and whether it
/// should stop new deletes (an unknown outcome: the endpoint is not answering).
pub(crate) fn settled_status(settled: &Settled) -> (ItemStatus, Option<String>, bool) {
    match settled {
        Settled::Done => (ItemStatus::Done, None, false),
        Settled::Confirmed { lost } => (
            ItemStatus::Done,
            Some(format!("done (confirmed after a lost answer: {lost})")),
            false,
        ),
        Settled::AlreadyGone { code } => (
            ItemStatus::Skipped,
            Some(format!("already gone ({code}): deleted by someone else")),
            false,
        ),
        Settled::Unknown { lost, reread } => (
            ItemStatus::Failed,
            Some(format!(
                "unknown: the answer was lost ({lost}) and the re-read failed ({reread}); \
                 check it before running again"
            )),
            true,
        ),
        Settled::Failed(e) => (ItemStatus::Failed, Some(e.clone()), false),
        Settled::NotAttempted(why) => (
            ItemStatus::Skipped,
            Some(if why == NOT_STARTED {
                why.clone()
            } else {
                format!("not attempted: {why}")
            }),
            false,
        ),
    }
}

/// A detail that says the audit log could not record the outcome, once it broke (the
/// delete happened; its result line may be missing).
fn unrecorded(mutator: &Mutator, detail: Option<String>) -> Option<String> {
    match mutator.audit_broken() {
        None => detail,
        Some(why) => Some(format!(
            "{}the audit log could not record the outcome: {why}",
            detail.map(|d| format!("{d}; ")).unwrap_or_default()
        )),
    }
}

/// The result of an item the audit log stopped: never sent.
fn audit_stopped(item: &CleanupItem, why: &str) -> ItemResult {
    ItemResult::new(
        item,
        ItemStatus::Failed,
        Some(format!(
            "{NOT_SENT}the audit log could not be written ({why}): nothing was sent for it, \
             and the run sends nothing more"
        )),
    )
}

/// Whether an interrupt asks that nothing new starts.
fn interrupted(mutator: &Mutator, opts: &ExecuteOptions) -> bool {
    opts.interrupt.is_triggered() || mutator.interrupt().is_triggered()
}

/// The `Mutator` refused to send because of an interrupt: the request never started.
fn refused_by_interrupt(e: &Error) -> bool {
    matches!(e, Error::Interrupted(_))
}

/// The result of a snapshot EC2 accepted to archive.
fn archiving(mutator: &Mutator, item: &CleanupItem) -> ItemResult {
    let detail = "archiving: EC2 accepted ModifySnapshotTier; the move to the archive tier \
                  takes hours"
        .to_string();
    ItemResult::new(item, ItemStatus::Done, unrecorded(mutator, Some(detail)))
}

/// Deletes (or archives) one EC2 resource; the result, and whether its failure was
/// transient.
async fn run_ec2_item(
    mutator: &Mutator,
    plan: &CleanupPlan,
    item: &CleanupItem,
    clock: &dyn Clock,
    opts: &ExecuteOptions,
    retention_days: u32,
) -> (ItemResult, bool) {
    let failed = |prefix: &str, e: &Error| {
        if refused_by_interrupt(e) {
            let r = ItemResult::new(item, ItemStatus::Skipped, Some(NOT_STARTED.into()));
            return (r, false);
        }
        if let Some(why) = mutator.audit_broken() {
            return (audit_stopped(item, &why), false);
        }
        (
            ItemResult::new(item, ItemStatus::Failed, Some(format!("{prefix}{e}"))),
            is_transient(e),
        )
    };
    let deleted = |answer: Result<Settled>| match answer {
        Ok(settled) => {
            let (status, detail, transient) = settled_status(&settled);
            let detail = unrecorded(mutator, detail);
            (ItemResult::new(item, status, detail), transient)
        }
        Err(e) => failed("", &e),
    };
    match item.kind {
        ResourceKind::Volume if plan.snapshot_first => {
            let snapshot = match mutator
                .create_snapshot(
                    &item.id,
                    &format!("ecsnap: taken before deleting {}", item.id),
                    &safety_snapshot_tags(&item.id, retain_until(now(), retention_days)),
                )
                .await
            {
                Ok(s) => s,
                Err(e) if crate::aws::outcome_unknown(&e) => {
                    return failed(
                        "volume kept: the snapshot's answer was lost (one may have been \
                         created): ",
                        &e,
                    );
                }
                Err(e) => return failed("volume kept: snapshot not created: ", &e),
            };
            let (status, detail, transient) = match wait_for_snapshot(
                mutator, &snapshot, clock, opts,
            )
            .await
            {
                Err(why) if interrupted(mutator, opts) => (
                    ItemStatus::Skipped,
                    format!(
                        "volume kept: snapshot {snapshot} was taken, then the delete was {NOT_STARTED} ({why})"
                    ),
                    false,
                ),
                Err(why) => (
                    ItemStatus::Failed,
                    format!("volume kept: snapshot {snapshot} {why}"),
                    false,
                ),
                Ok(()) => delete_snapshotted_volume(mutator, &item.id, &snapshot).await,
            };
            let mut r = ItemResult::new(item, status, Some(detail));
            r.snapshot_id = Some(snapshot);
            (r, transient)
        }
        ResourceKind::Volume => deleted(mutator.delete_volume(&item.id).await),
        ResourceKind::Snapshot if plan.archive => match mutator.archive_snapshot(&item.id).await {
            Ok(()) => (archiving(mutator, item), false),
            Err(e) => failed("", &e),
        },
        ResourceKind::Snapshot => deleted(mutator.delete_snapshot(&item.id).await),
        ResourceKind::Image => (
            ItemResult::new(
                item,
                ItemStatus::Skipped,
                Some("images are deleted per repository".into()),
            ),
            false,
        ),
    }
}

/// Deletes a volume whose safety snapshot completed: the status, the detail naming the
/// snapshot, and whether a failure was transient.
async fn delete_snapshotted_volume(
    mutator: &Mutator,
    volume: &str,
    snapshot: &str,
) -> (ItemStatus, String, bool) {
    match mutator.delete_volume(volume).await {
        Ok(settled) => {
            let (status, detail, transient) = settled_status(&settled);
            let what = match status {
                ItemStatus::Done => "then deleted",
                ItemStatus::Skipped => "then found it",
                ItemStatus::Failed => "then deleting ended",
            };
            (
                status,
                match detail {
                    Some(d) => format!("snapshot {snapshot} completed, {what}: {d}"),
                    None => format!("snapshot {snapshot} completed, then deleted"),
                },
                transient,
            )
        }
        Err(e) if refused_by_interrupt(&e) => (
            ItemStatus::Skipped,
            format!(
                "volume kept: snapshot {snapshot} completed, then the delete was \
                         {NOT_STARTED}"
            ),
            false,
        ),
        Err(e) => (
            ItemStatus::Failed,
            format!("snapshot {snapshot} completed, but deleting failed: {e}"),
            is_transient(&e),
        ),
    }
}

async fn wait_for_snapshot(
    mutator: &Mutator,
    snapshot: &str,
    clock: &dyn Clock,
    opts: &ExecuteOptions,
) -> std::result::Result<(), String> {
    let start = clock.elapsed();
    loop {
        if interrupted(mutator, opts) {
            return Err("not awaited".into());
        }
        match mutator.snapshot_state(snapshot).await {
            Ok(Some(SnapshotState::Completed)) => return Ok(()),
            Ok(Some(SnapshotState::Error)) => return Err("ended in state error".into()),
            Ok(_) => {}
            Err(e) => return Err(format!("could not be checked: {e}")),
        }
        if clock.elapsed().saturating_sub(start) >= opts.snapshot_timeout {
            return Err(format!(
                "did not complete within {}s",
                opts.snapshot_timeout.as_secs()
            ));
        }
        clock.sleep(opts.snapshot_poll).await;
    }
}

async fn run_images(
    mutator: &Mutator,
    plan: &CleanupPlan,
    opts: &ExecuteOptions,
    runnable: &[usize],
    results: &mut [Option<ItemResult>],
    progress: &mut (dyn FnMut(&ItemResult) + Send),
) {
    let mut by_repo: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in runnable {
        if let Some(repo) = plan.items[i].repository.as_deref() {
            by_repo.entry(repo).or_default().push(i);
        }
    }
    let mut stopped: Option<String> = None;
    for (repo, indexes) in by_repo {
        // Each item with the digests of its unit (an index's children, its referrers).
        let digests: Vec<String> = indexes
            .iter()
            .flat_map(|&i| {
                let item = &plan.items[i];
                item.digest.iter().chain(&item.with_digests).cloned()
            })
            .collect();
        if let Some(why) = mutator.audit_broken() {
            for &i in &indexes {
                let r = audit_stopped(&plan.items[i], &why);
                progress(&r);
                results[i] = Some(r);
            }
            continue;
        }
        if interrupted(mutator, opts) {
            for &i in &indexes {
                let r = ItemResult::new(
                    &plan.items[i],
                    ItemStatus::Skipped,
                    Some(NOT_STARTED.into()),
                );
                progress(&r);
                results[i] = Some(r);
            }
            continue;
        }
        let outcomes = match &stopped {
            Some(why) => digests
                .iter()
                .map(|d| (d.clone(), Settled::NotAttempted(why.clone())))
                .collect(),
            None => match mutator.delete_images(repo, &digests).await {
                Ok(o) => o,
                Err(e) if refused_by_interrupt(&e) => digests
                    .iter()
                    .map(|d| (d.clone(), Settled::NotAttempted(NOT_STARTED.into())))
                    .collect(),
                Err(e) if mutator.audit_broken().is_some() => digests
                    .iter()
                    .map(|d| (d.clone(), Settled::Failed(format!("{NOT_SENT}{e}"))))
                    .collect(),
                Err(e) => digests
                    .iter()
                    .map(|d| (d.clone(), Settled::Failed(e.to_string())))
                    .collect(),
            },
        };
        let outcome_of: HashMap<&str, &Settled> =
            outcomes.iter().map(|(d, o)| (d.as_str(), o)).collect();
        for &i in &indexes {
            let item = &plan.items[i];
            let outcome = item
                .digest
                .as_deref()
                .and_then(|d| outcome_of.get(d).copied());
            let r = match outcome {
                Some(settled) => {
                    let (status, detail, _) = settled_status(settled);
                    ItemResult::new(item, status, detail)
                }
                None => ItemResult::new(
                    item,
                    ItemStatus::Failed,
                    Some("no answer for this image".into()),
                ),
            };
            progress(&r);
            results[i] = Some(r);
        }
        // A whole batch call that failed stops the other repositories too.
        if stopped.is_none()
            && let Some((_, Settled::NotAttempted(why))) = outcomes
                .iter()
                .find(|(_, o)| matches!(o, Settled::NotAttempted(_)))
        {
            stopped = Some(why.clone());
        }
        if stopped.is_none()
            && !outcomes.is_empty()
            && outcomes
                .iter()
                .all(|(_, o)| matches!(o, Settled::Failed(_) | Settled::Unknown { .. }))
            && let Some((_, Settled::Failed(e) | Settled::Unknown { lost: e, .. })) =
                outcomes.first()
        {
            stopped = Some(format!("stopped after deleting in {repo} failed: {e}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(ids: &[&str]) -> CleanupPlan {
        let items = ids
            .iter()
            .map(|id| {
                CleanupItem::ebs(
                    ResourceKind::Volume,
                    id,
                    8,
                    Some(30),
                    0.64,
                    "available (attached to nothing)",
                )
            })
            .collect();
        CleanupPlan::new(ResourceKind::Volume, items, 3)
    }

    #[test]
    fn items_never_sent_say_so_and_why() {
        let results = not_sent(&plan(&["vol-a", "vol-b"]), "ExpiredToken in eu-west-1");
        let ids: Vec<&str> = results.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["vol-a", "vol-b"]);
        assert!(results.iter().all(|r| r.status == ItemStatus::Failed
            && r.was_not_sent()
            && r.detail.as_deref() == Some("not sent: ExpiredToken in eu-west-1")));
        let p = plan(&["vol-c"]);
        let failed = ItemResult::new(&p.items[0], ItemStatus::Failed, Some("boom".into()));
        let done = ItemResult::new(&p.items[0], ItemStatus::Done, None);
        assert!(!failed.was_not_sent() && !done.was_not_sent());
    }
}
