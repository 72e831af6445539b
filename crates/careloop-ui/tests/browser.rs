//! Browser tests (issue #4): the staff UI in real headless Chromium. Seeds a small synthetic
//! demo data set through the App, serves the API + UI on 127.0.0.1:0 and runs
//! `node tests/browser/ui.test.mjs <base-url> <config.json>` (playwright-core driving Debian's
//! /usr/bin/chromium). Screenshots go to docs/screenshots/.
//!
//! Needs /usr/bin/chromium (or $CARELOOP_CHROMIUM), node, and `npm ci` in tests/browser. When
//! one is missing the test prints a SKIP line and passes, except under CI (env CI set), where
//! it fails: .ci/run installs them first.

mod common;

use std::path::{Path, PathBuf};

use careloop_app::MemberAggregate;
use careloop_app::Role;

fn missing_tools(browser_dir: &Path) -> Vec<String> {
    let mut missing = Vec::new();
    let chromium =
        std::env::var("CARELOOP_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        missing.push(format!(
            "{chromium} (apt-get install -y chromium chromium-driver)"
        ));
    }
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        missing.push("node".into());
    }
    if !browser_dir.join("node_modules/playwright-core").exists() {
        missing.push(format!(
            "{}/node_modules/playwright-core (run `npm ci` there)",
            browser_dir.display()
        ));
    }
    missing
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_ui_in_headless_chromium() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let browser_dir = manifest.join("tests/browser");
    let missing = missing_tools(&browser_dir);
    if !missing.is_empty() {
        let what = missing.join("; ");
        if std::env::var_os("CI").is_some() {
            panic!("browser tests cannot run under CI: missing {what}");
        }
        println!("SKIP careloop-ui browser tests: missing {what}");
        eprintln!("SKIP careloop-ui browser tests: missing {what}");
        return;
    }

    let demo = common::demo(60, false).await;
    let reviewer = demo.busiest_reviewer().await;
    let (provider, own_member) = demo.provider_with_enrollment().await;
    let foreign_member = demo.foreign_member(&provider).await;
    let member = demo
        .app()
        .get::<MemberAggregate>(&demo.actor(&provider).await, &own_member, demo.now)
        .await
        .unwrap();
    let member_plan = member.owners.owner_org_id.clone();
    let plan_nav = [
        "Home",
        "Authorization queue",
        "Referrals",
        "Provider directory",
        "Members",
        "Re-authorizations",
        "Dashboard",
    ];
    let admin_nav = [
        "Home",
        "Authorization queue",
        "Referrals",
        "Provider directory",
        "Members",
        "Re-authorizations",
        "Dashboard",
        "Audit log",
        "Administration",
    ];
    let provider_nav = [
        "Home",
        "Our authorization requests",
        "Referrals",
        "Provider directory",
        "My members",
        "Re-authorizations",
        "Dashboard",
    ];
    // Issue #12: provider admins read their organization's audit log.
    let provider_admin_nav = [
        "Home",
        "Our authorization requests",
        "Referrals",
        "Provider directory",
        "My members",
        "Re-authorizations",
        "Dashboard",
        "Audit log",
        "Administration",
    ];
    let coordinator_nav = [
        "Home",
        "Authorization queue",
        "Referrals",
        "New referral",
        "Provider directory",
        "Members",
        "Re-authorizations",
        "Dashboard",
    ];
    let roles = [
        (
            Role::PlanUmReviewer,
            "plan-um-reviewer",
            "UM reviewer",
            &plan_nav[..],
        ),
        (
            Role::PlanCareCoordinator,
            "plan-care-coordinator",
            "Care coordinator",
            &coordinator_nav[..],
        ),
        (Role::PlanAdmin, "plan-admin", "Plan admin", &admin_nav[..]),
        (
            Role::ProviderCareManager,
            "provider-care-manager",
            "Care manager",
            &provider_nav[..],
        ),
        (
            Role::ProviderAdmin,
            "provider-admin",
            "Provider admin",
            &provider_admin_nav[..],
        ),
        (
            Role::Referrer,
            "referrer",
            "Referrer",
            &["Home", "New referral", "Provider directory"][..],
        ),
    ];
    let logins: Vec<serde_json::Value> = roles
        .iter()
        .map(|(role, name, label, nav)| {
            serde_json::json!({
                "username": demo.user(*role, None),
                "role": name,
                "label": label,
                "nav": nav,
            })
        })
        .collect();
    let screenshots = manifest.join("../../docs/screenshots");
    let config = serde_json::json!({
        "password": demo.summary.password,
        "logins": logins,
        "reviewer": reviewer,
        "provider": provider,
        "plan_admin": demo.user(Role::PlanAdmin, Some(&member_plan)),
        "referrer": demo.user(Role::Referrer, None),
        "coordinator": demo.user(Role::PlanCareCoordinator, Some(&member_plan)),
        "story_reviewer": demo.user(Role::PlanUmReviewer, Some(&member_plan)),
        "provider_org": demo.actor(&provider).await.org_id,
        "intake_plan_org": member_plan,
        "intake_plan": member.plan_id,
        "own_member": own_member,
        "foreign_member": foreign_member,
        "screenshots": screenshots,
        // The role walks (roles.test.mjs, issue #16).
        "um_nurse": routine_reviewer(&demo).await,
        "lead_care_manager": provider,
        "lcm_member": own_member,
        "cbo": cbo_care_manager(&demo).await,
    });
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("config.json");
    std::fs::write(&config_path, serde_json::to_vec_pretty(&config).unwrap()).unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let routes =
        careloop_web::router(demo.state.clone()).merge(careloop_ui::router(demo.state.clone()));
    let server = tokio::spawn(async move { axum::serve(listener, routes).await });

    let out = tokio::process::Command::new("node")
        .arg(browser_dir.join("ui.test.mjs"))
        .arg(&base)
        .arg(&config_path)
        .current_dir(&browser_dir)
        .output()
        .await
        .unwrap();
    server.abort();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "browser tests failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("browser tests: all steps passed"),
        "{stdout}"
    );

    // Each role's day (issue #16): a second script on the same demo, after the first changed it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let routes =
        careloop_web::router(demo.state.clone()).merge(careloop_ui::router(demo.state.clone()));
    let server = tokio::spawn(async move { axum::serve(listener, routes).await });
    let out = tokio::process::Command::new("node")
        .arg(browser_dir.join("roles.test.mjs"))
        .arg(&base)
        .arg(&config_path)
        .current_dir(&browser_dir)
        .output()
        .await
        .unwrap();
    server.abort();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success() && stdout.contains("role walks: all steps passed"),
        "role walks failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
}

