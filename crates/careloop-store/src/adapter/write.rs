//! Row decoding (the reads use it too) and the write path of [`SqlStore`]: optimistic aggregate
//! updates, the multi-row inserts of a batch, lone and group commits, written once for both
//! engines.

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::types::Json;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Row as _, Type};

use super::{SELECT_RESPONSE, SqlStore};
use crate::batch::{
    AccessGrant, AggregateWrite, AuditEntry, IdempotencyRecord, NewEvent, WriteBatch,
};
use crate::dialect::Dialect;
use crate::error::StoreError;
use crate::group::{self, Job};
use crate::ops::{audit_chunk, timestamp, validate, values_sql};
use crate::query::{Bind, PlannedQuery, Sql};
use crate::records::{
    AggregateVersion, AuditRecord, CommitReceipt, Committed, StoredAggregate, StoredEvent,
    StoredResponse,
};

/// (actor, actor's organization, at, line) of one audit row to insert.
type AuditRow<'a> = (&'a str, Option<&'a str>, i64, &'a AuditEntry);

impl<D> SqlStore<D>
where
    D: Dialect,
    for<'c> &'c mut D::Connection: Executor<'c, Database = D>,
    D::Arguments: IntoArguments<D>,
    &'static str: ColumnIndex<D::Row>,
    for<'q> &'q str: Encode<'q, D> + Type<D>,
    for<'q> Option<&'q str>: Encode<'q, D>,
    for<'q> i64: Encode<'q, D> + Decode<'q, D> + Type<D>,
    for<'q> Option<i64>: Encode<'q, D>,
    for<'q> String: Decode<'q, D> + Type<D>,
    for<'q> Json<&'q Value>: Encode<'q, D> + Type<D>,
    for<'q> Json<Value>: Decode<'q, D> + Type<D>,
{
    /// The rows of a built query ([`Sql`]) from the read pool.
    pub(super) async fn fetch(&self, sql: Sql) -> Result<Vec<D::Row>, StoreError> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.text));
        for b in &sql.binds {
            q = match b {
                Bind::Text(s) => q.bind(s.as_str()),
                Bind::Int(i) => q.bind(*i),
            };
        }
        Ok(q.fetch_all(&self.reader).await?)
    }

    /// The engine's plan of a read query, one line per plan row (`EXPLAIN QUERY PLAN` on
    /// SQLite, `EXPLAIN` on PostgreSQL), for the tests that hold every list and queue to an
    /// index and for diagnosis. Runs in a read transaction that is rolled back.
    pub async fn query_plan(&self, query: PlannedQuery<'_>) -> Result<String, StoreError> {
        let sql = query.sql(D::INDEX_HINTS)?;
        let (explain, column) = D::EXPLAIN;
        let mut tx = self.reader.begin().await?;
        for setting in D::PLAN_SETTINGS {
            sqlx::query(*setting).execute(&mut *tx).await?;
        }
        let mut q = sqlx::query(sqlx::AssertSqlSafe(format!("{explain}{}", sql.text)));
        for b in &sql.binds {
            q = match b {
                Bind::Text(s) => q.bind(s.as_str()),
                Bind::Int(i) => q.bind(*i),
            };
        }
        let rows = q.fetch_all(&mut *tx).await?;
        tx.rollback().await?;
        let lines = rows
            .iter()
            .map(|row| Self::col::<String>(row, "plan", column))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(lines.join("\n"))
    }

    /// The aggregates a built query selects ([`crate::query::AGGREGATE_COLUMNS`]).
    pub(super) async fn fetch_aggregates(
        &self,
        sql: Sql,
    ) -> Result<Vec<StoredAggregate>, StoreError> {
        self.fetch(sql).await?.iter().map(Self::aggregate).collect()
    }

    /// The value of `column`; a value of another type is `Corrupt { table, column }`.
    fn col<'r, T>(
        row: &'r D::Row,
        table: &'static str,
        column: &'static str,
    ) -> Result<T, StoreError>
    where
        T: Decode<'r, D> + Type<D>,
    {
        row.try_get::<T, _>(column)
            .map_err(|e| StoreError::corrupt(table, column, e))
    }

    /// Epoch milliseconds in `column` as a timestamp.
    fn time(
        row: &D::Row,
        table: &'static str,
        column: &'static str,
    ) -> Result<jiff::Timestamp, StoreError> {
        timestamp(Self::col::<i64>(row, table, column)?, table, column)
    }

    pub(super) fn aggregate(row: &D::Row) -> Result<StoredAggregate, StoreError> {
        const T: &str = "aggregates";
        let due_at = match Self::col::<Option<i64>>(row, T, "due_at")? {
            Some(ms) => Some(timestamp(ms, T, "due_at")?),
            None => None,
        };
        Ok(StoredAggregate {
            kind: Self::col(row, T, "kind")?,
            id: Self::col(row, T, "id")?,
            version: Self::col(row, T, "version")?,
            org_id: Self::col(row, T, "org_id")?,
            member_id: Self::col(row, T, "member_id")?,
            status: Self::col(row, T, "status")?,
            due_at,
            plan_id: Self::col(row, T, "plan_id")?,
            county: Self::col(row, T, "county")?,
            body: Self::col::<Json<Value>>(row, T, "body")?.0,
            created_at: Self::time(row, T, "created_at")?,
            updated_at: Self::time(row, T, "updated_at")?,
        })
    }

    pub(super) fn event(row: &D::Row) -> Result<StoredEvent, StoreError> {
        const T: &str = "events";
        Ok(StoredEvent {
            seq: Self::col(row, T, "seq")?,
            kind: Self::col(row, T, "kind")?,
            aggregate_id: Self::col(row, T, "aggregate_id")?,
            version: Self::col(row, T, "version")?,
            event_type: Self::col(row, T, "event_type")?,
            body: Self::col::<Json<Value>>(row, T, "body")?.0,
            actor: Self::col(row, T, "actor")?,
            at: Self::time(row, T, "at")?,
        })
    }

    pub(super) fn audit_record(row: &D::Row) -> Result<AuditRecord, StoreError> {
        const T: &str = "audit_log";
        Ok(AuditRecord {
            seq: Self::col(row, T, "seq")?,
            actor: Self::col(row, T, "actor")?,
            org_id: Self::col(row, T, "org_id")?,
            action: Self::col(row, T, "action")?,
            record_kind: Self::col(row, T, "record_kind")?,
            record_id: Self::col(row, T, "record_id")?,
            member_id: Self::col(row, T, "member_id")?,
            actor_org_id: Self::col(row, T, "actor_org_id")?,
            at: Self::time(row, T, "at")?,
        })
    }

    pub(super) fn response(row: &D::Row) -> Result<StoredResponse, StoreError> {
        const T: &str = "idempotency";
        let code: i64 = Self::col(row, T, "status_code")?;
        Ok(StoredResponse {
            request_hash: Self::col(row, T, "request_hash")?,
            status_code: u16::try_from(code)
                .map_err(|e| StoreError::corrupt(T, "status_code", e))?,
            response_body: Self::col(row, T, "response_body")?,
            created_at: Self::time(row, T, "created_at")?,
        })
    }

    async fn current_version(
        conn: &mut D::Connection,
        kind: &str,
        id: &str,
    ) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT version FROM aggregates WHERE kind = $1 AND id = $2")
            .bind(kind)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        row.map(|r| Self::col::<i64>(&r, "aggregates", "version"))
            .transpose()
    }

    /// The optimistic update of one aggregate (`expected_version` → its next version);
    /// rows affected: 1, or 0 when the stored version is not the expected one.
    async fn update_aggregate(
        conn: &mut D::Connection,
        w: &AggregateWrite,
        at: i64,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE aggregates SET version = $3, org_id = $4, member_id = $5, \
                 status = $6, due_at = $7, plan_id = $8, county = $9, body = $10, \
                 updated_at = $11 WHERE kind = $1 AND id = $2 AND version = $12",
        )
        .bind(w.kind.as_str())
        .bind(w.id.as_str())
        .bind(w.new_version())
        .bind(w.org_id.as_str())
        .bind(w.member_id.as_deref())
        .bind(w.status.as_str())
        .bind(w.due_at.map(|t| t.as_millisecond()))
        .bind(w.plan_id.as_deref())
        .bind(w.county.as_deref())
        .bind(Json(&w.body))
        .bind(at)
        .bind(w.expected_version)
        .execute(&mut *conn)
        .await?;
        Ok(D::rows_affected(&done))
    }

    /// Applies `batch` in the open transaction `tx`, then commits it on `Committed` and rolls it
    /// back on `Replayed` or any error, so a failing batch leaves nothing behind.
    pub(super) async fn commit_batch(
        mut tx: sqlx::Transaction<'_, D>,
        batch: &WriteBatch,
    ) -> Result<CommitReceipt, StoreError> {
        match Self::apply(&mut tx, batch).await {
            Ok(CommitReceipt::Committed(done)) => {
                tx.commit().await?;
                Ok(CommitReceipt::Committed(done))
            }
            Ok(replayed) => {
                tx.rollback().await?;
                Ok(replayed)
            }
            Err(e) => {
                // Dropping would roll back too; an explicit rollback keeps the connection clean.
                tx.rollback().await?;
                Err(e)
            }
        }
    }

    /// Applies `batch` inside the open transaction on `conn`. The caller commits on
    /// `Committed` and rolls back on `Replayed` or any error, so a failing batch leaves
    /// nothing behind.
    async fn apply(
        conn: &mut D::Connection,
        batch: &WriteBatch,
    ) -> Result<CommitReceipt, StoreError> {
        validate(batch)?;
        let at = batch.at.as_millisecond();
        let actor = batch.actor.as_str();
        // The idempotency row goes first: on PostgreSQL a concurrent request with the same
        // key waits on it and then sees the committed response.
        if let Some(idem) = &batch.idempotency
            && Self::insert_idempotency(conn, &[(actor, at, idem)]).await? == 0
        {
            let row = sqlx::query(SELECT_RESPONSE)
                .bind(actor)
                .bind(idem.key.as_str())
                .fetch_optional(&mut *conn)
                .await?;
            let stored = match row {
                Some(r) => Self::response(&r)?,
                None => {
                    return Err(StoreError::Database {
                        source: "idempotency record conflicted but cannot be read".into(),
                    });
                }
            };
            if stored.request_hash == idem.request_hash {
                return Ok(CommitReceipt::Replayed(stored));
            }
            return Err(StoreError::IdempotencyMismatch {
                actor: batch.actor.clone(),
                key: idem.key.clone(),
            });
        }

        let mut done = Committed::default();
        for w in &batch.aggregates {
            let changed = if w.expected_version == 0 {
                Self::insert_aggregates(conn, &[(at, w)]).await?
            } else {
                Self::update_aggregate(conn, w, at).await?
            };
            if changed != 1 {
                return Err(StoreError::Conflict {
                    kind: w.kind.clone(),
                    id: w.id.clone(),
                    expected: w.expected_version,
                    actual: Self::current_version(conn, &w.kind, &w.id).await?,
                });
            }
            done.versions.push(AggregateVersion {
                kind: w.kind.clone(),
                id: w.id.clone(),
                version: w.new_version(),
            });
        }

        let events: Vec<(&str, i64, &NewEvent)> =
            batch.events.iter().map(|e| (actor, at, e)).collect();
        let stored = Self::insert_events(conn, &events).await?;
        // A duplicate (of a stored event or of another event of this batch) is the first
        // event, in batch order, left without an inserted row.
        let mut inserted: HashSet<(&str, &str, i64)> = stored
            .iter()
            .map(|(_, k, id, v)| (k.as_str(), id.as_str(), *v))
            .collect();
        if let Some(dup) = batch
            .events
            .iter()
            .find(|e| !inserted.remove(&(e.kind.as_str(), e.aggregate_id.as_str(), e.version)))
        {
            return Err(StoreError::DuplicateEvent {
                kind: dup.kind.clone(),
                aggregate_id: dup.aggregate_id.clone(),
                version: dup.version,
            });
        }
        done.event_seqs = stored.iter().map(|(seq, ..)| *seq).collect();
        done.event_seqs.sort_unstable();

        let grants: Vec<(i64, &AccessGrant)> = batch.grants.iter().map(|g| (at, g)).collect();
        Self::insert_grants(conn, &grants).await?;

        let org = batch.actor_org_id.as_deref();
        let lines: Vec<AuditRow<'_>> = batch.audit.iter().map(|a| (actor, org, at, a)).collect();
        done.audit_seqs = Self::insert_audit(conn, &lines).await?;
        Ok(CommitReceipt::Committed(done))
    }

    /// Idempotency records, one multi-row INSERT per chunk; rows inserted (a key already
    /// used is skipped).
    async fn insert_idempotency(
        conn: &mut D::Connection,
        rows: &[(&str, i64, &IdempotencyRecord)],
    ) -> Result<u64, StoreError> {
        let mut inserted = 0;
        let mut rest = rows;
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(audit_chunk(rest.len()));
            rest = tail;
            let sql = format!(
                "INSERT INTO idempotency \
                     (actor, key, request_hash, status_code, response_body, created_at) \
                     VALUES {} ON CONFLICT (actor, key) DO NOTHING",
                values_sql(chunk.len(), 6)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (actor, at, i) in chunk {
                q = q
                    .bind(*actor)
                    .bind(i.key.as_str())
                    .bind(i.request_hash.as_str())
                    .bind(i64::from(i.status_code))
                    .bind(i.response_body.as_str())
                    .bind(*at);
            }
            inserted += D::rows_affected(&q.execute(&mut *conn).await?);
        }
        Ok(inserted)
    }

    /// New aggregates (version 1 onwards as written), one multi-row INSERT per chunk; rows
    /// inserted (an existing (kind, id) is skipped).
    async fn insert_aggregates(
        conn: &mut D::Connection,
        rows: &[(i64, &AggregateWrite)],
    ) -> Result<u64, StoreError> {
        let mut inserted = 0;
        let mut rest = rows;
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(audit_chunk(rest.len()));
            rest = tail;
            let sql = format!(
                "INSERT INTO aggregates (kind, id, version, org_id, member_id, status, \
                     due_at, plan_id, county, body, created_at, updated_at) \
                     VALUES {} ON CONFLICT (kind, id) DO NOTHING",
                values_sql(chunk.len(), 12)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (at, w) in chunk {
                q = q
                    .bind(w.kind.as_str())
                    .bind(w.id.as_str())
                    .bind(w.new_version())
                    .bind(w.org_id.as_str())
                    .bind(w.member_id.as_deref())
                    .bind(w.status.as_str())
                    .bind(w.due_at.map(|t| t.as_millisecond()))
                    .bind(w.plan_id.as_deref())
                    .bind(w.county.as_deref())
                    .bind(Json(&w.body))
                    .bind(*at)
                    .bind(*at);
            }
            inserted += D::rows_affected(&q.execute(&mut *conn).await?);
        }
        Ok(inserted)
    }

    /// Events, one multi-row INSERT per chunk: (seq, kind, aggregate_id, version) of each
    /// row inserted (an existing (kind, aggregate_id, version) is skipped, so a duplicate
    /// shows as a missing row).
    async fn insert_events(
        conn: &mut D::Connection,
        rows: &[(&str, i64, &NewEvent)],
    ) -> Result<Vec<(i64, String, String, i64)>, StoreError> {
        let mut stored = Vec::with_capacity(rows.len());
        let mut rest = rows;
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(audit_chunk(rest.len()));
            rest = tail;
            let sql = format!(
                "INSERT INTO events (kind, aggregate_id, version, event_type, body, actor, at) \
                     VALUES {} ON CONFLICT (kind, aggregate_id, version) DO NOTHING \
                     RETURNING seq, kind, aggregate_id, version",
                values_sql(chunk.len(), 7)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (actor, at, e) in chunk {
                q = q
                    .bind(e.kind.as_str())
                    .bind(e.aggregate_id.as_str())
                    .bind(e.version)
                    .bind(e.event_type.as_str())
                    .bind(Json(&e.body))
                    .bind(*actor)
                    .bind(*at);
            }
            for row in q.fetch_all(&mut *conn).await? {
                stored.push((
                    Self::col(&row, "events", "seq")?,
                    Self::col(&row, "events", "kind")?,
                    Self::col(&row, "events", "aggregate_id")?,
                    Self::col(&row, "events", "version")?,
                ));
            }
        }
        Ok(stored)
    }

    /// Access grants, one multi-row INSERT per chunk (an existing grant is a no-op).
    async fn insert_grants(
        conn: &mut D::Connection,
        rows: &[(i64, &AccessGrant)],
    ) -> Result<(), StoreError> {
        let mut rest = rows;
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(audit_chunk(rest.len()));
            rest = tail;
            let sql = format!(
                "INSERT INTO member_access (org_id, member_id, reason, granted_at) \
                     VALUES {} ON CONFLICT (org_id, member_id, reason) DO NOTHING",
                values_sql(chunk.len(), 4)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (at, g) in chunk {
                q = q
                    .bind(g.org_id.as_str())
                    .bind(g.member_id.as_str())
                    .bind(g.reason.as_str())
                    .bind(*at);
            }
            q.execute(&mut *conn).await?;
        }
        Ok(())
    }

    /// Audit lines, one multi-row INSERT per chunk (a queue page audits every listed record:
    /// one statement instead of one per line is most of a page's write cost). Returns their
    /// seqs in line order: rows of one INSERT get increasing seqs in VALUES order, so the
    /// sorted seqs are the lines' (RETURNING order is not promised).
    async fn insert_audit(
        conn: &mut D::Connection,
        rows: &[AuditRow<'_>],
    ) -> Result<Vec<i64>, StoreError> {
        let mut seqs_all = Vec::with_capacity(rows.len());
        let mut rest = rows;
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(audit_chunk(rest.len()));
            rest = tail;
            let sql = format!(
                "INSERT INTO audit_log \
                     (actor, actor_org_id, org_id, action, record_kind, record_id, member_id, at) \
                     VALUES {} RETURNING seq",
                values_sql(chunk.len(), 8)
            );
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (actor, actor_org, at, a) in chunk {
                q = q
                    .bind(*actor)
                    .bind(*actor_org)
                    .bind(a.org_id.as_str())
                    .bind(a.action.as_str())
                    .bind(a.record_kind.as_str())
                    .bind(a.record_id.as_str())
                    .bind(a.member_id.as_deref())
                    .bind(*at);
            }
            let mut seqs = q
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|row| Self::col::<i64>(row, "audit_log", "seq"))
                .collect::<Result<Vec<_>, _>>()?;
            seqs.sort_unstable();
            seqs_all.extend(seqs);
        }
        Ok(seqs_all)
    }

    /// Commits `batch` with group commit (`crate::group`): queued, then applied by whoever
    /// holds a writer connection together with the other queued batches, in one
    /// transaction started with [`Dialect::BEGIN`]. The outcome is exactly a lone commit's.
    pub(super) async fn commit_grouped(
        &self,
        batch: WriteBatch,
    ) -> Result<CommitReceipt, StoreError> {
        validate(&batch)?;
        let mut outcome = self.pending.push(batch);
        loop {
            // Either another writer answers this batch first, or this caller becomes the
            // writer. (Waiting for the connection alone would make every caller whose batch
            // is already committed queue for the connection just to learn that.)
            let acquired = tokio::select! {
                biased;
                result = &mut outcome => {
                    return result.map_err(|_| group::abandoned())?;
                }
                acquired = self.writer.acquire() => acquired,
            };
            let conn = match acquired {
                Ok(conn) => conn,
                Err(e) => {
                    let e = StoreError::from(e);
                    for job in self.pending.take_all() {
                        let _ = job.reply.send(Err(StoreError::Unavailable {
                            source: e.to_string().into(),
                        }));
                    }
                    return Err(e);
                }
            };
            let jobs = self.pending.take();
            if jobs.is_empty() {
                // Another writer took this batch: its outcome comes through the channel.
                drop(conn);
                return outcome.await.map_err(|_| group::abandoned())?;
            }
            // Awaited, but not cancelled if this caller goes away.
            let _ = tokio::spawn(Self::run_group(conn, jobs)).await;
        }
    }

    async fn run_group(mut conn: PoolConnection<D>, jobs: Vec<Job>) {
        if jobs.len() > 1
            && let Some(receipts) = Self::group_attempt(&mut conn, &jobs).await
        {
            for (job, receipt) in jobs.into_iter().zip(receipts) {
                let _ = job.reply.send(Ok(receipt));
            }
            return;
        }
        // A lone batch, or a group that failed as a whole: each batch alone.
        for job in jobs {
            let outcome = match sqlx::Connection::begin_with(&mut *conn, D::BEGIN).await {
                Ok(tx) => Self::commit_batch(tx, &job.batch).await,
                Err(e) => Err(e.into()),
            };
            let _ = job.reply.send(outcome);
        }
    }

    /// All of `jobs` in one transaction, or `None` (rolled back) when any of them fails or
    /// the group cannot be written as a whole (then each batch is retried alone).
    async fn group_attempt(
        conn: &mut PoolConnection<D>,
        jobs: &[Job],
    ) -> Option<Vec<CommitReceipt>> {
        let mut tx = sqlx::Connection::begin_with(&mut **conn, D::BEGIN)
            .await
            .ok()?;
        let batches: Vec<&WriteBatch> = jobs.iter().map(|j| &j.batch).collect();
        match Self::apply_group(&mut tx, &batches).await {
            Ok(Some(receipts)) => {
                tx.commit().await.ok()?;
                Some(receipts)
            }
            Ok(None) | Err(_) => {
                let _ = tx.rollback().await;
                None
            }
        }
    }

    /// Applies every batch of a group inside the open transaction with the same multi-row
    /// statements as `apply`, but over all batches at once (in chunks of at most 64 rows)
    /// instead of ~5 statements per batch: on SQLite every statement is a round trip to the
    /// connection's worker thread, and the single writer connection is the bottleneck. The
    /// result is exactly what applying the batches one after another would give, or
    /// `Ok(None)` when that cannot be promised (an Idempotency-Key already used, a version
    /// conflict, a duplicate event, the same record written twice in the group): the caller
    /// then rolls back and applies each batch alone, which gives each its own outcome.
    pub(super) async fn apply_group(
        conn: &mut D::Connection,
        batches: &[&WriteBatch],
    ) -> Result<Option<Vec<CommitReceipt>>, StoreError> {
        // Writes to the same record in one group would depend on their order: not here.
        let mut seen = HashSet::new();
        for b in batches {
            for w in &b.aggregates {
                if !seen.insert((w.kind.as_str(), w.id.as_str())) {
                    return Ok(None);
                }
            }
        }
        let at = |b: &WriteBatch| b.at.as_millisecond();

        // 1. Idempotency rows (first, as in `apply`): any key already used → alone.
        let idem: Vec<(&str, i64, &IdempotencyRecord)> = batches
            .iter()
            .filter_map(|b| b.idempotency.as_ref().map(|i| (b.actor.as_str(), at(b), i)))
            .collect();
        if Self::insert_idempotency(conn, &idem).await? != idem.len() as u64 {
            return Ok(None);
        }

        // 2. Aggregates: creates in multi-row INSERTs, updates one by one.
        let mut done: Vec<Committed> = batches.iter().map(|_| Committed::default()).collect();
        let mut creates = Vec::new();
        for (b, d) in batches.iter().zip(done.iter_mut()) {
            for w in &b.aggregates {
                if w.expected_version == 0 {
                    creates.push((at(b), w));
                } else if Self::update_aggregate(conn, w, at(b)).await? != 1 {
                    return Ok(None);
                }
                d.versions.push(AggregateVersion {
                    kind: w.kind.clone(),
                    id: w.id.clone(),
                    version: w.new_version(),
                });
            }
        }
        if Self::insert_aggregates(conn, &creates).await? != creates.len() as u64 {
            return Ok(None);
        }

        // 3. Events in batch order; seqs mapped back by (kind, aggregate_id, version).
        let mut owner_of = HashMap::new();
        let mut events = Vec::new();
        for (n, b) in batches.iter().enumerate() {
            for e in &b.events {
                if owner_of
                    .insert((e.kind.as_str(), e.aggregate_id.as_str(), e.version), n)
                    .is_some()
                {
                    return Ok(None);
                }
                events.push((b.actor.as_str(), at(b), e));
            }
        }
        let stored = Self::insert_events(conn, &events).await?;
        if stored.len() != events.len() {
            return Ok(None);
        }
        for (seq, kind, id, version) in &stored {
            let Some(n) = owner_of.get(&(kind.as_str(), id.as_str(), *version)) else {
                return Ok(None);
            };
            if let Some(d) = done.get_mut(*n) {
                d.event_seqs.push(*seq);
            }
        }

        // 4. Access grants.
        let grants: Vec<(i64, &AccessGrant)> = batches
            .iter()
            .flat_map(|b| b.grants.iter().map(move |g| (at(b), g)))
            .collect();
        Self::insert_grants(conn, &grants).await?;

        // 5. Audit lines in batch order; seqs come back in line order.
        let mut line_owner = Vec::new();
        let mut lines = Vec::new();
        for (n, b) in batches.iter().enumerate() {
            for a in &b.audit {
                line_owner.push(n);
                lines.push((b.actor.as_str(), b.actor_org_id.as_deref(), at(b), a));
            }
        }
        let seqs = Self::insert_audit(conn, &lines).await?;
        if seqs.len() != lines.len() {
            return Ok(None);
        }
        for (n, seq) in line_owner.into_iter().zip(seqs) {
            if let Some(d) = done.get_mut(n) {
                d.audit_seqs.push(seq);
            }
        }
        for d in &mut done {
            d.event_seqs.sort_unstable();
        }
        Ok(Some(
            done.into_iter().map(CommitReceipt::Committed).collect(),
        ))
    }
}
