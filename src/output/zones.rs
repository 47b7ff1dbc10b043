//! The JSON of a restore plan's zone check (`recover`, EBS-snapshot `rollback`): the
//! service's subnets' zones against the volume's, and the warning.

use serde::Serialize;

use crate::analysis::zones::ZoneCheck;

/// A plan's zone check, with its warning.
#[derive(Debug, Serialize)]
pub struct ZonesJson {
    #[serde(flatten)]
    pub check: ZoneCheck,
    pub warning: Option<String>,
}

impl From<&ZoneCheck> for ZonesJson {
    fn from(check: &ZoneCheck) -> Self {
        Self {
            check: check.clone(),
            warning: check.warning(),
        }
    }
}
