//! Group commit: concurrent [`crate::Store::commit`] calls share one transaction and one
//! durable flush (one `fsync` on SQLite, one WAL flush on PostgreSQL) instead of paying for one
//! each. Every batch keeps its own outcome; nothing about durability changes: a caller gets its
//! receipt only after the transaction holding its batch has committed.
//!
//! How: a caller queues its batch here, then takes a writer connection. Whoever holds a writer
//! connection drains the queue (up to [`MAX_GROUP`] batches at a time, in arrival order) and
//! applies the whole group in ONE transaction, then sends every caller its receipt. When any
//! batch of a group fails (a version conflict, a duplicate, a database error), the group is
//! rolled back and each of its batches is retried alone, so one bad batch never takes another
//! caller's write with it and every caller gets exactly the outcome a lone commit would give.
//! The group runs on a spawned task, so a caller that goes away (a client disconnect) cannot
//! cancel other callers' writes half-way.

use std::sync::{Mutex, PoisonError};

use tokio::sync::oneshot;

use crate::batch::WriteBatch;
use crate::error::StoreError;
use crate::records::CommitReceipt;

/// Batches applied in one transaction at most.
pub(crate) const MAX_GROUP: usize = 64;

/// The outcome of one batch, sent to the caller that queued it.
pub(crate) type Outcome = Result<CommitReceipt, StoreError>;

/// One queued batch and where its outcome goes.
pub(crate) struct Job {
    pub batch: WriteBatch,
    pub reply: oneshot::Sender<Outcome>,
}

/// The batches waiting for a writer.
#[derive(Default)]
pub(crate) struct Pending {
    jobs: Mutex<Vec<Job>>,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending").finish_non_exhaustive()
    }
}

impl Pending {
    /// Queues `batch`; the receiver gets its outcome.
    pub(crate) fn push(&self, batch: WriteBatch) -> oneshot::Receiver<Outcome> {
        let (reply, outcome) = oneshot::channel();
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Job { batch, reply });
        outcome
    }

    /// Takes up to [`MAX_GROUP`] of the oldest queued batches.
    pub(crate) fn take(&self) -> Vec<Job> {
        let mut jobs = self.jobs.lock().unwrap_or_else(PoisonError::into_inner);
        let n = jobs.len().min(MAX_GROUP);
        jobs.drain(..n).collect()
    }

    /// Takes every queued batch (to fail them when no writer connection can be had).
    pub(crate) fn take_all(&self) -> Vec<Job> {
        std::mem::take(&mut *self.jobs.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The error a caller gets when the task running its group vanished (runtime shut down).
pub(crate) fn abandoned() -> StoreError {
    StoreError::Database {
        source: "the group commit holding this batch did not finish".into(),
    }
}
