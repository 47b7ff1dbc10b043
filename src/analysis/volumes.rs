//! Every volume of a task, as the Tasks and Detail panes and `tasks --json` show it: each
//! task-definition volume (EBS configured at launch, EFS, FSx for Windows, bind mount,
//! Docker volume) with the containers that mount it, joined with the task's EBS
//! attachments (the volume id ECS created for it). Attachments no declared volume names
//! are kept too, so nothing ECS reports is hidden.

use std::fmt::Write as _;

use crate::model::{TaskStorage, TaskVolume, VolumeMount, VolumeSource};

/// One volume of a task: what backs it, where it is mounted, and (EBS) the attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountedVolume {
    pub name: String,
    pub source: VolumeSource,
    /// Where each container mounts it, in container order.
    pub mounts: Vec<VolumeMount>,
    /// EBS: the task's attachment naming the volume ECS created, when reported.
    pub attachment: Option<TaskVolume>,
}

impl MountedVolume {
    /// `ebs`, `efs`, `fsx_windows`, `bind`, `docker`.
    pub fn kind(&self) -> &str {
        self.source.kind()
    }

    /// One line about what backs the volume (without the name or the mounts).
    pub fn source_text(&self) -> String {
        source_text(&self.source, self.attachment.as_ref())
    }

