//! `ecsnap diff --json`: what changes between two revisions, and only that. A scripting
//! contract like `json.rs` (add fields, never rename); the README documents the shape.

use serde::Serialize;

use crate::analysis::diff::FieldChange;

/// The whole answer: which revisions were compared and what differs. `changes` is empty
/// when nothing does.
#[derive(Debug, Clone, Serialize)]
pub struct DiffJson {
    pub cluster: String,
    pub service: String,
    pub from_task_definition: String,
    pub to_task_definition: String,
    pub changes: Vec<ChangeJson>,
}

/// One changed field (or item of a keyed field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeJson {
    /// The container; absent for task-level fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    /// `image`, `command`, `entry_point`, `environment`, `secrets`, `cpu`, `memory`,
    /// `memory_reservation`, `port_mappings`, `health_check`, `mount_points`, `volumes`,
    /// `task_role_arn`, `execution_role_arn`, `container`.
    pub field: &'static str,
    /// The item of a keyed field (variable, secret, port, container path, volume).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `added`, `removed` or `changed`.
    pub change: &'static str,
    /// The values as shown (secret-looking variables `••••`); `null` on the side where
    /// the field is absent.
    pub from: Option<String>,
    pub to: Option<String>,
}

impl From<&FieldChange> for ChangeJson {
    fn from(c: &FieldChange) -> Self {
        Self {
            container: c.container.clone(),
            field: c.field,
            name: c.name.clone(),
            change: c.kind.as_str(),
            from: c.from.clone(),
            to: c.to.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::diff::ChangeKind;

    #[test]
    fn absent_container_and_name_are_left_out() {
        let c = FieldChange {
            container: None,
            field: "task_role_arn",
            name: None,
            kind: ChangeKind::Added,
            from: None,
            to: Some("arn:aws:iam::1:role/r".into()),
        };
        let v = serde_json::to_value(ChangeJson::from(&c)).expect("json");
        assert_eq!(
            v,
            serde_json::json!({
                "field": "task_role_arn",
                "change": "added",
                "from": null,
                "to": "arn:aws:iam::1:role/r"
            })
        );
    }
}
