//! `careloop rescreen` (issue #15 item 3) end to end: members imported today are re-screened as
//! of a later date (their utilization data end long before it, so their result changes under
//! the same pack; the pack-change case is careloop-app's tests/scenarios/rescreen.rs); `--dry-run --json` lists exactly the changes the real run then reports,
//! a second run changes nothing, and the output names members by id only. Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::Command;

const MEMBERS: usize = 12;

fn careloop(url: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_careloop"));
    cmd.args(args)
        .args(["--database", url])
        .env_remove("CARELOOP_DATABASE_URL")
        .env("CARELOOP_PASSWORD", "synthetic-pass-1");
    cmd
}

fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn rescreen(url: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![
        "rescreen",
        "--as",
        "coord-1",
        "--json",
        "--batch",
        "5",
        "--as-of",
        "2027-09-01",
    ];
    args.extend_from_slice(extra);
    serde_json::from_str(&ok(&mut careloop(url, &args))).unwrap()
}

#[test]
fn dry_run_lists_what_the_real_run_writes_and_a_rerun_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("careloop.db").display());
    ok(&mut careloop(
        &url,
        &[
            "org",
            "add",
            "--id",
            "org-plan-hpsm",
            "--name",
            "Synthetic Plan",
            "--kind",
            "plan",
            "--plan",
            "hpsm",
            "--county",
            "San Mateo",
        ],
    ));
    ok(&mut careloop(
        &url,
        &[
            "user",
            "add",
            "--username",
            "coord-1",
            "--org",
            "org-plan-hpsm",
            "--role",
            "plan-care-coordinator",
        ],
    ));
    let example: serde_json::Value =
        serde_json::from_str(include_str!("../../../examples/members/pof-2-adult.json")).unwrap();
    let file = dir.path().join("facts.jsonl");
    let mut f = std::fs::File::create(&file).unwrap();
    for i in 0..MEMBERS {
        let mut facts = example.clone();
        facts["member_id"] = format!("SYN-RS-{i:03}").into();
        facts["enrollments"][0]["plan"] = "hpsm".into();
        facts["enrollments"][0]["county"] = "San Mateo".into();
        writeln!(f, "{facts}").unwrap();
    }
    drop(f);
    ok(&mut careloop(
        &url,
        &[
            "members",
            "import",
            file.to_str().unwrap(),
            "--as",
            "coord-1",
        ],
    ));

    let dry = rescreen(&url, &["--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["summary"]["scanned"], MEMBERS);
    let changes = dry["changes"].as_array().unwrap();
    assert_eq!(changes.len(), MEMBERS, "{dry:#}");
    let first = &changes[0];
    assert_eq!(first["member_id"], "SYN-RS-000");
    // The same pack: the change comes from the date (the facts' utilization data end long
    // before it, so what they miss changes), and the report says what changed.
    assert_eq!(first["old_policy_version"], first["new_policy_version"]);
    let flipped = first["flipped"].as_array().unwrap();
    assert!(
        !flipped.is_empty() || first["missing_facts_changed"] == true,
        "{first:#}"
    );
    assert_eq!(first["new_as_of"], "2027-09-01");
    // Member data is the member id only.
    let text = dry.to_string();
    for private in ["birth_date", "1980-03-15", "given_name", "cin"] {
        assert!(!text.contains(private), "{private}: {text}");
    }

    let real = rescreen(&url, &[]);
    assert_eq!(real["dry_run"], false);
    assert_eq!(real["changes"], dry["changes"]);
    assert_eq!(real["summary"]["changed"], MEMBERS);

    let again = rescreen(&url, &[]);
    assert_eq!(again["changes"].as_array().unwrap().len(), 0);
    assert_eq!(again["summary"]["unchanged"], MEMBERS);

    // The text form ends with the counts.
    let out = ok(&mut careloop(
        &url,
        &[
            "rescreen",
            "--as",
            "coord-1",
            "--dry-run",
            "--as-of",
            "2027-09-01",
        ],
    ));
    assert!(
        out.lines().last().unwrap().starts_with(&format!(
            "{MEMBERS} members: 0 changed (0 lost ECM eligibility, 0 gained), {MEMBERS} unchanged"
        )),
        "{out}"
    );
}
