//! `careloop members import FILE` (issue #15 item 2): bulk registration of screened members from
//! the JSON lines `careloop identify --facts-out` writes (one `MemberFacts` document a line,
//! docs/schemas/member-facts.schema.json), into the system of record through careloop-app's
//! `App::import_members`: every member through the create path (role check, the registering
//! plan's scope, idempotency, the engine's determination, event, audit line), `--batch` members
//! committed in one transaction.
//!
//! Idempotent and resumable: each member's Idempotency-Key comes from its id and its data, so a
//! second run writes nothing and a run killed half-way (even by SIGKILL) is finished by running
//! it again; every member ends with exactly one record. A bad line is reported on stderr with
//! its line number and field, and the other lines go on. Progress and errors name line numbers
//! and counts only: no member data is printed.
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, bail};
use careloop_app::member::RegisterMember;
use careloop_app::member_import::{ImportMember, Imported, MAX_IMPORT_BATCH};
use careloop_app::{Actor, App, AppError};
use careloop_domain::PolicyPack;
use careloop_domain::eligibility::MemberFacts;
use careloop_store::{AnyStore, Store};
use jiff::Timestamp;
use jiff::civil::Date;

use super::migrate::store_config;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Register members from `careloop identify --facts-out` JSON lines (idempotent: a re-run,
    /// also after a crash, finishes the import and changes nothing already imported).
    Import(ImportArgs),
}

#[derive(Debug, clap::Args)]
struct ImportArgs {
    /// JSON lines, one member's facts a line, with `member_id` (`identify --facts-out`).
    file: PathBuf,
    /// The registering user (a plan care coordinator or plan admin); the members belong to its
    /// plan organization.
    #[arg(long = "as", value_name = "USERNAME")]
    as_user: String,
    /// Database URL: `sqlite://PATH` or `postgres://…`. Defaults to $CARELOOP_DATABASE_URL,
    /// then to the SQLite file ./careloop.db.
    #[arg(long, visible_alias = "db")]
    database: Option<String>,
    /// Members committed per transaction.
    #[arg(long, default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=MAX_IMPORT_BATCH as i64))]
    batch: u32,
    /// The county of a member whose enrollment spans name none.
    #[arg(long)]
    county: Option<String>,
}

/// One line's member, or why it cannot be read (the message names the field, never a value).
type Line = (u64, Result<ImportMember, String>);

