//! `careloop catalog`, `careloop offerings`, `careloop policy` through the binary.

use assert_cmd::Command;
use predicates::str::contains;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn careloop() -> Result<Command, Box<dyn std::error::Error>> {
    Ok(Command::cargo_bin("careloop")?)
}

fn json(args: &[&str]) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let output = careloop()?.args(args).output()?;
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(serde_json::from_slice(&output.stdout)?)
}

fn examples(file: &str) -> String {
    format!(
        "{}/../../examples/overlays/{file}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn offerings_counts_for_alameda_alliance() -> TestResult {
    let cases = [("2023-12-31", 9), ("2024-01-01", 12), ("2026-11-22", 13)];
    for (on, expected) in cases {
        let value = json(&[
            "offerings",
            "--plan",
            "alameda-alliance",
            "--county",
            "Alameda",
            "--on",
            on,
            "--json",
        ])?;
        let list = value.as_array().ok_or("offerings JSON is an array")?;
        assert_eq!(list.len(), expected, "on {on}");
        assert!(list.iter().all(|o| o["id"].is_string()
            && o["name"].is_string()
            && o["basis"].is_string()
            && o["source"].is_string()));
    }
    Ok(())
}

#[test]
fn offerings_json_marks_transitional_rent_as_statewide_mandate() -> TestResult {
    let value = json(&[
        "offerings",
        "--plan",
        "alameda-alliance",
        "--county",
        "alameda",
        "--on",
        "2026-11-22",
        "--json",
    ])?;
    let tr = value
        .as_array()
        .and_then(|l| l.iter().find(|o| o["id"] == "transitional-rent"))
        .ok_or("transitional-rent listed")?;
    assert_eq!(tr["basis"], "statewide-mandate");
    assert_eq!(tr["name"], "Transitional Rent");
    Ok(())
}

#[test]
fn offerings_text_names_plan_county_and_count() -> TestResult {
    careloop()?
        .args([
            "offerings",
            "--plan",
            "hpsm",
            "--county",
            "San Mateo",
            "--on",
            "2025-06-01",
        ])
        .assert()
        .success()
        .stdout(contains(
            "hpsm in San Mateo on 2025-06-01: 9 Community Supports",
        ))
        .stdout(contains("ALF Transitions"));
    Ok(())
}

#[test]
fn offerings_errors_name_the_problem() -> TestResult {
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "--plan",
                "nope",
                "--county",
                "Alameda",
                "--on",
                "2026-01-01",
            ],
            "known plans: aetna-better-health-ca, alameda-alliance, anthem-blue-cross, blue-shield-promise, community-health-group, health-net, hpsm, iehp, kaiser-permanente, molina-healthcare-ca",
        ),
        (
            &[
                "--plan",
                "hpsm",
                "--county",
                "Alameda",
                "--on",
                "2026-01-01",
            ],
            "counties served that day: San Mateo",
        ),
        (
            &[
                "--plan",
                "hpsm",
                "--county",
                "San Mateo",
                "--on",
                "2026-13-01",
            ],
            "--on \"2026-13-01\" is not a date",
        ),
    ];
    for (args, message) in cases {
        careloop()?
            .arg("offerings")
            .args(args)
            .assert()
            .failure()
            .stderr(contains(message));
    }
    Ok(())
}

#[test]
fn catalog_json_lists_15_entries_with_id_and_name() -> TestResult {
    let value = json(&["catalog", "--json"])?;
    let list = value.as_array().ok_or("catalog JSON is an array")?;
    assert_eq!(list.len(), 15);
    assert!(
        list.iter()
            .all(|e| e["id"].is_string() && e["name"].is_string())
    );
    let alf = list
        .iter()
        .find(|e| e["id"] == "alf-transitions")
        .ok_or("alf-transitions")?;
    assert_eq!(alf["name"], "ALF Transitions");
    assert_eq!(
        alf["former_names"][0],
        "Nursing Facility Transition/Diversion to Assisted Living Facilities"
    );
    Ok(())
}

