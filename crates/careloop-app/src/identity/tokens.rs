use super::*;

impl<S: Store> App<S> {
    /// Creates an API token for a user (system use: CLI). Never expires.
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
        if name.trim().is_empty() || name.chars().count() > 200 {
            return Err(AppError::invalid("name", "must be 1 to 200 characters"));
        }
        if expires_at.is_some_and(|e| e <= now) {
            return Err(AppError::invalid("expires_at", "must be in the future"));
        }
        let Some((user, _)) = self.stored_user(username).await? else {
            return Err(AppError::invalid("username", "no such user"));
        };
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
        };
        let write = AggregateWrite {
            kind: TOKEN_KIND.to_owned(),
            id: info.id.clone(),
            expected_version: 0,
            org_id: user.org_id.clone(),
            member_id: None,
            status: "active".to_owned(),
            due_at: None,
            plan_id: None,
            county: None,
            body: to_json("token", &info)?,
        };
        let change = Change {
            writer: SYSTEM_ACTOR.to_owned(),
            audit_org: user.org_id.clone(),
            action: "create-token",
            write,
            event_type: "token-created",
            event_body: to_json("token", &info)?,
            idempotency: None,
        };
        self.commit_change(change, now).await?;
        Ok(NewToken { token, info })
    }

    /// Signs in with an API token. Unknown, malformed or expired token, and a token of a
    /// disabled user, are all [`AppError::Unauthenticated`].
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
        if info.expires_at.is_some_and(|e| e <= now) {
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
