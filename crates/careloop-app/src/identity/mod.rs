//! Organizations, users and API tokens (issue #3 §5): who may sign in, and as what [`Actor`].
//!
//! Stored as aggregates through `Store::commit`, each change with one event and one audit line:
//! `organization` (id = organization id), `user` (id = username) and `api-token` (id = the
//! SHA-256 hex of the token). Passwords are hashed with Argon2id (crate `argon2`, its default
//! parameters: Argon2id v19, m = 19 MiB, t = 2, p = 1, a random 16-byte salt from the OS
//! generator, PHC string); verification runs in constant time inside the crate. The password
//! hash never appears in an event body, a response ([`UserView`]) or a `Debug` print. A token is
//! 32 random bytes shown once as `cl_` + 64 hex digits; only its SHA-256 is stored.
//!
//! Sign-in failures are all [`AppError::Unauthenticated`] with one neutral message; an unknown
//! user still costs one Argon2 verification so timing does not tell whether the user exists.
//!
//! Files: this one (types, organizations, shared helpers), `users.rs` (create, disable with the
//! last-admin rule and token revocation, list), `passwords.rs` (hashing, the password rules and
//! `common-passwords.txt`, password sign-in), `tokens.rs` (create, list, revoke, token sign-in).

use std::fmt;
use std::sync::OnceLock;

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use careloop_store::{
    AggregateWrite, AuditEntry, CommitReceipt, IdempotencyRecord, KindListQuery, NewEvent,
    OrgScope, Store, StoreError, StoredAggregate, WriteBatch,
};
use jiff::Timestamp;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::access::Action;
use crate::actor::{Actor, OrgKind, Role};
use crate::app::{App, Idem};
use crate::error::AppError;

pub mod capacity;
mod passwords;
mod tokens;
mod users;

pub use capacity::{
    CAPACITY_KIND, CapacityView, DirectoryEntry, DirectoryQuery, PlanOrganization, ProviderCapacity,
};
#[cfg(test)]
use passwords::verify_password;
use passwords::{check_password, hash_password};
pub use tokens::{DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, TokenStatus, TokenView, token_expiry};

/// Store kinds.
pub const ORGANIZATION_KIND: &str = "organization";
pub const USER_KIND: &str = "user";
pub const TOKEN_KIND: &str = "api-token";

/// The prefix of every API token.
pub const TOKEN_PREFIX: &str = "cl_";

/// The writer of system changes (CLI, demo set-up) in events and the audit log.
pub const SYSTEM_ACTOR: &str = "system";

/// Shortest accepted password.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest accepted password (bounds the hashing work an input can ask for).
pub const MAX_PASSWORD_CHARS: usize = 1024;

/// An organization that uses careloop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub kind: OrgKind,
    /// For a plan organization: its policy overlay id (e.g. "hpsm"), one of the pack's plans.
    #[serde(default)]
    pub plan: Option<String>,
    /// The counties the organization serves.
    #[serde(default)]
    pub counties: Vec<String>,
}

/// A page request of an identity list (organizations, users): keyset by id (issue #15 item 4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityListQuery {
    /// 1..=[`IdentityListQuery::MAX_LIMIT`].
    pub limit: u32,
    /// Continue after this id (from [`IdentityPage::next`]).
    #[serde(default)]
    pub after: Option<String>,
}

impl IdentityListQuery {
    /// The largest page.
    pub const MAX_LIMIT: u32 = 1_000;

    /// The first page of up to `limit` rows.
    pub fn first(limit: u32) -> Self {
        IdentityListQuery { limit, after: None }
    }
}

/// One page of an identity list, in id order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityPage<T> {
    pub items: Vec<T>,
    /// The last id of this page when more follow (exact: `None` on the last page).
    pub next: Option<String>,
}

/// A new organization (same fields as the stored one).
pub type NewOrganization = Organization;

/// A new user. The password is used once, to hash it; it is never stored, printed or echoed.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub org_id: String,
    pub roles: Vec<Role>,
    pub password: String,
}

impl fmt::Debug for NewUser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUser")
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("org_id", &self.org_id)
            .field("roles", &self.roles)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// A user as responses show it: no password hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserView {
    pub username: String,
    pub display_name: Option<String>,
    pub org_id: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    pub created_at: Timestamp,
}

/// A user as stored (`aggregates.body` of kind `user`).
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredUser {
    username: String,
    display_name: Option<String>,
    org_id: String,
    roles: Vec<Role>,
    /// Argon2id PHC string.
    password_hash: String,
    disabled: bool,
    created_at: Timestamp,
}

impl StoredUser {
    fn view(&self) -> UserView {
        UserView {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            org_id: self.org_id.clone(),
            roles: self.roles.clone(),
            disabled: self.disabled,
            created_at: self.created_at,
        }
    }
}

