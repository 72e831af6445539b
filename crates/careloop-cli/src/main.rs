//! `careloop`: the command-line program.
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::todo,
    clippy::unimplemented
)]

use anyhow::Context;
use careloop_domain::PolicyPack;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

mod cmd;

/// mimalloc: the eligibility engine builds many small strings per member (`careloop identify`
/// decides every member of a plan), and glibc malloc was a large share of its time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// careloop: CalAIM Enhanced Care Management and Community Supports, end to end.
#[derive(Debug, Parser)]
#[command(name = "careloop", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decide ECM Population of Focus and Community Supports eligibility, with the reasons.
    Eligibility(cmd::eligibility::Args),
    /// Find members meeting ECM Populations of Focus in claims, eligibility and indicator files.
    Identify(cmd::identify::Args),
    /// Compute a utilization-management decision due time, with the rule that set it.
    Clock(cmd::clock::Args),
    /// Check a proposed Community Supports authorization against the member's limits.
    Cs(cmd::cs::Args),
    /// List the statewide Community Supports catalog.
    Catalog(cmd::catalog::Args),
    /// List the Community Supports a plan offers in a county on a date.
    Offerings(cmd::offerings::Args),
    /// Inspect and validate policy packs and plan overlays.
    Policy(cmd::policy::Args),
    /// Register screened members in bulk (`members import FILE` of `identify --facts-out` lines).
    Members(cmd::members::Args),
    /// Re-decide every member against this binary's policy pack and list who changed and why
    /// (`--dry-run`: write nothing).
    Rescreen(cmd::rescreen::Args),
    /// Create or upgrade the database schema (SQLite file or PostgreSQL).
    Migrate(cmd::migrate::Args),
    /// Create organizations.
    Org(cmd::org::Args),
    /// Create users (password from $CARELOOP_PASSWORD or stdin).
    User(cmd::user::Args),
    /// Create (printed once), list and revoke API tokens.
    Token(cmd::token::Args),
    /// Serve the HTTP API (migrates the database first); `--demo` serves a fresh demo data set.
    Serve(cmd::serve::Args),
    /// Load the synthetic demo data set into a database.
    Demo(cmd::demo::Args),
    /// Generate a reproducible synthetic Medi-Cal claims data set (Tuva format).
    Synth(cmd::synth::Args),
    /// Check X12 files (separators, envelopes, 837P claims); docs/x12.md.
    X12(cmd::x12::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // A reader that stops early (`careloop … | head`) is not an error.
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let pack = PolicyPack::embedded().context("loading the embedded policy pack")?;
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Eligibility(args) => cmd::eligibility::run(args, &pack, &mut out),
        Command::Identify(args) => cmd::identify::run(args, &pack, &mut out),
        Command::Clock(args) => cmd::clock::run(args, &pack, &mut out),
        Command::Cs(args) => cmd::cs::run(args, &pack, &mut out),
        Command::Catalog(args) => cmd::catalog::run(args, &pack, &mut out),
        Command::Offerings(args) => cmd::offerings::run(args, &pack, &mut out),
        Command::Policy(args) => cmd::policy::run(args, &pack, &mut out),
        Command::Members(args) => cmd::members::run(args, &pack, &mut out),
        Command::Rescreen(args) => cmd::rescreen::run(args, &pack, &mut out),
        Command::Migrate(args) => cmd::migrate::run(args, &pack, &mut out),
        Command::Org(args) => cmd::org::run(args, &pack, &mut out),
        Command::User(args) => cmd::user::run(args, &pack, &mut out),
        Command::Token(args) => cmd::token::run(args, &pack, &mut out),
        Command::Serve(args) => cmd::serve::run(args, &pack, &mut out),
        Command::Demo(args) => cmd::demo::run(args, &pack, &mut out),
        Command::Synth(args) => cmd::synth::run(args, &pack, &mut out),
        Command::X12(args) => cmd::x12::run(args, &pack, &mut out),
    }
}
