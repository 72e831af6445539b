//! `careloop synth --members N --seed S --out DIR [--as-of DATE]`: a reproducible synthetic
//! Medi-Cal data set in the Tuva input-layer format for `careloop identify` (issue #5;
//! crates/careloop-synth). Prints counts only, never member data.

use careloop_domain::PolicyPack;
use jiff::civil::Date;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of members to generate.
    #[arg(long)]
    members: u64,
    /// Seed: the same members, seed and as-of give byte-identical files.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output directory (eligibility.csv, medical_claim.csv, member_indicators.csv,
    /// synth-summary.json).
    #[arg(long)]
    out: PathBuf,
    /// Claims cover the 12 months before this day.
    #[arg(long, value_name = "YYYY-MM-DD", default_value = "2026-11-22")]
    as_of: Date,
    /// Worker threads (default: all cores); the output does not depend on it.
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

pub fn run(args: Args, _pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let cfg = careloop_synth::Config {
        members: args.members,
        seed: args.seed,
        as_of: args.as_of,
        threads: args.threads,
    };
    let started = Instant::now();
    let s = careloop_synth::generate(&cfg, &args.out)?;
    let secs = started.elapsed().as_secs_f64();
    writeln!(
        out,
        "synth: {} members, {} eligibility rows, {} claim lines, {} indicator rows in {secs:.1} s ({:.0} claim lines/s) -> {}",
        s.members,
        s.eligibility_rows,
        s.claim_lines,
        s.indicator_rows,
        s.claim_lines as f64 / secs.max(1e-9),
        args.out.display()
    )?;
    let bad: u64 = s.bad_rows.values().sum();
    writeln!(
        out,
        "synth: {bad} deliberately bad rows (see {})",
        args.out.join(careloop_synth::SUMMARY_FILE).display()
    )?;
    Ok(ExitCode::SUCCESS)
}
