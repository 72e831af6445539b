//! Referral extras (authorization, services started, notices, notice agreement) and the
//! referral work queue "waiting on each party".
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use careloop_app::referral::{
    RecordReferralAuthorization, RecordReferralNotice, RecordReferralNoticeAgreement,
    ReferralNextStep, ReferralParty, ReferralQueueQuery, StartReferralServices,
};
use careloop_app::{Change, checked};

use super::*;

/// 2026-11-02T17:00Z plus `h` hours.
fn h(hours: i64) -> Timestamp {
    ts("2026-11-02T17:00:00Z")
        .checked_add(jiff::SignedDuration::from_hours(hours))
        .unwrap()
}

/// Eligible, citing no determination (issue #12: a cited determination must be the member's
/// current stored one).
fn eligible() -> ReviewReferralEligibility {
    ReviewReferralEligibility {
        eligible: true,
        determination_id: None,
    }
}

fn assign(org: &str) -> AssignReferral {
    AssignReferral {
        provider_org_id: checked("provider_org_id", org).unwrap(),
    }
}

fn accept() -> AcceptReferral {
    AcceptReferral {}
}

/// Authorized: names the approved request auth-9 (issue #12: the request must exist and be
/// decided so); not authorized: names no request.
fn authorize(authorized: bool, reason: Option<&str>) -> RecordReferralAuthorization {
    RecordReferralAuthorization {
        authorized,
        authorization_id: authorized.then(|| "auth-9".into()),
        reason: reason.map(Into::into),
    }
}

fn notice(channel: Channel, at: Timestamp) -> RecordReferralNotice {
    RecordReferralNotice {
        recipient: Recipient::Referrer,
        purpose: NoticePurpose::Assignment,
        channel,
        content: "assignment notice template 3".into(),
        sent_at: Some(at),
    }
}

/// accepted → authorized → services started, with notices and a notice agreement; only the
/// right roles and the assigned provider may take each step. The authorization step names the
/// ECM authorization request the assigned provider submitted and the plan approved.
pub async fn referral_extras_authorize_start_services_and_notices<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    hpsm_member(&app, "mem-x").await;
    let coord = coordinator();
    let prov = provider("org-ecm-b");
    app.create(&coord, "ref-x", referral("mem-x"), None, h(0))
        .await
        .unwrap();
    app.change(&coord, "ref-x", eligible(), None, h(1))
        .await
        .unwrap();
    app.change(&coord, "ref-x", assign("org-ecm-b"), None, h(2))
        .await
        .unwrap();
    app.change(&prov, "ref-x", accept(), None, h(3))
        .await
        .unwrap();
    decided_ecm_authorization(&app, "auth-9", "mem-x", "org-ecm-b", true, h(3)).await;

    // Providers do not decide authorizations; not authorized needs a reason.
    let err = app
        .change(&prov, "ref-x", authorize(true, None), None, h(4))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    let err = app
        .change(&reviewer(), "ref-x", authorize(false, None), None, h(4))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid { .. }), "{err}");
    assert!(err.to_string().contains("not-authorized reason"), "{err}");
    let rec = app
        .change(
            &reviewer(),
            "ref-x",
            authorize(true, None),
            Some("k-auth"),
            h(4),
        )
        .await
        .unwrap();
    assert_eq!(rec.status, "authorized");
    assert_eq!(rec.state.authorization_id.as_deref(), Some("auth-9"));

    // Only the assigned provider starts services; another provider does not even see it.
    let started = StartReferralServices {
        // The day of the report (h(5) is 2026-11-02 in California): not a date ahead.
        started_on: "2026-11-02".parse().unwrap(),
    }
    .expecting(Some(rec.version));
    let err = app
        .change(&provider("org-ecm-c"), "ref-x", started.clone(), None, h(5))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let err = app
        .change(&coord, "ref-x", started.clone(), None, h(5))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    let rec = app
        .change(&prov, "ref-x", started, None, h(5))
        .await
        .unwrap();
    assert_eq!(rec.status, "services-started");
    assert_eq!(
        rec.state.services_started_on,
        Some("2026-11-02".parse().unwrap())
    );

    // A fax to the referrer does not meet the electronic rule until both sides agree to fax.
    app.change(&coord, "ref-x", notice(Channel::Fax, h(6)), None, h(6))
        .await
        .unwrap();
    let rec = app
        .change(
            &coord,
            "ref-x",
            RecordReferralNoticeAgreement {
                channel: Channel::Fax,
                documentation: "signed agreement form 12".into(),
            },
            None,
            h(7),
        )
        .await
        .unwrap();
    assert_eq!(
        rec.state.notice_agreement.as_ref().map(|a| a.channel),
        Some(Channel::Fax)
    );
    app.change(&prov, "ref-x", notice(Channel::Fax, h(8)), None, h(8))
        .await
        .unwrap();
    let err = app
        .change(
            &referrer("org-cbo-1"),
            "ref-x",
            notice(Channel::Email, h(9)),
            None,
            h(9),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");

    let events = app.store().events_for("referral", "ref-x").await.unwrap();
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "received",
            "eligibility-reviewed",
            "provider-assigned",
            "provider-accepted",
            "authorized",
            "services-started",
            "notice-recorded",
            "notice-agreement-recorded",
            "notice-recorded",
        ]
    );
    let met: Vec<_> = [6, 8]
        .iter()
        .map(|&i| events[i].body["events"][0]["meets_electronic_rule"].clone())
        .collect();
    assert_eq!(met, [serde_json::json!(false), serde_json::json!(true)]);
    let rec = app
        .get::<ReferralAggregate>(&coord, "ref-x", h(10))
        .await
        .unwrap();
    assert_eq!(rec.state.notices.len(), 2);
    let senders: Vec<_> = rec.state.notices.iter().map(|n| n.actor.clone()).collect();
    assert_eq!(
        senders,
        [ActorId::new("u-coord"), ActorId::new("u-cm-org-ecm-b")],
        "the sender is the signed-in user"
    );
    // The loop may now close as services received.
    let rec = app
        .change(
            &coord,
            "ref-x",
            CloseReferral {
                reason: "services-received".into(),
                note: None,
            },
            None,
            h(11),
        )
        .await
        .unwrap();
    assert_eq!(rec.status, "closed");
}

