//! The synthetic demo data set (`careloop serve --demo`): a small load holds every referral,
//! authorization and ECM status, an at-risk and an overdue request, a working log-in per role,
//! and providers see only their members.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use careloop_app::ecm::EcmReauthorizationQueueQuery;
use careloop_app::member::MemberListQuery;
use careloop_demo::{DemoOptions, load_demo};
use careloop_domain::eligibility::{TRACE_UNAVAILABLE, determine};
use careloop_domain::workflow::queue::QueueStatus;

use super::*;

const DEMO_MEMBERS: usize = 150;

async fn statuses<S: Store>(app: &App<S>, kind: &str, prefix: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    for n in 1..=DEMO_MEMBERS {
        if let Some(rec) = app
            .store()
            .get(kind, &format!("{prefix}-{n:06}"))
            .await
            .unwrap()
        {
            seen.insert(rec.status);
        }
    }
    seen
}

pub async fn demo_data_set_holds_every_status_and_log_in<S: Store>(store: S) {
    let app = app(store);
    let now = ts("2026-12-01T18:00:00Z");
    let options = DemoOptions {
        members: DEMO_MEMBERS,
        ..DemoOptions::default()
    };
    let summary = load_demo(&app, options, now).await.unwrap();
    assert_eq!(summary.members, DEMO_MEMBERS);
    assert!(
        summary.organizations >= 3 + 20 + 4,
        "{}",
        summary.organizations
    );
    assert!(summary.referrals > 0 && summary.authorizations > 0 && summary.ecm_enrollments > 0);

    let referrals = statuses(&app, "referral", "ref").await;
    for status in [
        "received",
        "eligibility-reviewed",
        "not-eligible",
        "assigned-to-provider",
        "accepted-by-provider",
        "declined-by-provider",
        "authorized",
        "not-authorized",
        "services-started",
        "closed",
    ] {
        assert!(
            referrals.contains(status),
            "referral {status}: {referrals:?}"
        );
    }
    let auths = statuses(&app, "authorization", "auth").await;
    for status in [
        "received",
        "pended-for-information",
        "approved",
        "approved-as-modified",
        "denied",
    ] {
        assert!(auths.contains(status), "authorization {status}: {auths:?}");
    }
    let ecm = statuses(&app, "ecm-enrollment", "ecm").await;
    for status in ["outreach", "enrolled", "discontinued"] {
        assert!(ecm.contains(status), "ecm {status}: {ecm:?}");
    }
    // Appeals pending, upheld and overturned; an extension; a fax notice agreement.
    let mut appeal_states = BTreeSet::new();
    let mut extended = false;
    for n in 1..=DEMO_MEMBERS {
        if let Some(rec) = app
            .store()
            .get("authorization", &format!("auth-{n:06}"))
            .await
            .unwrap()
        {
            if let Some(appeal) = rec.body["state"].get("appeal").filter(|a| !a.is_null()) {
                appeal_states.insert(appeal["status"].as_str().unwrap().to_owned());
            }
            extended |= rec.body["state"]
                .get("extension")
                .is_some_and(|e| !e.is_null());
        }
    }
    assert!(appeal_states.len() >= 2, "{appeal_states:?}");
    assert!(extended, "an extended request");

    // Log-ins: every role has a user whose password and token work.
    let roles: BTreeSet<Role> = summary.logins.iter().map(|l| l.role).collect();
    for role in [
        Role::PlanUmReviewer,
        Role::PlanCareCoordinator,
        Role::PlanAdmin,
        Role::ProviderCareManager,
        Role::ProviderAdmin,
        Role::Referrer,
    ] {
        let login = summary
            .logins
            .iter()
            .find(|l| l.role == role)
            .unwrap_or_else(|| panic!("no demo user for {role:?}"));
        let actor = app
            .authenticate_password(&login.username, &summary.password, now)
            .await
            .unwrap();
        assert!(actor.has(role));
        assert_eq!(actor.org_id, login.org_id);
    }
    assert_eq!(roles.len(), 6);
    for login in &summary.logins {
        let actor = app.authenticate_token(&login.token, now).await.unwrap();
        assert_eq!(actor.user_id, login.username);
    }

    // The review queue at `now` holds at-risk and overdue requests.
    let mut classes = BTreeSet::new();
    for login in summary
        .logins
        .iter()
        .filter(|l| l.role == Role::PlanUmReviewer)
    {
        let actor = app.authenticate_token(&login.token, now).await.unwrap();
        let page = app
            .authorization_queue(
                &actor,
                careloop_app::authorization::AuthorizationQueueQuery {
                    at_risk_only: false,
                    plan_id: None,
                    county: None,
                    limit: 1000,
                    after: None,
                },
                now,
            )
            .await
            .unwrap();
        for item in page.items {
            classes.insert(format!("{:?}", item.entry.status));
        }
    }
    for class in [
        QueueStatus::OnTrack,
        QueueStatus::AtRisk,
        QueueStatus::Overdue,
    ] {
        assert!(
            classes.contains(&format!("{class:?}")),
            "{class:?}: {classes:?}"
        );
    }

    // ECM re-authorizations due within 30 days.
    let coordinator = summary
        .logins
        .iter()
        .find(|l| l.role == Role::PlanCareCoordinator)
        .unwrap();
    let coord = app
        .authenticate_token(&coordinator.token, now)
        .await
        .unwrap();
    let due = app
        .ecm_reauthorization_queue(
            &coord,
            EcmReauthorizationQueueQuery {
                plan_id: None,
                county: None,
                limit: 1000,
                after: None,
            },
            now,
        )
        .await
        .unwrap();
    assert!(!due.items.is_empty(), "re-authorizations due");

    // A provider sees only the members granted to it.
    let total: usize = {
        let mut n = 0;
        for login in summary
            .logins
            .iter()
            .filter(|l| l.role == Role::PlanCareCoordinator)
        {
            let actor = app.authenticate_token(&login.token, now).await.unwrap();
            n += app
                .list_members(
                    &actor,
                    MemberListQuery {
                        limit: 10_000,
                        after: None,
                    },
                    now,
                )
                .await
                .unwrap()
                .items
                .len();
        }
        n
    };
    assert_eq!(total, DEMO_MEMBERS);
    let cm = summary
        .logins
        .iter()
        .find(|l| l.role == Role::ProviderCareManager && l.org_id.starts_with("org-ecm"))
        .unwrap();
    let actor = app.authenticate_token(&cm.token, now).await.unwrap();
    let seen = app
        .list_members(
            &actor,
            MemberListQuery {
                limit: 10_000,
                after: None,
            },
            now,
        )
        .await
        .unwrap()
        .items
        .len();
    assert!(seen > 0 && seen < total, "provider sees {seen} of {total}");
}

