use super::*;

/// Whether the user holds an admin role (plan admin or provider admin).
fn is_admin_user(user: &StoredUser) -> bool {
    user.roles
        .iter()
        .any(|r| matches!(r, Role::PlanAdmin | Role::ProviderAdmin))
}

impl<S: Store> App<S> {
    /// Creates a user (system use: CLI, demo set-up), written by [`SYSTEM_ACTOR`].
    pub async fn add_user(&self, input: NewUser, now: Timestamp) -> Result<UserView, AppError> {
        self.insert_user(SYSTEM_ACTOR, None, input, None, now).await
    }

    /// A plan admin or provider admin creates a user in their own organization.
    pub async fn create_user(
        &self,
        actor: &Actor,
        input: NewUser,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<UserView, AppError> {
        let action = Action::ManageUsers;
        // The organization the user would join sees every refused attempt (issue #12).
        let target = Some((input.org_id.as_str(), None));
        actor.check()?;
        if !crate::access::permits(actor, action) {
            let refused = self
                .refuse_role(actor, action, USER_KIND, &input.username, target, now)
                .await?;
            return Err(refused);
        }
        if input.org_id != actor.org_id {
            self.audit_refusal(
                actor,
                "create-user-forbidden",
                USER_KIND,
                &input.username,
                target,
                now,
            )
            .await?;
            return Err(AppError::Forbidden {
                action: "create-user",
            });
        }
        let request = UserRequest {
            username: &input.username,
            display_name: &input.display_name,
            org_id: &input.org_id,
            roles: &input.roles,
        };
        let idem = Idem::new(idempotency_key, action, &input.username, &request)?;
        if let Some(idem) = &idem
            && let Some(answer) = self.stored_user_answer(&actor.user_id, idem).await?
        {
            return answer;
        }
        let result = self
            .insert_user(
                &actor.user_id,
                Some(actor),
                input,
                idem.as_ref().map(|i| Idem {
                    key: i.key.clone(),
                    request_hash: i.request_hash.clone(),
                }),
                now,
            )
            .await;
        match (result, &idem) {
            // A concurrent request with the same key may have committed between our look-up
            // and our write: its stored answer (replay or mismatch) wins over "already taken".
            (
                Err(
                    e @ AppError::Invalid {
                        field: "username", ..
                    },
                ),
                Some(idem),
            )
            | (Err(e @ AppError::Conflict { .. }), Some(idem)) => {
                match self.stored_user_answer(&actor.user_id, idem).await? {
                    Some(answer) => answer,
                    None => Err(e),
                }
            }
            (result, _) => result,
        }
    }

    /// The answer stored under `idem.key` for `writer`: the first 201's user when the request
    /// is the same, [`AppError::IdempotencyMismatch`] when it is not, `None` when nothing is
    /// stored under the key.
    async fn stored_user_answer(
        &self,
        writer: &str,
        idem: &Idem,
    ) -> Result<Option<Result<UserView, AppError>>, AppError> {
        let Some(stored) = self.store().idempotent_response(writer, &idem.key).await? else {
            return Ok(None);
        };
        if stored.request_hash != idem.request_hash {
            return Ok(Some(Err(AppError::IdempotencyMismatch {
                key: idem.key.clone(),
            })));
        }
        Ok(Some(
            serde_json::from_str(&stored.response_body).map_err(corrupt),
        ))
    }

    async fn insert_user(
        &self,
        writer: &str,
        actor: Option<&Actor>,
        input: NewUser,
        idem: Option<Idem>,
        now: Timestamp,
    ) -> Result<UserView, AppError> {
        check_id("username", &input.username)?;
        if input.roles.is_empty() {
            return Err(AppError::invalid("roles", "at least one role is needed"));
        }
        if let Some(name) = input.display_name.as_deref() {
            // A display name is one line (careloop_domain::text::check_line): not blank, no
            // control characters, at most 500 characters.
            careloop_domain::text::check_line(name)
                .map_err(|e| AppError::invalid("display_name", e.to_string()))?;
        }
        check_password(&input.username, &input.password)?;
        let org = self
            .organization(&input.org_id)
            .await?
            .ok_or_else(|| AppError::invalid("org_id", "no such organization"))?;
        // Roles must fit the organization kind.
        Actor::new(
            input.username.clone(),
            org.id.clone(),
            org.kind,
            input.roles.clone(),
        )
        .map_err(|e| match e {
            AppError::Invalid { problem, .. } => AppError::invalid("roles", problem),
            other => other,
        })?;
        if self
            .store()
            .get(USER_KIND, &input.username)
            .await?
            .is_some()
        {
            return Err(AppError::invalid("username", "is already taken"));
        }
        let mut roles = input.roles.clone();
        roles.sort_unstable();
        roles.dedup();
        let user = StoredUser {
            username: input.username.clone(),
            display_name: input.display_name.clone(),
            org_id: org.id.clone(),
            roles,
            password_hash: hash_password(&input.password)?,
            disabled: false,
            created_at: now,
        };
        let view = user.view();
        let idempotency = match idem {
            Some(idem) => Some(IdempotencyRecord {
                key: idem.key,
                request_hash: idem.request_hash,
                status_code: 201,
                response_body: serde_json::to_string(&view)
                    .map_err(|e| AppError::invalid("response", e.to_string()))?,
            }),
            None => None,
        };
        let write = identity_write(
            USER_KIND,
            &user.username,
            0,
            &user.org_id,
            "active",
            to_json("user", &user)?,
        );
        let change = Change {
            writer: writer.to_owned(),
            audit_org: actor.map_or_else(|| org.id.clone(), |a| a.org_id.clone()),
            action: "create-user",
            write,
            event_type: "user-created",
            event_body: to_json("user", &view)?,
            idempotency,
        };
        match self.commit_change(change, now).await {
            Ok(CommitReceipt::Committed(_)) => Ok(view),
            Ok(CommitReceipt::Replayed(stored)) => {
                serde_json::from_str(&stored.response_body).map_err(corrupt)
            }
            Err(AppError::Conflict { .. }) => {
                Err(AppError::invalid("username", "is already taken"))
            }
            Err(e) => Err(e),
        }
    }

    /// An admin disables (or re-enables) a user of their own organization. A user of another
    /// organization is NotFound. A disabled user can neither sign in nor use their tokens.
    pub async fn set_user_disabled(
        &self,
        actor: &Actor,
        username: &str,
        disabled: bool,
        now: Timestamp,
    ) -> Result<UserView, AppError> {
        let action = Action::ManageUsers;
        self.require_role(actor, action, USER_KIND, username, now)
            .await?;
        let not_found = AppError::NotFound {
            kind: USER_KIND,
            id: username.to_owned(),
        };
        let Some((mut user, version)) = self.stored_user(username).await? else {
            return Err(not_found);
        };
        if user.org_id != actor.org_id {
            let owner = Some((user.org_id.as_str(), None));
            self.audit_refusal(
                actor,
                "manage-users-denied",
                USER_KIND,
                username,
                owner,
                now,
            )
            .await?;
            return Err(not_found);
        }
        if disabled && !user.disabled && is_admin_user(&user) {
            let other_admins = self
                .list_all(
                    USER_KIND,
                    &["active"],
                    Some(OrgScope::OwnedBy(user.org_id.clone())),
                )
                .await?
                .iter()
                .map(decode::<StoredUser>)
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter(|u| u.username != user.username && !u.disabled && is_admin_user(u))
                .count();
            if other_admins == 0 {
                return Err(AppError::invalid(
                    "username",
                    format!(
                        "{} is the only enabled admin of organization {} (rule: an organization \
                         keeps at least one enabled admin); add or enable another admin first",
                        user.username, user.org_id
                    ),
                ));
            }
        }
        let was_disabled = user.disabled;
        user.disabled = disabled;
        let view = user.view();
        let write = identity_write(
            USER_KIND,
            &user.username,
            version,
            &user.org_id,
            if disabled { "disabled" } else { "active" },
            to_json("user", &user)?,
        );
        let (action_name, event_type) = if disabled {
            ("disable-user", "user-disabled")
        } else {
            ("enable-user", "user-enabled")
        };
        let change = Change {
            writer: actor.user_id.clone(),
            audit_org: actor.org_id.clone(),
            action: action_name,
            write,
            event_type,
            event_body: serde_json::json!({ "username": user.username }),
            idempotency: None,
        };
        // Disabling revokes the user's tokens for good, in the same batch; so does re-enabling
        // (any token still active then predates the disable, e.g. one created concurrently),
        // so a re-enabled user starts with no token.
        let mut changes = vec![change];
        if disabled || was_disabled {
            changes.extend(
                self.revoke_all_changes(&actor.user_id, &actor.org_id, &user, now)
                    .await?,
            );
        }
        self.commit_changes(actor.user_id.clone(), changes, now)
            .await?;
        // Cached token checks of this user must not outlive the change.
        self.token_cache().clear();
        Ok(view)
    }

    /// The users of the actor's own organization (admins), one page in username order through
    /// `aggregates_owner (kind, org_id, id)`. Audited.
    pub async fn list_users(
        &self,
        actor: &Actor,
        query: IdentityListQuery,
        now: Timestamp,
    ) -> Result<IdentityPage<UserView>, AppError> {
        let action = Action::ManageUsers;
        self.require_role(actor, action, USER_KIND, "list", now)
            .await?;
        let (rows, next) = self
            .page_by_kind(
                USER_KIND,
                Some(OrgScope::OwnedBy(actor.org_id.clone())),
                query,
            )
            .await?;
        let items = rows
            .iter()
            .map(|r| decode::<StoredUser>(r).map(|u| u.view()))
            .collect::<Result<Vec<_>, _>>()?;
        let line = AuditEntry {
            org_id: actor.org_id.clone(),
            action: "list-users".to_owned(),
            record_kind: USER_KIND.to_owned(),
            record_id: actor.org_id.clone(),
            member_id: None,
        };
        self.audit(actor, vec![line], now).await?;
        Ok(IdentityPage { items, next })
    }

    /// The people an ECM provider's user may name as an enrollment's Lead Care Manager: the
    /// enabled care managers of the user's own organization, by username (at most
    /// `MAX_LIMIT_CHOICES`). Names only, no member data; the assignment itself resolves the
    /// chosen user again (`ecm::AssignLeadCareManager`).
    pub async fn lead_care_manager_choices(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<UserView>, AppError> {
        let action = Action::AssignEcmLeadCareManager;
        self.require_role(actor, action, USER_KIND, "list", now)
            .await?;
        let query = IdentityListQuery {
            limit: MAX_LIMIT_CHOICES,
            after: None,
        };
        let scope = Some(OrgScope::OwnedBy(actor.org_id.clone()));
        let (rows, _) = self.page_by_kind(USER_KIND, scope, query).await?;
        let mut choices = Vec::new();
        for row in &rows {
            let user = decode::<StoredUser>(row)?;
            if !user.disabled && user.roles.contains(&Role::ProviderCareManager) {
                choices.push(user.view());
            }
        }
        Ok(choices)
    }
}

/// The most Lead Care Manager choices offered at once.
const MAX_LIMIT_CHOICES: u32 = 500;
