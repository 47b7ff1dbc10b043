//! The hands-on dialogs: scale the service in view (`+` / `-`), stop the selected task
//! (`K`), open a shell in it (`e`, picking the container when there are several) and
//! forward a port to it (`p`, after typing the port). Each shows the plan `ops/` built and
//! asks `y` (the task id or service name typed in production). A scale then watches the
//! running count reach the new desired count (Esc stops watching; the change stays).

use crate::ops::exec::ExecPlan;
use crate::ops::plugin::PluginCall;
use crate::ops::port_forward::{Forward, PortForwardPlan};
use crate::ops::scale::ScalePlan;
use crate::ops::stop_task::StopPlan;

/// What the console asks `ops/` to plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandsOnAsk {
    Scale {
        cluster: String,
        service: String,
        delta: i32,
    },
    Stop {
        cluster: String,
        task: String,
    },
    /// One plan per container of the task.
    Exec {
        cluster: String,
        task: String,
    },
    Forward {
        cluster: String,
        task: String,
        forward: Forward,
    },
}

/// A plan shown in the dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum HandsOnPlan {
    Scale(ScalePlan),
    Stop(StopPlan),
    /// One per container; the dialog picks one.
    Exec(Vec<ExecPlan>),
    Forward(PortForwardPlan),
}

/// What a confirmed plan did.
#[derive(Debug, Clone)]
pub enum HandsOnDone {
    /// UpdateService answered with this desired count.
    Scaled { desired: i32, running: i32 },
    /// StopTask answered with this desired status.
    Stopped { desired_status: String },
    /// ExecuteCommand answered: the console runs the plugin in the foreground.
    Exec { call: PluginCall, what: String },
    /// StartSession answered: the console runs the plugin in the background.
    Forward { call: PluginCall, route: String },
}

/// What the event loop runs outside `update`: the plugin, on this terminal or behind it.
#[derive(Debug, Clone)]
pub enum Foreground {
    Exec { call: PluginCall, what: String },
    Forward { call: PluginCall, route: String },
}

/// After a scale: the service's counts as last seen, until the running count reaches
/// the target (or fails, or the watch times out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleWatch {
    pub target: i32,
    pub running: i32,
    pub pending: i32,
    /// Looks at the service so far.
    pub looks: u32,
    /// How it ended: reached (`Ok`), or failed / still moving at the timeout (`Err`);
    /// `None` while watching.
    pub end: Option<Result<String, String>>,
}

impl ScaleWatch {
    pub fn new(target: i32, running: i32) -> Self {
        Self {
            target,
            running,
            pending: 0,
            looks: 0,
            end: None,
        }
    }

    /// One look at the service.
    pub fn look(&mut self, running: i32, pending: i32) {
        self.running = running;
        self.pending = pending;
        self.looks += 1;
    }

