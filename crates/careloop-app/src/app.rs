//! The write path (issue #3): every change checks access, runs the domain transition and stores
//! the new state, one event, the access grants, an audit line and the Idempotency-Key record in
//! ONE transaction (`Store::commit`). Reads are audited too. No clock: each call takes `now`.

use careloop_domain::PolicyPack;
use careloop_domain::cs_limits::CsLimitInput;
use careloop_domain::workflow::Ctx;
use careloop_store::{
    AccessGrant, AggregateWrite, AuditEntry, CommitReceipt, IdempotencyRecord, NewEvent, OrgScope,
    Store, WriteBatch,
};
use jiff::Timestamp;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use crate::access::{self, Action, RecordOwners};
use crate::actor::{Actor, OrgKind};
use crate::at_rest::AtRest;
use crate::error::AppError;
use crate::record::{Aggregate, Record, StoredBody, kebab};
use crate::token_cache::TokenCache;

/// The use cases, over one store and one policy pack.
pub struct App<S: Store> {
    store: S,
    pack: PolicyPack,
    tokens: TokenCache,
}

/// A transition to store: the command, the facts it needs and the access it grants. Grants
/// follow relationships the plan creates (referral assignment, ECM enrollment), never a
/// request's own fields (issue #12).
pub struct Transition<A: Aggregate> {
    pub(crate) command: A::Command,
    /// Built by the app from the member's stored records (never from the request).
    pub(crate) cs_limit_input: Option<CsLimitInput>,
    pub(crate) grants: Vec<AccessGrant>,
}

/// Which records a listing shows the actor's organization: a plan its own records, a provider
/// the records about members granted to it; a referring entity lists none (`Forbidden`).
pub(crate) fn list_scope(actor: &Actor, action: Action) -> Result<OrgScope, AppError> {
    match actor.org_kind {
        OrgKind::Plan => Ok(OrgScope::OwnedBy(actor.org_id.clone())),
        OrgKind::EcmProvider | OrgKind::CsProvider => {
            Ok(OrgScope::AccessibleTo(actor.org_id.clone()))
        }
        OrgKind::ReferringEntity => Err(AppError::Forbidden {
            action: action.as_str(),
        }),
    }
}

/// Where a new record goes.
pub(crate) struct NewRecord {
    pub id: String,
    pub owners: RecordOwners,
    pub plan_id: Option<String>,
    pub county: Option<String>,
}

/// The Idempotency-Key of a POST and the hash of its request.
#[derive(Clone)]
pub(crate) struct Idem {
    pub key: String,
    pub request_hash: String,
}

impl Idem {
    /// SHA-256 (hex) of the use case, the record id and the input: a retry with the same input
    /// replays; the same key with other input is an `IdempotencyMismatch`.
    pub(crate) fn new(
        key: Option<&str>,
        action: Action,
        id: &str,
        input: &impl Serialize,
    ) -> Result<Option<Idem>, AppError> {
        let Some(key) = key else { return Ok(None) };
        if key.trim().is_empty() {
            return Err(AppError::invalid("Idempotency-Key", "must not be empty"));
        }
        let canonical = serde_json::to_vec(&serde_json::json!({
            "use_case": action.as_str(),
            "id": id,
            "input": input,
        }))
        .map_err(|e| AppError::invalid("request", e.to_string()))?;
        let digest = Sha256::digest(&canonical);
        let request_hash = digest.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Some(Idem {
            key: key.to_owned(),
            request_hash,
        }))
    }

    /// For a create: the hash of the use case and the input, naming no record id. The id is the
    /// server's choice (a fresh UUIDv7 per attempt over the API), so a retry with the same key
    /// and body replays the original record even though the retry was handed a different id.
    pub(crate) fn for_create(
        key: Option<&str>,
        action: Action,
        input: &impl Serialize,
    ) -> Result<Option<Idem>, AppError> {
        Idem::new(key, action, "", input)
    }
}

impl<S: Store> App<S> {
    pub fn new(store: S, pack: PolicyPack) -> Self {
        App {
            store,
            pack,
            tokens: TokenCache::default(),
        }
    }

