//! PostgreSQL adapter: plans at scale. Default durable settings (`fsync=on`,
//! `synchronous_commit=on`): a commit returns after its WAL record is flushed. READ COMMITTED
//! transactions; optimistic concurrency is enforced by `UPDATE ... WHERE version = expected`,
//! which re-checks the row after a concurrent writer commits.

use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::adapter::SqlStore;
use crate::error::StoreError;

/// Connections for commits (measured on 2 cores at 2,000 rows, 32–64 clients: 2 → 1,714/s,
/// 3 → 1,880/s, 4 → 2,120/s, 8 → 2,021/s, 16 (one shared pool) → 1,556/s; BENCHMARKS.md).
const WRITERS: u32 = 4;
/// Connections for reads.
const CONNECTIONS: u32 = 16;

/// The PostgreSQL store: a pool of [`WRITERS`] connections for commits (few, so concurrent
/// batches wait and commit in groups, one WAL flush each, instead of spreading over many
/// backends) and one of [`CONNECTIONS`] for reads (the statements, decoding and write path are
/// [`SqlStore`]'s, shared with SQLite; what differs is in [`crate::dialect::Dialect`]).
pub type PostgresStore = SqlStore<sqlx::Postgres>;

impl SqlStore<sqlx::Postgres> {
    /// Connects to `url` (`postgres://user@host:port/db`). Run [`crate::Store::migrate`] before use.
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
        Ok(SqlStore::new(writers, pool, ()))
    }
}
