//! `careloop user add`: create a user (system use; issue #3 §5). The password comes from
//! $CARELOOP_PASSWORD or the first line of stdin, never from the command line.
use anyhow::Context;
use careloop_app::Role;
use careloop_app::identity::NewUser;
use careloop_domain::PolicyPack;
use std::io::{BufRead, Write};
use std::process::ExitCode;

use super::org::{parse_kebab, with_app};

/// Environment variable holding the new user's password.
pub const PASSWORD_VAR: &str = "CARELOOP_PASSWORD";

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Create a user; the password is read from $CARELOOP_PASSWORD, else from stdin.
    Add(AddArgs),
}

#[derive(Debug, clap::Args)]
struct AddArgs {
    /// The username (unique; the sign-in name).
    #[arg(long)]
    username: String,
    /// The organization id (see `careloop org add`).
    #[arg(long)]
    org: String,
    /// A role (repeat for more): plan-um-reviewer, plan-care-coordinator, plan-admin,
    /// provider-care-manager, provider-admin, referrer. Must fit the organization kind.
    #[arg(long = "role", required = true, value_parser = parse_role)]
    roles: Vec<Role>,
    #[arg(long)]
    display_name: Option<String>,
    /// Database URL: `sqlite://PATH` or `postgres://…`. Defaults to $CARELOOP_DATABASE_URL,
    /// then to the SQLite file ./careloop.db.
    #[arg(long)]
    database: Option<String>,
}

fn parse_role(s: &str) -> Result<Role, String> {
    parse_kebab(s).map_err(|_| {
        "expected plan-um-reviewer, plan-care-coordinator, plan-admin, provider-care-manager, \
         provider-admin or referrer"
            .to_owned()
    })
}

/// The password from the environment, else the first line of stdin (without its line end).
fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var(PASSWORD_VAR) {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from stdin")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    if password.is_empty() {
        anyhow::bail!("no password: set {PASSWORD_VAR} or write it on stdin");
    }
    Ok(password)
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let Command::Add(args) = args.command;
    let password = read_password()?;
    let input = NewUser {
        username: args.username,
        display_name: args.display_name,
        org_id: args.org,
        roles: args.roles,
        password,
    };
    let user = with_app(args.database, pack, |app| async move {
        app.add_user(input, jiff::Timestamp::now())
            .await
            .context("creating the user")
    })?;
    let roles: Vec<String> = user
        .roles
        .iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    writeln!(
        out,
        "user {} in {} ({})",
        user.username,
        user.org_id,
        roles.join(", ")
    )?;
    Ok(ExitCode::SUCCESS)
}
