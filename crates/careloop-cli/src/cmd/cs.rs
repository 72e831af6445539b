//! `careloop cs check FILE [--json]`: check a proposed Community Supports authorization against
//! the member's limits (docs/community-supports-limits.md).
//!
//! Any decision (allowed, allowed with exception, denied, undetermined) is a result and exits 0;
//! a file that cannot be read or used is an error naming the file and the field.

use anyhow::{Context, bail};
use careloop_domain::PolicyPack;
use careloop_domain::cs_limits::{self, CsLimitInput, LimitDecision, Quantity};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: CsCommand,
}

#[derive(Debug, clap::Subcommand)]
enum CsCommand {
    /// Check a proposed authorization (JSON file, docs/schemas/cs-history.schema.json).
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Member history and proposal, as JSON.
    file: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match args.command {
        CsCommand::Check(check) => run_check(check, pack, out),
    }
}

fn run_check(args: CheckArgs, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let input = read_input(&args.file, pack)?;
    let decision = cs_limits::check(&input, pack);
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &decision)?;
        writeln!(out)?;
    } else {
        write_text(&decision, out)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads and checks the input file; errors name the file and the field. A proposed plan that is
/// not in the policy pack is an error naming the known plans (exit status non-zero).
fn read_input(path: &PathBuf, pack: &PolicyPack) -> anyhow::Result<CsLimitInput> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {shown}"))?;
    let input: CsLimitInput =
        serde_json::from_str(&text).with_context(|| format!("{shown}: not a valid CS history"))?;
    let problems = input.problems(pack);
    if !problems.is_empty() {
        let list = problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ");
        bail!("{shown}: {list}");
    }
    Ok(input)
}

fn quantity(q: Quantity) -> String {
    match q {
        Quantity::Hours(h) => format!("{h} h"),
        Quantity::Cents(c) => c.to_string(),
        Quantity::Days(d) => format!("{d} days"),
        Quantity::Episodes(n) => n.to_string(),
    }
}

fn write_text(d: &LimitDecision, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "Outcome: {}", d.outcome)?;
    writeln!(out, "Community Support: {}", d.cs)?;
    if let Some(member) = &d.member_id {
        writeln!(out, "Member: {member}")?;
    }
    if let Some(kind) = d.exception {
        writeln!(out, "Exception: {}", kind.as_str())?;
    }
    if !d.missing.is_empty() {
        writeln!(out, "Missing: {}", d.missing.join(", "))?;
    }
    writeln!(out, "{}", d.message)?;
    writeln!(out)?;
    writeln!(out, "Rules:")?;
    for rule in &d.rules {
        writeln!(
            out,
            "  [{}] {}: {}",
            rule.outcome, rule.rule, rule.description
        )?;
        let counts: Vec<String> = [
            ("used", rule.used),
            ("requested", rule.proposed),
            ("limit", rule.limit),
            ("remaining", rule.remaining),
        ]
        .into_iter()
        .filter_map(|(label, q)| q.map(|q| format!("{label} {}", quantity(q))))
        .collect();
        if !counts.is_empty() {
            writeln!(out, "      {}", counts.join(", "))?;
        }
        if let Some(w) = rule.window {
            writeln!(out, "      window {} through {}", w.from, w.through)?;
        }
        if !rule.evidence.is_empty() {
            writeln!(out, "      evidence: {}", rule.evidence.join(", "))?;
        }
        writeln!(
            out,
            "      source: {}{}",
            rule.citation.source,
            if rule.citation.unconfirmed {
                " (UNCONFIRMED)"
            } else {
                ""
            }
        )?;
        writeln!(out, "      {}", rule.message)?;
    }
    writeln!(out, "Policy version: {}", d.policy_version)?;
    Ok(())
}
