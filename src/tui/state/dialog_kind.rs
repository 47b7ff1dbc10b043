//! The console's dialogs by kind, as the key table, the footer and the `?` help name them
//! (the rollback picker, the cleanup, each hands-on dialog, the wait view …).

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DialogKind {
    /// `R`: pick a revision, an image tag or an EBS snapshot, then confirm.
    Rollback,
    /// `x`/Del: delete the marked orphans or images.
    Cleanup,
    /// `D`: force a new deployment.
    Redeploy,
    /// `t`: point a user's resume tag at another tag.
    Restore,
    /// `v`: bring an orphaned volume back into its service.
    Recover,
    /// A rollout being watched (after a rollback, redeploy or recover).
    Wait,
    /// `+` / `-`: the desired count, then its watch.
    Scale,
    /// `K`: stop a task.
    StopTask,
    /// `e`: a shell in a task.
    Exec,
    /// `p`: type the port, then confirm the forward.
    PortForward,
    /// `o`, or the rollback picker's ECS row: ECS's own action on a deployment in flight,
    /// then following it.
    Deployment,
    /// `m` in Orphans, `t` in the rollback picker: mark orphans for deletion after a grace
    /// period, restore an archived snapshot.
    Storage,
}

impl DialogKind {
    pub const ALL: [DialogKind; 12] = [
        DialogKind::Rollback,
        DialogKind::Cleanup,
        DialogKind::Redeploy,
        DialogKind::Restore,
        DialogKind::Recover,
        DialogKind::Wait,
        DialogKind::Scale,
        DialogKind::StopTask,
        DialogKind::Exec,
        DialogKind::PortForward,
        DialogKind::Deployment,
        DialogKind::Storage,
    ];

    /// The dialogs that ask for a confirmation (all but the wait view, which only watches).
    pub const CONFIRMING: &'static [DialogKind] = &Self::all_but(DialogKind::Wait);

    /// `ALL` without `skip`, in the same order.
    const fn all_but(skip: DialogKind) -> [DialogKind; 11] {
        let mut out = [skip; 11];
        let (mut i, mut n) = (0, 0);
        while i < Self::ALL.len() {
            if Self::ALL[i] as u8 != skip as u8 {
                out[n] = Self::ALL[i];
                n += 1;
            }
            i += 1;
        }
        out
    }

    /// The dialog's name in the help's heading and the key table ("the rollback picker").
    pub fn title(self) -> &'static str {
        match self {
            DialogKind::Rollback => "the rollback picker",
            DialogKind::Cleanup => "the cleanup dialog",
            DialogKind::Redeploy => "the redeploy dialog",
            DialogKind::Restore => "the restore dialog",
            DialogKind::Recover => "the recover dialog",
            DialogKind::Wait => "the wait view",
            DialogKind::Scale => "the scale dialog",
            DialogKind::StopTask => "the stop-task dialog",
            DialogKind::Exec => "the exec dialog",
            DialogKind::PortForward => "the port-forward dialog",
            DialogKind::Deployment => "the deployment dialog",
            DialogKind::Storage => "the storage dialog",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DialogKind;

    #[test]
    fn every_dialog_but_the_wait_view_confirms_in_the_order_of_all() {
        let want: Vec<DialogKind> = DialogKind::ALL
            .into_iter()
            .filter(|k| *k != DialogKind::Wait)
            .collect();
        assert_eq!(DialogKind::CONFIRMING, want.as_slice());
        assert_eq!(DialogKind::CONFIRMING.len(), 11);
        assert_eq!(DialogKind::CONFIRMING[0], DialogKind::Rollback);
        assert_eq!(DialogKind::CONFIRMING[10], DialogKind::Storage);
    }
}
