//! A service the console shows or acts on, with the place it lives in.

/// A service by cluster and name in one place (`None`: the console's one place).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRef {
    pub place: Option<usize>,
    pub cluster: String,
    pub service: String,
}

impl ServiceRef {
    pub fn new(
        place: Option<usize>,
        cluster: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        Self {
            place,
            cluster: cluster.into(),
            service: service.into(),
        }
    }

    /// The same cluster and service, whatever the place.
    pub fn is_service(&self, cluster: &str, service: &str) -> bool {
        self.cluster == cluster && self.service == service
    }

    /// Puts this service in a pane's `slot`; whether it names another service than the
    /// slot held (the pane then forgets what it showed; the same service only moves place).
    pub fn replace_in(self, slot: &mut Option<ServiceRef>) -> bool {
        let other = !slot
            .as_ref()
            .is_some_and(|t| t.is_service(&self.cluster, &self.service));
        *slot = Some(self);
        other
    }

    /// Cluster and service, as the effects and `service_in_view` carry them.
    pub fn names(&self) -> (String, String) {
        (self.cluster.clone(), self.service.clone())
    }
}
