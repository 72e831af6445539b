//! More of the records scenarios refer to, beside world.rs (issue #12): a member of the Alameda
//! plan registered by its own coordinator, and an authorization request the plan has decided,
//! which a referral's authorization step may then name. Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use careloop_app::checked;
use careloop_app::member::RegisterMember;

use super::*;

/// A care coordinator of the Alameda plan (ALAMEDA_PLAN).
pub fn alameda_coordinator() -> Actor {
    Actor::new(
        "u-coord-2",
        ALAMEDA_PLAN,
        OrgKind::Plan,
        vec![Role::PlanCareCoordinator],
    )
    .unwrap()
}

/// Registers `member_id` as a member of ALAMEDA_PLAN (alameda-alliance, Alameda) with the
/// POF 1a example facts.
pub async fn alameda_member<S: Store>(app: &App<S>, member_id: &str) {
    let input = RegisterMember {
        plan: Some("alameda-alliance".into()),
        county: "Alameda".into(),
        demographics: Default::default(),
        cin: None,
        facts: serde_json::from_value(ecm_facts(member_id, None)).unwrap(),
    };
    app.create(
        &alameda_coordinator(),
        member_id,
        input,
        None,
        ts("2026-10-01T00:00:00Z"),
    )
    .await
    .unwrap();
}

/// A referral of ALAMEDA_PLAN about its member `member_id`.
pub fn alameda_referral(member: &str) -> CreateReferral {
    CreateReferral {
        plan_org_id: checked("plan_org_id", ALAMEDA_PLAN).unwrap(),
        plan_id: Some("alameda-alliance".into()),
        county: Some(checked("county", "Alameda").unwrap()),
        ..referral(member)
    }
}

/// The ECM provider `provider_org` (which must already see the hpsm member `member_id`)
/// submits the initial ECM authorization request `request_id` at `at`, and the plan's reviewer
/// decides it an hour later: approved from that day when `approve`, else denied.
pub async fn decided_ecm_authorization<S: Store>(
    app: &App<S>,
    request_id: &str,
    member_id: &str,
    provider_org: &str,
    approve: bool,
    at: Timestamp,
) {
    decided_ecm_request(
        app,
        request_id,
        member_id,
        provider_org,
        Service::EcmInitial,
        approve,
        at,
    )
    .await;
}

/// As [`decided_ecm_authorization`], for the ECM `service` (initial or re-authorization): the
/// approved request an ECM enrollment or re-authorization names (issue #12).
pub async fn decided_ecm_request<S: Store>(
    app: &App<S>,
    request_id: &str,
    member_id: &str,
    provider_org: &str,
    service: Service,
    approve: bool,
    at: Timestamp,
) {
    app.create(
        &provider(provider_org),
        request_id,
        SubmitAuthorization {
            service,
            ..submission(member_id)
        },
        None,
        at,
    )
    .await
    .unwrap();
    let decided_at = at.checked_add(jiff::SignedDuration::from_hours(1)).unwrap();
    let decision = if approve {
        DecisionInput::Approve {
            start: decided_at
                .to_zoned(jiff::tz::TimeZone::get("America/Los_Angeles").unwrap())
                .date(),
            through: None,
            units: None,
        }
    } else {
        DecisionInput::Deny {
            reason: "POF 1a criteria not documented".into(),
        }
    };
    let rec = app
        .change(
            &reviewer(),
            request_id,
            DecideAuthorization {
                cs_limit_exception: None,
                decision,
                notice_of_action: None,
            },
            None,
            decided_at,
        )
        .await
        .unwrap();
    let want = if approve { "approved" } else { "denied" };
    assert_eq!(rec.status, want, "{request_id}");
}
