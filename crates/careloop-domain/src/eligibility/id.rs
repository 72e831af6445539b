//! Determination id: SHA-256 of the canonical JSON of (facts, as_of, policy version).
//!
//! Canonical JSON here: object keys sorted, no whitespace, serde_json's number and string
//! encoding. Sorting is done explicitly so the id does not depend on serde_json features.

use super::facts::MemberFacts;
use jiff::civil::Date;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt::Write;

pub(crate) fn determination_id(facts: &MemberFacts, as_of: Date, policy_version: &str) -> String {
    let input = serde_json::json!({
        "facts": facts,
        "as_of": as_of.to_string(),
        "policy_version": policy_version,
    });
    let mut canonical = String::new();
    write_canonical(&input, &mut canonical);
    let digest = Sha256::digest(canonical.as_bytes());
    digest.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let v = serde_json::json!({"b": 1, "a": {"d": [1, {"z": 0, "y": 1}], "c": "x"}});
        let mut s = String::new();
        write_canonical(&v, &mut s);
        assert_eq!(s, r#"{"a":{"c":"x","d":[1,{"y":1,"z":0}]},"b":1}"#);
    }

    #[test]
    fn id_is_64_hex_and_depends_on_policy_version() {
        let facts = MemberFacts::default();
        let day = jiff::civil::date(2026, 11, 22);
        let a = determination_id(&facts, day, "2026.11.0");
        let b = determination_id(&facts, day, "2026.11.1");
        assert_eq!(a.len(), 64);
        assert!(a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
