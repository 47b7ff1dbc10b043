//! Command-line definitions: every subcommand and flag.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "ecsnap",
    version,
    about = "A terminal console for stateful containers on Amazon ECS",
    long_about = "ecsnap shows ECS services and tasks with their EBS volumes, per-user container \
                  snapshots kept as ECR image tags, and orphaned EBS volumes and snapshots.\n\n\
                  Without a command it opens the console. Every listing also exists as a command \
                  with --json output for scripts and cron.",
    after_help = "Exit codes: 0 success, 1 error, 2 usage, 3 rollout failed, 4 timed out, 5 refused."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// AWS profile to use (default: AWS_PROFILE or the default chain); listings and
    /// `report` take several, comma-separated (`--profile prod,dev`)
    #[arg(long, global = true, help_heading = "Global options")]
    pub profile: Option<String>,
    /// AWS region (default: AWS_REGION or the profile's region); listings and `report` take
    /// `all` (every enabled region) or a comma-separated list
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_parser = parse_region_flag
    )]
    pub region: Option<String>,
    /// Send every AWS request to this endpoint (also AWS_ENDPOINT_URL), e.g. a local emulator
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "URL",
        value_parser = parse_endpoint_url
    )]
    pub endpoint_url: Option<String>,
    /// Refuse every mutating call before it is sent
    #[arg(long, global = true, help_heading = "Global options")]
    pub read_only: bool,
    /// Config file (default: $XDG_CONFIG_HOME/ecsnap/config.toml)
    #[arg(
        long,
        global = true,
        help_heading = "Global options",
        value_name = "FILE"
    )]
    pub config: Option<PathBuf>,
    /// Print JSON instead of a table
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,
    /// No colours (NO_COLOR is respected too)
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_color: bool,
    /// Do not read or write the task-definition cache ($XDG_CACHE_HOME/ecsnap)
    #[arg(long, global = true, help_heading = "Global options")]
    pub no_cache: bool,
    /// The network timeouts: not a flag, set from the config's `[network]` once loaded.
    #[arg(skip)]
    pub network: crate::config::NetworkSettings,
}