    /// The cache of recently authenticated API tokens.
    pub(crate) fn token_cache(&self) -> &TokenCache {
        &self.tokens
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn pack(&self) -> &PolicyPack {
        &self.pack
    }

    /// Writes audit lines only (a read, a list, or a refused attempt).
    pub(crate) async fn audit(
        &self,
        actor: &Actor,
        entries: Vec<AuditEntry>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        if entries.is_empty() {
            return Ok(());
        }
        let mut batch = Self::batch(actor, now);
        batch.audit = entries;
        self.store.commit(batch).await?;
        Ok(())
    }

    /// An empty write batch by `actor` at `now`; its audit lines name the actor's organization.
    pub(crate) fn batch(actor: &Actor, now: Timestamp) -> WriteBatch {
        let mut batch = WriteBatch::new(actor.user_id.clone(), now);
        batch.actor_org_id = Some(actor.org_id.clone());
        batch
    }

    /// Audits a refused attempt on a record (issue #12, defect 9): one line in the caller's
    /// organization's log WITHOUT the member id (the member is not the caller's to know), and,
    /// when the record exists and belongs to another organization, one line in the OWNING
    /// organization's log with the member id, so the owner sees every attempt on its records.
    /// Both lines carry the caller's organization (`actor_org_id`).
    pub(crate) async fn audit_refusal(
        &self,
        actor: &Actor,
        refused: &str,
        kind: &str,
        id: &str,
        owner: Option<(&str, Option<&str>)>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let mut lines = Vec::with_capacity(2);
        match owner {
            Some((owner_org, member)) if owner_org == actor.org_id => {
                lines.push(Self::entry(
                    actor,
                    refused,
                    kind,
                    id,
                    member.map(str::to_owned),
                ));
            }
            Some((owner_org, member)) => {
                lines.push(Self::entry(actor, refused, kind, id, None));
                lines.push(AuditEntry {
                    org_id: owner_org.to_owned(),
                    action: refused.to_owned(),
                    record_kind: kind.to_owned(),
                    record_id: id.to_owned(),
                    member_id: member.map(str::to_owned),
                });
            }
            None => lines.push(Self::entry(actor, refused, kind, id, None)),
        }
        self.audit(actor, lines, now).await
    }

    pub(crate) fn entry(
        actor: &Actor,
        action: &str,
        kind: &str,
        id: &str,
        member_id: Option<String>,
    ) -> AuditEntry {
        AuditEntry {
            org_id: actor.org_id.clone(),
            action: action.to_owned(),
            record_kind: kind.to_owned(),
            record_id: id.to_owned(),
            member_id,
        }
    }

    /// Refuses an action the actor's roles do not permit, auditing the attempt.
    pub(crate) async fn require_role(
        &self,
        actor: &Actor,
        action: Action,
        kind: &str,
        id: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.check()?;
        if access::permits(actor, action) {
            return Ok(());
        }
        // The owner of an existing record sees the attempt too.
        let stored = self.store.get(kind, id).await?;
        let owner = stored
            .as_ref()
            .map(|s| (s.org_id.as_str(), s.member_id.as_deref()));
        Err(self
            .refuse_role(actor, action, kind, id, owner, now)
            .await?)
    }

    /// Audits an action the actor's roles do not permit (`<action>-forbidden`, in the caller's
    /// log and in `owner`'s, see `audit_refusal`) and returns the `Forbidden` to answer.
    pub(crate) async fn refuse_role(
        &self,
        actor: &Actor,
        action: Action,
        kind: &str,
        id: &str,
        owner: Option<(&str, Option<&str>)>,
        now: Timestamp,
    ) -> Result<AppError, AppError> {
        let refused = format!("{}-forbidden", action.as_str());
        self.audit_refusal(actor, &refused, kind, id, owner, now)
            .await?;
        Ok(AppError::Forbidden {
            action: action.as_str(),
        })
    }

    /// Loads a record the actor may act on: role first, then visibility. A record the actor's
    /// organization may not see is NotFound, exactly like a missing one; the attempt is audited.
    pub(crate) async fn load<A: Aggregate>(
        &self,
        actor: &Actor,
        action: Action,
        id: &str,
        now: Timestamp,
    ) -> Result<Record<A::State>, AppError> {
        self.require_role(actor, action, A::KIND, id, now).await?;
        let not_found = AppError::NotFound {
            kind: A::KIND,
            id: id.to_owned(),
        };
        let denied = format!("{}-denied", action.as_str());
        let Some(stored) = self.store.get(A::KIND, id).await? else {
            self.audit_refusal(actor, &denied, A::KIND, id, None, now)
                .await?;
            return Err(not_found);
        };
        let record = Record::<A::State>::from_stored(stored, &self.pack)?;
        self.admit::<A>(actor, action, record, now).await
    }

    /// The visibility check of a record already read: the actor's organization may see it
    /// (a provider with an access grant on its member), or NotFound, exactly like a missing
    /// record, with the attempt audited. `load` and the staged changes of a bulk use case
    /// (`App::stage_change`) both pass through here.
    pub(crate) async fn admit<A: Aggregate>(
        &self,
        actor: &Actor,
        action: Action,
        record: Record<A::State>,
        now: Timestamp,
    ) -> Result<Record<A::State>, AppError> {
        let granted = if actor.org_kind.is_provider() {
            self.store
                .has_access(&actor.org_id, &record.member_id)
                .await?
        } else {
            false
        };
        if !access::may_see(actor, &record.owners, granted) {
            let owner = Some((
                record.owners.owner_org_id.as_str(),
                Some(record.member_id.as_str()),
            ));
            let denied = format!("{}-denied", action.as_str());
            self.audit_refusal(actor, &denied, A::KIND, &record.id, owner, now)
                .await?;
            return Err(AppError::NotFound {
                kind: A::KIND,
                id: record.id,
            });
        }
        Ok(record)
    }

    /// The If-Match check: `expected` (when given) is the record's version, or Conflict.
    pub(crate) fn check_version<T>(
        kind: &str,
        record: &Record<T>,
        expected: Option<i64>,
    ) -> Result<(), AppError> {
        match expected {
            Some(expected) if expected != record.version => Err(AppError::Conflict {
                kind: kind.to_owned(),
                id: record.id.clone(),
                expected,
                found: format!("version {}", record.version),
            }),
            _ => Ok(()),
        }
    }

    /// Reads one record of aggregate `A` (e.g. `app.get::<ReferralAggregate>(..)`), audited;
    /// NotFound for a record the actor's organization may not see (a provider sees a member's
    /// records only with an access grant).
    pub async fn get<A: Aggregate>(
        &self,
        actor: &Actor,
        id: &str,
        now: Timestamp,
    ) -> Result<Record<A::State>, AppError> {
        self.read::<A>(actor, A::READ, id, now).await
    }

    /// An audited read under `action`.
    pub(crate) async fn read<A: Aggregate>(
        &self,
        actor: &Actor,
        action: Action,
        id: &str,
        now: Timestamp,
    ) -> Result<Record<A::State>, AppError> {
        let record = self.load::<A>(actor, action, id, now).await?;
        let line = Self::entry(
            actor,
            action.as_str(),
            A::KIND,
            id,
            Some(record.member_id.clone()),
        );
        self.audit(actor, vec![line], now).await?;
        Ok(record)
    }

    /// The stored response of an earlier request with this key, when there is one.
    pub(crate) async fn replay<A: Aggregate>(
        &self,
        actor: &Actor,
        idem: Option<&Idem>,
    ) -> Result<Option<Record<A::State>>, AppError> {
        self.replay_response(actor, idem).await
    }

    async fn replay_response<T: DeserializeOwned>(
        &self,
        actor: &Actor,
        idem: Option<&Idem>,
    ) -> Result<Option<T>, AppError> {
        let Some(idem) = idem else { return Ok(None) };
        let Some(stored) = self
            .store
            .idempotent_response(&actor.user_id, &idem.key)
            .await?
        else {
            return Ok(None);
        };
        if stored.request_hash != idem.request_hash {
            return Err(AppError::IdempotencyMismatch {
                key: idem.key.clone(),
            });
        }
        decode_response(&stored.response_body).map(Some)
    }

    /// A new record (version 1) from its first command, decided but not committed
    /// (`App::create` commits it alone, `App::import_members` with others in one transaction).
    pub(crate) fn stage_insert<A: Aggregate>(
        &self,
        actor: &Actor,
        action: Action,
        new: NewRecord,
        transition: Transition<A>,
        idem: Option<Idem>,
        now: Timestamp,
    ) -> Result<Staged<A::State>, AppError> {
        let prior = Record {
            kind: A::KIND.to_owned(),
            id: new.id,
            version: 0,
            owners: new.owners,
            member_id: String::new(),
            status: String::new(),
            due_at: None,
            plan_id: new.plan_id,
            county: new.county,
            state: A::State::default(),
        };
        self.stage::<A>(actor, action, prior, transition, idem, 201, now)
    }

    /// The outcome of a create: when this attempt failed (e.g. a rule that reads `now`), the
    /// key is looked up, so a committed original still wins over the error. (No look-up before
    /// writing: the idempotency row is the first statement of the commit, so a retry whose
    /// original was committed comes back `Replayed` from the store and writes nothing.)
    pub(crate) async fn or_replay<T: DeserializeOwned>(
        &self,
        actor: &Actor,
        outcome: Result<Record<T>, AppError>,
        retry: Option<&Idem>,
    ) -> Result<Record<T>, AppError> {
        match outcome {
            Ok(done) => Ok(done),
            Err(e) => match self.replay_response(actor, retry).await? {
                Some(done) => Ok(done),
                None => Err(e),
            },
        }
    }

    /// Applies a command to a loaded record. `expected_version` (the caller's If-Match) must
    /// match the loaded version; the store re-checks it at commit.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn update<A: Aggregate>(
        &self,
        actor: &Actor,
        action: Action,
        id: &str,
        expected_version: Option<i64>,
        idem: Option<Idem>,
        now: Timestamp,
        make: impl AsyncFnOnce(&Record<A::State>) -> Result<Transition<A>, AppError>,
    ) -> Result<Record<A::State>, AppError> {
        if let Some(done) = self.replay::<A>(actor, idem.as_ref()).await? {
            return Ok(done);
        }
        let record = self.load::<A>(actor, action, id, now).await?;
        Self::check_version(A::KIND, &record, expected_version)?;
        let transition = make(&record).await?;
        self.write::<A>(actor, action, record, transition, idem, 200, now)
            .await
    }

