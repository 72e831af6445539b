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
