//! Identity (organizations, users, Argon2id passwords, API tokens) and the audit-log query.
//! Argon2 hashes cost tens of milliseconds each: the scenarios keep their number small.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use careloop_app::identity::{NewOrganization, NewUser};
use careloop_app::{AuditQuery, IdentityListQuery, IdentityPage, Organization};

/// The first page of an identity list.
fn first() -> IdentityListQuery {
    IdentityListQuery::first(IdentityListQuery::MAX_LIMIT)
}

use super::*;

pub const PROVIDER_ORG: &str = "org-ecm-a";

pub fn plan_org() -> NewOrganization {
    Organization {
        id: PLAN.into(),
        name: "Synthetic Health Plan".into(),
        kind: OrgKind::Plan,
        plan: Some("hpsm".into()),
        counties: vec!["San Mateo".into()],
    }
}

pub fn provider_org() -> NewOrganization {
    Organization {
        id: PROVIDER_ORG.into(),
        name: "Synthetic ECM Provider".into(),
        kind: OrgKind::EcmProvider,
        plan: None,
        counties: vec!["San Mateo".into()],
    }
}

pub fn new_user(username: &str, org: &str, roles: Vec<Role>, password: &str) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: Some(format!("Synthetic {username}")),
        org_id: org.into(),
        roles,
        password: password.into(),
    }
}

pub fn plan_admin() -> Actor {
    Actor::new("u-plan-admin", PLAN, OrgKind::Plan, vec![Role::PlanAdmin]).unwrap()
}

pub fn provider_admin() -> Actor {
    Actor::new(
        "u-prov-admin",
        PROVIDER_ORG,
        OrgKind::EcmProvider,
        vec![Role::ProviderAdmin],
    )
    .unwrap()
}

fn unauthenticated<T: std::fmt::Debug>(r: Result<T, AppError>, what: &str) -> String {
    match r {
        Err(e @ AppError::Unauthenticated) => {
            assert_eq!(e.http_status(), 401);
            e.to_string()
        }
        other => panic!("{what}: expected Unauthenticated, got {other:?}"),
    }
}

