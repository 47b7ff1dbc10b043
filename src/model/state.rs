//! The AWS states ecsnap decides on, as enums: parsed once where the adapters fill the
//! model, compared as variants everywhere else. Each keeps a value AWS may add later in
//! `Other`, so odd data never panics, and gives back AWS's exact spelling (`as_str`,
//! `Display`, `Debug`), so text and JSON output read as the API wrote them.

use std::fmt;
use std::hash::{Hash, Hasher};

/// One state enum: its known variants with AWS's spelling, and `Other` for the rest.
macro_rules! aws_state {
    (
        $(#[$doc:meta])*
        $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A value ecsnap does not know (or none: the empty string), kept as AWS wrote it.
            Other(String),
        }

        impl $name {
            /// AWS's spelling of the state.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $text,)+
                    Self::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $($text => Self::$variant,)+
                    other => Self::Other(other.to_string()),
                }
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                match Self::from(s.as_str()) {
                    Self::Other(_) => Self::Other(s),
                    known => known,
                }
            }
        }

        impl Default for $name {
            /// No state reported: the empty string.
            fn default() -> Self {
                Self::Other(String::new())
            }
        }

        /// As the string, width and alignment included (`{:<8}` pads as it did).
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.pad(self.as_str())
            }
        }

        /// As AWS spells it, in the JSON outputs.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        /// As the string AWS sent, so debug output reads as it did when this was a `String`.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.as_str(), f)
            }
        }

        /// Equal when AWS spells them the same (`Other("PRIMARY")` is `Primary`).
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $name {}

        impl Hash for $name {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        /// Compares with AWS's spelling (fixtures and screens written with the strings).
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }
    };
}

aws_state! {
    /// A load-balancer target's health (`TargetHealth.State`).
    TargetHealthState {
        Healthy = "healthy",
        Unhealthy = "unhealthy",
        Draining = "draining",
        Initial = "initial",
        /// Not registered with a target group in use, or in a zone the balancer skips.
        Unused = "unused",
        /// Health checks are off for the target group.
        Unavailable = "unavailable",
        UnhealthyDraining = "unhealthy.draining",
    }
}

aws_state! {
    /// A CloudWatch alarm's `StateValue`.
    AlarmStateValue {
        Ok = "OK",
        Alarm = "ALARM",
        InsufficientData = "INSUFFICIENT_DATA",
    }
}

aws_state! {
    /// A service's `status`.
    ServiceStatus {
        Active = "ACTIVE",
        /// Being deleted: its tasks are stopping.
        Draining = "DRAINING",
        Inactive = "INACTIVE",
    }
}

aws_state! {
    /// A deployment's `status`: the newest is `PRIMARY`, older ones still running tasks
    /// are `ACTIVE`, finished ones `INACTIVE`.
    DeploymentStatus {
        Primary = "PRIMARY",
        Active = "ACTIVE",
        Inactive = "INACTIVE",
    }
}

aws_state! {
    /// A deployment's `rolloutState`.
    RolloutState {
        Completed = "COMPLETED",
        Failed = "FAILED",
        InProgress = "IN_PROGRESS",
    }
}

aws_state! {
    /// A task's `lastStatus` or `desiredStatus`.
    TaskStatus {
        Provisioning = "PROVISIONING",
        Pending = "PENDING",
        Activating = "ACTIVATING",
        Running = "RUNNING",
        Deactivating = "DEACTIVATING",
        Stopping = "STOPPING",
        Deprovisioning = "DEPROVISIONING",
        Stopped = "STOPPED",
        Deleted = "DELETED",
    }
}

aws_state! {
    /// The `lastStatus` of a container's managed agent (the `ExecuteCommandAgent`).
    AgentStatus {
        Pending = "PENDING",
        Running = "RUNNING",
        Stopped = "STOPPED",
    }
}

aws_state! {
    /// An EBS volume's `state`.
    VolumeState {
        Creating = "creating",
        /// Attached to nothing.
        Available = "available",
        InUse = "in-use",
        Deleting = "deleting",
        Deleted = "deleted",
        Error = "error",
    }
}

