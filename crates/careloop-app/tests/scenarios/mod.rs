//! Use-case scenarios, generic over the store, run on SQLite (app_sqlite.rs) and on PostgreSQL
//! when CARELOOP_TEST_POSTGRES_URL is set (app_postgres.rs). Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use careloop_app::authorization::{
    AuthorizationQueueQuery, DecideAuthorization, FileAppeal, PendAuthorization, ResolveAppeal,
    SubmitAuthorization,
};
use careloop_app::referral::{
    AcceptReferral, AssignReferral, CloseReferral, CreateReferral, DeclineReferral,
    ReviewReferralEligibility,
};
use careloop_app::{Actor, App, AppError, OrgKind, Role};
use careloop_domain::PolicyPack;
use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::appeal::AppealResolution;
use careloop_domain::workflow::authorization::{DecisionInput, Requested, Service};
use careloop_domain::workflow::referral::{ReferralSource, Referrer};
use careloop_domain::workflow::{ActorId, Channel, Notice, NoticePurpose, Program, Recipient};
use careloop_store::{AuditFilter, Store};
use jiff::Timestamp;

pub const PLAN: &str = "org-plan-hpsm";

pub fn ts(s: &str) -> Timestamp {
    s.parse().expect("RFC 3339 timestamp")
}

pub fn app<S: Store>(store: S) -> App<S> {
    App::new(store, PolicyPack::embedded().expect("embedded policy pack"))
}

pub fn reviewer() -> Actor {
    Actor::new(
        "u-reviewer",
        PLAN,
        OrgKind::Plan,
        vec![Role::PlanUmReviewer],
    )
    .unwrap()
}
pub fn coordinator() -> Actor {
    Actor::new(
        "u-coord",
        PLAN,
        OrgKind::Plan,
        vec![Role::PlanCareCoordinator],
    )
    .unwrap()
}
pub fn provider(org: &str) -> Actor {
    Actor::new(
        format!("u-cm-{org}"),
        org,
        OrgKind::EcmProvider,
        vec![Role::ProviderCareManager],
    )
    .unwrap()
}
pub fn referrer(org: &str) -> Actor {
    Actor::new(
        format!("u-ref-{org}"),
        org,
        OrgKind::ReferringEntity,
        vec![Role::Referrer],
    )
    .unwrap()
}

pub fn submission(id: &str, member: &str) -> SubmitAuthorization {
    SubmitAuthorization {
        request_id: id.into(),
        member_id: member.into(),
        plan_org_id: PLAN.into(),
        plan: Some("hpsm".into()),
        county: Some("San Mateo".into()),
        service: Service::EcmInitial,
        kind: ClockKind::NonUrgentPreService,
        requested: Requested::default(),
    }
}

pub fn referral(id: &str, member: &str) -> CreateReferral {
    CreateReferral {
        referral_id: id.into(),
        member_id: member.into(),
        plan_org_id: PLAN.into(),
        plan_id: Some("hpsm".into()),
        county: Some("San Mateo".into()),
        referrer: Referrer {
            source: ReferralSource::Cbo,
            id: Some("cbo-1".into()),
            name: Some("Synthetic CBO".into()),
            contact: Some("intake@cbo.invalid".into()),
        },
        program: Program::Ecm,
        claimed_pof: Some("1a".into()),
    }
}

async fn audit_lines<S: Store>(
    store: &S,
    kind: &str,
    id: &str,
) -> Vec<careloop_store::AuditRecord> {
    store
        .audit(&AuditFilter {
            record_kind: Some(kind.into()),
            record_id: Some(id.into()),
            limit: 1000,
            ..AuditFilter::default()
        })
        .await
        .unwrap()
}