/// Every subcommand: one variant holding its own `Args` struct (below), which its file in
/// `commands/` destructures. Repeated flags come from the shared groups (`ServiceTarget`,
/// `TaskTarget`, `Confirm`, `RolloutWait`, `ProductionConfirm`), flattened where they
/// appear, so a flag keeps one name, one help text and one parser everywhere.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List ECS services with their steadiness and deployments
    Services(ServicesArgs),
    /// One feed of every service's events, newest first, each naming its service
    /// (DescribeServices keeps a service's latest 100)
    Events(EventsArgs),
    /// CPU, memory and EBS-filesystem utilisation of a cluster's services (or one) over
    /// the last hour, from CloudWatch (Container Insights, else AWS/ECS)
    Metrics(MetricsArgs),
    /// List the tasks of a cluster (or one service) with their EBS volumes
    Tasks(TasksArgs),
    /// List per-user snapshot tags in ECR, newest first, with sizes and in-use markers
    Snapshots(SnapshotsArgs),
    /// The whole inventory of every account and region in view, for a weekly cron: services
    /// (not steady first), per-user snapshot totals, orphans with cost and totals
    Report(ReportArgs),
    /// List orphaned EBS volumes and snapshots with age and monthly cost
    Orphans(OrphansArgs),
    /// Delete orphaned EBS volumes or snapshots, or old per-user ECR images: plan, DryRun
    /// preflight, confirmation, then per-resource results
    #[command(
        after_help = "Never deleted: volumes not `available`, snapshots backing an AMI, \
        anything with the protection tag, images in use or among each user's newest N tags. \
        One cleanup at a time per account and region: a second one waits (or, with \
        --no-wait, refuses). Exit codes: 0 all done (a resource already gone counts as \
        done), 1 some failed or their outcome is unknown, 5 refused (read-only, not \
        confirmed, another cleanup running with --no-wait)."
    )]
    Cleanup(CleanupArgs),
    /// Roll a service back to an older task-definition revision (default: the one before
    /// what it runs), an older image tag, or an older EBS snapshot
    Rollback(RollbackArgs),
    /// Point a user's resume tag at an older snapshot tag (PutImage of its manifest)
    RestoreUser(RestoreUserArgs),
    /// Force a new deployment of a service (same task definition, fresh tasks)
    Redeploy(RedeployArgs),
    /// Wait until a service is stable (exit 0), its rollout failed (3) or time ran out (4)
    Wait(WaitArgs),
    /// Print the CloudWatch Logs of a task's containers, or of a service's tasks merged by
    /// time (awslogs driver; other drivers say where their logs go)
    #[command(group(clap::ArgGroup::new("which").required(true).args(["service", "task"])))]
    Logs(LogsArgs),
    /// Start a local AWS emulator with a seeded demo fleet and show it
    Demo(DemoArgs),
    /// Bring an orphaned ECS volume back: snapshot it (kept as a safety snapshot), wait until
    /// the snapshot is completed, then start the service's managed EBS volume from it
    #[command(
        after_help = "The volume's tags must name the service that created it \
        (aws:ecs:clusterName, aws:ecs:serviceName), and that service must still exist with a \
        managed EBS volume. Exit codes: 0 done (with --wait: stable), 1 error, 3 rollout \
        failed, 4 timed out, 5 refused (read-only, unknown origin, service gone or without a \
        managed EBS volume, not confirmed)."
    )]
    Recover(RecoverArgs),
    /// What changes between two revisions of a service's task-definition family: images,
    /// command, environment (secret-looking values masked), secrets, cpu/memory, ports,
    /// health check, mounts and volumes, roles. Only what differs is printed
    Diff(DiffArgs),
    /// Preview what a repository's ECR lifecycle policy expires, per user, with warnings
    /// where it would hurt; or suggest (and put) a policy that keeps each user's newest N
    #[command(
        after_help = "Evaluated locally with ECR's documented rules (no         StartLifecyclePolicyPreview). Warnings: an image in use, a user's resume-tag target,         one of a user's newest N tags, a rollback target. --suggest prints the policy on         stdout and the notes and preview on stderr. Exit codes: 0 done, 5 refused         (read-only, not confirmed)."
    )]
    Lifecycle(LifecycleArgs),
    /// Open a shell (or run a command) in a running task's container with ECS Exec, through
    /// AWS's session-manager-plugin
    #[command(
        after_help = "Needs session-manager-plugin on PATH, ecs:ExecuteCommand, and a task         started with enableExecuteCommand whose role allows ssmmessages:*. Refused in         read-only mode; in a production account the task id is typed to confirm."
    )]
    Exec(ExecArgs),
    /// Forward a local port to a task's port (or, with --host, to a host the task can
    /// reach) through Session Manager, until Ctrl-C
    PortForward(PortForwardArgs),
    /// Set a service's desired count (plan from → to, confirm, UpdateService)
    Scale(ScaleArgs),
    /// Read the audit log back: every change ecsnap made as this user — when, who, where,
    /// what, and how it ended (intents without an outcome show as interrupted)
    Audit(AuditArgs),
    /// Stop one task with a reason (its service starts a replacement)
    StopTask(StopTaskArgs),
    /// A service's deployment history as ECS records it (90 days), newest first: status,
    /// reason, strategy and stage, source → target revision with images by digest, task
    /// counts, circuit breaker, alarms, rollback and lifecycle hooks
    Deployments(DeploymentsArgs),
    /// Act on a deployment paused at a lifecycle hook (AWAITING_ACTION): continue it to the
    /// next stage, or with --rollback roll it back (ContinueServiceDeployment)
    #[command(
        after_help = "Before the hook's expiresAt; after it, ECS takes the hook's \
        timeoutAction by itself. Exit codes: 0 sent (with --wait: SUCCESSFUL, \
        ROLLBACK_SUCCESSFUL with --rollback, or paused again at another hook), 1 error, 3 the \
        deployment ended elsewhere (ROLLBACK_FAILED, rolled back instead of finishing), 4 timed \
        out, 5 refused (read-only, nothing awaiting action, the hook expired, not confirmed)."
    )]
    Continue(ContinueArgs),
    /// Restore an archived EBS snapshot to the standard tier, for N days or permanently
    /// (RestoreSnapshotTier); a volume cannot be created from it until then
    #[command(
        group(clap::ArgGroup::new("how_long").required(true).args(["days", "permanent"])),
        after_help = "Restoring takes up to 72 hours. A temporary restore keeps the archived \
        copy (billed as archive) and adds a standard-tier copy until it expires. Exit codes: 0 \
        done, 1 error, 5 refused (read-only, not archived, already restored, not confirmed)."
    )]
    RestoreSnapshot(RestoreSnapshotArgs),
    /// Restore an archived ECR image to the standard storage class
    /// (UpdateImageStorageClass); a task cannot pull it until then
    #[command(
        after_help = "Restoring takes minutes; --wait polls until ECR reports the image ACTIVE \
        (pullable). ECR archive storage costs the same per GB as standard below a large \
        threshold. Exit codes: 0 done, 1 error, 4 timed out waiting, 5 refused (read-only, \
        not archived, not confirmed)."
    )]
    RestoreImage(RestoreImageArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) on stdout
    #[command(
        after_help = "bash: `source <(ecsnap completions bash)` (or save it in \
        ~/.local/share/bash-completion/completions/ecsnap); zsh: `ecsnap completions zsh > \
        ~/.zfunc/_ecsnap` with ~/.zfunc on fpath; fish: `ecsnap completions fish > \
        ~/.config/fish/completions/ecsnap.fish`. Needs no AWS access and no config."
    )]
    Completions(CompletionsArgs),
    /// Print the man page (roff) on stdout: `ecsnap man > ecsnap.1; man -l ecsnap.1`
    Man,
    /// The cluster or service names last listed, one a line, for the completion scripts
    /// (reads the on-disk list only, never AWS)
    #[command(name = "__names", hide = true)]
    Names(NamesArgs),
}

/// `__names`: which names.
#[derive(Debug, Clone, Args)]
pub struct NamesArgs {
    /// `clusters` or `services`
    #[arg(value_parser = ["clusters", "services"])]
    pub kind: String,
    /// Only this cluster's services
    #[arg(long)]
    pub cluster: Option<String>,
}

/// `completions`: the shell to write a script for.
#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

// ---- Shared groups, flattened into the commands that take them ----

/// `--cluster` and `--service`: the one service a command works on.
#[derive(Debug, Clone, Args)]
pub struct ServiceTarget {
    #[arg(long)]
    pub cluster: String,
    #[arg(long)]
    pub service: String,
}

/// `--cluster` and `--task`: the one task a command works on.
#[derive(Debug, Clone, Args)]
pub struct TaskTarget {
    #[arg(long)]
    pub cluster: String,
    /// Task id or ARN
    #[arg(long)]
    pub task: String,
}

/// `--dry-run` and `--yes` of a single action (`cleanup` words its own).
#[derive(Debug, Clone, Copy, Args)]
pub struct Confirm {
    /// Show the plan; change nothing
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Go ahead without asking
    #[arg(long)]
    pub yes: bool,
}

