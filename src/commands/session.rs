//! The session every action command works in: the read clients, the guarded `Mutator`
//! (audit log, interrupt), the settings with the account's marks, and who this is. Opened
//! on the place the global flags name (`open_session`) or on one place of the fleet
//! (`Session::at_place`, `At::Place`); refused at once in read-only mode unless nothing
//! will be sent. `Question` is the one question asked before anything is sent.

use std::sync::Arc;

use crate::aws::fleet::FleetTarget;
use crate::aws::{AwsClients, connect_with_ops};
use crate::cli::GlobalArgs;
use crate::config::Settings;
use crate::error::Result;
use crate::model::CallerIdentity;
use crate::ops::audit::AuditLog;
use crate::ops::cleanup::PlanContext;
use crate::ops::confirm::{Confirmation, confirm_on_terminal};
use crate::ops::guard::{Mutator, check_writable};
use crate::ops::interrupt::Interrupt;
use crate::ops::session;

/// An action session: the read clients, the guarded mutator, the settings with the
/// account's marks applied.
pub(super) struct Session {
    pub(super) aws: AwsClients,
    pub(super) mutator: Mutator,
    pub(super) settings: Settings,
    pub(super) identity: Option<CallerIdentity>,
}

pub(super) async fn open_session(
    global: &GlobalArgs,
    settings: Settings,
    what: &str,
    dry_run: bool,
) -> Result<Session> {
    let mut s = open_unwatched(global, settings, what, !dry_run).await?;
    s.mutator = s.mutator.with_interrupt(watched_interrupt(dry_run));
    Ok(s)
}

/// An action session without a Ctrl-C watcher: connect, ask STS who this is, apply the
/// account's marks, open the audit log. With `check_write`, refused in read-only mode
/// (before connecting, and again once the account's marks are known).
pub(super) async fn open_unwatched(
    global: &GlobalArgs,
    mut settings: Settings,
    what: &str,
    check_write: bool,
) -> Result<Session> {
    if check_write {
        check_writable(&settings, what)?;
    }
    let (aws, ops) = connect_with_ops(&super::connect::connect_options(global)).await?;
    let identity = session::identify(&aws).await;
    session::apply_identity(&mut settings, identity.as_ref());
    if check_write {
        check_writable(&settings, what)?;
    }
    let mutator = session::open(
        ops,
        &aws,
        &settings,
        identity.as_ref(),
        &AuditLog::default_path(),
    )?;
    Ok(Session {
        aws,
        mutator,
        settings,
        identity,
    })
}

/// The interrupt of a run: Ctrl-C / SIGTERM are watched unless nothing will be sent.
pub(super) fn watched_interrupt(dry_run: bool) -> Interrupt {
    let interrupt = Interrupt::new();
    if !dry_run {
        super::interrupts::watch(interrupt.clone());
    }
    interrupt
}

impl Session {
    /// The session of one place of the fleet: its clients, its identity, its profile and
    /// account marks, its own `Mutator` (so audit lines carry its account and region) on
    /// the shared audit log and interrupt. Refuses nothing itself: read-only shows in
    /// `mutator.is_read_only()`.
    pub(super) fn at_place(
        target: &FleetTarget,
        settings: &Settings,
        audit: Arc<AuditLog>,
        interrupt: Interrupt,
    ) -> Self {
        let settings = session::place_settings(settings, target);
        let mutator = session::open_shared(
            target.ops.clone(),
            &target.aws,
            &settings,
            Some(&target.identity),
            audit,
        )
        .with_interrupt(interrupt);
        Self {
            aws: target.aws.clone(),
            mutator,
            settings,
            identity: Some(target.identity.clone()),
        }
    }

    /// Runs a mutation phase: a first Ctrl-C / SIGTERM meanwhile lets what is in flight
    /// finish (the `Mutator` sends nothing new) instead of exiting at once.
    pub(super) async fn mutating<T>(&self, action: impl std::future::Future<Output = T>) -> T {
        let _phase = self.mutator.interrupt().mutation_phase();
        action.await
    }

    /// The account acted on, when STS said.
    pub(super) fn account_id(&self) -> Option<String> {
        self.identity.as_ref().map(|i| i.account.clone())
    }

    /// What a cleanup planner reads with here: the clients, the settings, the account
    /// (`None` when STS could not say), and now.
    pub(super) fn plan_context(&self) -> PlanContext<'_> {
        let account = self.identity.as_ref().map(|i| i.account.as_str());
        PlanContext::new(&self.aws, &self.settings, account, crate::config::now())
    }

    pub(super) fn interrupted(&self) -> bool {
        self.mutator.interrupt().is_triggered()
    }

    /// The header line of every plan: where, as whom, and the production mark.
    pub(super) fn header(&self) -> String {
        let who = self
            .identity
            .as_ref()
            .map_or_else(|| "unknown identity".to_string(), |i| i.arn.clone());
        let profile = self.settings.profile.as_deref().unwrap_or("default");
        let mut h = format!("{who} · profile {profile} · {}", self.aws.region);
        if self.settings.production {
            h = format!("!! PRODUCTION !! {h}");
        }
        if self.mutator.is_read_only() {
            h.push_str(" · READ-ONLY");
        }
        h
    }
}

/// Where an action runs: the one place the global flags name, or one place of the fleet.
pub(super) enum At<'a> {
    Flags(&'a GlobalArgs),
    Place(&'a FleetTarget),
}

impl At<'_> {
    /// The action session there; refuses in read-only mode (flags, profile or account
    /// marks) unless it is a dry run.
    pub(super) async fn session(
        &self,
        settings: Settings,
        what: &str,
        dry_run: bool,
    ) -> Result<Session> {
        match self {
            At::Flags(global) => open_session(global, settings, what, dry_run).await,
            At::Place(target) => {
                let audit = Arc::new(AuditLog::open(&AuditLog::default_path())?);
                let s = Session::at_place(target, &settings, audit, watched_interrupt(dry_run));
                if !dry_run {
                    check_writable(&s.settings, what)?;
                }
                Ok(s)
            }
        }
    }

    /// The read clients there.
    pub(super) async fn clients(&self) -> Result<AwsClients> {
        match self {
            At::Flags(global) => super::connect::connect_from(global).await,
            At::Place(target) => Ok(target.aws.clone()),
        }
    }
}

/// The one question before an action is sent: what is asked and the answer it needs.
pub(super) struct Question {
    pub(super) what: String,
    pub(super) needed: Confirmation,
}

impl Question {
    /// A single action's: `y`, or the name typed back in production.
    pub(super) fn single(s: &Session, what: String, name: &str) -> Self {
        Self {
            what,
            needed: Confirmation::required(None, s.settings.production, name),
        }
    }

    /// Asks on the terminal; `--yes` skips the question.
    pub(super) fn ask(&self, yes: bool) -> Result<()> {
        confirm_on_terminal(&self.what, &self.needed, yes)
    }
}
