//! `careloop demo load`: load the synthetic demo data set (docs/demo.md) into a database — e.g.
//! a fresh PostgreSQL database; `careloop serve --demo` does the same into a fresh SQLite file.
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use careloop_app::App;
use careloop_demo::{DemoOptions, DemoSummary, load_demo};
use careloop_domain::PolicyPack;
use careloop_store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Migrate the database and load the demo data set (the database should be empty).
    Load(LoadArgs),
}

#[derive(Debug, clap::Args)]
struct LoadArgs {
    /// Database URL: `sqlite://PATH` or `postgres://…`. Defaults to $CARELOOP_DATABASE_URL, then to
    /// the SQLite file ./careloop.db.
    #[arg(long)]
    database: Option<String>,
    /// The number of synthetic members.
    #[arg(long, default_value_t = 2000)]
    members: usize,
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let Command::Load(args) = args.command;
    let config = super::migrate::store_config(args.database)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let store = config.open().await.context("opening the database")?;
        store.migrate().await.context("applying migrations")?;
        let app = App::new(store.clone(), pack.clone());
        let loaded = load(&app, args.members, out).await;
        store.close().await;
        let summary = loaded?;
        print_logins(&summary, "HOST:PORT", out)?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Loads the demo data set as of now and prints what was loaded and how long it took.
pub async fn load<S: Store>(
    app: &App<S>,
    members: usize,
    out: &mut dyn Write,
) -> anyhow::Result<DemoSummary> {
    let started = Instant::now();
    let options = DemoOptions {
        members,
        ..DemoOptions::default()
    };
    let summary = load_demo(app, options, jiff::Timestamp::now())
        .await
        .context("loading the demo data set (the database must be empty)")?;
    writeln!(
        out,
        "demo data set loaded in {:.1} s: {} organizations, {} users, {} members, {} referrals, {} authorization requests, {} ECM enrollments (all synthetic)",
        started.elapsed().as_secs_f64(),
        summary.organizations,
        summary.logins.len(),
        summary.members,
        summary.referrals,
        summary.authorizations,
        summary.ecm_enrollments,
    )?;
    Ok(summary)
}

/// The demo log-ins: username, role, organization and API token; the shared password.
pub fn print_logins(summary: &DemoSummary, addr: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(
        out,
        "demo log-ins (password for every user: {}):",
        summary.password
    )?;
    for login in &summary.logins {
        let role = serde_json::to_value(login.role)?;
        writeln!(
            out,
            "  {:<24} {:<24} {:<14} {:<52} token {}",
            login.username,
            role.as_str().unwrap_or_default(),
            login.org_id,
            login.org_name,
            login.token
        )?;
    }
    if let Some(first) = summary.logins.first() {
        writeln!(
            out,
            "try: curl -H 'Authorization: Bearer {}' http://{addr}/api/v1/authorizations",
            first.token
        )?;
    }
    Ok(())
}
