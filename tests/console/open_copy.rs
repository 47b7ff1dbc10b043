//! `b`, `c` and `C`: the selected resource in the AWS console (its account and region), its
//! id and its ARN copied through the terminal. `update` returns the effect (`OpenUrl`,
//! `Copy`) and says what it did; the runner alone opens or writes OSC 52.

use crate::asserts::assert_has;
use crate::fixtures::{ACCOUNT, assert_says, key, loaded_state, render};
use crossterm::event::KeyCode;
use ecsnap::tui::run::effect::Effect;
use ecsnap::tui::state::app::AppState;
use ecsnap::tui::state::pane_id::PaneId;

fn on(pane: PaneId) -> AppState {
    let mut s = loaded_state();
    s.pane = pane;
    s
}

fn press(s: &mut AppState, c: char) -> Vec<Effect> {
    key(s, KeyCode::Char(c))
}

/// What `c` or `C` copies: the one effect the key must return.
fn copied(s: &mut AppState, c: char) -> String {
    match press(s, c).as_slice() {
        [Effect::Copy(text)] => text.clone(),
        other => panic!("{c}: {other:?}"),
    }
}

/// The id of the orphan under the cursor.
fn orphan_id(s: &AppState) -> String {
    s.orphans
        .list
        .selected_row()
        .expect("an orphan")
        .id()
        .to_string()
}

#[test]
fn c_on_a_task_copies_its_id_and_says_so() {
    let mut s = on(PaneId::Tasks);
    let id = s.tasks.list.selected_row().expect("a task").task.id.clone();
    assert_eq!(id.len(), 32, "{id}");
    assert_eq!(press(&mut s, 'c'), vec![Effect::Copy(id.clone())]);
    assert_says(
        &s,
        &format!("copied the task's id to the clipboard (OSC 52): {id}"),
    );
}

#[test]
fn capital_c_on_a_task_copies_its_arn() {
    let mut s = on(PaneId::Tasks);
    let arn = s
        .tasks
        .list
        .selected_row()
        .expect("a task")
        .task
        .arn
        .clone();
    assert!(arn.starts_with("arn:aws:ecs:"), "{arn}");
    assert_eq!(press(&mut s, 'C'), vec![Effect::Copy(arn)]);
    assert_says(&s, "copied the task's ARN");
}

#[test]
fn b_without_a_display_shows_the_url_and_opens_nothing() {
    let mut s = on(PaneId::Services);
    s.opener = None;
    let row = s.services.list.selected_row().expect("a service");
    let url = format!(
        "https://us-east-1.console.aws.amazon.com/ecs/v2/clusters/{}/services/{}/health?region=us-east-1",
        row.service.cluster, row.service.name
    );
    assert!(press(&mut s, 'b').is_empty());
    assert_says(&s, &url);
    assert_says(&s, "no display");
    // The whole URL is on screen at 80 columns, over as many status lines as it needs.
    let screen: String = render(&s, 80, 24).lines().map(str::trim_end).collect();
    assert_has(&screen, &url);
}

#[test]
fn b_with_a_display_opens_the_url() {
    let mut s = on(PaneId::Services);
    s.opener = Some("xdg-open");
    let effects = press(&mut s, 'b');
    let [Effect::OpenUrl(url)] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert!(
        url.contains("/ecs/v2/clusters/search-staging/services/crawler/"),
        "{url}"
    );
    assert_says(&s, "opening in the browser (xdg-open)");
}

#[test]
fn orphans_copy_a_volume_arn_with_the_account_and_open_it_in_ec2() {
    let mut s = on(PaneId::Orphans);
    let id = orphan_id(&s);
    let kind = if id.starts_with("vol-") {
        "volume"
    } else {
        "snapshot"
    };
    let arn = copied(&mut s, 'C');
    if kind == "volume" {
        assert_eq!(arn, format!("arn:aws:ec2:us-east-1:{ACCOUNT}:volume/{id}"));
    } else {
        assert_eq!(arn, format!("arn:aws:ec2:us-east-1::snapshot/{id}"));
    }
    s.opener = None;
    press(&mut s, 'b');
    assert_says(
        &s,
        "https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#",
    );
    assert_says(&s, &id);
}

#[test]
fn snapshots_open_the_image_by_digest_in_its_account() {
    let mut s = on(PaneId::Snapshots);
    press(&mut s, 'b');
    assert_says(&s, "open a user's tags");
    key(&mut s, KeyCode::Enter);
    let row = s.snapshots.tags.selected_row().expect("a tag").clone();
    s.opener = None;
    press(&mut s, 'b');
    let repo = ecsnap::model::console_url::encode(&row.repository);
    let digest = ecsnap::model::console_url::encode(&row.entry.digest);
    assert_says(
        &s,
        &format!(
            "/ecr/repositories/private/{ACCOUNT}/{repo}/_/image/{digest}/details?region=us-east-1"
        ),
    );
    // An image has no ARN: C copies its console URL.
    let text = copied(&mut s, 'C');
    assert!(
        text.starts_with("https://us-east-1.console.aws.amazon.com/ecr/"),
        "{text}"
    );
    assert_says(&s, "copied the image's console URL");
}

#[test]
fn detail_opens_the_primary_deployment() {
    let mut s = on(PaneId::Detail);
    s.opener = None;
    let id = copied(&mut s, 'c');
    assert!(!id.is_empty());
    assert_says(&s, "copied the deployment's id");
    press(&mut s, 'b');
    assert_says(
        &s,
        "/ecs/v2/clusters/payments-prod/services/ledger/deployments/",
    );
}

#[test]
fn a_row_of_another_place_opens_in_its_own_region_and_account() {
    use ecsnap::tui::state::places::PlaceInfo;
    let mut s = on(PaneId::Orphans);
    let id = orphan_id(&s);
    s.places.all = vec![PlaceInfo {
        account: "prod".into(),
        account_id: "111111111111".into(),
        region: "eu-west-1".into(),
        production: false,
        read_only: false,
    }];
    s.orphans.place_of.insert(id.clone(), 0);
    s.opener = None;
    press(&mut s, 'b');
    assert_says(
        &s,
        "https://eu-west-1.console.aws.amazon.com/ec2/home?region=eu-west-1#",
    );
    let arn = copied(&mut s, 'C');
    assert!(arn.starts_with("arn:aws:ec2:eu-west-1:"), "{arn}");
}
