//! Read-side queries (work queue, audit log) and the plain SQL they compile to. The SQL is the
//! same on SQLite and PostgreSQL (`$n` placeholders; see docs/storage.md for the EXPLAIN notes).

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::StoreError;

/// Largest page a queue or audit query returns.
pub const MAX_PAGE: u32 = 10_000;

/// Which organization's view of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrgScope {
    /// Records owned by this (plan) organization: `aggregates.org_id`.
    OwnedBy(String),
    /// Records about members this organization was granted access to (`member_access`): a
    /// provider sees only members referred, assigned or authorized to it.
    AccessibleTo(String),
}

/// Keyset position: the last (time, id) of the previous page, where the time is the queue's
/// sort time ([`QueueOrder`]): `due_at`, or `updated_at` for [`QueueOrder::Changed`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueCursor {
    pub due_at: Timestamp,
    pub id: String,
}

/// What a work queue is ordered by (issue #15 item 4: every list on an index).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum QueueOrder {
    /// (due_at, id), rows with a due time only: index `aggregates_queue`.
    #[default]
    Due,
    /// (updated_at, id), oldest change first (records that wait on someone without a due time,
    /// e.g. open referrals): index `aggregates_changed`. A row changed while a reader pages moves
    /// to its new place at the end, so it may be listed again there (it is a new wait).
    Changed,
}

impl QueueOrder {
    /// The time column of the order.
    fn column(self) -> &'static str {
        match self {
            QueueOrder::Due => "due_at",
            QueueOrder::Changed => "updated_at",
        }
    }

    /// The index whose column order is the queue's order after (kind, status).
    fn index(self) -> &'static str {
        match self {
            QueueOrder::Due => "aggregates_queue",
            QueueOrder::Changed => "aggregates_changed",
        }
    }
}

/// A work-queue page request: aggregates of `kind` in one of `statuses`, ordered by `order`
/// ((due_at, id) of the rows that have a `due_at`, by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    pub kind: String,
    /// At least one status.
    pub statuses: Vec<String>,
    pub org: Option<OrgScope>,
    pub plan_id: Option<String>,
    pub county: Option<String>,
    /// Only items due strictly before this instant (the at-risk boundary: `now + window`).
    pub due_before: Option<Timestamp>,
    /// 1..=10,000.
    pub limit: u32,
    /// Continue after this position (from [`QueuePage::next`]).
    pub after: Option<QueueCursor>,
    /// The sort order (default: due time).
    #[serde(default)]
    pub order: QueueOrder,
}

impl QueueQuery {
    /// A first page of `kind` in `statuses`, no other filter.
    pub fn new(kind: impl Into<String>, statuses: &[&str], limit: u32) -> Self {
        QueueQuery {
            kind: kind.into(),
            statuses: statuses.iter().map(|s| (*s).to_owned()).collect(),
            org: None,
            plan_id: None,
            county: None,
            due_before: None,
            limit,
            after: None,
            order: QueueOrder::Due,
        }
    }
}

/// One queue page. `next` is set when the page is full; the following page may be empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    pub items: Vec<crate::StoredAggregate>,
    pub next: Option<QueueCursor>,
}

/// A plain listing of one kind of aggregate in id order (ident, issue #3: organizations, users,
/// open referrals). Reads the primary key `(kind, id)` range; `statuses` empty means any status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KindListQuery {
    pub kind: String,
    #[serde(default)]
    pub statuses: Vec<String>,
    #[serde(default)]
    pub org: Option<OrgScope>,
    /// Continue after this id (the last id of the previous page).
    #[serde(default)]
    pub after_id: Option<String>,
    /// 1..=10,000.
    pub limit: u32,
}

/// A listing page request (records without a due time, e.g. members): aggregates of `kind` in
/// `org`'s scope, ordered by id, keyset-paginated (index `aggregates_owner (kind, org_id, id)` for
/// `OwnedBy`; the primary key plus `member_access` for `AccessibleTo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    pub kind: String,
    pub org: OrgScope,
    /// Continue after this id (from [`ListPage::next`]).
    pub after_id: Option<String>,
    /// 1..=10,000.
    pub limit: u32,
}

