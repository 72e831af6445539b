//! Write-path rules: idempotent retries, illegal transitions, optimistic concurrency.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use careloop_app::{Change, checked};

/// A retried POST with the same Idempotency-Key returns the same record and writes nothing; the
/// same key with another body is an IdempotencyMismatch.
pub async fn idempotent_retry_returns_same_record_and_writes_nothing<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    for member in ["mem-i", "mem-k"] {
        hpsm_member(&app, member).await;
        give_member(&app, member, "org-ecm-a").await;
    }
    let prov = provider("org-ecm-a");
    let t0 = ts("2026-11-02T17:00:00Z");
    let first = app
        .create(&prov, "auth-i", submission("mem-i"), Some("key-1"), t0)
        .await
        .unwrap();
    let events = app.store().events_since(0, 10_000).await.unwrap().len();
    let audit = audit_lines(app.store(), "authorization", "auth-i")
        .await
        .len();
    let retry = app
        .create(
            &prov,
            "auth-i",
            submission("mem-i"),
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

    // The new record's id is the server's choice (a fresh one per attempt over the API): a
    // retry handed another id still replays the original record and creates nothing.
    let renamed = app
        .create(&prov, "auth-j", submission("mem-i"), Some("key-1"), t0)
        .await
        .unwrap();
    assert_eq!(renamed, first);
    assert!(
        app.store()
            .get("authorization", "auth-j")
            .await
            .unwrap()
            .is_none()
    );
    // The same key with another request body is a mismatch and writes nothing.
    let err = app
        .create(&prov, "auth-k", submission("mem-k"), Some("key-1"), t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::IdempotencyMismatch { .. }), "{err}");
    assert!(
        app.store()
            .get("authorization", "auth-k")
            .await
            .unwrap()
            .is_none()
    );

    // A retried transition replays too, instead of failing as a second pend.
    let pend = || {
        PendAuthorization {
            information_needed: checked("information_needed", "care plan").unwrap(),
        }
        .expecting(Some(1))
    };
    let rev = reviewer();
    let p1 = app
        .change(&rev, "auth-i", pend(), Some("key-p"), t0)
        .await
        .unwrap();
    let p2 = app
        .change(&rev, "auth-i", pend(), Some("key-p"), t0)
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
    world(&app).await;
    hpsm_member(&app, "mem-t").await;
    give_member(&app, "mem-t", "org-ecm-a").await;
    let t0 = ts("2026-11-02T17:00:00Z");
    let rec = app
        .create(
            &provider("org-ecm-a"),
            "auth-t",
            submission("mem-t"),
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
        .change(
            &coordinator(),
            "auth-t",
            FileAppeal {
                appeal_id: checked("appeal_id", "a-1").unwrap(),
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
        .change(
            &reviewer(),
            "auth-t",
            DecideAuthorization {
                cs_limit_exception: None,
                decision: DecisionInput::Deny { reason: " ".into() },
                notice_of_action: None,
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
        .change(
            &reviewer(),
            "auth-t",
            PendAuthorization {
                information_needed: checked("information_needed", "x").unwrap(),
            }
            .expecting(Some(7)),
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }), "{err}");
    assert_eq!(err.http_status(), 409);
    // Creating the same request id again is a Conflict from the store.
    let err = app
        .create(
            &provider("org-ecm-a"),
            "auth-t",
            submission("mem-t"),
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

/// Eight reviewers pend the same request at once (different keys): exactly one change commits;
/// the others are a Conflict (they read version 1) or an illegal transition (they read the
/// pended request). One event is added.
pub async fn concurrent_changes_commit_once<S: Store + 'static>(store: S) {
    let app = std::sync::Arc::new(app(store));
    world(&app).await;
    hpsm_member(&app, "mem-c").await;
    give_member(&app, "mem-c", "org-ecm-a").await;
    let t0 = ts("2026-11-02T17:00:00Z");
    app.create(
        &provider("org-ecm-a"),
        "auth-c",
        submission("mem-c"),
        None,
        t0,
    )
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for n in 0..8 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let key = format!("k-{n}");
            app.change(
                &reviewer(),
                "auth-c",
                PendAuthorization {
                    information_needed: checked("information_needed", format!("item {n}")).unwrap(),
                },
                Some(&key),
                t0,
            )
            .await
        }));
    }
    let mut committed = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(rec) => {
                assert_eq!(rec.version, 2);
                committed += 1;
            }
            Err(AppError::Conflict { .. }) => {}
            Err(AppError::Invalid { field, .. }) => assert_eq!(field, "transition"),
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(committed, 1);
    assert_eq!(
        app.store()
            .events_for("authorization", "auth-c")
            .await
            .unwrap()
            .len(),
        2
    );
}
