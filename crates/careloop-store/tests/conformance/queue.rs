//! Work-queue cases: order, filters, organization scope, keyset pages, at-risk boundary.

use careloop_store::{AccessGrant, AccessReason, OrgScope, Store, StoreError};

use super::{HOUR, at, auth, batch, committed, create, cursor, owned_by, query};

fn ids(items: &[careloop_store::StoredAggregate]) -> Vec<&str> {
    items.iter().map(|a| a.id.as_str()).collect()
}

pub async fn queue_orders_by_due_then_id<S: Store>(s: S) {
    // (id, status, due in hours)
    let rows = [
        ("c", "received", Some(2)),
        ("a", "received", Some(2)),
        ("b", "pended", Some(1)),
        ("d", "received", Some(0)),
        ("no-clock", "received", None),
    ];
    for (id, status, due) in rows {
        create(&s, id, status, due.map(|h| h * HOUR)).await;
    }
    let mut other_kind = batch("nurse-1", 0);
    let mut w = auth("z", 0, "received", Some(0));
    w.kind = "referral".into();
    other_kind.aggregates.push(w);
    committed(&s, other_kind).await;

    let page = s.queue(&query(&["received", "pended"], 10)).await.unwrap();
    assert_eq!(
        ids(&page.items),
        ["d", "b", "a", "c"],
        "due_at then id; no due_at, other kinds left out"
    );
    assert_eq!(page.next, None, "a partial page is the last");
    let received = s.queue(&query(&["received"], 10)).await.unwrap();
    assert_eq!(ids(&received.items), ["d", "a", "c"]);
    assert_eq!(received.items[1].due_at, Some(at(2 * HOUR)));
}

pub async fn queue_filters_by_status_plan_county_and_owner<S: Store>(s: S) {
    // (id, status, plan, county, owner)
    let rows = [
        ("h1", "received", "hpsm", "San Mateo", "plan-hpsm"),
        ("h2", "pended", "hpsm", "San Mateo", "plan-hpsm"),
        ("a1", "received", "alameda-alliance", "Alameda", "plan-aaah"),
        ("a2", "approved", "alameda-alliance", "Alameda", "plan-aaah"),
        ("e1", "received", "aetna", "Alameda", "plan-aetna"),
    ];
    for (n, (id, status, plan, county, owner)) in rows.into_iter().enumerate() {
        let mut b = batch("nurse-1", 0);
        let mut w = auth(id, 0, status, Some(i64::try_from(n).unwrap() * HOUR));
        w.plan_id = Some(plan.into());
        w.county = Some(county.into());
        w.org_id = owner.into();
        b.aggregates.push(w);
        committed(&s, b).await;
    }
    let q = |statuses: &[&str], plan: Option<&str>, county: Option<&str>, owner: Option<&str>| {
        let mut q = query(statuses, 10);
        q.plan_id = plan.map(Into::into);
        q.county = county.map(Into::into);
        q.org = owner.and_then(owned_by);
        q
    };
    let cases = [
        (q(&["received"], None, None, None), vec!["h1", "a1", "e1"]),
        (
            q(&["received", "pended"], Some("hpsm"), None, None),
            vec!["h1", "h2"],
        ),
        (
            q(&["received", "approved"], None, Some("Alameda"), None),
            vec!["a1", "a2", "e1"],
        ),
        (
            q(
                &["received", "approved"],
                None,
                Some("Alameda"),
                Some("plan-aaah"),
            ),
            vec!["a1", "a2"],
        ),
        (
            q(&["received"], Some("aetna"), Some("San Mateo"), None),
            vec![],
        ),
        (q(&["denied"], None, None, None), vec![]),
    ];
    for (query, want) in cases {
        let page = s.queue(&query).await.unwrap();
        assert_eq!(ids(&page.items), want, "{query:?}");
    }
}