/// One listing page. `next` (the last id) is set when the page is full; the following page may
/// be empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListPage {
    pub items: Vec<crate::StoredAggregate>,
    pub next: Option<String>,
}

/// One member's aggregates of one kind (the staff UI's member page, issue #4): rows with
/// `member_id` and `kind`, optionally in `org`'s scope, in id order. Reads the
/// `aggregates_member (member_id)` index, so the cost is the member's own rows, not the
/// organization's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberKindQuery {
    pub kind: String,
    pub member_id: String,
    #[serde(default)]
    pub org: Option<OrgScope>,
    /// 1..=10,000.
    pub limit: u32,
}

/// Audit-log filter; every set field must match. Lines come in `seq` order after `after_seq`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub org_id: Option<String>,
    pub member_id: Option<String>,
    pub record_kind: Option<String>,
    pub record_id: Option<String>,
    /// Only lines a plan organization may read (ident, issue #3): lines written by users of this
    /// organization (`org_id`) OR about a member of a record this organization owns
    /// (`aggregates.org_id`, joined on `member_id` through the `aggregates_member` index).
    #[serde(default)]
    pub visible_to_owner: Option<String>,
    #[serde(default)]
    pub after_seq: i64,
    /// 1..=10,000.
    pub limit: u32,
}

/// A read query whose plan [`crate::adapter::SqlStore::query_plan`] shows (the EXPLAIN tests:
/// every list and queue reads an index range in its order, never a full scan and a sort).
#[derive(Debug, Clone, Copy)]
pub enum PlannedQuery<'a> {
    Queue(&'a QueueQuery),
    List(&'a ListQuery),
    KindList(&'a KindListQuery),
}

impl PlannedQuery<'_> {
    /// The SQL the store runs for this query.
    pub(crate) fn sql(self, index_hints: bool) -> Result<Sql, StoreError> {
        match self {
            PlannedQuery::Queue(q) => queue_sql(q, index_hints),
            PlannedQuery::List(q) => list_sql(q),
            PlannedQuery::KindList(q) => kind_list_sql(q),
        }
    }
}

/// A value bound to a `$n` placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bind {
    Text(String),
    Int(i64),
}

/// SQL text plus its binds in placeholder order.
#[derive(Debug, Default)]
pub(crate) struct Sql {
    pub text: String,
    pub binds: Vec<Bind>,
}

impl Sql {
    /// Adds a bind and returns its placeholder.
    fn bind(&mut self, b: Bind) -> String {
        self.binds.push(b);
        format!("${}", self.binds.len())
    }
}

pub(crate) const AGGREGATE_COLUMNS: &str = "kind, id, version, org_id, member_id, status, due_at, \
     plan_id, county, body, created_at, updated_at";

pub(crate) fn check_limit(limit: u32) -> Result<i64, StoreError> {
    if limit == 0 || limit > MAX_PAGE {
        return Err(StoreError::invalid(
            "limit",
            format!("{limit} is outside 1..={MAX_PAGE}"),
        ));
    }
    Ok(i64::from(limit))
}

