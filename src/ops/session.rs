//! Setting up an action session: who we are (STS), the account's config marks, and the
//! `Mutator` with its audit log. The console does this once at start; each command once.

use std::path::Path;
use std::sync::Arc;

use super::audit::{Actor, AuditLog};
use super::guard::{Mutator, read_only_reason};
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
    Ok(Mutator::new(
        ops,
        read_only_reason(settings),
        Arc::new(audit),
        Actor::new(identity, settings.profile.as_deref(), &aws.region),
    ))
}
