//! `careloop migrate` creates the schema in a SQLite file and is safe to run twice.
use assert_cmd::Command;

#[test]
fn migrate_creates_a_sqlite_database_and_is_idempotent() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("careloop-migrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = dir.join("test.db");
    let url = format!("sqlite://{}", db.display());
    for _ in 0..2 {
        let out = Command::cargo_bin("careloop")?
            .args(["migrate", "--database", &url])
            .env_remove("CARELOOP_DATABASE_URL")
            .output()?;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8(out.stdout)?.contains("migrated SQLite database"));
    }
    assert!(db.exists());
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn migrate_rejects_an_unknown_database_url() -> Result<(), Box<dyn std::error::Error>> {
    let out = Command::cargo_bin("careloop")?
        .args(["migrate", "--database", "mysql://localhost/x"])
        .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)?.contains("database URL"));
    Ok(())
}
