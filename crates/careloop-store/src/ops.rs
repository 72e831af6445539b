//! The store operations, written once in plain SQL and expanded for each engine by
//! [`store_ops!`] (sqlx's traits make a generic version unreadable; the SQL and the logic are
//! identical on SQLite and PostgreSQL, only the driver types differ).

use jiff::Timestamp;

use crate::batch::WriteBatch;
use crate::error::StoreError;

/// Epoch milliseconds read from `table.column` as a timestamp.
pub(crate) fn timestamp(
    ms: i64,
    table: &'static str,
    column: &'static str,
) -> Result<Timestamp, StoreError> {
    Timestamp::from_millisecond(ms).map_err(|e| StoreError::corrupt(table, column, e))
}

/// Rejects batches the schema would reject anyway, naming the field instead of a SQL error.
pub(crate) fn validate(batch: &WriteBatch) -> Result<(), StoreError> {
    if batch.actor.trim().is_empty() {
        return Err(StoreError::invalid("actor", "must not be empty"));
    }
    for w in &batch.aggregates {
        if w.kind.is_empty() || w.id.is_empty() {
            return Err(StoreError::invalid(
                "aggregate.kind/id",
                "must not be empty",
            ));
        }
        if w.expected_version < 0 || w.expected_version == i64::MAX {
            return Err(StoreError::invalid(
                "aggregate.expected_version",
                format!(
                    "{} for {} {} is not a version",
                    w.expected_version, w.kind, w.id
                ),
            ));
        }
    }
    for e in &batch.events {
        if e.version < 1 {
            return Err(StoreError::invalid(
                "event.version",
                format!(
                    "{} for {} {} must be >= 1",
                    e.version, e.kind, e.aggregate_id
                ),
            ));
        }
    }
    if let Some(idem) = &batch.idempotency {
        if idem.key.is_empty() {
            return Err(StoreError::invalid("idempotency.key", "must not be empty"));
        }
        if !(100..=599).contains(&idem.status_code) {
            return Err(StoreError::invalid(
                "idempotency.status_code",
                format!("{} is not an HTTP status", idem.status_code),
            ));
        }
    }
    Ok(())
}

/// The two queries of `events_since` for one engine: `from_start` binds `$1` = limit, `after`
/// binds `$1` = the cursor seq and `$2` = limit. Both select [`EVENT_COLUMNS`].
pub(crate) struct EventLogSql {
    pub from_start: &'static str,
    pub after: &'static str,
}

/// The `events` columns a [`crate::StoredEvent`] is read from.
macro_rules! event_columns {
    () => {
        "seq, kind, aggregate_id, version, event_type, body, actor, at"
    };
}
pub(crate) use event_columns;

/// Rows per multi-row INSERT for `remaining` rows (audit lines; a group commit's rows of each
/// table): the largest power of two up to 64, so only 7 statement shapes exist per table (each
/// engine caches prepared statements by text) and a statement has at most 768 parameters, well
/// under both engines' limits.
pub(crate) fn audit_chunk(remaining: usize) -> usize {
    match remaining {
        0 => 0,
        n if n >= 64 => 64,
        n => 1 << (usize::BITS - 1 - n.leading_zeros()),
    }
}

/// `($1, …, $cols), ($cols+1, …), …` for `rows` rows of `cols` parameters.
pub(crate) fn values_sql(rows: usize, cols: usize) -> String {
    let mut sql = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&(r * cols + c + 1).to_string());
        }
        sql.push(')');
    }
    sql
}

