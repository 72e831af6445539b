//! SQLite's background WAL checkpointer and the file the SQLite store keeps beside its pools
//! (its `Dialect::Extra`, stopped in `crate::dialect` before the pools close).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;

use crate::error::StoreError;

/// How often the background checkpointer copies committed WAL frames into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// What the SQLite store keeps beside its pools: the database file's path and the background
/// checkpointer (stopped on `close`, or when the last clone is dropped).
#[derive(Debug, Clone)]
pub struct SqliteFile {
    pub(crate) path: PathBuf,
    pub(crate) checkpointer: Arc<Checkpointer>,
}

/// The background WAL checkpointer: its own read-write connection runs
/// `PRAGMA wal_checkpoint(PASSIVE)` every [`CHECKPOINT_EVERY`]. Without it, the commit that
/// crosses SQLite's 1,000-page threshold copies the WAL into the database file and fsyncs it
/// before it returns, so one request in every few dozen waits for a checkpoint (the queue and
/// submission p99 in BENCHMARKS.md). A PASSIVE checkpoint takes no lock that blocks the writer
/// or readers; it never loses anything (frames stay in the WAL until copied).
#[derive(Debug)]
pub(crate) struct Checkpointer {
    stop: tokio::sync::watch::Sender<bool>,
    task: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Checkpointer {
    pub(crate) async fn start(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        use sqlx::ConnectOptions as _;
        let mut conn = options.connect().await?;
        let (stop, mut stopped) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stopped.changed() => break,
                    () = tokio::time::sleep(CHECKPOINT_EVERY) => {}
                }
                if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                    .execute(&mut conn)
                    .await
                {
                    tracing::warn!(error = %err, "background WAL checkpoint failed; retrying");
                }
            }
            let _ = sqlx::Connection::close(conn).await;
        });
        Ok(Checkpointer {
            stop,
            task: std::sync::Mutex::new(Some(task)),
        })
    }

    pub(crate) async fn stop(&self) {
        let _ = self.stop.send(true);
        let task = self.task.lock().ok().and_then(|mut t| t.take());
        if let Some(task) = task {
            let _ = task.await;
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