/// An API token as stored (`aggregates.body` of kind `api-token`, id = SHA-256 hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenInfo {
    /// SHA-256 hex of the token: the record id.
    pub id: String,
    pub username: String,
    pub name: String,
    pub created_at: Timestamp,
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
    /// When the token was revoked (by its user, an admin, the CLI, or the user's disabling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<Timestamp>,
}

/// A freshly created token. `token` is the only copy of the secret: show it once.
#[derive(Clone)]
pub struct NewToken {
    pub token: String,
    pub info: TokenInfo,
}

impl fmt::Debug for NewToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewToken")
            .field("token", &"<redacted>")
            .field("info", &self.info)
            .finish()
    }
}

/// What an idempotent `create_user` hashes: everything but the password.
#[derive(Serialize)]
struct UserRequest<'a> {
    username: &'a str,
    display_name: &'a Option<String>,
    org_id: &'a str,
    roles: &'a [Role],
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The id a token is stored and listed under: the SHA-256 hex of the token.
pub fn token_id(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// The rule [`check_id`] applies to usernames and organization ids, as a JSON Schema pattern
/// (with `minLength` 1 and `maxLength` 100): no white space, no control character.
pub const IDENTITY_ID_PATTERN: &str = r"^[^\s\x00-\x1F\x7F-\x9F]+$";

/// An id-like value: 1..=100 characters, no whitespace or control characters.
fn check_id(field: &'static str, value: &str) -> Result<(), AppError> {
    if value.is_empty() || value.chars().count() > 100 {
        return Err(AppError::invalid(field, "must be 1 to 100 characters"));
    }
    if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AppError::invalid(
            field,
            "must not contain spaces or control characters",
        ));
    }
    Ok(())
}

/// A new random token: `cl_` + 64 hex digits (32 bytes from the OS generator).
fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|_| AppError::invalid("token", "no randomness available"))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{TOKEN_PREFIX}{hex}"))
}

fn corrupt(e: serde_json::Error) -> AppError {
    AppError::Store(StoreError::Corrupt {
        table: "aggregates",
        column: "body",
        source: Box::new(e),
    })
}

fn decode<T: DeserializeOwned>(stored: &StoredAggregate) -> Result<T, AppError> {
    serde_json::from_value(stored.body.clone()).map_err(corrupt)
}

fn to_json<T: Serialize>(field: &'static str, value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|e| AppError::invalid(field, e.to_string()))
}

/// The write of an identity record (organization, user, API token): identity records carry no
/// member, due time or county.
fn identity_write(
    kind: &str,
    id: &str,
    expected_version: i64,
    org_id: &str,
    status: &str,
    body: serde_json::Value,
) -> AggregateWrite {
    AggregateWrite {
        kind: kind.to_owned(),
        id: id.to_owned(),
        expected_version,
        org_id: org_id.to_owned(),
        member_id: None,
        status: status.to_owned(),
        due_at: None,
        plan_id: None,
        county: None,
        body,
    }
}

/// One identity change: the record, its event and its audit line, committed together.
struct Change {
    writer: String,
    audit_org: String,
    action: &'static str,
    write: AggregateWrite,
    event_type: &'static str,
    event_body: serde_json::Value,
    idempotency: Option<IdempotencyRecord>,
}

impl<S: Store> App<S> {
    async fn commit_change(&self, c: Change, now: Timestamp) -> Result<CommitReceipt, AppError> {
        let writer = c.writer.clone();
        self.commit_changes(writer, vec![c], now).await
    }

    /// Several identity changes in one atomic batch (e.g. a user's disabling and the
    /// revocation of its tokens). The batch's Idempotency-Key record is the first change's.
    async fn commit_changes(
        &self,
        writer: String,
        changes: Vec<Change>,
        now: Timestamp,
    ) -> Result<CommitReceipt, AppError> {
        let mut batch = WriteBatch::new(writer, now);
        for c in changes {
            batch.events.push(NewEvent {
                kind: c.write.kind.clone(),
                aggregate_id: c.write.id.clone(),
                version: c.write.expected_version.saturating_add(1),
                event_type: c.event_type.to_owned(),
                body: c.event_body,
            });
            batch.audit.push(AuditEntry {
                org_id: c.audit_org,
                action: c.action.to_owned(),
                record_kind: c.write.kind.clone(),
                record_id: c.write.id.clone(),
                member_id: None,
            });
            batch.aggregates.push(c.write);
            if batch.idempotency.is_none() {
                batch.idempotency = c.idempotency;
            }
        }
        Ok(self.store().commit(batch).await?)
    }

