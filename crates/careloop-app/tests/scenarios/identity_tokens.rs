//! Identity, issue #12: concurrent user creation under one Idempotency-Key, token listing and
//! revocation, token expiry, tokens of a disabled user, password rules and the last admin.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use super::*;
use careloop_app::IdentityListQuery;

/// Concurrent retries of one `create_user` (same key, same body) all answer the first 201's
/// user; the same key with another body is an IdempotencyMismatch, never "already taken".
pub async fn identity_concurrent_create_user_retries_replay<S: Store + 'static>(store: S) {
    let app = Arc::new(app(store));
    let t0 = ts("2026-11-02T17:00:00Z");
    app.bootstrap_organization(provider_org(), t0)
        .await
        .unwrap();
    // Several rounds: the race needs a retry to look up the key just before the first commits.
    for round in 0..3 {
        let mut tasks = Vec::new();
        for _ in 0..24 {
            let app = app.clone();
            let (username, key) = (format!("cm-c{round}"), format!("k-same-{round}"));
            tasks.push(tokio::spawn(async move {
                app.create_user(
                    &provider_admin(),
                    new_user(
                        &username,
                        PROVIDER_ORG,
                        vec![Role::ProviderCareManager],
                        "Synthetic-Pass-7781",
                    ),
                    Some(&key),
                    t0,
                )
                .await
            }));
        }
        let mut views = Vec::new();
        for task in tasks {
            match task.await.unwrap() {
                Ok(v) => views.push(v),
                Err(e) => panic!("a retry with the same key and body must replay, got {e:?}"),
            }
        }
        assert_eq!(views.len(), 24);
        assert!(views.iter().all(|v| v == &views[0]), "{views:?}");
        assert_eq!(
            app.store()
                .events_for("user", &format!("cm-c{round}"))
                .await
                .unwrap()
                .len(),
            1
        );
    }

    // Same key, two bodies at once: one wins; its retries replay, the other body is a mismatch.
    let mut tasks = Vec::new();
    for n in 0..6 {
        let app = app.clone();
        let username = if n % 2 == 0 { "cm-d" } else { "cm-e" };
        tasks.push(tokio::spawn(async move {
            let r = app
                .create_user(
                    &provider_admin(),
                    new_user(
                        username,
                        PROVIDER_ORG,
                        vec![Role::ProviderCareManager],
                        "Synthetic-Pass-7781",
                    ),
                    Some("k-two-bodies"),
                    t0,
                )
                .await;
            (username, r)
        }));
    }
    let mut winners = Vec::new();
    let mut mismatched = Vec::new();
    for task in tasks {
        match task.await.unwrap() {
            (u, Ok(v)) => {
                assert_eq!(v.username, u);
                winners.push(u);
            }
            (u, Err(AppError::IdempotencyMismatch { .. })) => mismatched.push(u),
            (_, Err(e)) => panic!("expected a replay or an IdempotencyMismatch, got {e:?}"),
        }
    }
    assert_eq!(
        winners.len(),
        3,
        "winners {winners:?} mismatched {mismatched:?}"
    );
    assert!(winners.iter().all(|u| *u == winners[0]));
    assert!(mismatched.iter().all(|u| *u != winners[0]));
    let loser = if winners[0] == "cm-d" { "cm-e" } else { "cm-d" };
    assert!(app.store().get("user", loser).await.unwrap().is_none());

    // Sequentially, after the fact: same key with another body is still a mismatch.
    let err = app
        .create_user(
            &provider_admin(),
            new_user(
                "cm-f",
                PROVIDER_ORG,
                vec![Role::ProviderCareManager],
                "Synthetic-Pass-7781",
            ),
            Some("k-same-0"),
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::IdempotencyMismatch { .. }), "{err}");
}

/// The first page of a token list, as large as a page may be.
fn all() -> IdentityListQuery {
    IdentityListQuery::first(IdentityListQuery::MAX_LIMIT)
}

/// Every token id of `username`'s list (`None`: the caller's view) read in pages of `limit`,
/// and the number of pages read; `next` must be absent exactly on the last page.
async fn token_pages<S: Store>(
    app: &App<S>,
    actor: &Actor,
    username: Option<&str>,
    limit: u32,
    t0: Timestamp,
) -> (Vec<String>, usize) {
    let (mut ids, mut pages, mut after) = (Vec::new(), 0, None);
    loop {
        let page = app
            .list_tokens(actor, username, IdentityListQuery { limit, after }, t0)
            .await
            .unwrap();
        pages += 1;
        assert!(page.items.len() <= limit as usize);
        ids.extend(page.items.iter().map(|t| t.id.clone()));
        match page.next {
            Some(next) => {
                assert_eq!(
                    page.items.len(),
                    limit as usize,
                    "only the last page is short"
                );
                assert_eq!(Some(&next), ids.last(), "next is the last id shown");
                after = Some(next);
            }
            None => return (ids, pages),
        }
    }
}

