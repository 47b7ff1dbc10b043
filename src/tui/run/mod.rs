//! Running what `update` asks for: `effect` (the `Effect`s), `runner` (loads on tokio tasks,
//! one slot per kind), and one runner per action family that calls `ops` and `load`
//! (`actions`: rollback, cleanup, redeploy, restore; `deployment_action`: ECS's own stop, continue and rollback of a deployment, followed; `recover`; `hands_on`; `storage`, marks and a snapshot's restore; `places`, the accounts of a console on several joining as they answer; `plugin`, the
//! foreground `session-manager-plugin`; `wait`, the rollout watch they share), each answering with `Msg`s.

pub(crate) mod actions;
pub mod deployment_action;
pub mod effect;
pub(crate) mod hands_on;
pub mod places;
pub(crate) mod plugin;
pub(crate) mod recover;
pub mod runner;
pub(crate) mod storage;
pub mod terminal;
pub mod wait;

/// An error as the dialogs and panes show it.
fn text(e: &crate::Error) -> String {
    e.to_string()
}
