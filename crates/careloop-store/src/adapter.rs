//! The one adapter, [`SqlStore`], generic over the engine's [`Dialect`]: the reads below and the
//! write path (adapter/write.rs) are written once in plain SQL for both engines. What differs per
//! engine is in the dialect (src/dialect.rs) and in how each opens its pools (src/sqlite.rs,
//! src/postgres.rs); [`crate::SqliteStore`] and [`crate::PostgresStore`] are this type for each.
//!
//! The `where` clauses of this impl and of the write path's are sqlx's own: what it takes to run
//! a query on a connection or pool of the engine, and to bind and decode the column types the
//! store uses (`&str`, `i64`, their options, JSON). Both concrete engines meet them.

mod many;
mod write;

use std::sync::Arc;

use serde_json::Value;
use sqlx::migrate::Migrate;
use sqlx::types::Json;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Pool, Type};

use crate::batch::WriteBatch;
use crate::dialect::{Dialect, Extra as _};
use crate::error::StoreError;
use crate::group::Pending;
use crate::migrations::migrator;
use crate::port::Store;
use crate::query::{
    self, AGGREGATE_COLUMNS, AuditFilter, KindListQuery, ListPage, ListQuery, MemberKindQuery,
    QueueCursor, QueueOrder, QueuePage, QueueQuery,
};
use crate::records::{AuditRecord, CommitReceipt, StoredAggregate, StoredEvent, StoredResponse};

/// A store on one engine: a pool for commits, a pool for reads, the batches waiting for a
/// writer (group commit, `crate::group`) and what the engine keeps beside its pools.
#[derive(Debug)]
pub struct SqlStore<D: Dialect> {
    /// Commits and migrations (SQLite: its one writer connection; PostgreSQL: a few
    /// connections, so concurrent batches wait in `pending` and commit in groups).
    writer: Pool<D>,
    /// Reads (SQLite: read-only connections).
    reader: Pool<D>,
    pending: Arc<Pending>,
    extra: D::Extra,
}

impl<D: Dialect> Clone for SqlStore<D> {
    fn clone(&self) -> Self {
        SqlStore {
            writer: self.writer.clone(),
            reader: self.reader.clone(),
            pending: Arc::clone(&self.pending),
            extra: self.extra.clone(),
        }
    }
}

impl<D: Dialect> SqlStore<D> {
    /// A store over opened pools.
    pub(crate) fn new(writer: Pool<D>, reader: Pool<D>, extra: D::Extra) -> Self {
        SqlStore {
            writer,
            reader,
            pending: Arc::new(Pending::default()),
            extra,
        }
    }

    /// What the engine keeps beside its pools.
    pub(crate) fn extra(&self) -> &D::Extra {
        &self.extra
    }

    /// The writer pool.
    pub(crate) fn writer(&self) -> &Pool<D> {
        &self.writer
    }

    /// Stops the engine's background work, then closes both pools.
    pub async fn close(&self) {
        self.extra.stop().await;
        self.reader.close().await;
        self.writer.close().await;
    }
}

/// One aggregate's events; the event-log SQL of each [`Dialect`] selects the same columns (a test
/// in src/dialect.rs checks it).
pub(crate) const EVENTS_FOR: &str = "SELECT seq, kind, aggregate_id, version, event_type, body, \
     actor, at FROM events WHERE kind = $1 AND aggregate_id = $2 ORDER BY version";

const SELECT_RESPONSE: &str = "SELECT request_hash, status_code, response_body, created_at \
     FROM idempotency WHERE actor = $1 AND key = $2";