#[test]
fn catalog_text_shows_names_former_names_and_codes() -> TestResult {
    careloop()?
        .arg("catalog")
        .assert()
        .success()
        .stdout(contains(
            "community-home-transition  Community or Home Transition Services",
        ))
        .stdout(contains(
            "formerly: Community Transition Services/Nursing Facility Transition to a Home",
        ))
        .stdout(contains("H0044-U5 (from 2026-01-01)"))
        .stdout(contains("S5165-U5"));
    Ok(())
}

#[test]
fn policy_check_valid_overlay_prints_ok() -> TestResult {
    let file = examples("valid-plan.toml");
    careloop()?
        .args(["policy", "check", &file])
        .assert()
        .success()
        .stdout(contains(format!("{file}: ok")));
    Ok(())
}

#[test]
fn policy_check_reports_every_problem_one_per_line_and_exits_1() -> TestResult {
    let file = examples("every-error.toml");
    let output = careloop()?.args(["policy", "check", &file]).output()?;
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout)?;
    for kind in [
        "[unknown-field]",
        "[missing-citation]",
        "[unknown-county]",
        "[overlapping-county-span]",
        "[unknown-cs]",
        "[dates-out-of-order]",
        "[overlapping-offering]",
        "[offered-before-available]",
        "[mandated-cs-dropped]",
        "[invalid-date]",
        "[missing-field]",
        "[wrong-type]",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.starts_with(&file) && l.ends_with(kind)),
            "{kind}\n{stdout}"
        );
    }
    assert_eq!(stdout.lines().count(), 16, "{stdout}");
    Ok(())
}

#[test]
fn policy_check_syntax_error_names_line_and_missing_file_names_file() -> TestResult {
    careloop()?
        .args(["policy", "check", &examples("syntax-error.toml")])
        .assert()
        .code(1)
        .stdout(contains("line 4, column"))
        .stdout(contains("[syntax]"));
    careloop()?
        .args(["policy", "check", "no/such/overlay.toml"])
        .assert()
        .failure()
        .stderr(contains("reading overlay no/such/overlay.toml"));
    Ok(())
}

#[test]
fn policy_show_prints_version_and_plans() -> TestResult {
    careloop()?
        .args(["policy", "show"])
        .assert()
        .success()
        .stdout(contains("policy pack 2026.11.0"))
        .stdout(contains("mandate: transitional-rent from 2026-01-01"));
    let value = json(&["policy", "show", "--json"])?;
    assert_eq!(value["version"], "2026.11.0");
    assert_eq!(value["catalog_size"], 15);
    // Every overlay under policy/plans/ (10 since issue #14).
    assert_eq!(value["plans"].as_array().map(Vec::len), Some(10));
    Ok(())
}

/// Issue #14: `careloop policy check` passes on every overlay shipped.
#[test]
fn policy_check_passes_on_every_shipped_overlay() -> TestResult {
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../careloop-domain/policy/plans");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        careloop()?
            .args(["policy", "check"])
            .arg(&path)
            .assert()
            .success()
            .stdout(contains(": ok"));
        checked += 1;
    }
    assert_eq!(checked, 10);
    Ok(())
}

/// Issue #14 item 7: an offering change off the election cadence is flagged by kind.
#[test]
fn policy_check_names_an_election_cadence_problem() -> TestResult {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("off-cadence.toml");
    std::fs::write(
        &path,
        r#"id = "off-cadence"
name = "Off cadence"
source = "synthetic"

[[counties]]
county = "Yolo"
effective_from = "2022-01-01"
source = "synthetic"

[[offerings]]
cs = "respite"
effective_from = "2024-03-01"
source = "synthetic"

[invoice]
timely_filing_days = { value = 180, source = "synthetic" }
resubmission_days = { value = 90, source = "synthetic" }
"#,
    )?;
    careloop()?
        .args(["policy", "check"])
        .arg(&path)
        .assert()
        .failure()
        .stdout(contains("[election-cadence]"))
        .stdout(contains("respite starts on 2024-03-01"));
    Ok(())
}
