//! The store operations, written once in plain SQL and expanded for each engine by
//! [`store_ops!`] (sqlx's traits make a generic version unreadable; the SQL and the logic are
//! identical on SQLite and PostgreSQL, only the driver types differ). This file holds the row
//! decoding and the reads; the write path (`commit_batch`, `commit_grouped` and the multi-row
//! inserts) is [`store_write_ops!`] (ops/write.rs), expanded by `store_ops!` into the same module.

mod write;
pub(crate) use write::store_write_ops;

use jiff::Timestamp;

use crate::batch::WriteBatch;
use crate::error::StoreError;

/// Epoch milliseconds read from `table.column` as a timestamp.
pub(crate) fn timestamp(
    ms: i64,
    table: &'static str,
    column: &'static str,
) -> Result<Timestamp, StoreError> {
    Timestamp::from_millisecond(ms).map_err(|e| StoreError::corrupt(table, column, e))
}

/// Rejects batches the schema would reject anyway, naming the field instead of a SQL error.
pub(crate) fn validate(batch: &WriteBatch) -> Result<(), StoreError> {
    if batch.actor.trim().is_empty() {
        return Err(StoreError::invalid("actor", "must not be empty"));
    }
    for w in &batch.aggregates {
        if w.kind.is_empty() || w.id.is_empty() {
            return Err(StoreError::invalid(
                "aggregate.kind/id",
                "must not be empty",
            ));
        }
        if w.expected_version < 0 || w.expected_version == i64::MAX {
            return Err(StoreError::invalid(
                "aggregate.expected_version",
                format!(
                    "{} for {} {} is not a version",
                    w.expected_version, w.kind, w.id
                ),
            ));
        }
    }
    for e in &batch.events {
        if e.version < 1 {
            return Err(StoreError::invalid(
                "event.version",
                format!(
                    "{} for {} {} must be >= 1",
                    e.version, e.kind, e.aggregate_id
                ),
            ));
        }
    }
    if let Some(idem) = &batch.idempotency {
        if idem.key.is_empty() {
            return Err(StoreError::invalid("idempotency.key", "must not be empty"));
        }
        if !(100..=599).contains(&idem.status_code) {
            return Err(StoreError::invalid(
                "idempotency.status_code",
                format!("{} is not an HTTP status", idem.status_code),
            ));
        }
    }
    Ok(())
}

/// The two queries of `events_since` for one engine: `from_start` binds `$1` = limit, `after`
/// binds `$1` = the cursor seq and `$2` = limit. Both select [`EVENT_COLUMNS`].
pub(crate) struct EventLogSql {
    pub from_start: &'static str,
    pub after: &'static str,
}

/// The `events` columns a [`crate::StoredEvent`] is read from.
macro_rules! event_columns {
    () => {
        "seq, kind, aggregate_id, version, event_type, body, actor, at"
    };
}
pub(crate) use event_columns;

/// Rows per multi-row INSERT for `remaining` rows (audit lines; a group commit's rows of each
/// table): the largest power of two up to 64, so only 7 statement shapes exist per table (each
/// engine caches prepared statements by text) and a statement has at most 768 parameters, well
/// under both engines' limits.
pub(crate) fn audit_chunk(remaining: usize) -> usize {
    match remaining {
        0 => 0,
        n if n >= 64 => 64,
        n => 1 << (usize::BITS - 1 - n.leading_zeros()),
    }
}

