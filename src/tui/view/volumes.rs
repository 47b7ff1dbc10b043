//! Task volumes of every kind (EBS configured at launch, EFS, FSx for Windows, bind
//! mounts, Docker volumes) with where each container mounts them, and the ephemeral
//! storage: the lines the Tasks pane (selected task) and Detail (the task definition) show.

use std::fmt::Write as _;

use ratatui::text::{Line, Span};

use crate::analysis::volumes::MountedVolume;
use crate::model::ServiceVolumeConfig;
use crate::tui::theme::Theme;

/// One line per volume: `name  kind  what backs it → container:path, …`; then the
/// ephemeral storage. `configs` (Detail) add the service's size, type and snapshot to EBS;
/// `zone` (Tasks: the task's zone, where ECS created and attached its EBS volumes) is
/// named on each EBS line.
pub fn mounted_lines(
    vols: &[MountedVolume],
    ephemeral_gib: Option<i32>,
    configs: &[ServiceVolumeConfig],
    zone: Option<&str>,
    theme: Theme,
) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = vols
        .iter()
        .map(|v| {
            let mut source = v.source_text();
            if let Some(z) = zone.filter(|_| v.kind() == "ebs") {
                let _ = write!(source, " in zone {}", crate::model::escape::escape(z));
            }
            if let Some(c) = configs.iter().find(|c| c.name == v.name) {
                let _ = write!(
                    source,
                    "; service: {} GiB {}, from {}",
                    c.size_gib.map_or_else(|| "?".into(), |g| g.to_string()),
                    c.volume_type.as_deref().unwrap_or("?"),
                    c.snapshot_id.as_deref().unwrap_or("no snapshot")
                );
            }
            Line::from(vec![
                Span::styled(format!("  {:<12}", v.name), theme.bold()),
                Span::raw(format!(" {:<11} {source}", v.kind())),
                Span::styled(format!(" → {}", v.mounts_text()), theme.dim()),
            ])
        })
        .collect();
    if vols.is_empty() {
        out.push(Line::styled("  no volumes declared", theme.dim()));
    }
    out.push(Line::styled(
        match ephemeral_gib {
            Some(g) => format!("  ephemeral storage {g} GiB"),
            None => "  ephemeral storage: the platform default".to_string(),
        },
        theme.dim(),
    ));
    out
}
