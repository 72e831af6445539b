//! Closed error type of the store. Display texts never contain SQL or row data; the driver error
//! is kept as `source` for logs.

use std::error::Error as StdError;

/// A driver or migration error kept for logs, never shown to callers.
pub type ErrorSource = Box<dyn StdError + Send + Sync + 'static>;

/// Why a store operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Optimistic concurrency: the aggregate's stored version is not the one the caller read
    /// (`actual` is `None` when it does not exist). Nothing of the batch was written.
    #[error("{kind} {id} changed meanwhile: expected version {expected}, found {}", version_text(*.actual))]
    Conflict {
        kind: String,
        id: String,
        expected: i64,
        actual: Option<i64>,
    },
    /// An event with this (kind, aggregate id, version) is already recorded; events are
    /// append-only. Nothing of the batch was written.
    #[error("event {version} of {kind} {aggregate_id} is already recorded")]
    DuplicateEvent {
        kind: String,
        aggregate_id: String,
        version: i64,
    },
    /// The Idempotency-Key was already used by this actor for a different request.
    #[error("idempotency key {key:?} of {actor} was already used for a different request")]
    IdempotencyMismatch { actor: String, key: String },
    /// The caller's input cannot be stored or queried (names the field).
    #[error("invalid {field}: {problem}")]
    Invalid {
        field: &'static str,
        problem: String,
    },
    /// A stored row could not be read back (names the table and column).
    #[error("stored {table}.{column} could not be read")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        #[source]
        source: ErrorSource,
    },
    /// The database could not be reached, or the connection broke or timed out.
    #[error("database unavailable")]
    Unavailable {
        #[source]
        source: ErrorSource,
    },
    /// Applying the embedded migrations failed.
    #[error("database migration failed")]
    Migration {
        #[source]
        source: ErrorSource,
    },
    /// Any other database failure.
    #[error("database error")]
    Database {
        #[source]
        source: ErrorSource,
    },
}

fn version_text(actual: Option<i64>) -> String {
    match actual {
        Some(v) => format!("version {v}"),
        None => "no record".to_owned(),
    }
}

impl StoreError {
    pub(crate) fn invalid(field: &'static str, problem: impl Into<String>) -> Self {
        StoreError::Invalid {
            field,
            problem: problem.into(),
        }
    }

    pub(crate) fn corrupt(
        table: &'static str,
        column: &'static str,
        source: impl Into<ErrorSource>,
    ) -> Self {
        StoreError::Corrupt {
            table,
            column,
            source: source.into(),
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable {
                source: Box::new(e),
            },
            sqlx::Error::Migrate(_) => StoreError::Migration {
                source: Box::new(e),
            },
            other => StoreError::Database {
                source: Box::new(other),
            },
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migration {
            source: Box::new(e),
        }
    }
}
