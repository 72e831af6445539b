//! Keyset paging under concurrent inserts (issue #15 item 4): rows inserted between page fetches,
//! before and after the cursor, never make a reader skip or repeat a row that existed when it
//! started, and the order stays the same. One case per paged read: the queue ordered by the last
//! change (referral work queue), the kind listing (organizations, users) and the owner listing
//! (members). Deterministic interleaving: fetch, insert, fetch the rest.

use std::collections::HashMap;

use careloop_store::{
    AccessGrant, AccessReason, AggregateWrite, KindListQuery, ListQuery, OrgScope, QueueOrder,
    QueueQuery, Store, StoredAggregate,
};
use serde_json::json;

use super::{HOUR, batch, committed};

fn row(kind: &str, id: &str, org: &str, status: &str) -> AggregateWrite {
    AggregateWrite {
        kind: kind.into(),
        id: id.into(),
        expected_version: 0,
        org_id: org.into(),
        member_id: Some(format!("m-{id}")),
        status: status.into(),
        due_at: None,
        plan_id: None,
        county: None,
        body: json!({ "id": id }),
    }
}

/// Commits `ids` of `kind` (owned by `org`, alternating two statuses) at `ms`, one batch each.
async fn insert<S: Store>(s: &S, kind: &str, org: &str, ids: &[&str], ms: i64) {
    for (n, id) in ids.iter().enumerate() {
        let status = if n % 2 == 0 { "received" } else { "assigned" };
        let mut b = batch("writer", ms);
        b.aggregates.push(row(kind, id, org, status));
        committed(s, b).await;
    }
}

/// Each id in `expected` exactly once in `seen`.
fn assert_each_once(seen: &[String], expected: &[String]) {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for id in seen {
        *counts.entry(id.as_str()).or_default() += 1;
    }
    for id in expected {
        assert_eq!(counts.get(id.as_str()), Some(&1), "{id} in {seen:?}");
    }
}

fn ids(items: &[StoredAggregate]) -> Vec<String> {
    items.iter().map(|a| a.id.clone()).collect()
}

pub async fn changed_queue_pages_every_row_once_under_inserts<S: Store>(s: S) {
    // r-00 … r-09 changed an hour apart; another plan's referrals in between.
    let mut existing = Vec::new();
    for n in 0..10_i64 {
        let id = format!("r-{n:02}");
        insert(&s, "referral", "plan-1", &[id.as_str()], n * HOUR).await;
        insert(&s, "referral", "plan-2", &[&format!("x-{n:02}")], n * HOUR).await;
        existing.push(id);
    }
    let mut q = QueueQuery::new("referral", &["received", "assigned"], 4);
    q.org = Some(OrgScope::OwnedBy("plan-1".into()));
    q.order = QueueOrder::Changed;
    let first = s.queue(&q).await.unwrap();
    assert_eq!(ids(&first.items), ["r-00", "r-01", "r-02", "r-03"]);
    let cursor = first.next.clone().unwrap();
    assert_eq!(
        (cursor.due_at, cursor.id.as_str()),
        (super::at(3 * HOUR), "r-03")
    );
    // Inserted between page fetches: one changed before the cursor (at the cursor's own time,
    // with a smaller id, and earlier), two after it.
    insert(&s, "referral", "plan-1", &["r-025"], 2 * HOUR).await;
    insert(&s, "referral", "plan-1", &["r-02a"], 3 * HOUR).await;
    insert(&s, "referral", "plan-1", &["r-zz"], 20 * HOUR).await;
    insert(&s, "referral", "plan-1", &["r-035"], 3 * HOUR + 1).await;
    let mut seen = ids(&first.items);
    let mut times: Vec<_> = first
        .items
        .iter()
        .map(|a| (a.updated_at, a.id.clone()))
        .collect();
    q.after = first.next;
    while q.after.is_some() {
        let page = s.queue(&q).await.unwrap();
        seen.extend(ids(&page.items));
        times.extend(page.items.iter().map(|a| (a.updated_at, a.id.clone())));
        q.after = page.next;
    }
    assert_each_once(&seen, &existing);
    let mut sorted = times.clone();
    sorted.sort();
    assert_eq!(times, sorted, "pages keep (updated_at, id) order");
    assert!(
        !seen.iter().any(|id| id == "r-025" || id == "r-02a"),
        "{seen:?}"
    );
    assert_each_once(&seen, &["r-035".to_owned(), "r-zz".to_owned()]);
    assert!(
        !seen.iter().any(|id| id.starts_with("x-")),
        "another plan's rows"
    );
}

