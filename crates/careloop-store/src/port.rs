//! The storage port. careloop-app's use cases (`App<S: Store>`) depend on this trait only, never
//! on an adapter; careloop-web and careloop-ui reach storage only through those use cases.

use std::future::Future;

use crate::batch::WriteBatch;
use crate::error::StoreError;
use crate::query::{
    AuditFilter, KindListQuery, ListPage, ListQuery, MemberKindQuery, QueuePage, QueueQuery,
};
use crate::records::{AuditRecord, CommitReceipt, StoredAggregate, StoredEvent, StoredResponse};

/// Durable storage of aggregates, events, member access, idempotency records and the audit log.
///
/// What the port promises today:
/// - **One write path.** [`Store::commit`] (or, for bulk loads, [`Store::commit_many`]: the same
///   batches, several in one transaction) is the only way to change anything: a [`WriteBatch`]
///   (new aggregate states with their expected versions, events, access grants, audit lines and
///   optionally the request's Idempotency-Key record) is applied in ONE durable transaction, or
///   not at all. A stale `expected_version` is a conflict; a key already used for the same request
///   replays the stored response ([`CommitReceipt`]). Concurrent commits may be grouped into one
///   transaction (group commit) with exactly the outcome each would have had alone.
/// - **Reads see committed state only**: one aggregate ([`Store::get`]), keyset-paged work queue
///   and lists in an organization's scope, a member's records, an aggregate's events, the event
///   log in commit-safe order ([`Store::events_since`]), audit lines, access grants.
/// - **Durable on return**: SQLite with `synchronous=FULL`, PostgreSQL with its default durable
///   settings (docs/storage.md, "The write path contract").
///
/// Implemented once for both engines by the generic adapter (src/adapter.rs, over the engine's
/// dialect: src/dialect.rs), whose instances are [`crate::SqliteStore`] and
/// [`crate::PostgresStore`], and by [`crate::AnyStore`] (either, chosen at run time); the
/// conformance suite (tests/conformance) holds every implementation to the same behaviour.
pub trait Store: Send + Sync {
    /// Applies the embedded migrations (idempotent; safe to run at every start).
    fn migrate(&self) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The one write path: applies `batch` in ONE durable transaction, or nothing of it.
    /// See [`WriteBatch`] and docs/storage.md for conflicts and idempotent replay.
    fn commit(
        &self,
        batch: WriteBatch,
    ) -> impl Future<Output = Result<CommitReceipt, StoreError>> + Send;

    /// Bulk loads (`careloop members import`, the demo data set): applies `batches` in ONE
    /// durable transaction, each batch with exactly the outcome a lone [`Store::commit`] of it
    /// would have had, in order (a replayed Idempotency-Key, a conflict or an invalid batch is
    /// that batch's outcome and writes nothing of it; the others are committed). The outer
    /// `Err` is a failure of the transaction itself (e.g. the database went away): then none of
    /// the batches is committed.
    fn commit_many(
        &self,
        batches: Vec<WriteBatch>,
    ) -> impl Future<Output = Result<Vec<Result<CommitReceipt, StoreError>>, StoreError>> + Send;

    /// The current state of aggregate (`kind`, `id`).
    fn get(
        &self,
        kind: &str,
        id: &str,
    ) -> impl Future<Output = Result<Option<StoredAggregate>, StoreError>> + Send;

    /// The response stored for (`actor`, Idempotency-Key `key`), if that request was committed.
    fn idempotent_response(
        &self,
        actor: &str,
        key: &str,
    ) -> impl Future<Output = Result<Option<StoredResponse>, StoreError>> + Send;

    /// One page of the work queue, ordered by (due_at, id), keyset-paginated.
    fn queue(
        &self,
        query: &QueueQuery,
    ) -> impl Future<Output = Result<QueuePage, StoreError>> + Send;

    /// One page of the aggregates of a kind in an organization's scope, ordered by id,
    /// keyset-paginated (for records without a due time, e.g. members).
    fn list(&self, query: &ListQuery) -> impl Future<Output = Result<ListPage, StoreError>> + Send;
    /// Up to `limit` aggregates of one kind in id order, after `after_id` (ident, issue #3).
    fn list_by_kind(
        &self,
        query: &KindListQuery,
    ) -> impl Future<Output = Result<Vec<StoredAggregate>, StoreError>> + Send;

    /// Up to `limit` aggregates of one kind about one member (optionally in an organization's
    /// scope), in id order, through the `aggregates_member` index (issue #4, member page).
    fn list_for_member(
        &self,
        query: &MemberKindQuery,
    ) -> impl Future<Output = Result<Vec<StoredAggregate>, StoreError>> + Send;

    /// All events of one aggregate, in version order.
    fn events_for(
        &self,
        kind: &str,
        id: &str,
    ) -> impl Future<Output = Result<Vec<StoredEvent>, StoreError>> + Send;

    /// Up to `limit` (1..=10,000) events after the event `seq` (`seq <= 0`: from the start) in
    /// commit-safe log order: a reader that passes the last seq it received never skips a
    /// committed event. SQLite: seq order (one writer). PostgreSQL: (transaction id, seq) order,
    /// holding back events of transactions newer than the oldest running one (docs/storage.md,
    /// "Event log order"). A `seq > 0` that is no stored event's seq is
    /// [`StoreError::Invalid`] (`seq`).
    fn events_since(
        &self,
        seq: i64,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<StoredEvent>, StoreError>> + Send;

    /// Audit-log lines matching `filter`, in `seq` order.
    fn audit(
        &self,
        filter: &AuditFilter,
    ) -> impl Future<Output = Result<Vec<AuditRecord>, StoreError>> + Send;

    /// Whether `org_id` holds any access grant (referred, assigned, authorized) for `member_id`.
    fn has_access(
        &self,
        org_id: &str,
        member_id: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// A cheap query that proves the database is reachable and migrated (readiness checks).
    fn ping(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
}
