//! What changes between two task-definition revisions (or two EBS snapshots): the one pure
//! function behind `ecsnap diff` and the rollback picker's diff. Only what differs is
//! reported — nothing changed is an empty list.
//!
//! Per container: image, command, entry point, environment variables (added / removed /
//! changed, values masked when the name looks secret; a password inside any value —
//! a URL's, a connection string's — masked by its shape), secrets references, cpu, memory,
//! port mappings, health check, mount points; containers added or removed. Per task: cpu,
//! memory, task role, execution role, volumes. Lists with a natural key (variables,
//! secrets, ports, mount points, volumes) are compared item by item.

use std::collections::BTreeMap;

use crate::model::escape::escape;
use crate::model::secret::{mask_value, shown_env_value};
use crate::model::{ContainerDef, Snapshot, TaskDefinition};

/// How one field or item changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

impl ChangeKind {
    /// How a field went from `from` to `to`; `None` when it did not change.
    pub fn between<T: PartialEq>(from: Option<&T>, to: Option<&T>) -> Option<Self> {
        match (from, to) {
            (a, b) if a == b => None,
            (None, Some(_)) => Some(ChangeKind::Added),
            (Some(_), None) => Some(ChangeKind::Removed),
            _ => Some(ChangeKind::Changed),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One difference between two revisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The container it belongs to; `None` for a task-level field.
    pub container: Option<String>,
    /// `container` (one added or removed), `image`, `command`, `entry_point`,
    /// `environment`, `secrets`, `cpu`, `memory`, `memory_reservation`, `port_mappings`,
    /// `health_check`, `mount_points`, `volumes`, `task_role_arn`, `execution_role_arn`;
    /// for snapshots `snapshot_id`, `snapshot_size_gib`, `snapshot_start_time`.
    pub field: &'static str,
    /// The item of a keyed field: the variable or secret name, the volume name, the
    /// container path, the container port; the volume for snapshot fields.
    pub name: Option<String>,
    pub kind: ChangeKind,
    /// As shown: secret-looking variables' values are `••••`.
    pub from: Option<String>,
    pub to: Option<String>,
}

impl FieldChange {
    /// One line: `app image: api:v2 → api:v1`, `app environment +FEATURE_X=on`. What
    /// came from AWS is escaped (`model::escape`): the line stays one line, inert.
    pub fn line(&self) -> String {
        escape(&self.raw_line()).into_owned()
    }

    fn raw_line(&self) -> String {
        let mut head = String::new();
        if let Some(c) = &self.container {
            head.push_str(c);
            head.push(' ');
        }
        head.push_str(self.field);
        let (from, to) = match (self.field, self.from.as_deref(), self.to.as_deref()) {
            ("image", Some(a), Some(b)) => shared_registry_dropped(a, b),
            (_, a, b) => (a.unwrap_or("(none)"), b.unwrap_or("(none)")),
        };
        match (&self.name, self.kind) {
            (Some(n), ChangeKind::Added) => match &self.to {
                Some(v) => format!("{head} +{n}={v}"),
                None => format!("{head} +{n}"),
            },
            (Some(n), ChangeKind::Removed) => match &self.from {
                Some(v) => format!("{head} -{n} (was {v})"),
                None => format!("{head} -{n}"),
            },
            (Some(n), ChangeKind::Changed) => format!("{head} {n}: {from} → {to}"),
            (None, ChangeKind::Added) => format!("{head} added: {to}"),
            (None, ChangeKind::Removed) => format!("{head} removed (was {from})"),
            (None, ChangeKind::Changed) => format!("{head}: {from} → {to}"),
        }
    }
}

/// Two image references without the registry host they share (`123….amazonaws.com/`), so
/// the line shows what differs.
fn shared_registry_dropped<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    match (a.split_once('/'), b.split_once('/')) {
        (Some((ra, rest_a)), Some((rb, rest_b))) if ra == rb && ra.contains('.') => {
            (rest_a, rest_b)
        }
        _ => (a, b),
    }
}

/// A scalar field: `None` when both sides are the same.
fn scalar(
    container: Option<&str>,
    field: &'static str,
    from: Option<String>,
    to: Option<String>,
) -> Option<FieldChange> {
    let kind = ChangeKind::between(from.as_ref(), to.as_ref())?;
    let shown = |v: Option<String>| v.map(|v| mask_value(&v).into_owned());
    Some(FieldChange {
        container: container.map(str::to_string),
        field,
        name: None,
        kind,
        from: shown(from),
        to: shown(to),
    })
}

/// A keyed list, item by item in key order; `show` turns (key, value) into what is shown.
fn keyed(
    container: Option<&str>,
    field: &'static str,
    from: Vec<(String, String)>,
    to: Vec<(String, String)>,
    show: impl Fn(&str, &str) -> String,
) -> Vec<FieldChange> {
    let from: BTreeMap<String, String> = from.into_iter().collect();
    let to: BTreeMap<String, String> = to.into_iter().collect();
    let mut keys: Vec<&String> = from.keys().chain(to.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (from.get(k), to.get(k));
            let kind = ChangeKind::between(a, b)?;
            Some(FieldChange {
                container: container.map(str::to_string),
                field,
                name: Some(k.clone()),
                kind,
                from: a.map(|v| show(k, v)),
                to: b.map(|v| show(k, v)),
            })
        })
        .collect()
}