fn stored_actor(username: &str, role: Role) -> Actor {
    Actor::new(username, PROVIDER_ORG, OrgKind::EcmProvider, vec![role]).unwrap()
}

fn password_problem(r: Result<careloop_app::UserView, AppError>) -> String {
    match r {
        Err(AppError::Invalid {
            field: "password",
            problem,
        }) => problem,
        other => panic!("expected Invalid password, got {other:?}"),
    }
}

/// A password equal to the username, containing it, or on the common list is refused, naming
/// the field and the rule; through the system path and an admin's create alike.
pub async fn identity_password_rules_refuse_username_and_common_passwords<S: Store>(store: S) {
    let app = app(store);
    let t0 = ts("2026-11-02T17:00:00Z");
    app.bootstrap_organization(provider_org(), t0)
        .await
        .unwrap();
    let cm = vec![Role::ProviderCareManager];
    let p = password_problem(
        app.add_user(
            new_user("nurse-ann-0001", PROVIDER_ORG, cm.clone(), "NURSE-ANN-0001"),
            t0,
        )
        .await,
    );
    assert!(p.contains("must not be the username"), "{p}");
    let p = password_problem(
        app.add_user(
            new_user("nurse-ann", PROVIDER_ORG, cm.clone(), "hello-Nurse-Ann-77"),
            t0,
        )
        .await,
    );
    assert!(p.contains("must not contain the username"), "{p}");
    for common in [
        "password1234",
        "123456789012",
        "qwertyuiop12",
        "Welcome2026!",
    ] {
        let p = password_problem(
            app.create_user(
                &provider_admin(),
                new_user("nurse-bo", PROVIDER_ORG, cm.clone(), common),
                None,
                t0,
            )
            .await,
        );
        assert!(p.contains("common password"), "{common}: {p}");
    }
    assert!(
        app.store()
            .get("user", "nurse-ann")
            .await
            .unwrap()
            .is_none()
    );
    app.add_user(
        new_user("nurse-ann", PROVIDER_ORG, cm, "violet-harbor-lantern-42"),
        t0,
    )
    .await
    .unwrap();
}

/// An organization's only enabled admin cannot disable itself, nor be disabled by anyone:
/// the refusal names the rule. With a second enabled admin it can.
pub async fn identity_only_enabled_admin_cannot_be_disabled<S: Store>(store: S) {
    let app = app(store);
    let t0 = ts("2026-11-02T17:00:00Z");
    app.bootstrap_organization(provider_org(), t0)
        .await
        .unwrap();
    for (name, role) in [
        ("admin-a", Role::ProviderAdmin),
        ("admin-b", Role::ProviderAdmin),
        ("cm-1", Role::ProviderCareManager),
    ] {
        app.add_user(
            new_user(name, PROVIDER_ORG, vec![role], "violet-harbor-lantern-42"),
            t0,
        )
        .await
        .unwrap();
    }
    let a = stored_actor("admin-a", Role::ProviderAdmin);
    let b = stored_actor("admin-b", Role::ProviderAdmin);
    // Two admins: one may disable the other, and a care manager can be disabled any time.
    app.set_user_disabled(&a, "cm-1", true, t0).await.unwrap();
    app.set_user_disabled(&a, "admin-b", true, t0)
        .await
        .unwrap();
    // admin-a is now the only enabled admin: disabling itself is refused, naming the rule.
    let err = app
        .set_user_disabled(&a, "admin-a", true, t0)
        .await
        .unwrap_err();
    match &err {
        AppError::Invalid {
            field: "username",
            problem,
        } => assert!(
            problem.contains("only enabled admin")
                && problem.contains("at least one enabled admin"),
            "{problem}"
        ),
        other => panic!("expected the last-admin rule, got {other:?}"),
    }
    assert_eq!(err.http_status(), 422);
    assert!(app.active_actor("admin-a").await.unwrap().is_some());
    // Re-enable admin-b: now admin-b may disable admin-a, and then admin-b is the last one.
    app.set_user_disabled(&a, "admin-b", false, t0)
        .await
        .unwrap();
    app.set_user_disabled(&b, "admin-a", true, t0)
        .await
        .unwrap();
    assert!(matches!(
        app.set_user_disabled(&b, "admin-b", true, t0).await,
        Err(AppError::Invalid {
            field: "username",
            ..
        })
    ));
}

