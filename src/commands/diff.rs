//! `ecsnap diff`: what changes between two revisions of a service's task-definition
//! family — by default from what the service runs — printed one change a line, or as
//! JSON (`output::diff`). Reads only; the same comparison the rollback picker shows.

use std::fmt::Write as _;

use super::print::{print_json, print_text};
use crate::aws::{AwsClients, family_of};
use crate::cli::{DiffArgs, GlobalArgs, ServiceTarget};
use crate::error::Result;
use crate::load::load_revision_diff;
use crate::model::arn_name;
use crate::ops::{find_service, running_task_definition};
use crate::output::diff::{ChangeJson, DiffJson};

pub(super) async fn run(args: DiffArgs, global: &GlobalArgs) -> Result<i32> {
    let DiffArgs {
        target: ServiceTarget { cluster, service },
        from_revision,
        to_revision,
    } = args;
    let aws = super::connect::connect_from(global).await?;
    compare(
        &aws,
        &cluster,
        &service,
        (from_revision, to_revision),
        global.json,
    )
    .await
}

/// `(from_revision, to_revision)`: the from side defaults to what the service runs.
async fn compare(
    aws: &AwsClients,
    cluster: &str,
    service: &str,
    (from_revision, to_revision): (Option<i32>, i32),
    json: bool,
) -> Result<i32> {
    let s = find_service(aws, cluster, service).await?;
    let running = running_task_definition(&s).to_string();
    let family = family_of(arn_name(&running)).to_string();
    let from = from_revision.map_or(running, |m| format!("{family}:{m}"));
    let to = format!("{family}:{to_revision}");
    let diff = load_revision_diff(aws, &from, &to).await?;
    if json {
        return print_json(&DiffJson {
            cluster: s.cluster.clone(),
            service: s.name.clone(),
            from_task_definition: diff.from.arn.clone(),
            to_task_definition: diff.to.arn.clone(),
            changes: diff.changes.iter().map(ChangeJson::from).collect(),
        });
    }
    let mut text = format!(
        "{}/{}: {} → {}\n",
        s.cluster,
        s.name,
        arn_name(&diff.from.arn),
        arn_name(&diff.to.arn)
    );
    if diff.changes.is_empty() {
        text.push_str("no differences\n");
    }
    for c in &diff.changes {
        let _ = writeln!(text, "  {}", c.line());
    }
    print_text(&text)
}
