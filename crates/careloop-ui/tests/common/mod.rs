//! Test harness: a small synthetic demo data set (careloop_demo, loaded through the App use
//! cases) in a throwaway SQLite file, and the API + UI routes over it.
#![allow(dead_code)]

use std::sync::Arc;

use careloop_app::MemberAggregate;
use careloop_app::{Actor, App, Role};
use careloop_demo::{DemoOptions, DemoSummary, load_demo};
use careloop_domain::PolicyPack;
use careloop_store::{AnyStore, SqliteStore, Store};
use careloop_web::AppState;
use careloop_web::auth::AppTokens;
use jiff::Timestamp;

pub struct Demo {
    pub state: AppState,
    pub summary: DemoSummary,
    pub now: Timestamp,
    _dir: tempfile::TempDir,
}

/// Loads `members` synthetic members at the real current time; `fixed_clock` pins the server's
/// clock to that instant (page tests) or leaves it on the wall clock (browser tests).
pub async fn demo(members: usize, fixed_clock: bool) -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let store = AnyStore::Sqlite(
        SqliteStore::open_throwaway(&dir.path().join("ui-test.db"))
            .await
            .unwrap(),
    );
    store.migrate().await.unwrap();
    let app = Arc::new(App::new(store, PolicyPack::embedded().unwrap()));
    let now = Timestamp::now();
    let summary = load_demo(
        &app,
        DemoOptions {
            members,
            ..DemoOptions::default()
        },
        now,
    )
    .await
    .unwrap();
    let mut state = AppState::new(app.clone(), Arc::new(AppTokens(app)));
    if fixed_clock {
        state = state.with_clock(Arc::new(move || now));
    }
    Demo {
        state,
        summary,
        now,
        _dir: dir,
    }
}

impl Demo {
    pub fn app(&self) -> &App<AnyStore> {
        &self.state.app
    }

    /// The first demo user with `role` (optionally in organization `org`).
    pub fn user(&self, role: Role, org: Option<&str>) -> String {
        self.summary
            .logins
            .iter()
            .find(|l| l.role == role && org.is_none_or(|o| l.org_id == o))
            .unwrap_or_else(|| panic!("no demo user for {role:?}"))
            .username
            .clone()
    }

    pub async fn actor(&self, username: &str) -> Actor {
        self.app()
            .authenticate_password(username, &self.summary.password, self.now)
            .await
            .unwrap()
    }

    /// The UM reviewer whose plan has the most open requests still received (at least two),
    /// with at least one at risk or overdue.
    pub async fn busiest_reviewer(&self) -> String {
        use careloop_app::authorization::AuthorizationQueueQuery;
        use careloop_domain::workflow::queue::QueueStatus;
        let mut best: Option<(usize, String)> = None;
        for login in self
            .summary
            .logins
            .iter()
            .filter(|l| l.role == Role::PlanUmReviewer)
        {
            let actor = self.actor(&login.username).await;
            let page = self
                .app()
                .authorization_queue(
                    &actor,
                    AuthorizationQueueQuery {
                        at_risk_only: false,
                        plan_id: None,
                        county: None,
                        limit: 500,
                        after: None,
                    },
                    self.now,
                )
                .await
                .unwrap();
            let received = page
                .items
                .iter()
                .filter(|i| i.record.status == "received")
                .count();
            let flagged = page
                .items
                .iter()
                .any(|i| i.entry.status != QueueStatus::OnTrack);
            if received >= 2 && flagged && best.as_ref().is_none_or(|(n, _)| received > *n) {
                best = Some((received, login.username.clone()));
            }
        }
        best.expect("a reviewer with open requests").1
    }

    /// A provider care manager whose organization runs an enrolled ECM enrollment:
    /// (username, that enrollment's member).
    pub async fn provider_with_enrollment(&self) -> (String, String) {
        self.provider_with_enrollment_offering(None).await
    }

    /// [`Self::provider_with_enrollment`] for a member whose plan offers `cs` in the member's
    /// county today (not every pack plan offers every CS: issue #14 added plans whose offerings
    /// no source lists).
    pub async fn provider_with_enrollment_offering(
        &self,
        cs: Option<careloop_domain::CsId>,
    ) -> (String, String) {
        use careloop_app::member::MemberListQuery;
        let zone = jiff::tz::TimeZone::get("America/Los_Angeles").unwrap();
        let today = self.now.to_zoned(zone).date();
        for login in self
            .summary
            .logins
            .iter()
            .filter(|l| l.role == Role::ProviderCareManager)
        {
            let p = self.actor(&login.username).await;
            let members = self
                .app()
                .list_members(
                    &p,
                    MemberListQuery {
                        limit: 1000,
                        after: None,
                    },
                    self.now,
                )
                .await
                .unwrap();
            for m in members.items {
                let records = self
                    .app()
                    .member_records(&p, &m.id, self.now)
                    .await
                    .unwrap();
                if records.ecm_enrollments.iter().any(|e| {
                    // Its re-authorization can be requested today: the next period starts
                    // at most 90 days ahead (the scheduled-date rule), as the browser test
                    // requests it.
                    let soon = e
                        .state
                        .reauthorization_due()
                        .and_then(|d| d.tomorrow().ok())
                        .is_some_and(|start| today.until(start).is_ok_and(|s| s.get_days() <= 90));
                    e.state.provider_id == p.org_id && e.status == "enrolled" && soon
                }) && cs.is_none_or(|cs| {
                    let (plan, county) = (m.plan_id.clone(), m.county.clone());
                    careloop_domain::policy::offerings(
                        self.app().pack(),
                        &plan.unwrap_or_default(),
                        &county.unwrap_or_default(),
                        today,
                    )
                    .is_ok_and(|list| list.iter().any(|o| o.id == cs))
                }) {
                    return (login.username.clone(), m.id);
                }
            }
        }
        panic!("no provider runs an enrolled ECM enrollment");
    }

    /// (a member the provider user may see, a member it may not see).
    pub async fn provider_members(&self, provider: &str) -> (String, String) {
        let foreign = self.foreign_member(provider).await;
        let p = self.actor(provider).await;
        let own = self
            .app()
            .list_members(
                &p,
                careloop_app::member::MemberListQuery {
                    limit: 1,
                    after: None,
                },
                self.now,
            )
            .await
            .unwrap()
            .items
            .first()
            .expect("the provider sees a member")
            .id
            .clone();
        (own, foreign)
    }

    /// A member the provider user may not see.
    pub async fn foreign_member(&self, provider: &str) -> String {
        use careloop_app::AppError;
        use careloop_app::member::MemberListQuery;
        let p = self.actor(provider).await;
        let plan = self
            .actor(&self.user(Role::PlanCareCoordinator, None))
            .await;
        let all = self
            .app()
            .list_members(
                &plan,
                MemberListQuery {
                    limit: 1000,
                    after: None,
                },
                self.now,
            )
            .await
            .unwrap();
        for m in all.items {
            if let Err(AppError::NotFound { .. }) =
                self.app().get::<MemberAggregate>(&p, &m.id, self.now).await
            {
                return m.id;
            }
        }
        panic!("every member is visible to {provider}");
    }
}