aws_state! {
    /// An EBS snapshot's `state`.
    SnapshotState {
        Pending = "pending",
        Completed = "completed",
        Error = "error",
        Recoverable = "recoverable",
        Recovering = "recovering",
    }
}

aws_state! {
    /// A service deployment's `status` (DescribeServiceDeployments): ECS's own verdict on
    /// one deployment, kept 90 days.
    ServiceDeploymentStatus {
        Pending = "PENDING",
        InProgress = "IN_PROGRESS",
        Successful = "SUCCESSFUL",
        StopRequested = "STOP_REQUESTED",
        Stopped = "STOPPED",
        RollbackRequested = "ROLLBACK_REQUESTED",
        RollbackInProgress = "ROLLBACK_IN_PROGRESS",
        RollbackSuccessful = "ROLLBACK_SUCCESSFUL",
        RollbackFailed = "ROLLBACK_FAILED",
    }
}

impl ServiceDeploymentStatus {
    /// Still moving towards its target (PENDING, IN_PROGRESS): a deployment ECS can stop
    /// and roll back.
    pub fn is_in_flight(&self) -> bool {
        matches!(self, Self::Pending | Self::InProgress)
    }

    /// A rollback asked for or under way (ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS).
    pub fn is_rolling_back(&self) -> bool {
        matches!(self, Self::RollbackRequested | Self::RollbackInProgress)
    }

    /// Over: nothing more will happen to it (SUCCESSFUL, STOPPED, ROLLBACK_SUCCESSFUL,
    /// ROLLBACK_FAILED).
    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            Self::Successful | Self::Stopped | Self::RollbackSuccessful | Self::RollbackFailed
        )
    }
}

aws_state! {
    /// `deploymentConfiguration.strategy`: how ECS replaces a service's tasks.
    DeploymentStrategy {
        Rolling = "ROLLING",
        BlueGreen = "BLUE_GREEN",
        Linear = "LINEAR",
        Canary = "CANARY",
    }
}

aws_state! {
    /// A service deployment's `lifecycleStage`.
    DeploymentLifecycleStage {
        ReconcileService = "RECONCILE_SERVICE",
        PreScaleUp = "PRE_SCALE_UP",
        ScaleUp = "SCALE_UP",
        PostScaleUp = "POST_SCALE_UP",
        TestTrafficShift = "TEST_TRAFFIC_SHIFT",
        PostTestTrafficShift = "POST_TEST_TRAFFIC_SHIFT",
        ProductionTrafficShift = "PRODUCTION_TRAFFIC_SHIFT",
        PostProductionTrafficShift = "POST_PRODUCTION_TRAFFIC_SHIFT",
        BakeTime = "BAKE_TIME",
        CleanUp = "CLEAN_UP",
    }
}

aws_state! {
    /// A lifecycle hook's `status` in a deployment (`lifecycleHookDetails`).
    LifecycleHookStatus {
        InProgress = "IN_PROGRESS",
        /// Paused: waiting for ContinueServiceDeployment (CONTINUE or ROLLBACK) until
        /// `expiresAt`, when its `timeoutAction` fires.
        AwaitingAction = "AWAITING_ACTION",
        Succeeded = "SUCCEEDED",
        Failed = "FAILED",
        TimedOut = "TIMED_OUT",
    }
}

aws_state! {
    /// What to do with a paused hook (ContinueServiceDeployment `action`, a hook's
    /// `timeoutAction`).
    LifecycleHookAction {
        Continue = "CONTINUE",
        Rollback = "ROLLBACK",
    }
}

aws_state! {
    /// An ECR image's storage class (`imageStatus`): pullable (`ACTIVE`, ECR standard),
    /// in ECR archive (`ARCHIVED`: a pull fails until it is restored), or being restored
    /// (`ACTIVATING`). An endpoint that does not report it (no archive) reads as standard.
    ImageStatus {
        Active = "ACTIVE",
        Archived = "ARCHIVED",
        Activating = "ACTIVATING",
    }
}