/// `--yes` of the commands that ask only in a production account (`exec`, `port-forward`).
#[derive(Debug, Clone, Copy, Args)]
pub struct ProductionConfirm {
    /// Go ahead without asking (production accounts)
    #[arg(long)]
    pub yes: bool,
}

/// `--wait`, `--timeout`, `--interval`: waiting for the rollout an action started.
#[derive(Debug, Clone, Args)]
pub struct RolloutWait {
    /// Wait for the service to become stable afterwards (exit 3 failed, 4 timed out)
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits, e.g. 90s, 10m, 1h (at most 7d)
    #[arg(long, value_name = "DUR", default_value = "10m", value_parser = timeout("--timeout"))]
    pub timeout: Duration,
    /// Time between polls while waiting (1s to 1h)
    #[arg(long, value_name = "DUR", default_value = "5s", value_parser = interval("--interval"))]
    pub interval: Duration,
}

// ---- One struct per subcommand, in the order of `Command` ----

/// `services`.
#[derive(Debug, Clone, Args)]
pub struct ServicesArgs {
    /// Only this cluster
    #[arg(long)]
    pub cluster: Option<String>,
}

/// `events`.
#[derive(Debug, Clone, Args)]
pub struct EventsArgs {
    /// Only this cluster's services
    #[arg(long)]
    pub cluster: Option<String>,
    /// Only events this recent or newer, e.g. 30m, 1h, 2d (default: every event ECS keeps)
    #[arg(long, value_name = "DUR", value_parser = since("--since"))]
    pub since: Option<Duration>,
    /// Only events whose message, cluster or service holds this text (any case), e.g.
    /// "unable to place"
    #[arg(long, value_name = "TEXT")]
    pub grep: Option<String>,
}

/// `metrics`.
#[derive(Debug, Clone, Args)]
pub struct MetricsArgs {
    #[arg(long)]
    pub cluster: String,
    /// Only this service
    #[arg(long)]
    pub service: Option<String>,
    /// How far back, e.g. 30m, 6h, 2d (default 1h; CloudWatch keeps 1-minute points 15
    /// days)
    #[arg(long, value_name = "DUR", value_parser = since("--since"))]
    pub since: Option<Duration>,
    /// Also each task's own CPU, memory and EBS filesystem (Container Insights with
    /// enhanced observability; one more GetMetricData call per 83 tasks)
    #[arg(long)]
    pub tasks: bool,
}

/// `tasks`.
#[derive(Debug, Clone, Args)]
pub struct TasksArgs {
    #[arg(long)]
    pub cluster: String,
    /// Only tasks started by this service
    #[arg(long)]
    pub service: Option<String>,
}

/// `snapshots`.
#[derive(Debug, Clone, Args)]
pub struct SnapshotsArgs {
    /// Only this repository
    #[arg(long)]
    pub repository: Option<String>,
    /// Only this user
    #[arg(long)]
    pub user: Option<String>,
}

/// `report`.
#[derive(Debug, Clone, Copy, Args)]
pub struct ReportArgs {
    /// Markdown (for a chat or an e-mail) instead of aligned text; `--json` for JSON
    #[arg(long)]
    pub markdown: bool,
}

/// `orphans`.
#[derive(Debug, Clone, Copy, Args)]
pub struct OrphansArgs {
    /// Only resources created at least this many days ago
    #[arg(long, value_name = "DAYS", value_parser = days("--min-age"))]
    pub min_age: Option<u32>,
    /// Only volumes ecsnap has seen unattached at least this many days (its own
    /// observation across runs, not AWS's; unknown on the first run = left out)
    #[arg(long, value_name = "DAYS", value_parser = days("--unattached-days"))]
    pub unattached_days: Option<u32>,
    /// Order of the volumes and snapshots: monthly cost (highest first), size (largest
    /// first), age (oldest first) or id; ties go to the larger size, then the id
    #[arg(long, value_enum, default_value_t = OrphanOrder::Cost, value_name = "ORDER")]
    pub sort: OrphanOrder,
}

/// `orphans --sort`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OrphanOrder {
    Cost,
    Size,
    Age,
    Id,
}

impl From<OrphanOrder> for crate::analysis::orphans::OrphanSort {
    fn from(o: OrphanOrder) -> Self {
        match o {
            OrphanOrder::Cost => Self::Cost,
            OrphanOrder::Size => Self::Size,
            OrphanOrder::Age => Self::Age,
            OrphanOrder::Id => Self::Id,
        }
    }
}

/// `cleanup`.
#[derive(Debug, Clone, Copy, Args)]
pub struct CleanupArgs {
    #[command(flatten)]
    pub what: CleanupWhat,
    /// Only resources created at least this many days ago
    #[arg(long, value_name = "DAYS", value_parser = days("--min-age"))]
    pub min_age: Option<u32>,
    /// Volumes: only those ecsnap has seen unattached at least this many days (its own
    /// observation across runs, not AWS's; unknown on the first run = left out)
    #[arg(long, value_name = "DAYS", value_parser = days("--unattached-days"))]
    pub unattached_days: Option<u32>,
    /// Volumes: snapshot each one (and wait for it to complete) before deleting it
    #[arg(long)]
    pub snapshot_first: bool,
    /// Show the plan and the DryRun permission checks; delete nothing
    #[arg(long, conflicts_with = "yes")]
    pub dry_run: bool,
    /// Go ahead without asking (for scripts and cron)
    #[arg(long)]
    pub yes: bool,
    /// When another cleanup of the same account and region is running, refuse (exit 5)
    /// instead of waiting for it to finish
    #[arg(long)]
    pub no_wait: bool,
    /// Volumes/snapshots: tag each planned orphan with ecsnap:delete-after (today + --after)
    /// and ecsnap:owner instead of deleting it
    #[arg(long, conflicts_with_all = ["marked", "snapshot_first"])]
    pub mark: bool,
    /// With --mark: the grace period, e.g. 30d (default 30d)
    #[arg(long, value_name = "DAYS", requires = "mark", value_parser = grace_days)]
    pub after: Option<u32>,
    /// Volumes/snapshots: delete only marked orphans past their date that are still
    /// orphaned; remove the mark from anything attached or in use again
    #[arg(long, conflicts_with = "snapshot_first")]
    pub marked: bool,
    /// Snapshots: move each planned orphan to the archive tier (ModifySnapshotTier) instead
    /// of deleting it — cheaper per GB, billed at least 90 days, up to 72 h to restore
    #[arg(long, conflicts_with_all = ["mark", "marked", "snapshot_first"])]
    pub archive: bool,
}

