//! `careloop eligibility check` end to end.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::PathBuf;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/members")
        .join(name)
}

fn careloop() -> Command {
    match Command::cargo_bin("careloop") {
        Ok(c) => c,
        Err(e) => unreachable!("careloop binary: {e}"),
    }
}

#[test]
fn json_output_has_populations_and_eligibility() -> Result<(), Box<dyn std::error::Error>> {
    let out = careloop()
        .args(["eligibility", "check"])
        .arg(example("pof-2-adult.json"))
        .args(["--as-of", "2026-11-22", "--json"])
        .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let pops = v["populations"].as_array().ok_or("populations")?;
    let codes: Vec<&str> = pops.iter().filter_map(|p| p["code"].as_str()).collect();
    assert_eq!(codes, ["1a", "1b", "2", "3", "4", "5", "6", "7", "8", "9"]);
    let pof2 = pops.iter().find(|p| p["code"] == "2").ok_or("pof 2")?;
    assert_eq!(pof2["status"], "met");
    assert_eq!(pof2["variant"], "adult");
    assert_eq!(v["ecm_eligible"], true);
    assert!(v["cs_eligible"].is_null() || v["cs_eligible"].is_boolean());
    assert_eq!(v["policy_version"], "2026.11.0");
    assert_eq!(v["as_of"], "2026-11-22");
    assert_eq!(v["determination_id"].as_str().map(str::len), Some(64));
    // The evidence ids of the counted visits are in the trace.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"ed-5\""));
    assert!(
        !text.contains("\"ed-6\""),
        "a non-avoidable visit is not evidence"
    );
    Ok(())
}

#[test]
fn text_output_lists_each_pof_and_the_why() {
    careloop()
        .args(["eligibility", "check"])
        .arg(example("pof-4-adult.json"))
        .args(["--as-of", "2026-11-22"])
        .assert()
        .success()
        .stdout(predicate::str::contains("POF 4   met"))
        .stdout(predicate::str::contains("ECM eligible: yes"))
        .stdout(predicate::str::contains("Determination id: "))
        .stdout(predicate::str::contains("Policy version: 2026.11.0"))
        .stdout(predicate::str::contains("evidence: ji-1"));
}

#[test]
fn bad_file_names_file_and_line() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("careloop-elig-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let bad = dir.join("bad-member.json");
    std::fs::write(
        &bad,
        "{\n  \"birth_date\": \"1980-01-01\",\n  \"indicators\": [{\"kind\": \"homeless-ish\", \"start\": \"2026-01-01\"}]\n}\n",
    )?;
    careloop()
        .args(["eligibility", "check"])
        .arg(&bad)
        .args(["--as-of", "2026-11-22"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("bad-member.json:3:"))
        .stderr(predicate::str::contains("homeless-ish"));
    careloop()
        .args(["eligibility", "check"])
        .arg(dir.join("missing.json"))
        .args(["--as-of", "2026-11-22"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("missing.json"));
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

#[test]
fn bad_as_of_is_rejected() {
    careloop()
        .args(["eligibility", "check"])
        .arg(example("pof-4-adult.json"))
        .args(["--as-of", "2026-02-30"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--as-of"));
}

/// Writes `text` to a fresh file in a per-test directory.
fn facts_file(name: &str, text: &str) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("careloop-elig-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Issue #12 defect 6: an enrollment in a plan that is not in the policy pack is refused,
/// naming the known plans (it used to answer CS eligible as if the plan were valid).
#[test]
fn unknown_plan_is_refused_naming_the_known_plans() -> Result<(), Box<dyn std::error::Error>> {
    let path = facts_file(
        "unknown-plan.json",
        r#"{"member_id": "SYN-9", "birth_date": "1980-01-01",
            "enrollments": [{"plan": "no-such-plan", "line_of_business": "medi-cal", "start": "2025-01-01"}],
            "indicators": [{"kind": "found-intoxicated", "start": "2026-11-01"}]}"#,
    )?;
    careloop()
        .args(["eligibility", "check"])
        .arg(&path)
        .args(["--as-of", "2026-11-22", "--json"])
        .assert()
        .failure()
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("enrollments[0].plan"))
        .stderr(predicate::str::contains("unknown plan \"no-such-plan\""))
        .stderr(predicate::str::contains("hpsm"))
        .stderr(predicate::str::contains("alameda-alliance"));
    Ok(())
}

/// Issue #12 defect 5: a birth date after the as-of date (age -3) and a span that ends before
/// it starts are refused naming the field.
#[test]
fn facts_that_cannot_be_true_are_refused() -> Result<(), Box<dyn std::error::Error>> {
    let path = facts_file(
        "future-birth.json",
        r#"{"member_id": "SYN-9", "birth_date": "2029-06-01",
            "enrollments": [{"plan": "hpsm", "line_of_business": "medi-cal", "start": "2025-01-01", "end": "2024-01-01"}]}"#,
    )?;
    careloop()
        .args(["eligibility", "check"])
        .arg(&path)
        .args(["--as-of", "2026-11-22"])
        .assert()
        .failure()
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains(
            "birth_date 2029-06-01 is after the as-of date 2026-11-22",
        ))
        .stderr(predicate::str::contains(
            "enrollments[0].end: ends 2024-01-01, before it starts 2025-01-01",
        ));
    Ok(())
}
