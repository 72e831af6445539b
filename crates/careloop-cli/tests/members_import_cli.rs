//! `careloop members import` (issue #15 item 2): idempotent (a second run changes nothing) and
//! resumable (SIGKILL mid-import, run again: every member exactly once), on SQLite and, when
//! CARELOOP_TEST_POSTGRES_URL is set, on PostgreSQL. Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};

use careloop_store::testing::{TestDatabase, admin_url_from_env};
use careloop_store::{KindListQuery, Store, StoreConfig};

const MEMBERS: usize = 600;
const BATCH: &str = "50";

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

/// A plan organization and its care coordinator.
fn setup(url: &str) {
    ok(&mut careloop(
        url,
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
        url,
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
}

/// `identify --facts-out`-shaped lines: the POF 1a example as `n` HPSM members in San Mateo,
/// then one line without a county and one that is not a facts document.
fn write_facts(path: &Path, n: usize) {
    let example: serde_json::Value =
        serde_json::from_str(include_str!("../../../examples/members/pof-1a-adult.json")).unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..n {
        let mut facts = example.clone();
        facts["member_id"] = format!("SYN-IMP-{i:06}").into();
        facts["enrollments"][0]["plan"] = "hpsm".into();
        facts["enrollments"][0]["county"] = "San Mateo".into();
        writeln!(f, "{facts}").unwrap();
    }
    let mut no_county = example.clone();
    no_county["member_id"] = "SYN-IMP-NOCOUNTY".into();
    no_county["enrollments"][0]
        .as_object_mut()
        .unwrap()
        .remove("county");
    writeln!(f, "{no_county}").unwrap();
    writeln!(f, "{{\"member_id\": \"SYN-IMP-BAD\", \"birth_date\": 7}}").unwrap();
    f.flush().unwrap();
}

fn import(url: &str, file: &Path) -> Command {
    careloop(
        url,
        &[
            "members",
            "import",
            file.to_str().unwrap(),
            "--as",
            "coord-1",
            "--batch",
            BATCH,
        ],
    )
}

/// Member records and member events in the database.
fn counts(url: &str) -> (usize, usize) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = StoreConfig::from_url(url).unwrap().open().await.unwrap();
        let mut members = 0;
        let mut after = None;
        loop {
            let page = store
                .list_by_kind(&KindListQuery {
                    kind: "member".into(),
                    statuses: Vec::new(),
                    org: None,
                    after_id: after.clone(),
                    limit: 1000,
                })
                .await
                .unwrap();
            members += page.len();
            match page.last() {
                Some(last) if page.len() == 1000 => after = Some(last.id.clone()),
                _ => break,
            }
        }
        let mut events = 0;
        let mut seq = 0;
        loop {
            let page = store.events_since(seq, 10_000).await.unwrap();
            events += page.iter().filter(|e| e.kind == "member").count();
            match page.last() {
                Some(last) => seq = last.seq,
                None => break,
            }
        }
        store.close().await;
        (members, events)
    })
}

/// Runs the import, SIGKILLs it after its second committed batch, runs it again to the end,
/// then a third time: every member once, one event each, the third run a no-op.
fn kill_resume_and_rerun(url: &str, dir: &Path) {
    setup(url);
    let file = dir.join("facts.jsonl");
    write_facts(&file, MEMBERS);

    let mut child = import(url, &file)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut progress = 0;
    for line in stderr.lines() {
        let line = line.unwrap();
        // No member data in the progress lines or the errors.
        assert!(!line.contains("SYN-IMP"), "{line}");
        if line.starts_with("import: ") {
            progress += 1;
            if progress == 2 {
                child.kill().unwrap(); // SIGKILL
                break;
            }
        }
    }
    let status = child.wait().unwrap();
    assert!(!status.success(), "killed mid-import");
    let (partial, _) = counts(url);
    assert!(
        (100..MEMBERS).contains(&partial),
        "killed after some batches: {partial} members"
    );

    // The re-run finishes the import: the committed batches replay, nothing is doubled.
    let out = import(url, &file).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "two bad lines: {stderr}");
    assert!(!stderr.contains("SYN-IMP"), "no member data: {stderr}");
    let lines = MEMBERS + 2;
    assert!(
        stdout.starts_with(&format!(
            "{lines} lines: {} members registered, {partial} already imported (unchanged), 2 refused",
            MEMBERS - partial
        )),
        "{stdout}"
    );
    // The bad lines are named by line number and field.
    assert!(
        stderr.contains(&format!("line {}: field enrollments[].county", MEMBERS + 1)),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("line {}: field birth_date", MEMBERS + 2)),
        "{stderr}"
    );
    assert_eq!(counts(url), (MEMBERS, MEMBERS));

    // Importing the same file again changes nothing.
    let out = import(url, &file).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!(
            "{lines} lines: 0 members registered, {MEMBERS} already imported (unchanged), 2 refused"
        )),
        "{stdout}"
    );
    assert_eq!(counts(url), (MEMBERS, MEMBERS));
}

#[test]
fn import_is_idempotent_and_resumes_after_sigkill_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("careloop.db").display());
    kill_resume_and_rerun(&url, dir.path());
}

#[test]
fn import_is_idempotent_and_resumes_after_sigkill_on_postgres() {
    let Some(admin) = admin_url_from_env().unwrap() else {
        eprintln!(
            "skipped: CARELOOP_TEST_POSTGRES_URL not set; the PostgreSQL import test did not run"
        );
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let db = rt
        .block_on(TestDatabase::create(&admin, "careloop_import_test"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    kill_resume_and_rerun(db.url(), dir.path());
    rt.block_on(db.drop_database()).unwrap();
}