/// The queue query: one index range scan per status, merged by (time, id), on
/// `aggregates_queue (kind, status, due_at, id, …)` for [`QueueOrder::Due`] or
/// `aggregates_changed (kind, status, updated_at, id, …)` for [`QueueOrder::Changed`]. Each arm
/// is already limited, so the merge reads at most `limit` rows per status.
///
/// SQLite without a county filter is told to use the order's index (`INDEXED BY`, when
/// `index_hints`: [`crate::dialect::Dialect::INDEX_HINTS`]): with the statistics of a large table
/// its planner otherwise prefers the equality prefix of
/// `aggregates_queue_county (kind, status, org_id, …)` and sorts the owner's whole open queue
/// (at 1,000,000 rows: ~15 ms instead of ~1 ms a page; BENCHMARKS.md). A county filter on the
/// due-time queue keeps the planner's choice (`aggregates_queue_county`, already in queue order).
pub(crate) fn queue_sql(q: &QueueQuery, index_hints: bool) -> Result<Sql, StoreError> {
    let limit = check_limit(q.limit)?;
    let mut statuses: Vec<&str> = q.statuses.iter().map(String::as_str).collect();
    statuses.sort_unstable();
    statuses.dedup();
    if statuses.is_empty() {
        return Err(StoreError::invalid(
            "statuses",
            "at least one status is needed",
        ));
    }
    let mut sql = Sql::default();
    let kind = sql.bind(Bind::Text(q.kind.clone()));
    let lim = sql.bind(Bind::Int(limit));
    let time = q.order.column();
    let mut common = match q.order {
        QueueOrder::Due => String::from(" AND a.due_at IS NOT NULL"),
        QueueOrder::Changed => String::new(),
    };
    if let Some(before) = q.due_before {
        let p = sql.bind(Bind::Int(before.as_millisecond()));
        common.push_str(&format!(" AND a.due_at < {p}"));
    }
    if let Some(after) = &q.after {
        let d = sql.bind(Bind::Int(after.due_at.as_millisecond()));
        let i = sql.bind(Bind::Text(after.id.clone()));
        common.push_str(&format!(" AND (a.{time}, a.id) > ({d}, {i})"));
    }
    let org = org_condition(&mut sql, &q.org);
    common.push_str(&org);
    if let Some(plan) = &q.plan_id {
        let p = sql.bind(Bind::Text(plan.clone()));
        common.push_str(&format!(" AND a.plan_id = {p}"));
    }
    if let Some(county) = &q.county {
        let p = sql.bind(Bind::Text(county.clone()));
        common.push_str(&format!(" AND a.county = {p}"));
    }
    let hint = match (&q.county, q.order) {
        (Some(_), QueueOrder::Due) => String::new(),
        _ if index_hints => format!(" INDEXED BY {}", q.order.index()),
        _ => String::new(),
    };
    let arm = |status: &str| {
        format!(
            "SELECT {AGGREGATE_COLUMNS} FROM aggregates a{hint} WHERE a.kind = {kind} \
             AND a.status = {status}{common} ORDER BY a.{time}, a.id LIMIT {lim}"
        )
    };
    if let [only] = statuses.as_slice() {
        let s = sql.bind(Bind::Text((*only).to_owned()));
        sql.text = arm(&s);
    } else {
        let mut arms = Vec::with_capacity(statuses.len());
        for (n, status) in statuses.iter().enumerate() {
            let s = sql.bind(Bind::Text((*status).to_owned()));
            arms.push(format!("SELECT * FROM ({}) AS q{n}", arm(&s)));
        }
        sql.text = format!(
            "{} ORDER BY {time}, id LIMIT {lim}",
            arms.join(" UNION ALL ")
        );
    }
    Ok(sql)
}

/// The org-scope condition on `aggregates a`, shared by the queue and the kind listing.
fn org_condition(sql: &mut Sql, org: &Option<OrgScope>) -> String {
    match org {
        Some(OrgScope::OwnedBy(org)) => {
            let p = sql.bind(Bind::Text(org.clone()));
            format!(" AND a.org_id = {p}")
        }
        Some(OrgScope::AccessibleTo(org)) => {
            let p = sql.bind(Bind::Text(org.clone()));
            format!(
                " AND EXISTS (SELECT 1 FROM member_access m \
                 WHERE m.org_id = {p} AND m.member_id = a.member_id)"
            )
        }
        None => String::new(),
    }
}

pub(crate) fn kind_list_sql(q: &KindListQuery) -> Result<Sql, StoreError> {
    let limit = check_limit(q.limit)?;
    let mut sql = Sql::default();
    let kind = sql.bind(Bind::Text(q.kind.clone()));
    let mut text = format!("SELECT {AGGREGATE_COLUMNS} FROM aggregates a WHERE a.kind = {kind}");
    let mut statuses: Vec<&str> = q.statuses.iter().map(String::as_str).collect();
    statuses.sort_unstable();
    statuses.dedup();
    if !statuses.is_empty() {
        let list: Vec<String> = statuses
            .iter()
            .map(|s| sql.bind(Bind::Text((*s).to_owned())))
            .collect();
        text.push_str(&format!(" AND a.status IN ({})", list.join(", ")));
    }
    let org = org_condition(&mut sql, &q.org);
    text.push_str(&org);
    if let Some(after) = &q.after_id {
        let p = sql.bind(Bind::Text(after.clone()));
        text.push_str(&format!(" AND a.id > {p}"));
    }
    let lim = sql.bind(Bind::Int(limit));
    text.push_str(&format!(" ORDER BY a.id LIMIT {lim}"));
    sql.text = text;
    Ok(sql)
}

