//! Idempotency-Key cases: replay, mismatch, concurrent retries.

use careloop_store::{
    AuditEntry, AuditFilter, CommitReceipt, IdempotencyRecord, Store, StoreError, WriteBatch,
};

use super::{HOUR, at, auth, batch, committed, event};

pub fn idem(key: &str, hash: &str) -> IdempotencyRecord {
    IdempotencyRecord {
        key: key.into(),
        request_hash: hash.into(),
        status_code: 201,
        response_body: format!(r#"{{"id":"{key}"}}"#),
    }
}

pub fn create_with_key(id: &str, key: &str, hash: &str, ms: i64) -> WriteBatch {
    let mut b = batch("referrer-1", ms);
    b.aggregates.push(auth(id, 0, "received", Some(HOUR)));
    b.events.push(event(id, 1, "received"));
    b.idempotency = Some(idem(key, hash));
    b
}

pub async fn idempotent_replay_returns_stored_response_and_writes_nothing<S: Store>(s: S) {
    assert_eq!(
        s.idempotent_response("referrer-1", "k1").await.unwrap(),
        None
    );
    committed(&s, create_with_key("a1", "k1", "h1", 0)).await;
    let stored = s
        .idempotent_response("referrer-1", "k1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (stored.status_code, stored.response_body.as_str()),
        (201, r#"{"id":"k1"}"#)
    );
    assert_eq!(
        (stored.request_hash.as_str(), stored.created_at),
        ("h1", at(0))
    );

    // The retry carries the same key and hash; its writes would conflict if applied.
    let mut retry = create_with_key("a1", "k1", "h1", 9_000);
    retry.audit.push(AuditEntry {
        org_id: "plan-hpsm".into(),
        action: "create".into(),
        record_kind: "auth-request".into(),
        record_id: "a1".into(),
        member_id: Some("member-a1".into()),
    });
    match s.commit(retry).await.unwrap() {
        CommitReceipt::Replayed(r) => assert_eq!(r, stored),
        other => panic!("expected Replayed, got {other:?}"),
    }
    assert_eq!(
        s.get("auth-request", "a1").await.unwrap().unwrap().version,
        1
    );
    assert_eq!(super::visible_events(&s, 1).await.len(), 1);
    assert!(
        s.audit(&AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .is_empty()
    );

    // Keys are per actor: another actor's same key is a new request.
    let mut other = create_with_key("a2", "k1", "h1", 1);
    other.actor = "referrer-2".into();
    committed(&s, other).await;
    assert!(s.get("auth-request", "a2").await.unwrap().is_some());
}

pub async fn idempotency_mismatch_writes_nothing<S: Store>(s: S) {
    committed(&s, create_with_key("a1", "k1", "h1", 0)).await;
    match s.commit(create_with_key("a2", "k1", "h2", 1)).await {
        Err(StoreError::IdempotencyMismatch { actor, key }) => {
            assert_eq!((actor.as_str(), key.as_str()), ("referrer-1", "k1"));
        }
        other => panic!("expected IdempotencyMismatch, got {other:?}"),
    }
    assert_eq!(s.get("auth-request", "a2").await.unwrap(), None);
    assert_eq!(super::visible_events(&s, 1).await.len(), 1);
    assert_eq!(
        s.idempotent_response("referrer-1", "k1")
            .await
            .unwrap()
            .unwrap()
            .request_hash,
        "h1"
    );
}
