//! `careloop cs check`: text and JSON decisions, exit codes, errors naming file and field.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::PathBuf;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/cs")
        .join(name)
}

fn careloop() -> Result<Command, Box<dyn std::error::Error>> {
    Ok(Command::cargo_bin("careloop")?)
}

/// Writes `text` to a fresh file under the target temp dir.
fn temp_file(name: &str, text: &str) -> Result<PathBuf, std::io::Error> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cs_cli");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    std::fs::write(&path, text)?;
    Ok(path)
}

#[test]
fn text_shows_outcome_message_and_each_rule() -> TestResult {
    careloop()?
        .args(["cs", "check"])
        .arg(example("respite-near-cap.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Outcome: allowed"))
        .stdout(predicate::str::contains(
            "210 of 336 respite hours used in 2026; 40 more requested; 86 remain.",
        ))
        .stdout(predicate::str::contains(
            "used 210 h, requested 40 h, limit 336 h, remaining 86 h",
        ))
        .stdout(predicate::str::contains("Policy version: "));
    Ok(())
}

#[test]
fn every_outcome_exits_zero() -> TestResult {
    for (name, outcome) in [
        ("eaa-lifetime.json", "denied"),
        ("housing-deposit-second.json", "allowed_with_exception"),
        ("room-and-board-rolling.json", "denied"),
    ] {
        careloop()?
            .args(["cs", "check"])
            .arg(example(name))
            .assert()
            .code(0)
            .stdout(predicate::str::contains(format!("Outcome: {outcome}\n")));
    }
    let undetermined = temp_file(
        "undetermined.json",
        r#"{ "proposed": { "cs": "alf-transitions", "plan": "hpsm", "start": "2026-03-01", "end": "2026-03-31" } }"#,
    )?;
    careloop()?
        .args(["cs", "check"])
        .arg(&undetermined)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Outcome: undetermined"))
        .stdout(predicate::str::contains("Missing: nursing_facility_stays"));
    Ok(())
}

#[test]
fn json_is_the_decision() -> TestResult {
    let output = careloop()?
        .args(["cs", "check", "--json"])
        .arg(example("eaa-lifetime.json"))
        .output()?;
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    assert_eq!(json["outcome"], "denied");
    assert_eq!(json["cs"], "environmental-accessibility-adaptations");
    assert_eq!(json["rules"][0]["rule"], "eaa-lifetime-dollars");
    assert_eq!(json["rules"][0]["unit"], "cents");
    assert_eq!(json["rules"][0]["used"], 620_000);
    assert_eq!(json["rules"][0]["proposed"], 130_001);
    assert_eq!(json["rules"][0]["limit"], 750_000);
    assert_eq!(json["rules"][0]["evidence"][0], "eaa-ramp-2024");
    assert!(json["rules"][0]["citation"]["source"].is_string());
    assert!(json["policy_version"].is_string());
    Ok(())
}

#[test]
fn bad_file_names_file_and_field() -> TestResult {
    let missing_field = temp_file(
        "missing-start.json",
        r#"{ "proposed": { "cs": "respite", "plan": "hpsm", "end": "2026-03-31", "hours": 3 } }"#,
    )?;
    careloop()?
        .args(["cs", "check"])
        .arg(&missing_field)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing-start.json"))
        .stderr(predicate::str::contains("missing field `start`"));

    let backwards = temp_file(
        "backwards.json",
        r#"{ "history": [ { "id": "a", "cs": "respite", "kind": "authorization", "plan": "hpsm", "start": "2026-03-01", "end": "2026-02-01", "hours": 3 } ],
             "proposed": { "cs": "respite", "plan": "hpsm", "start": "2026-04-01", "end": "2026-04-30", "hours": 3 } }"#,
    )?;
    careloop()?
        .args(["cs", "check"])
        .arg(&backwards)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("backwards.json"))
        .stderr(predicate::str::contains("history[0].end"));

    careloop()?
        .args(["cs", "check", "no-such-file.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-file.json"));
    Ok(())
}

/// Issue #12 defect 6: a proposed plan that is not in the policy pack is refused, naming the
/// known plans (it used to answer "allowed" as if the plan were valid).
#[test]
fn unknown_proposed_plan_is_refused_naming_the_known_plans() -> TestResult {
    let unknown = temp_file(
        "unknown-plan.json",
        r#"{ "proposed": { "cs": "respite", "plan": "no-such-plan", "start": "2026-04-01", "end": "2026-04-30", "hours": 3 } }"#,
    )?;
    careloop()?
        .args(["cs", "check"])
        .arg(&unknown)
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("proposed.plan"))
        .stderr(predicate::str::contains("unknown plan \"no-such-plan\""))
        .stderr(predicate::str::contains("hpsm"))
        .stderr(predicate::str::contains("alameda-alliance"));
    // History from a plan outside the pack still counts (lifetime counters are cross-plan).
    let cross_plan = temp_file(
        "cross-plan.json",
        r#"{ "history": [ { "id": "a", "cs": "respite", "kind": "authorization", "plan": "la-care", "start": "2026-01-01", "end": "2026-01-31", "hours": 3 } ],
             "proposed": { "cs": "respite", "plan": "hpsm", "start": "2026-04-01", "end": "2026-04-30", "hours": 3 } }"#,
    )?;
    careloop()?
        .args(["cs", "check"])
        .arg(&cross_plan)
        .assert()
        .success();
    Ok(())
}
