//! `careloop token create | list | revoke` (issue #3 §5, issue #12): create an API token for a
//! user and print it once; list a user's tokens; revoke one by its id.
//!
//! Only a token's SHA-256 is stored; a lost token cannot be shown again, create another. A
//! token expires after `--expires-in-days` days (default 90, at most 366). `list` prints one
//! line per token: its id (the SHA-256 hex of the token, not the secret), status, creation and
//! expiry times and name. `revoke ID` stops the token at once (the server's token cache is
//! cleared when the revocation goes through the server; a separate `careloop serve` process
//! notices within its 10-second token cache).
use anyhow::Context;
use careloop_app::identity::{DEFAULT_TOKEN_DAYS, MAX_TOKEN_DAYS, token_expiry};
use careloop_app::{TokenStatus, TokenView};
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
    /// List a user's tokens (id = SHA-256 of the token, never the secret).
    List(ListArgs),
    /// Revoke a token by its id (as `token list` prints it); it stops working at once.
    Revoke(RevokeArgs),
}

#[derive(Debug, clap::Args)]
struct CreateArgs {
    #[arg(long)]
    username: String,
    /// What the token is for, e.g. "intake-portal".
    #[arg(long)]
    name: String,
    /// Days until the token stops working (1 to 366).
    #[arg(long, default_value_t = DEFAULT_TOKEN_DAYS,
          value_parser = clap::value_parser!(i64).range(1..=MAX_TOKEN_DAYS))]
    expires_in_days: i64,
    /// Database URL: `sqlite://PATH` or `postgres://…`. Defaults to $CARELOOP_DATABASE_URL,
    /// then to the SQLite file ./careloop.db.
    #[arg(long)]
    database: Option<String>,
}

#[derive(Debug, clap::Args)]
struct ListArgs {
    #[arg(long)]
    username: String,
    /// Database URL (as for `token create`).
    #[arg(long)]
    database: Option<String>,
}

#[derive(Debug, clap::Args)]
struct RevokeArgs {
    /// The token's id: the 64-hex-digit SHA-256 that `token list` prints.
    id: String,
    /// Database URL (as for `token create`).
    #[arg(long)]
    database: Option<String>,
}

fn status_word(s: TokenStatus) -> &'static str {
    match s {
        TokenStatus::Active => "active",
        TokenStatus::Expired => "expired",
        TokenStatus::Revoked => "revoked",
    }
}

fn line(t: &TokenView) -> String {
    let expires = t
        .expires_at
        .map_or_else(|| "never".to_owned(), |e| e.to_string());
    format!(
        "{}\t{}\tcreated {}\texpires {}\t{}",
        t.id,
        status_word(t.status),
        t.created_at,
        expires,
        t.name
    )
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Create(args) => create(args, pack, out),
        Command::List(args) => {
            let username = args.username;
            let tokens = with_app(args.database, pack, |app| async move {
                app.tokens_of(&username, jiff::Timestamp::now())
                    .await
                    .context("listing the tokens")
            })?;
            for t in &tokens {
                writeln!(out, "{}", line(t))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Revoke(args) => {
            let id = args.id;
            let view = with_app(args.database, pack, |app| async move {
                app.revoke_token_system(&id, jiff::Timestamp::now())
                    .await
                    .context("revoking the token")
            })?;
            writeln!(out, "{}", line(&view))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn create(args: CreateArgs, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let (username, name, days) = (args.username, args.name, args.expires_in_days);
    let token = with_app(args.database, pack, |app| async move {
        let now = jiff::Timestamp::now();
        let expires_at = token_expiry(days, now)?;
        app.create_token_expiring(&username, &name, Some(expires_at), now)
            .await
            .context("creating the token")
    })?;
    writeln!(out, "{}", token.token)?;
    eprintln!(
        "token {:?} for {} created (id {}, expires {}); it is shown only this once",
        token.info.name,
        token.info.username,
        token.info.id,
        token
            .info
            .expires_at
            .map_or_else(|| "never".to_owned(), |e| e.to_string()),
    );
    Ok(ExitCode::SUCCESS)
}
