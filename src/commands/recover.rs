//! `ecsnap recover --volume vol-… [--wait] [--yes]`: plan, confirm, snapshot the orphaned
//! volume and wait for it (progress on stderr), point the service's managed EBS volume at
//! the snapshot, and optionally wait for the rollout.

use super::actions::{
    Session, confirm_single, emit_json, finish_dry_run, open_session, show, wait_with_progress,
};
use crate::cli::{Command, GlobalArgs, WaitArgs};
use crate::config::{Settings, now};
use crate::error::{Error, Result, exit};
use crate::model::arn_name;
use crate::ops::recover::{self, RecoverOptions, RecoverProgress};
use crate::ops::wait::{SystemClock, WaitOptions};
use crate::output::actions::WaitJson;
use crate::output::recover::RecoverJson;

/// What `recover` was asked for.
pub struct RecoverRequest<'a> {
    pub volume: &'a str,
    pub role_arn: Option<&'a str>,
    pub wait: &'a WaitArgs,
    pub dry_run: bool,
    pub yes: bool,
    pub json: bool,
}

/// `recover` from its parsed arguments: the session (refused at once in read-only mode),
/// then `run`.
pub async fn run_command(command: Command, global: &GlobalArgs, settings: Settings) -> Result<i32> {
    let Command::Recover {
        volume,
        role_arn,
        wait,
        dry_run,
        yes,
    } = command
    else {
        return Err(Error::Usage("not the recover command".into()));
    };
    let s = open_session(global, settings, "recover", dry_run).await?;
    let req = RecoverRequest {
        volume: &volume,
        role_arn: role_arn.as_deref(),
        wait: &wait,
        dry_run,
        yes,
        json: global.json,
    };
    run(&s, &req).await
}

pub async fn run(s: &Session, req: &RecoverRequest<'_>) -> Result<i32> {
    let account = s.identity.as_ref().map(|i| i.account.as_str());
    let plan = recover::plan(&s.aws, req.volume, req.role_arn, account).await?;
    show(
        req.json,
        &format!("{}\nPlan: {}\n", s.header(), plan.summary()),
    )?;
    let mut out = RecoverJson::new(&plan, req.dry_run);
    if req.dry_run {
        return finish_dry_run(req.json, &out);
    }
    confirm_single(
        s,
        &format!("Recover {} into {}", plan.volume.id, plan.service),
        &plan.service,
        req.yes,
    )?;
    let opts = RecoverOptions::new(s.settings.snapshot_retention_days, now());
    let clock = SystemClock::default();
    let mut snapshot: Option<String> = None;
    let mut on_progress = |p: &RecoverProgress| {
        if let RecoverProgress::SnapshotStarted(id) = p {
            snapshot = Some(id.clone());
        }
        eprintln_escaped!("{}", p.text());
    };
    let done = s
        .mutating(recover::execute(
            &s.mutator,
            &plan,
            &clock,
            &opts,
            &mut on_progress,
        ))
        .await;
    let recovered = match done {
        Ok(r) => r,
        Err(e) => {
            if let Some(id) = &snapshot {
                eprintln_escaped!("snapshot {id} of {} was taken and is kept", plan.volume.id);
            }
            return Err(e);
        }
    };
    let started = &recovered.started;
    out.snapshot_id = Some(recovered.snapshot_id.clone());
    out.deployment_id.clone_from(&started.deployment_id);
    out.task_definition.clone_from(&started.task_definition);
    show(
        req.json,
        &format!(
            "Updated {}/{}: volume {} now starts from snapshot {} (runs {}{})\n",
            plan.cluster,
            plan.service,
            plan.managed.name,
            recovered.snapshot_id,
            arn_name(&started.task_definition),
            started
                .deployment_id
                .as_deref()
                .map(|d| format!(", deployment {d}"))
                .unwrap_or_default()
        ),
    )?;
    if s.interrupted() {
        emit_json(req.json, &out)?;
        return Ok(exit::INTERRUPTED);
    }
    if !req.wait.wait {
        return emit_json(req.json, &out);
    }
    let wait_opts = WaitOptions {
        timeout: req.wait.timeout,
        interval: req.wait.interval,
        deployment_id: started.deployment_id.clone(),
        target_task_definition: Some(started.task_definition.clone()),
        ..WaitOptions::default()
    };
    let outcome = wait_with_progress(&s.aws, &plan.cluster, &plan.service, &wait_opts).await?;
    out.wait = Some(WaitJson::new(&plan.cluster, &plan.service, &outcome));
    emit_json(req.json, &out)?;
    outcome.into_result().map(|_| exit::OK)
}
