//! Access: other organizations get NotFound, referrers see only their referrals; attempts are audited.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use careloop_app::checked;

/// Another provider organization gets NotFound on read and on write, exactly like a missing
/// record, and both attempts are in the audit log: in the caller's organization's log without the
/// member id, and in the owning plan's log with it; nothing changes.
pub async fn other_provider_gets_not_found_and_is_audited<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    hpsm_member(&app, "mem-x").await;
    give_member(&app, "mem-x", "org-ecm-a").await;
    let t0 = ts("2026-11-02T17:00:00Z");
    app.create(
        &provider("org-ecm-a"),
        "auth-x",
        submission("mem-x"),
        None,
        t0,
    )
    .await
    .unwrap();
    let other = provider("org-ecm-z");
    let err = app
        .get::<AuthorizationAggregate>(&other, "auth-x", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let missing = app
        .get::<AuthorizationAggregate>(&other, "auth-none", t0)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string().replace("auth-x", "?"),
        missing.to_string().replace("auth-none", "?")
    );
    let err = app
        .change(
            &other,
            "auth-x",
            FileAppeal {
                appeal_id: checked("appeal_id", "a").unwrap(),
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
        .get::<AuthorizationAggregate>(&other_plan, "auth-x", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");

    let lines = audit_lines(app.store(), "authorization", "auth-x").await;
    type Line<'a> = (&'a str, &'a str, &'a str, Option<&'a str>, Option<&'a str>);
    let denied: Vec<Line<'_>> = lines
        .iter()
        .filter(|l| l.action.ends_with("-denied"))
        .map(|l| {
            (
                l.actor.as_str(),
                l.org_id.as_str(),
                l.action.as_str(),
                l.member_id.as_deref(),
                l.actor_org_id.as_deref(),
            )
        })
        .collect();
    // Issue #12: the member id is not the caller's to know, so the caller's line omits it; the
    // owning plan's line carries it, and both name the caller's organization.
    let z = Some("org-ecm-z");
    let other_plan_org = Some("org-plan-other");
    assert_eq!(
        denied,
        [
            ("u-cm-org-ecm-z", "org-ecm-z", "read-denied", None, z),
            ("u-cm-org-ecm-z", PLAN, "read-denied", Some("mem-x"), z),
            ("u-cm-org-ecm-z", "org-ecm-z", "file-appeal-denied", None, z),
            (
                "u-cm-org-ecm-z",
                PLAN,
                "file-appeal-denied",
                Some("mem-x"),
                z
            ),
            (
                "u-rev-2",
                "org-plan-other",
                "read-denied",
                None,
                other_plan_org
            ),
            (
                "u-rev-2",
                PLAN,
                "read-denied",
                Some("mem-x"),
                other_plan_org
            ),
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
        .change(
            &provider("org-ecm-a"),
            "auth-x",
            PendAuthorization {
                information_needed: checked("information_needed", "x").unwrap(),
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
    world(&app).await;
    hpsm_member(&app, "mem-a").await;
    hpsm_member(&app, "mem-b").await;
    let t0 = ts("2026-11-02T17:00:00Z");
    let (a, b) = (referrer("org-ref-a"), referrer("org-ref-b"));
    // Each referring entity refers as itself (referrer.id is its own organization or empty).
    let as_referrer = |member: &str, org: &str| {
        let mut input = referral(member);
        input.referrer.id = Some(org.into());
        input
    };
    app.create(&a, "ref-a", as_referrer("mem-a", "org-ref-a"), None, t0)
        .await
        .unwrap();
    app.create(&b, "ref-b", as_referrer("mem-b", "org-ref-b"), None, t0)
        .await
        .unwrap();
    assert_eq!(
        app.get::<ReferralAggregate>(&a, "ref-a", t0)
            .await
            .unwrap()
            .id,
        "ref-a"
    );
    let err = app
        .get::<ReferralAggregate>(&a, "ref-b", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let err = app
        .get::<ReferralAggregate>(&b, "ref-a", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    assert_eq!(
        app.get::<ReferralAggregate>(&coordinator(), "ref-b", t0)
            .await
            .unwrap()
            .id,
        "ref-b"
    );
    // Referrers may not act on a referral after creating it.
    let err = app
        .change(
            &a,
            "ref-a",
            CloseReferral {
                reason: "duplicate-referral".into(),
                note: None,
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

/// A referrer picks the plan by name (issue #16): the plan organizations only, by name, with no
/// member data, for any signed-in user; the read is audited in the reader's organization's log.
pub async fn plan_organizations_list_plans_by_name_and_are_audited<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    let t0 = ts("2026-11-02T17:00:00Z");
    let plans = app
        .plan_organizations(&referrer("cbo-1"), t0)
        .await
        .unwrap();
    let mut ids: Vec<&str> = plans.iter().map(|p| p.org_id.as_str()).collect();
    assert!(plans.windows(2).all(|w| w[0].name <= w[1].name), "by name");
    ids.sort_unstable();
    assert_eq!(ids, [ALAMEDA_PLAN, PLAN], "plan organizations only");
    let hpsm = plans.iter().find(|p| p.org_id == PLAN).unwrap();
    assert_eq!(hpsm.plan.as_deref(), Some("hpsm"));
    let lines = audit_lines(app.store(), "organization", "plans").await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0].action, "read-plan-organizations");
    assert_eq!(lines[0].org_id, "cbo-1");
    assert_eq!(lines[0].member_id, None);
}
