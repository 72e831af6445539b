//! Server-generated record ids: UUIDv7, time-ordered, with or without an Idempotency-Key.
//!
//! A retried create does not need to name the same record: the idempotency row (actor, key) is
//! the first statement of the commit, so a retry whose original was committed comes back as a
//! replay of the original response (careloop-app `App::create`), never as a second record.
//! Time-ordered ids keep new rows together at the right edge of every B-tree keyed by id (the
//! aggregates primary key, the owner index, the event and audit indexes), so a commit dirties a
//! few pages instead of one random page per index (measured: BENCHMARKS.md).

use uuid::Uuid;

pub(crate) fn record_id() -> String {
    Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_time_ordered() {
        let ids: Vec<String> = (0..1000).map(|_| record_id()).collect();
        for (a, b) in ids.iter().zip(ids.iter().skip(1)) {
            assert!(a < b, "{a} !< {b}");
        }
        assert!(ids.iter().all(|id| id.len() == 36));
    }
}
