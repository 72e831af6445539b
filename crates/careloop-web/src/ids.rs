//! Server-generated record ids: UUIDv7 (time-sortable) for a create without an Idempotency-Key;
//! with a key, a UUIDv8 derived from (record kind, user, key), so a retry names the same record.

use sha2::{Digest, Sha256};
use uuid::Uuid;

pub(crate) fn record_id(kind: &str, user_id: &str, idempotency_key: Option<&str>) -> String {
    match idempotency_key {
        Some(key) => {
            let digest = Sha256::digest(format!("{kind}\0{user_id}\0{key}").as_bytes());
            let mut bytes = [0u8; 16];
            for (b, d) in bytes.iter_mut().zip(digest.iter()) {
                *b = *d;
            }
            Uuid::new_v8(bytes).to_string()
        }
        None => Uuid::now_v7().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_ids_repeat_per_user_and_key_and_unkeyed_ids_differ() {
        let a = record_id("referral", "u1", Some("k"));
        assert_eq!(a, record_id("referral", "u1", Some("k")));
        assert_ne!(a, record_id("referral", "u2", Some("k")));
        assert_ne!(a, record_id("referral", "u1", Some("k2")));
        assert_ne!(a, record_id("authorization", "u1", Some("k")));
        assert_ne!(
            record_id("referral", "u1", None),
            record_id("referral", "u1", None)
        );
        assert_eq!(a.len(), 36);
    }
}