/// The queue lists open referrals by who acts next, oldest change first; providers see the
/// referrals assigned to them that wait on them; pages cover everything once; closed and
/// other plans' referrals are not listed; each listed record is audited.
pub async fn referral_queue_waits_on_each_party<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    for member in ["m-1", "m-2", "m-3", "m-4", "m-5"] {
        hpsm_member(&app, member).await;
    }
    alameda_member(&app, "m-6").await;
    let coord = coordinator();
    let prov_b = provider("org-ecm-b");
    // r-recv: received (h0)
    app.create(&coord, "r-recv", referral("m-1"), None, h(0))
        .await
        .unwrap();
    // r-assigned: assigned to b (last change h5)
    app.create(&coord, "r-assigned", referral("m-2"), None, h(1))
        .await
        .unwrap();
    app.change(&coord, "r-assigned", eligible(), None, h(2))
        .await
        .unwrap();
    app.change(&coord, "r-assigned", assign("org-ecm-b"), None, h(5))
        .await
        .unwrap();
    // r-accepted: accepted by b (h4) -> plan must authorize
    app.create(&coord, "r-accepted", referral("m-3"), None, h(1))
        .await
        .unwrap();
    app.change(&coord, "r-accepted", eligible(), None, h(2))
        .await
        .unwrap();
    app.change(&coord, "r-accepted", assign("org-ecm-b"), None, h(3))
        .await
        .unwrap();
    app.change(&prov_b, "r-accepted", accept(), None, h(4))
        .await
        .unwrap();
    // r-other-prov: assigned to c (h6)
    app.create(&coord, "r-other-prov", referral("m-4"), None, h(1))
        .await
        .unwrap();
    app.change(&coord, "r-other-prov", eligible(), None, h(2))
        .await
        .unwrap();
    app.change(&coord, "r-other-prov", assign("org-ecm-c"), None, h(6))
        .await
        .unwrap();
    // r-closed: closed (not listed)
    app.create(&coord, "r-closed", referral("m-5"), None, h(1))
        .await
        .unwrap();
    app.change(
        &coord,
        "r-closed",
        CloseReferral {
            reason: "member-declined".into(),
            note: None,
        },
        None,
        h(2),
    )
    .await
    .unwrap_or_else(|e| panic!("close: {e}"));
    // Another plan's referral about its own member (not listed).
    app.create(
        &alameda_coordinator(),
        "r-foreign",
        alameda_referral("m-6"),
        None,
        h(0),
    )
    .await
    .unwrap();

    let now = h(10);
    let q = |waiting_on, limit, after| ReferralQueueQuery {
        waiting_on,
        limit,
        after,
    };
    let page = app
        .referral_queue(&coord, q(None, 100, None), now)
        .await
        .unwrap();
    let seen: Vec<_> = page
        .items
        .iter()
        .map(|i| (i.record.id.as_str(), i.waiting_on, i.next_step, i.age_hours))
        .collect();
    use ReferralNextStep as N;
    use ReferralParty as P;
    assert_eq!(
        seen,
        [
            ("r-recv", P::Plan, N::EligibilityReview, 10),
            ("r-accepted", P::Plan, N::Authorization, 6),
            ("r-assigned", P::Provider, N::AcceptOrDecline, 5),
            ("r-other-prov", P::Provider, N::AcceptOrDecline, 4),
        ]
    );
    assert_eq!(page.next, None);
    // Assigned and CLR-tracked: the member and referrer assignment notices are owed.
    assert_eq!(page.items[2].notices_owed, 2);

    let plan_only = app
        .referral_queue(&coord, q(Some(P::Plan), 100, None), now)
        .await
        .unwrap();
    assert_eq!(
        plan_only
            .items
            .iter()
            .map(|i| i.record.id.as_str())
            .collect::<Vec<_>>(),
        ["r-recv", "r-accepted"]
    );

    // Provider b sees what waits on it, not c's referral nor the one it already accepted.
    let prov_page = app
        .referral_queue(&prov_b, q(Some(P::Plan), 100, None), now)
        .await
        .unwrap();
    assert_eq!(
        prov_page
            .items
            .iter()
            .map(|i| i.record.id.as_str())
            .collect::<Vec<_>>(),
        ["r-assigned"]
    );

    // Pages of one cover everything once.
    let mut ids = Vec::new();
    let mut after = None;
    loop {
        let page = app
            .referral_queue(&coord, q(None, 1, after.clone()), now)
            .await
            .unwrap();
        ids.extend(page.items.iter().map(|i| i.record.id.clone()));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(ids, ["r-recv", "r-accepted", "r-assigned", "r-other-prov"]);

    // Another provider's referral about a member b was also granted (m-2), changed before
    // r-assigned: the store's rows for b include it, the queue skips it and fills the page from
    // the following rows, so b's pages of one still list exactly r-assigned.
    app.create(&coord, "r-shared", referral("m-2"), None, h(1))
        .await
        .unwrap();
    app.change(&coord, "r-shared", eligible(), None, h(2))
        .await
        .unwrap();
    app.change(&coord, "r-shared", assign("org-ecm-c"), None, h(3))
        .await
        .unwrap();
    let first = app
        .referral_queue(&prov_b, q(None, 1, None), now)
        .await
        .unwrap();
    assert_eq!(
        first
            .items
            .iter()
            .map(|i| i.record.id.as_str())
            .collect::<Vec<_>>(),
        ["r-assigned"]
    );
    assert_eq!(first.next, None, "nothing else waits on b");
    let c_page = app
        .referral_queue(&provider("org-ecm-c"), q(None, 10, None), now)
        .await
        .unwrap();
    assert_eq!(
        c_page
            .items
            .iter()
            .map(|i| i.record.id.as_str())
            .collect::<Vec<_>>(),
        ["r-shared", "r-other-prov"]
    );

    assert!(matches!(
        app.referral_queue(&referrer("org-cbo-1"), q(None, 10, None), now)
            .await,
        Err(AppError::Forbidden { .. })
    ));
    assert!(matches!(
        app.referral_queue(&coord, q(None, 0, None), now).await,
        Err(AppError::Invalid { field: "limit", .. })
    ));
    let listed = audit_lines(app.store(), "referral", "r-assigned").await;
    assert!(
        listed
            .iter()
            .any(|l| l.action == "list" && l.actor == "u-cm-org-ecm-b"),
        "{listed:?}"
    );
}
