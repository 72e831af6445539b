//! `Store::commit_many` (bulk loads): a list of batches in one transaction, each with exactly the
//! outcome a lone commit would give; a re-run of the same keyed list replays and writes nothing.

use super::*;

fn keyed(n: i64) -> WriteBatch {
    let mut b = create_with_key(&format!("m-{n}"), &format!("import-{n}"), "h", n);
    b.audit.push(AuditEntry {
        org_id: "plan-hpsm".into(),
        action: "register".into(),
        record_kind: "auth-request".into(),
        record_id: format!("m-{n}"),
        member_id: Some(format!("member-m-{n}")),
    });
    b
}

async fn event_counts<S: Store>(s: &S, ids: std::ops::Range<i64>) -> Vec<usize> {
    let mut counts = Vec::new();
    for n in ids {
        let events = s
            .events_for("auth-request", &format!("m-{n}"))
            .await
            .unwrap();
        counts.push(events.len());
    }
    counts
}

pub async fn commit_many_gives_each_batch_its_lone_outcome<S: Store>(s: S) {
    assert!(s.commit_many(Vec::new()).await.unwrap().is_empty());
    // All fresh: committed together, receipts in order.
    let first: Vec<WriteBatch> = (0..5).map(keyed).collect();
    let receipts = s.commit_many(first.clone()).await.unwrap();
    assert_eq!(receipts.len(), 5);
    for r in &receipts {
        match r {
            Ok(CommitReceipt::Committed(c)) => {
                assert_eq!((c.event_seqs.len(), c.audit_seqs.len()), (1, 1));
            }
            other => panic!("expected Committed, got {other:?}"),
        }
    }
    assert_eq!(event_counts(&s, 0..6).await, [1, 1, 1, 1, 1, 0]);

    // The same list again plus new ones, a conflict and an invalid batch: the replays write
    // nothing, the bad ones fail alone, the new ones are committed.
    let mut again: Vec<WriteBatch> = (3..8).map(keyed).collect();
    let mut stale = batch("nurse-1", 9);
    stale.aggregates.push(auth("m-0", 7, "x", None));
    again.push(stale);
    again.push(WriteBatch::new(" ", at(10)));
    let receipts = s.commit_many(again).await.unwrap();
    let kinds: Vec<&str> = receipts
        .iter()
        .map(|r| match r {
            Ok(CommitReceipt::Replayed(_)) => "replayed",
            Ok(CommitReceipt::Committed(_)) => "committed",
            Err(StoreError::Conflict { .. }) => "conflict",
            Err(StoreError::Invalid { .. }) => "invalid",
            Err(_) => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "replayed",
            "replayed",
            "committed",
            "committed",
            "committed",
            "conflict",
            "invalid"
        ]
    );
    // One event per record, none doubled. (`events_for`, not the event log: on PostgreSQL the
    // log holds back events while any transaction of the server is older, e.g. another suite's.)
    assert_eq!(event_counts(&s, 0..9).await, [1, 1, 1, 1, 1, 1, 1, 1, 0]);
    for n in 0..8 {
        let got = s.get("auth-request", &format!("m-{n}")).await.unwrap();
        assert_eq!(got.map(|g| g.version), Some(1), "m-{n}");
    }
    let lines = s
        .audit(&AuditFilter {
            limit: 1000,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(lines.len(), 8);
}
