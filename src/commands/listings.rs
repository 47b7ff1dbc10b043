//! `services`, `tasks`, `snapshots`, `orphans`: on the one place the flags name, or over
//! every place they and the config ask for (`fleet.rs` connects them, each place loading
//! as soon as its own account has connected, its answer printed in a section); load, then
//! print a table or JSON.

use std::collections::HashMap;
use std::fmt::Write as _;

use humansize::{BINARY, format_size};
use serde::Serialize;

use super::connect::connect_from;
use super::fleet::{finish, is_fleet, load_as_connected, located};
use super::print::{print_json, print_text};
use crate::analysis::age::short_age;
use crate::analysis::health::steadiness;
use crate::analysis::orphans::{OrphanFilter, OrphanReport, OrphanSort};
use crate::analysis::tags::UserTags;
use crate::analysis::volumes::mounted_volumes;
use crate::aws::AwsClients;
use crate::aws::fleet::PlaceFailure;
use crate::cli::{GlobalArgs, OrphansArgs, ServicesArgs, SnapshotsArgs, TasksArgs};
use crate::config::{Settings, now};
use crate::error::Result;
use crate::load::fleet::Across;
use crate::load::{self, ServicesListing};
use crate::model::escape::escape_text;
use crate::model::{Service, Task, TaskStorage, arn_name};
use crate::output::fleet::{
    FleetOrphansJson, Where, judged_services_json, snapshots_json, tasks_json,
};
use crate::output::report::{Style, orphan_totals_table};
use crate::output::table::Table;

