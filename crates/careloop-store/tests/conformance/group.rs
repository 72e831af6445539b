//! Group commit (src/group.rs): many concurrent commits share transactions, and each still gets
//! exactly the outcome it would get alone, including when a batch in the same group fails.

use super::*;

pub async fn concurrent_mixed_commits_each_get_their_own_outcome<S: Store + Clone + 'static>(s: S) {
    create(&s, "base", "received", None).await;
    let mut tasks = Vec::new();
    for n in 0..48_i64 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let b = match n % 4 {
                // A stale update of `base` (version 7 does not exist): Conflict.
                3 => {
                    let mut b = batch("nurse-1", n);
                    b.aggregates.push(auth("base", 7, "x", None));
                    b.events.push(event("base", 8, "updated"));
                    b
                }
                // Four batches per Idempotency-Key (n / 8): one commits, three replay.
                2 => create_with_key(&format!("k-{}", n / 8), &format!("key-{}", n / 8), "h", n),
                1 => create_with_key(&format!("k-{}", n / 8), &format!("key-{}", n / 8), "h", n),
                _ => {
                    let mut b = batch("nurse-1", n);
                    b.aggregates
                        .push(auth(&format!("g-{n}"), 0, "received", None));
                    b.events.push(event(&format!("g-{n}"), 1, "received"));
                    b
                }
            };
            (n, s.commit(b).await)
        }));
    }
    let (mut fresh, mut keyed, mut replayed, mut conflicts) = (0, 0, 0, 0);
    for t in tasks {
        let (n, outcome) = t.await.unwrap();
        match (n % 4, outcome) {
            (0, Ok(CommitReceipt::Committed(c))) => {
                assert_eq!(c.event_seqs.len(), 1);
                fresh += 1;
            }
            (1 | 2, Ok(CommitReceipt::Committed(_))) => keyed += 1,
            (1 | 2, Ok(CommitReceipt::Replayed(_))) => replayed += 1,
            (
                3,
                Err(StoreError::Conflict {
                    actual: Some(1), ..
                }),
            ) => conflicts += 1,
            (k, other) => panic!("batch {n} (kind {k}): unexpected {other:?}"),
        }
    }
    assert_eq!((fresh, keyed, replayed, conflicts), (12, 6, 18, 12));
    // Nothing of a failed batch, everything of the others, each exactly once.
    let events = s.events_since(0, 1000).await.unwrap();
    assert_eq!(events.len(), 1 + 12 + 6);
    let mut seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    seqs.dedup();
    assert_eq!(seqs.len(), events.len());
    assert_eq!(
        s.get("auth-request", "base")
            .await
            .unwrap()
            .unwrap()
            .version,
        1
    );
    for n in (0..48).filter(|n| n % 4 == 0) {
        assert!(
            s.get("auth-request", &format!("g-{n}"))
                .await
                .unwrap()
                .is_some()
        );
    }
    for k in 0..6 {
        assert_eq!(
            s.events_for("auth-request", &format!("k-{k}"))
                .await
                .unwrap()
                .len(),
            1
        );
    }
}