/// `--archive-after`, `--expire-archived-after`: `30d` or `30` (days), `low` to 3650.
fn archive_days(
    flag: &'static str,
    low: i64,
) -> impl Fn(&str) -> Result<u32, String> + Clone + Send + Sync + 'static {
    move |text: &str| {
        let t = text.trim();
        whole(flag, "a number of days", "90d", low, 3_650)(t.strip_suffix('d').unwrap_or(t))
    }
}

/// `--after`: `30d` or `30` (days), 1 to 3650.
fn grace_days(text: &str) -> Result<u32, String> {
    let t = text.trim();
    whole("--after", "a number of days", "30d", 1, 3_650)(t.strip_suffix('d').unwrap_or(t))
}

/// `rollback`.
#[derive(Debug, Clone, Args)]
pub struct RollbackArgs {
    #[command(flatten)]
    pub target: ServiceTarget,
    #[command(flatten)]
    pub to: RollbackTo,
    /// The container whose image --image-tag changes (needed when there are several)
    #[arg(long, requires = "image_tag")]
    pub container: Option<String>,
    /// The managed EBS volume --ebs-snapshot changes (needed when there are several)
    #[arg(long, requires = "ebs_snapshot")]
    pub volume: Option<String>,
    /// With --service-revision: where a tag was pushed again since the revision ran,
    /// register a copy of its task definition with the image pinned to the digest it ran
    /// (`image@sha256:…`) and run that
    #[arg(long, requires = "service_revision")]
    pub pin_digests: bool,
    #[command(flatten)]
    pub wait: RolloutWait,
    #[command(flatten)]
    pub confirm: Confirm,
    /// Roll back even to a revision whose image was deleted from ECR (refused otherwise,
    /// exit 5: its tasks could not pull it)
    #[arg(long)]
    pub force: bool,
    /// With --ebs-snapshot: load the new volume at this rate, 100-300 MiB/s (EBS volume
    /// initialization rate; default: [safety] initialization_rate). Without one the volume
    /// hydrates lazily from S3 and its first reads are slow
    #[arg(long, value_name = "MIBPS", requires = "ebs_snapshot", value_parser = whole::<i32>("--initialization-rate", "MiB/s", "300", 100, 300))]
    pub initialization_rate: Option<i32>,
}

/// `restore-user`.
#[derive(Debug, Clone, Args)]
pub struct RestoreUserArgs {
    #[arg(long)]
    pub repository: String,
    #[arg(long)]
    pub user: String,
    /// The older snapshot tag to resume from
    #[arg(long)]
    pub tag: String,
    #[command(flatten)]
    pub confirm: Confirm,
}

/// `redeploy`.
#[derive(Debug, Clone, Args)]
pub struct RedeployArgs {
    #[command(flatten)]
    pub target: ServiceTarget,
    #[command(flatten)]
    pub wait: RolloutWait,
    #[command(flatten)]
    pub confirm: Confirm,
}

/// `wait` (its `--timeout` and `--interval` are worded for a wait of its own).
#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    #[command(flatten)]
    pub target: ServiceTarget,
    /// Give up after this long, e.g. 90s, 10m, 1h (0: look once; at most 7d)
    #[arg(long, value_name = "DUR", default_value = "10m", value_parser = timeout("--timeout"))]
    pub timeout: Duration,
    /// Time between polls (1s to 1h)
    #[arg(long, value_name = "DUR", default_value = "5s", value_parser = interval("--interval"))]
    pub interval: Duration,
    /// Wait until the newest service deployment reaches this lifecycle stage instead
    /// (RECONCILE_SERVICE … PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME, CLEAN_UP); exit 3 if it
    /// rolls back or stops first
    #[arg(long, value_name = "STAGE", value_parser = lifecycle_stage)]
    pub until: Option<crate::model::DeploymentLifecycleStage>,
}

/// `--until`: one of ECS's lifecycle stages, named in the error when it is not.
fn lifecycle_stage(text: &str) -> Result<crate::model::DeploymentLifecycleStage, String> {
    crate::analysis::stages::parse_stage(text).ok_or_else(|| {
        format!(
            "--until {text:?} is not a lifecycle stage; one of: {}",
            crate::analysis::stages::stage_names()
        )
    })
}

/// `logs`.
#[derive(Debug, Clone, Args)]
pub struct LogsArgs {
    #[arg(long)]
    pub cluster: String,
    /// Every live and recently stopped task of this service
    #[arg(long)]
    pub service: Option<String>,
    /// One task (id or ARN), running or stopped, standalone too
    #[arg(long)]
    pub task: Option<String>,
    /// Only this container
    #[arg(long, value_name = "NAME")]
    pub container: Option<String>,
    /// Only lines from this long ago, e.g. 90s, 10m, 1h (default: the whole stream; at
    /// most 3650d)
    #[arg(long, value_name = "DUR", value_parser = since("--since"))]
    pub since: Option<Duration>,
    /// Keep printing new lines (polled once a second) until Ctrl-C
    #[arg(long)]
    pub follow: bool,
}

