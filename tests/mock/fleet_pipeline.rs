//! Connecting and loading are one pipeline over many places: each place starts reading as
//! soon as its own account has connected, never waiting for the slowest account. In
//! `report`, account B's connect is held back (a oneshot the test releases): place A's
//! first read (ListClusters) is sent before B has connected, then B connects and the
//! report holds both, with the account that could not be connected listed as before, and
//! every place asked the same calls once. In the console (its places runner, without a
//! terminal), A's rows are delivered while B is still connecting, then B's join them.

use ecsnap::aws::fleet::{AccountPlaces, Connecting, FleetTarget};
use ecsnap::config::Settings;
use ecsnap::tui::run::places::PlacesJoining;
use ecsnap::tui::run::runner::EffectRunner;
use ecsnap::tui::state::app::{AppState, HeaderInfo};
use ecsnap::tui::state::msg::{Event, Msg};
use ecsnap::tui::update::app::{init, update};
use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::FuturesUnordered;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::fleet_scale::{MockPlace, Mode, lost_account, mock_place, services_of};

/// How many times the test lets every other task run while it waits for something to
/// happen: plenty for a mocked read, and a bound, so a read that never comes fails the
/// test instead of hanging it.
const TURNS: usize = 10_000;

/// Lets the other tasks run until `done` holds; whether it did within `TURNS`.
async fn until(done: impl Fn() -> bool) -> bool {
    for _ in 0..TURNS {
        if done() {
            return true;
        }
        tokio::task::yield_now().await;
    }
    done()
}

fn account_places(place: &MockPlace) -> AccountPlaces {
    (vec![place.target.clone()], Vec::new())
}

#[tokio::test]
async fn a_place_reads_as_soon_as_its_own_account_connects_not_the_slowest() {
    let a = mock_place(1, Mode::Answers);
    let b = mock_place(2, Mode::Answers);
    let (release_b, b_connected) = tokio::sync::oneshot::channel::<AccountPlaces>();
    // The accounts as they connect: A and the lost account answer at once, B when released.
    let connects: Vec<BoxFuture<'static, AccountPlaces>> = vec![
        futures::future::ready(account_places(&a)).boxed(),
        futures::future::ready((Vec::<FleetTarget>::new(), vec![lost_account()])).boxed(),
        async move { b_connected.await.unwrap_or_default() }.boxed(),
    ];
    let accounts: FuturesUnordered<_> = connects.into_iter().collect();
    let settings = Settings::default();
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("time");
    let report = ecsnap::commands::report::load_report_as_connected(accounts, &settings, now);

    let test = async {
        // B is still connecting: A reads all the same.
        let a_listed = until(|| a.list_clusters.num_calls() == 1).await;
        assert!(
            a_listed,
            "place A's ListClusters was not sent while account B was still connecting"
        );
        assert_eq!(b.list_clusters.num_calls(), 0, "B has not connected yet");
        assert!(release_b.send(account_places(&b)).is_ok(), "B connects");
    };
    let ((report, failures), ()) = tokio::join!(report, test);

    let report = serde_json::to_value(&report).expect("json");
    let services = report["services"].as_array().expect("services");
    for n in [1, 2] {
        assert_eq!(services_of(services, n), 3, "place {n}'s services");
    }
    let places: Vec<&str> = report["places"]
        .as_array()
        .expect("places")
        .iter()
        .filter_map(|p| p["account"].as_str())
        .collect();
    assert_eq!(places, ["acct-001", "acct-002"], "sorted as before");
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].account, "acct-lost");
    assert!(failures[0].error.contains("sts:AssumeRole"), "{failures:?}");
    assert_eq!(a.list_clusters.num_calls(), 1, "A: one ListClusters");
    assert_eq!(b.list_clusters.num_calls(), 1, "B: one ListClusters");
}

