//! What really differs between the two engines, and nothing else: the store's SQL, decoding and
//! write path are written once, generic over [`Dialect`] (src/adapter.rs, src/ops.rs). Both
//! engines take `$n` placeholders and `INSERT … ON CONFLICT … DO NOTHING RETURNING`, so the
//! statements themselves are shared; what is left per engine is below, the two side by side.

use std::future::Future;

use crate::migrations;

/// One engine's differences from the other. Implemented for [`sqlx::Sqlite`] and
/// [`sqlx::Postgres`] only (the trait is not nameable outside this crate).
pub trait Dialect: sqlx::Database {
    /// How a commit's transaction starts.
    const BEGIN: &'static str;
    /// The event log from its start in commit-safe order (`Store::events_since` with
    /// `seq <= 0`): binds `$1` = limit; selects the columns of [`crate::adapter::EVENTS_FOR`].
    const EVENT_LOG_FROM_START: &'static str;
    /// The event log after the event `$1` in commit-safe order: binds `$1` = the cursor seq,
    /// `$2` = limit; selects the columns of [`crate::adapter::EVENTS_FOR`].
    const EVENT_LOG_AFTER: &'static str;
    /// Whether the work queue's arms name their index after `FROM aggregates a`
    /// (`INDEXED BY`, `crate::query::queue_sql`).
    const INDEX_HINTS: bool;
    /// What precedes a statement to show its plan, and the plan's text column.
    const EXPLAIN: (&'static str, &'static str);
    /// Settings of the transaction a plan is shown in (`SqlStore::query_plan`).
    const PLAN_SETTINGS: &'static [&'static str];
    /// The embedded migrations: (version, description, SQL), in order.
    const MIGRATIONS: &'static [(i64, &'static str, &'static str)];
    /// What the adapter keeps beside its two pools.
    type Extra: Extra;

    /// Rows a statement changed (each driver has its own result type, no common trait).
    fn rows_affected(result: &Self::QueryResult) -> u64;
}

/// What an adapter keeps beside its pools, stopped before the pools close.
pub trait Extra: std::fmt::Debug + Clone + Send + Sync + 'static {
    /// Stops what runs in the background on the engine's connections.
    fn stop(&self) -> impl Future<Output = ()> + Send;
}

impl Extra for () {
    async fn stop(&self) {}
}

impl Extra for crate::checkpoint::SqliteFile {
    async fn stop(&self) {
        self.checkpointer.stop().await;
    }
}

impl Dialect for sqlx::Sqlite {
    /// IMMEDIATE takes the write lock up front, so a second process (e.g. `careloop migrate`
    /// beside `serve`) waits on busy_timeout instead of failing mid-transaction.
    const BEGIN: &'static str = "BEGIN IMMEDIATE";
    /// SQLite has one writer, so seq order is commit order: a reader following `seq` never skips.
    const EVENT_LOG_FROM_START: &'static str = "SELECT seq, kind, aggregate_id, version, \
         event_type, body, actor, at FROM events ORDER BY seq LIMIT $1";
    const EVENT_LOG_AFTER: &'static str = "SELECT seq, kind, aggregate_id, version, \
         event_type, body, actor, at FROM events WHERE seq > $1 ORDER BY seq LIMIT $2";
    /// With the statistics of a large table SQLite's planner otherwise prefers the equality
    /// prefix of `aggregates_queue_county` and sorts the owner's whole open queue
    /// (`crate::query::queue_sql`).
    const INDEX_HINTS: bool = true;
    const EXPLAIN: (&'static str, &'static str) = ("EXPLAIN QUERY PLAN ", "detail");
    /// None: SQLite plans without statistics unless ANALYZE ran.
    const PLAN_SETTINGS: &'static [&'static str] = &[];
    const MIGRATIONS: &'static [(i64, &'static str, &'static str)] = migrations::SQLITE;
    /// The database file and its background WAL checkpointer.
    type Extra = crate::checkpoint::SqliteFile;

    fn rows_affected(result: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        result.rows_affected()
    }
}

impl Dialect for sqlx::Postgres {
    /// READ COMMITTED; optimistic concurrency is the `UPDATE … WHERE version = expected`.
    const BEGIN: &'static str = "BEGIN";
    /// Commit-safe log order on PostgreSQL (migration 0002, docs/storage.md "Event log order"):
    /// an identity seq is taken at INSERT, so transactions can commit out of seq order. The log
    /// is read in (xid, seq) order, and only events of transactions older than every running
    /// transaction (`xid < pg_snapshot_xmin(pg_current_snapshot())`): those are final, and every
    /// event committed later has an xid at or above that bound, so it sorts after everything
    /// already returned.
    const EVENT_LOG_FROM_START: &'static str = "SELECT seq, kind, aggregate_id, version, \
         event_type, body, actor, at FROM events \
         WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY xid, seq LIMIT $1";
    const EVENT_LOG_AFTER: &'static str = "SELECT seq, kind, aggregate_id, version, \
         event_type, body, actor, at FROM events \
         WHERE xid < pg_snapshot_xmin(pg_current_snapshot()) \
         AND (xid, seq) > ((SELECT c.xid FROM events c WHERE c.seq = $1), $1) \
         ORDER BY xid, seq LIMIT $2";
    /// PostgreSQL plans by its statistics.
    const INDEX_HINTS: bool = false;
    const EXPLAIN: (&'static str, &'static str) = ("EXPLAIN ", "QUERY PLAN");
    /// A test table of a few rows is read whole and sorted more cheaply than through an index;
    /// with sequential scans and sorts priced out, the plan shows whether an index serves the
    /// query in its order (a `Sort` node left in the plan means none does).
    const PLAN_SETTINGS: &'static [&'static str] = &[
        "SET LOCAL enable_seqscan = off",
        "SET LOCAL enable_sort = off",
    ];
    const MIGRATIONS: &'static [(i64, &'static str, &'static str)] = migrations::POSTGRES;
    /// Nothing: two pools.
    type Extra = ();

    fn rows_affected(result: &sqlx::postgres::PgQueryResult) -> u64 {
        result.rows_affected()
    }
}

#[cfg(test)]
mod tests {
    use super::Dialect;
    use crate::adapter::EVENTS_FOR;

    fn selects_event_columns<D: Dialect>() {
        let end = EVENTS_FOR
            .find("FROM events ")
            .map_or(0, |i| i + "FROM events ".len());
        let select = EVENTS_FOR.get(..end).unwrap_or_default();
        assert!(select.starts_with("SELECT seq, "), "{select}");
        for sql in [D::EVENT_LOG_FROM_START, D::EVENT_LOG_AFTER] {
            assert!(sql.starts_with(select), "{sql}");
        }
    }

    #[test]
    fn event_log_sql_selects_the_decoded_columns() {
        selects_event_columns::<sqlx::Sqlite>();
        selects_event_columns::<sqlx::Postgres>();
    }
}
