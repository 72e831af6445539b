//! The conformance suite: every store operation, one behaviour per case, run against every
//! adapter (store_sqlite.rs always, store_postgres.rs when CARELOOP_TEST_POSTGRES_URL is set).
//! Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use careloop_store::{
    AccessGrant, AccessReason, AggregateWrite, AuditEntry, AuditFilter, CommitReceipt, Committed,
    IdempotencyRecord, NewEvent, OrgScope, QueueCursor, QueueQuery, Store, StoreError, WriteBatch,
};
use jiff::Timestamp;
use serde_json::json;

mod queue;
pub use queue::*;

mod idempotency;
pub use idempotency::*;

mod list;
pub use list::*;
mod ident;
pub use ident::*;
mod group;
pub use group::*;
mod member_kind;
pub use member_kind::*;
mod paging;
pub use paging::*;
mod many;
pub mod plans;
pub use many::*;

/// Every case, for the per-engine runners.
#[macro_export]
macro_rules! conformance_cases {
    ($m:ident) => {
        $m!(
            commit_then_get,
            update_bumps_version_and_keeps_created_at,
            version_conflict_names_actual_version,
            events_append_in_version_and_seq_order,
            duplicate_event_is_refused,
            idempotent_replay_returns_stored_response_and_writes_nothing,
            idempotency_mismatch_writes_nothing,
            concurrent_retries_commit_once,
            concurrent_updates_one_wins,
            concurrent_mixed_commits_each_get_their_own_outcome,
            concurrent_clean_commits_get_receipts_matching_what_was_stored,
            queue_orders_by_due_then_id,
            queue_filters_by_status_plan_county_and_owner,
            queue_org_access_shows_only_granted_members,
            queue_keyset_pages_cover_everything_once,
            queue_at_risk_boundary_is_exclusive,
            queue_rejects_bad_requests,
            list_by_owner_pages_by_id,
            list_by_access_shows_only_granted_members,
            list_rejects_bad_limits,
            access_grants_by_reason,
            audit_entries_recorded_and_filtered,
            conflicting_batch_writes_nothing,
            duplicate_event_batch_writes_nothing,
            invalid_batches_are_named,
            migrate_twice_keeps_data,
            list_by_kind_pages_in_id_order_with_filters,
            audit_visible_to_owner_joins_owned_members_and_own_org,
            list_for_member_reads_one_members_kind_in_scope,
            changed_queue_pages_every_row_once_under_inserts,
            kind_list_pages_every_row_once_under_inserts,
            owner_list_pages_every_row_once_under_inserts,
            commit_many_gives_each_batch_its_lone_outcome,
        );
    };
}

/// 2026-01-01T00:00:00Z plus `ms` milliseconds.
pub fn at(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(1_767_225_600_000 + ms).unwrap()
}

pub const HOUR: i64 = 3_600_000;

/// An authorization request write (synthetic).
pub fn auth(id: &str, expected: i64, status: &str, due: Option<i64>) -> AggregateWrite {
    AggregateWrite {
        kind: "auth-request".into(),
        id: id.into(),
        expected_version: expected,
        org_id: "plan-hpsm".into(),
        member_id: Some(format!("member-{id}")),
        status: status.into(),
        due_at: due.map(at),
        plan_id: Some("hpsm".into()),
        county: Some("San Mateo".into()),
        body: json!({ "id": id, "status": status, "service": "ecm" }),
    }
}

pub fn event(id: &str, version: i64, event_type: &str) -> NewEvent {
    NewEvent {
        kind: "auth-request".into(),
        aggregate_id: id.into(),
        version,
        event_type: event_type.into(),
        body: json!({ "type": event_type, "version": version }),
    }
}

pub fn batch(actor: &str, ms: i64) -> WriteBatch {
    WriteBatch::new(actor, at(ms))
}

