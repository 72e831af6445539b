//! A short-lived in-memory cache of authenticated API tokens (issue #3 benchmark: the three
//! store reads of a token check — token, user, organization — were most of a small request).
//!
//! An entry maps the token's SHA-256 id to the [`Actor`] it authenticated and lives at most
//! [`TOKEN_CACHE_TTL`] (and never past the token's own expiry). Disabling or enabling a user, and
//! revoking a token (issue #12), through this process clears the whole cache at once, so on a
//! single server a disabled user's tokens and a revoked token stop working immediately; another server process sharing the database (PostgreSQL)
//! notices within the TTL. Nothing is cached for a failed check.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use jiff::{SignedDuration, Timestamp};

use crate::actor::Actor;

/// How long a successful token check is reused.
pub const TOKEN_CACHE_TTL: SignedDuration = SignedDuration::from_secs(10);
/// Entries kept at most; the cache is cleared when full (simple, and bounded).
const CAPACITY: usize = 10_000;

#[derive(Debug, Clone)]
struct Entry {
    actor: Actor,
    /// The instant the entry stops being valid: the TTL or the token's expiry, whichever is first.
    valid_until: Timestamp,
    /// When the check was made (a clock that moved backwards invalidates the entry).
    checked_at: Timestamp,
}

/// See the module documentation.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl TokenCache {
    /// The actor cached for token id `id`, when the entry is still valid at `now`.
    pub(crate) fn get(&self, id: &str, now: Timestamp) -> Option<Actor> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let e = entries.get(id)?;
        (now >= e.checked_at && now < e.valid_until).then(|| e.actor.clone())
    }

    /// Remembers a successful check of token `id` at `now`.
    pub(crate) fn put(
        &self,
        id: String,
        actor: Actor,
        now: Timestamp,
        expires_at: Option<Timestamp>,
    ) {
        let ttl_end = now.saturating_add(TOKEN_CACHE_TTL).unwrap_or(now);
        let valid_until = match expires_at {
            Some(exp) if exp < ttl_end => exp,
            _ => ttl_end,
        };
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(
            id,
            Entry {
                actor,
                valid_until,
                checked_at: now,
            },
        );
    }

    /// Forgets every entry (a user was disabled or enabled, or a token revoked).
    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::actor::{OrgKind, Role};

    fn actor() -> Actor {
        Actor::new("u", "o", OrgKind::Plan, vec![Role::PlanAdmin]).unwrap()
    }

    #[test]
    fn entries_live_until_the_ttl_or_the_token_expiry_and_clear_forgets_them() {
        let t0: Timestamp = "2026-12-02T00:00:00Z".parse().unwrap();
        let cache = TokenCache::default();
        cache.put("a".into(), actor(), t0, None);
        assert!(cache.get("a", t0).is_some());
        assert!(cache.get("a", t0 + SignedDuration::from_secs(9)).is_some());
        assert!(cache.get("a", t0 + TOKEN_CACHE_TTL).is_none());
        // A clock that went backwards does not reuse the entry.
        assert!(cache.get("a", t0 - SignedDuration::from_secs(1)).is_none());
        assert!(cache.get("b", t0).is_none());

        cache.put(
            "b".into(),
            actor(),
            t0,
            Some(t0 + SignedDuration::from_secs(2)),
        );
        assert!(cache.get("b", t0 + SignedDuration::from_secs(1)).is_some());
        assert!(cache.get("b", t0 + SignedDuration::from_secs(2)).is_none());

        cache.clear();
        assert!(cache.get("a", t0).is_none());
    }
}
