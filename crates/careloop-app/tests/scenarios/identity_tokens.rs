//! Identity, issue #12: concurrent user creation under one Idempotency-Key, token listing and
//! revocation, token expiry, tokens of a disabled user, password rules and the last admin.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use super::*;

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
