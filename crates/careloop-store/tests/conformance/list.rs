//! Listing cases: records of a kind in an organization's scope, by id, keyset pages.

use careloop_store::{
    AccessGrant, AccessReason, ListQuery, OrgScope, Store, StoreError, StoredAggregate,
};

use super::{auth, batch, committed};

fn ids(items: &[StoredAggregate]) -> Vec<&str> {
    items.iter().map(|a| a.id.as_str()).collect()
}

fn list(kind: &str, org: OrgScope, after: Option<&str>, limit: u32) -> ListQuery {
    ListQuery {
        kind: kind.into(),
        org,
        after_id: after.map(str::to_owned),
        limit,
    }
}

/// Members (no due time) owned by two plans, one granted to a provider; another kind mixed in.
async fn seed<S: Store>(s: &S) {
    // (id, owner)
    let rows = [
        ("m-3", "plan-a"),
        ("m-1", "plan-a"),
        ("m-2", "plan-b"),
        ("m-5", "plan-a"),
        ("m-4", "plan-a"),
    ];
    for (id, owner) in rows {
        let mut b = batch("coordinator-1", 0);
        let mut w = auth(id, 0, "active", None);
        w.kind = "member".into();
        w.org_id = owner.into();
        w.member_id = Some(id.into());
        b.aggregates.push(w);
        committed(s, b).await;
    }
    let mut other = batch("coordinator-1", 0);
    let mut w = auth("m-0", 0, "received", None);
    w.org_id = "plan-a".into();
    w.member_id = Some("m-0".into());
    other.aggregates.push(w);
    other.grants.push(AccessGrant {
        org_id: "prov-1".into(),
        member_id: "m-4".into(),
        reason: AccessReason::Authorized,
    });
    other.grants.push(AccessGrant {
        org_id: "prov-1".into(),
        member_id: "m-2".into(),
        reason: AccessReason::Referred,
    });
    committed(s, other).await;
}

pub async fn list_by_owner_pages_by_id<S: Store>(s: S) {
    seed(&s).await;
    let owner = OrgScope::OwnedBy("plan-a".into());
    let first = s
        .list(&list("member", owner.clone(), None, 2))
        .await
        .unwrap();
    assert_eq!(ids(&first.items), ["m-1", "m-3"], "owner's only, by id");
    assert_eq!(first.next.as_deref(), Some("m-3"));
    let second = s
        .list(&list("member", owner.clone(), first.next.as_deref(), 2))
        .await
        .unwrap();
    assert_eq!(ids(&second.items), ["m-4", "m-5"]);
    let third = s
        .list(&list("member", owner.clone(), second.next.as_deref(), 2))
        .await
        .unwrap();
    assert!(
        third.items.is_empty(),
        "a full page may be followed by an empty one"
    );
    assert_eq!(third.next, None);
    let all = s.list(&list("member", owner, None, 10)).await.unwrap();
    assert_eq!(ids(&all.items), ["m-1", "m-3", "m-4", "m-5"]);
    assert_eq!(all.next, None, "a partial page is the last");
    assert_eq!(all.items[0].due_at, None);
}

pub async fn list_by_access_shows_only_granted_members<S: Store>(s: S) {
    seed(&s).await;
    let page = s
        .list(&list(
            "member",
            OrgScope::AccessibleTo("prov-1".into()),
            None,
            10,
        ))
        .await
        .unwrap();
    assert_eq!(
        ids(&page.items),
        ["m-2", "m-4"],
        "granted members, any owner"
    );
    let none = s
        .list(&list(
            "member",
            OrgScope::AccessibleTo("prov-2".into()),
            None,
            10,
        ))
        .await
        .unwrap();
    assert!(none.items.is_empty());
    let other_kind = s
        .list(&list(
            "auth-request",
            OrgScope::OwnedBy("plan-a".into()),
            None,
            10,
        ))
        .await
        .unwrap();
    assert_eq!(ids(&other_kind.items), ["m-0"], "kind is part of the scope");
}

pub async fn list_rejects_bad_limits<S: Store>(s: S) {
    for limit in [0, 10_001] {
        let q = list("member", OrgScope::OwnedBy("plan-a".into()), None, limit);
        assert!(
            matches!(
                s.list(&q).await,
                Err(StoreError::Invalid { field: "limit", .. })
            ),
            "limit {limit}"
        );
    }
}