/// submit → pend → decide deny with reason → appeal → overturn, each step stored with one event.
pub async fn authorization_flow_submit_pend_deny_appeal_overturn<S: Store>(store: S) {
    let app = app(store);
    let prov = provider("org-ecm-a");
    let t0 = ts("2026-11-02T17:00:00Z");
    let rec = app
        .submit_authorization(&prov, submission("auth-1", "mem-1"), Some("k-submit"), t0)
        .await
        .unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (1, "received"));
    assert_eq!(rec.owners.owner_org_id, PLAN);
    let due = rec.due_at.expect("an open request has a due time");
    assert!(due > t0);
    assert!(app.store().has_access("org-ecm-a", "mem-1").await.unwrap());

    let rev = reviewer();
    let rec = app
        .pend_authorization(
            &rev,
            "auth-1",
            PendAuthorization {
                information_needed: "care plan".into(),
                expected_version: Some(1),
            },
            None,
            ts("2026-11-03T17:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(
        (rec.version, rec.status.as_str()),
        (2, "pended-for-information")
    );

    let t_deny = ts("2026-11-04T17:00:00Z");
    let rec = app
        .decide_authorization(
            &rev,
            "auth-1",
            DecideAuthorization {
                decision: DecisionInput::Deny {
                    reason: "POF 1a criteria not documented".into(),
                },
                notice_of_action: Some(Notice {
                    recipient: Recipient::Member,
                    purpose: NoticePurpose::NoticeOfAction,
                    channel: Channel::Mail,
                    content: "NOA template 12".into(),
                    sent_at: t_deny,
                    actor: ActorId::new("u-reviewer"),
                }),
                cs_limit_input: None,
                expected_version: Some(2),
            },
            None,
            t_deny,
        )
        .await
        .unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (3, "denied"));
    assert_eq!(rec.due_at, None, "a decided request leaves the queue");
    let decision = rec.state.decision.as_ref().unwrap();
    assert_eq!(
        decision.reason.as_deref(),
        Some("POF 1a criteria not documented")
    );

    let rec = app
        .file_appeal(
            &coordinator(),
            "auth-1",
            FileAppeal {
                appeal_id: "appeal-1".into(),
                expected_version: Some(3),
            },
            None,
            ts("2026-11-10T17:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(rec.version, 4);
    assert!(rec.state.appeal.is_some());

    let rec = app
        .resolve_appeal(
            &rev,
            "auth-1",
            ResolveAppeal {
                resolution: AppealResolution::Overturned {
                    start: "2026-12-01".parse().unwrap(),
                    through: None,
                    units: None,
                },
                notice: None,
                expected_version: Some(4),
            },
            None,
            ts("2026-11-20T17:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (5, "approved"));
    assert!(rec.state.approved_after_appeal());

    // One stored event per change, in version order, with the domain events inside.
    let events = app
        .store()
        .events_for("authorization", "auth-1")
        .await
        .unwrap();
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "received",
            "pended-for-information",
            "decided",
            "appeal-filed",
            "appeal-resolved"
        ]
    );
    assert_eq!(
        events[2].body["events"].as_array().unwrap().len(),
        2,
        "decided + notice"
    );

    // Reading it back is audited; every change was audited.
    let read = app
        .get_authorization(&prov, "auth-1", ts("2026-11-21T17:00:00Z"))
        .await
        .unwrap();
    assert_eq!(read, rec);
    let actions: Vec<String> = audit_lines(app.store(), "authorization", "auth-1")
        .await
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert_eq!(
        actions,
        [
            "submit-authorization",
            "pend-authorization",
            "decide-authorization",
            "file-appeal",
            "resolve-appeal",
            "read"
        ]
    );
}

/// received → eligibility reviewed → assigned → declined → assigned again → accepted → closed.
pub async fn referral_flow_to_closure<S: Store>(store: S) {
    let app = app(store);
    let refr = referrer("org-ref-1");
    let coord = coordinator();
    let t = |h: u32| ts(&format!("2026-11-02T{h:02}:00:00Z"));
    let rec = app
        .create_referral(&refr, referral("ref-1", "mem-2"), Some("k-ref"), t(10))
        .await
        .unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (1, "received"));
    assert_eq!(rec.owners.referrer_org_id.as_deref(), Some("org-ref-1"));

    app.review_referral_eligibility(
        &coord,
        "ref-1",
        ReviewReferralEligibility {
            eligible: true,
            determination_id: Some("det-1".into()),
            expected_version: None,
        },
        None,
        t(11),
    )
    .await
    .unwrap();
    assert!(!app.store().has_access("org-ecm-b", "mem-2").await.unwrap());
    let assign = |org: &str| AssignReferral {
        provider_org_id: org.into(),
        expected_version: None,
    };
    app.assign_referral(&coord, "ref-1", assign("org-ecm-b"), None, t(12))
        .await
        .unwrap();
    assert!(app.store().has_access("org-ecm-b", "mem-2").await.unwrap());

    let rec = app
        .decline_referral(
            &provider("org-ecm-b"),
            "ref-1",
            DeclineReferral {
                reason: "caseload full".into(),
                expected_version: None,
            },
            None,
            t(13),
        )
        .await
        .unwrap();
    assert_eq!(rec.status, "declined-by-provider");
    app.assign_referral(&coord, "ref-1", assign("org-ecm-c"), None, t(14))
        .await
        .unwrap();
    // The provider that declined is no longer the assignee.
    let err = app
        .accept_referral(
            &provider("org-ecm-b"),
            "ref-1",
            AcceptReferral {
                expected_version: None,
            },
            None,
            t(15),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    let rec = app
        .accept_referral(
            &provider("org-ecm-c"),
            "ref-1",
            AcceptReferral {
                expected_version: None,
            },
            None,
            t(15),
        )
        .await
        .unwrap();
    assert_eq!(rec.status, "accepted-by-provider");
    let rec = app
        .close_referral(
            &coord,
            "ref-1",
            CloseReferral {
                reason: "member-declined".into(),
                note: None,
                expected_version: Some(rec.version),
            },
            None,
            t(16),
        )
        .await
        .unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (7, "closed"));
    let closure = rec.state.closure.as_ref().unwrap();
    assert_eq!(closure.reason, "member-declined");
    assert_eq!(
        app.store()
            .events_for("referral", "ref-1")
            .await
            .unwrap()
            .len(),
        7
    );
    // The referrer reads its own referral.
    let read = app.get_referral(&refr, "ref-1", t(17)).await.unwrap();
    assert_eq!(read.status, "closed");
}

