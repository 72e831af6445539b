//! SQLite adapter: the embedded default. WAL journal, `synchronous=FULL` (a commit is on disk
//! before it returns, so an acknowledged write survives SIGKILL and power loss), a busy timeout,
//! ONE writer connection (SQLite allows one writer; queueing in the pool beats lock retries) and
//! a pool of read-only connections that read concurrently with the writer.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::adapter::SqlStore;
use crate::checkpoint::{Checkpointer, SqliteFile};
use crate::error::StoreError;

/// How long a connection waits for a lock held by another process before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Bytes of the database file each connection reads through a memory map: SQLite's default
/// ceiling (`SQLITE_MAX_MMAP_SIZE` = 0x7fff0000, about 2 GiB); address space, not memory.
const MMAP_BYTES: u64 = 0x7fff_0000;
/// Read-only connections in the read pool.
const READERS: u32 = 4;
/// The writer's own automatic checkpoint threshold, in pages (SQLite's default is 1,000). The
/// background checkpointer normally keeps the WAL far below it; this only bounds the WAL if the
/// checkpointer cannot keep up (about 64 MiB with 4 KiB pages).
const WRITER_AUTOCHECKPOINT_PAGES: u32 = 16_000;

/// The SQLite store over one database file: ONE writer connection and a pool of read-only
/// connections (the statements, decoding and write path are [`SqlStore`]'s, shared with
/// PostgreSQL; what differs is in [`crate::dialect::Dialect`]).
pub type SqliteStore = SqlStore<sqlx::Sqlite>;

/// The durability settings in force on the writer connection (for health checks and tests).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SqliteSettings {
    /// `wal` expected.
    pub journal_mode: String,
    /// 2 = FULL expected.
    pub synchronous: i64,
    pub busy_timeout_ms: i64,
}

impl SqlStore<sqlx::Sqlite> {
    /// Opens (creating if missing) the database file at `path`. Run [`crate::Store::migrate`] before use.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path.as_ref(), SqliteSynchronous::Full).await
    }

    /// Opens a THROWAWAY database file (the `careloop serve --demo` data set) with
    /// `synchronous=NORMAL`: in WAL mode a commit is still atomic and the file never corrupt, but
    /// the last commits may be lost on power failure. Commits skip the fsync, which is most of
    /// a small commit's cost. Never use it for real data.
    pub async fn open_throwaway(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        Self::open_with(path.as_ref(), SqliteSynchronous::Normal).await
    }

    async fn open_with(path: &Path, synchronous: SqliteSynchronous) -> Result<Self, StoreError> {
        let path = path.to_path_buf();
        let base = SqliteConnectOptions::new()
            .filename(&path)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true)
            // Read the database file through a memory map instead of pread + copy per page
            // (each connection's page cache is emptied after every commit by another
            // connection, and index descents in large tables miss it). Writes still go through
            // the WAL; durability is unchanged. Measured: BENCHMARKS.md.
            .pragma("mmap_size", MMAP_BYTES.to_string());
        // No ping before each acquire (sqlx's default): a connection to a local file does not go
        // stale, and the ping was one more worker-thread round trip per statement.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .test_before_acquire(false)
            .connect_with(
                base.clone()
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(synchronous)
                    .pragma(
                        "wal_autocheckpoint",
                        WRITER_AUTOCHECKPOINT_PAGES.to_string(),
                    ),
            )
            .await?;
        // The file is in WAL mode now (persistent), so readers need not set it.
        let reader = SqlitePoolOptions::new()
            .max_connections(READERS)
            .test_before_acquire(false)
            .connect_with(base.clone().read_only(true))
            .await?;
        let checkpointer = Arc::new(Checkpointer::start(base.synchronous(synchronous)).await?);
        Ok(SqlStore::new(
            writer,
            reader,
            SqliteFile { path, checkpointer },
        ))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.extra().path
    }

    /// The durability settings of the writer connection.
    pub async fn settings(&self) -> Result<SqliteSettings, StoreError> {
        let mut conn = self.writer().acquire().await?;
        let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await?;
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await?;
        let busy_timeout_ms: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut *conn)
            .await?;
        Ok(SqliteSettings {
            journal_mode,
            synchronous,
            busy_timeout_ms,
        })
    }
}