impl<D> Store for SqlStore<D>
where
    D: Dialect,
    D::Connection: Migrate,
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    D::Arguments: IntoArguments<D>,
    &'static str: ColumnIndex<D::Row>,
    for<'q> &'q str: Encode<'q, D> + Type<D>,
    for<'q> Option<&'q str>: Encode<'q, D>,
    for<'q> i64: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> Option<i64>: Encode<'q, D>,
    for<'q> String: Decode<'q, D> + Type<D>,
    for<'q> Json<&'q Value>: Encode<'q, D> + Type<D>,
    for<'q> Json<Value>: Decode<'q, D> + Type<D>,
{
    async fn migrate(&self) -> Result<(), StoreError> {
        // On PostgreSQL sqlx takes an advisory lock, so concurrent starts migrate once.
        migrator(D::MIGRATIONS).run(&self.writer).await?;
        Ok(())
    }

    async fn commit(&self, batch: WriteBatch) -> Result<CommitReceipt, StoreError> {
        self.commit_grouped(batch).await
    }

    async fn commit_many(
        &self,
        batches: Vec<WriteBatch>,
    ) -> Result<Vec<Result<CommitReceipt, StoreError>>, StoreError> {
        self.commit_in_one(batches).await
    }

    async fn get(&self, kind: &str, id: &str) -> Result<Option<StoredAggregate>, StoreError> {
        let sql = format!("SELECT {AGGREGATE_COLUMNS} FROM aggregates WHERE kind = $1 AND id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(kind)
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(Self::aggregate).transpose()
    }

    async fn idempotent_response(
        &self,
        actor: &str,
        key: &str,
    ) -> Result<Option<StoredResponse>, StoreError> {
        let row = sqlx::query(SELECT_RESPONSE)
            .bind(actor)
            .bind(key)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(Self::response).transpose()
    }

    async fn queue(&self, q: &QueueQuery) -> Result<QueuePage, StoreError> {
        let sql = query::queue_sql(q, D::INDEX_HINTS)?;
        let items = self.fetch_aggregates(sql).await?;
        let full = u32::try_from(items.len()).map_or(true, |n| n >= q.limit);
        let next = match items.last() {
            Some(last) if full => match q.order {
                QueueOrder::Due => last.due_at,
                QueueOrder::Changed => Some(last.updated_at),
            }
            .map(|due_at| QueueCursor {
                due_at,
                id: last.id.clone(),
            }),
            _ => None,
        };
        Ok(QueuePage { items, next })
    }

    async fn list(&self, q: &ListQuery) -> Result<ListPage, StoreError> {
        let items = self.fetch_aggregates(query::list_sql(q)?).await?;
        let full = u32::try_from(items.len()).map_or(true, |n| n >= q.limit);
        let next = match items.last() {
            Some(last) if full => Some(last.id.clone()),
            _ => None,
        };
        Ok(ListPage { items, next })
    }

    async fn list_by_kind(&self, q: &KindListQuery) -> Result<Vec<StoredAggregate>, StoreError> {
        self.fetch_aggregates(query::kind_list_sql(q)?).await
    }

    async fn list_for_member(
        &self,
        q: &MemberKindQuery,
    ) -> Result<Vec<StoredAggregate>, StoreError> {
        self.fetch_aggregates(query::member_kind_sql(q)?).await
    }

    async fn events_for(&self, kind: &str, id: &str) -> Result<Vec<StoredEvent>, StoreError> {
        sqlx::query(EVENTS_FOR)
            .bind(kind)
            .bind(id)
            .fetch_all(&self.reader)
            .await?
            .iter()
            .map(Self::event)
            .collect()
    }

    /// Up to `limit` events after the event `seq` (from the start when `seq <= 0`) in the
    /// engine's commit-safe log order ([`Dialect::EVENT_LOG_AFTER`]). A `seq > 0` that is not an
    /// event's seq is refused: the position in the log would be unknown.
    async fn events_since(&self, seq: i64, limit: u32) -> Result<Vec<StoredEvent>, StoreError> {
        let limit = query::check_limit(limit)?;
        let rows = if seq <= 0 {
            sqlx::query(D::EVENT_LOG_FROM_START)
                .bind(limit)
                .fetch_all(&self.reader)
                .await?
        } else {
            let known = sqlx::query("SELECT seq FROM events WHERE seq = $1")
                .bind(seq)
                .fetch_optional(&self.reader)
                .await?;
            if known.is_none() {
                return Err(StoreError::invalid(
                    "seq",
                    format!("{seq} is not the seq of a stored event"),
                ));
            }
            sqlx::query(D::EVENT_LOG_AFTER)
                .bind(seq)
                .bind(limit)
                .fetch_all(&self.reader)
                .await?
        };
        rows.iter().map(Self::event).collect()
    }

    async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>, StoreError> {
        let rows = self.fetch(query::audit_sql(filter)?).await?;
        rows.iter().map(Self::audit_record).collect()
    }

    async fn has_access(&self, org_id: &str, member_id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT 1 AS granted FROM member_access WHERE org_id = $1 AND member_id = $2 LIMIT 1",
        )
        .bind(org_id)
        .bind(member_id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.is_some())
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1 FROM aggregates LIMIT 1")
            .fetch_optional(&self.reader)
            .await?;
        Ok(())
    }
}