/// `demo`.
#[derive(Debug, Clone, Copy, Args)]
pub struct DemoArgs {
    /// Keep the emulator running (until Ctrl-C) and print how to point ecsnap at it
    #[arg(long)]
    pub serve: bool,
}

/// `recover`.
#[derive(Debug, Clone, Args)]
pub struct RecoverArgs {
    /// The orphaned volume (vol-…)
    #[arg(long, value_name = "VOLUME_ID")]
    pub volume: String,
    /// The ECS infrastructure role for the volume, needed only when the service reports
    /// no volume configuration (default: the account's ecsInfrastructureRole)
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// Load the new volume at this rate, 100-300 MiB/s (EBS volume initialization rate;
    /// default: [safety] initialization_rate). Without one the volume hydrates lazily from
    /// S3 and its first reads are slow
    #[arg(long, value_name = "MIBPS", value_parser = whole::<i32>("--initialization-rate", "MiB/s", "300", 100, 300))]
    pub initialization_rate: Option<i32>,
    #[command(flatten)]
    pub wait: RolloutWait,
    #[command(flatten)]
    pub confirm: Confirm,
}

/// `diff`.
#[derive(Debug, Clone, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub target: ServiceTarget,
    /// Compare from this revision (default: the one the service runs)
    #[arg(long, value_name = "M", value_parser = revision("--from-revision"))]
    pub from_revision: Option<i32>,
    /// Compare to this revision
    #[arg(long, value_name = "N", value_parser = revision("--to-revision"))]
    pub to_revision: i32,
}

/// `lifecycle`.
#[derive(Debug, Clone, Args)]
pub struct LifecycleArgs {
    #[arg(long)]
    pub repository: String,
    /// Print a policy keeping each user's newest N snapshot tags (one rule per user)
    #[arg(long)]
    pub suggest: bool,
    /// Snapshot tags per user the suggested policy keeps (default: [snapshots] keep_newest)
    #[arg(long, value_name = "N", requires = "suggest", value_parser = whole::<usize>("--keep", "a whole number of tags", "5", 1, 1000))]
    pub keep: Option<usize>,
    /// With --suggest: archive each user's snapshot tags nobody pulled for this long
    /// (a transition to ECR archive, sinceImagePulled) instead of keeping the newest N,
    /// e.g. 30d
    #[arg(long, value_name = "DAYS", requires = "suggest", value_parser = archive_days("--archive-after", 1))]
    pub archive_after: Option<u32>,
    /// With --archive-after: expire archived snapshot tags this long after archiving
    /// (sinceImageTransitioned; ECR's minimum and the default: 90d)
    #[arg(long, value_name = "DAYS", requires = "archive_after", value_parser = archive_days("--expire-archived-after", 90))]
    pub expire_archived_after: Option<u32>,
    /// Put the suggested policy (PutLifecyclePolicy) after showing its preview
    #[arg(long, requires = "suggest")]
    pub apply: bool,
    /// Go ahead without asking
    #[arg(long, requires = "apply")]
    pub yes: bool,
}

/// `exec`.
#[derive(Debug, Clone, Args)]
pub struct ExecArgs {
    #[command(flatten)]
    pub target: TaskTarget,
    /// The container (needed when the task has several)
    #[arg(long, value_name = "NAME")]
    pub container: Option<String>,
    /// What to run
    #[arg(long, default_value = crate::ops::exec::DEFAULT_COMMAND)]
    pub command: String,
    #[command(flatten)]
    pub confirm: ProductionConfirm,
}

/// `port-forward`.
#[derive(Debug, Clone, Args)]
pub struct PortForwardArgs {
    #[command(flatten)]
    pub target: TaskTarget,
    /// The port on the task (or on --host)
    #[arg(long, value_name = "PORT", value_parser = port("--remote-port"))]
    pub remote_port: u16,
    /// The local port (default: the remote port)
    #[arg(long, value_name = "PORT", value_parser = port("--local-port"))]
    pub local_port: Option<u16>,
    /// A host reachable from the task, e.g. a database endpoint
    #[arg(long)]
    pub host: Option<String>,
    /// The container whose agent carries the session (default: one with ECS Exec running)
    #[arg(long, value_name = "NAME")]
    pub container: Option<String>,
    #[command(flatten)]
    pub confirm: ProductionConfirm,
}

/// `scale`.
#[derive(Debug, Clone, Args)]
pub struct ScaleArgs {
    #[command(flatten)]
    pub target: ServiceTarget,
    /// The new desired count
    #[arg(long, value_name = "N", value_parser = whole::<i32>("--desired", "a whole number of tasks", "2", 0, 10_000))]
    pub desired: i32,
    #[command(flatten)]
    pub wait: RolloutWait,
    #[command(flatten)]
    pub confirm: Confirm,
}

/// `stop-task`.
#[derive(Debug, Clone, Args)]
pub struct StopTaskArgs {
    #[command(flatten)]
    pub target: TaskTarget,
    /// Why (default: "stopped with ecsnap by <identity>")
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    #[command(flatten)]
    pub confirm: Confirm,
}

/// `deployments`.
#[derive(Debug, Clone, Args)]
pub struct DeploymentsArgs {
    #[command(flatten)]
    pub target: ServiceTarget,
    /// Only deployments created this long ago or later, e.g. 24h, 7d (default: all ECS
    /// keeps, 90 days)
    #[arg(long, value_name = "DUR", value_parser = since("--since"))]
    pub since: Option<Duration>,
}