/// Issue #15 item 1: a member record keeps its determination as a summary, and what the app
/// serves (the member record and the "why" view) is, byte for byte, the full determination the
/// domain computes from the stored facts — what was stored and served before the records were
/// made compact. The rows and the member events hold no trace.
pub async fn demo_members_serve_the_full_trace_from_compact_records<S: Store>(store: S) {
    let app = app(store);
    let now = ts("2026-12-01T18:00:00Z");
    let members = 40; // one full 40-step scenario cycle
    let options = DemoOptions {
        members,
        ..DemoOptions::default()
    };
    let summary = load_demo(&app, options, now).await.unwrap();
    let mut checked = 0;
    let mut enrolled: Vec<Vec<String>> = Vec::new();
    for login in summary
        .logins
        .iter()
        .filter(|l| l.role == Role::PlanUmReviewer)
    {
        let actor = app.authenticate_token(&login.token, now).await.unwrap();
        let page = app
            .list_members(
                &actor,
                MemberListQuery {
                    limit: 10_000,
                    after: None,
                },
                now,
            )
            .await
            .unwrap();
        for listed in page.items {
            let record = app
                .get::<MemberAggregate>(&actor, &listed.id, now)
                .await
                .unwrap();
            assert_eq!(record, listed);
            let why = app
                .member_eligibility(&actor, &listed.id, now)
                .await
                .unwrap();
            let served = record.state.determination.as_ref().unwrap();
            assert_eq!(served, &why.stored);
            // "Before": the full determination, computed directly by the domain from the
            // member's facts on the stored as-of date, as the write path stored it.
            let before = determine(&record.state.facts, why.as_of, app.pack());
            assert_eq!(
                serde_json::to_string(&served.determination).unwrap(),
                serde_json::to_string(&before).unwrap(),
                "member {}",
                listed.id
            );
            assert!(
                before
                    .populations
                    .iter()
                    .all(|p| p.criteria.iter().all(|t| t.rule != TRACE_UNAVAILABLE))
            );
            // At rest: the summary, no trace; the events carry the summary too.
            let row = app
                .store()
                .get("member", &listed.id)
                .await
                .unwrap()
                .unwrap();
            // The state at rest is packed (zstd, issue #15): its plain JSON.
            let state = careloop_app::plain_json(row.body["state"].clone()).unwrap();
            let kept = &state["determination"]["determination"];
            assert_eq!(kept["determination_id"], before.determination_id.as_str());
            assert!(kept.get("evidence_ids").is_some(), "{}", listed.id);
            let text = state.to_string();
            assert!(!text.contains("\"criteria\""), "{}", listed.id);
            for event in app.store().events_for("member", &listed.id).await.unwrap() {
                for kept in event.body["events"].as_array().unwrap() {
                    let plain = careloop_app::plain_json(kept.clone()).unwrap();
                    assert!(plain.get("determination").is_some());
                    assert!(!plain.to_string().contains("\"criteria\""));
                }
            }
            checked += 1;
        }
        // The dashboard reads the packed member rows too: an enrolled member's met POFs.
        let facts = app.dashboard_facts(&actor, now).await.unwrap();
        enrolled.extend(facts.ecm_enrolled_pofs);
    }
    assert_eq!(checked, members);
    assert!(!enrolled.is_empty());
    assert!(enrolled.iter().any(|pofs| !pofs.is_empty()), "{enrolled:?}");
}
