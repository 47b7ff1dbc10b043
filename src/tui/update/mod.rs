//! How the console's state changes: `app` takes every event (a key, a runner's answer, a
//! tick) and returns the `Effect`s to run; one file per feature for the rest (`dialog`:
//! the dialogs' keys and answers, `flows`: the requests that open them, `hands_on`, `logs`,
//! `jump`, `help`: the `?` overlay's scroll, `text_field`: a dialog's typed field and its
//! `?`), and `route`, which sends each effect to its place over several places.

pub mod app;
pub(crate) mod dialog;
pub(crate) mod flows;
pub(crate) mod hands_on;
pub(crate) mod help;
pub mod jump;
pub(crate) mod logs;
pub(crate) mod route;
pub(crate) mod text_field;