/// Gives the console what its runner sends until `done` holds, letting the other tasks
/// run between looks; whether it held within `TURNS`.
async fn deliver_until(
    state: &mut AppState,
    runner: &mut EffectRunner,
    rx: &mut UnboundedReceiver<Msg>,
    done: impl Fn(&AppState) -> bool,
) -> bool {
    for _ in 0..TURNS {
        while let Ok(msg) = rx.try_recv() {
            runner.run_all(update(state, Event::Msg(msg)));
        }
        if done(state) {
            return true;
        }
        tokio::task::yield_now().await;
    }
    done(state)
}

/// The services a place's rows hold in the console, by name.
fn rows_of(state: &AppState, place: usize) -> Vec<String> {
    let mut names: Vec<String> = state
        .services
        .placed
        .get(&place)
        .map(|services| services.iter().map(|s| s.name.clone()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// Passes the next news of the accounts connecting to the runner and to `update`.
async fn join_next(state: &mut AppState, runner: &mut EffectRunner, joining: &mut PlacesJoining) {
    let news = joining.next().await;
    let msg = joining.apply(news, runner);
    runner.run_all(update(state, Event::Msg(msg)));
}

#[tokio::test]
async fn the_console_shows_a_place_s_rows_before_a_slower_account_connects() {
    let a = mock_place(1, Mode::Answers);
    let b = mock_place(2, Mode::Answers);
    let settings = Settings::default();
    let (news, connecting) = unbounded_channel();
    let (tx, mut rx) = unbounded_channel();
    // As `tui::run_places` opens: no place yet, two accounts connecting.
    let mut runner = EffectRunner::for_places(Vec::new(), settings.clone(), tx);
    let mut joining = PlacesJoining::new((Vec::new(), connecting), settings.clone());
    let header = HeaderInfo {
        profile: Some("acct-001,acct-002".into()),
        region: String::new(),
        account: None,
        account_error: None,
        endpoint: None,
    };
    let now = chrono::DateTime::from_timestamp(1_795_000_000, 0).expect("time");
    let mut state = AppState::new(settings, header, false, now);
    state.places.connecting = Some((0, 2));
    runner.run_all(init(&mut state));

    // A's account answers; B's is still connecting.
    let joined = |place: &MockPlace, answered| Connecting::Joined {
        targets: vec![place.target.clone()],
        failed: Vec::new(),
        accounts: (answered, 2),
    };
    assert!(news.send(joined(&a, 1)).is_ok());
    join_next(&mut state, &mut runner, &mut joining).await;
    let shown = deliver_until(&mut state, &mut runner, &mut rx, |s| {
        !rows_of(s, 0).is_empty()
    })
    .await;
    assert!(
        shown,
        "A's rows were not delivered while B was still connecting"
    );
    assert_eq!(rows_of(&state, 0), ["api", "web", "worker"]);
    assert!(
        a.list_clusters.num_calls() >= 1,
        "A's ListClusters was sent"
    );
    // Every load of A done (nothing more comes): what A asks, B's joining leaves alone.
    deliver_until(&mut state, &mut runner, &mut rx, |_| false).await;
    let a_calls = a.list_clusters.num_calls();
    assert_eq!(b.list_clusters.num_calls(), 0, "B has not connected yet");
    assert!(
        state.services.loader.state.is_loading(),
        "B is still to come"
    );

    // B connects: its rows join A's.
    assert!(news.send(joined(&b, 2)).is_ok());
    join_next(&mut state, &mut runner, &mut joining).await;
    let shown = deliver_until(&mut state, &mut runner, &mut rx, |s| {
        !rows_of(s, 1).is_empty()
    })
    .await;
    assert!(shown, "B's rows were not delivered once it connected");
    assert_eq!(rows_of(&state, 1), ["api", "web", "worker"]);
    deliver_until(&mut state, &mut runner, &mut rx, |_| false).await;
    assert!(
        b.list_clusters.num_calls() >= 1,
        "B's ListClusters was sent"
    );
    assert_eq!(
        a.list_clusters.num_calls(),
        a_calls,
        "A was not asked again"
    );
}
