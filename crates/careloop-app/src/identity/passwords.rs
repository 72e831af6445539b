use super::*;

/// Obviously weak passwords of 12 or more characters, one a line, lower case: careloop's own
/// list (not copied from a breach corpus), written for issue #12 from the patterns that top
/// the public most-common-password lists — `password`, `qwerty`, `iloveyou`, `welcome`,
/// `letmein`, `admin`, sports and seasons, the product and domain words (`careloop`, `nurse`,
/// `hospital`) — each with the usual suffixes (`1`, `123`, `1234`, `!`, years 2023..2027),
/// plus digit runs (`123456789012`), repeated characters and keyboard walks (`qwertyuiop12`,
/// `1qaz2wsx3edc`).
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// Usernames shorter than this are not looked for inside a password (a one- or two-letter
/// username would be found in most passwords).
const MIN_USERNAME_CHARS_TO_MATCH: usize = 3;

/// The password rules (issue #12): 12..=1024 characters, not the username or containing it
/// (case-insensitive), not on the common-password list (case-insensitive). Each refusal is
/// `Invalid { field: "password" }` naming the rule.
pub(super) fn check_password(username: &str, password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&n) {
        return Err(AppError::invalid(
            "password",
            format!("must be {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters"),
        ));
    }
    let lower = password.to_lowercase();
    let user = username.trim().to_lowercase();
    if !user.is_empty() && lower == user {
        return Err(AppError::invalid(
            "password",
            "must not be the username (rule: password differs from the username)",
        ));
    }
    if user.chars().count() >= MIN_USERNAME_CHARS_TO_MATCH && lower.contains(&user) {
        return Err(AppError::invalid(
            "password",
            "must not contain the username (rule: password does not contain the username)",
        ));
    }
    if COMMON_PASSWORDS.lines().any(|common| common == lower) {
        return Err(AppError::invalid(
            "password",
            "is on the list of common passwords (rule: not a common password); choose a less guessable one",
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic)]
mod tests {
    use super::*;

    fn problem(username: &str, password: &str) -> Option<String> {
        match check_password(username, password) {
            Ok(()) => None,
            Err(AppError::Invalid { field, problem }) => {
                assert_eq!(field, "password");
                Some(problem)
            }
            Err(e) => panic!("{e:?}"),
        }
    }

    #[test]
    fn passwords_equal_to_or_containing_the_username_or_common_are_refused() {
        assert!(
            problem("nurse-ann-01", "NURSE-ANN-01")
                .unwrap()
                .contains("username")
        );
        assert!(
            problem("nurse-ann", "my-Nurse-Ann-pass")
                .unwrap()
                .contains("contain the username")
        );
        for common in [
            "password1234",
            "123456789012",
            "qwertyuiop12",
            "Password2026!",
            "CARELOOP1234",
        ] {
            assert!(
                problem("someone", common)
                    .unwrap()
                    .contains("common password"),
                "{common}"
            );
        }
        assert!(problem("someone", "short").unwrap().contains("12 to 1024"));
        // A two-letter username is not looked for inside the password.
        assert_eq!(problem("ab", "tabby-cat-garden-7"), None);
        assert_eq!(problem("nurse-ann", "violet-harbor-lantern-42"), None);
        assert_eq!(problem("demo-user", "careloop-demo-password"), None);
        // Every listed entry is lower case and at least 12 characters (the list is reachable).
        assert!(COMMON_PASSWORDS.lines().count() > 300);
        assert!(
            COMMON_PASSWORDS
                .lines()
                .all(|l| l.chars().count() >= MIN_PASSWORD_CHARS && l == l.to_lowercase())
        );
    }
}