/// Disabling a user revokes its tokens for good: re-enabling does not revive them.
pub async fn identity_reenabled_user_does_not_get_old_tokens_back<S: Store>(store: S) {
    let app = app(store);
    let t0 = ts("2026-11-02T17:00:00Z");
    app.bootstrap_organization(provider_org(), t0)
        .await
        .unwrap();
    app.add_user(
        new_user(
            "cm-1",
            PROVIDER_ORG,
            vec![Role::ProviderCareManager],
            "violet-harbor-lantern-42",
        ),
        t0,
    )
    .await
    .unwrap();
    let old = app.create_token("cm-1", "laptop", t0).await.unwrap();
    assert_eq!(
        app.authenticate_token(&old.token, t0)
            .await
            .unwrap()
            .user_id,
        "cm-1"
    );
    let padmin = provider_admin();
    app.set_user_disabled(&padmin, "cm-1", true, ts("2026-11-02T17:01:00Z"))
        .await
        .unwrap();
    app.set_user_disabled(&padmin, "cm-1", false, ts("2026-11-02T17:02:00Z"))
        .await
        .unwrap();
    assert!(
        matches!(
            app.authenticate_token(&old.token, ts("2026-11-02T17:03:00Z"))
                .await,
            Err(AppError::Unauthenticated)
        ),
        "a token issued before the disable must stay dead after the re-enable"
    );
    // A token issued after the re-enable works.
    let new = app
        .create_token("cm-1", "laptop-2", ts("2026-11-02T17:03:00Z"))
        .await
        .unwrap();
    assert_eq!(
        app.authenticate_token(&new.token, ts("2026-11-02T17:04:00Z"))
            .await
            .unwrap()
            .user_id,
        "cm-1"
    );
}