/// `continue`.
#[derive(Debug, Clone, Args)]
pub struct ContinueArgs {
    #[command(flatten)]
    pub target: ServiceTarget,
    /// Roll the deployment back instead of continuing it (action ROLLBACK)
    #[arg(long)]
    pub rollback: bool,
    #[command(flatten)]
    pub wait: RolloutWait,
    #[command(flatten)]
    pub confirm: Confirm,
}

/// `restore-snapshot`.
#[derive(Debug, Clone, Args)]
pub struct RestoreSnapshotArgs {
    /// The archived snapshot (snap-…)
    #[arg(long, value_name = "SNAPSHOT")]
    pub snapshot: String,
    /// A temporary restore of this many days (1 to 180)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=180))]
    pub days: Option<u32>,
    /// Move it back to the standard tier for good
    #[arg(long, conflicts_with = "days")]
    pub permanent: bool,
    #[command(flatten)]
    pub confirm: Confirm,
}

/// `restore-image`.
#[derive(Debug, Clone, Args)]
pub struct RestoreImageArgs {
    /// The ECR repository
    #[arg(long, value_name = "REPOSITORY")]
    pub repository: String,
    /// The archived image's tag
    #[arg(long, value_name = "TAG")]
    pub tag: String,
    /// Wait until the image can be pulled again (exit 4 when it cannot within --timeout)
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits, e.g. 90s, 10m, 1h (at most 7d)
    #[arg(long, value_name = "DUR", default_value = "30m", value_parser = timeout("--timeout"))]
    pub timeout: Duration,
    #[command(flatten)]
    pub confirm: Confirm,
}

/// What `audit` shows.
#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Only entries from this long ago, e.g. 7d, 24h, 90m (default: all)
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub since: Option<Duration>,
    /// Only this action, e.g. ec2:DeleteVolume (or DeleteVolume, any service; case-insensitive)
    #[arg(long, value_name = "ACTION")]
    pub action: Option<String>,
}

/// What `cleanup` deletes: exactly one kind.
#[derive(Debug, Clone, Copy, Args)]
#[group(required = true, multiple = false)]
pub struct CleanupWhat {
    /// Orphaned EBS volumes (state `available`)
    #[arg(long)]
    pub volumes: bool,
    /// Orphaned EBS snapshots (source volume gone, no AMI uses them)
    #[arg(long)]
    pub snapshots: bool,
    /// Per-user ECR snapshot images beyond each user's newest N tags, not in use
    #[arg(long)]
    pub images: bool,
}

/// Where `rollback` goes: at most one; none means the previous revision.
#[derive(Debug, Clone, Args)]
#[group(required = false, multiple = false)]
pub struct RollbackTo {
    /// This revision of the service's task-definition family
    #[arg(long, value_name = "N", value_parser = revision("--to-revision"))]
    pub to_revision: Option<i32>,
    /// This tag of the container's image repository (registers a new revision)
    #[arg(long, value_name = "TAG")]
    pub image_tag: Option<String>,
    /// This completed EBS snapshot for the service's managed volume
    #[arg(long, value_name = "SNAPSHOT_ID")]
    pub ebs_snapshot: Option<String>,
    /// This service revision of the deployment history (ECS's record of what a deployment
    /// ran): its ARN or id, or N — the Nth back, newest first, not counting what runs (1:
    /// the one before). Restores its task definition and managed EBS volume configuration
    /// together. Unavailable before 2024-10-25 or where the calls are denied (exit 2)
    #[arg(long, value_name = "ARN|N")]
    pub service_revision: Option<String>,
    /// Stop the deployment in flight and let ECS roll it back to the last good service
    /// revision (StopServiceDeployment ROLLBACK: task definition, volumes, network and load
    /// balancers together); refused (exit 5) when no deployment is in flight. With --wait,
    /// until ROLLBACK_SUCCESSFUL (exit 3 on ROLLBACK_FAILED)
    #[arg(long)]
    pub stop_deployment: bool,
}

/// `90`, `90s`, `10m`, `1h`, `1h30m`, `0`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let bad = || format!("{text:?} is not a duration; expected e.g. 90s, 10m, 1h30m");
    if t.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = t.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().map_err(|_| bad())?;
        number.clear();
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        total = total.saturating_add(n.saturating_mul(unit));
    }
    if !number.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_secs(total))
}

/// A whole-number flag within `low..=high`; the error names the flag, says what it expects
/// (`what`: "a whole number of days") and gives `example`.
pub fn whole<T>(
    flag: &'static str,
    what: &'static str,
    example: &'static str,
    low: i64,
    high: i64,
) -> impl Fn(&str) -> Result<T, String> + Clone + Send + Sync + 'static
where
    T: TryFrom<i64> + Clone + Send + Sync + 'static,
{
    move |text: &str| {
        let expects =
            || format!("{flag} expects {what} from {low} to {high}, e.g. {flag} {example}");
        let n: i64 = text.trim().parse().map_err(|_| expects())?;
        if !(low..=high).contains(&n) {
            return Err(format!("{} (got {n})", expects()));
        }
        T::try_from(n).map_err(|_| expects())
    }
}

/// Days (`--min-age`, `--unattached-days`): 0 to 36500.
fn days(
    flag: &'static str,
) -> impl Fn(&str) -> Result<u32, String> + Clone + Send + Sync + 'static {
    whole(flag, "a whole number of days", "30", 0, 36_500)
}

/// A task-definition revision: 1 or more.
fn revision(
    flag: &'static str,
) -> impl Fn(&str) -> Result<i32, String> + Clone + Send + Sync + 'static {
    whole(flag, "a revision number", "7", 1, i64::from(i32::MAX))
}

