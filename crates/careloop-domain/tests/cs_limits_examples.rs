//! The committed JSON schema and examples/cs/*.json (docs/community-supports-limits.md).
//!
//! Regenerate the schema after changing the input types with
//! `CARELOOP_BLESS=1 cargo test -p careloop-domain --test cs_limits_examples`.

use careloop_domain::PolicyPack;
use careloop_domain::cs_limits::{CsLimitInput, Outcome, check};
use std::path::PathBuf;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema_text() -> Result<String, serde_json::Error> {
    let schema = schemars::schema_for!(CsLimitInput);
    Ok(serde_json::to_string_pretty(&schema)? + "\n")
}

#[test]
fn committed_schema_matches_the_input_types() -> TestResult {
    let path = repo_root().join("docs/schemas/cs-history.schema.json");
    let generated = schema_text()?;
    if std::env::var_os("CARELOOP_BLESS").is_some() {
        std::fs::write(&path, &generated)?;
    }
    let committed = std::fs::read_to_string(&path)?;
    assert_eq!(
        committed, generated,
        "docs/schemas/cs-history.schema.json is stale; rerun with CARELOOP_BLESS=1"
    );
    Ok(())
}

/// Each example and the outcome the rules give it.
const EXAMPLES: [(&str, Outcome); 7] = [
    ("respite-near-cap.json", Outcome::Allowed),
    (
        "respite-over-cap-exception.json",
        Outcome::AllowedWithException,
    ),
    ("eaa-lifetime.json", Outcome::Denied),
    ("housing-deposit-second.json", Outcome::AllowedWithException),
    ("room-and-board-rolling.json", Outcome::Denied),
    ("sobering.json", Outcome::Allowed),
    ("alf-nf-stay.json", Outcome::Allowed),
];

#[test]
fn every_example_validates_against_the_schema_and_decides_as_documented() -> TestResult {
    let schema: serde_json::Value = serde_json::from_str(&schema_text()?)?;
    let validator = jsonschema::validator_for(&schema)?;
    let pack = PolicyPack::embedded()?;
    let dir = repo_root().join("examples/cs");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = EXAMPLES.iter().map(|(n, _)| n.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every example has an expected outcome here"
    );

    for (name, expected) in EXAMPLES {
        let text = std::fs::read_to_string(dir.join(name))?;
        let value: serde_json::Value = serde_json::from_str(&text)?;
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
        let input: CsLimitInput = serde_json::from_str(&text)?;
        let decision = check(&input, &pack);
        assert_eq!(decision.outcome, expected, "{name}: {}", decision.message);
    }
    Ok(())
}

#[test]
fn schema_rejects_a_bad_input() -> TestResult {
    let schema: serde_json::Value = serde_json::from_str(&schema_text()?)?;
    let validator = jsonschema::validator_for(&schema)?;
    let good = serde_json::json!({
        "proposed": { "cs": "respite", "plan": "hpsm", "start": "2026-01-01", "end": "2026-01-31", "hours": 10 }
    });
    assert!(validator.is_valid(&good));
    let bad = [
        // unknown CS id
        serde_json::json!({ "proposed": { "cs": "rent", "plan": "hpsm", "start": "2026-01-01", "end": "2026-01-31" } }),
        // money as a float string
        serde_json::json!({ "proposed": { "cs": "asthma-remediation", "plan": "hpsm", "start": "2026-01-01", "end": "2026-01-31", "amount_cents": "75.00" } }),
        // unknown field
        serde_json::json!({ "proposed": { "cs": "respite", "plan": "hpsm", "start": "2026-01-01", "end": "2026-01-31", "units": 3 } }),
        // missing proposal
        serde_json::json!({ "history": [] }),
        // negative hours
        serde_json::json!({ "proposed": { "cs": "respite", "plan": "hpsm", "start": "2026-01-01", "end": "2026-01-31", "hours": -1 } }),
    ];
    for value in bad {
        assert!(!validator.is_valid(&value), "{value}");
        assert!(
            serde_json::from_value::<CsLimitInput>(value.clone()).is_err(),
            "{value}"
        );
    }
    Ok(())
}