/// Expands the operations for one sqlx database type inside the calling module.
macro_rules! store_ops {
    ($db:ty) => {
        use sqlx::Row as _;
        use sqlx::types::Json;

        use $crate::batch::WriteBatch;
        use $crate::error::StoreError;
        use $crate::ops::timestamp;
        use $crate::query::{AGGREGATE_COLUMNS, AuditFilter, Bind, ListPage, ListQuery, QueueCursor, QueuePage, QueueQuery, Sql};
        use $crate::batch::{AccessGrant, AggregateWrite, AuditEntry, IdempotencyRecord, NewEvent};
        use $crate::records::{
            AggregateVersion, AuditRecord, CommitReceipt, Committed, StoredAggregate,
            StoredEvent, StoredResponse,
        };

        type Conn = <$db as sqlx::Database>::Connection;
        type DbRow = <$db as sqlx::Database>::Row;
        /// (actor, actor's organization, at, line) of one audit row to insert.
        type AuditRow<'a> = (&'a str, Option<&'a str>, i64, &'a AuditEntry);
        type DbPool = sqlx::Pool<$db>;

        fn col<'r, T>(row: &'r DbRow, table: &'static str, column: &'static str) -> Result<T, StoreError>
        where
            T: sqlx::Decode<'r, $db> + sqlx::Type<$db>,
        {
            row.try_get::<T, _>(column)
                .map_err(|e| StoreError::corrupt(table, column, e))
        }

        fn time(row: &DbRow, table: &'static str, column: &'static str) -> Result<jiff::Timestamp, StoreError> {
            timestamp(col::<i64>(row, table, column)?, table, column)
        }

        fn aggregate(row: &DbRow) -> Result<StoredAggregate, StoreError> {
            const T: &str = "aggregates";
            let due_at = match col::<Option<i64>>(row, T, "due_at")? {
                Some(ms) => Some(timestamp(ms, T, "due_at")?),
                None => None,
            };
            Ok(StoredAggregate {
                kind: col(row, T, "kind")?,
                id: col(row, T, "id")?,
                version: col(row, T, "version")?,
                org_id: col(row, T, "org_id")?,
                member_id: col(row, T, "member_id")?,
                status: col(row, T, "status")?,
                due_at,
                plan_id: col(row, T, "plan_id")?,
                county: col(row, T, "county")?,
                body: col::<Json<serde_json::Value>>(row, T, "body")?.0,
                created_at: time(row, T, "created_at")?,
                updated_at: time(row, T, "updated_at")?,
            })
        }

        fn event(row: &DbRow) -> Result<StoredEvent, StoreError> {
            const T: &str = "events";
            Ok(StoredEvent {
                seq: col(row, T, "seq")?,
                kind: col(row, T, "kind")?,
                aggregate_id: col(row, T, "aggregate_id")?,
                version: col(row, T, "version")?,
                event_type: col(row, T, "event_type")?,
                body: col::<Json<serde_json::Value>>(row, T, "body")?.0,
                actor: col(row, T, "actor")?,
                at: time(row, T, "at")?,
            })
        }

        fn audit_record(row: &DbRow) -> Result<AuditRecord, StoreError> {
            const T: &str = "audit_log";
            Ok(AuditRecord {
                seq: col(row, T, "seq")?,
                actor: col(row, T, "actor")?,
                org_id: col(row, T, "org_id")?,
                action: col(row, T, "action")?,
                record_kind: col(row, T, "record_kind")?,
                record_id: col(row, T, "record_id")?,
                member_id: col(row, T, "member_id")?,
                actor_org_id: col(row, T, "actor_org_id")?,
                at: time(row, T, "at")?,
            })
        }

        fn response(row: &DbRow) -> Result<StoredResponse, StoreError> {
            const T: &str = "idempotency";
            let code: i64 = col(row, T, "status_code")?;
            Ok(StoredResponse {
                request_hash: col(row, T, "request_hash")?,
                status_code: u16::try_from(code)
                    .map_err(|e| StoreError::corrupt(T, "status_code", e))?,
                response_body: col(row, T, "response_body")?,
                created_at: time(row, T, "created_at")?,
            })
        }

        async fn fetch_sql(pool: &DbPool, sql: Sql) -> Result<Vec<DbRow>, StoreError> {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.text));
            for b in sql.binds {
                q = match b {
                    Bind::Text(s) => q.bind(s),
                    Bind::Int(i) => q.bind(i),
                };
            }
            Ok(q.fetch_all(pool).await?)
        }

        const SELECT_RESPONSE: &str = "SELECT request_hash, status_code, response_body, created_at \
             FROM idempotency WHERE actor = $1 AND key = $2";

        async fn current_version(conn: &mut Conn, kind: &str, id: &str) -> Result<Option<i64>, StoreError> {
            let row = sqlx::query("SELECT version FROM aggregates WHERE kind = $1 AND id = $2")
                .bind(kind)
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
            row.map(|r| col::<i64>(&r, "aggregates", "version")).transpose()
        }

        /// The optimistic update of one aggregate (`expected_version` → its next version);
        /// rows affected: 1, or 0 when the stored version is not the expected one.
        async fn update_aggregate(
            conn: &mut Conn,
            w: &$crate::batch::AggregateWrite,
            at: i64,
        ) -> Result<u64, StoreError> {
            Ok(sqlx::query(
                "UPDATE aggregates SET version = $3, org_id = $4, member_id = $5, \
                 status = $6, due_at = $7, plan_id = $8, county = $9, body = $10, \
                 updated_at = $11 WHERE kind = $1 AND id = $2 AND version = $12",
            )
            .bind(&w.kind)
            .bind(&w.id)
            .bind(w.new_version())
            .bind(&w.org_id)
            .bind(w.member_id.as_deref())
            .bind(&w.status)
            .bind(w.due_at.map(|t| t.as_millisecond()))
            .bind(w.plan_id.as_deref())
            .bind(w.county.as_deref())
            .bind(Json(&w.body))
            .bind(at)
            .bind(w.expected_version)
            .execute(&mut *conn)
            .await?
            .rows_affected())
        }

        /// Applies `batch` in the open transaction `tx`, then commits it on `Committed` and rolls it
        /// back on `Replayed` or any error, so a failing batch leaves nothing behind.
        pub(crate) async fn commit_batch(
            mut tx: sqlx::Transaction<'_, $db>,
            batch: &WriteBatch,
        ) -> Result<CommitReceipt, StoreError> {
            match apply(&mut tx, batch).await {
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
        pub(crate) async fn apply(conn: &mut Conn, batch: &WriteBatch) -> Result<CommitReceipt, StoreError> {
            $crate::ops::validate(batch)?;
            let at = batch.at.as_millisecond();
            let actor = batch.actor.as_str();
            // The idempotency row goes first: on PostgreSQL a concurrent request with the same
            // key waits on it and then sees the committed response.
            if let Some(idem) = &batch.idempotency {
                if insert_idempotency(conn, &[(actor, at, idem)]).await? == 0 {
                    let row = sqlx::query(SELECT_RESPONSE)
                        .bind(actor)
                        .bind(&idem.key)
                        .fetch_optional(&mut *conn)
                        .await?;
                    let stored = match row {
                        Some(r) => response(&r)?,
                        None => {
                            return Err(StoreError::Database {
                                source: "idempotency record conflicted but cannot be read".into(),
                            })
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
            }

            let mut done = Committed::default();
            for w in &batch.aggregates {
                let changed = if w.expected_version == 0 {
                    insert_aggregates(conn, &[(at, w)]).await?
                } else {
                    update_aggregate(conn, w, at).await?
                };
                if changed != 1 {
                    return Err(StoreError::Conflict {
                        kind: w.kind.clone(),
                        id: w.id.clone(),
                        expected: w.expected_version,
                        actual: current_version(conn, &w.kind, &w.id).await?,
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
            let stored = insert_events(conn, &events).await?;
            // A duplicate (of a stored event or of another event of this batch) is the first
            // event, in batch order, left without an inserted row.
            let mut inserted: std::collections::HashSet<(&str, &str, i64)> = stored
                .iter()
                .map(|(_, k, id, v)| (k.as_str(), id.as_str(), *v))
                .collect();
            if let Some(dup) = batch.events.iter().find(|e| {
                !inserted.remove(&(e.kind.as_str(), e.aggregate_id.as_str(), e.version))
            }) {
                return Err(StoreError::DuplicateEvent {
                    kind: dup.kind.clone(),
                    aggregate_id: dup.aggregate_id.clone(),
                    version: dup.version,
                });
            }
            done.event_seqs = stored.iter().map(|(seq, ..)| *seq).collect();
            done.event_seqs.sort_unstable();

            let grants: Vec<(i64, &AccessGrant)> = batch.grants.iter().map(|g| (at, g)).collect();
            insert_grants(conn, &grants).await?;

            let org = batch.actor_org_id.as_deref();
            let lines: Vec<AuditRow<'_>> =
                batch.audit.iter().map(|a| (actor, org, at, a)).collect();
            done.audit_seqs = insert_audit(conn, &lines).await?;
            Ok(CommitReceipt::Committed(done))
        }

        /// Idempotency records, one multi-row INSERT per chunk; rows inserted (a key already
        /// used is skipped).
        async fn insert_idempotency(
            conn: &mut Conn,
            rows: &[(&str, i64, &IdempotencyRecord)],
        ) -> Result<u64, StoreError> {
            let mut inserted = 0;
            let mut rest = rows;
            while !rest.is_empty() {
                let (chunk, tail) = rest.split_at($crate::ops::audit_chunk(rest.len()));
                rest = tail;
                let sql = format!(
                    "INSERT INTO idempotency \
                     (actor, key, request_hash, status_code, response_body, created_at) \
                     VALUES {} ON CONFLICT (actor, key) DO NOTHING",
                    $crate::ops::values_sql(chunk.len(), 6)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (actor, at, i) in chunk {
                    q = q
                        .bind(*actor)
                        .bind(&i.key)
                        .bind(&i.request_hash)
                        .bind(i64::from(i.status_code))
                        .bind(&i.response_body)
                        .bind(*at);
                }
                inserted += q.execute(&mut *conn).await?.rows_affected();
            }
            Ok(inserted)
        }

        /// New aggregates (version 1 onwards as written), one multi-row INSERT per chunk; rows
        /// inserted (an existing (kind, id) is skipped).
        async fn insert_aggregates(
            conn: &mut Conn,
            rows: &[(i64, &AggregateWrite)],
        ) -> Result<u64, StoreError> {
            let mut inserted = 0;
            let mut rest = rows;
            while !rest.is_empty() {
                let (chunk, tail) = rest.split_at($crate::ops::audit_chunk(rest.len()));
                rest = tail;
                let sql = format!(
                    "INSERT INTO aggregates (kind, id, version, org_id, member_id, status, \
                     due_at, plan_id, county, body, created_at, updated_at) \
                     VALUES {} ON CONFLICT (kind, id) DO NOTHING",
                    $crate::ops::values_sql(chunk.len(), 12)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (at, w) in chunk {
                    q = q
                        .bind(&w.kind)
                        .bind(&w.id)
                        .bind(w.new_version())
                        .bind(&w.org_id)
                        .bind(w.member_id.as_deref())
                        .bind(&w.status)
                        .bind(w.due_at.map(|t| t.as_millisecond()))
                        .bind(w.plan_id.as_deref())
                        .bind(w.county.as_deref())
                        .bind(Json(&w.body))
                        .bind(*at)
                        .bind(*at);
                }
                inserted += q.execute(&mut *conn).await?.rows_affected();
            }
            Ok(inserted)
        }

        /// Events, one multi-row INSERT per chunk: (seq, kind, aggregate_id, version) of each
        /// row inserted (an existing (kind, aggregate_id, version) is skipped, so a duplicate
        /// shows as a missing row).
        async fn insert_events(
            conn: &mut Conn,
            rows: &[(&str, i64, &NewEvent)],
        ) -> Result<Vec<(i64, String, String, i64)>, StoreError> {
            let mut stored = Vec::with_capacity(rows.len());
            let mut rest = rows;
            while !rest.is_empty() {
                let (chunk, tail) = rest.split_at($crate::ops::audit_chunk(rest.len()));
                rest = tail;
                let sql = format!(
                    "INSERT INTO events (kind, aggregate_id, version, event_type, body, actor, at) \
                     VALUES {} ON CONFLICT (kind, aggregate_id, version) DO NOTHING \
                     RETURNING seq, kind, aggregate_id, version",
                    $crate::ops::values_sql(chunk.len(), 7)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (actor, at, e) in chunk {
                    q = q
                        .bind(&e.kind)
                        .bind(&e.aggregate_id)
                        .bind(e.version)
                        .bind(&e.event_type)
                        .bind(Json(&e.body))
                        .bind(*actor)
                        .bind(*at);
                }
                for row in q.fetch_all(&mut *conn).await? {
                    stored.push((
                        col(&row, "events", "seq")?,
                        col(&row, "events", "kind")?,
                        col(&row, "events", "aggregate_id")?,
                        col(&row, "events", "version")?,
                    ));
                }
            }
            Ok(stored)
        }

        /// Access grants, one multi-row INSERT per chunk (an existing grant is a no-op).
        async fn insert_grants(
            conn: &mut Conn,
            rows: &[(i64, &AccessGrant)],
        ) -> Result<(), StoreError> {
            let mut rest = rows;
            while !rest.is_empty() {
                let (chunk, tail) = rest.split_at($crate::ops::audit_chunk(rest.len()));
                rest = tail;
                let sql = format!(
                    "INSERT INTO member_access (org_id, member_id, reason, granted_at) \
                     VALUES {} ON CONFLICT (org_id, member_id, reason) DO NOTHING",
                    $crate::ops::values_sql(chunk.len(), 4)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (at, g) in chunk {
                    q = q
                        .bind(&g.org_id)
                        .bind(&g.member_id)
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
            conn: &mut Conn,
            rows: &[AuditRow<'_>],
        ) -> Result<Vec<i64>, StoreError> {
            let mut seqs_all = Vec::with_capacity(rows.len());
            let mut rest = rows;
            while !rest.is_empty() {
                let (chunk, tail) = rest.split_at($crate::ops::audit_chunk(rest.len()));
                rest = tail;
                let sql = format!(
                    "INSERT INTO audit_log \
                     (actor, actor_org_id, org_id, action, record_kind, record_id, member_id, at) \
                     VALUES {} RETURNING seq",
                    $crate::ops::values_sql(chunk.len(), 8)
                );
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (actor, actor_org, at, a) in chunk {
                    q = q
                        .bind(*actor)
                        .bind(*actor_org)
                        .bind(&a.org_id)
                        .bind(&a.action)
                        .bind(&a.record_kind)
                        .bind(&a.record_id)
                        .bind(a.member_id.as_deref())
                        .bind(*at);
                }
                let mut seqs = q
                    .fetch_all(&mut *conn)
                    .await?
                    .iter()
                    .map(|row| col::<i64>(row, "audit_log", "seq"))
                    .collect::<Result<Vec<_>, _>>()?;
                seqs.sort_unstable();
                seqs_all.extend(seqs);
            }
            Ok(seqs_all)
        }

        /// Commits `batch` with group commit (`crate::group`): queued, then applied by whoever
        /// holds a writer connection together with the other queued batches, in one
        /// transaction started with `begin`. The outcome is exactly a lone commit's.
        pub(crate) async fn commit_grouped(
            pool: &DbPool,
            pending: &$crate::group::Pending,
            begin: &'static str,
            batch: WriteBatch,
        ) -> Result<CommitReceipt, StoreError> {
            $crate::ops::validate(&batch)?;
            let mut outcome = pending.push(batch);
            loop {
                // Either another writer answers this batch first, or this caller becomes the
                // writer. (Waiting for the connection alone would make every caller whose batch
                // is already committed queue for the connection just to learn that.)
                let acquired = tokio::select! {
                    biased;
                    result = &mut outcome => {
                        return result.map_err(|_| $crate::group::abandoned())?;
                    }
                    acquired = pool.acquire() => acquired,
                };
                let conn = match acquired {
                    Ok(conn) => conn,
                    Err(e) => {
                        let e = StoreError::from(e);
                        for job in pending.take_all() {
                            let _ = job.reply.send(Err(StoreError::Unavailable {
                                source: e.to_string().into(),
                            }));
                        }
                        return Err(e);
                    }
                };
                let jobs = pending.take();
                if jobs.is_empty() {
                    // Another writer took this batch: its outcome comes through the channel.
                    drop(conn);
                    return outcome.await.map_err(|_| $crate::group::abandoned())?;
                }
                // Awaited, but not cancelled if this caller goes away.
                let _ = tokio::spawn(run_group(conn, jobs, begin)).await;
            }
        }

        async fn run_group(
            mut conn: sqlx::pool::PoolConnection<$db>,
            jobs: Vec<$crate::group::Job>,
            begin: &'static str,
        ) {
            if jobs.len() > 1 {
                if let Some(receipts) = group_attempt(&mut conn, &jobs, begin).await {
                    for (job, receipt) in jobs.into_iter().zip(receipts) {
                        let _ = job.reply.send(Ok(receipt));
                    }
                    return;
                }
            }
            // A lone batch, or a group that failed as a whole: each batch alone.
            for job in jobs {
                let outcome = match sqlx::Connection::begin_with(&mut *conn, begin).await {
                    Ok(tx) => commit_batch(tx, &job.batch).await,
                    Err(e) => Err(e.into()),
                };
                let _ = job.reply.send(outcome);
            }
        }

        /// All of `jobs` in one transaction, or `None` (rolled back) when any of them fails or
        /// the group cannot be written as a whole (then each batch is retried alone).
        async fn group_attempt(
            conn: &mut sqlx::pool::PoolConnection<$db>,
            jobs: &[$crate::group::Job],
            begin: &'static str,
        ) -> Option<Vec<CommitReceipt>> {
            let mut tx = sqlx::Connection::begin_with(&mut **conn, begin).await.ok()?;
            let batches: Vec<&WriteBatch> = jobs.iter().map(|j| &j.batch).collect();
            match apply_group(&mut tx, &batches).await {
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
        async fn apply_group(
            conn: &mut Conn,
            batches: &[&WriteBatch],
        ) -> Result<Option<Vec<CommitReceipt>>, StoreError> {
            // Writes to the same record in one group would depend on their order: not here.
            let mut seen = std::collections::HashSet::new();
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
            if insert_idempotency(conn, &idem).await? != idem.len() as u64 {
                return Ok(None);
            }

            // 2. Aggregates: creates in multi-row INSERTs, updates one by one.
            let mut done: Vec<Committed> = batches.iter().map(|_| Committed::default()).collect();
            let mut creates = Vec::new();
            for (b, d) in batches.iter().zip(done.iter_mut()) {
                for w in &b.aggregates {
                    if w.expected_version == 0 {
                        creates.push((at(b), w));
                    } else if update_aggregate(conn, w, at(b)).await? != 1 {
                        return Ok(None);
                    }
                    d.versions.push(AggregateVersion {
                        kind: w.kind.clone(),
                        id: w.id.clone(),
                        version: w.new_version(),
                    });
                }
            }
            if insert_aggregates(conn, &creates).await? != creates.len() as u64 {
                return Ok(None);
            }

            // 3. Events in batch order; seqs mapped back by (kind, aggregate_id, version).
            let mut owner_of = std::collections::HashMap::new();
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
            let stored = insert_events(conn, &events).await?;
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
            insert_grants(conn, &grants).await?;

            // 5. Audit lines in batch order; seqs come back in line order.
            let mut line_owner = Vec::new();
            let mut lines = Vec::new();
            for (n, b) in batches.iter().enumerate() {
                for a in &b.audit {
                    line_owner.push(n);
                    lines.push((b.actor.as_str(), b.actor_org_id.as_deref(), at(b), a));
                }
            }
            let seqs = insert_audit(conn, &lines).await?;
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
            Ok(Some(done.into_iter().map(CommitReceipt::Committed).collect()))
        }

        pub(crate) async fn get(pool: &DbPool, kind: &str, id: &str) -> Result<Option<StoredAggregate>, StoreError> {
            let sql = format!("SELECT {AGGREGATE_COLUMNS} FROM aggregates WHERE kind = $1 AND id = $2");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(kind)
                .bind(id)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(aggregate).transpose()
        }

        pub(crate) async fn idempotent_response(pool: &DbPool, actor: &str, key: &str) -> Result<Option<StoredResponse>, StoreError> {
            let row = sqlx::query(SELECT_RESPONSE)
                .bind(actor)
                .bind(key)
                .fetch_optional(pool)
                .await?;
            row.as_ref().map(response).transpose()
        }

        pub(crate) async fn queue(
            pool: &DbPool,
            q: &QueueQuery,
            dialect: $crate::query::Dialect,
        ) -> Result<QueuePage, StoreError> {
            let sql = $crate::query::queue_sql(q, dialect)?;
            let items = fetch_sql(pool, sql)
                .await?
                .iter()
                .map(aggregate)
                .collect::<Result<Vec<_>, _>>()?;
            let full = u32::try_from(items.len()).map_or(true, |n| n >= q.limit);
            let next = match items.last() {
                Some(last) if full => last.due_at.map(|due_at| QueueCursor {
                    due_at,
                    id: last.id.clone(),
                }),
                _ => None,
            };
            Ok(QueuePage { items, next })
        }

        pub(crate) async fn list(pool: &DbPool, q: &ListQuery) -> Result<ListPage, StoreError> {
            let sql = $crate::query::list_sql(q)?;
            let items = fetch_sql(pool, sql)
                .await?
                .iter()
                .map(aggregate)
                .collect::<Result<Vec<_>, _>>()?;
            let full = u32::try_from(items.len()).map_or(true, |n| n >= q.limit);
            let next = match items.last() {
                Some(last) if full => Some(last.id.clone()),
                _ => None,
            };
            Ok(ListPage { items, next })
        }

        pub(crate) async fn list_by_kind(pool: &DbPool, q: &$crate::query::KindListQuery) -> Result<Vec<StoredAggregate>, StoreError> {
            let sql = $crate::query::kind_list_sql(q)?;
            fetch_sql(pool, sql).await?.iter().map(aggregate).collect()
        }

        pub(crate) async fn list_for_member(pool: &DbPool, q: &$crate::query::MemberKindQuery) -> Result<Vec<StoredAggregate>, StoreError> {
            let sql = $crate::query::member_kind_sql(q)?;
            fetch_sql(pool, sql).await?.iter().map(aggregate).collect()
        }

        pub(crate) async fn events_for(pool: &DbPool, kind: &str, id: &str) -> Result<Vec<StoredEvent>, StoreError> {
            sqlx::query(
                "SELECT seq, kind, aggregate_id, version, event_type, body, actor, at FROM events \
                 WHERE kind = $1 AND aggregate_id = $2 ORDER BY version",
            )
            .bind(kind)
            .bind(id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(event)
            .collect()
        }

        /// Up to `limit` events after the event `seq` (from the start when `seq <= 0`) in the
        /// engine's commit-safe log order ([`$crate::ops::EventLogSql`]). A `seq > 0` that is
        /// not an event's seq is refused: the position in the log would be unknown.
        pub(crate) async fn events_since(
            pool: &DbPool,
            seq: i64,
            limit: u32,
            sql: &$crate::ops::EventLogSql,
        ) -> Result<Vec<StoredEvent>, StoreError> {
            let limit = $crate::query::check_limit(limit)?;
            let rows = if seq <= 0 {
                sqlx::query(sql.from_start).bind(limit).fetch_all(pool).await?
            } else {
                let known = sqlx::query("SELECT seq FROM events WHERE seq = $1")
                    .bind(seq)
                    .fetch_optional(pool)
                    .await?;
                if known.is_none() {
                    return Err(StoreError::invalid(
                        "seq",
                        format!("{seq} is not the seq of a stored event"),
                    ));
                }
                sqlx::query(sql.after).bind(seq).bind(limit).fetch_all(pool).await?
            };
            rows.iter().map(event).collect()
        }

        pub(crate) async fn audit(pool: &DbPool, f: &AuditFilter) -> Result<Vec<AuditRecord>, StoreError> {
            let sql = $crate::query::audit_sql(f)?;
            fetch_sql(pool, sql).await?.iter().map(audit_record).collect()
        }

        pub(crate) async fn has_access(pool: &DbPool, org_id: &str, member_id: &str) -> Result<bool, StoreError> {
            let row = sqlx::query(
                "SELECT 1 AS granted FROM member_access WHERE org_id = $1 AND member_id = $2 LIMIT 1",
            )
            .bind(org_id)
            .bind(member_id)
            .fetch_optional(pool)
            .await?;
            Ok(row.is_some())
        }
    };
}

pub(crate) use store_ops;

#[cfg(test)]
mod tests {
    use super::{audit_chunk, values_sql};

    #[test]
    fn values_sql_numbers_parameters_row_by_row() {
        assert_eq!(values_sql(1, 1), "($1)");
        assert_eq!(values_sql(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_sql(0, 3), "");
    }

    #[test]
    fn audit_chunks_are_powers_of_two_up_to_64_and_cover_everything() {
        assert_eq!(audit_chunk(0), 0);
        assert_eq!(audit_chunk(1), 1);
        assert_eq!(audit_chunk(3), 2);
        assert_eq!(audit_chunk(50), 32);
        assert_eq!(audit_chunk(64), 64);
        assert_eq!(audit_chunk(1000), 64);
        for total in 0..300 {
            let (mut left, mut shapes) = (total, std::collections::BTreeSet::new());
            while left > 0 {
                let n = audit_chunk(left);
                assert!(n >= 1 && n <= left && n.is_power_of_two() && n <= 64);
                shapes.insert(n);
                left -= n;
            }
            assert!(shapes.len() <= 7);
        }
    }
}
