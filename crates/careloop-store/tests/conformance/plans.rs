//! Every list and queue reads an index range in its own order (issue #15 item 4): the engine's
//! plan (`SqlStore::query_plan`: EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL with
//! sequential scans and sorts priced out, since a test table of a few rows would be read whole)
//! has no full scan of `aggregates` and no sort of it.

use careloop_store::{
    AnyStore, KindListQuery, ListQuery, OrgScope, PlannedQuery, QueueOrder, QueueQuery,
};

fn referral_queue(org: OrgScope, statuses: &[&str]) -> QueueQuery {
    let mut q = QueueQuery::new("referral", statuses, 50);
    q.org = Some(org);
    q.order = QueueOrder::Changed;
    q.after = Some(super::cursor(0, "r-1"));
    q
}

async fn plan(s: &AnyStore, q: PlannedQuery<'_>) -> String {
    s.query_plan(q).await.expect("query plan")
}

/// `plan` reads `aggregates` through an index, in order: SQLite searches it (`SEARCH a USING
/// [COVERING] INDEX` or the primary key) and builds no temporary B-tree for an ORDER BY unless
/// `merge` (several per-status arms, each already limited and in order, merged); PostgreSQL has no
/// sequential scan and no sort node below a merge.
fn assert_indexed(s: &AnyStore, what: &str, plan: &str, merge: bool) {
    match s {
        AnyStore::Sqlite(_) => {
            for line in plan.lines() {
                assert!(
                    !line.contains("SCAN a") && !line.contains("SCAN aggregates"),
                    "{what}: full scan in\n{plan}"
                );
            }
            assert!(
                plan.contains("SEARCH a USING"),
                "{what}: no index search in\n{plan}"
            );
            if !merge {
                assert!(!plan.contains("TEMP B-TREE"), "{what}: sorts in\n{plan}");
            }
        }
        AnyStore::Postgres(_) => {
            assert!(
                !plan.contains("Seq Scan"),
                "{what}: sequential scan in\n{plan}"
            );
            assert!(plan.contains("Index"), "{what}: no index in\n{plan}");
            let sorts = plan
                .lines()
                .filter(|l| l.trim_start().starts_with("->  Sort") || l.starts_with("Sort"))
                .count();
            assert_eq!(sorts, 0, "{what}: sorts in\n{plan}");
        }
    }
}

pub async fn list_queries_read_an_index(s: &AnyStore) {
    let owned = OrgScope::OwnedBy("plan-1".into());
    let granted = OrgScope::AccessibleTo("prov-1".into());
    for (what, q, merge) in [
        (
            "referral queue, one status",
            referral_queue(owned.clone(), &["received"]),
            false,
        ),
        (
            "referral queue, plan",
            referral_queue(owned.clone(), &["received", "assigned"]),
            true,
        ),
        (
            "referral queue, provider",
            referral_queue(granted.clone(), &["assigned"]),
            false,
        ),
    ] {
        let text = plan(s, PlannedQuery::Queue(&q)).await;
        assert_indexed(s, what, &text, merge);
    }
    for (what, org) in [
        ("members, owner", owned.clone()),
        ("members, granted", granted),
    ] {
        let q = ListQuery {
            kind: "member".into(),
            org,
            after_id: Some("m-1".into()),
            limit: 50,
        };
        let text = plan(s, PlannedQuery::List(&q)).await;
        assert_indexed(s, what, &text, false);
    }
    for (what, org) in [("organizations", None), ("users", Some(owned))] {
        let q = KindListQuery {
            kind: "user".into(),
            statuses: Vec::new(),
            org,
            after_id: Some("u-1".into()),
            limit: 50,
        };
        let text = plan(s, PlannedQuery::KindList(&q)).await;
        assert_indexed(s, what, &text, false);
    }
}
