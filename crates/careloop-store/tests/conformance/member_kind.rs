//! `list_for_member` (issue #4, the staff UI's member page): one member's records of one kind,
//! optionally in an organization's scope, in id order, bounded by `limit`.

use careloop_store::{
    AccessGrant, AccessReason, AggregateWrite, MemberKindQuery, OrgScope, Store, StoreError,
    StoredAggregate,
};
use serde_json::json;

use super::{batch, committed};

fn row(kind: &str, id: &str, org: &str, member: &str) -> AggregateWrite {
    AggregateWrite {
        kind: kind.into(),
        id: id.into(),
        expected_version: 0,
        org_id: org.into(),
        member_id: Some(member.into()),
        status: "received".into(),
        due_at: None,
        plan_id: None,
        county: None,
        body: json!({ "id": id }),
    }
}

fn q(member: &str, org: Option<OrgScope>, limit: u32) -> MemberKindQuery {
    MemberKindQuery {
        kind: "auth-request".into(),
        member_id: member.into(),
        org,
        limit,
    }
}

fn ids(rows: Vec<StoredAggregate>) -> Vec<String> {
    rows.into_iter().map(|r| r.id).collect()
}

pub async fn list_for_member_reads_one_members_kind_in_scope<S: Store>(s: S) {
    let mut b = batch("coordinator-1", 0);
    for (kind, id, org, member) in [
        ("auth-request", "a-3", "plan-a", "m-1"),
        ("auth-request", "a-1", "plan-a", "m-1"),
        ("auth-request", "a-2", "plan-b", "m-1"),
        ("auth-request", "a-4", "plan-a", "m-2"),
        ("ecm-enrollment", "e-1", "plan-a", "m-1"),
    ] {
        b.aggregates.push(row(kind, id, org, member));
    }
    b.grants.push(AccessGrant {
        org_id: "prov-1".into(),
        member_id: "m-2".into(),
        reason: AccessReason::Authorized,
    });
    committed(&s, b).await;

    let all = ids(s.list_for_member(&q("m-1", None, 100)).await.unwrap());
    assert_eq!(all, ["a-1", "a-2", "a-3"], "kind and member only, id order");
    let owned = ids(s
        .list_for_member(&q("m-1", Some(OrgScope::OwnedBy("plan-a".into())), 100))
        .await
        .unwrap());
    assert_eq!(owned, ["a-1", "a-3"], "another plan's row is left out");
    let capped = ids(s.list_for_member(&q("m-1", None, 2)).await.unwrap());
    assert_eq!(capped, ["a-1", "a-2"], "limit bounds the read");
    let granted = ids(s
        .list_for_member(&q(
            "m-2",
            Some(OrgScope::AccessibleTo("prov-1".into())),
            100,
        ))
        .await
        .unwrap());
    assert_eq!(granted, ["a-4"]);
    let not_granted = s
        .list_for_member(&q(
            "m-1",
            Some(OrgScope::AccessibleTo("prov-1".into())),
            100,
        ))
        .await
        .unwrap();
    assert!(
        not_granted.is_empty(),
        "a provider sees only granted members"
    );
    let none = s.list_for_member(&q("m-9", None, 100)).await.unwrap();
    assert!(none.is_empty());
    for bad in [0, 10_001] {
        let err = s.list_for_member(&q("m-1", None, bad)).await.unwrap_err();
        assert!(matches!(err, StoreError::Invalid { .. }), "{err:?}");
    }
}
