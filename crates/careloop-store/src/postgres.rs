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
/// Environment variables that set [`WRITERS`] and [`CONNECTIONS`] per process
/// (docs/postgresql.md, "Connection limits").
pub const WRITERS_VAR: &str = "CARELOOP_PG_WRITE_CONNECTIONS";
pub const CONNECTIONS_VAR: &str = "CARELOOP_PG_READ_CONNECTIONS";

/// A pool size from the environment variable `var` (1..=1,000), else `default`.
fn pool_size(var: &'static str, default: u32) -> Result<u32, StoreError> {
    parse_pool_size(var, std::env::var(var).ok(), default)
}

fn parse_pool_size(
    var: &'static str,
    value: Option<String>,
    default: u32,
) -> Result<u32, StoreError> {
    let Some(text) = value else {
        return Ok(default);
    };
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=1_000).contains(&n) => Ok(n),
        _ => Err(StoreError::invalid(
            var,
            "must be a number of connections, 1..=1000",
        )),
    }
}

/// The PostgreSQL store: a pool of [`WRITERS`] connections for commits (few, so concurrent
/// batches wait and commit in groups, one WAL flush each, instead of spreading over many
/// backends) and one of [`CONNECTIONS`] for reads; [`WRITERS_VAR`] and [`CONNECTIONS_VAR`] set
/// them per process (the statements, decoding and write path are [`SqlStore`]'s, shared with
/// SQLite; what differs is in [`crate::dialect::Dialect`]).
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
        let (readers, writers) = (
            pool_size(CONNECTIONS_VAR, CONNECTIONS)?,
            pool_size(WRITERS_VAR, WRITERS)?,
        );
        let pool = PgPoolOptions::new()
            .max_connections(readers)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        let writers = PgPoolOptions::new()
            .max_connections(writers)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Ok(SqlStore::new(writers, pool, ()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pool_sizes_default_and_refuse_nonsense() {
        let size = |v: Option<&str>| parse_pool_size(WRITERS_VAR, v.map(str::to_owned), 4).ok();
        assert_eq!(size(None), Some(4));
        assert_eq!(size(Some(" 8 ")), Some(8));
        assert_eq!(size(Some("1000")), Some(1000));
        for bad in ["0", "1001", "-1", "eight", ""] {
            assert_eq!(size(Some(bad)), None, "{bad:?}");
        }
    }
}