/// A care manager of a provider organization (a CBO) that holds an open referral: a Community
/// Supports provider's when one does, else an ECM provider's (the small demo may give its CS
/// providers no open referral).
async fn cbo_care_manager(demo: &common::Demo) -> String {
    use careloop_app::OrgKind;
    use careloop_app::referral::ReferralQueueQuery;
    let mut fallback = None;
    for login in demo
        .summary
        .logins
        .iter()
        .filter(|l| l.role == Role::ProviderCareManager)
    {
        let actor = demo.actor(&login.username).await;
        let query = ReferralQueueQuery {
            waiting_on: None,
            limit: 1,
            after: None,
        };
        let page = demo
            .app()
            .referral_queue(&actor, query, demo.now)
            .await
            .unwrap();
        if page.items.is_empty() {
            continue;
        }
        if actor.org_kind == OrgKind::CsProvider {
            return login.username.clone();
        }
        fallback.get_or_insert_with(|| login.username.clone());
    }
    fallback.expect("a provider care manager whose organization holds an open referral")
}

/// A UM reviewer whose plan has the most received routine (non-urgent pre-service) requests:
/// the ones a reviewer may pend for information.
async fn routine_reviewer(demo: &common::Demo) -> String {
    use careloop_app::authorization::AuthorizationQueueQuery;
    use careloop_domain::clock::ClockKind;
    let mut best: Option<(usize, String)> = None;
    for login in demo
        .summary
        .logins
        .iter()
        .filter(|l| l.role == Role::PlanUmReviewer)
    {
        let actor = demo.actor(&login.username).await;
        let query = AuthorizationQueueQuery {
            at_risk_only: false,
            plan_id: None,
            county: None,
            limit: 500,
            after: None,
        };
        let page = demo
            .app()
            .authorization_queue(&actor, query, demo.now)
            .await
            .unwrap();
        let routine = page
            .items
            .iter()
            .filter(|i| {
                i.record.status == "received"
                    && i.record.state.kind == Some(ClockKind::NonUrgentPreService)
            })
            .count();
        if routine > 0 && best.as_ref().is_none_or(|(n, _)| routine > *n) {
            best = Some((routine, login.username.clone()));
        }
    }
    best.expect("a reviewer with a received routine request").1
}
