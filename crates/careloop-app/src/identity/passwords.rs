use super::*;

pub(super) fn check_password(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        return Err(AppError::invalid(
            "password",
            format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    Ok(())
}

/// Argon2id PHC string of `password` with a fresh random salt.
pub(super) fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| AppError::invalid("password", "could not be hashed"))
}

/// Constant-time check of `password` against a stored PHC string.
pub(super) fn verify_password(password: &str, phc: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), phc)
        .is_ok()
}

/// A hash to verify against when the user does not exist, so that path costs the same.
pub(super) fn decoy_hash() -> Option<&'static str> {
    static DECOY: OnceLock<Option<String>> = OnceLock::new();
    DECOY
        .get_or_init(|| {
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret).ok()?;
            hash_password(&sha256_hex(&secret)).ok()
        })
        .as_deref()
}

impl<S: Store> App<S> {
    /// Signs in with a username and password. Unknown user, wrong password and disabled user
    /// are all [`AppError::Unauthenticated`].
    pub async fn authenticate_password(
        &self,
        username: &str,
        password: &str,
        _now: Timestamp,
    ) -> Result<Actor, AppError> {
        let found = if username.is_empty() || username.len() > 400 {
            None
        } else {
            self.stored_user(username).await?
        };
        let Some((user, _)) = found else {
            if let Some(decoy) = decoy_hash() {
                let _ = verify_password(password, decoy);
            }
            return Err(AppError::Unauthenticated);
        };
        if !verify_password(password, &user.password_hash) {
            return Err(AppError::Unauthenticated);
        }
        self.actor_of(&user).await?.ok_or(AppError::Unauthenticated)
    }
}
