//! The kinds of resource ecsnap cleans up, and a resource left alone with the reason —
//! one type from the orphan and image rules through the plan to the report.

/// An EBS volume, an EBS snapshot or an ECR image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    Volume,
    Snapshot,
    Image,
}

impl ResourceKind {
    /// `volume`, `snapshot`, `image` (JSON, tables).
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Volume => "volume",
            ResourceKind::Snapshot => "snapshot",
            ResourceKind::Image => "image",
        }
    }

    /// The plural, for headings and messages.
    pub fn noun(self) -> &'static str {
        match self {
            ResourceKind::Volume => "volumes",
            ResourceKind::Snapshot => "snapshots",
            ResourceKind::Image => "images",
        }
    }

    /// The noun for `count` of them: `1 snapshot`, `2 snapshots` (plan text and questions;
    /// JSON keeps `noun()`).
    pub fn noun_for(self, count: usize) -> &'static str {
        if count == 1 {
            self.as_str()
        } else {
            self.noun()
        }
    }
}

/// A resource that looked like a cleanup candidate but must not be touched, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// `vol-…`, `snap-…`, or `repository@sha256:…`.
    pub id: String,
    pub kind: ResourceKind,
    pub reason: String,
    pub size_gib: f64,
}

impl Skipped {
    pub fn new(id: &str, kind: ResourceKind, size_gib: f64, reason: impl Into<String>) -> Self {
        Self {
            id: id.to_string(),
            kind,
            reason: reason.into(),
            size_gib,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ResourceKind;

    #[test]
    fn noun_for_one_is_singular_and_for_others_plural() {
        assert_eq!(ResourceKind::Snapshot.noun_for(1), "snapshot");
        assert_eq!(ResourceKind::Volume.noun_for(0), "volumes");
        assert_eq!(ResourceKind::Image.noun_for(2), "images");
    }
}
