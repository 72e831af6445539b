//! `careloop rescreen` (issue #15 item 3): re-decide every member of the user's plan against the
//! policy pack compiled into this binary (the deployed one), `--batch` members a page through
//! careloop-app's `App::rescreen_members` (each member through the change path; a page's changes
//! committed in one transaction), and list who changed status and why: the criteria that
//! flipped with their old and new outcomes, both policy versions and as-of dates, and the open
//! ECM enrollments of members who lost ECM eligibility (to review: no rule discontinues them).
//! `--dry-run` reports the same changes and writes none. A re-run changes nothing. Output names
//! members by id only.
use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use careloop_app::App;
use careloop_app::rescreen::{EligibilityChange, MAX_RESCREEN_PAGE, RescreenQuery};
use careloop_domain::PolicyPack;
use careloop_domain::eligibility::Outcome;
use careloop_store::Store;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use super::migrate::store_config;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The user re-screening (a plan care coordinator or plan admin): its plan's members are
    /// re-decided.
    #[arg(long = "as", value_name = "USERNAME")]
    as_user: String,
    /// Report the changes without writing them.
    #[arg(long)]
    dry_run: bool,
    /// Print one JSON document instead of text.
    #[arg(long)]
    json: bool,
    /// Members re-decided (and committed) per page.
    #[arg(long, default_value_t = 500,
          value_parser = clap::value_parser!(u32).range(1..=i64::from(MAX_RESCREEN_PAGE)))]
    batch: u32,
    /// The as-of date of the new determinations; today in California when absent.
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// Database URL: `sqlite://PATH` or `postgres://…`. Defaults to $CARELOOP_DATABASE_URL,
    /// then to the SQLite file ./careloop.db.
    #[arg(long, visible_alias = "db")]
    database: Option<String>,
}

#[derive(Default, Serialize)]
struct Summary {
    scanned: u64,
    changed: u64,
    lost_ecm: u64,
    gained_ecm: u64,
    unchanged: u64,
    replayed: u64,
    refused: u64,
    needs_review: u64,
}

#[derive(Serialize)]
struct Refused {
    member_id: String,
    problem: String,
}

#[derive(Serialize)]
struct Report {
    dry_run: bool,
    policy_version: String,
    as_of: Date,
    changes: Vec<EligibilityChange>,
    refused: Vec<Refused>,
    summary: Summary,
    seconds: f64,
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let config = store_config(args.database.clone())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let report = runtime.block_on(async {
        let store = config.open().await.context("opening the database")?;
        store.migrate().await.context("applying migrations")?;
        let app = App::new(store.clone(), pack.clone());
        let result = rescreen(&app, &args).await;
        store.close().await;
        result
    })?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
    } else {
        print_text(&report, out)?;
    }
    Ok(if report.refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

async fn rescreen<S: Store>(app: &App<S>, args: &Args) -> anyhow::Result<Report> {
    let Some(actor) = app
        .active_actor(&args.as_user)
        .await
        .context("looking up the re-screening user")?
    else {
        bail!(
            "no active user {:?} (create it with `careloop user add`)",
            args.as_user
        );
    };
    let now = Timestamp::now();
    let as_of = match args.as_of {
        Some(date) => date,
        None => app.california_date(now).context("today in California")?,
    };
    let started = Instant::now();
    let mut report = Report {
        dry_run: args.dry_run,
        policy_version: app.pack().version().to_owned(),
        as_of,
        changes: Vec::new(),
        refused: Vec::new(),
        summary: Summary::default(),
        seconds: 0.0,
    };
    let mut after = None;
    loop {
        let query = RescreenQuery {
            as_of,
            after: after.take(),
            limit: args.batch,
            dry_run: args.dry_run,
        };
        let page = app
            .rescreen_members(&actor, query, now)
            .await
            .context("re-screening a page (run the rescreen again to finish it)")?;
        let s = &mut report.summary;
        s.scanned += page.scanned;
        s.unchanged += page.unchanged;
        s.replayed += page.replayed;
        for change in &page.changes {
            s.changed += 1;
            s.lost_ecm += u64::from(change.lost_ecm());
            s.gained_ecm += u64::from(change.gained_ecm());
            s.needs_review += change.needs_review.len() as u64;
        }
        for refusal in page.refused {
            s.refused += 1;
            report.refused.push(Refused {
                member_id: refusal.member_id,
                problem: refusal.error.to_string(),
            });
        }
        report.changes.extend(page.changes);
        eprintln!(
            "rescreen: {} members, {} changed, {:.0} members/s",
            s.scanned,
            s.changed,
            s.scanned as f64 / started.elapsed().as_secs_f64().max(1e-9)
        );
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn verdict(eligible: Option<bool>) -> &'static str {
    match eligible {
        Some(true) => "eligible",
        Some(false) => "not eligible",
        None => "undetermined",
    }
}

fn outcome(o: Option<Outcome>) -> &'static str {
    match o {
        Some(Outcome::Met) => "met",
        Some(Outcome::NotMet) => "not met",
        Some(Outcome::Undetermined) => "undetermined",
        None => "absent",
    }
}

fn print_text(report: &Report, out: &mut dyn Write) -> anyhow::Result<()> {
    let mode = if report.dry_run {
        "dry run: nothing written"
    } else {
        "written"
    };
    writeln!(
        out,
        "rescreen against policy {} as of {} ({mode})",
        report.policy_version, report.as_of
    )?;
    for c in &report.changes {
        writeln!(
            out,
            "{}: ECM {} -> {}; CS {} -> {} (policy {} as of {} -> policy {} as of {})",
            c.member_id,
            verdict(c.old_ecm_eligible),
            verdict(c.new_ecm_eligible),
            verdict(c.old_cs_eligible),
            verdict(c.new_cs_eligible),
            c.old_policy_version.as_deref().unwrap_or("none"),
            c.old_as_of
                .map_or_else(|| "-".to_owned(), |d| d.to_string()),
            c.new_policy_version,
            c.new_as_of,
        )?;
        for f in &c.flipped {
            writeln!(
                out,
                "  {} {}: {} -> {}",
                f.kind,
                f.key,
                outcome(f.old),
                outcome(f.new)
            )?;
        }
        if c.missing_facts_changed && c.flipped.is_empty() {
            writeln!(out, "  missing facts changed (no outcome flipped)")?;
        }
        for id in &c.needs_review {
            writeln!(
                out,
                "  needs review: open ECM enrollment {id} (no rule discontinues it; see docs/app.md \"Re-screening\")"
            )?;
        }
    }
    for r in &report.refused {
        writeln!(out, "{}: refused: {}", r.member_id, r.problem)?;
    }
    let s = &report.summary;
    writeln!(
        out,
        "{} members: {} changed ({} lost ECM eligibility, {} gained), {} unchanged, {} already done, {} refused; {} open ECM enrollments need review; {:.1} s",
        s.scanned,
        s.changed,
        s.lost_ecm,
        s.gained_ecm,
        s.unchanged,
        s.replayed,
        s.refused,
        s.needs_review,
        report.seconds
    )?;
    Ok(())
}
