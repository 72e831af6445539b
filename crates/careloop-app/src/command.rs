//! The one command path: a change to an existing record is its input type plus an impl of
//! [`Change`] (the aggregate, the action, and the domain command the input becomes);
//! [`App::change`] does everything else, the same way for every command:
//!
//! 1. the idempotency hash of the action, the record id and the input (a retry replays);
//! 2. the role check and the load through the access check (`App::load`; a record the caller's
//!    organization may not see is NotFound, and the attempt is audited);
//! 3. the If-Match check (the [`Versioned`] input's `expected_version`);
//! 4. [`Change::transition`]: the references the command names are resolved and checked here
//!    (`crate::resolve`), then the domain command, its facts and the access it grants;
//! 5. the domain decides, and state + event + grants + audit line + idempotency record are
//!    committed in one `Store::commit` (`App::write`).
//!
//! The HTTP API serves every such command with one generic handler (`careloop-web`,
//! `routes::change`), so a new command is: the domain transition, the input struct with its
//! `Change` impl, and one route line. Callers name the change by its input type:
//! `app.change(&actor, id, PendAuthorization { .. }, key, now)`, or guarded by the version read,
//! `app.change(&actor, id, PendAuthorization { .. }.expecting(Some(v)), key, now)`.

use std::future::Future;

use careloop_domain::workflow::ActorId;
use careloop_store::{AuditEntry, Store};
use jiff::Timestamp;
use serde::Serialize;

use crate::access::Action;
use crate::actor::Actor;
use crate::app::{App, Idem, Staged, Transition};
use crate::error::AppError;
use crate::record::{Aggregate, Record};
use crate::versioned::{self, IntoVersioned, Versioned};

/// A change to an existing record of `Self::Aggregate`, run by [`App::change`]. The version the
/// caller expects is not the input's: [`Versioned`] carries it (`input.expecting(Some(v))`; over
/// JSON, the body's `expected_version`).
pub trait Change: Serialize + Send + Sized {
    /// The kind of record it changes.
    type Aggregate: Aggregate;
    /// The use case: the role check, the audit line and the idempotency hash name it.
    const ACTION: Action;
    /// Hashed with the input when two commands share one action (accept and decline).
    const VARIANT: Option<&'static str> = None;
    /// When the domain decides nothing changed (no event, nothing written), still audit the
    /// access (a recompute that found the same result).
    const AUDIT_UNCHANGED: bool = false;

    /// The domain command for the loaded record, after checking what it names.
    fn transition<S: Store>(
        self,
        on: On<'_, S, Self::Aggregate>,
    ) -> impl Future<Output = Result<Transition<Self::Aggregate>, AppError>> + Send;

    /// This change, guarded: it is refused (Conflict) unless the record is at `version`.
    fn expecting(self, version: Option<i64>) -> Versioned<Self> {
        Versioned {
            input: self,
            expected_version: version,
        }
    }
}

/// What a [`Change::transition`] sees: the app (to resolve references), the actor, the loaded
/// record (its access already checked) and `now`.
pub struct On<'a, S: Store, A: Aggregate> {
    pub(crate) app: &'a App<S>,
    pub(crate) actor: &'a Actor,
    pub(crate) record: &'a Record<A::State>,
    pub(crate) now: Timestamp,
}

impl<S: Store, A: Aggregate> On<'_, S, A> {
    /// The acting user, as the domain records it.
    pub(crate) fn by(&self) -> ActorId {
        ActorId::new(self.actor.user_id.clone())
    }
}

impl<A: Aggregate> Transition<A> {
    /// A command that needs no facts and grants nothing.
    pub(crate) fn of(command: impl Into<A::Command>) -> Self {
        Transition {
            command: command.into(),
            cs_limit_input: None,
            grants: Vec::new(),
        }
    }
}

/// A change input as JSON: what its idempotency hash covers.
fn input_json<C: Change>(input: &C) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(input).map_err(|e| AppError::invalid("request", e.to_string()))
}

type StateOf<C> = <<C as Change>::Aggregate as Aggregate>::State;

