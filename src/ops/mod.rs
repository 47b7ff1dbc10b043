//! Actions: plan → confirm → execute → report, shared by the console and the commands.
//!
//! Each action has a `plan` (reads only; what will change, and why) and an `execute` (the
//! only code that mutates, always through `guard::Mutator`, which refuses everything in
//! read-only mode and appends every executed mutation to the audit log). `wait` is the
//! stability poll loop used after rollouts; `confirm` is the command line's confirmation.
//!
//! For the console: `session::LazySession` (the identity and the `Mutator`, once per run),
//! `rollback::offer_*` and `rollback::plan_offered` (the picker's rows and the plan of the
//! highlighted one), `cleanup::plan_for` (the marked ids), `*::plan` (for the confirm
//! modal), `*::execute`, `wait::wait_for_stable` with a progress callback that sends
//! messages, `cleanup::preflight` and `cleanup::execute` with a per-item progress callback.

pub mod audit;
pub mod cleanup;
pub mod confirm;
pub mod continue_deployment;
pub mod exec;
pub mod follow_deployment;
pub mod guard;
pub mod hydration;
pub mod interrupt;
pub mod lifecycle;
pub mod lock;
pub mod plugin;
mod plugin_credentials;
pub mod port_forward;
pub mod recover;
pub mod redeploy;
pub mod restore_image;
pub mod restore_snapshot;
pub mod restore_user;
pub mod rollback;
pub mod rollback_revision;
pub mod scale;
pub mod session;
pub mod stop_deployment;
pub mod stop_task;
pub mod wait;
pub mod wait_stage;

use crate::aws::AwsClients;
use crate::error::{Error, Result};
use crate::load::{resolve_cluster, service_names, unknown_service};
use crate::model::Service;

/// The service `name` in `cluster`, with the cluster's canonical name. Unknown names are
/// errors that list close matches.
pub async fn find_service(aws: &AwsClients, cluster: &str, name: &str) -> Result<Service> {
    let cluster = resolve_cluster(aws, cluster).await?;
    let found = aws
        .ecs
        .describe_services(&cluster, &[name.to_string()])
        .await?
        .into_iter()
        .find(|s| s.name == name || s.arn == name);
    if let Some(mut s) = found {
        if s.cluster.is_empty() {
            s.cluster.clone_from(&cluster);
        }
        return Ok(s);
    }
    let names = service_names(aws, &cluster).await?;
    Err(unknown_service(aws, &cluster, name, &names))
}

/// `NotFound` for `name` (a `kind`) in `scope` (the region, `cluster c`, `repository r`),
/// with no close names to offer.
pub(crate) fn not_found(
    kind: &'static str,
    name: impl Into<String>,
    scope: impl Into<String>,
) -> Error {
    Error::NotFound {
        kind,
        name: name.into(),
        scope: Some(scope.into()),
        close: Vec::new(),
    }
}

/// Why UpdateService must not roll back or redeploy `service`: another deployment
/// controller (CodeDeploy, an external one) owns its deployments, and a task-definition or
/// force-new-deployment change through ECS would fail or fight it. `None` for ECS.
pub fn controller_refusal(service: &Service, action: &str) -> Option<Error> {
    let controller = service.deployment_controller.as_deref()?;
    let instead = match controller {
        "ECS" => return None,
        "CODE_DEPLOY" => {
            "roll back or redeploy with CodeDeploy (its console, or `aws deploy \
             stop-deployment --auto-rollback-enabled` / `aws deploy create-deployment`)"
        }
        "EXTERNAL" => {
            "use the tool that created its task sets (CreateTaskSet / UpdateServicePrimaryTaskSet)"
        }
        _ => "use the tool that controls its deployments",
    };
    Some(Error::Usage(format!(
        "{}/{} uses the {controller} deployment controller: ecsnap cannot {action} it through \
         UpdateService. Nothing was sent; {instead}",
        service.cluster, service.name
    )))
}

/// What the service runs: its `taskDefinition` (what UpdateService last set), else the
/// PRIMARY deployment's.
pub fn running_task_definition(service: &Service) -> &str {
    if service.task_definition.is_empty() {
        service.primary().map_or("", |d| d.task_definition.as_str())
    } else {
        &service.task_definition
    }
}
