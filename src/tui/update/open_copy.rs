//! `b`, `c`, `C`: the selected resource in the AWS console, its id or its ARN on the
//! clipboard. Here only what is selected and what to say; the opener and the OSC 52
//! sequence are effects the runner carries out (`run::terminal`). The URL is always
//! shown (the whole of it, on the status lines), so it can be selected by hand where no
//! browser can be opened.

use crate::model::console_url::{
    ConsoleTarget, arn_account, arn_region, console_url, snapshot_arn, volume_arn,
};
use crate::model::{DeploymentStatus, LogSource};
use crate::tui::run::effect::Effect;
use crate::tui::state::app::AppState;
use crate::tui::state::orphans::OrphanRow;
use crate::tui::state::pane_id::PaneId;

/// The resource `b`, `c` and `C` act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    pub target: ConsoleTarget,
    /// What `c` copies.
    pub id: String,
    /// What `C` copies, when the resource has an ARN.
    pub arn: Option<String>,
    /// Its console URL.
    pub url: String,
}

/// The region and account of a row's place (over several places), else the console's.
fn place_of(state: &AppState, place: Option<usize>) -> (String, String) {
    match place.and_then(|i| state.places.all.get(i)) {
        Some(p) => (p.region.clone(), p.account_id.clone()),
        None => (
            state.header.region.clone(),
            state.header.account.clone().unwrap_or_default(),
        ),
    }
}

/// What a pane's selection is: the resource, its id, its ARN if the model has one (an
/// empty one is dropped in `selected_in`), and its place (over several places).
type Picked = (ConsoleTarget, String, Option<String>, Option<usize>);

fn nothing(what: &str) -> String {
    format!("select {what} first")
}

fn log_stream(
    state: &AppState,
    view: &crate::tui::state::logs::LogsView,
) -> Result<Selected, String> {
    let Some((container, _)) = view.current() else {
        return Err("the log sources are still loading".into());
    };
    let LogSource::Awslogs {
        group,
        stream,
        region,
    } = &container.source
    else {
        return Err(format!(
            "container {} does not log to CloudWatch Logs",
            container.container
        ));
    };
    let (_, account) = place_of(state, state.tasks.target.as_ref().and_then(|t| t.place));
    let arn = (!account.is_empty()).then(|| {
        format!(
            "arn:{}:logs:{region}:{account}:log-group:{group}:log-stream:{stream}",
            crate::model::console_url::partition(region)
        )
    });
    let target = ConsoleTarget::log_stream(group, stream);
    Ok(Selected {
        url: console_url(&target, region, &account),
        target,
        id: stream.clone(),
        arn,
    })
}

fn service_picked(state: &AppState) -> Result<Picked, String> {
    let row = state
        .services
        .list
        .selected_row()
        .ok_or_else(|| nothing("a service"))?;
    let s = &row.service;
    Ok((
        ConsoleTarget::service(&s.cluster, &s.name),
        s.name.clone(),
        Some(s.arn.clone()),
        row.place,
    ))
}

/// An event of the Events pane: its service (an event has no page of its own).
fn event_picked(state: &AppState) -> Result<Picked, String> {
    let row = state
        .events
        .list
        .selected_row()
        .ok_or_else(|| nothing("an event"))?;
    let e = &row.event;
    let arn = state
        .services
        .find_at(row.place, &e.cluster, &e.service)
        .map(|s| s.arn.clone());
    Ok((
        ConsoleTarget::service(&e.cluster, &e.service),
        e.service.clone(),
        arn,
        row.place,
    ))
}

fn task_picked(state: &AppState) -> Result<Picked, String> {
    let row = state
        .tasks
        .list
        .selected_row()
        .ok_or_else(|| nothing("a task"))?;
    let t = &row.task;
    let cluster = state
        .tasks
        .target
        .as_ref()
        .map_or(t.cluster.as_str(), |x| x.cluster.as_str());
    Ok((
        ConsoleTarget::task(cluster, &t.id),
        t.id.clone(),
        Some(t.arn.clone()),
        state.tasks.target.as_ref().and_then(|x| x.place),
    ))
}

/// Detail: the service's PRIMARY deployment (else its first; else the service).
/// The deployment under the Deployments pane's cursor: ECS's service deployment, its ARN.
fn service_deployment_picked(state: &AppState) -> Result<Picked, String> {
    let pane = &state.deployments;
    let target = pane.target.as_ref().ok_or_else(|| nothing("a service"))?;
    let d = pane
        .data
        .as_ref()
        .and_then(|data| data.deployments.get(pane.selected))
        .ok_or_else(|| nothing("a deployment"))?;
    let id = crate::model::arn_name(&d.arn).to_string();
    Ok((
        ConsoleTarget::deployment(&target.cluster, &target.service, &id),
        id,
        Some(d.arn.clone()),
        target.place,
    ))
}