/// The idempotency record of a change: the hash of its action, record id and input with
/// `expected` as its `expected_version`.
fn change_idem<C: Change>(
    id: &str,
    hashed: &mut serde_json::Value,
    expected: Option<i64>,
    idempotency_key: Option<&str>,
) -> Result<Option<Idem>, AppError> {
    // Hashed as the JSON body says it: the input's fields and `expected_version`.
    if let Some(fields) = hashed.as_object_mut() {
        fields.insert(versioned::FIELD.to_owned(), expected.into());
    }
    match C::VARIANT {
        Some(variant) => Idem::new(idempotency_key, C::ACTION, id, &(variant, &*hashed)),
        None => Idem::new(idempotency_key, C::ACTION, id, &*hashed),
    }
}

impl<S: Store> App<S> {
    /// Runs one change (see the module doc): hash, role and access check, If-Match (the
    /// [`Versioned`] input's `expected_version`; a bare input expects any version), the command's
    /// `transition`, decide, one commit. Every change use case goes through here.
    pub async fn change<V: IntoVersioned>(
        &self,
        actor: &Actor,
        id: &str,
        input: V,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<Record<StateOf<V::Input>>, AppError> {
        let Versioned {
            input,
            expected_version,
        } = input.into_versioned();
        let json = input_json(&input)?;
        self.run_change(
            actor,
            id,
            input,
            json,
            expected_version,
            idempotency_key,
            now,
        )
        .await
    }

    /// The one change path; `json` is the input as JSON (serialized once per request).
    #[allow(clippy::too_many_arguments)]
    async fn run_change<C: Change>(
        &self,
        actor: &Actor,
        id: &str,
        input: C,
        mut hashed: serde_json::Value,
        expected: Option<i64>,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<Record<StateOf<C>>, AppError> {
        let idem = change_idem::<C>(id, &mut hashed, expected, idempotency_key)?;
        let mut loaded_version = None;
        let record = self
            .update::<C::Aggregate>(actor, C::ACTION, id, expected, idem, now, async |record| {
                loaded_version = Some(record.version);
                let on = On {
                    app: self,
                    actor,
                    record,
                    now,
                };
                input.transition(on).await
            })
            .await?;
        if C::AUDIT_UNCHANGED && loaded_version == Some(record.version) {
            // Nothing was written, so the write path wrote no audit line: record the access.
            let line = AuditEntry {
                org_id: actor.org_id.clone(),
                action: C::ACTION.as_str().to_owned(),
                record_kind: <C::Aggregate as Aggregate>::KIND.to_owned(),
                record_id: record.id.clone(),
                member_id: Some(record.member_id.clone()),
            };
            self.audit(actor, vec![line], now).await?;
        }
        Ok(record)
    }

    /// [`App::change`] on a record the caller already read (a page of a listing in the actor's
    /// scope), decided but not committed: the same hash, role check, visibility check, If-Match,
    /// `transition` and decision, so a bulk use case (`App::rescreen_members`) commits the
    /// staged batches together (`Store::commit_many`) or, in a dry run, not at all. No
    /// replay look-up: a key already committed comes back `Replayed` from the store.
    pub(crate) async fn stage_change<V: IntoVersioned>(
        &self,
        actor: &Actor,
        record: Record<StateOf<V::Input>>,
        input: V,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<Staged<StateOf<V::Input>>, AppError> {
        type A<V> = <<V as IntoVersioned>::Input as Change>::Aggregate;
        let Versioned {
            input,
            expected_version,
        } = input.into_versioned();
        let mut hashed = input_json(&input)?;
        let idem =
            change_idem::<V::Input>(&record.id, &mut hashed, expected_version, idempotency_key)?;
        let action = <V::Input as Change>::ACTION;
        self.require_role(actor, action, A::<V>::KIND, &record.id, now)
            .await?;
        let record = self.admit::<A<V>>(actor, action, record, now).await?;
        Self::check_version(A::<V>::KIND, &record, expected_version)?;
        let on = On {
            app: self,
            actor,
            record: &record,
            now,
        };
        let transition = input.transition(on).await?;
        self.stage::<A<V>>(actor, action, record, transition, idem, 200, now)
    }
}
