//! `careloop org add`, `user add` and `token create` on a temp SQLite file; the created user
//! signs in with the password and with the printed token through careloop-app.
use assert_cmd::Command;
use careloop_app::{App, AppError, OrgKind, Role};
use careloop_domain::PolicyPack;
use careloop_store::SqliteStore;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn careloop(url: &str, args: &[&str]) -> Result<Command, Box<dyn std::error::Error>> {
    let mut cmd = Command::cargo_bin("careloop")?;
    cmd.args(args)
        .args(["--database", url])
        .env_remove("CARELOOP_DATABASE_URL")
        .env_remove("CARELOOP_PASSWORD");
    Ok(cmd)
}

#[test]
fn org_user_and_token_commands_create_a_user_who_can_sign_in() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("careloop.db");
    let url = format!("sqlite://{}", db.display());

    let plan_args = [
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
    ];
    for _ in 0..2 {
        let out = careloop(&url, &plan_args)?.output()?;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8(out.stdout)?,
            "organization org-plan-hpsm (plan)\n"
        );
    }
    // Same id, other content: refused.
    let out = careloop(
        &url,
        &[
            "org",
            "add",
            "--id",
            "org-plan-hpsm",
            "--name",
            "Other",
            "--kind",
            "plan",
        ],
    )?
    .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)?.contains("already exists"));
    let out = careloop(
        &url,
        &[
            "org", "add", "--id", "o", "--name", "N", "--kind", "hospital",
        ],
    )?
    .output()?;
    assert_eq!(out.status.code(), Some(2), "unknown kind is a usage error");

    // Password from the environment.
    let out = careloop(
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
            "--display-name",
            "Synthetic Coordinator",
        ],
    )?
    .env("CARELOOP_PASSWORD", "synthetic-pass-1")
    .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout)?,
        "user coord-1 in org-plan-hpsm (plan-care-coordinator)\n"
    );
    // Password from stdin; a role that does not fit the organization kind is refused.
    let out = careloop(
        &url,
        &[
            "user",
            "add",
            "--username",
            "cm-1",
            "--org",
            "org-plan-hpsm",
            "--role",
            "provider-care-manager",
        ],
    )?
    .write_stdin("synthetic-pass-2\n")
    .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)?.contains("roles"));
    let out = careloop(
        &url,
        &[
            "user",
            "add",
            "--username",
            "admin-1",
            "--org",
            "org-plan-hpsm",
            "--role",
            "plan-admin",
        ],
    )?
    .write_stdin("synthetic-pass-2\n")
    .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // No password at all.
    let out = careloop(
        &url,
        &[
            "user",
            "add",
            "--username",
            "x-1",
            "--org",
            "org-plan-hpsm",
            "--role",
            "plan-admin",
        ],
    )?
    .write_stdin("")
    .output()?;
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)?.contains("CARELOOP_PASSWORD"));

    let out = careloop(
        &url,
        &[
            "token",
            "create",
            "--username",
            "coord-1",
            "--name",
            "laptop",
        ],
    )?
    .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout)?.trim_end().to_owned();
    assert!(token.starts_with("cl_") && token.len() == 67, "{token}");
    assert!(String::from_utf8(out.stderr)?.contains("shown only this once"));

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = SqliteStore::open(&db).await?;
        let app = App::new(store.clone(), PolicyPack::embedded()?);
        let now = jiff::Timestamp::now();
        let by_token = app.authenticate_token(&token, now).await?;
        assert_eq!(
            (
                by_token.user_id.as_str(),
                by_token.org_id.as_str(),
                by_token.org_kind
            ),
            ("coord-1", "org-plan-hpsm", OrgKind::Plan)
        );
        assert_eq!(by_token.roles, [Role::PlanCareCoordinator]);
        // Issue #12: a CLI token expires after 90 days by default.
        let listed = app.tokens_of("coord-1", now).await?;
        let expires = listed[0].expires_at.expect("CLI tokens expire");
        let days = (expires.as_second() - listed[0].created_at.as_second()) / 86_400;
        assert_eq!(days, 90);
        let by_password = app
            .authenticate_password("admin-1", "synthetic-pass-2", now)
            .await?;
        assert_eq!(by_password.roles, [Role::PlanAdmin]);
        assert!(matches!(
            app.authenticate_password("admin-1", "synthetic-pass-1", now)
                .await,
            Err(AppError::Unauthenticated)
        ));
        store.close().await;
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    Ok(())
}

/// Issue #12: `token create --expires-in-days`, `token list --username` (ids, never secrets)
/// and `token revoke ID` (the token stops signing in).
#[test]
fn token_list_and_revoke_commands() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("careloop.db");
    let url = format!("sqlite://{}", db.display());
    let out = careloop(
        &url,
        &[
            "org",
            "add",
            "--id",
            "org-ecm-a",
            "--name",
            "Synthetic ECM",
            "--kind",
            "ecm-provider",
        ],
    )?
    .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = careloop(
        &url,
        &[
            "user",
            "add",
            "--username",
            "cm-1",
            "--org",
            "org-ecm-a",
            "--role",
            "provider-care-manager",
        ],
    )?
    .env("CARELOOP_PASSWORD", "violet-harbor-lantern-42")
    .output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A lifetime out of range is refused by the argument parser.
    let out = careloop(
        &url,
        &[
            "token",
            "create",
            "--username",
            "cm-1",
            "--name",
            "x",
            "--expires-in-days",
            "0",
        ],
    )?
    .output()?;
    assert_eq!(out.status.code(), Some(2));
    let mut secrets = Vec::new();
    for (name, days) in [("laptop", "7"), ("phone", "30")] {
        let out = careloop(
            &url,
            &[
                "token",
                "create",
                "--username",
                "cm-1",
                "--name",
                name,
                "--expires-in-days",
                days,
            ],
        )?
        .output()?;
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        secrets.push(String::from_utf8(out.stdout)?.trim_end().to_owned());
    }
    let out = careloop(&url, &["token", "list", "--username", "cm-1"])?.output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listing = String::from_utf8(out.stdout)?;
    let lines: Vec<&str> = listing.lines().collect();
    assert_eq!(lines.len(), 2, "{listing}");
    assert!(
        secrets.iter().all(|s| !listing.contains(s.as_str())),
        "{listing}"
    );
    assert!(lines.iter().all(|l| l.contains("\tactive\t")), "{listing}");
    let laptop = lines
        .iter()
        .find(|l| l.ends_with("\tlaptop"))
        .expect("laptop listed");
    let id = laptop.split('\t').next().unwrap_or_default().to_owned();
    assert_eq!(id.len(), 64);

    let out = careloop(&url, &["token", "revoke", &id])?.output()?;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8(out.stdout)?.contains("\trevoked\t"));
    let out = careloop(&url, &["token", "revoke", "no-such-id"])?.output()?;
    assert!(!out.status.success());

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = SqliteStore::open(&db).await?;
        let app = App::new(store.clone(), PolicyPack::embedded()?);
        let now = jiff::Timestamp::now();
        assert!(matches!(
            app.authenticate_token(&secrets[0], now).await,
            Err(AppError::Unauthenticated)
        ));
        assert_eq!(
            app.authenticate_token(&secrets[1], now).await?.user_id,
            "cm-1"
        );
        store.close().await;
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    Ok(())
}
