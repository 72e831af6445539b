//! Bulk registration (issue #15 item 2): `careloop members import` and the demo data set
//! register many members through the create path. Each member runs exactly what
//! [`App::create`] runs for a [`RegisterMember`] (`App::prepare`: the role check naming the
//! member, the member's scope resolved from the registering plan organization, the idempotency
//! hash, the domain's decision, the event, the audit line, the Idempotency-Key record); only the
//! commit differs: the whole list in ONE transaction (`Store::commit_many`), each member with
//! the outcome its lone commit would have had.
//!
//! Each member's Idempotency-Key is derived from its id and a hash of its registration
//! ([`import_key`]), so importing the same line again is a no-op (the stored response is
//! replayed, nothing is written) and a re-run after a crash finishes the import with exactly
//! one record per member. A line for a member already registered with other data is refused
//! (a conflict on the existing member), never a second record. The Idempotency-Key record
//! holds a reference to the member record rather than a copy of it (a member record with its
//! determination's trace is tens of kilobytes): a replay reads the stored record.

use careloop_store::{CommitReceipt, Store};
use jiff::Timestamp;
use sha2::{Digest, Sha256};

use crate::actor::Actor;
use crate::app::{App, Idem, Staged};
use crate::create::Prepared;
use crate::error::AppError;
use crate::member::{MemberRecord, RegisterMember};
use crate::record::{Aggregate, MemberAggregate};

/// The most members one [`App::import_members`] call commits in one transaction.
pub const MAX_IMPORT_BATCH: usize = 10_000;

/// One member to register: its id (the new record's id) and its registration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportMember {
    pub member_id: String,
    pub registration: RegisterMember,
}

/// A member the import registered (`replayed`: by an earlier run with the same data; nothing
/// was written this time, and `record` is the member as stored now).
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub record: MemberRecord,
    pub replayed: bool,
}

/// The Idempotency-Key of one imported member: `import-<member id>-<first 16 hex digits of the
/// SHA-256 of the registration's JSON>`.
pub fn import_key(member: &ImportMember) -> Result<String, AppError> {
    let json = serde_json::to_vec(&member.registration)
        .map_err(|e| AppError::invalid("registration", e.to_string()))?;
    let digest = Sha256::digest(&json);
    let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    Ok(format!("import-{}-{hash}", member.member_id))
}

/// One member between deciding and committing.
enum Step {
    /// Refused before anything could be committed (role, input, the domain's decision).
    Refused(AppError, Option<Idem>),
    /// Decided: its batch is in the list committed together.
    Staged(Box<MemberRecord>, Option<Idem>),
}

/// The response an imported member's Idempotency-Key record holds: the member record's kind
/// and id, not a copy of the record (with its determination's trace a member record is tens of
/// kilobytes; an import's replay reads the stored record instead).
fn reference(record: &MemberRecord) -> String {
    serde_json::json!({ "kind": MemberAggregate::KIND, "id": record.id }).to_string()
}

impl<S: Store> App<S> {
    /// Registers `members` for the actor's plan organization (see the module doc): each member
    /// through the create path, all of them committed in ONE transaction. The result has one
    /// entry per member, in order: the record (new, or as stored by an earlier import of the
    /// same data) or why that member was refused; one member's refusal never stops the others.
    /// The outer `Err` is a failure of the whole list (too many members, the database).
    pub async fn import_members(
        &self,
        actor: &Actor,
        members: Vec<ImportMember>,
        now: Timestamp,
    ) -> Result<Vec<Result<Imported, AppError>>, AppError> {
        if members.len() > MAX_IMPORT_BATCH {
            return Err(AppError::invalid(
                "members",
                format!("at most {MAX_IMPORT_BATCH} members per batch"),
            ));
        }
        let mut steps = Vec::with_capacity(members.len());
        let mut batches = Vec::with_capacity(members.len());
        for member in members {
            let key = match import_key(&member) {
                Ok(key) => key,
                Err(e) => {
                    steps.push(Step::Refused(e, None));
                    continue;
                }
            };
            let prepared = self
                .prepare(
                    actor,
                    &member.member_id,
                    member.registration,
                    Some(&key),
                    now,
                )
                .await;
            let Prepared { staged, retry } = match prepared {
                Ok(prepared) => prepared,
                Err(e) => {
                    steps.push(Step::Refused(e, None));
                    continue;
                }
            };
            match staged {
                Ok(Staged {
                    batch: Some(mut batch),
                    record,
                }) => {
                    if let Some(idem) = batch.idempotency.as_mut() {
                        idem.response_body = reference(&record);
                    }
                    batches.push(batch);
                    steps.push(Step::Staged(Box::new(record), retry));
                }
                Ok(Staged { batch: None, .. }) => steps.push(Step::Refused(
                    AppError::invalid("facts", "the registration decided nothing"),
                    retry,
                )),
                Err(e) => steps.push(Step::Refused(e, retry)),
            }
        }
        let mut receipts = self.store().commit_many(batches).await?.into_iter();
        let mut results = Vec::with_capacity(steps.len());
        for step in steps {
            let (outcome, id, retry) = match step {
                Step::Refused(e, retry) => (Err(e), None, retry),
                Step::Staged(record, retry) => {
                    let id = record.id.clone();
                    let outcome = match receipts.next() {
                        Some(Ok(CommitReceipt::Committed(_))) => Ok(Imported {
                            record: *record,
                            replayed: false,
                        }),
                        Some(Ok(CommitReceipt::Replayed(_))) => {
                            self.imported(&id).await.map(|record| Imported {
                                record,
                                replayed: true,
                            })
                        }
                        Some(Err(e)) => Err(AppError::from(e)),
                        None => Err(AppError::invalid("members", "no receipt for this member")),
                    };
                    (outcome, Some(id), retry)
                }
            };
            let outcome = match (outcome, id, retry) {
                // As in `App::create`: a committed original wins over this attempt's error.
                (Err(e), Some(id), Some(idem)) => match self.replay_matches(actor, &idem).await? {
                    true => self.imported(&id).await.map(|record| Imported {
                        record,
                        replayed: true,
                    }),
                    false => Err(e),
                },
                (outcome, ..) => outcome,
            };
            results.push(outcome);
        }
        Ok(results)
    }

    /// The stored record of an imported member (its importer's key was replayed).
    async fn imported(&self, id: &str) -> Result<MemberRecord, AppError> {
        match self.store().get(MemberAggregate::KIND, id).await? {
            Some(stored) => MemberRecord::from_stored(stored, self.pack()),
            None => Err(AppError::NotFound {
                kind: MemberAggregate::KIND,
                id: id.to_owned(),
            }),
        }
    }

    /// Whether the actor's key was committed for this very request (a mismatch is an error).
    async fn replay_matches(&self, actor: &Actor, idem: &Idem) -> Result<bool, AppError> {
        match self
            .store()
            .idempotent_response(&actor.user_id, &idem.key)
            .await?
        {
            None => Ok(false),
            Some(stored) if stored.request_hash == idem.request_hash => Ok(true),
            Some(_) => Err(AppError::IdempotencyMismatch {
                key: idem.key.clone(),
            }),
        }
    }
}