    /// `app:/data (ro), sidecar:/in`, or `not mounted`.
    pub fn mounts_text(&self) -> String {
        if self.mounts.is_empty() {
            return "not mounted".into();
        }
        self.mounts
            .iter()
            .map(|m| {
                format!(
                    "{}:{}{}",
                    m.container,
                    m.container_path,
                    if m.read_only { " (ro)" } else { "" }
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn on_off(word: &str, value: Option<&str>) -> Option<String> {
    value.map(|v| format!("{word} {}", v.to_lowercase()))
}

/// `access point …` and `root …` of a file system volume (EFS, S3 Files), those set.
fn access_point_and_root(
    access_point: Option<&String>,
    root_directory: Option<&String>,
) -> impl Iterator<Item = String> {
    let access_point = access_point.map(|a| format!("access point {a}"));
    let root = root_directory.map(|r| format!("root {r}"));
    access_point.into_iter().chain(root)
}

/// What backs a volume, in one line.
pub fn source_text(source: &VolumeSource, attachment: Option<&TaskVolume>) -> String {
    match source {
        VolumeSource::Ebs => match attachment {
            Some(a) => format!(
                "EBS {} (configured at launch{})",
                a.volume_id,
                match a.delete_on_termination {
                    Some(true) => "; deleted with the task",
                    Some(false) => "; kept after the task",
                    None => "",
                }
            ),
            None => "EBS (configured at launch; no attachment reported)".into(),
        },
        VolumeSource::Efs {
            file_system_id,
            access_point_id,
            root_directory,
            transit_encryption,
            iam,
        } => {
            let mut parts = vec![format!("EFS {file_system_id}")];
            parts.extend(access_point_and_root(
                access_point_id.as_ref(),
                root_directory.as_ref(),
            ));
            parts.extend(on_off("TLS", transit_encryption.as_deref()));
            parts.extend(on_off("IAM", iam.as_deref()));
            parts.join(", ")
        }
        VolumeSource::FsxWindows {
            file_system_id,
            root_directory,
            domain,
        } => {
            let mut text = format!("FSx for Windows {file_system_id}, root {root_directory}");
            if let Some(d) = domain {
                let _ = write!(text, ", domain {d}");
            }
            text
        }
        VolumeSource::Bind { host_path } => match host_path {
            Some(p) => format!("bind mount of host path {p}"),
            None => "bind mount (no host path: lives as long as the task)".into(),
        },
        VolumeSource::Docker {
            driver,
            scope,
            autoprovision,
        } => {
            let mut parts = vec![format!(
                "Docker volume, driver {}",
                driver.as_deref().unwrap_or("local")
            )];
            parts.extend(scope.as_ref().map(|s| format!("scope {s}")));
            parts.extend(autoprovision.map(|a| {
                if a {
                    "autoprovisioned".to_string()
                } else {
                    "not autoprovisioned".to_string()
                }
            }));
            parts.join(", ")
        }
        VolumeSource::S3Files {
            file_system_arn,
            access_point_arn,
            root_directory,
            transit_encryption_port,
        } => {
            let mut parts = vec![format!("S3 Files {file_system_arn}")];
            parts.extend(access_point_and_root(
                access_point_arn.as_ref(),
                root_directory.as_ref(),
            ));
            parts.extend(transit_encryption_port.map(|p| format!("TLS port {p}")));
            parts.join(", ")
        }
        VolumeSource::Other(kind) => format!("{kind} volume"),
    }
}

/// The task's volumes: the declared ones in task-definition order, each with its mount
/// points and (EBS) the attachment of the same name — or, when the definition declares one
/// EBS volume and ECS reports one attachment without a name, that one — then any attachment
/// left over.
pub fn mounted_volumes(storage: &TaskStorage, attachments: &[TaskVolume]) -> Vec<MountedVolume> {
    let mounts_of = |name: &str| -> Vec<VolumeMount> {
        storage
            .mount_points
            .iter()
            .filter(|m| m.source_volume == name)
            .cloned()
            .collect()
    };
    let ebs_declared = storage
        .volumes
        .iter()
        .filter(|v| v.source == VolumeSource::Ebs)
        .count();
    let mut used = vec![false; attachments.len()];
    let mut out: Vec<MountedVolume> = Vec::new();
    for v in &storage.volumes {
        let mut attachment = None;
        if v.source == VolumeSource::Ebs {
            let by_name = attachments
                .iter()
                .enumerate()
                .find(|(i, a)| !used[*i] && a.name.as_deref() == Some(v.name.as_str()));
            let only = (ebs_declared == 1)
                .then(|| {
                    attachments
                        .iter()
                        .enumerate()
                        .find(|(i, a)| !used[*i] && a.name.is_none())
                })
                .flatten();
            if let Some((i, a)) = by_name.or(only) {
                used[i] = true;
                attachment = Some(a.clone());
            }
        }
        out.push(MountedVolume {
            name: v.name.clone(),
            source: v.source.clone(),
            mounts: mounts_of(&v.name),
            attachment,
        });
    }
    for (a, _) in attachments.iter().zip(&used).filter(|(_, u)| !**u) {
        let name = a.name.clone().unwrap_or_else(|| a.volume_id.clone());
        out.push(MountedVolume {
            mounts: mounts_of(&name),
            name,
            source: VolumeSource::Ebs,
            attachment: Some(a.clone()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StorageVolume;

    fn vol(name: &str, source: VolumeSource) -> StorageVolume {
        StorageVolume {
            name: name.into(),
            source,
        }
    }

    fn mount(container: &str, volume: &str, path: &str, read_only: bool) -> VolumeMount {
        VolumeMount {
            container: container.into(),
            source_volume: volume.into(),
            container_path: path.into(),
            read_only,
        }
    }

    fn attachment(id: &str, name: Option<&str>) -> TaskVolume {
        TaskVolume {
            volume_id: id.into(),
            name: name.map(str::to_string),
            delete_on_termination: Some(false),
        }
    }

    fn storage() -> TaskStorage {
        TaskStorage {
            volumes: vec![
                vol("data", VolumeSource::Ebs),
                vol(
                    "shared",
                    VolumeSource::Efs {
                        file_system_id: "fs-1".into(),
                        access_point_id: Some("fsap-9".into()),
                        root_directory: Some("/".into()),
                        transit_encryption: Some("ENABLED".into()),
                        iam: Some("ENABLED".into()),
                    },
                ),
                vol(
                    "scratch",
                    VolumeSource::Bind {
                        host_path: Some("/mnt/scratch".into()),
                    },
                ),
                vol(
                    "cache",
                    VolumeSource::Docker {
                        driver: Some("local".into()),
                        scope: Some("shared".into()),
                        autoprovision: Some(true),
                    },
                ),
            ],
            mount_points: vec![
                mount("app", "data", "/var/lib/app", false),
                mount("app", "shared", "/srv/shared", true),
                mount("sidecar", "shared", "/in", false),
            ],
            ephemeral_storage_gib: Some(40),
        }
    }

    #[test]
    fn declared_volumes_get_their_mounts_and_the_ebs_attachment() {
        let vols = mounted_volumes(&storage(), &[attachment("vol-1", Some("data"))]);
        let kinds: Vec<(&str, &str)> = vols.iter().map(|v| (v.name.as_str(), v.kind())).collect();
        assert_eq!(
            kinds,
            [
                ("data", "ebs"),
                ("shared", "efs"),
                ("scratch", "bind"),
                ("cache", "docker")
            ]
        );
        assert_eq!(
            vols[0].attachment.as_ref().map(|a| a.volume_id.as_str()),
            Some("vol-1")
        );
        assert_eq!(vols[1].mounts_text(), "app:/srv/shared (ro), sidecar:/in");
        assert_eq!(vols[2].mounts_text(), "not mounted");
        for (i, want) in [
            (
                1,
                "EFS fs-1, access point fsap-9, root /, TLS enabled, IAM enabled",
            ),
            (2, "bind mount of host path /mnt/scratch"),
            (
                3,
                "Docker volume, driver local, scope shared, autoprovisioned",
            ),
            (0, "EBS vol-1 (configured at launch; kept after the task)"),
        ] {
            assert_eq!(vols[i].source_text(), want, "volume {i}");
        }
    }

    #[test]
    fn attachments_match_by_name_else_the_only_ebs_volume_and_extras_are_kept() {
        // An unnamed attachment goes to the one declared EBS volume.
        let vols = mounted_volumes(&storage(), &[attachment("vol-2", None)]);
        assert_eq!(
            vols[0].attachment.as_ref().map(|a| a.volume_id.as_str()),
            Some("vol-2")
        );
        assert_eq!(vols.len(), 4);
        // An attachment naming another volume is listed on its own, after the declared.
        let vols = mounted_volumes(&storage(), &[attachment("vol-3", Some("other"))]);
        assert_eq!(vols.len(), 5);
        assert!(vols[0].attachment.is_none());
        assert_eq!(vols[4].name, "other");
        assert_eq!(vols[4].kind(), "ebs");
        // No task definition known: the attachments alone.
        let vols = mounted_volumes(&TaskStorage::default(), &[attachment("vol-4", None)]);
        assert_eq!(vols.len(), 1);
        assert_eq!(vols[0].name, "vol-4");
    }

    #[test]
    fn bind_without_host_path_and_fsx_are_described() {
        let none = source_text(&VolumeSource::Bind { host_path: None }, None);
        assert!(none.contains("no host path"), "{none}");
        let fsx = source_text(
            &VolumeSource::FsxWindows {
                file_system_id: "fs-0win".into(),
                root_directory: "\\share".into(),
                domain: Some("corp.example.com".into()),
            },
            None,
        );
        assert_eq!(
            fsx,
            "FSx for Windows fs-0win, root \\share, domain corp.example.com"
        );
        let ebs = source_text(&VolumeSource::Ebs, None);
        assert!(ebs.contains("no attachment"), "{ebs}");
        let s3 = source_text(
            &VolumeSource::S3Files {
                file_system_arn: "arn:aws:s3files:us-east-1:1:file-system/fs-0lake".into(),
                access_point_arn: None,
                root_directory: Some("/models".into()),
                transit_encryption_port: Some(20049),
            },
            None,
        );
        assert_eq!(
            s3,
            "S3 Files arn:aws:s3files:us-east-1:1:file-system/fs-0lake, root /models, TLS port 20049"
        );
    }
}