    /// Decides, applies, and commits state + one event + grants + audit + idempotency record.
    #[allow(clippy::too_many_arguments)]
    async fn write<A: Aggregate>(
        &self,
        actor: &Actor,
        action: Action,
        prior: Record<A::State>,
        transition: Transition<A>,
        idem: Option<Idem>,
        status_code: u16,
        now: Timestamp,
    ) -> Result<Record<A::State>, AppError> {
        let staged = self.stage::<A>(actor, action, prior, transition, idem, status_code, now)?;
        self.commit_staged(staged).await
    }

    /// Commits a staged write alone (`Store::commit`).
    pub(crate) async fn commit_staged<T: DeserializeOwned>(
        &self,
        staged: Staged<T>,
    ) -> Result<Record<T>, AppError> {
        let Staged { batch, record } = staged;
        match batch {
            Some(batch) => match self.store.commit(batch).await? {
                CommitReceipt::Committed(_) => Ok(record),
                CommitReceipt::Replayed(stored) => decode_response(&stored.response_body),
            },
            None => Ok(record),
        }
    }

    /// Decides and applies: the write batch of state + one event + grants + audit +
    /// idempotency record, not committed yet (none when the domain decided nothing changed).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn stage<A: Aggregate>(
        &self,
        actor: &Actor,
        action: Action,
        prior: Record<A::State>,
        transition: Transition<A>,
        idem: Option<Idem>,
        status_code: u16,
        now: Timestamp,
    ) -> Result<Staged<A::State>, AppError> {
        let mut ctx = Ctx::new(&self.pack);
        if let Some(input) = transition.cs_limit_input.as_ref() {
            ctx = ctx.with_cs_limit_input(input);
        }
        let events = (A::DECIDE)(&prior.state, transition.command, &ctx)?;
        let Some(first) = events.first() else {
            return Ok(Staged {
                batch: None,
                record: prior,
            });
        };
        let event_type = kebab(first);
        let state = events
            .iter()
            .fold(prior.state.clone(), |s, e| (A::APPLY)(s, e));
        let columns = A::columns(&state);
        let record = Record {
            kind: prior.kind,
            id: prior.id,
            version: prior.version.saturating_add(1),
            owners: prior.owners,
            member_id: columns.member_id,
            status: columns.status,
            due_at: columns.due_at,
            plan_id: prior.plan_id,
            county: prior.county,
            state,
        };
        let state_at_rest = record
            .state
            .to_rest()
            .map_err(|e| AppError::invalid("state", e.to_string()))?;
        let body = serde_json::to_value(StoredBody {
            owners: record.owners.clone(),
            state: state_at_rest,
        })
        .map_err(|e| AppError::invalid("state", e.to_string()))?;
        let events_at_rest = events
            .iter()
            .map(AtRest::to_rest)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| AppError::invalid("events", e.to_string()))?;
        let event_body = serde_json::json!({ "events": events_at_rest });
        let mut batch = Self::batch(actor, now);
        batch.aggregates.push(AggregateWrite {
            kind: A::KIND.to_owned(),
            id: record.id.clone(),
            expected_version: prior.version,
            org_id: record.owners.owner_org_id.clone(),
            member_id: Some(record.member_id.clone()),
            status: record.status.clone(),
            due_at: record.due_at,
            plan_id: record.plan_id.clone(),
            county: record.county.clone(),
            body,
        });
        batch.events.push(NewEvent {
            kind: A::KIND.to_owned(),
            aggregate_id: record.id.clone(),
            version: record.version,
            event_type,
            body: event_body,
        });
        batch.grants = transition.grants;
        batch.audit.push(Self::entry(
            actor,
            action.as_str(),
            A::KIND,
            &record.id,
            Some(record.member_id.clone()),
        ));
        if let Some(idem) = idem {
            let response_body = serde_json::to_string(&record)
                .map_err(|e| AppError::invalid("response", e.to_string()))?;
            batch.idempotency = Some(IdempotencyRecord {
                key: idem.key,
                request_hash: idem.request_hash,
                status_code,
                response_body,
            });
        }
        Ok(Staged {
            batch: Some(batch),
            record,
        })
    }
}

