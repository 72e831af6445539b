//! `careloop token create`: create an API token for a user and print it once (issue #3 §5).
//! Only its SHA-256 is stored; a lost token cannot be shown again, create another.
use anyhow::Context;
use careloop_domain::PolicyPack;
use std::io::Write;
use std::process::ExitCode;

use super::org::with_app;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Create a token and print it (stdout, once).
    Create(CreateArgs),
}

#[derive(Debug, clap::Args)]
struct CreateArgs {
    #[arg(long)]
    username: String,
    /// What the token is for, e.g. "intake-portal".
    #[arg(long)]
    name: String,
    /// Database URL: `sqlite://PATH` or `postgres://…`. Defaults to $CARELOOP_DATABASE_URL,
    /// then to the SQLite file ./careloop.db.
    #[arg(long)]
    database: Option<String>,
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let Command::Create(args) = args.command;
    let (username, name) = (args.username, args.name);
    let token = with_app(args.database, pack, |app| async move {
        app.create_token(&username, &name, jiff::Timestamp::now())
            .await
            .context("creating the token")
    })?;
    writeln!(out, "{}", token.token)?;
    eprintln!(
        "token {:?} for {} created; it is shown only this once",
        token.info.name, token.info.username
    );
    Ok(ExitCode::SUCCESS)
}