/// The event log once at least `at_least` events are visible (at most 30 s). On PostgreSQL
/// `events_since` hides the events of transactions newer than the oldest one still open anywhere
/// on the server (so a follower never skips an out-of-order commit, `event_order.rs`); another
/// client's open transaction (another test suite on a shared server) delays what these cases
/// read, it never loses it. SQLite shows every committed event at once.
pub async fn visible_events<S: Store>(s: &S, at_least: usize) -> Vec<careloop_store::StoredEvent> {
    let start = std::time::Instant::now();
    loop {
        let events = s.events_since(0, 10_000).await.unwrap();
        if events.len() >= at_least || start.elapsed() > std::time::Duration::from_secs(30) {
            return events;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

pub async fn committed<S: Store>(s: &S, b: WriteBatch) -> Committed {
    match s.commit(b).await.expect("commit") {
        CommitReceipt::Committed(c) => c,
        other => panic!("expected Committed, got {other:?}"),
    }
}

/// Creates `id` with one "received" event.
pub async fn create<S: Store>(s: &S, id: &str, status: &str, due: Option<i64>) {
    let mut b = batch("nurse-1", 0);
    b.aggregates.push(auth(id, 0, status, due));
    b.events.push(event(id, 1, "received"));
    committed(s, b).await;
}

pub async fn commit_then_get<S: Store>(s: S) {
    assert_eq!(s.get("auth-request", "a1").await.unwrap(), None);
    create(&s, "a1", "received", Some(72 * HOUR)).await;
    let got = s.get("auth-request", "a1").await.unwrap().expect("stored");
    let want = auth("a1", 0, "received", Some(72 * HOUR));
    assert_eq!(got.version, 1);
    assert_eq!(
        (&got.kind, &got.id, &got.org_id, &got.member_id, &got.status),
        (
            &want.kind,
            &want.id,
            &want.org_id,
            &want.member_id,
            &want.status
        )
    );
    assert_eq!(
        (got.due_at, &got.plan_id, &got.county),
        (want.due_at, &want.plan_id, &want.county)
    );
    assert_eq!(got.body, want.body);
    assert_eq!((got.created_at, got.updated_at), (at(0), at(0)));
    assert_eq!(
        s.get("other-kind", "a1").await.unwrap(),
        None,
        "kind is part of the key"
    );
}

pub async fn update_bumps_version_and_keeps_created_at<S: Store>(s: S) {
    create(&s, "a1", "received", Some(HOUR)).await;
    let mut b = batch("nurse-2", 5_000);
    let mut w = auth("a1", 1, "approved", None);
    w.body = json!({ "decision": "approved" });
    b.aggregates.push(w);
    b.events.push(event("a1", 2, "approved"));
    let done = committed(&s, b).await;
    assert_eq!(done.versions.len(), 1);
    assert_eq!(done.versions[0].version, 2);
    let got = s.get("auth-request", "a1").await.unwrap().unwrap();
    assert_eq!(
        (got.version, got.status.as_str(), got.due_at),
        (2, "approved", None)
    );
    assert_eq!(got.body, json!({ "decision": "approved" }));
    assert_eq!((got.created_at, got.updated_at), (at(0), at(5_000)));
}

pub async fn version_conflict_names_actual_version<S: Store>(s: S) {
    create(&s, "a1", "received", None).await;
    // (expected version, actual version reported)
    let cases = [(0, Some(1)), (2, Some(1)), (7, Some(1))];
    for (expected, actual) in cases {
        let mut b = batch("nurse-1", 1);
        b.aggregates.push(auth("a1", expected, "pended", None));
        match s.commit(b).await {
            Err(StoreError::Conflict {
                kind,
                id,
                expected: e,
                actual: a,
            }) => {
                assert_eq!(
                    (kind.as_str(), id.as_str(), e, a),
                    ("auth-request", "a1", expected, actual)
                );
            }
            other => panic!("expected Conflict for expected={expected}, got {other:?}"),
        }
    }
    let mut b = batch("nurse-1", 1);
    b.aggregates.push(auth("missing", 3, "pended", None));
    assert!(matches!(
        s.commit(b).await,
        Err(StoreError::Conflict {
            actual: None,
            expected: 3,
            ..
        })
    ));
    assert_eq!(
        s.get("auth-request", "a1").await.unwrap().unwrap().status,
        "received"
    );
}

pub async fn events_append_in_version_and_seq_order<S: Store>(s: S) {
    create(&s, "a1", "received", None).await;
    create(&s, "a2", "received", None).await;
    for (v, ty) in [(2, "pended"), (3, "approved")] {
        let mut b = batch("nurse-1", v * 1_000);
        b.aggregates.push(auth("a1", v - 1, ty, None));
        b.events.push(event("a1", v, ty));
        committed(&s, b).await;
    }
    let evs = s.events_for("auth-request", "a1").await.unwrap();
    let types: Vec<_> = evs
        .iter()
        .map(|e| (e.version, e.event_type.as_str()))
        .collect();
    assert_eq!(types, [(1, "received"), (2, "pended"), (3, "approved")]);
    assert!(evs.windows(2).all(|w| w[0].seq < w[1].seq));
    assert_eq!(evs[2].body, json!({ "type": "approved", "version": 3 }));
    assert_eq!((evs[2].actor.as_str(), evs[2].at), ("nurse-1", at(3_000)));

    visible_events(&s, 4).await;
    let all = s.events_since(0, 100).await.unwrap();
    assert_eq!(all.len(), 4);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));
    let first_two = s.events_since(0, 2).await.unwrap();
    let rest = s.events_since(first_two[1].seq, 100).await.unwrap();
    let paged: Vec<_> = first_two.iter().chain(&rest).map(|e| e.seq).collect();
    assert_eq!(paged, all.iter().map(|e| e.seq).collect::<Vec<_>>());
    assert!(s.events_since(all[3].seq, 10).await.unwrap().is_empty());
    // A cursor that is no event's seq has no position in the log.
    assert!(matches!(
        s.events_since(all[3].seq + 1_000, 10).await,
        Err(StoreError::Invalid { field: "seq", .. })
    ));
    assert!(matches!(
        s.events_since(0, 0).await,
        Err(StoreError::Invalid { field: "limit", .. })
    ));
}

pub async fn duplicate_event_is_refused<S: Store>(s: S) {
    create(&s, "a1", "received", None).await;
    let mut b = batch("nurse-1", 1);
    b.events.push(event("a1", 1, "received-again"));
    assert!(matches!(
        s.commit(b).await,
        Err(StoreError::DuplicateEvent { version: 1, .. })
    ));
    let evs = s.events_for("auth-request", "a1").await.unwrap();
    assert_eq!(evs.len(), 1);
    assert_eq!(evs[0].event_type, "received");
}

pub async fn concurrent_retries_commit_once<S: Store + Clone + 'static>(s: S) {
    let mut tasks = Vec::new();
    for n in 0..8 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            s.commit(create_with_key("a1", "k1", "h1", n)).await
        }));
    }
    let (mut committed_n, mut replayed_n) = (0, 0);
    for t in tasks {
        match t.await.unwrap().unwrap() {
            CommitReceipt::Committed(_) => committed_n += 1,
            CommitReceipt::Replayed(_) => replayed_n += 1,
        }
    }
    assert_eq!((committed_n, replayed_n), (1, 7));
    assert_eq!(visible_events(&s, 1).await.len(), 1);
}