/// A decided write, not committed yet: the batch to commit (none: nothing changed) and the
/// record it stores.
pub(crate) struct Staged<T> {
    pub(crate) batch: Option<WriteBatch>,
    pub(crate) record: Record<T>,
}

fn decode_response<T: DeserializeOwned>(body: &str) -> Result<T, AppError> {
    serde_json::from_str(body).map_err(|e| {
        AppError::Store(careloop_store::StoreError::Corrupt {
            table: "idempotency",
            column: "response_body",
            source: Box::new(e),
        })
    })
}

#[cfg(test)]
#[allow(clippy::panic)]
mod tests {
    use super::*;

    fn hash(key: Option<&str>, action: Action, id: &str, input: &serde_json::Value) -> String {
        match Idem::new(key, action, id, input) {
            Ok(Some(idem)) => idem.request_hash,
            other => panic!("expected a hash, got {:?}", other.map(|o| o.is_some())),
        }
    }

    #[test]
    fn idempotency_hash_covers_use_case_id_and_input_only() {
        let input = serde_json::json!({ "reason": "x" });
        let base = hash(Some("k"), Action::PendAuthorization, "a-1", &input);
        assert_eq!(base.len(), 64);
        assert_eq!(
            base,
            hash(Some("other-key"), Action::PendAuthorization, "a-1", &input)
        );
        let differing = [
            hash(Some("k"), Action::ExtendAuthorization, "a-1", &input),
            hash(Some("k"), Action::PendAuthorization, "a-2", &input),
            hash(
                Some("k"),
                Action::PendAuthorization,
                "a-1",
                &serde_json::json!({ "reason": "y" }),
            ),
        ];
        for h in differing {
            assert_ne!(h, base);
        }
    }

    #[test]
    fn create_hash_covers_the_input_but_no_record_id() {
        // A create's input carries no id (the id is the server's choice, a fresh one per
        // attempt), and its hash names none: the same body under the same key replays.
        let h = |reason: &str| {
            Idem::for_create(
                Some("k"),
                Action::CreateReferral,
                &serde_json::json!({ "reason": reason }),
            )
            .ok()
            .flatten()
            .map(|i| i.request_hash)
        };
        let with_id = Idem::new(
            Some("k"),
            Action::CreateReferral,
            "r-1",
            &serde_json::json!({ "reason": "x" }),
        )
        .ok()
        .flatten()
        .map(|i| i.request_hash);
        assert_ne!(h("x"), with_id);
        assert_ne!(h("x"), h("y"));
        assert!(h("x").is_some());
    }

    #[test]
    fn no_key_means_no_idempotency_and_an_empty_key_is_refused() {
        let input = serde_json::json!({});
        assert!(matches!(
            Idem::new(None, Action::CreateReferral, "r", &input),
            Ok(None)
        ));
        assert!(matches!(
            Idem::new(Some("  "), Action::CreateReferral, "r", &input),
            Err(AppError::Invalid {
                field: "Idempotency-Key",
                ..
            })
        ));
    }
}