fn words(list: &[String]) -> Option<String> {
    (!list.is_empty()).then(|| list.join(" "))
}

fn env_value(name: &str, value: &str) -> String {
    shown_env_value(name, value).into_owned()
}

/// Any other value: a password inside it (a URL's, a connection string's) masked.
fn as_shown(_: &str, value: &str) -> String {
    mask_value(value).into_owned()
}

fn ports(c: &ContainerDef) -> Vec<(String, String)> {
    c.port_mappings
        .iter()
        .map(|p| {
            let key = format!(
                "{}/{}",
                p.container_port
                    .map_or_else(|| "?".into(), |x| x.to_string()),
                p.protocol.as_deref().unwrap_or("tcp")
            );
            let value = match &p.name {
                Some(n) => format!("{} ({n})", p.label()),
                None => p.label(),
            };
            (key, value)
        })
        .collect()
}

fn mounts(c: &ContainerDef) -> Vec<(String, String)> {
    c.mount_points
        .iter()
        .map(|m| {
            (
                m.container_path.clone(),
                format!(
                    "{} ({})",
                    m.source_volume,
                    if m.read_only { "ro" } else { "rw" }
                ),
            )
        })
        .collect()
}

/// Every difference of one container present in both revisions.
fn container_changes(from: &ContainerDef, to: &ContainerDef) -> Vec<FieldChange> {
    let c = Some(to.name.as_str());
    let num = |v: Option<i32>| v.map(|n| n.to_string());
    let cpu = |v: i32| (v != 0).then(|| v.to_string());
    let mut out: Vec<FieldChange> = [
        scalar(c, "image", Some(from.image.clone()), Some(to.image.clone())),
        scalar(c, "command", words(&from.command), words(&to.command)),
        scalar(
            c,
            "entry_point",
            words(&from.entry_point),
            words(&to.entry_point),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    out.extend(keyed(
        c,
        "environment",
        from.environment.clone(),
        to.environment.clone(),
        env_value,
    ));
    out.extend(keyed(
        c,
        "secrets",
        from.secrets.clone(),
        to.secrets.clone(),
        as_shown,
    ));
    out.extend(
        [
            scalar(c, "cpu", cpu(from.cpu), cpu(to.cpu)),
            scalar(c, "memory", num(from.memory), num(to.memory)),
            scalar(
                c,
                "memory_reservation",
                num(from.memory_reservation),
                num(to.memory_reservation),
            ),
        ]
        .into_iter()
        .flatten(),
    );
    out.extend(keyed(c, "port_mappings", ports(from), ports(to), as_shown));
    out.extend(scalar(
        c,
        "health_check",
        from.health_check
            .as_ref()
            .map(crate::model::HealthCheck::label),
        to.health_check
            .as_ref()
            .map(crate::model::HealthCheck::label),
    ));
    out.extend(keyed(c, "mount_points", mounts(from), mounts(to), as_shown));
    out
}

/// What changes when a service goes from running `from` to running `to`. Empty when
/// nothing differs.
pub fn diff_task_definitions(from: &TaskDefinition, to: &TaskDefinition) -> Vec<FieldChange> {
    let mut out: Vec<FieldChange> = [
        scalar(None, "cpu", from.cpu.clone(), to.cpu.clone()),
        scalar(None, "memory", from.memory.clone(), to.memory.clone()),
        scalar(
            None,
            "task_role_arn",
            from.task_role_arn.clone(),
            to.task_role_arn.clone(),
        ),
        scalar(
            None,
            "execution_role_arn",
            from.execution_role_arn.clone(),
            to.execution_role_arn.clone(),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    let volumes = |td: &TaskDefinition| -> Vec<(String, String)> {
        td.volumes
            .iter()
            .map(|v| (v.name.clone(), v.source.clone()))
            .collect()
    };
    out.extend(keyed(None, "volumes", volumes(from), volumes(to), as_shown));
    for c in &to.containers {
        match from.containers.iter().find(|f| f.name == c.name) {
            Some(f) => out.extend(container_changes(f, c)),
            None => out.push(FieldChange {
                container: Some(c.name.clone()),
                field: "container",
                name: None,
                kind: ChangeKind::Added,
                from: None,
                to: Some(c.image.clone()),
            }),
        }
    }
    for f in &from.containers {
        if !to.containers.iter().any(|c| c.name == f.name) {
            out.push(FieldChange {
                container: Some(f.name.clone()),
                field: "container",
                name: None,
                kind: ChangeKind::Removed,
                from: Some(f.image.clone()),
                to: None,
            });
        }
    }
    out
}

/// What changes when the managed volume `volume` is created from `to` instead of
/// `from_id` (`from` when that snapshot is known): the id, the size, the start time.
pub fn diff_snapshots(
    volume: &str,
    from_id: Option<&str>,
    from: Option<&Snapshot>,
    to: &Snapshot,
) -> Vec<FieldChange> {
    let at = |s: &Snapshot| {
        s.start_time
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    [
        scalar(
            None,
            "snapshot_id",
            from_id.map(str::to_string),
            Some(to.id.clone()),
        ),
        scalar(
            None,
            "snapshot_size_gib",
            from.map(|s| s.size_gib.to_string()),
            Some(to.size_gib.to_string()),
        ),
        scalar(None, "snapshot_start_time", from.and_then(at), at(to)),
    ]
    .into_iter()
    .flatten()
    .map(|mut c| {
        c.name = Some(volume.to_string());
        c
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixtures::pairs;
    use crate::model::secret::MASK;
    use crate::model::{HealthCheck, MountPoint, PortMapping, TaskDefVolume};
    use chrono::TimeZone;

    fn app(image: &str) -> ContainerDef {
        ContainerDef {
            name: "app".into(),
            image: image.into(),
            essential: true,
            ..ContainerDef::default()
        }
    }

    fn td(containers: Vec<ContainerDef>) -> TaskDefinition {
        TaskDefinition {
            arn: "arn:aws:ecs:eu-west-1:1:task-definition/api:1".into(),
            family: "api".into(),
            revision: 1,
            containers,
            ..TaskDefinition::default()
        }
    }

    /// The first container's health check: `CMD true` every `interval` seconds.
    fn health_check_every(t: &mut TaskDefinition, interval: i32) {
        t.containers[0].health_check = Some(HealthCheck {
            command: vec!["CMD".into(), "true".into()],
            interval: Some(interval),
            ..HealthCheck::default()
        });
    }

    /// Volume `data` from `source`, mounted at `/data` in the first container.
    fn data_volume(t: &mut TaskDefinition, source: &str, read_only: bool) {
        t.volumes = vec![TaskDefVolume {
            name: "data".into(),
            source: source.into(),
        }];
        t.containers[0].mount_points = vec![MountPoint {
            source_volume: "data".into(),
            container_path: "/data".into(),
            read_only,
        }];
    }

    fn change(
        container: Option<&str>,
        field: &'static str,
        name: Option<&str>,
        kind: ChangeKind,
        from: Option<&str>,
        to: Option<&str>,
    ) -> FieldChange {
        FieldChange {
            container: container.map(str::to_string),
            field,
            name: name.map(str::to_string),
            kind,
            from: from.map(str::to_string),
            to: to.map(str::to_string),
        }
    }

    fn env(kv: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs(kv)
    }

    #[test]
    fn nothing_changed_is_empty() {
        let mut c = app("r/api:v1");
        c.environment = env(&[("A", "1"), ("DB_PASSWORD", "x")]);
        c.command = vec!["serve".into()];
        c.port_mappings = vec![PortMapping {
            container_port: Some(8080),
            ..PortMapping::default()
        }];
        let a = td(vec![c]);
        let mut b = a.clone();
        b.arn = "arn:aws:ecs:eu-west-1:1:task-definition/api:2".into();
        b.revision = 2;
        assert_eq!(diff_task_definitions(&a, &b), Vec::new());
    }

    #[test]
    #[allow(
        clippy::too_many_lines,
        reason = "one table of cases, one per field kind"
    )]
    fn each_field_kind_is_reported() {
        type Edit = fn(&mut TaskDefinition);
        let cases: Vec<(&str, Edit, Edit, Vec<FieldChange>)> = vec![
            (
                "image",
                |_| {},
                |t| t.containers[0].image = "r/api:v2".into(),
                vec![change(
                    Some("app"),
                    "image",
                    None,
                    ChangeKind::Changed,
                    Some("r/api:v1"),
                    Some("r/api:v2"),
                )],
            ),
            (
                "command added, entry point removed",
                |t| t.containers[0].entry_point = vec!["/init".into()],
                |t| t.containers[0].command = vec!["sh".into(), "-c".into(), "run".into()],
                vec![
                    change(
                        Some("app"),
                        "command",
                        None,
                        ChangeKind::Added,
                        None,
                        Some("sh -c run"),
                    ),
                    change(
                        Some("app"),
                        "entry_point",
                        None,
                        ChangeKind::Removed,
                        Some("/init"),
                        None,
                    ),
                ],
            ),
            (
                "environment added, removed, changed, unchanged left out",
                |t| t.containers[0].environment = env(&[("A", "1"), ("B", "2"), ("C", "3")]),
                |t| t.containers[0].environment = env(&[("A", "1"), ("B", "20"), ("D", "4")]),
                vec![
                    change(
                        Some("app"),
                        "environment",
                        Some("B"),
                        ChangeKind::Changed,
                        Some("2"),
                        Some("20"),
                    ),
                    change(
                        Some("app"),
                        "environment",
                        Some("C"),
                        ChangeKind::Removed,
                        Some("3"),
                        None,
                    ),
                    change(
                        Some("app"),
                        "environment",
                        Some("D"),
                        ChangeKind::Added,
                        None,
                        Some("4"),
                    ),
                ],
            ),
            (
                "secrets references",
                |t| t.containers[0].secrets = env(&[("DB", "arn:ssm:db1")]),
                |t| t.containers[0].secrets = env(&[("DB", "arn:ssm:db2")]),
                vec![change(
                    Some("app"),
                    "secrets",
                    Some("DB"),
                    ChangeKind::Changed,
                    Some("arn:ssm:db1"),
                    Some("arn:ssm:db2"),
                )],
            ),
            (
                "container cpu and memory",
                |t| {
                    t.containers[0].cpu = 256;
                    t.containers[0].memory = Some(512);
                },
                |t| {
                    t.containers[0].cpu = 0;
                    t.containers[0].memory = Some(1024);
                },
                vec![
                    change(
                        Some("app"),
                        "cpu",
                        None,
                        ChangeKind::Removed,
                        Some("256"),
                        None,
                    ),
                    change(
                        Some("app"),
                        "memory",
                        None,
                        ChangeKind::Changed,
                        Some("512"),
                        Some("1024"),
                    ),
                ],
            ),
            (
                "task cpu and memory",
                |t| {
                    t.cpu = Some("256".into());
                    t.memory = Some("512".into());
                },
                |t| {
                    t.cpu = Some("512".into());
                    t.memory = Some("512".into());
                },
                vec![change(
                    None,
                    "cpu",
                    None,
                    ChangeKind::Changed,
                    Some("256"),
                    Some("512"),
                )],
            ),
            (
                "ports",
                |t| {
                    t.containers[0].port_mappings = vec![PortMapping {
                        container_port: Some(8080),
                        host_port: Some(8080),
                        protocol: Some("tcp".into()),
                        name: None,
                    }];
                },
                |t| {
                    t.containers[0].port_mappings = vec![PortMapping {
                        container_port: Some(9090),
                        protocol: Some("tcp".into()),
                        ..PortMapping::default()
                    }];
                },
                vec![
                    change(
                        Some("app"),
                        "port_mappings",
                        Some("8080/tcp"),
                        ChangeKind::Removed,
                        Some("8080/tcp"),
                        None,
                    ),
                    change(
                        Some("app"),
                        "port_mappings",
                        Some("9090/tcp"),
                        ChangeKind::Added,
                        None,
                        Some("9090/tcp"),
                    ),
                ],
            ),
            (
                "health check",
                |t| health_check_every(t, 30),
                |t| health_check_every(t, 10),
                vec![change(
                    Some("app"),
                    "health_check",
                    None,
                    ChangeKind::Changed,
                    Some("CMD true · every 30s, timeout -s, - retries, start -s"),
                    Some("CMD true · every 10s, timeout -s, - retries, start -s"),
                )],
            ),
            (
                "mount points and volumes",
                |t| data_volume(t, "host /srv", false),
                |t| data_volume(t, "efs fs-1:/", true),
                vec![
                    change(
                        None,
                        "volumes",
                        Some("data"),
                        ChangeKind::Changed,
                        Some("host /srv"),
                        Some("efs fs-1:/"),
                    ),
                    change(
                        Some("app"),
                        "mount_points",
                        Some("/data"),
                        ChangeKind::Changed,
                        Some("data (rw)"),
                        Some("data (ro)"),
                    ),
                ],
            ),
            (
                "roles",
                |t| t.task_role_arn = Some("arn:iam::1:role/a".into()),
                |t| {
                    t.task_role_arn = Some("arn:iam::1:role/b".into());
                    t.execution_role_arn = Some("arn:iam::1:role/exec".into());
                },
                vec![
                    change(
                        None,
                        "task_role_arn",
                        None,
                        ChangeKind::Changed,
                        Some("arn:iam::1:role/a"),
                        Some("arn:iam::1:role/b"),
                    ),
                    change(
                        None,
                        "execution_role_arn",
                        None,
                        ChangeKind::Added,
                        None,
                        Some("arn:iam::1:role/exec"),
                    ),
                ],
            ),
            (
                "a container added",
                |_| {},
                |t| {
                    t.containers.push(app("r/sidecar:1"));
                    t.containers[1].name = "sidecar".into();
                },
                vec![change(
                    Some("sidecar"),
                    "container",
                    None,
                    ChangeKind::Added,
                    None,
                    Some("r/sidecar:1"),
                )],
            ),
        ];
        for (what, edit_from, edit_to, want) in cases {
            let mut a = td(vec![app("r/api:v1")]);
            let mut b = td(vec![app("r/api:v1")]);
            edit_from(&mut a);
            edit_to(&mut b);
            assert_eq!(diff_task_definitions(&a, &b), want, "{what}");
        }
    }

    #[test]
    fn a_removed_container_is_reported() {
        let mut sidecar = app("r/side:1");
        sidecar.name = "side".into();
        let a = td(vec![app("r/api:v1"), sidecar]);
        let b = td(vec![app("r/api:v1")]);
        assert_eq!(
            diff_task_definitions(&a, &b),
            vec![change(
                Some("side"),
                "container",
                None,
                ChangeKind::Removed,
                Some("r/side:1"),
                None
            )]
        );
    }

    #[test]
    fn passwords_inside_values_are_masked_whatever_the_name() {
        let mut a = td(vec![app("r/api:v1")]);
        let mut b = a.clone();
        a.containers[0].environment = env(&[
            ("DATABASE_URL", "postgres://admin:hunter1@db/x"),
            ("CONNECTION_STRING", "Server=db;Password=pw1;"),
        ]);
        b.containers[0].environment = env(&[
            ("DATABASE_URL", "postgres://admin:hunter2@db/x"),
            ("CONNECTION_STRING", "Server=db;Password=pw2;"),
        ]);
        a.containers[0].command = vec!["serve".into(), "--db=redis://:c1@r".into()];
        b.containers[0].command = vec!["serve".into(), "--db=redis://:c2@r".into()];
        let got = diff_task_definitions(&a, &b);
        assert_eq!(
            got,
            vec![
                change(
                    Some("app"),
                    "command",
                    None,
                    ChangeKind::Changed,
                    Some("serve --db=redis://:••••@r"),
                    Some("serve --db=redis://:••••@r")
                ),
                change(
                    Some("app"),
                    "environment",
                    Some("CONNECTION_STRING"),
                    ChangeKind::Changed,
                    Some("Server=db;Password=••••;"),
                    Some("Server=db;Password=••••;")
                ),
                change(
                    Some("app"),
                    "environment",
                    Some("DATABASE_URL"),
                    ChangeKind::Changed,
                    Some("postgres://admin:••••@db/x"),
                    Some("postgres://admin:••••@db/x")
                ),
            ]
        );
    }

    #[test]
    fn a_line_is_one_line_with_what_aws_sent_escaped() {
        let c = change(
            Some("app"),
            "environment",
            Some("GREETING"),
            ChangeKind::Added,
            None,
            Some("hi\u{1b}]0;pwned\u{7}\nforged"),
        );
        assert_eq!(
            c.line(),
            "app environment +GREETING=hi\\e]0;pwned\\x07\\nforged"
        );
    }

    #[test]
    fn secret_looking_values_are_masked_but_their_change_is_reported() {
        let mut a = td(vec![app("r/api:v1")]);
        let mut b = a.clone();
        a.containers[0].environment = env(&[("DB_PASSWORD", "hunter2"), ("API_TOKEN", "t1")]);
        b.containers[0].environment = env(&[("DB_PASSWORD", "hunter3"), ("SIGNING_KEY", "k")]);
        let got = diff_task_definitions(&a, &b);
        assert_eq!(
            got,
            vec![
                change(
                    Some("app"),
                    "environment",
                    Some("API_TOKEN"),
                    ChangeKind::Removed,
                    Some(MASK),
                    None
                ),
                change(
                    Some("app"),
                    "environment",
                    Some("DB_PASSWORD"),
                    ChangeKind::Changed,
                    Some(MASK),
                    Some(MASK)
                ),
                change(
                    Some("app"),
                    "environment",
                    Some("SIGNING_KEY"),
                    ChangeKind::Added,
                    None,
                    Some(MASK)
                ),
            ]
        );
        let text: Vec<String> = got.iter().map(FieldChange::line).collect();
        assert!(
            text.iter()
                .all(|l| !l.contains("hunter") && !l.contains("t1") && !l.contains("=k")),
            "{text:?}"
        );
    }

    #[test]
    fn lines_read_as_a_change() {
        let cases = [
            (
                change(
                    Some("app"),
                    "image",
                    None,
                    ChangeKind::Changed,
                    Some("a:1"),
                    Some("a:2"),
                ),
                "app image: a:1 → a:2",
            ),
            (
                change(
                    Some("app"),
                    "environment",
                    Some("X"),
                    ChangeKind::Added,
                    None,
                    Some("1"),
                ),
                "app environment +X=1",
            ),
            (
                change(
                    None,
                    "volumes",
                    Some("data"),
                    ChangeKind::Removed,
                    Some("host /srv"),
                    None,
                ),
                "volumes -data (was host /srv)",
            ),
            (
                change(
                    None,
                    "task_role_arn",
                    None,
                    ChangeKind::Added,
                    None,
                    Some("r"),
                ),
                "task_role_arn added: r",
            ),
        ];
        for (c, want) in cases {
            assert_eq!(c.line(), want);
        }
        let image = change(
            Some("app"),
            "image",
            None,
            ChangeKind::Changed,
            Some("1.dkr.ecr.eu-west-1.amazonaws.com/api:v2"),
            Some("1.dkr.ecr.eu-west-1.amazonaws.com/api:v1"),
        );
        assert_eq!(
            image.line(),
            "app image: api:v2 → api:v1",
            "shared registry"
        );
    }

    #[test]
    fn snapshots_differ_by_id_size_and_start_time() {
        let snap = |id: &str, size: i32, day: u32| Snapshot {
            id: id.into(),
            size_gib: size,
            state: "completed".into(),
            start_time: chrono::Utc
                .with_ymd_and_hms(2026, 11, day, 8, 0, 0)
                .single(),
            ..Snapshot::default()
        };
        let old = snap("snap-old", 20, 1);
        let new = snap("snap-new", 30, 2);
        let got = diff_snapshots("data", Some("snap-new"), Some(&new), &old);
        let want = vec![
            change(
                None,
                "snapshot_id",
                Some("data"),
                ChangeKind::Changed,
                Some("snap-new"),
                Some("snap-old"),
            ),
            change(
                None,
                "snapshot_size_gib",
                Some("data"),
                ChangeKind::Changed,
                Some("30"),
                Some("20"),
            ),
            change(
                None,
                "snapshot_start_time",
                Some("data"),
                ChangeKind::Changed,
                Some("2026-11-02T08:00:00Z"),
                Some("2026-11-01T08:00:00Z"),
            ),
        ];
        assert_eq!(got, want);
        // A volume that starts from no snapshot: only the target's side is known.
        let fresh = diff_snapshots("data", None, None, &old);
        assert_eq!(fresh.len(), 3);
        assert!(fresh.iter().all(|c| c.kind == ChangeKind::Added));
        // The same snapshot: nothing changes.
        assert!(diff_snapshots("data", Some("snap-old"), Some(&old), &old).is_empty());
    }
}