/// A TCP port: 1 to 65535.
fn port(
    flag: &'static str,
) -> impl Fn(&str) -> Result<u16, String> + Clone + Send + Sync + 'static {
    whole(flag, "a port number", "5432", 1, 65_535)
}

/// A duration flag within `low..=high`; the errors name the flag and give `example`.
fn bounded_duration(
    flag: &'static str,
    low: Duration,
    high: Duration,
    example: &'static str,
) -> impl Fn(&str) -> Result<Duration, String> + Clone + Send + Sync + 'static {
    move |text: &str| {
        let d = parse_duration(text).map_err(|_| {
            format!("{flag} expects a duration like 90s, 10m, 1h30m or 2d, e.g. {flag} {example}")
        })?;
        if d < low {
            return Err(format!(
                "{flag} must be at least {}, e.g. {flag} {example} (got {text})",
                short_duration(low)
            ));
        }
        if d > high {
            return Err(format!(
                "{flag} must be at most {}, e.g. {flag} {example} (got {text})",
                short_duration(high)
            ));
        }
        Ok(d)
    }
}

/// `90s`, `10m`, `1h`, `7d`: the largest whole unit.
fn short_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        _ if s >= 86_400 && s.is_multiple_of(86_400) => format!("{}d", s / 86_400),
        _ if s >= 3600 && s.is_multiple_of(3600) => format!("{}h", s / 3600),
        _ if s >= 60 && s.is_multiple_of(60) => format!("{}m", s / 60),
        _ => format!("{s}s"),
    }
}

const DAY: Duration = Duration::from_hours(24);

/// How long a wait may last: 0 (look once) to 7 days.
fn timeout(
    flag: &'static str,
) -> impl Fn(&str) -> Result<Duration, String> + Clone + Send + Sync + 'static {
    bounded_duration(flag, Duration::ZERO, DAY * 7, "10m")
}

/// Time between polls: 1 s to 1 h.
fn interval(
    flag: &'static str,
) -> impl Fn(&str) -> Result<Duration, String> + Clone + Send + Sync + 'static {
    bounded_duration(flag, Duration::from_secs(1), Duration::from_hours(1), "5s")
}

/// How far back logs go: 1 s to 10 years (CloudWatch Logs keeps 10 years at most).
/// The time a `--since DUR` flag reaches back to from `now` (`None` without the flag).
pub fn since_time(
    since: Option<Duration>,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    since
        .and_then(|d| chrono::Duration::from_std(d).ok())
        .map(|d| now - d)
}

fn since(
    flag: &'static str,
) -> impl Fn(&str) -> Result<Duration, String> + Clone + Send + Sync + 'static {
    bounded_duration(flag, Duration::from_secs(1), DAY * 3650, "1h")
}

/// `--region`: one region, a comma-separated list, or `all`; each name checked (lower
/// case, well formed, not a near miss of a known region).
pub fn parse_region_flag(text: &str) -> Result<String, String> {
    let names: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .collect();
    if names.is_empty() {
        return Err(
            "--region is empty; expected a region, a comma-separated list or all, e.g. \
             --region us-east-1"
                .into(),
        );
    }
    for name in names {
        if !name.eq_ignore_ascii_case("all") {
            crate::model::region::check_region(name)
                .map_err(|e| format!("--region: {e} (e.g. --region us-east-1)"))?;
        }
    }
    Ok(text.trim().to_string())
}

/// `--endpoint-url`: `http://` or `https://`, a host, an optional port and path.
pub fn parse_endpoint_url(text: &str) -> Result<String, String> {
    const EXAMPLE: &str = "e.g. --endpoint-url http://127.0.0.1:5000";
    let url = text.trim();
    if url.is_empty() {
        return Err(format!(
            "--endpoint-url is empty; expected a URL, {EXAMPLE}"
        ));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!(
            "--endpoint-url {url:?} has no scheme; expected http:// or https://, {EXAMPLE}"
        ));
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err(format!(
            "--endpoint-url {url:?}: the scheme {scheme:?} is not http or https, {EXAMPLE}"
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(format!(
            "--endpoint-url {url:?}: user names or passwords in the URL are not supported, \
             {EXAMPLE}"
        ));
    }
    let (host, port, host_ok) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']').unwrap_or(("", ""));
        let ok = host.contains(':')
            && host
                .chars()
                .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.'));
        let port = after.strip_prefix(':');
        (host, port, ok && (after.is_empty() || port.is_some()))
    } else {
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        };
        let ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
        (host, port, ok)
    };
    if !host_ok {
        return Err(format!(
            "--endpoint-url {url:?} has no valid host{}, {EXAMPLE}",
            if host.is_empty() {
                String::new()
            } else {
                format!(" ({host:?})")
            }
        ));
    }
    if let Some(p) = port
        && !p.parse::<u16>().is_ok_and(|n| n > 0)
    {
        return Err(format!(
            "--endpoint-url {url:?}: the port {p:?} is not a number from 1 to 65535, {EXAMPLE}"
        ));
    }
    Ok(url.to_string())
}