/// `($1, …, $cols), ($cols+1, …), …` for `rows` rows of `cols` parameters.
pub(crate) fn values_sql(rows: usize, cols: usize) -> String {
    let mut sql = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * cols + c + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// Expands the operations for one sqlx database type inside the calling module.
macro_rules! store_ops {
    ($db:ty) => {
        use sqlx::Row as _;
        use sqlx::types::Json;

        use $crate::batch::WriteBatch;
        use $crate::error::StoreError;
        use $crate::ops::timestamp;
        use $crate::query::{AGGREGATE_COLUMNS, AuditFilter, Bind, ListPage, ListQuery, QueueCursor, QueuePage, QueueQuery, Sql};
        use $crate::batch::{AccessGrant, AggregateWrite, AuditEntry, IdempotencyRecord, NewEvent};
        use $crate::records::{
            AggregateVersion, AuditRecord, CommitReceipt, Committed, StoredAggregate,
            StoredEvent, StoredResponse,
        };

        type Conn = <$db as sqlx::Database>::Connection;
        type DbRow = <$db as sqlx::Database>::Row;
        /// (actor, actor's organization, at, line) of one audit row to insert.
        type AuditRow<'a> = (&'a str, Option<&'a str>, i64, &'a AuditEntry);
        type DbPool = sqlx::Pool<$db>;

        fn col<'r, T>(row: &'r DbRow, table: &'static str, column: &'static str) -> Result<T, StoreError>
        where
            T: sqlx::Decode<'r, $db> + sqlx::Type<$db>,
        {
            row.try_get::<T, _>(column)
                .map_err(|e| StoreError::corrupt(table, column, e))
        }

        fn time(row: &DbRow, table: &'static str, column: &'static str) -> Result<jiff::Timestamp, StoreError> {
            timestamp(col::<i64>(row, table, column)?, table, column)
        }

        fn aggregate(row: &DbRow) -> Result<StoredAggregate, StoreError> {
            const T: &str = "aggregates";
            let due_at = match col::<Option<i64>>(row, T, "due_at")? {
                Some(ms) => Some(timestamp(ms, T, "due_at")?),
                None => None,
            };
            Ok(StoredAggregate {
                kind: col(row, T, "kind")?,
                id: col(row, T, "id")?,
                version: col(row, T, "version")?,
                org_id: col(row, T, "org_id")?,
                member_id: col(row, T, "member_id")?,
                status: col(row, T, "status")?,
                due_at,
                plan_id: col(row, T, "plan_id")?,
                county: col(row, T, "county")?,
                body: col::<Json<serde_json::Value>>(row, T, "body")?.0,
                created_at: time(row, T, "created_at")?,
                updated_at: time(row, T, "updated_at")?,
            })
        }

        fn event(row: &DbRow) -> Result<StoredEvent, StoreError> {
            const T: &str = "events";
            Ok(StoredEvent {
                seq: col(row, T, "seq")?,
                kind: col(row, T, "kind")?,
                aggregate_id: col(row, T, "aggregate_id")?,
                version: col(row, T, "version")?,
                event_type: col(row, T, "event_type")?,
                body: col::<Json<serde_json::Value>>(row, T, "body")?.0,
                actor: col(row, T, "actor")?,
                at: time(row, T, "at")?,
            })
        }

        fn audit_record(row: &DbRow) -> Result<AuditRecord, StoreError> {
            const T: &str = "audit_log";
            Ok(AuditRecord {
                seq: col(row, T, "seq")?,
                actor: col(row, T, "actor")?,
                org_id: col(row, T, "org_id")?,
                action: col(row, T, "action")?,
                record_kind: col(row, T, "record_kind")?,
                record_id: col(row, T, "record_id")?,
                member_id: col(row, T, "member_id")?,
                actor_org_id: col(row, T, "actor_org_id")?,
                at: time(row, T, "at")?,
            })
        }

        fn response(row: &DbRow) -> Result<StoredResponse, StoreError> {
            const T: &str = "idempotency";
            let code: i64 = col(row, T, "status_code")?;
            Ok(StoredResponse {
                request_hash: col(row, T, "request_hash")?,
                status_code: u16::try_from(code)
                    .map_err(|e| StoreError::corrupt(T, "status_code", e))?,
                response_body: col(row, T, "response_body")?,
                created_at: time(row, T, "created_at")?,
            })
        }

        async fn fetch_sql(pool: &DbPool, sql: Sql) -> Result<Vec<DbRow>, StoreError> {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.text));
            for b in sql.binds {
                q = match b {
                    Bind::Text(s) => q.bind(s),
                    Bind::Int(i) => q.bind(i),
                };
            }
            Ok(q.fetch_all(pool).await?)
        }

        const SELECT_RESPONSE: &str = "SELECT request_hash, status_code, response_body, created_at \
             FROM idempotency WHERE actor = $1 AND key = $2";

        pub(crate) async fn get(pool: &DbPool, kind: &str, id: &str) -> Result<Option<StoredAggregate>, StoreError> {
            let sql = format!("SELECT {AGGREGATE_COLUMNS} FROM aggregates WHERE kind = $1 AND id = $2");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(kind)
                .bind(id)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(aggregate).transpose()
        }

        pub(crate) async fn idempotent_response(pool: &DbPool, actor: &str, key: &str) -> Result<Option<StoredResponse>, StoreError> {
            let row = sqlx::query(SELECT_RESPONSE)
                .bind(actor)
                .bind(key)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(response).transpose()
        }

        pub(crate) async fn queue(
            pool: &DbPool,
            q: &QueueQuery,
            dialect: $crate::query::Dialect,
        ) -> Result<QueuePage, StoreError> {
            let sql = $crate::query::queue_sql(q, dialect)?;
            let items = fetch_sql(pool, sql)
                .await?
                .iter()
                .map(aggregate)
                .collect::<Result<Vec<_>, _>>()?;
            let full = u32::try_from(items.len()).map_or(true, |n| n >= q.limit);
            let next = match items.last() {
                Some(last) if full => last.due_at.map(|due_at| QueueCursor {
                    due_at,
                    id: last.id.clone(),
                }),
                _ => None,
            };
            Ok(QueuePage { items, next })
        }

        pub(crate) async fn list(pool: &DbPool, q: &ListQuery) -> Result<ListPage, StoreError> {
            let sql = $crate::query::list_sql(q)?;
            let items = fetch_sql(pool, sql)
                .await?
                .iter()
                .map(aggregate)
                .collect::<Result<Vec<_>, _>>()?;
            let full = u32::try_from(items.len()).map_or(true, |n| n >= q.limit);
            let next = match items.last() {
                Some(last) if full => Some(last.id.clone()),
                _ => None,
            };
            Ok(ListPage { items, next })
        }

        pub(crate) async fn list_by_kind(pool: &DbPool, q: &$crate::query::KindListQuery) -> Result<Vec<StoredAggregate>, StoreError> {
            let sql = $crate::query::kind_list_sql(q)?;
            fetch_sql(pool, sql).await?.iter().map(aggregate).collect()
        }

        pub(crate) async fn list_for_member(pool: &DbPool, q: &$crate::query::MemberKindQuery) -> Result<Vec<StoredAggregate>, StoreError> {
            let sql = $crate::query::member_kind_sql(q)?;
            fetch_sql(pool, sql).await?.iter().map(aggregate).collect()
        }

        pub(crate) async fn events_for(pool: &DbPool, kind: &str, id: &str) -> Result<Vec<StoredEvent>, StoreError> {
            sqlx::query(
                "SELECT seq, kind, aggregate_id, version, event_type, body, actor, at FROM events \
                 WHERE kind = $1 AND aggregate_id = $2 ORDER BY version",
            )
            .bind(kind)
            .bind(id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(event)
            .collect()
        }

        /// Up to `limit` events after the event `seq` (from the start when `seq <= 0`) in the
        /// engine's commit-safe log order ([`$crate::ops::EventLogSql`]). A `seq > 0` that is
        /// not an event's seq is refused: the position in the log would be unknown.
        pub(crate) async fn events_since(
            pool: &DbPool,
            seq: i64,
            limit: u32,
            sql: &$crate::ops::EventLogSql,
        ) -> Result<Vec<StoredEvent>, StoreError> {
            let limit = $crate::query::check_limit(limit)?;
            let rows = if seq <= 0 {
                sqlx::query(sql.from_start).bind(limit).fetch_all(pool).await?
            } else {
                let known = sqlx::query("SELECT seq FROM events WHERE seq = $1")
                    .bind(seq)
                    .fetch_optional(pool)
                    .await?;
                if known.is_none() {
                    return Err(StoreError::invalid(
                        "seq",
                        format!("{seq} is not the seq of a stored event"),
                    ));
                }
                sqlx::query(sql.after).bind(seq).bind(limit).fetch_all(pool).await?
            };
            rows.iter().map(event).collect()
        }

        pub(crate) async fn audit(pool: &DbPool, f: &AuditFilter) -> Result<Vec<AuditRecord>, StoreError> {
            let sql = $crate::query::audit_sql(f)?;
            fetch_sql(pool, sql).await?.iter().map(audit_record).collect()
        }

        pub(crate) async fn has_access(pool: &DbPool, org_id: &str, member_id: &str) -> Result<bool, StoreError> {
            let row = sqlx::query(
                "SELECT 1 AS granted FROM member_access WHERE org_id = $1 AND member_id = $2 LIMIT 1",
            )
            .bind(org_id)
            .bind(member_id)
            .fetch_optional(pool)
            .await?;
            Ok(row.is_some())
        }

        $crate::ops::store_write_ops!($db);
    };
}

pub(crate) use store_ops;

#[cfg(test)]
mod tests {
    use super::{audit_chunk, values_sql};

    #[test]
    fn values_sql_numbers_parameters_row_by_row() {
        assert_eq!(values_sql(1, 1), "($1)");
        assert_eq!(values_sql(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_sql(0, 3), "");
    }

    #[test]
    fn audit_chunks_are_powers_of_two_up_to_64_and_cover_everything() {
        assert_eq!(audit_chunk(0), 0);
        assert_eq!(audit_chunk(1), 1);
        assert_eq!(audit_chunk(3), 2);
        assert_eq!(audit_chunk(50), 32);
        assert_eq!(audit_chunk(64), 64);
        assert_eq!(audit_chunk(1000), 64);
        for total in 0..300 {
            let (mut left, mut shapes) = (total, std::collections::BTreeSet::new());
            while left > 0 {
                let n = audit_chunk(left);
                assert!(n >= 1 && n <= left && n.is_power_of_two() && n <= 64);
                shapes.insert(n);
                left -= n;
            }
            assert!(shapes.len() <= 7);
        }
    }
}
