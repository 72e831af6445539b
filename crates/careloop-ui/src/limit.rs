//! Log-in rate limit: after `allowed` failed log-ins for one username within `window`, further
//! attempts for that username are refused with 429 until the window has passed since the
//! oldest counted failure. Usernames are compared case-insensitively. In memory, per process.

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

    /// Whether log-ins for `username` are refused at `now`.
    pub fn blocked(&self, username: &str, now: Timestamp) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        match map.get_mut(&Self::key(username)) {
            Some(list) => {
                self.recent(list, now);
                list.len() >= self.allowed
            }
            None => false,
        }
    }

    /// Counts a failed log-in.
    pub fn failed(&self, username: &str, now: Timestamp) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= SWEEP_AT {
            let window = self.window;
            map.retain(|_, list| list.iter().any(|t| now.duration_since(*t) < window));
        }
        let list = map.entry(Self::key(username)).or_default();
        self.recent(list, now);
        list.push(now);
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
            assert!(!limiter.blocked("Nurse", t), "attempt {i} allowed");
            limiter.failed("nurse", t);
        }
        let t = t0.checked_add(SignedDuration::from_secs(10)).unwrap();
        assert!(limiter.blocked("NURSE", t));
        assert!(!limiter.blocked("someone-else", t));
        let after = t0.checked_add(SignedDuration::from_secs(61)).unwrap();
        assert!(
            !limiter.blocked("nurse", after),
            "the oldest failure left the window"
        );
    }

    #[test]
    fn a_success_clears_the_count() {
        let limiter = LoginLimiter::new(2, Duration::from_secs(60));
        let t: Timestamp = "2026-12-01T10:00:00Z".parse().unwrap();
        limiter.failed("a", t);
        limiter.succeeded("a");
        limiter.failed("a", t);
        assert!(!limiter.blocked("a", t));
        limiter.failed("a", t);
        assert!(limiter.blocked("a", t));
    }
}
