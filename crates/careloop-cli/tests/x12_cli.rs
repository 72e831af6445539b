//! `careloop x12 validate FILE` through the binary: a valid public 837P sample and a file whose
//! SE01 is wrong (named by segment, element and rule).

use assert_cmd::Command;
use predicates::str::contains;
use std::path::Path;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const SAMPLE: &str = "oopfactory/patched-A1/837P_5010_Example1_HealthInsurance.txt";

/// The sample, or `None` (printed) when ../shared/data/x12 is absent; CI=true requires it.
fn sample() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/x12");
    if dir.is_dir() {
        return Some(dir.join(SAMPLE));
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but {} is missing",
        dir.display()
    );
    eprintln!("skipped: X12 samples not found at {}", dir.display());
    None
}

#[test]
fn a_valid_837p_is_reported_with_its_claims() -> TestResult {
    let Some(file) = sample() else { return Ok(()) };
    Command::cargo_bin("careloop")?
        .args(["x12", "validate"])
        .arg(&file)
        .assert()
        .success()
        .stdout(contains("OK 837P 1 claims, total charge 100"));
    Ok(())
}

#[test]
fn a_wrong_segment_count_is_named() -> TestResult {
    let Some(file) = sample() else { return Ok(()) };
    let text = std::fs::read_to_string(file)?.replace("SE*42*0021", "SE*41*0021");
    let dir = tempfile::tempdir()?;
    let broken = dir.path().join("broken.x12");
    std::fs::write(&broken, text)?;
    Command::cargo_bin("careloop")?
        .args(["x12", "validate"])
        .arg(&broken)
        .assert()
        .code(1)
        .stdout(contains(
            "segment 44 (SE) element SE01: count: states 41 segments, found 42",
        ));
    Ok(())
}
