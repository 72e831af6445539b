//! [`crate::Store::commit_many`]: several write batches in ONE transaction (bulk loads), each
//! with exactly a lone commit's outcome.
//!
//! How: the writer connection opens one transaction ([`Dialect::BEGIN`]); inside it the whole
//! list is first tried at once with the group commit's multi-row statements
//! (`apply_group`) under a savepoint. When that cannot promise each batch a lone commit's
//! outcome (an Idempotency-Key already used — a re-run of an import —, a conflict, a duplicate),
//! the savepoint is rolled back and each batch is applied under its own savepoint instead
//! (`commit_batch`: released on `Committed`, rolled back on `Replayed` or an error). Then the
//! one transaction commits: one durable flush for the whole list.

use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::types::Json;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};

use super::SqlStore;
use crate::batch::WriteBatch;
use crate::dialect::Dialect;
use crate::error::StoreError;
use crate::group::{self, Outcome};
use crate::ops::validate;

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
    /// See the module doc. Runs on a spawned task, so a caller that goes away cannot cancel the
    /// transaction half-way.
    pub(super) async fn commit_in_one(
        &self,
        batches: Vec<WriteBatch>,
    ) -> Result<Vec<Outcome>, StoreError> {
        if batches.is_empty() {
            return Ok(Vec::new());
        }
        let conn = self.writer().acquire().await?;
        tokio::spawn(Self::run_many(conn, batches))
            .await
            .map_err(|_| group::abandoned())?
    }

    async fn run_many(
        mut conn: PoolConnection<D>,
        batches: Vec<WriteBatch>,
    ) -> Result<Vec<Outcome>, StoreError> {
        let mut tx = sqlx::Connection::begin_with(&mut *conn, D::BEGIN).await?;
        match Self::apply_many(&mut tx, &batches).await {
            Ok(outcomes) => {
                tx.commit().await?;
                Ok(outcomes)
            }
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }

    /// Every batch inside the open transaction `tx`: all at once when that gives each its lone
    /// outcome, else one savepoint per batch.
    async fn apply_many(
        tx: &mut sqlx::Transaction<'_, D>,
        batches: &[WriteBatch],
    ) -> Result<Vec<Outcome>, StoreError> {
        if batches.iter().all(|b| validate(b).is_ok()) {
            let refs: Vec<&WriteBatch> = batches.iter().collect();
            let mut all = sqlx::Connection::begin(&mut **tx).await?;
            match Self::apply_group(&mut all, &refs).await {
                Ok(Some(receipts)) => {
                    all.commit().await?;
                    return Ok(receipts.into_iter().map(Ok).collect());
                }
                Ok(None) | Err(_) => all.rollback().await?,
            }
        }
        let mut outcomes = Vec::with_capacity(batches.len());
        for batch in batches {
            let one = sqlx::Connection::begin(&mut **tx).await?;
            outcomes.push(Self::commit_batch(one, batch).await);
        }
        Ok(outcomes)
    }
}