/// `AWS_ENDPOINT_URL` when `--endpoint-url` is not given: the SDK panics on an empty one
/// and fails late on a malformed one, so it is checked as the flag is.
pub fn check_endpoint_env(flag: Option<&str>) -> crate::error::Result<()> {
    if flag.is_some() {
        return Ok(());
    }
    let Some(value) = std::env::var_os("AWS_ENDPOINT_URL") else {
        return Ok(());
    };
    let value = value.to_string_lossy();
    parse_endpoint_url(&value).map(|_| ()).map_err(|e| {
        crate::error::Error::Usage(format!(
            "the environment variable AWS_ENDPOINT_URL={value:?}: {}; unset it, or set a URL",
            e.replacen("--endpoint-url ", "", 1)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        let ok = [
            ("90", 90),
            ("90s", 90),
            ("10m", 600),
            ("1h30m", 5400),
            ("0", 0),
            ("0s", 0),
        ];
        for (text, secs) in ok {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_secs(secs)),
                "{text}"
            );
        }
        for text in ["", "10x", "m", "10m5"] {
            assert!(parse_duration(text).is_err(), "{text}");
        }
    }

    #[test]
    fn endpoint_urls() {
        for ok in [
            "http://127.0.0.1:5000",
            "https://ecs.eu-west-1.amazonaws.com",
            "http://localhost",
            "HTTP://[::1]:4566/",
            "http://[::1]/",
            "https://vpce-1.ecs.us-east-1.vpce.amazonaws.com/path",
        ] {
            assert_eq!(parse_endpoint_url(ok).as_deref(), Ok(ok), "{ok}");
        }
        let bad = [
            ("", "--endpoint-url is empty"),
            ("   ", "--endpoint-url is empty"),
            ("127.0.0.1:5000", "has no scheme"),
            ("ftp://host", "is not http or https"),
            ("http://", "has no valid host"),
            ("http://:5000", "has no valid host"),
            ("http://a b", "has no valid host"),
            ("http://[::1", "has no valid host"),
            ("http://[zz]:80", "has no valid host"),
            ("http://[::1]x", "has no valid host"),
            ("http://host:0", "the port \"0\""),
            ("http://host:99999", "is not a number from 1 to 65535"),
            ("http://user:pw@host", "user names or passwords"),
        ];
        for (text, needle) in bad {
            let e = parse_endpoint_url(text).expect_err(text);
            assert!(e.contains(needle), "{text:?}: {e}");
            assert!(
                e.contains("e.g. --endpoint-url http://127.0.0.1:5000"),
                "{e}"
            );
        }
    }

    #[test]
    fn region_flags() {
        for ok in [
            "us-east-1",
            "all",
            "ALL",
            "eu-west-1, us-east-1,",
            "xx-newregion-9",
        ] {
            assert!(parse_region_flag(ok).is_ok(), "{ok}");
        }
        let bad = [
            ("", "--region is empty"),
            (",", "--region is empty"),
            ("US-EAST-1", "did you mean us-east-1?"),
            ("us-eats-1", "did you mean us-east-1?"),
            ("eu-west-1,us-eats-1", "\"us-eats-1\""),
        ];
        for (text, needle) in bad {
            let e = parse_region_flag(text).expect_err(text);
            assert!(e.contains(needle), "{text:?}: {e}");
        }
    }

    #[test]
    fn bounded_numbers_and_durations_name_the_flag() {
        let min_age = days("--min-age");
        assert_eq!(min_age("30"), Ok(30));
        assert_eq!(min_age("0"), Ok(0));
        assert_eq!(
            min_age("ten"),
            Err(
                "--min-age expects a whole number of days from 0 to 36500, e.g. --min-age 30"
                    .into()
            )
        );
        assert!(min_age("-1").is_err_and(|e| e.contains("(got -1)")));
        assert!(min_age("99999999999999999999").is_err());
        assert!(port("--remote-port")("0").is_err_and(|e| e.contains("--remote-port")));
        assert_eq!(port("--remote-port")("5432"), Ok(5432));
        assert!(revision("--to-revision")("0").is_err_and(|e| e.contains("--to-revision 7")));
        let every = interval("--interval");
        assert_eq!(every("5s"), Ok(Duration::from_secs(5)));
        assert!(every("0").is_err_and(|e| e.contains("--interval must be at least 1s")));
        assert!(every("2h").is_err_and(|e| e.contains("at most 1h")));
        let back = since("--since");
        assert_eq!(back("1h"), Ok(Duration::from_hours(1)));
        assert!(
            back("10000000000000s").is_err_and(|e| e.contains("--since must be at most 3650d"))
        );
        assert!(back("soon").is_err_and(|e| e.contains("--since expects a duration")));
        let wait = timeout("--timeout");
        assert_eq!(wait("0"), Ok(Duration::ZERO));
        assert!(wait("8d").is_err_and(|e| e.contains("at most 7d")));
    }

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

/// `ecsnap --help` and every `ecsnap <command> --help`, rendered as a user sees them (no
/// colours, 100 columns whatever the terminal): a changed flag, default or help text fails
/// here first, so the help and `docs/commands.md` cannot drift apart unnoticed.
#[cfg(test)]
mod help_snapshots {
    use clap::CommandFactory;

    use super::Cli;

    /// What `args` prints (`--help`), at a fixed width.
    fn help_of(args: &[&str]) -> String {
        let cmd = Cli::command()
            .term_width(100)
            .max_term_width(100)
            .color(clap::ColorChoice::Never);
        let err = cmd
            .try_get_matches_from(args)
            .expect_err("--help ends the parse");
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp, "{args:?}");
        err.render().to_string()
    }

    #[test]
    fn root_help() {
        insta::assert_snapshot!("help", help_of(&["ecsnap", "--help"]));
    }

    #[test]
    fn every_subcommand_help() {
        let names: Vec<String> = Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .filter(|n| n != "help")
            .collect();
        assert!(names.len() >= 20, "{names:?}");
        for name in &names {
            insta::assert_snapshot!(
                format!("help_{}", name.replace('-', "_")),
                help_of(&["ecsnap", name, "--help"])
            );
        }
    }
}