/// `services`: on the one place the flags name, or over every place.
pub(super) async fn services(
    args: ServicesArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> Result<i32> {
    let ServicesArgs { cluster } = args;
    if is_fleet(global, settings) {
        return services_in_places(cluster.as_deref(), global, settings).await;
    }
    let aws = connect_from(global).await?;
    // Only the JSON says which deployments await action (the text table stays as is).
    let listing = load::load_services_listing(&aws, cluster.as_deref(), now(), global.json);
    let printed = Printed {
        warn: warn_alarms,
        json: |parts: &[(Where, ServicesListing)]| judged_services_json(parts, now()),
        text: services_listing_text,
    };
    printed.print(&aws, settings, global.json, listing).await
}

/// How a listing of the one place the flags name is printed: `warn` says on stderr what it
/// could not read, then `json` (with `--json`, the listing beside the place it is of) or
/// `text`.
struct Printed<T, J> {
    warn: fn(&T),
    json: J,
    text: fn(&T) -> String,
}

impl<T, O: Serialize, J: FnOnce(&[(Where, T)]) -> O> Printed<T, J> {
    /// Waits for `listing` (with `--json` beside [`here`]) and prints it.
    async fn print(
        self,
        aws: &AwsClients,
        settings: &Settings,
        json: bool,
        listing: impl Future<Output = Result<T>>,
    ) -> Result<i32> {
        if json {
            let (listing, at) = tokio::join!(listing, here(aws, settings));
            let listing = listing?;
            (self.warn)(&listing);
            print_json(&(self.json)(&[(at, listing)]))
        } else {
            let listing = listing.await?;
            (self.warn)(&listing);
            print_text(&(self.text)(&listing))
        }
    }
}

/// One line on stderr when the alarms could not be read (it names `cloudwatch:DescribeAlarms`).
fn warn_alarms(listing: &ServicesListing) {
    if let Err(e) = &listing.alarms {
        eprintln_escaped!("warning: {e}");
    }
}

/// The services table, then a line or two for each service not steady: why.
fn services_listing_text(listing: &ServicesListing) -> String {
    let now = now();
    let mut text = services_table(&listing.services);
    let mut judged: Vec<&Service> = listing
        .services
        .iter()
        .filter(|s| listing.whys.contains_key(&s.arn))
        .collect();
    judged.sort_by_key(|s| (steadiness(s), s.cluster.clone(), s.name.clone()));
    for service in judged {
        let Some(why) = listing.whys.get(&service.arn) else {
            continue;
        };
        let _ = write!(
            text,
            "\n{}/{}: {}\n",
            service.cluster,
            service.name,
            escape_text(&why.headline(now))
        );
        if let Some(detail) = why.detail(now) {
            let _ = writeln!(text, "  {}", escape_text(&detail));
        }
    }
    text
}

/// `tasks`: on the one place the flags name, or over every place.
pub(super) async fn tasks(
    args: TasksArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> Result<i32> {
    let TasksArgs { cluster, service } = args;
    if is_fleet(global, settings) {
        return tasks_in_places(&cluster, service.as_deref(), global, settings).await;
    }
    let aws = connect_from(global).await?;
    let listing = load::load_task_listing(&aws, &cluster, service.as_deref());
    let printed = Printed {
        warn: warn_storage,
        json: tasks_json,
        text: task_listing_text,
    };
    printed.print(&aws, settings, global.json, listing).await
}

/// `snapshots`: on the one place the flags name, or over every place.
pub(super) async fn snapshots(
    args: SnapshotsArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> Result<i32> {
    let SnapshotsArgs { repository, user } = args;
    if is_fleet(global, settings) {
        return snapshots_in_places(repository.as_deref(), user.as_deref(), global, settings).await;
    }
    let aws = connect_from(global).await?;
    let load = load::load_snapshot_groups(&aws, settings, repository.as_deref(), user.as_deref());
    let printed = Printed {
        warn: |_: &Vec<UserTags>| {},
        json: snapshots_json,
        text: |groups: &Vec<UserTags>| snapshots_text(groups),
    };
    printed.print(&aws, settings, global.json, load).await
}

/// `orphans`: on the one place the flags name, or over every place.
pub(super) async fn orphans(
    args: OrphansArgs,
    global: &GlobalArgs,
    settings: &Settings,
) -> Result<i32> {
    let OrphansArgs {
        min_age,
        unattached_days,
        sort,
    } = args;
    let filter = OrphanFilter::from_days(min_age, unattached_days);
    let sort = OrphanSort::from(sort);
    if is_fleet(global, settings) {
        return orphans_in_places(filter, sort, global, settings).await;
    }
    let aws = connect_from(global).await?;
    let at = here(&aws, settings).await;
    let account = at.account_id.clone();
    let report = load::load_orphans(&aws, settings, account.as_deref(), filter, now())
        .await?
        .sorted(sort);
    if global.json {
        print_json(&FleetOrphansJson::new(&[(at, report)], &[]))
    } else {
        print_text(&orphans_text(&report))
    }
}

/// The one place a single-account, single-region listing reads: its account id from STS
/// (`None`, with a warning in the log, when STS cannot say) and region.
async fn here(aws: &AwsClients, settings: &Settings) -> Where {
    let account_id = match aws.sts.caller_identity().await {
        Ok(id) => Some(id.account),
        Err(e) => {
            tracing::warn!("caller identity unknown, snapshots not narrowed by owner: {e}");
            None
        }
    };
    Where {
        account: settings.profile.clone().unwrap_or_else(|| "default".into()),
        account_id,
        region: aws.region.clone(),
    }
}

fn task_def_short(arn: &str) -> &str {
    arn_name(arn)
}

pub fn services_table(services: &[Service]) -> String {
    let now = now();
    let mut sorted: Vec<&Service> = services.iter().collect();
    sorted.sort_by_key(|s| steadiness(s));
    let mut t = Table::new([
        "STATE",
        "CLUSTER",
        "SERVICE",
        "RUN/DES (PEND)",
        "ROLLOUT",
        "TASK DEF",
        "DEPLOYED",
    ]);
    for s in sorted {
        let primary = s.primary();
        t.row(vec![
            steadiness(s).label().to_string(),
            s.cluster.clone(),
            s.name.clone(),
            format!(
                "{}/{} ({})",
                s.running_count, s.desired_count, s.pending_count
            ),
            primary
                .and_then(|d| d.rollout_state.as_ref())
                .map_or_else(|| "-".into(), ToString::to_string),
            task_def_short(&s.task_definition).to_string(),
            short_age(primary.and_then(|d| d.created_at).or(s.created_at), now),
        ]);
    }
    if t.is_empty() {
        return "no services found\n".into();
    }
    t.render()
}

pub fn tasks_table(tasks: &[Task]) -> String {
    let now = now();
    let mut t = Table::new([
        "TASK",
        "SERVICE",
        "LAST",
        "DESIRED",
        "HEALTH",
        "STARTED",
        "VOLUMES",
        "STOPPED REASON",
    ]);
    for task in tasks {
        let volumes: Vec<&str> = task.volumes.iter().map(|v| v.volume_id.as_str()).collect();
        t.row(vec![
            task.id.clone(),
            task.service_name().unwrap_or("-").to_string(),
            task.last_status.to_string(),
            task.desired_status.to_string(),
            task.health_status.clone().unwrap_or_else(|| "-".into()),
            short_age(task.started_at, now),
            if volumes.is_empty() {
                "-".into()
            } else {
                volumes.join(",")
            },
            task.stopped_reason.clone().unwrap_or_default(),
        ]);
    }
    if t.is_empty() {
        return "no tasks found\n".into();
    }
    t.render()
}

/// The volumes of each task definition the tasks run (every kind, with mount points and
/// ephemeral storage); empty when none declares any.
/// Warn on stderr when the tasks' definitions could not be read (their volumes are then
/// the EBS attachments only).
pub fn warn_storage(listing: &load::TaskListing) {
    if let Some(e) = &listing.storage_error {
        eprintln_escaped!("warning: task-definition volumes not shown: {e}");
    }
    if let Some(e) = listing.targets.error_line() {
        eprintln_escaped!("warning: load-balancer target health not shown: {e}");
    }
}

/// The tasks table followed by each task definition's volumes.
pub fn task_listing_text(listing: &load::TaskListing) -> String {
    tasks_table(&listing.tasks) + &storage_text(&listing.tasks, &listing.storage)
}

pub fn storage_text(tasks: &[Task], storage: &HashMap<String, TaskStorage>) -> String {
    let mut arns: Vec<&str> = tasks.iter().map(|t| t.task_definition.as_str()).collect();
    arns.sort_unstable();
    arns.dedup();
    let mut out = String::new();
    for arn in arns {
        let Some(s) = storage.get(arn) else { continue };
        if s.volumes.is_empty() && s.ephemeral_storage_gib.is_none() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n{} volumes{}:",
            arn_name(arn),
            s.ephemeral_storage_gib
                .map(|g| format!(" (ephemeral storage {g} GiB)"))
                .unwrap_or_default()
        );
        let mut t = Table::new(["NAME", "KIND", "SOURCE", "MOUNTED AT"]);
        for v in mounted_volumes(s, &[]) {
            t.row(vec![
                v.name.clone(),
                v.kind().to_string(),
                v.source_text(),
                v.mounts_text(),
            ]);
        }
        if !t.is_empty() {
            out.push_str(&t.render());
        }
    }
    out
}

pub fn snapshots_text(groups: &[UserTags]) -> String {
    if groups.is_empty() {
        return "no tagged images found\n".into();
    }
    let now = now();
    let mut out = String::new();
    for g in groups {
        let _ = writeln!(
            out,
            "{} / {}  ({} {}, {}, {} in use{})",
            g.repository,
            g.user.as_deref().unwrap_or("(other)"),
            g.tags.len(),
            if g.tags.len() == 1 { "tag" } else { "tags" },
            format_size(g.total_bytes().max(0).unsigned_abs(), BINARY),
            g.in_use_count(),
            g.resume_text()
                .map(|r| format!(", {r}"))
                .unwrap_or_default(),
        );
        let mut t = Table::new([
            "  TAG", "PUSHED", "PULLED", "SIZE", "CLASS", "IN USE", "DIGEST",
        ]);
        let points_at = g.resume_points_at().map(|t| t.tag.as_str());
        for tag in &g.tags {
            t.row(vec![
                match &g.resume {
                    Some(r) if points_at == Some(tag.tag.as_str()) => {
                        format!("  {} ◀ {}", tag.tag, r.tag)
                    }
                    _ => format!("  {}", tag.tag),
                },
                short_age(tag.pushed_at, now),
                tag.last_pulled_at
                    .map_or_else(|| "-".into(), |p| short_age(Some(p), now)),
                format_size(tag.size_bytes.max(0).unsigned_abs(), BINARY),
                tag.status.storage_class().to_string(),
                if tag.in_use {
                    "● in use".into()
                } else {
                    "-".into()
                },
                tag.digest.chars().take(19).collect(),
            ]);
        }
        out.push_str(&t.render());
        out.push('\n');
    }
    out
}

pub fn orphans_text(report: &OrphanReport) -> String {
    let totals = report.totals();
    let mut out = format!(
        "{} orphaned volumes, {} orphaned snapshots: {} GiB, ${:.2}/month\n\n",
        totals.volumes, totals.snapshots, totals.size_gib, totals.monthly_cost_usd
    );
    let mut v = Table::new([
        "VOLUME",
        "SIZE",
        "TYPE",
        "AGE",
        "UNATTACHED SINCE",
        "$/MONTH",
        "ORIGIN / REASON",
    ]);
    for o in &report.volumes {
        v.row(vec![
            o.volume.id.clone(),
            format!("{} GiB", o.volume.size_gib),
            o.volume.volume_type.clone(),
            o.age_days.map_or_else(|| "-".into(), |d| format!("{d}d")),
            o.seen_available_since
                .map_or_else(|| "unknown".into(), |t| t.format("%Y-%m-%d").to_string()),
            format!("{:.2}", o.monthly_cost_usd),
            o.origin_text(),
        ]);
    }
    if !v.is_empty() {
        out.push_str(&v.render());
        out.push_str(
            "UNATTACHED SINCE: when ecsnap first saw the volume available, on an earlier run \
             (its own observation, not AWS's; unknown until a second run)\n\n",
        );
    }
    let mut s = Table::new(["SNAPSHOT", "SIZE", "AGE", "$/MONTH", "REASON"]);
    for o in &report.snapshots {
        s.row(vec![
            o.snapshot.id.clone(),
            format!("{} GiB", o.snapshot.size_gib),
            o.age_days.map_or_else(|| "-".into(), |d| format!("{d}d")),
            format!("{:.2}", o.monthly_cost_usd),
            o.reason.clone(),
        ]);
    }
    if !s.is_empty() {
        out.push_str(&s.render());
        out.push('\n');
    }
    let mut k = Table::new(["SKIPPED", "KIND", "WHY"]);
    for sk in &report.skipped {
        k.row(vec![
            sk.id.clone(),
            sk.kind.as_str().into(),
            sk.reason.clone(),
        ]);
    }
    if !k.is_empty() {
        out.push_str(&k.render());
    }
    out
}

/// `── prod (123456789012) · eu-west-1 ──`
fn heading(at: &Where) -> String {
    format!(
        "── {} ({}) · {} ──\n",
        at.account,
        at.account_id.as_deref().unwrap_or("account unknown"),
        at.region
    )
}

/// Text sections, one per place.
fn sections<T>(parts: &[(Where, T)], text: impl Fn(&T) -> String) -> String {
    let mut out = String::new();
    for (at, v) in parts {
        out.push_str(&heading(at));
        out.push_str(&text(v));
        out.push('\n');
    }
    out
}

/// Prints what every place gave, as JSON (`as_json` over all of it, with the failures)
/// or as text (`as_text` per place, in sections); the exit code follows the failures.
fn print_placed<T, J: serde::Serialize>(
    got: Across<T>,
    json: bool,
    as_json: impl Fn(&[(Where, T)], &[PlaceFailure]) -> J,
    as_text: impl Fn(&[(Where, T)]) -> String,
) -> Result<i32> {
    let (parts, failures) = located(got)?;
    if json {
        print_json(&as_json(&parts, &failures))?;
    } else {
        print_text(&as_text(&parts))?;
    }
    Ok(finish(parts.len(), &failures))
}

/// `services` over every place (`--region all|A,B`, `--profile a,b`, `[fleet]`).
async fn services_in_places(
    cluster: Option<&str>,
    global: &GlobalArgs,
    settings: &Settings,
) -> Result<i32> {
    let (cluster, json) = (cluster.map(str::to_string), global.json);
    let got = load_as_connected(global, settings, |t| {
        let (aws, cluster) = (t.aws.clone(), cluster.clone());
        async move { load::load_services_listing(&aws, cluster.as_deref(), now(), json).await }
    })
    .await;
    print_placed(
        got,
        global.json,
        |p, _| judged_services_json(p, now()),
        |p| sections(p, services_listing_text),
    )
}

/// `tasks` over every place.
async fn tasks_in_places(
    cluster: &str,
    service: Option<&str>,
    global: &GlobalArgs,
    settings: &Settings,
) -> Result<i32> {
    let (cluster, service) = (cluster.to_string(), service.map(str::to_string));
    let got = load_as_connected(global, settings, |t| {
        let (aws, cluster, service) = (t.aws.clone(), cluster.clone(), service.clone());
        async move { load::load_task_listing(&aws, &cluster, service.as_deref()).await }
    })
    .await;
    got.answers.iter().for_each(|(_, l)| warn_storage(l));
    print_placed(
        got,
        global.json,
        |p, _| tasks_json(p),
        |p| sections(p, task_listing_text),
    )
}

/// `snapshots` over every place.
async fn snapshots_in_places(
    repository: Option<&str>,
    user: Option<&str>,
    global: &GlobalArgs,
    settings: &Settings,
) -> Result<i32> {
    let shared = std::sync::Arc::new(settings.clone());
    let (repository, user) = (repository.map(str::to_string), user.map(str::to_string));
    let got = load_as_connected(global, settings, |t| {
        let (aws, settings) = (t.aws.clone(), shared.clone());
        let (repository, user) = (repository.clone(), user.clone());
        async move {
            load::load_snapshot_groups(&aws, &settings, repository.as_deref(), user.as_deref())
                .await
        }
    })
    .await;
    print_placed(
        got,
        global.json,
        |p, _| snapshots_json(p),
        |p| sections(p, |g| snapshots_text(g)),
    )
}

/// `orphans` over every place.
async fn orphans_in_places(
    filter: OrphanFilter,
    sort: OrphanSort,
    global: &GlobalArgs,
    settings: &Settings,
) -> Result<i32> {
    let now = now();
    let shared = std::sync::Arc::new(settings.clone());
    let got = load_as_connected(global, settings, |t| {
        let (aws, settings, account) = (t.aws.clone(), shared.clone(), t.place.account_id.clone());
        async move {
            load::load_orphans(&aws, &settings, Some(&account), filter, now)
                .await
                .map(|r| r.sorted(sort))
        }
    })
    .await;
    print_placed(
        got,
        global.json,
        |parts, failures| FleetOrphansJson::new(parts, failures).sorted(sort),
        fleet_orphans_text,
    )
}

/// Totals per place and overall, then each place's orphans.
fn fleet_orphans_text(parts: &[(Where, OrphanReport)]) -> String {
    let mut out = orphan_totals_table(&FleetOrphansJson::new(parts, &[]), Style::Text);
    out.push('\n');
    out.push_str(&sections(parts, orphans_text));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::in_use::InUse;
    use crate::analysis::lifecycle::test_images::sized as image;
    use crate::analysis::tags::{TagPattern, attach_resume_tags, group_by_user};

    #[test]
    fn the_snapshots_listing_says_where_the_resume_tag_points() {
        let images = [
            image("sha256:a1", &["alice-20261101T0800", "alice-latest"], 1024),
            image("sha256:a2", &["alice-20261110T0800"], 1024),
            image("sha256:b1", &["bob-20261105T0800"], 1024),
            image("sha256:bx", &["bob-latest"], 1024),
        ];
        let groups = attach_resume_tags(
            group_by_user(&images, &TagPattern::default(), &InUse::default()),
            "{user}-latest",
        );
        let text = snapshots_text(&groups);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines.contains(&"ws / alice  (2 tags, 2 KiB, 0 in use, latest → 20261101T0800)"),
            "{text}"
        );
        assert!(
            lines.contains(&"ws / bob  (1 tag, 2 KiB, 0 in use, latest → an untagged image)"),
            "{text}"
        );
        let marked: Vec<&&str> = lines.iter().filter(|l| l.contains('◀')).collect();
        assert_eq!(marked.len(), 1, "{text}");
        assert!(
            marked[0].contains("alice-20261101T0800 ◀ alice-latest"),
            "{text}"
        );
        // No "(other)" group: the resume tags are with their users.
        assert!(!text.contains("(other)"), "{text}");
    }
}
