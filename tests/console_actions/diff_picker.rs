//! The rollback picker with each target checked and compared: what changes against what
//! runs for the highlighted revision, `✗ image deleted` on a revision whose image ECR no
//! longer has (not confirmable until `f`), and the screens at 120×40 and 80×24.

use super::*;
use ecsnap::analysis::diff::{ChangeKind, FieldChange};
use ecsnap::model::ImagePresence;

fn change(
    field: &'static str,
    name: Option<&str>,
    kind: ChangeKind,
    from: Option<&str>,
    to: Option<&str>,
) -> FieldChange {
    FieldChange {
        container: Some("app".into()),
        field,
        name: name.map(str::to_string),
        kind,
        from: from.map(str::to_string),
        to: to.map(str::to_string),
    }
}

const REGISTRY: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com";

/// Revision 3 runs; 2 still exists in ECR and differs in image, one variable, a masked
/// secret and memory; 1's image was deleted.
fn checked_revisions() -> Vec<Revision> {
    let image = |tag: &str, presence: ImagePresence| ContainerImage {
        container: "app".into(),
        image: format!("{REGISTRY}/api:{tag}"),
        tag: Some(tag.into()),
        presence,
    };
    vec![
        Revision {
            arn: format!("{TD}:3"),
            revision: 3,
            registered_at: Some(now() - chrono::Duration::minutes(30)),
            images: vec![image("v1.6.0-rc1", ImagePresence::Exists)],
            current: true,
            changes: Vec::new(),
        },
        Revision {
            arn: format!("{TD}:2"),
            revision: 2,
            registered_at: Some(now() - chrono::Duration::days(3)),
            images: vec![image("v1.5.2", ImagePresence::Exists)],
            current: false,
            changes: vec![
                change(
                    "image",
                    None,
                    ChangeKind::Changed,
                    Some(&format!("{REGISTRY}/api:v1.6.0-rc1")),
                    Some(&format!("{REGISTRY}/api:v1.5.2")),
                ),
                change(
                    "environment",
                    Some("DB_PASSWORD"),
                    ChangeKind::Changed,
                    Some("••••"),
                    Some("••••"),
                ),
                change(
                    "environment",
                    Some("FEATURE_LEDGER_V2"),
                    ChangeKind::Removed,
                    Some("on"),
                    None,
                ),
                change(
                    "memory",
                    None,
                    ChangeKind::Changed,
                    Some("1024"),
                    Some("512"),
                ),
            ],
        },
        Revision {
            arn: format!("{TD}:1"),
            revision: 1,
            registered_at: Some(now() - chrono::Duration::days(9)),
            images: vec![image(
                "v1.5.0",
                ImagePresence::Deleted("ImageNotFound: Requested image not found".into()),
            )],
            current: false,
            changes: vec![change(
                "image",
                None,
                ChangeKind::Changed,
                Some(&format!("{REGISTRY}/api:v1.6.0-rc1")),
                Some(&format!("{REGISTRY}/api:v1.5.0")),
            )],
        },
    ]
}

fn checked_picker() -> AppState {
    let mut s = on_worker();
    ch(&mut s, 'R');
    let g = generation(&s);
    deliver(
        &mut s,
        Msg::Revisions {
            generation: g,
            result: Ok(checked_revisions()),
        },
    );
    s.now = chrono::Utc
        .with_ymd_and_hms(2026, 11, 23, 12, 1, 30)
        .single()
        .unwrap_or_default();
    s
}

#[test]
fn the_picker_shows_what_changes_against_what_runs() {
    let s = checked_picker();
    let text = render(&s, 120, 40);
    assert!(text.contains("Changes against what runs (4):"), "{text}");
    assert!(
        text.contains("app environment -FEATURE_LEDGER_V2 (was on)"),
        "{text}"
    );
    assert!(
        text.contains("app image: api:v1.6.0-rc1 → api:v1.5.2"),
        "{text}"
    );
    assert!(text.contains("app memory: 1024 → 512"), "{text}");
    assert!(text.contains("✓ in ECR"), "{text}");
    assert!(text.contains("✗ image deleted"), "{text}");
    insta::assert_snapshot!("rollback_picker_diff_120x40", text);
    insta::assert_snapshot!("rollback_picker_diff_80x24", render(&s, 80, 24));
}

#[test]
fn a_revision_whose_image_was_deleted_needs_the_override_key() {
    let mut s = checked_picker();
    ch(&mut s, 'j');
    let text = render(&s, 120, 40);
    assert!(
        text.contains("✗ image deleted: api:v1.5.0 (container app)"),
        "{text}"
    );
    insta::assert_snapshot!("rollback_picker_image_deleted_80x24", render(&s, 80, 24));
    // y sends nothing and says why.
    let effects = ch(&mut s, 'y');
    assert!(effects.is_empty(), "{effects:?}");
    let error = s
        .modal
        .as_ref()
        .and_then(|m| m.confirm.error.clone())
        .unwrap_or_default();
    assert!(error.contains("image deleted"), "{error}");
    // f, then y: exactly that revision is sent.
    assert!(ch(&mut s, 'f').is_empty());
    let effects = ch(&mut s, 'y');
    assert!(
        matches!(&effects[..], [Effect::Rollback { plan, .. }] if plan.summary().contains("to worker:1")),
        "{effects:?}"
    );
}

#[test]
fn moving_away_clears_the_override_and_f_elsewhere_says_so() {
    let mut s = checked_picker();
    ch(&mut s, 'j');
    ch(&mut s, 'f');
    ch(&mut s, 'k');
    ch(&mut s, 'j');
    assert!(
        ch(&mut s, 'y').is_empty(),
        "the override went with the move"
    );
    ch(&mut s, 'k');
    ch(&mut s, 'f');
    let error = s
        .modal
        .as_ref()
        .and_then(|m| m.confirm.error.clone())
        .unwrap_or_default();
    assert!(
        error.contains("only a revision whose image was deleted"),
        "{error}"
    );
}
