//! `careloop clock due` end to end (CALAIM.md §4.1, §4.3, §12). Synthetic requests only.

use assert_cmd::Command;
use predicates::prelude::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn careloop() -> Result<Command, Box<dyn std::error::Error>> {
    Ok(Command::cargo_bin("careloop")?)
}

#[test]
fn json_due_is_rfc3339_with_offset_and_explains_itself() -> TestResult {
    let out = careloop()?
        .args([
            "clock",
            "due",
            "--kind",
            "non-urgent-pre-service",
            "--received",
            "2026-11-20T10:00:00-08:00",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out)?;
    assert_eq!(json["due"], "2026-11-27T23:59:59-08:00");
    assert!(
        json["rule"]
            .as_str()
            .is_some_and(|r| r.contains("5 working days"))
    );
    let ex = &json["explanation"];
    assert_eq!(ex["winner"], "federal");
    assert_eq!(ex["state_rule"]["due"], "2026-12-01T23:59:59-08:00");
    assert_eq!(ex["holidays_skipped"][1]["name"], "Day after Thanksgiving");
    Ok(())
}

#[test]
fn text_shows_local_due_rule_winner_and_holidays() -> TestResult {
    careloop()?
        .args([
            "clock",
            "due",
            "--kind",
            "non-urgent-pre-service",
            "--received",
            "2026-12-28T09:00:00-08:00",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Decision due:  2027-01-04 23:59:59 PST")
                .and(predicate::str::contains("Winner:        federal"))
                .and(predicate::str::contains("2027-01-01 New Year's Day"))
                .and(predicate::str::contains(
                    "Rule:          non-urgent pre-service",
                )),
        );
    Ok(())
}

#[test]
fn pend_and_extension_flags_move_the_clock() -> TestResult {
    let out = careloop()?
        .args([
            "clock",
            "due",
            "--kind",
            "non-urgent-pre-service",
            "--received",
            "2025-06-02T09:00:00-07:00",
            "--info-received",
            "2025-06-04T10:00:00-07:00",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let json: serde_json::Value = serde_json::from_slice(&out)?;
    assert_eq!(json["due"], "2025-06-11T23:59:59-07:00");
    assert_eq!(json["explanation"]["pend"]["clock_start"], "2025-06-04");

    careloop()?
        .args([
            "clock",
            "due",
            "--plan",
            "alameda-alliance",
            "--kind",
            "urgent-pre-service",
            "--received",
            "2026-06-01T09:00:00-07:00",
            "--extended",
            "awaiting specialist review",
        ])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("2026-06-15 23:59:59 PDT")
                .and(predicate::str::contains("awaiting specialist review"))
                .and(predicate::str::contains("UNCONFIRMED")),
        );
    Ok(())
}

#[test]
fn hour_clock_across_dst_is_elapsed_time() -> TestResult {
    careloop()?
        .args([
            "clock",
            "due",
            "--kind",
            "urgent-concurrent",
            "--received",
            "2026-03-08T01:30:00-08:00",
            "--json",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            r#""due": "2026-03-09T02:30:00-07:00""#,
        ));
    Ok(())
}

#[test]
fn bad_input_names_the_problem() -> TestResult {
    let base = ["clock", "due", "--kind", "post-service"];
    careloop()?
        .args(base)
        .args([
            "--received",
            "2026-06-01T09:00:00-07:00",
            "--plan",
            "no-such-plan",
        ])
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("unknown plan \"no-such-plan\"")
                .and(predicate::str::contains("alameda-alliance")),
        );
    careloop()?
        .args(base)
        .args(["--received", "June 1"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("--received"));
    careloop()?
        .args([
            "clock",
            "due",
            "--kind",
            "urgent",
            "--received",
            "2026-06-01T09:00:00-07:00",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown clock kind \"urgent\""));
    careloop()?
        .args(base)
        .args([
            "--received",
            "2026-06-01T09:00:00-07:00",
            "--extended",
            "records",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("applies only to pre-service"));
    careloop()?
        .args(["clock", "due", "--kind", "non-urgent-pre-service"])
        .args(["--received", "2026-06-01T09:00:00-07:00"])
        .args(["--info-received", "2026-05-01T09:00:00-07:00"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("before received"));
    Ok(())
}