/// Organizations are created once (same content again is a no-op); a password signs in as the
/// right actor, a wrong one or an unknown user does not (same message); a token signs in until
/// it expires; nothing stored in an event or returned carries the password hash.
pub async fn identity_password_and_token_round_trip<S: Store>(store: S) {
    let app = app(store);
    let t0 = ts("2026-11-02T17:00:00Z");
    let org = app.bootstrap_organization(plan_org(), t0).await.unwrap();
    assert_eq!(org, plan_org());
    assert_eq!(
        app.bootstrap_organization(plan_org(), t0).await.unwrap(),
        org,
        "same id and content: idempotent"
    );
    let mut renamed = plan_org();
    renamed.name = "Other name".into();
    assert!(matches!(
        app.bootstrap_organization(renamed, t0).await,
        Err(AppError::Invalid { field: "id", .. })
    ));
    let mut bad_plan = provider_org();
    bad_plan.kind = OrgKind::Plan;
    bad_plan.plan = Some("no-such-plan".into());
    assert!(matches!(
        app.bootstrap_organization(bad_plan, t0).await,
        Err(AppError::Invalid { field: "plan", .. })
    ));
    assert_eq!(
        app.store()
            .events_for("organization", PLAN)
            .await
            .unwrap()
            .len(),
        1
    );

    let view = app
        .add_user(
            new_user(
                "coord-1",
                PLAN,
                vec![Role::PlanCareCoordinator],
                "synthetic-pass-1",
            ),
            t0,
        )
        .await
        .unwrap();
    assert_eq!(
        (view.username.as_str(), view.org_id.as_str(), view.disabled),
        ("coord-1", PLAN, false)
    );
    let actor = app
        .authenticate_password("coord-1", "synthetic-pass-1", t0)
        .await
        .unwrap();
    assert_eq!(
        actor,
        Actor::new(
            "coord-1",
            PLAN,
            OrgKind::Plan,
            vec![Role::PlanCareCoordinator]
        )
        .unwrap()
    );
    let wrong = unauthenticated(
        app.authenticate_password("coord-1", "synthetic-pass-2", t0)
            .await,
        "wrong password",
    );
    let unknown = unauthenticated(
        app.authenticate_password("nobody", "synthetic-pass-1", t0)
            .await,
        "unknown user",
    );
    assert_eq!(
        wrong, unknown,
        "the message does not tell whether the user exists"
    );
    assert!(matches!(
        app.add_user(
            new_user("coord-1", PLAN, vec![Role::PlanAdmin], "synthetic-pass-3"),
            t0
        )
        .await,
        Err(AppError::Invalid {
            field: "username",
            ..
        })
    ));
    assert!(matches!(
        app.add_user(new_user("short", PLAN, vec![Role::PlanAdmin], "short"), t0)
            .await,
        Err(AppError::Invalid {
            field: "password",
            ..
        })
    ));

    // The stored hash is Argon2id; neither the event nor the view carries it.
    let stored = app.store().get("user", "coord-1").await.unwrap().unwrap();
    let hash = stored.body["password_hash"].as_str().unwrap().to_owned();
    assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    let events = app.store().events_for("user", "coord-1").await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event_type, "user-created");
    let event_text = events[0].body.to_string();
    assert!(!event_text.contains("argon2") && !event_text.contains("password"));
    let view_text = serde_json::to_string(&view).unwrap();
    assert!(!view_text.contains("argon2") && !view_text.contains("password"));
    let lines = audit_lines(app.store(), "user", "coord-1").await;
    assert_eq!(
        lines
            .iter()
            .map(|l| (l.actor.as_str(), l.action.as_str(), l.org_id.as_str()))
            .collect::<Vec<_>>(),
        [("system", "create-user", PLAN)]
    );

    // Tokens: shown once, stored as SHA-256 only, sign in until they expire.
    let token = app.create_token("coord-1", "laptop", t0).await.unwrap();
    assert!(token.token.starts_with("cl_") && token.token.len() == 67);
    assert_eq!(token.info.id.len(), 64);
    assert!(
        app.store()
            .get("api-token", &token.info.id)
            .await
            .unwrap()
            .is_some()
    );
    let stored_token = app
        .store()
        .get("api-token", &token.info.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!stored_token.body.to_string().contains(&token.token));
    let by_token = app
        .authenticate_token(&token.token, ts("2027-11-02T17:00:00Z"))
        .await
        .unwrap();
    assert_eq!(by_token, actor);
    let mut tampered = token.token.clone();
    tampered.pop();
    tampered.push(if token.token.ends_with('0') { '1' } else { '0' });
    unauthenticated(app.authenticate_token(&tampered, t0).await, "other token");
    unauthenticated(app.authenticate_token("", t0).await, "empty token");
    unauthenticated(
        app.authenticate_token("Bearer xyz", t0).await,
        "malformed token",
    );
    let expiring = app
        .create_token_expiring("coord-1", "ci", Some(ts("2026-11-03T17:00:00Z")), t0)
        .await
        .unwrap();
    assert_eq!(
        app.authenticate_token(&expiring.token, ts("2026-11-03T16:59:59Z"))
            .await
            .unwrap(),
        actor
    );
    unauthenticated(
        app.authenticate_token(&expiring.token, ts("2026-11-03T17:00:00Z"))
            .await,
        "expired token",
    );
    assert!(matches!(
        app.create_token("nobody", "x", t0).await,
        Err(AppError::Invalid {
            field: "username",
            ..
        })
    ));
}

