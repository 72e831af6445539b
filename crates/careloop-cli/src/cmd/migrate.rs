//! `careloop migrate`: apply the embedded migrations to the configured database.
use anyhow::Context;
use careloop_domain::PolicyPack;
use careloop_store::{Store, StoreConfig};
use std::io::Write;
use std::process::ExitCode;

/// Environment variable naming the database when `--database` is not given.
pub const DATABASE_URL_VAR: &str = "CARELOOP_DATABASE_URL";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Database URL: `sqlite://PATH` or `postgres://…`. Defaults to $CARELOOP_DATABASE_URL, then to
    /// the SQLite file ./careloop.db.
    #[arg(long)]
    database: Option<String>,
}

/// The store configuration from `--database`, then `CARELOOP_DATABASE_URL`, then the default.
pub fn store_config(database: Option<String>) -> anyhow::Result<StoreConfig> {
    match database.or_else(|| std::env::var(DATABASE_URL_VAR).ok()) {
        Some(url) => StoreConfig::from_url(&url).context("reading the database URL"),
        None => Ok(StoreConfig::default()),
    }
}

pub fn run(args: Args, _pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let config = store_config(args.database)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let store = config.open().await.context("opening the database")?;
        store.migrate().await.context("applying migrations")?;
        store.close().await;
        anyhow::Ok(())
    })?;
    writeln!(out, "migrated {}", describe(&config))?;
    Ok(ExitCode::SUCCESS)
}

/// Where the data lives, without credentials.
fn describe(config: &StoreConfig) -> String {
    match config {
        StoreConfig::Sqlite { path } => format!("SQLite database {}", path.display()),
        StoreConfig::Postgres { .. } => "PostgreSQL database".to_string(),
    }
}
