//! `careloop org add`: create an organization (system use; issue #3 §5). Also the shared way
//! the identity commands open the database and run one `App` use case.
use anyhow::Context;
use careloop_app::identity::NewOrganization;
use careloop_app::{App, OrgKind};
use careloop_domain::PolicyPack;
use careloop_store::{AnyStore, Store};
use std::future::Future;
use std::io::Write;
use std::process::ExitCode;

use super::migrate::store_config;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Create an organization (again with the same content is a no-op).
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// Organization id, e.g. org-plan-hpsm.
    #[arg(long)]
    id: String,
    #[arg(long)]
    name: String,
    /// plan, ecm-provider, cs-provider or referring-entity.
    #[arg(long, value_parser = parse_kind)]
    kind: OrgKind,
    /// For a plan organization: its policy overlay id (see `careloop policy`), e.g. hpsm.
    #[arg(long)]
    plan: Option<String>,
    /// A county the organization serves (repeat for more).
    #[arg(long = "county")]
    counties: Vec<String>,
    /// Database URL: `sqlite://PATH` or `postgres://…`. Defaults to $CARELOOP_DATABASE_URL,
    /// then to the SQLite file ./careloop.db.
    #[arg(long)]
    database: Option<String>,
}

/// A kebab-case serde value (`plan`, `ecm-provider`, `plan-admin`…) from the command line.
pub fn parse_kebab<T: serde::de::DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|e| e.to_string())
}

fn parse_kind(s: &str) -> Result<OrgKind, String> {
    parse_kebab(s)
        .map_err(|_| "expected plan, ecm-provider, cs-provider or referring-entity".to_owned())
}

/// Opens (and migrates) the database, runs `f` on an `App` over it, and closes it.
pub fn with_app<T, F, Fut>(database: Option<String>, pack: &PolicyPack, f: F) -> anyhow::Result<T>
where
    F: FnOnce(App<AnyStore>) -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let config = store_config(database)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let store = config.open().await.context("opening the database")?;
        store.migrate().await.context("applying migrations")?;
        let app = App::new(store.clone(), pack.clone());
        let result = f(app).await;
        store.close().await;
        result
    })
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let Command::Add(args) = args.command;
    let org = NewOrganization {
        id: args.id,
        name: args.name,
        kind: args.kind,
        plan: args.plan,
        counties: args.counties,
    };
    let org = with_app(args.database, pack, |app| async move {
        app.bootstrap_organization(org, jiff::Timestamp::now())
            .await
            .context("creating the organization")
    })?;
    let kind = serde_json::to_value(org.kind)?;
    writeln!(
        out,
        "organization {} ({})",
        org.id,
        kind.as_str().unwrap_or_default()
    )?;
    Ok(ExitCode::SUCCESS)
}