/// A user creates, lists and revokes its own tokens; an admin those of its organization's
/// users; another organization's tokens are NotFound; a revoked token stops at once (also
/// when it was just cached); listings show the SHA-256 id, never the secret.
pub async fn identity_tokens_list_issue_and_revoke<S: Store>(store: S) {
    use careloop_app::TokenStatus;
    let app = app(store);
    let t0 = ts("2026-11-02T17:00:00Z");
    app.bootstrap_organization(provider_org(), t0)
        .await
        .unwrap();
    app.bootstrap_organization(plan_org(), t0).await.unwrap();
    for (name, org, role) in [
        ("admin-a", PROVIDER_ORG, Role::ProviderAdmin),
        ("cm-1", PROVIDER_ORG, Role::ProviderCareManager),
        ("cm-2", PROVIDER_ORG, Role::ProviderCareManager),
        ("coord-1", PLAN, Role::PlanCareCoordinator),
    ] {
        app.add_user(
            new_user(name, org, vec![role], "violet-harbor-lantern-42"),
            t0,
        )
        .await
        .unwrap();
    }
    let admin = stored_actor("admin-a", Role::ProviderAdmin);
    let cm1 = stored_actor("cm-1", Role::ProviderCareManager);
    let cm2 = stored_actor("cm-2", Role::ProviderCareManager);

    // Self-service: default lifetime 90 days; 0 or more than 366 days refused.
    let own = app
        .issue_token(&cm1, "cm-1", "laptop", None, t0)
        .await
        .unwrap();
    assert_eq!(
        own.info.expires_at,
        Some(ts("2027-01-31T17:00:00Z")),
        "90 days"
    );
    for days in [0, 367] {
        assert!(matches!(
            app.issue_token(&cm1, "cm-1", "x", Some(days), t0).await,
            Err(AppError::Invalid {
                field: "expires_in_days",
                ..
            })
        ));
    }
    // A care manager may not create a token for someone else; an admin may, in its org only.
    assert!(matches!(
        app.issue_token(&cm1, "cm-2", "x", None, t0).await,
        Err(AppError::Forbidden { .. })
    ));
    let by_admin = app
        .issue_token(&admin, "cm-1", "tablet", Some(7), t0)
        .await
        .unwrap();
    assert_eq!(by_admin.info.expires_at, Some(ts("2026-11-09T17:00:00Z")));
    assert!(matches!(
        app.issue_token(&admin, "coord-1", "x", None, t0).await,
        Err(AppError::NotFound { .. })
    ));
    let cm2_token = app
        .issue_token(&cm2, "cm-2", "phone", None, t0)
        .await
        .unwrap();
    let coord_token = app.create_token("coord-1", "plan", t0).await.unwrap();

    // Listings: own tokens for a user; the organization's for an admin; never the secret.
    let mine = app.list_tokens(&cm1, None, all(), t0).await.unwrap().items;
    let mut names: Vec<_> = mine.iter().map(|t| t.name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["laptop", "tablet"]);
    assert!(mine.iter().all(|t| t.status == TokenStatus::Active));
    assert!(
        mine.iter()
            .any(|t| t.id == own.info.id && t.name == "laptop")
    );
    assert!(!serde_json::to_string(&mine).unwrap().contains(&own.token));
    assert!(matches!(
        app.list_tokens(&cm1, Some("cm-2"), all(), t0).await,
        Err(AppError::Forbidden { .. })
    ));
    let org_tokens = app
        .list_tokens(&admin, None, all(), t0)
        .await
        .unwrap()
        .items;
    let mut pairs: Vec<_> = org_tokens
        .iter()
        .map(|t| (t.username.as_str(), t.name.as_str()))
        .collect();
    pairs.sort_unstable();
    assert_eq!(
        pairs,
        [("cm-1", "laptop"), ("cm-1", "tablet"), ("cm-2", "phone")]
    );
    assert_eq!(
        app.list_tokens(&admin, Some("cm-2"), all(), t0)
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert!(
        app.list_tokens(&admin, Some("coord-1"), all(), t0)
            .await
            .unwrap()
            .items
            .is_empty(),
        "another organization's user's tokens are not listed"
    );
    // Paged (issue #15 item 4): id order, every token once, `next` exact, also narrowed to one
    // user (cm-1's two tokens among the organization's three).
    let mut every: Vec<String> = org_tokens.iter().map(|t| t.id.clone()).collect();
    every.sort_unstable();
    assert_eq!(
        org_tokens.iter().map(|t| t.id.clone()).collect::<Vec<_>>(),
        every,
        "id order"
    );
    assert_eq!(
        token_pages(&app, &admin, None, 1, t0).await,
        (every.clone(), 3)
    );
    assert_eq!(
        token_pages(&app, &admin, None, 2, t0).await,
        (every.clone(), 2)
    );
    let cm1_ids: Vec<String> = every
        .iter()
        .filter(|id| **id == own.info.id || **id == by_admin.info.id)
        .cloned()
        .collect();
    assert_eq!(
        token_pages(&app, &cm1, None, 1, t0).await,
        (cm1_ids.clone(), 2)
    );
    assert_eq!(
        token_pages(&app, &admin, Some("cm-1"), 2, t0).await,
        (cm1_ids, 1),
        "a full last page narrowed to one user has no next"
    );
    assert!(matches!(
        app.list_tokens(&admin, None, IdentityListQuery::first(0), t0)
            .await,
        Err(AppError::Invalid { field: "limit", .. })
    ));

    // Revocation: own token by its user; cached checks do not outlive it.
    assert_eq!(
        app.authenticate_token(&own.token, t0)
            .await
            .unwrap()
            .user_id,
        "cm-1"
    );
    let revoked = app.revoke_token(&cm1, &own.info.id, t0).await.unwrap();
    assert_eq!(revoked.status, TokenStatus::Revoked);
    assert_eq!(revoked.revoked_at, Some(t0));
    assert!(matches!(
        app.authenticate_token(&own.token, t0).await,
        Err(AppError::Unauthenticated)
    ));
    // Repeating it answers the same.
    assert_eq!(
        app.revoke_token(&cm1, &own.info.id, t0).await.unwrap(),
        revoked
    );
    // Another user's token (non-admin) and another organization's token: NotFound, unchanged.
    assert!(matches!(
        app.revoke_token(&cm1, &cm2_token.info.id, t0).await,
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        app.revoke_token(&admin, &coord_token.info.id, t0).await,
        Err(AppError::NotFound { .. })
    ));
    assert!(app.authenticate_token(&coord_token.token, t0).await.is_ok());
    assert!(app.authenticate_token(&cm2_token.token, t0).await.is_ok());
    // The admin revokes a user's token of its organization.
    app.revoke_token(&admin, &cm2_token.info.id, t0)
        .await
        .unwrap();
    assert!(matches!(
        app.authenticate_token(&cm2_token.token, t0).await,
        Err(AppError::Unauthenticated)
    ));
    let events: Vec<_> = app
        .store()
        .events_for("api-token", &cm2_token.info.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event_type)
        .collect();
    assert_eq!(events, ["token-created", "token-revoked"]);
    let actions: Vec<_> = audit_lines(app.store(), "api-token", &cm2_token.info.id)
        .await
        .into_iter()
        .map(|l| (l.actor, l.action))
        .collect();
    assert!(actions.contains(&("cm-1".into(), "revoke-token-denied".into())));
    assert!(actions.contains(&("admin-a".into(), "revoke-token".into())));

    // Expired tokens are listed as expired; the CLI's system listing shows every token.
    let later = ts("2026-11-10T00:00:00Z");
    let list = app.tokens_of("cm-1", later).await.unwrap();
    let mut statuses: Vec<_> = list.iter().map(|t| (t.name.as_str(), t.status)).collect();
    statuses.sort_unstable_by_key(|s| s.0);
    assert_eq!(
        statuses,
        [
            ("laptop", TokenStatus::Revoked),
            ("tablet", TokenStatus::Expired)
        ]
    );
    let v = app
        .revoke_token_system(&by_admin.info.id, later)
        .await
        .unwrap();
    assert_eq!(v.status, TokenStatus::Revoked);
}