impl ImageStatus {
    /// The storage class in words: `standard`, `archive`, `restoring`.
    pub fn storage_class(&self) -> &str {
        match self {
            Self::Archived => "archive",
            Self::Activating => "restoring",
            Self::Active => "standard",
            Self::Other(s) if s.is_empty() => "standard",
            Self::Other(s) => s,
        }
    }

    /// A pull of this image fails now (archived, or still being restored).
    pub fn is_unpullable(&self) -> bool {
        matches!(self, Self::Archived | Self::Activating)
    }
}

aws_state! {
    /// The state of a deployment's circuit breaker or alarms (`status` of
    /// `deploymentCircuitBreaker` / `alarms` in a service deployment).
    RollbackMonitorStatus {
        Disabled = "DISABLED",
        Monitoring = "MONITORING",
        MonitoringComplete = "MONITORING_COMPLETE",
        Triggered = "TRIGGERED",
    }
}

#[cfg(test)]
mod tests {
    use super::{DeploymentStatus, RolloutState, SnapshotState, VolumeState};

    #[test]
    fn known_values_parse_and_spell_as_aws_does() {
        assert_eq!(DeploymentStatus::from("PRIMARY"), DeploymentStatus::Primary);
        assert!(matches!(
            RolloutState::from("IN_PROGRESS"),
            RolloutState::InProgress
        ));
        assert!(matches!(VolumeState::from("in-use"), VolumeState::InUse));
        assert_eq!(SnapshotState::Completed.to_string(), "completed");
        assert_eq!(VolumeState::InUse.as_str(), "in-use");
    }

    #[test]
    fn unknown_and_empty_values_are_kept_as_written() {
        let odd = RolloutState::from("ROLLING_SIDEWAYS".to_string());
        assert!(matches!(&odd, RolloutState::Other(s) if s == "ROLLING_SIDEWAYS"));
        assert_eq!(odd.to_string(), "ROLLING_SIDEWAYS");
        assert_eq!(VolumeState::default().as_str(), "");
        // Case matters, as in AWS's API.
        assert!(matches!(
            DeploymentStatus::from("primary"),
            DeploymentStatus::Other(_)
        ));
    }

    #[test]
    fn debug_and_equality_read_as_the_string() {
        assert_eq!(format!("{:?}", SnapshotState::Pending), "\"pending\"");
        assert_eq!(format!("[{:<9}]", DeploymentStatus::Primary), "[PRIMARY  ]");
        assert_eq!(format!("[{:>8}]", VolumeState::InUse), "[  in-use]");
        assert_eq!(
            DeploymentStatus::Other("PRIMARY".into()),
            DeploymentStatus::Primary
        );
        assert!(VolumeState::Available == "available");
        assert!(VolumeState::Available != "in-use");
    }

    #[test]
    fn service_deployment_statuses_sort_into_in_flight_rolling_back_and_finished() {
        use super::ServiceDeploymentStatus as S;
        let every = [
            ("PENDING", true, false, false),
            ("IN_PROGRESS", true, false, false),
            ("SUCCESSFUL", false, false, true),
            ("STOP_REQUESTED", false, false, false),
            ("STOPPED", false, false, true),
            ("ROLLBACK_REQUESTED", false, true, false),
            ("ROLLBACK_IN_PROGRESS", false, true, false),
            ("ROLLBACK_SUCCESSFUL", false, false, true),
            ("ROLLBACK_FAILED", false, false, true),
            ("SIDEWAYS", false, false, false),
        ];
        for (text, in_flight, rolling_back, finished) in every {
            let s = S::from(text);
            assert_eq!(s.as_str(), text);
            assert_eq!(s.is_in_flight(), in_flight, "{text}");
            assert_eq!(s.is_rolling_back(), rolling_back, "{text}");
            assert_eq!(s.is_finished(), finished, "{text}");
            assert_eq!(matches!(s, S::Other(_)), text == "SIDEWAYS", "{text}");
        }
    }
}
