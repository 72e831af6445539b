//! Server-side sessions: an in-memory map from a random session id (the cookie value) to the
//! signed-in actor, the session's CSRF token and its expiry. Ids and tokens are 32 random bytes
//! from the operating system (getrandom), hex-encoded. Sessions end at log-out, at expiry, or
//! when the server restarts (they are not stored).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use careloop_app::Actor;
use jiff::{SignedDuration, Timestamp};

/// The session cookie's name.
pub const COOKIE: &str = "careloop_session";
/// The pre-log-in CSRF cookie's name (the log-in form has no session yet).
pub const LOGIN_CSRF_COOKIE: &str = "careloop_login_csrf";

/// One signed-in user.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: String,
    pub actor: Actor,
    /// Hidden in every POST form and compared on submit.
    pub csrf: String,
    pub expires: Timestamp,
}

/// The session map.
pub struct Sessions {
    ttl: Duration,
    map: Mutex<HashMap<String, Session>>,
}

/// The operating system's random source failed.
#[derive(Debug)]
pub struct NoRandom;

/// 32 random bytes, hex.
pub fn random_token() -> Result<String, NoRandom> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|_| NoRandom)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Compares two secrets without stopping at the first difference.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl Sessions {
    pub fn new(ttl: Duration) -> Self {
        Sessions {
            ttl,
            map: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        // A panic while holding the lock cannot leave the map half-updated (single inserts and
        // removes), so a poisoned lock is still usable.
        self.map.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts a session for `actor` at `now`; expired sessions are dropped on the way.
    pub fn start(&self, actor: Actor, now: Timestamp) -> Result<Session, NoRandom> {
        let ttl = SignedDuration::try_from(self.ttl).unwrap_or(SignedDuration::from_hours(8));
        let session = Session {
            id: random_token()?,
            actor,
            csrf: random_token()?,
            expires: now.checked_add(ttl).unwrap_or(now),
        };
        let mut map = self.lock();
        map.retain(|_, s| s.expires > now);
        map.insert(session.id.clone(), session.clone());
        Ok(session)
    }

    /// The live session with this id.
    pub fn get(&self, id: &str, now: Timestamp) -> Option<Session> {
        let mut map = self.lock();
        match map.get(id) {
            Some(s) if s.expires > now => Some(s.clone()),
            Some(_) => {
                map.remove(id);
                None
            }
            None => None,
        }
    }

    /// Ends a session (log-out).
    pub fn end(&self, id: &str) {
        self.lock().remove(id);
    }

    /// Live sessions (tests).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use careloop_app::{OrgKind, Role};

    fn actor() -> Actor {
        Actor::new("u", "org", OrgKind::Plan, vec![Role::PlanUmReviewer]).unwrap()
    }

    #[test]
    fn a_session_lives_until_its_expiry_and_ends_at_log_out() {
        let sessions = Sessions::new(Duration::from_secs(60));
        let now: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
        let s = sessions.start(actor(), now).unwrap();
        assert_eq!(s.id.len(), 64);
        assert_ne!(s.id, s.csrf);
        assert!(sessions.get(&s.id, now).is_some());
        let later = now.checked_add(SignedDuration::from_secs(61)).unwrap();
        assert!(sessions.get(&s.id, later).is_none(), "expired");
        let s2 = sessions.start(actor(), now).unwrap();
        sessions.end(&s2.id);
        assert!(sessions.get(&s2.id, now).is_none(), "logged out");
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", ""));
    }
}