pub(crate) fn member_kind_sql(q: &MemberKindQuery) -> Result<Sql, StoreError> {
    let limit = check_limit(q.limit)?;
    let mut sql = Sql::default();
    let member = sql.bind(Bind::Text(q.member_id.clone()));
    let kind = sql.bind(Bind::Text(q.kind.clone()));
    // `a.kind || ''` keeps SQLite (no ANALYZE statistics) off the `(kind, org_id, id)` and
    // `(kind, id)` indexes, which it otherwise prefers for two equalities: those read every row of
    // the organization's (or the whole) kind. With it the plan is `SEARCH a USING INDEX
    // aggregates_member (member_id=?)`; PostgreSQL plans by its statistics either way.
    let mut text = format!(
        "SELECT {AGGREGATE_COLUMNS} FROM aggregates a \
         WHERE a.member_id = {member} AND a.kind || '' = {kind}"
    );
    let org = org_condition(&mut sql, &q.org);
    text.push_str(&org);
    let lim = sql.bind(Bind::Int(limit));
    text.push_str(&format!(" ORDER BY a.id LIMIT {lim}"));
    sql.text = text;
    Ok(sql)
}

pub(crate) fn audit_sql(f: &AuditFilter) -> Result<Sql, StoreError> {
    let limit = check_limit(f.limit)?;
    let mut sql = Sql::default();
    let after = sql.bind(Bind::Int(f.after_seq));
    let mut text = format!(
        "SELECT seq, actor, actor_org_id, org_id, action, record_kind, record_id, member_id, at \
         FROM audit_log WHERE seq > {after}"
    );
    let fields = [
        ("actor", &f.actor),
        ("org_id", &f.org_id),
        ("member_id", &f.member_id),
        ("record_kind", &f.record_kind),
        ("record_id", &f.record_id),
    ];
    for (column, value) in fields {
        if let Some(v) = value {
            let p = sql.bind(Bind::Text(v.clone()));
            text.push_str(&format!(" AND {column} = {p}"));
        }
    }
    if let Some(owner) = &f.visible_to_owner {
        let p = sql.bind(Bind::Text(owner.clone()));
        text.push_str(&format!(
            " AND (org_id = {p} OR EXISTS (SELECT 1 FROM aggregates a \
             WHERE a.member_id = audit_log.member_id AND a.org_id = {p}))"
        ));
    }
    let lim = sql.bind(Bind::Int(limit));
    text.push_str(&format!(" ORDER BY seq LIMIT {lim}"));
    sql.text = text;
    Ok(sql)
}