fn deployment_picked(state: &AppState) -> Result<Picked, String> {
    let target = state
        .detail
        .target
        .as_ref()
        .ok_or_else(|| nothing("a service"))?;
    let service = state
        .services
        .find_at(target.place, &target.cluster, &target.service);
    let deployment = service.and_then(|s| {
        s.deployments
            .iter()
            .find(|d| d.status == DeploymentStatus::Primary)
            .or_else(|| s.deployments.first())
    });
    Ok(match deployment {
        Some(d) => (
            ConsoleTarget::deployment(&target.cluster, &target.service, &d.id),
            d.id.clone(),
            None,
            target.place,
        ),
        None => (
            ConsoleTarget::service(&target.cluster, &target.service),
            target.service.clone(),
            service.map(|s| s.arn.clone()),
            target.place,
        ),
    })
}

fn image_picked(state: &AppState) -> Result<Picked, String> {
    if !state.snapshots.focus_tags {
        return Err("open a user's tags (Enter) and select an image first".into());
    }
    let row = state
        .snapshots
        .tags
        .selected_row()
        .ok_or_else(|| nothing("a tag"))?;
    Ok((
        ConsoleTarget::image(&row.repository, &row.entry.digest),
        row.entry.digest.clone(),
        None,
        row.place,
    ))
}

fn orphan_picked(state: &AppState) -> Result<Picked, String> {
    let row = state
        .orphans
        .list
        .selected_row()
        .ok_or_else(|| nothing("a volume or snapshot"))?;
    let place = state.orphans.place_of.get(row.id()).copied();
    let target = match row {
        OrphanRow::Volume(v) => ConsoleTarget::volume(&v.volume.id),
        OrphanRow::Snapshot(s) => ConsoleTarget::snapshot(&s.snapshot.id),
    };
    Ok((target, row.id().to_string(), None, place))
}

fn selected_in(state: &AppState) -> Result<Selected, String> {
    if let Some(view) = &state.logs {
        return log_stream(state, view);
    }
    let (target, id, arn, place) = match state.pane {
        PaneId::Services => service_picked(state)?,
        PaneId::Tasks => task_picked(state)?,
        PaneId::Detail => deployment_picked(state)?,
        PaneId::Snapshots => image_picked(state)?,
        PaneId::Orphans => orphan_picked(state)?,
        PaneId::Events => event_picked(state)?,
        PaneId::Deployments => service_deployment_picked(state)?,
    };
    // The model's rows without an ARN have an empty one.
    let arn = arn.filter(|a| !a.is_empty());
    let (mut region, mut account) = place_of(state, place);
    // An ARN says where the resource is, whatever the header says.
    if let Some(a) = &arn {
        if let Some(r) = arn_region(a) {
            region = r.to_string();
        }
        if let Some(acc) = arn_account(a) {
            account = acc.to_string();
        }
    }
    if region.is_empty() {
        return Err("the region is not known yet".into());
    }
    if account.is_empty() && matches!(target, ConsoleTarget::Image { .. }) {
        return Err("the account is not known yet (the caller identity did not load)".into());
    }
    let arn = arn.or_else(|| match &target {
        ConsoleTarget::Volume { id } if !account.is_empty() => {
            Some(volume_arn(&region, &account, id))
        }
        ConsoleTarget::Snapshot { id } => Some(snapshot_arn(&region, id)),
        _ => None,
    });
    Ok(Selected {
        url: console_url(&target, &region, &account),
        target,
        id,
        arn,
    })
}

/// What `b`, `c`, `C` act on now, or why nothing.
pub fn selected(state: &AppState) -> Result<Selected, String> {
    selected_in(state)
}

/// `b`: open the selected resource in the AWS console; the URL is shown either way.
pub fn open_in_console(state: &mut AppState) -> Vec<Effect> {
    match selected(state) {
        Ok(s) => {
            let how = match state.opener {
                Some(program) => format!("opening in the browser ({program}):"),
                None => "no display to open a browser: select or copy (C) the URL:".into(),
            };
            state.message = Some(format!("{} {} {how} {}", s.target.kind(), s.id, s.url));
            if state.opener.is_some() {
                vec![Effect::OpenUrl(s.url)]
            } else {
                Vec::new()
            }
        }
        Err(why) => {
            state.message = Some(why);
            Vec::new()
        }
    }
}

/// `c` (`arn` false): copy the id; `C`: the ARN, or the console URL without one.
pub fn copy(state: &mut AppState, arn: bool) -> Vec<Effect> {
    match selected(state) {
        Ok(s) => {
            let kind = s.target.kind();
            let (what, text) = match (arn, s.arn) {
                (false, _) => ("id", s.id),
                (true, Some(a)) => ("ARN", a),
                (true, None) => ("console URL", s.url),
            };
            state.message = Some(format!(
                "copied the {kind}'s {what} to the clipboard (OSC 52): {text}"
            ));
            vec![Effect::Copy(text)]
        }
        Err(why) => {
            state.message = Some(why);
            Vec::new()
        }
    }
}