pub async fn concurrent_updates_one_wins<S: Store + Clone + 'static>(s: S) {
    create(&s, "a1", "received", None).await;
    let mut tasks = Vec::new();
    for n in 0..6 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let mut b = batch(&format!("nurse-{n}"), n);
            b.aggregates
                .push(auth("a1", 1, &format!("status-{n}"), None));
            b.events.push(event("a1", 2, "updated"));
            s.commit(b).await
        }));
    }
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => wins += 1,
            Err(StoreError::Conflict {
                actual: Some(2), ..
            }) => {}
            Err(e) => panic!("unexpected {e:?}"),
        }
    }
    assert_eq!(wins, 1);
    assert_eq!(
        s.get("auth-request", "a1").await.unwrap().unwrap().version,
        2
    );
    assert_eq!(s.events_for("auth-request", "a1").await.unwrap().len(), 2);
}

pub async fn access_grants_by_reason<S: Store>(s: S) {
    assert!(!s.has_access("cbo-1", "m1").await.unwrap());
    let mut b = batch("coordinator-1", 0);
    for reason in [AccessReason::Referred, AccessReason::Assigned] {
        b.grants.push(AccessGrant {
            org_id: "cbo-1".into(),
            member_id: "m1".into(),
            reason,
        });
    }
    committed(&s, b.clone()).await;
    // Granting again is a no-op, not an error.
    committed(&s, b).await;
    let cases = [
        ("cbo-1", "m1", true),
        ("cbo-1", "m2", false),
        ("cbo-2", "m1", false),
    ];
    for (org, member, want) in cases {
        assert_eq!(
            s.has_access(org, member).await.unwrap(),
            want,
            "{org} {member}"
        );
    }
}

