//! Log-in rate limit: after `allowed` failed log-ins for one username within `window`, further
//! attempts for that username are refused with 429 until the window has passed since the
//! oldest counted failure. Usernames are compared case-insensitively. In memory, per process.
//!
//! An attempt is reserved before the password is checked ([`LoginLimiter::reserve`]): under
//! the lock it is counted as a failure if fewer than `allowed` are counted, else refused. So
//! parallel log-ins cannot all pass the check before any of them has failed (issue #12): at
//! most `allowed` password checks per username and window, however many arrive at once. A
//! success clears the count; an attempt that ended without a password verdict (a store error)
//! gives its reservation back ([`LoginLimiter::release`]).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

pub struct LoginLimiter {
    allowed: usize,
    window: SignedDuration,
    failures: Mutex<HashMap<String, Vec<Timestamp>>>,
}

/// Entries kept before stale ones are swept.
const SWEEP_AT: usize = 10_000;

impl LoginLimiter {
    pub fn new(allowed: usize, window: Duration) -> Self {
        LoginLimiter {
            allowed,
            window: SignedDuration::try_from(window).unwrap_or(SignedDuration::from_mins(1)),
            failures: Mutex::new(HashMap::new()),
        }
    }

    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }

    fn recent(&self, list: &mut Vec<Timestamp>, now: Timestamp) {
        let window = self.window;
        list.retain(|t| now.duration_since(*t) < window);
    }

    /// Reserves one attempt for `username` at `now`: `false` (refuse with 429) when `allowed`
    /// failures or reservations are already counted in the window; otherwise counts this
    /// attempt as a failure and answers `true`. Check and count happen under one lock.
    pub fn reserve(&self, username: &str, now: Timestamp) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= SWEEP_AT {
            let window = self.window;
            map.retain(|_, list| list.iter().any(|t| now.duration_since(*t) < window));
        }
        let list = map.entry(Self::key(username)).or_default();
        self.recent(list, now);
        if list.len() >= self.allowed {
            return false;
        }
        list.push(now);
        true
    }

    /// Gives back a reservation made at `at` whose attempt got no password verdict.
    pub fn release(&self, username: &str, at: Timestamp) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(list) = map.get_mut(&Self::key(username))
            && let Some(i) = list.iter().position(|t| *t == at)
        {
            list.remove(i);
        }
    }

    /// A successful log-in clears the count.
    pub fn succeeded(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(&Self::key(username));
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_in_a_minute_block_the_sixth_attempt_until_the_minute_passes() {
        let limiter = LoginLimiter::new(5, Duration::from_secs(60));
        let t0: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
        for i in 0..5 {
            let t = t0.checked_add(SignedDuration::from_secs(i)).unwrap();
            assert!(limiter.reserve("Nurse", t), "attempt {i} allowed");
        }
        let t = t0.checked_add(SignedDuration::from_secs(10)).unwrap();
        assert!(!limiter.reserve("NURSE", t));
        assert!(limiter.reserve("someone-else", t));
        let after = t0.checked_add(SignedDuration::from_secs(60)).unwrap();
        assert!(
            limiter.reserve("nurse", after),
            "the oldest failure left the window"
        );
    }

    #[test]
    fn a_success_clears_the_count_and_a_release_gives_one_back() {
        let limiter = LoginLimiter::new(2, Duration::from_secs(60));
        let t: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
        assert!(limiter.reserve("a", t));
        limiter.succeeded("a");
        assert!(limiter.reserve("a", t));
        assert!(limiter.reserve("a", t));
        assert!(!limiter.reserve("a", t));
        limiter.release("a", t);
        assert!(limiter.reserve("a", t));
        assert!(!limiter.reserve("a", t));
    }

    #[test]
    fn parallel_reservations_never_exceed_the_limit() {
        let limiter = std::sync::Arc::new(LoginLimiter::new(5, Duration::from_secs(60)));
        let t: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
        let handles: Vec<_> = (0..40)
            .map(|_| {
                let limiter = limiter.clone();
                std::thread::spawn(move || limiter.reserve("nurse", t))
            })
            .collect();
        let granted = handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .filter(|ok| *ok)
            .count();
        assert_eq!(granted, 5);
    }
}
