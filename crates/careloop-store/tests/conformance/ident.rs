//! Store additions for identity and the audit query (ident, issue #3): `list_by_kind` and
//! `AuditFilter::visible_to_owner`.

use careloop_store::{AggregateWrite, AuditEntry, AuditFilter, KindListQuery, OrgScope, Store};
use serde_json::json;

use super::{batch, committed};

fn row(kind: &str, id: &str, org: &str, member: Option<&str>, status: &str) -> AggregateWrite {
    AggregateWrite {
        kind: kind.into(),
        id: id.into(),
        expected_version: 0,
        org_id: org.into(),
        member_id: member.map(Into::into),
        status: status.into(),
        due_at: None,
        plan_id: None,
        county: None,
        body: json!({ "id": id }),
    }
}

pub async fn list_by_kind_pages_in_id_order_with_filters<S: Store>(s: S) {
    let mut b = batch("admin", 0);
    for (id, org, status) in [
        ("u-c", "org-1", "active"),
        ("u-a", "org-1", "active"),
        ("u-b", "org-2", "disabled"),
        ("u-d", "org-1", "disabled"),
    ] {
        b.aggregates.push(row("user", id, org, None, status));
    }
    b.aggregates
        .push(row("referral", "r-1", "plan-1", Some("m-1"), "received"));
    committed(&s, b).await;

    let q =
        |statuses: &[&str], org: Option<OrgScope>, after: Option<&str>, limit: u32| KindListQuery {
            kind: "user".into(),
            statuses: statuses.iter().map(|s| (*s).to_owned()).collect(),
            org,
            after_id: after.map(Into::into),
            limit,
        };
    let ids = |rows: Vec<careloop_store::StoredAggregate>| -> Vec<String> {
        rows.into_iter().map(|r| r.id).collect()
    };
    let all = ids(s.list_by_kind(&q(&[], None, None, 100)).await.unwrap());
    assert_eq!(all, ["u-a", "u-b", "u-c", "u-d"], "kind only, id order");
    let org1 = ids(s
        .list_by_kind(&q(&[], Some(OrgScope::OwnedBy("org-1".into())), None, 100))
        .await
        .unwrap());
    assert_eq!(org1, ["u-a", "u-c", "u-d"]);
    let active = ids(s
        .list_by_kind(&q(&["active", "active"], None, None, 100))
        .await
        .unwrap());
    assert_eq!(active, ["u-a", "u-c"]);
    let first = ids(s.list_by_kind(&q(&[], None, None, 2)).await.unwrap());
    assert_eq!(first, ["u-a", "u-b"]);
    let second = ids(s.list_by_kind(&q(&[], None, Some("u-b"), 2)).await.unwrap());
    assert_eq!(second, ["u-c", "u-d"]);
    assert!(
        s.list_by_kind(&q(&[], None, None, 0)).await.is_err(),
        "limit 0 is refused"
    );
}

pub async fn audit_visible_to_owner_joins_owned_members_and_own_org<S: Store>(s: S) {
    // plan-1 owns a record about m-1; plan-2 owns one about m-2.
    let mut b = batch("setup", 0);
    b.aggregates
        .push(row("referral", "r-1", "plan-1", Some("m-1"), "received"));
    b.aggregates
        .push(row("referral", "r-2", "plan-2", Some("m-2"), "received"));
    committed(&s, b).await;
    let line = |org: &str, action: &str, member: Option<&str>| AuditEntry {
        org_id: org.into(),
        action: action.into(),
        record_kind: "referral".into(),
        record_id: "r".into(),
        member_id: member.map(Into::into),
    };
    let mut b = batch("someone", 10);
    b.audit.push(line("provider-9", "read-m1", Some("m-1")));
    b.audit.push(line("provider-9", "read-m2", Some("m-2")));
    b.audit.push(line("plan-1", "plan1-own", None));
    b.audit.push(line("plan-2", "plan2-own", None));
    b.audit.push(line("plan-1", "plan1-about-m2", Some("m-2")));
    committed(&s, b).await;
    let seen = |owner: &str| {
        let s = &s;
        let owner = owner.to_owned();
        async move {
            s.audit(&AuditFilter {
                visible_to_owner: Some(owner),
                limit: 100,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.action)
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        seen("plan-1").await,
        ["read-m1", "plan1-own", "plan1-about-m2"]
    );
    assert_eq!(
        seen("plan-2").await,
        ["read-m2", "plan2-own", "plan1-about-m2"]
    );
    assert!(seen("plan-3").await.is_empty());
}