pub async fn audit_entries_recorded_and_filtered<S: Store>(s: S) {
    let entry = |action: &str, id: &str, member: Option<&str>| AuditEntry {
        org_id: "plan-hpsm".into(),
        action: action.into(),
        record_kind: "auth-request".into(),
        record_id: id.into(),
        member_id: member.map(Into::into),
    };
    let mut b = batch("nurse-1", 10);
    b.audit.push(entry("read", "a1", Some("m1")));
    b.audit.push(entry("read", "a2", Some("m2")));
    let done = committed(&s, b).await;
    assert_eq!(done.audit_seqs.len(), 2);
    let mut b = batch("nurse-2", 20);
    b.audit.push(entry("update", "a1", Some("m1")));
    b.audit.push(entry("export", "report-q1", None));
    committed(&s, b).await;

    let all = s
        .audit(&AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    let seen: Vec<_> = all
        .iter()
        .map(|r| (r.actor.as_str(), r.action.as_str(), r.record_id.as_str()))
        .collect();
    assert_eq!(
        seen,
        [
            ("nurse-1", "read", "a1"),
            ("nurse-1", "read", "a2"),
            ("nurse-2", "update", "a1"),
            ("nurse-2", "export", "report-q1")
        ]
    );
    assert_eq!((all[0].at, all[2].at), (at(10), at(20)));
    assert_eq!(all[3].member_id, None);

    let f =
        |actor: Option<&str>, member: Option<&str>, record: Option<&str>, after: i64| AuditFilter {
            actor: actor.map(Into::into),
            member_id: member.map(Into::into),
            record_id: record.map(Into::into),
            after_seq: after,
            limit: 100,
            ..Default::default()
        };
    let cases = [
        (f(None, Some("m1"), None, 0), vec!["read", "update"]),
        (f(Some("nurse-2"), None, None, 0), vec!["update", "export"]),
        (f(None, None, Some("a2"), 0), vec!["read"]),
        (f(None, None, None, all[1].seq), vec!["update", "export"]),
        (f(Some("nobody"), None, None, 0), vec![]),
    ];
    for (filter, want) in cases {
        let got: Vec<_> = s
            .audit(&filter)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.action)
            .collect();
        assert_eq!(got, want, "{filter:?}");
    }
    let page = s
        .audit(&AuditFilter {
            limit: 1,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(page.len(), 1);
}

/// Proves nothing of a failed batch is visible.
async fn assert_empty<S: Store>(s: &S) {
    assert!(
        s.events_since(0, 100).await.unwrap().is_empty(),
        "events written"
    );
    assert!(
        s.audit(&AuditFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
        .is_empty(),
        "audit written"
    );
    assert!(
        !s.has_access("cbo-1", "member-a1").await.unwrap(),
        "grant written"
    );
    assert_eq!(
        s.idempotent_response("referrer-1", "k1").await.unwrap(),
        None,
        "idempotency written"
    );
    assert_eq!(
        s.get("auth-request", "a1").await.unwrap(),
        None,
        "aggregate written"
    );
}

fn full_batch() -> WriteBatch {
    let mut b = create_with_key("a1", "k1", "h1", 0);
    b.grants.push(AccessGrant {
        org_id: "cbo-1".into(),
        member_id: "member-a1".into(),
        reason: AccessReason::Referred,
    });
    b.audit.push(AuditEntry {
        org_id: "plan-hpsm".into(),
        action: "create".into(),
        record_kind: "auth-request".into(),
        record_id: "a1".into(),
        member_id: Some("member-a1".into()),
    });
    b
}

pub async fn conflicting_batch_writes_nothing<S: Store>(s: S) {
    let mut b = full_batch();
    // The last write is stale: b0 does not exist at version 4.
    b.aggregates.push(auth("b0", 4, "received", None));
    assert!(matches!(
        s.commit(b).await,
        Err(StoreError::Conflict { .. })
    ));
    assert_empty(&s).await;
    // The same batch without the stale write then commits whole.
    let done = committed(&s, full_batch()).await;
    assert_eq!(
        (
            done.versions.len(),
            done.event_seqs.len(),
            done.audit_seqs.len()
        ),
        (1, 1, 1)
    );
    assert!(s.has_access("cbo-1", "member-a1").await.unwrap());
}

pub async fn duplicate_event_batch_writes_nothing<S: Store>(s: S) {
    let mut b = full_batch();
    b.events.push(event("a1", 1, "received-twice"));
    assert!(matches!(
        s.commit(b).await,
        Err(StoreError::DuplicateEvent { .. })
    ));
    assert_empty(&s).await;
}

pub async fn invalid_batches_are_named<S: Store>(s: S) {
    let mut negative = batch("nurse-1", 0);
    negative.aggregates.push(auth("a1", -1, "received", None));
    let mut no_actor = batch(" ", 0);
    no_actor.aggregates.push(auth("a1", 0, "received", None));
    let mut event_zero = batch("nurse-1", 0);
    event_zero.events.push(event("a1", 0, "received"));
    let mut bad_status = batch("nurse-1", 0);
    bad_status.idempotency = Some(IdempotencyRecord {
        status_code: 42,
        ..idem("k1", "h1")
    });
    let cases = [
        (negative, "aggregate.expected_version"),
        (no_actor, "actor"),
        (event_zero, "event.version"),
        (bad_status, "idempotency.status_code"),
    ];
    for (b, field) in cases {
        match s.commit(b).await {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected Invalid {field}, got {other:?}"),
        }
    }
    assert_eq!(s.get("auth-request", "a1").await.unwrap(), None);
}

pub async fn migrate_twice_keeps_data<S: Store>(s: S) {
    create(&s, "a1", "received", None).await;
    s.migrate().await.unwrap();
    assert_eq!(
        s.get("auth-request", "a1").await.unwrap().unwrap().version,
        1
    );
}

pub fn cursor(ms: i64, id: &str) -> QueueCursor {
    QueueCursor {
        due_at: at(ms),
        id: id.into(),
    }
}

pub fn owned_by(org: &str) -> Option<OrgScope> {
    Some(OrgScope::OwnedBy(org.into()))
}

pub fn query(statuses: &[&str], limit: u32) -> QueueQuery {
    QueueQuery::new("auth-request", statuses, limit)
}
