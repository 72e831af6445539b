//! PostgreSQL adapter: plans at scale. Default durable settings (`fsync=on`,
//! `synchronous_commit=on`): a commit returns after its WAL record is flushed. READ COMMITTED
//! transactions; optimistic concurrency is enforced by `UPDATE ... WHERE version = expected`,
//! which re-checks the row after a concurrent writer commits.

use std::str::FromStr;
use std::sync::Arc;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::batch::WriteBatch;
use crate::error::StoreError;
use crate::group::Pending;
use crate::migrations::{Engine, migrator};
use crate::port::Store;
use crate::query::{
    AuditFilter, KindListQuery, ListPage, ListQuery, MemberKindQuery, QueuePage, QueueQuery,
};
use crate::records::{AuditRecord, CommitReceipt, StoredAggregate, StoredEvent, StoredResponse};

mod ops {
    crate::ops::store_ops!(sqlx::Postgres);
}

/// Connections for commits (measured on 2 cores at 2,000 rows, 32–64 clients: 2 → 1,714/s,
/// 3 → 1,880/s, 4 → 2,120/s, 8 → 2,021/s, 16 (one shared pool) → 1,556/s; BENCHMARKS.md).
const WRITERS: u32 = 4;
/// Connections for reads and migrations.
const CONNECTIONS: u32 = 16;

/// Commit-safe log order on PostgreSQL (migration 0002, docs/storage.md "Event log order"): an
/// identity seq is taken at INSERT, so transactions can commit out of seq order. The log is read
/// in (xid, seq) order, and only events of transactions older than every running transaction
/// (`xid < pg_snapshot_xmin(pg_current_snapshot())`): those are final, and every event committed
/// later has an xid at or above that bound, so it sorts after everything already returned.
const EVENT_LOG: crate::ops::EventLogSql = crate::ops::EventLogSql {
    from_start: concat!(
        "SELECT ",
        crate::ops::event_columns!(),
        " FROM events WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) \
         ORDER BY xid, seq LIMIT $1"
    ),
    after: concat!(
        "SELECT ",
        crate::ops::event_columns!(),
        " FROM events WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) \
         AND (xid, seq) > ((SELECT c.xid FROM events c WHERE c.seq = $1), $1) \
         ORDER BY xid, seq LIMIT $2"
    ),
};

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    /// Reads and migrations.
    pool: PgPool,
    /// Commits only: few connections, so concurrent batches wait in `pending` and commit in
    /// groups (one WAL flush each) instead of spreading over many backends.
    writers: PgPool,
    /// Batches waiting for a writer connection (group commit, `crate::group`).
    pending: Arc<Pending>,
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/db`). Run [`Store::migrate`] before use.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|_| StoreError::invalid("database URL", "not a valid PostgreSQL URL"))?;
        // No ping before each acquire (sqlx's default costs a network round trip per
        // statement). A connection the server dropped fails its next statement instead: that
        // request gets 503, sqlx discards the connection, and a retry (same Idempotency-Key)
        // is safe.
        let pool = PgPoolOptions::new()
            .max_connections(CONNECTIONS)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        let writers = PgPoolOptions::new()
            .max_connections(WRITERS)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Ok(PostgresStore {
            pool,
            writers,
            pending: Arc::new(Pending::default()),
        })
    }

    /// Closes both pools.
    pub async fn close(&self) {
        self.pool.close().await;
        self.writers.close().await;
    }
}

// Each method below binds one shared operation (`ops::*`, written once in ops.rs for both
// engines) to this adapter's own pools. The two adapters' impls look alike because each line is
// that one call; what differs is real and per engine: the pools (SQLite: one writer connection
// and a read pool; PostgreSQL: a writer pool and a read pool), the transaction start (SQLite
// `BEGIN IMMEDIATE` takes the write lock up front; PostgreSQL `BEGIN`), the queue's SQL dialect
// and the event-log SQL (`EVENT_LOG`: seq order vs (xid, seq) with the snapshot bound). Folding
// the impls into one would take a macro that generates the trait impl, which only hides this.
impl Store for PostgresStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        // sqlx takes an advisory lock, so concurrent starts migrate once.
        migrator(Engine::Postgres).run(&self.pool).await?;
        Ok(())
    }

    async fn commit(&self, batch: WriteBatch) -> Result<CommitReceipt, StoreError> {
        ops::commit_grouped(&self.writers, &self.pending, "BEGIN", batch).await
    }

    async fn get(&self, kind: &str, id: &str) -> Result<Option<StoredAggregate>, StoreError> {
        ops::get(&self.pool, kind, id).await
    }

    async fn idempotent_response(
        &self,
        actor: &str,
        key: &str,
    ) -> Result<Option<StoredResponse>, StoreError> {
        ops::idempotent_response(&self.pool, actor, key).await
    }

    async fn queue(&self, query: &QueueQuery) -> Result<QueuePage, StoreError> {
        ops::queue(&self.pool, query, crate::query::Dialect::Postgres).await
    }

    async fn list(&self, query: &ListQuery) -> Result<ListPage, StoreError> {
        ops::list(&self.pool, query).await
    }

    async fn list_by_kind(
        &self,
        query: &KindListQuery,
    ) -> Result<Vec<StoredAggregate>, StoreError> {
        ops::list_by_kind(&self.pool, query).await
    }

    async fn list_for_member(
        &self,
        query: &MemberKindQuery,
    ) -> Result<Vec<StoredAggregate>, StoreError> {
        ops::list_for_member(&self.pool, query).await
    }

    async fn events_for(&self, kind: &str, id: &str) -> Result<Vec<StoredEvent>, StoreError> {
        ops::events_for(&self.pool, kind, id).await
    }

    async fn events_since(&self, seq: i64, limit: u32) -> Result<Vec<StoredEvent>, StoreError> {
        ops::events_since(&self.pool, seq, limit, &EVENT_LOG).await
    }

    async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>, StoreError> {
        ops::audit(&self.pool, filter).await
    }

    async fn has_access(&self, org_id: &str, member_id: &str) -> Result<bool, StoreError> {
        ops::has_access(&self.pool, org_id, member_id).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1 FROM aggregates LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(())
    }
}
