//! `careloop serve`: migrate the database, then serve the HTTP API (docs/api.md) until SIGTERM or
//! Ctrl-C. Logs are JSON lines on stderr; the URL is printed on stdout.
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use careloop_app::App;
use careloop_domain::PolicyPack;
use careloop_store::Store;
use careloop_web::AppState;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Database URL: `sqlite://PATH` or `postgres://…`. Defaults to $CARELOOP_DATABASE_URL, then to
    /// the SQLite file ./careloop.db.
    #[arg(long)]
    database: Option<String>,
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let config = super::migrate::store_config(args.database)?;
    careloop_web::init_json_logs();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let store = config.open().await.context("opening the database")?;
        store.migrate().await.context("applying migrations")?;
        let app = Arc::new(App::new(store.clone(), pack.clone()));
        let auth = Arc::new(careloop_web::auth::AppTokens(app.clone()));
        let state = AppState::new(app, auth);
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .with_context(|| format!("binding {}", args.bind))?;
        let addr = listener.local_addr()?;
        writeln!(
            out,
            "careloop API on http://{addr}/ (docs: http://{addr}/api/docs)"
        )?;
        out.flush()?;
        let served = careloop_web::serve_listener(listener, state).await;
        store.close().await;
        served
    })?;
    Ok(ExitCode::SUCCESS)
}