/// Roles must fit the organization kind; admins create users in their own organization only;
/// a disabled user can neither sign in nor use a token; admins list their own users; a plan
/// admin lists every organization, a provider admin its own.
pub async fn identity_admins_roles_and_disabled_users<S: Store>(store: S) {
    let app = app(store);
    let t0 = ts("2026-11-02T17:00:00Z");
    app.bootstrap_organization(plan_org(), t0).await.unwrap();
    app.bootstrap_organization(provider_org(), t0)
        .await
        .unwrap();
    let padmin = provider_admin();

    // Roles that do not exist in a provider organization are refused before any hashing.
    let err = app
        .create_user(
            &padmin,
            new_user(
                "cm-x",
                PROVIDER_ORG,
                vec![Role::PlanUmReviewer],
                "synthetic-pass-1",
            ),
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Invalid { field: "roles", .. }),
        "{err}"
    );
    // Another organization's users are not a provider admin's to create.
    let err = app
        .create_user(
            &padmin,
            new_user(
                "coord-x",
                PLAN,
                vec![Role::PlanCareCoordinator],
                "synthetic-pass-1",
            ),
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    // A care manager is not an admin.
    let err = app
        .create_user(
            &provider(PROVIDER_ORG),
            new_user(
                "cm-y",
                PROVIDER_ORG,
                vec![Role::ProviderCareManager],
                "synthetic-pass-1",
            ),
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    assert!(app.store().get("user", "cm-y").await.unwrap().is_none());

    let created = app
        .create_user(
            &padmin,
            new_user(
                "cm-1",
                PROVIDER_ORG,
                vec![Role::ProviderCareManager],
                "synthetic-pass-1",
            ),
            Some("k-user"),
            t0,
        )
        .await
        .unwrap();
    assert_eq!(created.org_id, PROVIDER_ORG);
    // A retry with the same key replays without hashing or writing again.
    let replay = app
        .create_user(
            &padmin,
            new_user(
                "cm-1",
                PROVIDER_ORG,
                vec![Role::ProviderCareManager],
                "synthetic-pass-1",
            ),
            Some("k-user"),
            t0,
        )
        .await
        .unwrap();
    assert_eq!(replay, created);
    assert_eq!(
        app.store().events_for("user", "cm-1").await.unwrap().len(),
        1
    );
    let token = app.create_token("cm-1", "tablet", t0).await.unwrap();
    assert_eq!(
        app.authenticate_token(&token.token, t0)
            .await
            .unwrap()
            .org_id,
        PROVIDER_ORG
    );

    let users = app.list_users(&padmin, first(), t0).await.unwrap();
    assert_eq!(users.next, None);
    assert_eq!(
        users
            .items
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>(),
        ["cm-1"]
    );
    assert!(
        app.list_users(&plan_admin(), first(), t0)
            .await
            .unwrap()
            .items
            .is_empty()
    );

    // The plan admin may not disable another organization's user: NotFound, audited.
    let err = app
        .set_user_disabled(&plan_admin(), "cm-1", true, t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    assert_eq!(
        app.active_actor("cm-1").await.unwrap().map(|a| a.user_id),
        Some("cm-1".to_owned())
    );
    assert!(app.active_actor("nobody").await.unwrap().is_none());
    let disabled = app
        .set_user_disabled(&padmin, "cm-1", true, ts("2026-11-02T18:00:00Z"))
        .await
        .unwrap();
    assert!(disabled.disabled);
    unauthenticated(
        app.authenticate_password("cm-1", "synthetic-pass-1", t0)
            .await,
        "disabled user, right password",
    );
    unauthenticated(
        app.authenticate_token(&token.token, t0).await,
        "disabled user's token",
    );
    assert!(
        app.active_actor("cm-1").await.unwrap().is_none(),
        "disabled user"
    );
    assert!(matches!(
        app.create_token("cm-1", "another", t0).await,
        Err(AppError::Invalid { .. })
    ));
    let events: Vec<_> = app
        .store()
        .events_for("user", "cm-1")
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(events, ["user-created", "user-disabled"]);
    // The refused attempt by another organization's admin is in its own log (no member) and in
    // the user's organization's log (issue #12, defect 9).
    let actions: Vec<_> = audit_lines(app.store(), "user", "cm-1")
        .await
        .into_iter()
        .map(|l| (l.action, l.org_id))
        .collect();
    let denied = |org: &str| ("manage-users-denied".to_owned(), org.to_owned());
    assert_eq!(actions.len(), 4, "{actions:?}");
    assert_eq!(actions[0].0, "create-user");
    assert!(actions.contains(&denied(PROVIDER_ORG)), "{actions:?}");
    assert_eq!(actions[3].0, "disable-user");

    let all = app
        .list_organizations(&plan_admin(), first(), t0)
        .await
        .unwrap();
    let ids =
        |p: &IdentityPage<Organization>| p.items.iter().map(|o| o.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&all), [PROVIDER_ORG, PLAN]);
    assert_eq!(all.next, None);
    // Pages of one: every organization once, `next` only while more follow.
    let one = app
        .list_organizations(&plan_admin(), IdentityListQuery::first(1), t0)
        .await
        .unwrap();
    assert_eq!(
        (ids(&one), one.next.as_deref()),
        (vec![PROVIDER_ORG.to_owned()], Some(PROVIDER_ORG))
    );
    let rest = app
        .list_organizations(
            &plan_admin(),
            IdentityListQuery {
                limit: 1,
                after: one.next,
            },
            t0,
        )
        .await
        .unwrap();
    assert_eq!((ids(&rest), rest.next), (vec![PLAN.to_owned()], None));
    let own = app.list_organizations(&padmin, first(), t0).await.unwrap();
    assert_eq!(ids(&own), [PROVIDER_ORG]);
    assert_eq!(
        app.own_organization(&padmin).await.unwrap().map(|o| o.id),
        Some(PROVIDER_ORG.to_owned())
    );
    assert!(matches!(
        app.list_organizations(&coordinator(), first(), t0).await,
        Err(AppError::Forbidden { .. })
    ));
    for limit in [0, IdentityListQuery::MAX_LIMIT + 1] {
        assert!(matches!(
            app.list_users(&padmin, IdentityListQuery::first(limit), t0)
                .await,
            Err(AppError::Invalid { field: "limit", .. })
        ));
    }
}

/// A plan admin reads the lines written by its organization's users and the lines about
/// members its plan owns records for, not another plan's; the read is audited. A provider admin
/// reads its own organization's log (issue #12); other roles are Forbidden.
pub async fn audit_log_visibility_for_plan_admins<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    hpsm_member(&app, "mem-1").await;
    alameda_member(&app, "mem-2").await;
    let t0 = ts("2026-11-02T17:00:00Z");
    let coord = coordinator();
    app.create(&coord, "ref-1", referral("mem-1"), None, t0)
        .await
        .unwrap();
    // Another plan's referral about its own member.
    app.create(
        &alameda_coordinator(),
        "ref-2",
        alameda_referral("mem-2"),
        None,
        t0,
    )
    .await
    .unwrap();
    // A provider of another org tries ref-1 (about our member) and ref-2 (not ours).
    let prov = provider("org-ecm-z");
    assert!(
        app.get::<ReferralAggregate>(&prov, "ref-1", t0)
            .await
            .is_err()
    );
    assert!(
        app.get::<ReferralAggregate>(&prov, "ref-2", t0)
            .await
            .is_err()
    );

    let admin = plan_admin();
    let page = app
        .audit_log(
            &admin,
            AuditQuery {
                limit: 100,
                ..AuditQuery::default()
            },
            t0,
        )
        .await
        .unwrap();
    let seen: Vec<_> = page
        .items
        .iter()
        .map(|l| (l.actor.as_str(), l.action.as_str(), l.record_id.as_str()))
        .collect();
    // The plan organization's creation and the member's registration (the fixtures), the
    // referral, and the provider's attempt on it (written to the owning plan's log, issue #12).
    assert_eq!(
        seen,
        [
            ("system", "create-organization", PLAN),
            ("u-coord", "register-member", "mem-1"),
            ("u-coord", "create-referral", "ref-1"),
            ("u-cm-org-ecm-z", "read-denied", "ref-1"),
        ]
    );
    assert_eq!(page.next_after_seq, None);
    assert_eq!(page.items[3].member_id.as_deref(), Some("mem-1"));
    assert_eq!(page.items[3].actor_org_id.as_deref(), Some("org-ecm-z"));

    // Paging and the member filter.
    let first = app
        .audit_log(
            &admin,
            AuditQuery {
                limit: 3,
                ..AuditQuery::default()
            },
            t0,
        )
        .await
        .unwrap();
    assert_eq!(first.items.len(), 3);
    let next = first
        .next_after_seq
        .expect("a full page has a next position");
    let rest = app
        .audit_log(
            &admin,
            AuditQuery {
                after_seq: next,
                member_id: Some("mem-1".into()),
                limit: 100,
                ..AuditQuery::default()
            },
            t0,
        )
        .await
        .unwrap();
    assert_eq!(
        rest.items
            .iter()
            .map(|l| l.action.as_str())
            .collect::<Vec<_>>(),
        ["read-denied"]
    );

    // Each query was audited, under the admin's organization (so the admin sees it).
    let reads = app
        .audit_log(
            &admin,
            AuditQuery {
                record_kind: Some("audit-log".into()),
                limit: 100,
                ..AuditQuery::default()
            },
            t0,
        )
        .await
        .unwrap();
    assert_eq!(reads.items.len(), 3);
    assert!(
        reads
            .items
            .iter()
            .all(|l| l.actor == "u-plan-admin" && l.action == "read-audit-log")
    );
    assert_eq!(reads.items[2].member_id.as_deref(), Some("mem-1"));

    // The other plan's admin sees its own lines and the lines about its member only.
    let other_admin = Actor::new(
        "u-admin-2",
        ALAMEDA_PLAN,
        OrgKind::Plan,
        vec![Role::PlanAdmin],
    )
    .unwrap();
    let theirs = app
        .audit_log(
            &other_admin,
            AuditQuery {
                limit: 100,
                ..AuditQuery::default()
            },
            t0,
        )
        .await
        .unwrap();
    assert_eq!(
        theirs
            .items
            .iter()
            .map(|l| l.record_id.as_str())
            .collect::<Vec<_>>(),
        [ALAMEDA_PLAN, "mem-2", "ref-2", "ref-2"]
    );

    // Issue #12: a provider admin reads its own organization's log: its users' attempts, without
    // the member ids (those are in the owning plans' logs), and nothing of the plans' own lines.
    let prying_admin = Actor::new(
        "u-prov-admin-z",
        "org-ecm-z",
        OrgKind::EcmProvider,
        vec![Role::ProviderAdmin],
    )
    .unwrap();
    let own = app
        .audit_log(
            &prying_admin,
            AuditQuery {
                limit: 100,
                ..AuditQuery::default()
            },
            t0,
        )
        .await
        .unwrap();
    assert_eq!(
        own.items
            .iter()
            .map(|l| (
                l.actor.as_str(),
                l.org_id.as_str(),
                l.action.as_str(),
                l.record_id.as_str(),
                l.member_id.as_deref()
            ))
            .collect::<Vec<_>>(),
        [
            ("u-cm-org-ecm-z", "org-ecm-z", "read-denied", "ref-1", None),
            ("u-cm-org-ecm-z", "org-ecm-z", "read-denied", "ref-2", None),
        ]
    );
    // The provider admin of org-ecm-a sees its organization's creation only.
    let theirs = app
        .audit_log(
            &provider_admin(),
            AuditQuery {
                limit: 100,
                ..AuditQuery::default()
            },
            t0,
        )
        .await
        .unwrap();
    assert_eq!(
        theirs
            .items
            .iter()
            .map(|l| (l.action.as_str(), l.record_id.as_str()))
            .collect::<Vec<_>>(),
        [("create-organization", PROVIDER_ORG)]
    );

    // Not for coordinators; the refusal is audited (before issue #12 provider admins were
    // refused too).
    let err = app
        .audit_log(
            &coord,
            AuditQuery {
                limit: 10,
                ..AuditQuery::default()
            },
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    let refused = app
        .store()
        .audit(&AuditFilter {
            record_kind: Some("audit-log".into()),
            limit: 100,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        refused
            .iter()
            .filter(|l| l.action == "read-audit-log-forbidden")
            .count(),
        1
    );
}
