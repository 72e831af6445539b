//! Shared test helpers: the public samples under ../shared/data/x12 and the pyx12 venv.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

/// ../shared/data/x12 beside the worktree, or `None` (after printing why) when absent locally.
/// Under CI=true an absent folder fails the test.
pub fn samples() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/x12");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        !in_ci(),
        "CI=true but the X12 samples are missing at {}",
        dir.display()
    );
    eprintln!(
        "skipped: X12 samples not found at {} (../shared/data/x12)",
        dir.display()
    );
    None
}

/// The Python of target/x12-venv (crates/careloop-x12/tests/pyx12-venv.sh installs pyx12 4.0.0
/// there), or `None` (after printing why) when absent locally. Under CI=true absence fails.
pub fn pyx12() -> Option<PathBuf> {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let python = target.join("x12-venv/bin/python");
    if python.is_file() {
        return Some(python);
    }
    assert!(
        !in_ci(),
        "CI=true but pyx12 is not installed at {}",
        python.display()
    );
    eprintln!(
        "skipped: pyx12 not installed at {} (run crates/careloop-x12/tests/pyx12-venv.sh)",
        python.display()
    );
    None
}

/// Runs pyx12's validator on a copy of `x12` and returns its stderr verdict line; panics with
/// the whole output unless the verdict is OK.
pub fn assert_pyx12_ok(python: &Path, name: &str, x12: &str) {
    let dir = std::env::temp_dir().join(format!("careloop-x12-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!("{name}.x12"));
    std::fs::write(&file, x12).unwrap();
    let out = Command::new(python)
        .args(["-m", "pyx12.scripts.x12valid"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let ok = stderr.lines().any(|l| l.ends_with(": OK"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(ok, "pyx12 rejects {name}:\n{stderr}\n--- file ---\n{x12}");
}
