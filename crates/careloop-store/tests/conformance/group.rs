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
    let events = super::visible_events(&s, 1 + 12 + 6).await;
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

/// Many concurrent batches that can all commit (creates with keys, updates of distinct records,
/// grants, 0–70 audit lines each so multi-row statements split into chunks): whichever way they
/// are grouped, every receipt names exactly what was stored for that batch.
pub async fn concurrent_clean_commits_get_receipts_matching_what_was_stored<
    S: Store + Clone + 'static,
>(
    s: S,
) {
    for n in 0..16 {
        create(&s, &format!("u-{n}"), "received", None).await;
    }
    let mut tasks = Vec::new();
    for n in 0..64_i64 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let id = if n % 4 == 3 {
                format!("u-{}", n / 4)
            } else {
                format!("c-{n}")
            };
            let mut b = batch(&format!("actor-{}", n % 5), n);
            if n % 4 == 3 {
                b.aggregates.push(auth(&id, 1, "pended", Some(n * HOUR)));
                b.events.push(event(&id, 2, "pended"));
            } else {
                b = create_with_key(&id, &format!("key-{n}"), &format!("h-{n}"), n);
                b.actor = format!("actor-{}", n % 5);
                b.grants.push(AccessGrant {
                    org_id: format!("org-{}", n % 3),
                    member_id: format!("member-{id}"),
                    reason: AccessReason::Authorized,
                });
            }
            for line in 0..(n * 7 % 71) {
                b.audit.push(AuditEntry {
                    org_id: "plan-hpsm".into(),
                    action: format!("line-{line}"),
                    record_kind: "auth-request".into(),
                    record_id: id.clone(),
                    member_id: Some(format!("member-{id}")),
                });
            }
            (n, id, s.commit(b).await)
        }));
    }
    for t in tasks {
        let (n, id, outcome) = t.await.unwrap();
        let c = match outcome {
            Ok(CommitReceipt::Committed(c)) => c,
            other => panic!("batch {n}: {other:?}"),
        };
        let version = if n % 4 == 3 { 2 } else { 1 };
        assert_eq!(c.versions.len(), 1, "batch {n}");
        assert_eq!(
            (c.versions[0].id.as_str(), c.versions[0].version),
            (id.as_str(), version)
        );
        let stored = s.get("auth-request", &id).await.unwrap().unwrap();
        assert_eq!(stored.version, version, "batch {n}");
        let events = s.events_for("auth-request", &id).await.unwrap();
        let mine: Vec<i64> = events
            .iter()
            .filter(|e| e.version == version)
            .map(|e| e.seq)
            .collect();
        assert_eq!(c.event_seqs, mine, "batch {n}: event seqs");
        let lines = s
            .audit(&AuditFilter {
                actor: None,
                org_id: None,
                member_id: None,
                record_kind: Some("auth-request".into()),
                record_id: Some(id.clone()),
                visible_to_owner: None,
                after_seq: 0,
                limit: 1000,
            })
            .await
            .unwrap();
        let mut want: Vec<(i64, String)> =
            lines.iter().map(|l| (l.seq, l.action.clone())).collect();
        want.sort();
        let expected: Vec<String> = (0..(n * 7 % 71)).map(|l| format!("line-{l}")).collect();
        assert_eq!(
            want.iter().map(|(_, a)| a.clone()).collect::<Vec<_>>(),
            expected,
            "batch {n}: audit lines in order"
        );
        assert_eq!(
            c.audit_seqs,
            want.iter().map(|(seq, _)| *seq).collect::<Vec<_>>(),
            "batch {n}: audit seqs"
        );
        if n % 4 != 3 {
            assert!(
                s.has_access(&format!("org-{}", n % 3), &format!("member-{id}"))
                    .await
                    .unwrap(),
                "batch {n}: grant"
            );
            let replay = s
                .idempotent_response(&format!("actor-{}", n % 5), &format!("key-{n}"))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(replay.request_hash, format!("h-{n}"));
        }
    }
}
