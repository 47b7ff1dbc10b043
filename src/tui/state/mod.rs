//! The console's state, one file per feature: the panes (`services`, `tasks`, `detail`,
//! `snapshots`, `orphans`, `lifecycle`, `logs`; `list` is what the list panes share), the
//! dialogs (`modal` and one file per kind: `rollback`, `cleanup`, `hands_on`, `redeploy`,
//! `restore`, `recover`, `wait`, `confirm`; `dialog_kind` names them), the `?` overlay's scroll (`help`), the answers runners send (`msg`), the places (`places`), a service in its place (`service_ref`) and the whole
//! (`app`: `AppState`). Plain data and its own small rules; only `update` changes it.

pub mod app;
pub mod cleanup;
pub mod confirm;
pub mod deployment_action;
pub mod deployments;
pub mod detail;
pub mod dialog_kind;
pub mod events;
pub mod hands_on;
pub mod help;
pub mod lifecycle;
pub mod list;
pub mod logs;
pub mod metrics;
pub mod modal;
pub mod msg;
pub mod orphans;
pub mod pane_id;
pub mod places;
pub mod recover;
pub mod redeploy;
pub mod restore;
pub mod rollback;
pub mod service_ref;
pub mod services;
pub mod snapshots;
pub mod storage;
pub mod task_metrics;
pub mod tasks;
pub mod wait;
