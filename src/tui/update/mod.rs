//! How the console's state changes: `app` takes every event (a key, a runner's answer, a
//! tick) and returns the `Effect`s to run; one file per feature for the rest — each
//! dialog's request, plan, confirmed effect and answers in `rollback`, `cleanup`,
//! `redeploy`, `restore`, `recover`, `hands_on`, `wait`, `deployment_action` (ECS's own
//! stop, continue and rollback of a deployment); the panes' `logs`, `deployments`, `metrics` and `jump`; the
//! `?` overlay's scroll (`help`) and a dialog's typed field and its `?` (`text_field`) —,
//! `dialog` (what every open dialog shares: its keys, the confirmation, the answers'
//! dispatch), `plan_dialog` (what every dialog showing a plan shares: the plan kept, the
//! confirmation it asks, the effect sent), `flows` (opening a dialog), and `route`, which
//! sends each effect to its place over several places.

pub mod app;
pub(crate) mod cleanup;
pub(crate) mod deployment_action;
pub(crate) mod deployments;
pub(crate) mod dialog;
pub(crate) mod flows;
pub(crate) mod hands_on;
pub(crate) mod help;
pub mod jump;
pub(crate) mod logs;
pub(crate) mod metrics;
pub mod open_copy;
pub(crate) mod plan_dialog;
pub(crate) mod recover;
pub(crate) mod redeploy;
pub(crate) mod restore;
pub(crate) mod rollback;
pub(crate) mod route;
pub(crate) mod storage;
pub(crate) mod task_metrics;
pub(crate) mod text_field;
pub(crate) mod wait;
