//! Setting up an action session: who we are (STS), the account's config marks, and the
//! `Mutator` with its audit log. Each command does this once; the console keeps one
//! `LazySession` for its whole run. Over several places each place gets its own
//! `Mutator` (its identity, profile, region and marks) sharing one audit log.

use std::path::Path;
use std::sync::Arc;

use super::audit::{Actor, AuditLog};
use super::guard::{Mutator, read_only_reason};
use crate::aws::fleet::FleetTarget;
use crate::aws::{AwsClients, OpsClients};
use crate::config::Settings;
use crate::error::Result;
use crate::model::CallerIdentity;

/// The caller identity, or `None` (logged) when STS does not answer.
pub async fn identify(aws: &AwsClients) -> Option<CallerIdentity> {
    match aws.sts.caller_identity().await {
        Ok(id) => Some(id),
        Err(e) => {
            tracing::warn!("caller identity unknown: {e}");
            None
        }
    }
}

/// Applies the `[accounts."ID"]` marks for the caller's account to `settings`.
pub fn apply_identity(settings: &mut Settings, identity: Option<&CallerIdentity>) {
    if let Some(id) = identity {
        settings.apply_account(&id.account);
    }
}

/// The guarded mutator for these settings, writing its audit log at `audit_path`.
pub fn open(
    ops: OpsClients,
    aws: &AwsClients,
    settings: &Settings,
    identity: Option<&CallerIdentity>,
    audit_path: &Path,
) -> Result<Mutator> {
    let audit = AuditLog::open(audit_path)?;
    Ok(open_shared(ops, aws, settings, identity, Arc::new(audit)))
}

/// The guarded mutator for these settings, writing to an audit log already open (one
/// log shared by the `Mutator`s of several places: one file, one sequence of `op` ids).
pub fn open_shared(
    ops: OpsClients,
    aws: &AwsClients,
    settings: &Settings,
    identity: Option<&CallerIdentity>,
    audit: Arc<AuditLog>,
) -> Mutator {
    Mutator::new(
        ops,
        read_only_reason(settings),
        audit,
        Actor::new(identity, settings.profile.as_deref(), &aws.region),
    )
}

/// The settings one place of the fleet acts with: its profile, and its account's marks
/// (the fleet account's, `[profiles.NAME]`, `[accounts."ID"]`) on top of the flags'.
pub fn place_settings(settings: &Settings, target: &FleetTarget) -> Settings {
    let mut s = settings.clone();
    if target.profile.is_some() {
        s.profile.clone_from(&target.profile);
    }
    s.production |= target.place.marks.production;
    s.read_only |= target.place.marks.read_only;
    s.apply_account(&target.place.account_id);
    s
}

/// One session for a whole console run: the caller identity asked of STS once, the
/// account's marks applied once, the `Mutator` and its audit log opened once — on first
/// use, so a console that only reads never opens the audit log, and a state dir that is
/// not writable only fails the actions that need it.
pub struct LazySession {
    aws: AwsClients,
    ops: OpsClients,
    settings: Settings,
    audit_path: std::path::PathBuf,
    identity: tokio::sync::OnceCell<std::result::Result<CallerIdentity, String>>,
    opened: tokio::sync::OnceCell<std::result::Result<(Mutator, Settings), String>>,
}

impl LazySession {
    pub fn new(
        aws: AwsClients,
        ops: OpsClients,
        settings: Settings,
        audit_path: std::path::PathBuf,
    ) -> Self {
        Self {
            aws,
            ops,
            settings,
            audit_path,
            identity: tokio::sync::OnceCell::new(),
            opened: tokio::sync::OnceCell::new(),
        }
    }

    /// A session whose identity is already known (a place of the fleet, asked when it
    /// was connected): STS is not asked again.
    #[must_use]
    pub fn with_identity(self, identity: CallerIdentity) -> Self {
        let _ = self.identity.set(Ok(identity));
        self
    }

    /// The settings as given, before the account's marks (enough for plans: reads only).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Who we are (one STS call per session), or why it is unknown.
    pub async fn identity(&self) -> std::result::Result<&CallerIdentity, &str> {
        self.identity
            .get_or_init(|| async {
                self.aws
                    .sts
                    .caller_identity()
                    .await
                    .map_err(|e| e.to_string())
            })
            .await
            .as_ref()
            .map_err(String::as_str)
    }

    /// The account id, when STS answered.
    pub async fn account(&self) -> Option<&str> {
        self.identity().await.ok().map(|i| i.account.as_str())
    }

    /// The guarded mutator and the settings with the account's marks applied.
    pub async fn mutator(&self) -> std::result::Result<(&Mutator, &Settings), String> {
        let opened = self
            .opened
            .get_or_init(|| async {
                let identity = match self.identity().await {
                    Ok(id) => Some(id.clone()),
                    Err(e) => {
                        tracing::warn!("caller identity unknown: {e}");
                        None
                    }
                };
                let mut settings = self.settings.clone();
                apply_identity(&mut settings, identity.as_ref());
                open(
                    self.ops.clone(),
                    &self.aws,
                    &settings,
                    identity.as_ref(),
                    &self.audit_path,
                )
                .map(|m| (m, settings))
                .map_err(|e| e.to_string())
            })
            .await;
        match opened {
            Ok((m, s)) => Ok((m, s)),
            Err(e) => Err(e.clone()),
        }
    }
}
