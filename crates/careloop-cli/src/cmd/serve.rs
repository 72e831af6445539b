//! `careloop serve`: migrate the database, then serve the HTTP API (docs/api.md) until SIGTERM or
//! Ctrl-C. Logs are JSON lines on stderr; the URL is printed on stdout.
//!
//! `careloop serve --demo` first creates a FRESH SQLite file (default ./careloop-demo.db, removed
//! and recreated), loads the synthetic demo data set (docs/demo.md) and prints the demo log-ins
//! and API tokens.
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use careloop_app::App;
use careloop_domain::PolicyPack;
use careloop_store::{AnyStore, SqliteStore, Store, StoreConfig};
use careloop_web::AppState;

/// The demo database file when `--demo` is given without `--database`.
pub const DEMO_DATABASE: &str = "careloop-demo.db";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Database URL: `sqlite://PATH` or `postgres://…`. Defaults to $CARELOOP_DATABASE_URL, then to
    /// the SQLite file ./careloop.db. With --demo: a SQLite file only (default ./careloop-demo.db).
    #[arg(long)]
    database: Option<String>,
    /// Serve a fresh synthetic demo data set: the SQLite file is REMOVED and recreated, loaded
    /// (docs/demo.md), and the demo log-ins and API tokens are printed.
    #[arg(long)]
    demo: bool,
    /// Mark the staff UI's session cookie Secure (when users reach careloop over https, e.g.
    /// behind a TLS-terminating proxy).
    #[arg(long)]
    secure_cookies: bool,
    /// With --demo: the number of synthetic members.
    #[arg(long, default_value_t = 2000, requires = "demo")]
    members: usize,
}

/// The fresh SQLite file for `--demo`: `--database` must be a SQLite URL when given; the
/// $CARELOOP_DATABASE_URL variable is not consulted (it may name a real database).
fn demo_database(database: Option<String>) -> anyhow::Result<PathBuf> {
    let Some(url) = database else {
        return Ok(PathBuf::from(DEMO_DATABASE));
    };
    match StoreConfig::from_url(&url).context("reading the database URL")? {
        StoreConfig::Sqlite { path } => Ok(path),
        StoreConfig::Postgres { .. } => {
            bail!(
                "--demo creates a fresh SQLite file and refuses a PostgreSQL --database; load PostgreSQL with `careloop demo load --database URL`"
            )
        }
    }
}

/// Removes the SQLite file and its WAL side files.
fn remove_sqlite(path: &std::path::Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(&name) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("removing {}", PathBuf::from(name).display()));
            }
        }
    }
    Ok(())
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let (config, demo_path) = if args.demo {
        let path = demo_database(args.database)?;
        remove_sqlite(&path)?;
        (None, Some(path))
    } else {
        (Some(super::migrate::store_config(args.database)?), None)
    };
    careloop_web::init_json_logs();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        // The demo file is throwaway: commits skip the fsync (SqliteStore::open_throwaway).
        let store = match (&config, &demo_path) {
            (_, Some(path)) => AnyStore::Sqlite(
                SqliteStore::open_throwaway(path)
                    .await
                    .context("creating the demo database")?,
            ),
            (Some(config), None) => config.open().await.context("opening the database")?,
            (None, None) => bail!("no database"),
        };
        store.migrate().await.context("applying migrations")?;
        let app = Arc::new(App::new(store.clone(), pack.clone()));
        let demo = if args.demo {
            Some(super::demo::load(&app, args.members, out).await?)
        } else {
            None
        };
        let auth = Arc::new(careloop_web::auth::AppTokens(app.clone()));
        let state = AppState::new(app, auth);
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .with_context(|| format!("binding {}", args.bind))?;
        let addr = listener.local_addr()?;
        writeln!(
            out,
            "careloop API on http://{addr}/ (docs: http://{addr}/api/docs; staff UI: http://{addr}/ui/)"
        )?;
        if let Some(summary) = &demo {
            super::demo::print_logins(summary, &addr.to_string(), out)?;
        }
        out.flush()?;
        // The JSON API at /api/v1 and the staff UI at / and /ui/ (docs/ui.md).
        let ui = careloop_ui::UiConfig {
            secure_cookies: args.secure_cookies,
            ..careloop_ui::UiConfig::default()
        };
        let routes = careloop_web::router(state.clone())
            .merge(careloop_ui::router_with(careloop_ui::UiState::new(state, ui)));
        let served = careloop_web::serve_router(listener, routes).await;
        store.close().await;
        served
    })?;
    Ok(ExitCode::SUCCESS)
}