pub async fn queue_org_access_shows_only_granted_members<S: Store>(s: S) {
    for (n, id) in ["x1", "x2", "x3"].into_iter().enumerate() {
        create(&s, id, "received", Some(i64::try_from(n).unwrap())).await;
    }
    let mut b = batch("coordinator-1", 0);
    b.grants.push(AccessGrant {
        org_id: "cbo-1".into(),
        member_id: "member-x1".into(),
        reason: AccessReason::Referred,
    });
    b.grants.push(AccessGrant {
        org_id: "cbo-1".into(),
        member_id: "member-x3".into(),
        reason: AccessReason::Authorized,
    });
    b.grants.push(AccessGrant {
        org_id: "cbo-1".into(),
        member_id: "member-x3".into(),
        reason: AccessReason::Assigned,
    });
    b.grants.push(AccessGrant {
        org_id: "cbo-2".into(),
        member_id: "member-x2".into(),
        reason: AccessReason::Assigned,
    });
    committed(&s, b).await;
    let scoped = |org: &str| {
        let mut q = query(&["received"], 10);
        q.org = Some(OrgScope::AccessibleTo(org.into()));
        q
    };
    let cases = [
        ("cbo-1", vec!["x1", "x3"]),
        ("cbo-2", vec!["x2"]),
        ("cbo-3", vec![]),
    ];
    for (org, want) in cases {
        let page = s.queue(&scoped(org)).await.unwrap();
        assert_eq!(
            ids(&page.items),
            want,
            "{org}: one row per member even with two grants"
        );
    }
}

pub async fn queue_keyset_pages_cover_everything_once<S: Store>(s: S) {
    // Ties on due_at are broken by id, across statuses.
    let rows = [
        ("k1", 0),
        ("k2", 0),
        ("k3", 0),
        ("k4", 1),
        ("k5", 1),
        ("k6", 2),
        ("k7", 3),
    ];
    for (n, (id, hour)) in rows.into_iter().enumerate() {
        let status = if n % 2 == 0 { "received" } else { "pended" };
        create(&s, id, status, Some(hour * HOUR)).await;
    }
    let all = s.queue(&query(&["received", "pended"], 100)).await.unwrap();
    assert_eq!(ids(&all.items), ["k1", "k2", "k3", "k4", "k5", "k6", "k7"]);
    for size in 1..=7u32 {
        let mut q = query(&["pended", "received"], size);
        let mut seen = Vec::new();
        let mut pages = 0;
        loop {
            let page = s.queue(&q).await.unwrap();
            pages += 1;
            assert!(page.items.len() <= usize::try_from(size).unwrap());
            seen.extend(page.items.iter().map(|a| a.id.clone()));
            match page.next {
                Some(next) => q.after = Some(next),
                None => break,
            }
            assert!(pages <= 8, "pagination does not end");
        }
        assert_eq!(seen, ids(&all.items), "page size {size}");
    }
    let mut q = query(&["received", "pended"], 10);
    q.after = Some(cursor(0, "k2"));
    assert_eq!(
        ids(&s.queue(&q).await.unwrap().items),
        ["k3", "k4", "k5", "k6", "k7"]
    );
}

pub async fn queue_at_risk_boundary_is_exclusive<S: Store>(s: S) {
    let boundary = 72 * HOUR;
    let rows = [
        ("early", boundary - 1),
        ("exact", boundary),
        ("late", boundary + 1),
    ];
    for (id, due) in rows {
        create(&s, id, "received", Some(due)).await;
    }
    let cases = [
        (boundary, vec!["early"]),
        (boundary + 1, vec!["early", "exact"]),
        (boundary - 1, vec![]),
        (boundary + 2, vec!["early", "exact", "late"]),
    ];
    for (before, want) in cases {
        let mut q = query(&["received"], 10);
        q.due_before = Some(at(before));
        assert_eq!(
            ids(&s.queue(&q).await.unwrap().items),
            want,
            "due_before = T0+{before}ms"
        );
    }
}

pub async fn queue_rejects_bad_requests<S: Store>(s: S) {
    let cases = [
        (query(&[], 10), "statuses"),
        (query(&["received"], 0), "limit"),
        (query(&["received"], 10_001), "limit"),
    ];
    for (q, field) in cases {
        match s.queue(&q).await {
            Err(StoreError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("expected Invalid {field}, got {other:?}"),
        }
    }
}
