//! API tokens: creation (system and self/admin), sign-in, listing and revocation (issue #12).
//!
//! A token is listed by its record id, the SHA-256 hex of the secret — never the secret. A
//! revoked token keeps its record (status `revoked`, `revoked_at`) and stops authenticating at
//! once in this process (the token cache is cleared). Disabling a user revokes its tokens in the
//! same batch, and so does re-enabling it (a token that slipped in around the disable), so
//! re-enabling never revives an old token.

use jiff::SignedDuration;

use super::*;
use crate::access;

/// Default lifetime of a token created without one (API, CLI).
pub const DEFAULT_TOKEN_DAYS: i64 = 90;
/// Longest lifetime a token may be given (API, CLI).
pub const MAX_TOKEN_DAYS: i64 = 366;

/// Token status as listings show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TokenStatus {
    Active,
    Expired,
    Revoked,
}

/// A token as listings show it. `id` is the SHA-256 hex of the token (the record id), not the
/// secret: it cannot be used to sign in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenView {
    /// SHA-256 hex of the token.
    pub id: String,
    pub username: String,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
    pub status: TokenStatus,
}

impl TokenInfo {
    /// The listing view of the token at `now`.
    pub fn view(&self, now: Timestamp) -> TokenView {
        let status = if self.revoked_at.is_some() {
            TokenStatus::Revoked
        } else if self.expires_at.is_some_and(|e| e <= now) {
            TokenStatus::Expired
        } else {
            TokenStatus::Active
        };
        TokenView {
            id: self.id.clone(),
            username: self.username.clone(),
            name: self.name.clone(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            revoked_at: self.revoked_at,
            status,
        }
    }
}

/// `now` plus `days` whole days, for a token lifetime of 1..=[`MAX_TOKEN_DAYS`] days.
pub fn token_expiry(days: i64, now: Timestamp) -> Result<Timestamp, AppError> {
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(AppError::invalid(
            "expires_in_days",
            format!("must be 1 to {MAX_TOKEN_DAYS} days"),
        ));
    }
    now.checked_add(SignedDuration::from_hours(days.saturating_mul(24)))
        .map_err(|e| AppError::invalid("expires_in_days", e.to_string()))
}

fn is_admin(actor: &Actor) -> bool {
    access::permits(actor, Action::ManageUsers)
}

/// The change that revokes a stored, still unrevoked token at `now`.
fn revocation(
    writer: &str,
    audit_org: &str,
    stored: &StoredAggregate,
    mut info: TokenInfo,
    now: Timestamp,
) -> Result<(Change, TokenInfo), AppError> {
    info.revoked_at = Some(now);
    let write = identity_write(
        TOKEN_KIND,
        &info.id,
        stored.version,
        &stored.org_id,
        "revoked",
        to_json("token", &info)?,
    );
    let change = Change {
        writer: writer.to_owned(),
        audit_org: audit_org.to_owned(),
        action: "revoke-token",
        write,
        event_type: "token-revoked",
        event_body: serde_json::json!({ "id": info.id, "username": info.username }),
        idempotency: None,
    };
    Ok((change, info))
}

impl<S: Store> App<S> {
    /// Creates an API token for a user (system use: demo set-up, tests). Never expires; the CLI
    /// gives its tokens an expiry ([`App::create_token_expiring`]).
    pub async fn create_token(
        &self,
        username: &str,
        name: &str,
        now: Timestamp,
    ) -> Result<NewToken, AppError> {
        self.create_token_expiring(username, name, None, now).await
    }