/// Another provider organization gets NotFound on read and on write, exactly like a missing
/// record, and both attempts are in the audit log; nothing changes.
pub async fn other_provider_gets_not_found_and_is_audited<S: Store>(store: S) {
    let app = app(store);
    let t0 = ts("2026-11-02T17:00:00Z");
    app.submit_authorization(
        &provider("org-ecm-a"),
        submission("auth-x", "mem-x"),
        None,
        t0,
    )
    .await
    .unwrap();
    let other = provider("org-ecm-z");
    let err = app
        .get_authorization(&other, "auth-x", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let missing = app
        .get_authorization(&other, "auth-none", t0)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string().replace("auth-x", "?"),
        missing.to_string().replace("auth-none", "?")
    );
    let err = app
        .file_appeal(
            &other,
            "auth-x",
            FileAppeal {
                appeal_id: "a".into(),
                expected_version: None,
            },
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    assert_eq!(err.http_status(), 404);
    // A plan reviewer of another plan does not see it either.
    let other_plan = Actor::new(
        "u-rev-2",
        "org-plan-other",
        OrgKind::Plan,
        vec![Role::PlanUmReviewer],
    )
    .unwrap();
    let err = app
        .get_authorization(&other_plan, "auth-x", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");

    let lines = audit_lines(app.store(), "authorization", "auth-x").await;
    let denied: Vec<(&str, &str, &str)> = lines
        .iter()
        .filter(|l| l.action.ends_with("-denied"))
        .map(|l| (l.actor.as_str(), l.org_id.as_str(), l.action.as_str()))
        .collect();
    assert_eq!(
        denied,
        [
            ("u-cm-org-ecm-z", "org-ecm-z", "read-denied"),
            ("u-cm-org-ecm-z", "org-ecm-z", "file-appeal-denied"),
            ("u-rev-2", "org-plan-other", "read-denied"),
        ]
    );
    let stored = app
        .store()
        .get("authorization", "auth-x")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 1);

    // A role that may not act at all is Forbidden, whatever the record, and audited.
    let err = app
        .pend_authorization(
            &provider("org-ecm-a"),
            "auth-x",
            PendAuthorization {
                information_needed: "x".into(),
                expected_version: None,
            },
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    let lines = audit_lines(app.store(), "authorization", "auth-x").await;
    assert!(
        lines
            .iter()
            .any(|l| l.action == "pend-authorization-forbidden")
    );

    // The queue: the owning plan and the requesting provider see it, another provider does not.
    let query = AuthorizationQueueQuery {
        at_risk_only: false,
        plan_id: None,
        county: None,
        limit: 50,
        after: None,
    };
    let ids = |page: careloop_app::authorization::AuthorizationQueuePage| {
        page.items
            .into_iter()
            .map(|i| i.record.id)
            .collect::<Vec<_>>()
    };
    let plan_page = app
        .authorization_queue(&reviewer(), query.clone(), t0)
        .await
        .unwrap();
    assert_eq!(ids(plan_page), ["auth-x"]);
    let own = app
        .authorization_queue(&provider("org-ecm-a"), query.clone(), t0)
        .await
        .unwrap();
    assert_eq!(ids(own), ["auth-x"]);
    let foreign = app
        .authorization_queue(&other, query.clone(), t0)
        .await
        .unwrap();
    assert!(ids(foreign).is_empty());
    let err = app
        .authorization_queue(&referrer("org-ref-1"), query, t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
}

/// A referrer sees only its own referrals; the owning plan sees all of them.
pub async fn referrer_sees_only_own_referrals<S: Store>(store: S) {
    let app = app(store);
    let t0 = ts("2026-11-02T17:00:00Z");
    let (a, b) = (referrer("org-ref-a"), referrer("org-ref-b"));
    app.create_referral(&a, referral("ref-a", "mem-a"), None, t0)
        .await
        .unwrap();
    app.create_referral(&b, referral("ref-b", "mem-b"), None, t0)
        .await
        .unwrap();
    assert_eq!(app.get_referral(&a, "ref-a", t0).await.unwrap().id, "ref-a");
    let err = app.get_referral(&a, "ref-b", t0).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let err = app.get_referral(&b, "ref-a", t0).await.unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    assert_eq!(
        app.get_referral(&coordinator(), "ref-b", t0)
            .await
            .unwrap()
            .id,
        "ref-b"
    );
    // Referrers may not act on a referral after creating it.
    let err = app
        .close_referral(
            &a,
            "ref-a",
            CloseReferral {
                reason: "duplicate-referral".into(),
                note: None,
                expected_version: None,
            },
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    let denied = audit_lines(app.store(), "referral", "ref-b").await;
    assert!(
        denied
            .iter()
            .any(|l| l.actor == "u-ref-org-ref-a" && l.action == "read-denied")
    );
}

/// A retried POST with the same Idempotency-Key returns the same record and writes nothing; the
/// same key with another body is an IdempotencyMismatch.
pub async fn idempotent_retry_returns_same_record_and_writes_nothing<S: Store>(store: S) {
    let app = app(store);
    let prov = provider("org-ecm-a");
    let t0 = ts("2026-11-02T17:00:00Z");
    let first = app
        .submit_authorization(&prov, submission("auth-i", "mem-i"), Some("key-1"), t0)
        .await
        .unwrap();
    let events = app.store().events_since(0, 10_000).await.unwrap().len();
    let audit = audit_lines(app.store(), "authorization", "auth-i")
        .await
        .len();
    let retry = app
        .submit_authorization(
            &prov,
            submission("auth-i", "mem-i"),
            Some("key-1"),
            ts("2026-11-02T17:05:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(retry, first);
    assert_eq!(
        app.store().events_since(0, 10_000).await.unwrap().len(),
        events
    );
    assert_eq!(
        audit_lines(app.store(), "authorization", "auth-i")
            .await
            .len(),
        audit
    );

    let err = app
        .submit_authorization(&prov, submission("auth-j", "mem-i"), Some("key-1"), t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::IdempotencyMismatch { .. }), "{err}");
    assert!(
        app.store()
            .get("authorization", "auth-j")
            .await
            .unwrap()
            .is_none()
    );

    // A retried transition replays too, instead of failing as a second pend.
    let pend = || PendAuthorization {
        information_needed: "care plan".into(),
        expected_version: Some(1),
    };
    let rev = reviewer();
    let p1 = app
        .pend_authorization(&rev, "auth-i", pend(), Some("key-p"), t0)
        .await
        .unwrap();
    let p2 = app
        .pend_authorization(&rev, "auth-i", pend(), Some("key-p"), t0)
        .await
        .unwrap();
    assert_eq!(p1, p2);
    assert_eq!(
        app.store()
            .events_for("authorization", "auth-i")
            .await
            .unwrap()
            .len(),
        2
    );
}

/// An illegal transition is Invalid naming it and changes nothing; a stale version is Conflict.
pub async fn illegal_transition_is_invalid_and_changes_nothing<S: Store>(store: S) {
    let app = app(store);
    let t0 = ts("2026-11-02T17:00:00Z");
    let rec = app
        .submit_authorization(
            &provider("org-ecm-a"),
            submission("auth-t", "mem-t"),
            None,
            t0,
        )
        .await
        .unwrap();
    let events_before = app
        .store()
        .events_for("authorization", "auth-t")
        .await
        .unwrap()
        .len();
    // Appeal before any decision.
    let err = app
        .file_appeal(
            &coordinator(),
            "auth-t",
            FileAppeal {
                appeal_id: "a-1".into(),
                expected_version: None,
            },
            None,
            t0,
        )
        .await
        .unwrap_err();
    match &err {
        AppError::Invalid { field, problem } => {
            assert_eq!(*field, "transition");
            assert_eq!(problem, "cannot appeal a request that is received");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(err.http_status(), 422);
    // Deny without a reason names the field.
    let err = app
        .decide_authorization(
            &reviewer(),
            "auth-t",
            DecideAuthorization {
                decision: DecisionInput::Deny { reason: " ".into() },
                notice_of_action: None,
                cs_limit_input: None,
                expected_version: None,
            },
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Invalid { .. }), "{err}");
    let stored = app
        .store()
        .get("authorization", "auth-t")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, rec.version);
    assert_eq!(
        app.store()
            .events_for("authorization", "auth-t")
            .await
            .unwrap()
            .len(),
        events_before
    );

    // Optimistic concurrency: a stale expected_version is a Conflict, nothing written.
    let err = app
        .pend_authorization(
            &reviewer(),
            "auth-t",
            PendAuthorization {
                information_needed: "x".into(),
                expected_version: Some(7),
            },
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }), "{err}");
    assert_eq!(err.http_status(), 409);
    // Creating the same request id again is a Conflict from the store.
    let err = app
        .submit_authorization(
            &provider("org-ecm-a"),
            submission("auth-t", "mem-t"),
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }), "{err}");
    assert_eq!(
        app.store()
            .get("authorization", "auth-t")
            .await
            .unwrap()
            .unwrap()
            .version,
        1
    );
}

#[macro_export]
macro_rules! app_scenarios {
    ($runner:ident) => {
        $runner!(
            authorization_flow_submit_pend_deny_appeal_overturn,
            referral_flow_to_closure,
            other_provider_gets_not_found_and_is_audited,
            referrer_sees_only_own_referrals,
            idempotent_retry_returns_same_record_and_writes_nothing,
            illegal_transition_is_invalid_and_changes_nothing,
        );
    };
}