#[derive(Default)]
struct Tally {
    lines: u64,
    created: u64,
    replayed: u64,
    refused: u64,
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let Command::Import(args) = args.command;
    let config = store_config(args.database.clone())?;
    let file =
        File::open(&args.file).with_context(|| format!("opening {}", args.file.display()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let tally = runtime.block_on(async {
        let store = config.open().await.context("opening the database")?;
        store.migrate().await.context("applying migrations")?;
        let app = Arc::new(App::new(store.clone(), pack.clone()));
        let result = import(&app, &args, BufReader::new(file)).await;
        store.close().await;
        result
    })?;
    writeln!(
        out,
        "{} lines: {} members registered, {} already imported (unchanged), {} refused",
        tally.lines, tally.created, tally.replayed, tally.refused
    )?;
    Ok(if tally.refused == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

async fn import(
    app: &Arc<App<AnyStore>>,
    args: &ImportArgs,
    reader: impl BufRead,
) -> anyhow::Result<Tally> {
    let Some(actor) = app
        .active_actor(&args.as_user)
        .await
        .context("looking up the importing user")?
    else {
        bail!(
            "no active user {:?} (create it with `careloop user add`)",
            args.as_user
        );
    };
    let now = Timestamp::now();
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let started = Instant::now();
    let mut tally = Tally::default();
    let size = usize::try_from(args.batch).unwrap_or(100);
    let mut lines: Vec<Line> = Vec::with_capacity(size);
    // Two batches in flight: the next one is decided while the previous one commits.
    let mut in_flight: Option<tokio::task::JoinHandle<anyhow::Result<Vec<Outcome>>>> = None;
    let mut number = 0u64;
    for text in reader.lines() {
        let text = text.context("reading the input file")?;
        number += 1;
        if text.trim().is_empty() {
            continue;
        }
        lines.push((number, parse(&text, args.county.as_deref(), today)));
        if lines.len() >= size {
            let batch = std::mem::replace(&mut lines, Vec::with_capacity(size));
            let next = spawn_batch(app, &actor, batch, now);
            if let Some(previous) = in_flight.replace(next) {
                report(previous.await??, &mut tally, started);
            }
        }
    }
    if let Some(previous) = in_flight.take() {
        report(previous.await??, &mut tally, started);
    }
    if !lines.is_empty() {
        report(
            spawn_batch(app, &actor, lines, now).await??,
            &mut tally,
            started,
        );
    }
    Ok(tally)
}

/// What happened to one line.
type Outcome = (u64, Result<Imported, String>);

fn spawn_batch(
    app: &Arc<App<AnyStore>>,
    actor: &Actor,
    lines: Vec<Line>,
    now: Timestamp,
) -> tokio::task::JoinHandle<anyhow::Result<Vec<Outcome>>> {
    let (app, actor) = (Arc::clone(app), actor.clone());
    tokio::spawn(async move {
        let mut outcomes = Vec::with_capacity(lines.len());
        let mut members = Vec::with_capacity(lines.len());
        let mut numbers = Vec::with_capacity(lines.len());
        for (number, line) in lines {
            match line {
                Ok(member) => {
                    numbers.push(number);
                    members.push(member);
                }
                Err(e) => outcomes.push((number, Err(e))),
            }
        }
        let results = app
            .import_members(&actor, members, now)
            .await
            .context("importing a batch (run the import again to finish it)")?;
        for (number, result) in numbers.into_iter().zip(results) {
            outcomes.push((number, result.map_err(|e| describe(&e))));
        }
        outcomes.sort_by_key(|(number, _)| *number);
        Ok(outcomes)
    })
}

/// Tallies a committed batch and prints its refused lines and the progress on stderr.
fn report(outcomes: Vec<Outcome>, tally: &mut Tally, started: Instant) {
    for (number, outcome) in outcomes {
        tally.lines += 1;
        match outcome {
            Ok(done) if done.replayed => tally.replayed += 1,
            Ok(_) => tally.created += 1,
            Err(problem) => {
                tally.refused += 1;
                eprintln!("line {number}: {problem}");
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "import: {} lines ({} registered, {} already imported, {} refused), {:.0} lines/s",
        tally.lines,
        tally.created,
        tally.replayed,
        tally.refused,
        tally.lines as f64 / secs.max(1e-9)
    );
}

/// A use case's refusal, naming the field; a conflict is a member registered before with other
/// data (no member id or value is printed).
fn describe(e: &AppError) -> String {
    match e {
        AppError::Conflict { .. } => {
            "field member_id: already registered with other data (import registers new members; record new facts through the API)".to_owned()
        }
        AppError::Invalid { field, problem } => format!("field {field}: {problem}"),
        other => other.to_string(),
    }
}

/// One `--facts-out` line as a registration: the member's id from `member_id`, its county from
/// its enrollment spans (the span covering `today`, else the latest that names a county;
/// `county` when none does). Errors name the JSON path of the field, never its value.
fn parse(text: &str, county: Option<&str>, today: Date) -> Result<ImportMember, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let facts: MemberFacts = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        match e.inner().classify() {
            serde_json::error::Category::Data if path != "." => {
                format!(
                    "field {path}: missing or not valid (docs/schemas/member-facts.schema.json)"
                )
            }
            serde_json::error::Category::Data => {
                "not a member facts document (docs/schemas/member-facts.schema.json)".to_owned()
            }
            _ => format!("not valid JSON (column {})", e.inner().column()),
        }
    })?;
    let Some(member_id) = facts.member_id.clone().filter(|id| !id.trim().is_empty()) else {
        return Err("field member_id: missing (each line needs the member's id)".to_owned());
    };
    let named = || facts.enrollments.iter().filter(|s| s.county.is_some());
    let span = named()
        .filter(|s| s.covers(today))
        .max_by_key(|s| s.start)
        .or_else(|| named().max_by_key(|s| s.start));
    let Some(county) = span
        .and_then(|s| s.county.clone())
        .or_else(|| county.map(str::to_owned))
    else {
        return Err(
            "field enrollments[].county: no enrollment span names a county (or give --county)"
                .to_owned(),
        );
    };
    Ok(ImportMember {
        member_id,
        registration: RegisterMember {
            plan: None,
            county,
            demographics: Default::default(),
            cin: None,
            facts,
        },
    })
}