    /// Creates an API token that stops working at `expires_at` (system use).
    pub async fn create_token_expiring(
        &self,
        username: &str,
        name: &str,
        expires_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<NewToken, AppError> {
        let Some((user, _)) = self.stored_user(username).await? else {
            return Err(AppError::invalid("username", "no such user"));
        };
        self.write_token(
            SYSTEM_ACTOR,
            &user.org_id.clone(),
            &user,
            name,
            expires_at,
            now,
        )
        .await
    }

    /// A user creates a token for itself; a plan or provider admin for a user of its own
    /// organization (another organization's user is NotFound, audited). The token expires
    /// after `expires_in_days` (default [`DEFAULT_TOKEN_DAYS`], at most [`MAX_TOKEN_DAYS`]).
    pub async fn issue_token(
        &self,
        actor: &Actor,
        username: &str,
        name: &str,
        expires_in_days: Option<i64>,
        now: Timestamp,
    ) -> Result<NewToken, AppError> {
        actor.check()?;
        let expires_at = token_expiry(expires_in_days.unwrap_or(DEFAULT_TOKEN_DAYS), now)?;
        let target = self.stored_user(username).await?;
        // The user's organization sees every refused attempt on its users (issue #12).
        let owner = target.as_ref().map(|(u, _)| u.org_id.clone());
        if username != actor.user_id && !crate::access::permits(actor, Action::ManageUsers) {
            let refused = self
                .refuse_role(
                    actor,
                    Action::ManageUsers,
                    TOKEN_KIND,
                    username,
                    owner.as_deref().map(|o| (o, None)),
                    now,
                )
                .await?;
            return Err(refused);
        }
        let user = match target {
            Some((user, _)) if user.org_id == actor.org_id => user,
            _ => {
                self.token_denied(
                    actor,
                    "create-token-denied",
                    username,
                    owner.as_deref(),
                    now,
                )
                .await?;
                return Err(AppError::NotFound {
                    kind: USER_KIND,
                    id: username.to_owned(),
                });
            }
        };
        self.write_token(
            &actor.user_id,
            &actor.org_id,
            &user,
            name,
            Some(expires_at),
            now,
        )
        .await
    }

    /// Audits a refused token request in the caller's log and, when the user or token exists,
    /// in its organization's log (`owner`).
    async fn token_denied(
        &self,
        actor: &Actor,
        action: &str,
        id: &str,
        owner: Option<&str>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let owner = owner.map(|o| (o, None));
        self.audit_refusal(actor, action, TOKEN_KIND, id, owner, now)
            .await
    }

    async fn write_token(
        &self,
        writer: &str,
        audit_org: &str,
        user: &StoredUser,
        name: &str,
        expires_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<NewToken, AppError> {
        if name.trim().is_empty() || name.chars().count() > 200 {
            return Err(AppError::invalid("name", "must be 1 to 200 characters"));
        }
        if name.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "name",
                "must not contain control characters",
            ));
        }
        if expires_at.is_some_and(|e| e <= now) {
            return Err(AppError::invalid("expires_at", "must be in the future"));
        }
        if user.disabled {
            return Err(AppError::invalid("username", "the user is disabled"));
        }
        let token = random_token()?;
        let info = TokenInfo {
            id: sha256_hex(token.as_bytes()),
            username: user.username.clone(),
            name: name.to_owned(),
            created_at: now,
            expires_at,
            revoked_at: None,
        };
        let write = identity_write(
            TOKEN_KIND,
            &info.id,
            0,
            &user.org_id,
            "active",
            to_json("token", &info)?,
        );
        let change = Change {
            writer: writer.to_owned(),
            audit_org: audit_org.to_owned(),
            action: "create-token",
            write,
            event_type: "token-created",
            event_body: to_json("token", &info)?,
            idempotency: None,
        };
        self.commit_change(change, now).await?;
        Ok(NewToken { token, info })
    }

    /// Tokens the actor may see, one page in token id order (keyset by id through
    /// `aggregates_owner (kind, org_id, id)`, issue #15 item 4): a user its own; a plan or
    /// provider admin those of every user of its organization (`username` narrows to one user).
    /// Another user's tokens asked for by a non-admin is Forbidden. A page narrowed to one user
    /// reads the organization's tokens in id order until it is full (tokens are few per
    /// organization); `next` is exact (`None` on the last page). Audited.
    pub async fn list_tokens(
        &self,
        actor: &Actor,
        username: Option<&str>,
        query: IdentityListQuery,
        now: Timestamp,
    ) -> Result<IdentityPage<TokenView>, AppError> {
        actor.check()?;
        let wanted = match username {
            Some(u) => Some(u),
            None if is_admin(actor) => None,
            None => Some(actor.user_id.as_str()),
        };
        if let Some(u) = wanted
            && u != actor.user_id
        {
            self.require_role(actor, Action::ManageUsers, TOKEN_KIND, u, now)
                .await?;
        }
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        let mut items = Vec::new();
        let mut after = query.after;
        let more = loop {
            // One more than the page, to know whether another page follows.
            let (rows, next) = self
                .page_by_kind(
                    TOKEN_KIND,
                    Some(OrgScope::OwnedBy(actor.org_id.clone())),
                    IdentityListQuery {
                        limit: query.limit,
                        after,
                    },
                )
                .await?;
            for row in &rows {
                let info: TokenInfo = decode(row)?;
                if wanted.is_none_or(|u| info.username == u) {
                    items.push(info.view(now));
                }
            }
            if items.len() > limit || next.is_none() {
                break items.len() > limit;
            }
            after = next;
        };
        items.truncate(limit);
        let next = if more {
            items.last().map(|t| t.id.clone())
        } else {
            None
        };
        let line = AuditEntry {
            org_id: actor.org_id.clone(),
            action: "list-tokens".to_owned(),
            record_kind: TOKEN_KIND.to_owned(),
            record_id: wanted.unwrap_or(&actor.org_id).to_owned(),
            member_id: None,
        };
        self.audit(actor, vec![line], now).await?;
        Ok(IdentityPage { items, next })
    }

    /// One token the actor may see (its own, or any of its organization's for an admin);
    /// otherwise NotFound, audited as `read-token-denied` (in the token's organization's log
    /// too). A read that succeeds is not audited beyond `list_tokens` (no member data).
    pub async fn token(
        &self,
        actor: &Actor,
        id: &str,
        now: Timestamp,
    ) -> Result<TokenView, AppError> {
        actor.check()?;
        let stored = self.store().get(TOKEN_KIND, id).await?;
        let owner = stored.as_ref().map(|s| s.org_id.clone());
        if let Some(stored) = stored
            && stored.org_id == actor.org_id
        {
            let info: TokenInfo = decode(&stored)?;
            if info.username == actor.user_id || is_admin(actor) {
                return Ok(info.view(now));
            }
        }
        self.token_denied(actor, "read-token-denied", id, owner.as_deref(), now)
            .await?;
        Err(AppError::NotFound {
            kind: TOKEN_KIND,
            id: id.to_owned(),
        })
    }

    /// Every token of `username` (system use: `careloop token list`), oldest first.
    pub async fn tokens_of(
        &self,
        username: &str,
        now: Timestamp,
    ) -> Result<Vec<TokenView>, AppError> {
        let Some((user, _)) = self.stored_user(username).await? else {
            return Err(AppError::invalid("username", "no such user"));
        };
        let mut tokens = self.user_tokens(&user, &[]).await?;
        tokens.sort_by(|a, b| (a.0.created_at, &a.0.id).cmp(&(b.0.created_at, &b.0.id)));
        Ok(tokens.into_iter().map(|(t, _)| t.view(now)).collect())
    }

    /// The stored tokens of `user` in the given statuses (empty: any).
    pub(super) async fn user_tokens(
        &self,
        user: &StoredUser,
        statuses: &[&str],
    ) -> Result<Vec<(TokenInfo, StoredAggregate)>, AppError> {
        self.list_all(
            TOKEN_KIND,
            statuses,
            Some(OrgScope::OwnedBy(user.org_id.clone())),
        )
        .await?
        .into_iter()
        .map(|s| decode::<TokenInfo>(&s).map(|t| (t, s)))
        .filter(|t| {
            t.as_ref()
                .map_or(true, |(t, _)| t.username == user.username)
        })
        .collect()
    }

    /// The changes that revoke every still active token of `user` (for its disabling).
    pub(super) async fn revoke_all_changes(
        &self,
        writer: &str,
        audit_org: &str,
        user: &StoredUser,
        now: Timestamp,
    ) -> Result<Vec<Change>, AppError> {
        self.user_tokens(user, &["active"])
            .await?
            .into_iter()
            .map(|(info, stored)| revocation(writer, audit_org, &stored, info, now).map(|c| c.0))
            .collect()
    }

    /// Revokes one token: its own user, or a plan or provider admin of the token's
    /// organization. Another organization's token, or another user's for a non-admin, is
    /// NotFound (audited as `revoke-token-denied`). Revoking a revoked token answers the same.
    /// The token stops authenticating at once.
    pub async fn revoke_token(
        &self,
        actor: &Actor,
        id: &str,
        now: Timestamp,
    ) -> Result<TokenView, AppError> {
        actor.check()?;
        let stored = self.store().get(TOKEN_KIND, id).await?;
        let owner = stored.as_ref().map(|s| s.org_id.clone());
        let found = match stored {
            Some(stored) if stored.org_id == actor.org_id => {
                let info: TokenInfo = decode(&stored)?;
                (info.username == actor.user_id || is_admin(actor)).then_some((stored, info))
            }
            _ => None,
        };
        let Some((stored, info)) = found else {
            self.token_denied(actor, "revoke-token-denied", id, owner.as_deref(), now)
                .await?;
            return Err(AppError::NotFound {
                kind: TOKEN_KIND,
                id: id.to_owned(),
            });
        };
        self.revoke_stored(&actor.user_id, &actor.org_id, stored, info, now)
            .await
    }

    /// Revokes one token by id (system use: `careloop token revoke`).
    pub async fn revoke_token_system(
        &self,
        id: &str,
        now: Timestamp,
    ) -> Result<TokenView, AppError> {
        let Some(stored) = self.store().get(TOKEN_KIND, id).await? else {
            return Err(AppError::NotFound {
                kind: TOKEN_KIND,
                id: id.to_owned(),
            });
        };
        let info: TokenInfo = decode(&stored)?;
        let org = stored.org_id.clone();
        self.revoke_stored(SYSTEM_ACTOR, &org, stored, info, now)
            .await
    }

    async fn revoke_stored(
        &self,
        writer: &str,
        audit_org: &str,
        stored: StoredAggregate,
        info: TokenInfo,
        now: Timestamp,
    ) -> Result<TokenView, AppError> {
        if info.revoked_at.is_some() {
            return Ok(info.view(now));
        }
        let (change, info) = revocation(writer, audit_org, &stored, info, now)?;
        if let Err(e) = self.commit_change(change, now).await {
            // A concurrent revocation: answer with what is stored now.
            if matches!(e, AppError::Conflict { .. })
                && let Some(stored) = self.store().get(TOKEN_KIND, &info.id).await?
            {
                let current: TokenInfo = decode(&stored)?;
                if current.revoked_at.is_some() {
                    self.token_cache().clear();
                    return Ok(current.view(now));
                }
            }
            return Err(e);
        }
        self.token_cache().clear();
        Ok(info.view(now))
    }

    /// Signs in with an API token. Unknown, malformed, expired or revoked token, and a token of
    /// a disabled user, are all [`AppError::Unauthenticated`].
    pub async fn authenticate_token(&self, token: &str, now: Timestamp) -> Result<Actor, AppError> {
        if !token.starts_with(TOKEN_PREFIX) || token.len() != TOKEN_PREFIX.len() + 64 {
            return Err(AppError::Unauthenticated);
        }
        let id = sha256_hex(token.as_bytes());
        if let Some(actor) = self.token_cache().get(&id, now) {
            return Ok(actor);
        }
        let Some(stored) = self.store().get(TOKEN_KIND, &id).await? else {
            return Err(AppError::Unauthenticated);
        };
        if stored.status != "active" {
            return Err(AppError::Unauthenticated);
        }
        let info: TokenInfo = decode(&stored)?;
        if info.revoked_at.is_some() || info.expires_at.is_some_and(|e| e <= now) {
            return Err(AppError::Unauthenticated);
        }
        let Some((user, _)) = self.stored_user(&info.username).await? else {
            return Err(AppError::Unauthenticated);
        };
        let actor = self
            .actor_of(&user)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        self.token_cache()
            .put(id, actor.clone(), now, info.expires_at);
        Ok(actor)
    }
}