/// The listing query: a range scan on `aggregates_owner (kind, org_id, id)` (owner scope) or on
/// the primary key `(kind, id)` with a `member_access` primary-key probe (access scope).
pub(crate) fn list_sql(q: &ListQuery) -> Result<Sql, StoreError> {
    let limit = check_limit(q.limit)?;
    let mut sql = Sql::default();
    let kind = sql.bind(Bind::Text(q.kind.clone()));
    let mut text = format!("SELECT {AGGREGATE_COLUMNS} FROM aggregates a WHERE a.kind = {kind}");
    match &q.org {
        OrgScope::OwnedBy(org) => {
            let p = sql.bind(Bind::Text(org.clone()));
            text.push_str(&format!(" AND a.org_id = {p}"));
        }
        OrgScope::AccessibleTo(org) => {
            let p = sql.bind(Bind::Text(org.clone()));
            text.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM member_access m \
                 WHERE m.org_id = {p} AND m.member_id = a.member_id)"
            ));
        }
    }
    if let Some(after) = &q.after_id {
        let p = sql.bind(Bind::Text(after.clone()));
        text.push_str(&format!(" AND a.id > {p}"));
    }
    let lim = sql.bind(Bind::Int(limit));
    text.push_str(&format!(" ORDER BY a.id LIMIT {lim}"));
    sql.text = text;
    Ok(sql)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::Dialect as _;

    const SQLITE: bool = sqlx::Sqlite::INDEX_HINTS;
    const POSTGRES: bool = sqlx::Postgres::INDEX_HINTS;

    #[test]
    fn queue_sql_uses_one_indexed_arm_per_status() -> Result<(), StoreError> {
        let mut q = QueueQuery::new("auth", &["pended", "received", "pended"], 50);
        q.org = Some(OrgScope::AccessibleTo("org-1".into()));
        let sql = queue_sql(&q, POSTGRES)?;
        assert_eq!(sql.text.matches("UNION ALL").count(), 1, "{}", sql.text);
        assert_eq!(sql.text.matches("member_access").count(), 2);
        // kind, limit, org, then one bind per distinct status
        assert_eq!(sql.binds.len(), 5);
        Ok(())
    }

    #[test]
    fn sqlite_queue_without_county_names_the_queue_index() -> Result<(), StoreError> {
        let mut q = QueueQuery::new("auth", &["pended", "received"], 50);
        q.org = Some(OrgScope::OwnedBy("org-1".into()));
        let sqlite = queue_sql(&q, SQLITE)?;
        assert_eq!(
            sqlite.text.matches("INDEXED BY aggregates_queue ").count(),
            2,
            "{}",
            sqlite.text
        );
        assert!(!queue_sql(&q, POSTGRES)?.text.contains("INDEXED"));
        q.county = Some("Alameda".into());
        assert!(!queue_sql(&q, SQLITE)?.text.contains("INDEXED"));
        Ok(())
    }

    #[test]
    fn changed_order_sorts_by_updated_at_on_its_index() -> Result<(), StoreError> {
        let mut q = QueueQuery::new("referral", &["received", "assigned"], 50);
        q.order = QueueOrder::Changed;
        q.county = Some("Alameda".into());
        q.after = Some(QueueCursor {
            due_at: Timestamp::UNIX_EPOCH,
            id: "r-1".into(),
        });
        let sqlite = queue_sql(&q, SQLITE)?;
        assert_eq!(
            sqlite
                .text
                .matches("INDEXED BY aggregates_changed ")
                .count(),
            2,
            "{}",
            sqlite.text
        );
        assert!(
            sqlite.text.contains("(a.updated_at, a.id) > ("),
            "{}",
            sqlite.text
        );
        assert!(sqlite.text.ends_with("ORDER BY updated_at, id LIMIT $2"));
        assert!(!sqlite.text.contains("due_at IS NOT NULL"));
        assert!(!queue_sql(&q, POSTGRES)?.text.contains("INDEXED"));
        Ok(())
    }

    #[test]
    fn member_kind_sql_leads_with_the_member_and_keeps_kind_off_the_index() -> Result<(), StoreError>
    {
        let q = MemberKindQuery {
            kind: "authorization".into(),
            member_id: "m-1".into(),
            org: Some(OrgScope::OwnedBy("plan-1".into())),
            limit: 10,
        };
        let sql = member_kind_sql(&q)?;
        assert!(
            sql.text
                .contains("WHERE a.member_id = $1 AND a.kind || '' = $2 AND a.org_id = $3"),
            "{}",
            sql.text
        );
        assert_eq!(sql.binds.len(), 4);
        Ok(())
    }

    #[test]
    fn queue_sql_rejects_empty_statuses_and_bad_limits() {
        let no_status = QueueQuery::new("auth", &[], 10);
        assert!(matches!(
            queue_sql(&no_status, POSTGRES),
            Err(StoreError::Invalid {
                field: "statuses",
                ..
            })
        ));
        for limit in [0, MAX_PAGE + 1] {
            let q = QueueQuery::new("auth", &["pended"], limit);
            assert!(matches!(
                queue_sql(&q, POSTGRES),
                Err(StoreError::Invalid { field: "limit", .. })
            ));
        }
    }
}