    /// The actor's own organization (its plan overlay and counties, e.g. for the admin page),
    /// whatever page of [`App::list_organizations`] it falls on. Not audited: no member data,
    /// and an actor always sees its own organization.
    pub async fn own_organization(&self, actor: &Actor) -> Result<Option<Organization>, AppError> {
        self.organization(&actor.org_id).await
    }

    async fn organization(&self, id: &str) -> Result<Option<Organization>, AppError> {
        match self.store().get(ORGANIZATION_KIND, id).await? {
            Some(stored) => decode(&stored).map(Some),
            None => Ok(None),
        }
    }

    async fn stored_user(&self, username: &str) -> Result<Option<(StoredUser, i64)>, AppError> {
        match self.store().get(USER_KIND, username).await? {
            Some(stored) => Ok(Some((decode(&stored)?, stored.version))),
            None => Ok(None),
        }
    }

    /// A person a command names as `field` who must be an active user of `org_id` (e.g. the
    /// Lead Care Manager of an ECM enrollment is a user of its provider).
    pub(crate) async fn user_of_org(
        &self,
        field: &'static str,
        username: &str,
        org_id: &str,
    ) -> Result<UserView, AppError> {
        match self.stored_user(username).await? {
            Some((user, _)) if user.org_id == org_id && !user.disabled => Ok(user.view()),
            Some((user, _)) if user.org_id == org_id => Err(AppError::invalid(
                field,
                format!("user {username} is disabled"),
            )),
            _ => Err(AppError::invalid(
                field,
                format!("{username} is not a user of organization {org_id}"),
            )),
        }
    }

    /// Creates an organization (system use: CLI, demo set-up). Calling it again with the same
    /// id and content returns the stored organization; other content for the id is refused.
    pub async fn bootstrap_organization(
        &self,
        org: NewOrganization,
        now: Timestamp,
    ) -> Result<Organization, AppError> {
        check_id("id", &org.id)?;
        if org.name.trim().is_empty() {
            return Err(AppError::invalid("name", "must not be empty"));
        }
        match (&org.plan, org.kind) {
            (Some(plan), OrgKind::Plan) => {
                if self.pack().plan(plan).is_none() {
                    return Err(AppError::invalid(
                        "plan",
                        format!("{plan:?} is not a plan of the policy pack"),
                    ));
                }
            }
            (Some(_), _) => {
                return Err(AppError::invalid(
                    "plan",
                    "only a plan organization has a plan overlay",
                ));
            }
            (None, _) => {}
        }
        if org.counties.iter().any(|c| c.trim().is_empty()) {
            return Err(AppError::invalid(
                "counties",
                "must not contain empty names",
            ));
        }
        if let Some(existing) = self.organization(&org.id).await? {
            if existing == org {
                return Ok(existing);
            }
            return Err(AppError::invalid(
                "id",
                format!("organization {} already exists with other content", org.id),
            ));
        }
        let mut write = identity_write(
            ORGANIZATION_KIND,
            &org.id,
            0,
            &org.id,
            "active",
            to_json("organization", &org)?,
        );
        write.plan_id = org.plan.clone();
        let change = Change {
            writer: SYSTEM_ACTOR.to_owned(),
            audit_org: org.id.clone(),
            action: "create-organization",
            write,
            event_type: "organization-created",
            event_body: to_json("organization", &org)?,
            idempotency: None,
        };
        match self.commit_change(change, now).await {
            Ok(_) => Ok(org),
            // A concurrent bootstrap of the same id: answer as a repeat would.
            Err(AppError::Conflict { .. }) => match self.organization(&org.id).await? {
                Some(existing) if existing == org => Ok(existing),
                _ => Err(AppError::invalid(
                    "id",
                    format!("organization {} already exists with other content", org.id),
                )),
            },
            Err(e) => Err(e),
        }
    }

    /// Organizations, one page in id order: a plan admin sees all of them (a plan must see the
    /// providers it contracts with); a provider admin sees its own. Audited.
    pub async fn list_organizations(
        &self,
        actor: &Actor,
        query: IdentityListQuery,
        now: Timestamp,
    ) -> Result<IdentityPage<Organization>, AppError> {
        let action = Action::ListOrganizations;
        self.require_role(actor, action, ORGANIZATION_KIND, "list", now)
            .await?;
        let page = if actor.org_kind == OrgKind::Plan {
            let (rows, next) = self.page_by_kind(ORGANIZATION_KIND, None, query).await?;
            let items = rows
                .iter()
                .map(decode::<Organization>)
                .collect::<Result<Vec<_>, _>>()?;
            IdentityPage { items, next }
        } else {
            check_identity_limit(query.limit)?;
            let items = self
                .organization(&actor.org_id)
                .await?
                .into_iter()
                .filter(|o| query.after.as_ref().is_none_or(|after| o.id > *after))
                .collect();
            IdentityPage { items, next: None }
        };
        let line = AuditEntry {
            org_id: actor.org_id.clone(),
            action: action.as_str().to_owned(),
            record_kind: ORGANIZATION_KIND.to_owned(),
            record_id: "list".to_owned(),
            member_id: None,
        };
        self.audit(actor, vec![line], now).await?;
        Ok(page)
    }

