//! The one create path: a new record is its input type plus an impl of [`Create`] (the aggregate,
//! the action, the member it is about, and the first command the input becomes);
//! [`App::create`] does everything else, the same way for every create:
//!
//! 1. the role check naming the new id (a refused attempt is audited in the caller's log and in
//!    the log of the organization that owns the member it names);
//! 2. [`Create::open`]: the references the input names are resolved through the access check
//!    (`crate::resolve`): the member record decides the owning plan organization, its overlay
//!    and the county; the first domain command and the access it grants;
//! 3. the idempotency hash of the action and the input (the new id is not part of the input: it
//!    is the server's choice, a fresh one per attempt over the API, so a retry with the same key
//!    and body replays the original record);
//! 4. the domain decides, and the new record (version 1) + event + grants + audit line +
//!    idempotency record are committed in one `Store::commit`.
//!
//! The input type is the request body of the API's create endpoint as well (`careloop-web`), so
//! a body field is declared once.

use std::future::Future;

use careloop_domain::workflow::ActorId;
use careloop_store::Store;
use jiff::Timestamp;
use serde::Serialize;

use crate::access::{Action, RecordOwners};
use crate::actor::Actor;
use crate::app::{App, Idem, NewRecord, Staged, Transition};
use crate::error::AppError;
use crate::record::{Aggregate, Record};
use crate::resolve::MemberScope;

/// A new record of `Self::Aggregate`, created by [`App::create`] under an id the caller chooses.
pub trait Create: Serialize + Send + Sized {
    /// The kind of record it creates.
    type Aggregate: Aggregate;
    /// The use case: the role check, the audit line and the idempotency hash name it.
    const ACTION: Action;

    /// The member the new record is about (`id` is the new record's id, which is the member's
    /// own id when the record is a member).
    fn member_id<'a>(&'a self, id: &'a str) -> &'a str;

    /// Where the new record belongs and its first command, after checking what it names.
    fn open<S: Store>(
        self,
        new: New<'_, S>,
    ) -> impl Future<Output = Result<Opening<Self::Aggregate>, AppError>> + Send;
}

/// What a [`Create::open`] sees: the app (to resolve references), the actor (its role already
/// checked), the new record's id and `now`.
pub struct New<'a, S: Store> {
    pub(crate) app: &'a App<S>,
    pub(crate) actor: &'a Actor,
    pub(crate) id: &'a str,
    pub(crate) now: Timestamp,
}

impl<S: Store> New<'_, S> {
    /// The acting user, as the domain records it.
    pub(crate) fn by(&self) -> ActorId {
        ActorId::new(self.actor.user_id.clone())
    }
}

/// A new record: the member scope it belongs to (owner, plan overlay, county), the referring
/// organization that may see it, and its first transition.
pub struct Opening<A: Aggregate> {
    pub(crate) scope: MemberScope,
    pub(crate) referrer_org_id: Option<String>,
    pub(crate) transition: Transition<A>,
}

impl<A: Aggregate> Opening<A> {
    /// A record owned by the member's plan organization that no referrer sees.
    pub(crate) fn owned(scope: MemberScope, transition: Transition<A>) -> Self {
        Opening {
            scope,
            referrer_org_id: None,
            transition,
        }
    }
}

type StateOf<C> = <<C as Create>::Aggregate as Aggregate>::State;

impl<S: Store> App<S> {
    /// Creates record `id` from `input` (see the module doc): role check, the input's `open`,
    /// idempotency, decide, one commit. Every create use case goes through here.
    pub async fn create<C: Create>(
        &self,
        actor: &Actor,
        id: &str,
        input: C,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<Record<StateOf<C>>, AppError> {
        let prepared = self.prepare(actor, id, input, idempotency_key, now).await?;
        let outcome = match prepared.staged {
            Ok(staged) => self.commit_staged(staged).await,
            Err(e) => Err(e),
        };
        self.or_replay(actor, outcome, prepared.retry.as_ref())
            .await
    }

    /// Steps 1 to 4 of the module doc without the commit: the role check, `open`, the
    /// idempotency hash and the domain's decision, as the write batch to commit. `App::create`
    /// commits it alone; `App::import_members` commits many in one transaction.
    pub(crate) async fn prepare<C: Create>(
        &self,
        actor: &Actor,
        id: &str,
        input: C,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<Prepared<StateOf<C>>, AppError> {
        let kind = <C::Aggregate as Aggregate>::KIND;
        self.require_role_naming(actor, C::ACTION, kind, id, input.member_id(id), now)
            .await?;
        // Hashed before `open` consumes the input; a malformed key is reported after the
        // input's own checks, as before.
        let idem = Idem::for_create(idempotency_key, C::ACTION, &input);
        let new = New {
            app: self,
            actor,
            id,
            now,
        };
        let opening = input.open(new).await?;
        let idem = idem?;
        let retry = idem.clone();
        let scope = opening.scope;
        let new = NewRecord {
            id: id.to_owned(),
            owners: RecordOwners {
                owner_org_id: scope.plan_org_id,
                referrer_org_id: opening.referrer_org_id,
            },
            plan_id: Some(scope.plan),
            county: Some(scope.county),
        };
        let staged =
            self.stage_insert::<C::Aggregate>(actor, C::ACTION, new, opening.transition, idem, now);
        Ok(Prepared { staged, retry })
    }
}

/// A create decided but not committed: the staged write (or why the domain refused it; a
/// committed original with the same key still wins over that refusal) and the key to look up
/// when the attempt fails.
pub(crate) struct Prepared<T> {
    pub(crate) staged: Result<Staged<T>, AppError>,
    pub(crate) retry: Option<Idem>,
}
