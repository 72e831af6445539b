//! `careloop identify`: members meeting ECM Populations of Focus from Tuva eligibility and
//! medical claims plus a member_indicators file (docs/identification.md). The work is in
//! `careloop-identify`; this module parses the arguments and shows progress on a terminal.

use careloop_domain::PolicyPack;
use careloop_identify::{Config, Progress};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::Date;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Tuva input-layer eligibility, CSV or Parquet (one row per enrollment span).
    #[arg(long, value_name = "FILE")]
    eligibility: PathBuf,
    /// Tuva input-layer medical_claim, CSV or Parquet.
    #[arg(long, value_name = "FILE")]
    claims: PathBuf,
    /// careloop member_indicators, CSV or Parquet (person_id, indicator, start_date, end_date, source,
    /// status, detail).
    #[arg(long, value_name = "FILE")]
    indicators: PathBuf,
    /// The day to identify on (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Date,
    /// Output CSV: one row per member meeting at least one POF.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Policy-pack plan id for every eligibility row (else the `plan` column must be one).
    #[arg(long, value_name = "ID")]
    plan: Option<String>,
    /// Replace the shipped avoidable-ED primary diagnosis list (one ICD-10-CM prefix a line).
    #[arg(long, value_name = "FILE")]
    avoidable_ed: Option<PathBuf>,
    /// First day the claims extract is complete for (default: earliest service date).
    #[arg(long, value_name = "YYYY-MM-DD")]
    claims_from: Option<Date>,
    /// Last day the claims extract is complete for (default: latest service date).
    #[arg(long, value_name = "YYYY-MM-DD")]
    claims_through: Option<Date>,
    /// Summary JSON (default: <out>.summary.json).
    #[arg(long, value_name = "FILE")]
    summary: Option<PathBuf>,
    /// Errors CSV (default: <out>.errors.csv).
    #[arg(long, value_name = "FILE")]
    errors: Option<PathBuf>,
    /// Also write every member's derived facts as JSON lines (input of `eligibility check`).
    #[arg(long, value_name = "FILE")]
    facts_out: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

/// A progress bar on stderr, shown only when stderr is a terminal.
struct Bar(Option<ProgressBar>);

impl Progress for Bar {
    fn phase(&self, name: &str, total: u64) {
        if let Some(bar) = &self.0 {
            bar.reset();
            bar.set_length(total);
            bar.set_position(0);
            bar.set_message(name.to_string());
        }
    }
    fn advance(&self, n: u64) {
        if let Some(bar) = &self.0 {
            bar.inc(n);
        }
    }
    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let mut cfg = Config::new(
        args.eligibility,
        args.claims,
        args.indicators,
        args.as_of,
        args.out,
    );
    cfg.plan = args.plan;
    cfg.avoidable_ed = args.avoidable_ed;
    cfg.claims_from = args.claims_from;
    cfg.claims_through = args.claims_through;
    cfg.summary = args.summary;
    cfg.errors = args.errors;
    cfg.facts_out = args.facts_out;
    cfg.threads = args.threads;
    let bar = Bar(std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        if let Ok(style) =
            ProgressStyle::with_template("{msg:12} [{bar:40}] {percent:>3}% {elapsed}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar
    }));
    let summary = careloop_identify::run(&cfg, pack, &bar)?;
    bar.finish();
    // Counts only: no member data on stdout.
    writeln!(
        out,
        "{} members, {} claim lines, {} indicator rows read; {} members meet at least one POF -> {}",
        summary.members,
        summary.claim_lines,
        summary.indicator_rows,
        summary.rows_written,
        cfg.out.display()
    )?;
    for (code, (met, und)) in &summary.pofs {
        writeln!(out, "  POF {code:<3} met {met:>9}  undetermined {und:>9}")?;
    }
    writeln!(
        out,
        "{} bad rows -> {}",
        summary.errors,
        cfg.errors_path().display()
    )?;
    for (reason, n) in &summary.errors_by_reason {
        writeln!(out, "  {n:>9}  {reason}")?;
    }
    writeln!(out, "summary -> {}", cfg.summary_path().display())?;
    Ok(ExitCode::SUCCESS)
}
