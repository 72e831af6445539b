//! examples/members/*.json: each validates against docs/schemas/member-facts.schema.json, which
//! is generated from `MemberFacts`, and each meets the POF its name says.
//!
//! Regenerate the schema with `CARELOOP_UPDATE_SCHEMA=1 cargo test --test eligibility_examples`.

#[path = "support/eligibility.rs"]
mod support;

use careloop_domain::CsId;
use careloop_domain::eligibility::{MemberFacts, Outcome, determine};
use std::path::{Path, PathBuf};
use support::*;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn schema_path() -> PathBuf {
    repo_root().join("docs/schemas/member-facts.schema.json")
}

fn generated_schema() -> String {
    let schema = schemars::schema_for!(MemberFacts);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

fn example(name: &str) -> Result<(serde_json::Value, MemberFacts), String> {
    let path = repo_root().join("examples/members").join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
    let facts = serde_json::from_value(value.clone()).map_err(|e| format!("{name}: {e}"))?;
    Ok((value, facts))
}

fn example_names() -> Vec<String> {
    let dir = repo_root().join("examples/members");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".json"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn committed_schema_matches_member_facts() {
    let generated = generated_schema();
    if std::env::var_os("CARELOOP_UPDATE_SCHEMA").is_some() {
        let _ = std::fs::create_dir_all(repo_root().join("docs/schemas"));
        assert!(std::fs::write(schema_path(), &generated).is_ok());
    }
    let committed = std::fs::read_to_string(schema_path()).unwrap_or_default();
    assert_eq!(
        committed, generated,
        "docs/schemas/member-facts.schema.json is stale"
    );
}

#[test]
fn every_example_validates_against_the_schema_and_a_bad_file_does_not() -> Result<(), String> {
    let schema: serde_json::Value =
        serde_json::from_str(&generated_schema()).map_err(|e| e.to_string())?;
    let validator = jsonschema::validator_for(&schema).map_err(|e| e.to_string())?;
    let names = example_names();
    assert!(names.len() >= 13, "{names:?}");
    for name in &names {
        let (value, _) = example(name)?;
        let errors: Vec<String> = validator
            .iter_errors(&value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    let (mut bad, _) = example("pof-1a-adult.json")?;
    if let Some(obj) = bad.as_object_mut() {
        obj.insert("favourite_colour".into(), "blue".into());
    }
    assert!(!validator.is_valid(&bad), "unknown field must be rejected");
    let bad_kind =
        serde_json::json!({"indicators": [{"kind": "homeless-ish", "start": "2026-01-01"}]});
    assert!(
        !validator.is_valid(&bad_kind),
        "unknown indicator kind must be rejected"
    );
    let bad_date = serde_json::json!({"birth_date": "2026-13-01"});
    assert!(serde_json::from_value::<MemberFacts>(bad_date).is_err());
    Ok(())
}

#[test]
fn each_pof_example_meets_its_population() -> Result<(), String> {
    let pack = pack();
    for (file, code) in [
        ("pof-1a-adult.json", "1a"),
        ("pof-1b-child.json", "1b"),
        ("pof-2-adult.json", "2"),
        ("pof-2-child.json", "2"),
        ("pof-3-adult.json", "3"),
        ("pof-4-adult.json", "4"),
        ("pof-5-adult.json", "5"),
        ("pof-6-adult.json", "6"),
        ("pof-7-child.json", "7"),
        ("pof-8-child.json", "8"),
        ("pof-9-adult.json", "9"),
    ] {
        let (_, facts) = example(file)?;
        let det = determine(&facts, AS_OF, &pack);
        assert_eq!(
            status(&det, code),
            Outcome::Met,
            "{file}: {:#?}",
            det.population(code)
        );
        assert_eq!(
            det.ecm_eligible,
            Some(true),
            "{file}: {:#?}",
            det.exclusions
        );
    }
    Ok(())
}

#[test]
fn hpsm_dsnp_example_is_excluded_from_ecm_and_cs_eligible() -> Result<(), String> {
    let (_, facts) = example("hpsm-dsnp.json")?;
    let det = determine(&facts, AS_OF, &pack());
    assert_eq!(status(&det, "1a"), Outcome::Met);
    assert_eq!(det.ecm_eligible, Some(false));
    assert_eq!(det.cs_eligible, Some(true));
    assert_eq!(
        det.community_support(CsId::HousingTransitionNavigation)
            .map(|c| c.status),
        Some(Outcome::Met)
    );
    Ok(())
}

#[test]
fn undetermined_example_names_what_is_missing() -> Result<(), String> {
    let (_, facts) = example("undetermined.json")?;
    let det = determine(&facts, AS_OF, &pack());
    assert_eq!(det.ecm_eligible, None);
    assert_eq!(det.age, None);
    assert!(det.populations.iter().all(|p| p.status != Outcome::Met));
    for fact in [
        "birth_date",
        "indicators.homelessness.housing_loss_date",
        "indicators.hospice",
    ] {
        assert!(
            det.missing_facts.contains(&fact.to_string()),
            "{fact}: {:?}",
            det.missing_facts
        );
    }
    let mut sorted = det.missing_facts.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, det.missing_facts);
    Ok(())
}
