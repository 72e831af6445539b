//! `determine_ecm` (used by `careloop identify` for bulk runs) gives exactly the populations,
//! exclusions and ECM eligibility of `determine`, and `determination_id` its id, on every
//! example member, on several days and with the birth date removed.

use careloop_domain::PolicyPack;
use careloop_domain::eligibility::{
    MemberFacts, Outcome, determination_id, determine, determine_ecm,
};
use jiff::civil::date;
use std::path::Path;

fn examples() -> Vec<(String, MemberFacts)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/members");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let facts: MemberFacts = serde_json::from_str(&text).unwrap_or_default();
            out.push((path.display().to_string(), facts));
        }
    }
    out
}

#[test]
fn ecm_part_equals_full_determination() {
    let pack = PolicyPack::embedded().unwrap_or_else(|e| panic!("{e}"));
    let members = examples();
    assert!(members.len() >= 10, "examples/members not found");
    let mut met = 0;
    for (name, facts) in members {
        let mut no_birth = facts.clone();
        no_birth.birth_date = None;
        for f in [&facts, &no_birth] {
            for as_of in [date(2026, 11, 22), date(2026, 2, 1), date(2027, 6, 30)] {
                let full = determine(f, as_of, &pack);
                let ecm = determine_ecm(f, as_of, &pack);
                assert_eq!(ecm.populations, full.populations, "{name} {as_of}");
                assert_eq!(ecm.exclusions, full.exclusions, "{name} {as_of}");
                assert_eq!(ecm.ecm_eligible, full.ecm_eligible, "{name} {as_of}");
                assert_eq!(ecm.age, full.age, "{name} {as_of}");
                assert!(
                    ecm.missing_facts
                        .iter()
                        .all(|m| full.missing_facts.contains(m)),
                    "{name} {as_of}"
                );
                assert_eq!(
                    determination_id(f, as_of, &pack),
                    full.determination_id,
                    "{name} {as_of}"
                );
                met += full
                    .populations
                    .iter()
                    .filter(|p| p.status == Outcome::Met)
                    .count();
            }
        }
    }
    assert!(met > 10, "the examples should meet POFs ({met})");
}
