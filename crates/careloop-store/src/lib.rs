//! careloop-store: durable storage for careloop behind one port, [`Store`].
//!
//! Every state change goes through [`Store::commit`]: ONE transaction that stores the new state of
//! aggregates (optimistic concurrency on `expected_version`), appends events, grants member access,
//! writes audit entries and, optionally, the Idempotency-Key record of the request that caused it
//! (docs/storage.md, "The write path contract"). Aggregates are JSON documents with typed projection
//! columns (`org_id`, `member_id`, `status`, `due_at`, `plan_id`, `county`) for the queries that
//! need indexes, so the domain aggregates can evolve without schema changes.
//!
//! One adapter implements the port for both engines with the same plain SQL (`$1` placeholders
//! work on both), generic over the engine's dialect (what really differs: transaction start,
//! event-log order, a planner hint, migrations): [`SqliteStore`] (embedded default: WAL,
//! `synchronous=FULL`, one writer connection and a read pool) and [`PostgresStore`] (plans at
//! scale, default durable settings) are that adapter on each engine. [`AnyStore`] picks one from
//! a [`StoreConfig`]. Migrations are embedded in the binary ([`Store::migrate`]).
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::todo,
    clippy::unimplemented
)]

mod adapter;
mod any;
mod batch;
mod checkpoint;
mod dialect;
mod error;
mod group;
mod migrations;
mod ops;
mod port;
mod postgres;
mod query;
mod records;
mod sqlite;
pub mod testing;

pub use any::{AnyStore, StoreConfig};
pub use batch::{
    AccessGrant, AccessReason, AggregateWrite, AuditEntry, IdempotencyRecord, NewEvent, WriteBatch,
};
pub use error::StoreError;
pub use port::Store;
pub use postgres::PostgresStore;
pub use query::{
    AuditFilter, KindListQuery, ListPage, ListQuery, MemberKindQuery, OrgScope, PlannedQuery,
    QueueCursor, QueueOrder, QueuePage, QueueQuery,
};
pub use records::{
    AggregateVersion, AuditRecord, CommitReceipt, Committed, StoredAggregate, StoredEvent,
    StoredResponse,
};
pub use sqlite::{SqliteSettings, SqliteStore};
