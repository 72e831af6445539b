//! Choosing the engine from configuration: SQLite file (default `./careloop.db`) or a
//! PostgreSQL URL (from config or CARELOOP_DATABASE_URL, read by the CLI).

use std::path::PathBuf;

use crate::batch::WriteBatch;
use crate::error::StoreError;
use crate::port::Store;
use crate::postgres::PostgresStore;
use crate::query::{
    AuditFilter, KindListQuery, ListPage, ListQuery, MemberKindQuery, PlannedQuery, QueuePage,
    QueueQuery,
};
use crate::records::{AuditRecord, CommitReceipt, StoredAggregate, StoredEvent, StoredResponse};
use crate::sqlite::SqliteStore;

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    Sqlite { path: PathBuf },
    Postgres { url: String },
}

impl Default for StoreConfig {
    /// The embedded default: `./careloop.db`.
    fn default() -> Self {
        StoreConfig::Sqlite {
            path: PathBuf::from("./careloop.db"),
        }
    }
}

impl StoreConfig {
    /// `postgres://...` / `postgresql://...` → PostgreSQL; `sqlite://PATH` or `sqlite:PATH` →
    /// SQLite file PATH.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(StoreConfig::Postgres {
                url: url.to_owned(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .filter(|p| !p.is_empty());
        match path {
            Some(p) => Ok(StoreConfig::Sqlite {
                path: PathBuf::from(p),
            }),
            None => Err(StoreError::invalid(
                "database URL",
                "expected postgres://..., postgresql://... or sqlite://PATH",
            )),
        }
    }

    /// Opens the store (not migrated yet).
    pub async fn open(&self) -> Result<AnyStore, StoreError> {
        match self {
            StoreConfig::Sqlite { path } => Ok(AnyStore::Sqlite(SqliteStore::open(path).await?)),
            StoreConfig::Postgres { url } => {
                Ok(AnyStore::Postgres(PostgresStore::connect(url).await?))
            }
        }
    }
}

/// Either adapter, chosen at run time (static dispatch).
#[derive(Debug, Clone)]
pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl AnyStore {
    /// Closes the connections.
    pub async fn close(&self) {
        match self {
            AnyStore::Sqlite(s) => s.close().await,
            AnyStore::Postgres(s) => s.close().await,
        }
    }
}

impl AnyStore {
    /// The engine's plan of a read query ([`crate::adapter::SqlStore::query_plan`]).
    pub async fn query_plan(&self, query: PlannedQuery<'_>) -> Result<String, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.query_plan(query).await,
            AnyStore::Postgres(s) => s.query_plan(query).await,
        }
    }
}

impl Store for AnyStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.migrate().await,
            AnyStore::Postgres(s) => s.migrate().await,
        }
    }

    async fn commit(&self, batch: WriteBatch) -> Result<CommitReceipt, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.commit(batch).await,
            AnyStore::Postgres(s) => s.commit(batch).await,
        }
    }

    async fn commit_many(
        &self,
        batches: Vec<WriteBatch>,
    ) -> Result<Vec<Result<CommitReceipt, StoreError>>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.commit_many(batches).await,
            AnyStore::Postgres(s) => s.commit_many(batches).await,
        }
    }

    async fn get(&self, kind: &str, id: &str) -> Result<Option<StoredAggregate>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.get(kind, id).await,
            AnyStore::Postgres(s) => s.get(kind, id).await,
        }
    }

    async fn idempotent_response(
        &self,
        actor: &str,
        key: &str,
    ) -> Result<Option<StoredResponse>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.idempotent_response(actor, key).await,
            AnyStore::Postgres(s) => s.idempotent_response(actor, key).await,
        }
    }

    async fn queue(&self, query: &QueueQuery) -> Result<QueuePage, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.queue(query).await,
            AnyStore::Postgres(s) => s.queue(query).await,
        }
    }

    async fn list(&self, query: &ListQuery) -> Result<ListPage, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.list(query).await,
            AnyStore::Postgres(s) => s.list(query).await,
        }
    }

    async fn list_by_kind(
        &self,
        query: &KindListQuery,
    ) -> Result<Vec<StoredAggregate>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.list_by_kind(query).await,
            AnyStore::Postgres(s) => s.list_by_kind(query).await,
        }
    }

    async fn list_for_member(
        &self,
        query: &MemberKindQuery,
    ) -> Result<Vec<StoredAggregate>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.list_for_member(query).await,
            AnyStore::Postgres(s) => s.list_for_member(query).await,
        }
    }

    async fn events_for(&self, kind: &str, id: &str) -> Result<Vec<StoredEvent>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.events_for(kind, id).await,
            AnyStore::Postgres(s) => s.events_for(kind, id).await,
        }
    }

    async fn events_since(&self, seq: i64, limit: u32) -> Result<Vec<StoredEvent>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.events_since(seq, limit).await,
            AnyStore::Postgres(s) => s.events_since(seq, limit).await,
        }
    }

    async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.audit(filter).await,
            AnyStore::Postgres(s) => s.audit(filter).await,
        }
    }

    async fn has_access(&self, org_id: &str, member_id: &str) -> Result<bool, StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.has_access(org_id, member_id).await,
            AnyStore::Postgres(s) => s.has_access(org_id, member_id).await,
        }
    }

    async fn ping(&self) -> Result<(), StoreError> {
        match self {
            AnyStore::Sqlite(s) => s.ping().await,
            AnyStore::Postgres(s) => s.ping().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_urls_pick_the_engine() -> Result<(), StoreError> {
        let cases = [
            (
                "postgres://u@h:5432/db",
                StoreConfig::Postgres {
                    url: "postgres://u@h:5432/db".into(),
                },
            ),
            (
                "postgresql://h/db",
                StoreConfig::Postgres {
                    url: "postgresql://h/db".into(),
                },
            ),
            (
                "sqlite://./careloop.db",
                StoreConfig::Sqlite {
                    path: "./careloop.db".into(),
                },
            ),
            (
                "sqlite:/var/lib/careloop.db",
                StoreConfig::Sqlite {
                    path: "/var/lib/careloop.db".into(),
                },
            ),
        ];
        for (url, want) in cases {
            assert_eq!(StoreConfig::from_url(url)?, want, "{url}");
        }
        for bad in ["mysql://h/db", "sqlite://", "careloop.db", ""] {
            assert!(
                matches!(
                    StoreConfig::from_url(bad),
                    Err(StoreError::Invalid {
                        field: "database URL",
                        ..
                    })
                ),
                "{bad}"
            );
        }
        Ok(())
    }
}
