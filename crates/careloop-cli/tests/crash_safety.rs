//! Crash safety through the real server (issue #3): runs bench/crash_safety.py against this
//! build's `careloop` binary — a bounded stream of authorization requests, SIGKILL mid-stream,
//! restart, retries with the same Idempotency-Keys, and the store invariants (each acknowledged
//! request stored exactly once, nothing half-written). Needs python3 (standard library only).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;
use std::process::Command;

#[test]
fn sigkill_mid_stream_loses_nothing_acknowledged_and_retries_replay() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/crash_safety.py");
    let output = Command::new("python3")
        .arg(&script)
        .args(["--bin", env!("CARGO_BIN_EXE_careloop"), "--requests", "200"])
        .output()
        .expect("python3 runs bench/crash_safety.py (install python3)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "crash-safety script failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    assert!(stdout.contains("OK: every acknowledged request stored exactly once"));
    // The kill really happened mid-stream: some requests were acknowledged before it.
    let acknowledged: usize = stdout
        .split("acknowledged before SIGKILL ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .and_then(|n| n.trim().parse().ok())
        .expect("the script reports how many requests were acknowledged before SIGKILL");
    assert!(acknowledged > 0 && acknowledged < 200, "{acknowledged}");
}