pub async fn kind_list_pages_every_row_once_under_inserts<S: Store>(s: S) {
    let existing: Vec<String> = (0..9).map(|n| format!("org-{n}0")).collect();
    let refs: Vec<&str> = existing.iter().map(String::as_str).collect();
    insert(&s, "organization", "org-00", &refs, 0).await;
    let mut q = KindListQuery {
        kind: "organization".into(),
        statuses: Vec::new(),
        org: None,
        after_id: None,
        limit: 4,
    };
    let first = s.list_by_kind(&q).await.unwrap();
    assert_eq!(ids(&first), ["org-00", "org-10", "org-20", "org-30"]);
    insert(
        &s,
        "organization",
        "org-00",
        &["org-05", "org-35", "org-99"],
        HOUR,
    )
    .await;
    let mut seen = ids(&first);
    q.after_id = first.last().map(|a| a.id.clone());
    loop {
        let page = s.list_by_kind(&q).await.unwrap();
        seen.extend(ids(&page));
        if page.len() < 4 {
            break;
        }
        q.after_id = page.last().map(|a| a.id.clone());
    }
    assert_each_once(&seen, &existing);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "pages keep id order");
    assert!(!seen.contains(&"org-05".to_owned()));
    assert_each_once(&seen, &["org-35".to_owned(), "org-99".to_owned()]);
}

pub async fn owner_list_pages_every_row_once_under_inserts<S: Store>(s: S) {
    let existing: Vec<String> = (0..9).map(|n| format!("m{n}0")).collect();
    let refs: Vec<&str> = existing.iter().map(String::as_str).collect();
    insert(&s, "member", "plan-1", &refs, 0).await;
    insert(&s, "member", "plan-2", &["m05", "m45"], 0).await;
    // A provider granted two of plan-1's members sees only those, paged the same way.
    let mut grants = batch("writer", 0);
    for id in ["m10", "m70"] {
        grants.grants.push(AccessGrant {
            org_id: "prov-1".into(),
            member_id: format!("m-{id}"),
            reason: AccessReason::Assigned,
        });
    }
    committed(&s, grants).await;
    let mut q = ListQuery {
        kind: "member".into(),
        org: OrgScope::OwnedBy("plan-1".into()),
        after_id: None,
        limit: 3,
    };
    let first = s.list(&q).await.unwrap();
    assert_eq!(ids(&first.items), ["m00", "m10", "m20"]);
    insert(&s, "member", "plan-1", &["m15", "m25", "m99"], HOUR).await;
    let mut seen = ids(&first.items);
    q.after_id = first.next;
    while q.after_id.is_some() {
        let page = s.list(&q).await.unwrap();
        seen.extend(ids(&page.items));
        q.after_id = page.next;
    }
    assert_each_once(&seen, &existing);
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "pages keep id order");
    assert!(
        !seen
            .iter()
            .any(|id| id == "m15" || id == "m05" || id == "m45"),
        "{seen:?}"
    );
    assert_each_once(&seen, &["m25".to_owned(), "m99".to_owned()]);

    q.org = OrgScope::AccessibleTo("prov-1".into());
    q.after_id = None;
    q.limit = 1;
    let mut granted = Vec::new();
    loop {
        let page = s.list(&q).await.unwrap();
        granted.extend(ids(&page.items));
        match page.next {
            Some(next) => q.after_id = Some(next),
            None => break,
        }
    }
    assert_eq!(granted, ["m10", "m70"]);
}