    /// One page of `kind` in `org` scope in id order, through the primary key `(kind, id)` or
    /// `aggregates_owner (kind, org_id, id)`: reads `limit + 1` rows, so `next` is exact.
    pub(crate) async fn page_by_kind(
        &self,
        kind: &str,
        org: Option<OrgScope>,
        query: IdentityListQuery,
    ) -> Result<(Vec<StoredAggregate>, Option<String>), AppError> {
        check_identity_limit(query.limit)?;
        let mut rows = self
            .store()
            .list_by_kind(&KindListQuery {
                kind: kind.to_owned(),
                statuses: Vec::new(),
                org,
                after_id: query.after,
                limit: query.limit.saturating_add(1),
            })
            .await?;
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more {
            rows.last().map(|r| r.id.clone())
        } else {
            None
        };
        Ok((rows, next))
    }

    /// Every aggregate of `kind` in one of `statuses` (empty: any) in `org` scope, in id order
    /// (read in pages of 1,000).
    pub(crate) async fn list_all(
        &self,
        kind: &str,
        statuses: &[&str],
        org: Option<OrgScope>,
    ) -> Result<Vec<StoredAggregate>, AppError> {
        let mut out = Vec::new();
        let mut after_id = None;
        loop {
            let page = self
                .store()
                .list_by_kind(&KindListQuery {
                    kind: kind.to_owned(),
                    statuses: statuses.iter().map(|s| (*s).to_owned()).collect(),
                    org: org.clone(),
                    after_id: after_id.take(),
                    limit: 1_000,
                })
                .await?;
            let full = page.len() >= 1_000;
            after_id = page.last().map(|r| r.id.clone());
            out.extend(page);
            if !full {
                return Ok(out);
            }
        }
    }

    /// The actor a user signs in as. `None` when the user cannot sign in.
    async fn actor_of(&self, user: &StoredUser) -> Result<Option<Actor>, AppError> {
        if user.disabled {
            return Ok(None);
        }
        let Some(org) = self.organization(&user.org_id).await? else {
            return Ok(None);
        };
        Ok(Actor::new(user.username.clone(), org.id, org.kind, user.roles.clone()).ok())
    }

    /// The actor `username` acts as now: `None` when the user no longer exists, is disabled,
    /// or its organization is gone. For sign-ins that outlive one request (the staff UI's
    /// sessions), so a disabled user's session stops at its next request.
    pub async fn active_actor(&self, username: &str) -> Result<Option<Actor>, AppError> {
        match self.stored_user(username).await? {
            Some((user, _)) => self.actor_of(&user).await,
            None => Ok(None),
        }
    }
}

/// A page size of an identity list: 1..=[`IdentityListQuery::MAX_LIMIT`].
fn check_identity_limit(limit: u32) -> Result<(), AppError> {
    if limit == 0 || limit > IdentityListQuery::MAX_LIMIT {
        return Err(AppError::invalid(
            "limit",
            format!("must be 1 to {}", IdentityListQuery::MAX_LIMIT),
        ));
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::panic, clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_to_argon2id_phc_and_verify() {
        let phc = hash_password("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse batterz", &phc));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn tokens_are_prefixed_random_hex_and_debug_hides_secrets() {
        let a = random_token().unwrap();
        let b = random_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 64);
        assert!(a.starts_with("cl_"));
        assert!(a[3..].chars().all(|c| c.is_ascii_hexdigit()));
        let user = NewUser {
            username: "u".into(),
            display_name: None,
            org_id: "o".into(),
            roles: vec![],
            password: "hunter2hunter2".into(),
        };
        assert!(!format!("{user:?}").contains("hunter2"));
        let token = NewToken {
            token: a.clone(),
            info: TokenInfo {
                id: sha256_hex(a.as_bytes()),
                username: "u".into(),
                name: "n".into(),
                created_at: Timestamp::UNIX_EPOCH,
                expires_at: None,
                revoked_at: None,
            },
        };
        assert!(!format!("{token:?}").contains(&a));
    }

    #[test]
    fn unauthenticated_message_is_neutral() {
        assert_eq!(
            AppError::Unauthenticated.to_string(),
            "authentication failed"
        );
        assert_eq!(AppError::Unauthenticated.http_status(), 401);
    }
}
