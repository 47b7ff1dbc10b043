//! The places of a console opened on several, joining as their accounts answer: each
//! account's places go to the runner (their sessions held read-only: an entry still
//! connecting may reach the same account with stricter marks) and to `update` as a
//! `Msg::Places`, so their rows load beside the others' at once; once every account has
//! answered, the runner's sessions open again with the places' final marks.

use tokio::sync::mpsc::UnboundedReceiver;

use crate::aws::fleet::{Connecting, FleetTarget, PlaceFailure};
use crate::config::Settings;
use crate::ops::session::place_settings;
use crate::tui::run::runner::{EffectRunner, PlaceSetup};
use crate::tui::state::msg::{Msg, PlacesNews};
use crate::tui::state::places::PlaceInfo;

/// The accounts still connecting, and the places joined so far (in the runner's order).
pub struct PlacesJoining {
    /// News that came before the console opened, given first.
    early: std::collections::VecDeque<Connecting>,
    news: Option<UnboundedReceiver<Connecting>>,
    joined: Vec<FleetTarget>,
    settings: Settings,
}

impl PlacesJoining {
    /// A console on one place: nothing ever joins.
    pub fn none(settings: Settings) -> Self {
        Self {
            early: std::collections::VecDeque::new(),
            news: None,
            joined: Vec::new(),
            settings,
        }
    }

    /// A console on several places, connecting: `early`, the news that came before it
    /// opened, then the rest.
    pub fn new(
        (early, news): (Vec<Connecting>, UnboundedReceiver<Connecting>),
        settings: Settings,
    ) -> Self {
        Self {
            early: early.into(),
            news: Some(news),
            ..Self::none(settings)
        }
    }

    /// The next news; never, once every account has answered (or with one place).
    pub async fn next(&mut self) -> Connecting {
        if let Some(news) = self.early.pop_front() {
            return news;
        }
        if let Some(rx) = &mut self.news
            && let Some(news) = rx.recv().await
        {
            return news;
        }
        self.news = None;
        std::future::pending().await
    }

    /// Gives the runner what joined (or the final sessions) and says so to `update`.
    pub fn apply(&mut self, news: Connecting, runner: &mut EffectRunner) -> Msg {
        match news {
            Connecting::Joined {
                targets,
                failed,
                accounts,
            } => {
                let held = targets
                    .iter()
                    .map(|t| {
                        let mut setup = self.setup(t);
                        setup.2.read_only = true;
                        setup
                    })
                    .collect();
                runner.add_places(held);
                let places = targets.iter().map(place_info).collect();
                self.joined.extend(targets);
                Msg::Places(PlacesNews::Joined {
                    places,
                    failed: failed.iter().map(PlaceFailure::line).collect(),
                    accounts,
                })
            }
            Connecting::Settled { marks, notes } => {
                for (t, m) in self.joined.iter_mut().zip(&marks) {
                    t.place.marks = *m;
                }
                runner.settle_places(self.joined.iter().map(|t| self.setup(t)).collect());
                Msg::Places(PlacesNews::Settled {
                    marks: marks.iter().map(|m| (m.production, m.read_only)).collect(),
                    notes,
                })
            }
        }
    }

    fn setup(&self, t: &FleetTarget) -> PlaceSetup {
        (
            t.aws.clone(),
            t.ops.clone(),
            place_settings(&self.settings, t),
            Some(t.identity.clone()),
        )
    }
}

/// How the console knows a place: its account, id, region and marks.
fn place_info(t: &FleetTarget) -> PlaceInfo {
    PlaceInfo {
        account: t.place.account.clone(),
        account_id: t.place.account_id.clone(),
        region: t.place.region.clone(),
        production: t.place.marks.production,
        read_only: t.place.marks.read_only,
    }
}