    pub fn is_watching(&self) -> bool {
        self.end.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct HandsOnModal {
    /// Which hands-on dialog (scale, stop, exec, port forward): its keys and help.
    pub dialog: crate::tui::state::dialog_kind::DialogKind,
    pub subject: String,
    /// `p`: the port is being typed (the confirmation input holds it).
    pub asking_port: Option<(String, String)>,
    pub plan: Option<HandsOnPlan>,
    /// Exec: the container picked (index into the plans).
    pub choice: usize,
    pub outcome: Option<String>,
    /// A scale sent: its count being watched.
    pub watch: Option<ScaleWatch>,
}

impl HandsOnModal {
    pub fn new(dialog: crate::tui::state::dialog_kind::DialogKind, subject: String) -> Self {
        Self {
            dialog,
            subject,
            asking_port: None,
            plan: None,
            choice: 0,
            outcome: None,
            watch: None,
        }
    }

    pub fn title(&self) -> String {
        self.subject.clone()
    }

    /// Watching a scale's count (Esc stops watching rather than waiting for results).
    pub fn is_watching(&self) -> bool {
        self.watch.as_ref().is_some_and(ScaleWatch::is_watching)
    }

    /// A look at the scaled service's counts.
    pub fn looked(&mut self, running: i32, pending: i32) {
        if let Some(w) = self.watch.as_mut() {
            w.look(running, pending);
        }
    }

    /// The scale's watch ended.
    pub fn watched(&mut self, end: Result<String, String>) {
        if let Some(w) = self.watch.as_mut() {
            w.end = Some(end);
        }
    }

    /// Picks another container (exec).
    pub fn move_by(&mut self, delta: isize) {
        if let Some(HandsOnPlan::Exec(plans)) = &self.plan
            && !plans.is_empty()
        {
            let last = plans.len() - 1;
            self.choice = self.choice.saturating_add_signed(delta).min(last);
        }
    }

    /// The exec plan of the container picked.
    pub fn exec_plan(&self) -> Option<&ExecPlan> {
        match &self.plan {
            Some(HandsOnPlan::Exec(plans)) => plans.get(self.choice),
            _ => None,
        }
    }

    /// The name typed in production: the task id, or the service's name.
    pub fn name(&self) -> String {
        match &self.plan {
            Some(HandsOnPlan::Scale(p)) => p.service.name.clone(),
            Some(HandsOnPlan::Stop(p)) => p.task_id.clone(),
            Some(HandsOnPlan::Exec(_)) => self
                .exec_plan()
                .map(|p| p.task_id.clone())
                .unwrap_or_default(),
            Some(HandsOnPlan::Forward(p)) => p.task_id.clone(),
            None => String::new(),
        }
    }

    /// What the confirmation prompt names.
    pub fn prompt_what(&self) -> String {
        match &self.plan {
            Some(HandsOnPlan::Scale(p)) => {
                format!("Scale {} from {} to {}", p.service.label(), p.from, p.to)
            }
            Some(HandsOnPlan::Stop(p)) => match &p.service {
                Some(service) => format!("Stop task {} of {}/{service}", p.task_id, p.cluster),
                None => format!("Stop task {} in {}", p.task_id, p.cluster),
            },
            Some(HandsOnPlan::Exec(plans)) => match plans.get(self.choice) {
                Some(p) => format!(
                    "Open the shell in {} of task {} ({})",
                    p.container, p.task_id, p.cluster
                ),
                None => "Open the shell".into(),
            },
            Some(HandsOnPlan::Forward(p)) => format!(
                "Forward localhost:{} to {}:{} through task {} ({})",
                p.local_port,
                p.host.as_deref().unwrap_or("the task"),
                p.remote_port,
                p.task_id,
                p.cluster
            ),
            None => String::new(),
        }
    }

    /// The first container whose exec looks ready, else the first.
    pub fn preselect(&mut self) {
        if let Some(HandsOnPlan::Exec(plans)) = &self.plan {
            self.choice = plans.iter().position(|p| p.blocker.is_none()).unwrap_or(0);
        }
    }
}

/// `REMOTE [LOCAL] [HOST]` (any order after the remote port: a number is the local port,
/// anything else the host), e.g. `5432`, `80 8080`, `5432 15432 db.internal`.
pub fn parse_forward(input: &str) -> Result<Forward, String> {
    let mut words = input.split_whitespace();
    let port = |w: &str| -> Result<u16, String> {
        match w.parse::<u16>() {
            Ok(p) if p > 0 => Ok(p),
            _ => Err(format!("{w:?} is not a port (1–65535)")),
        }
    };
    let remote_port = port(words.next().ok_or("type the remote port, e.g. 5432")?)?;
    let mut forward = Forward {
        remote_port,
        local_port: None,
        host: None,
    };
    for w in words {
        if w.chars().all(|c| c.is_ascii_digit()) {
            if forward.local_port.is_some() {
                return Err(format!("two local ports given ({w})"));
            }
            forward.local_port = Some(port(w)?);
        } else if forward.host.replace(w.to_string()).is_some() {
            return Err(format!("two hosts given ({w})"));
        }
    }
    Ok(forward)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_specs() {
        let f = |remote, local, host: Option<&str>| Forward {
            remote_port: remote,
            local_port: local,
            host: host.map(str::to_string),
        };
        assert_eq!(parse_forward("5432"), Ok(f(5432, None, None)));
        assert_eq!(parse_forward(" 80 8080 "), Ok(f(80, Some(8080), None)));
        assert_eq!(
            parse_forward("5432 db.internal 15432"),
            Ok(f(5432, Some(15432), Some("db.internal")))
        );
        for bad in ["", "x", "0", "70000", "80 1 2", "80 a b"] {
            assert!(parse_forward(bad).is_err(), "{bad:?}");
        }
    }
}
