//! `careloop eligibility check FILE --as-of YYYY-MM-DD [--json]`: ECM Population of Focus and
//! Community Supports eligibility for one member, with the reasons (docs/eligibility.md).

use anyhow::Context;
use careloop_domain::PolicyPack;
use careloop_domain::eligibility::{Determination, MemberFacts, Outcome, Trace, determine};
use jiff::civil::Date;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Determine eligibility from a member facts JSON file
    /// (format: docs/schemas/member-facts.schema.json).
    Check(CheckArgs),
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    /// Member facts JSON file.
    file: PathBuf,
    /// The day to determine eligibility on (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Date,
    /// Print the determination as pretty JSON.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match args.command {
        Command::Check(check) => {
            let facts = read_facts(&check.file)?;
            // Facts that cannot be true on the as-of date (a birth date after it, a span that
            // ends before it starts), an unknown plan, or a string past its rule: an error
            // naming the file and each field, never an answer (issue #12).
            let problems = facts.problems(check.as_of, pack);
            if !problems.is_empty() {
                let list = problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ");
                anyhow::bail!("{}: {list}", check.file.display());
            }
            let det = determine(&facts, check.as_of, pack);
            if check.json {
                serde_json::to_writer_pretty(&mut *out, &det)?;
                writeln!(out)?;
            } else {
                write_text(&det, facts.member_id.as_deref(), out)?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Read and parse a facts file; errors name the file, line, column and problem.
fn read_facts(path: &Path) -> anyhow::Result<MemberFacts> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading member facts file {}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: invalid member facts: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "undetermined",
    }
}

/// A one-line reason: the first criterion that failed, or what is missing.
fn short_reason(status: Outcome, criteria: &[Trace]) -> String {
    match status {
        Outcome::Met => criteria
            .iter()
            .filter(|t| !t.rule.ends_with(".age"))
            .map(|t| t.description.as_str())
            .next()
            .unwrap_or("criteria met")
            .to_string(),
        Outcome::NotMet => criteria
            .iter()
            .find(|t| t.outcome == Outcome::NotMet)
            .map(|t| format!("not met: {}", t.description))
            .unwrap_or_default(),
        Outcome::Undetermined => {
            let mut missing = Vec::new();
            criteria
                .iter()
                .for_each(|t| t.collect_missing(&mut missing));
            missing.sort();
            missing.dedup();
            format!("missing: {}", missing.join(", "))
        }
    }
}

fn write_text(
    det: &Determination,
    member: Option<&str>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let age = det
        .age
        .map(|a| a.to_string())
        .unwrap_or_else(|| "unknown".into());
    writeln!(
        out,
        "Member {} on {} (age {age})",
        member.unwrap_or("(no id)"),
        det.as_of
    )?;
    writeln!(out, "\nPopulations of Focus")?;
    for p in &det.populations {
        let variant = match p.variant {
            Some(careloop_domain::eligibility::Variant::Adult) => "adult",
            Some(careloop_domain::eligibility::Variant::ChildYouth) => "child-youth",
            None => "age unknown",
        };
        writeln!(
            out,
            "  POF {:<3} {:<12} {} [{variant}] — {}",
            p.code,
            p.status.as_str(),
            p.name,
            short_reason(p.status, &p.criteria)
        )?;
    }
    writeln!(out, "\nExclusions (met = applies)")?;
    for e in &det.exclusions {
        writeln!(out, "  {:<12} {}", e.outcome.as_str(), e.description)?;
    }
    for t in &det.legacy_enrollment {
        writeln!(
            out,
            "\nLegacy automatic ECM enrollment (not a POF): {}",
            t.outcome.as_str()
        )?;
        write_trace(t, 1, out)?;
    }
    writeln!(out, "\nECM eligible: {}", yes_no(det.ecm_eligible))?;
    let cs_met: Vec<String> = det
        .community_supports
        .iter()
        .filter(|c| c.status == Outcome::Met)
        .map(|c| match c.offered {
            Some(false) => format!("{} [not offered by the plan here]", c.id),
            _ => c.id.to_string(),
        })
        .collect();
    let cs_list = if cs_met.is_empty() {
        String::new()
    } else {
        format!(" ({})", cs_met.join(", "))
    };
    writeln!(out, "CS eligible: {}{cs_list}", yes_no(det.cs_eligible))?;
    if !det.missing_facts.is_empty() {
        writeln!(out, "Missing facts: {}", det.missing_facts.join(", "))?;
    }
    writeln!(out, "Determination id: {}", det.determination_id)?;
    writeln!(out, "Policy version: {}", det.policy_version)?;

    writeln!(out, "\nWhy")?;
    for p in det
        .populations
        .iter()
        .filter(|p| p.status != Outcome::NotMet)
    {
        writeln!(out, "POF {} — {}: {}", p.code, p.name, p.status.as_str())?;
        for t in &p.criteria {
            write_trace(t, 1, out)?;
        }
    }
    for e in det
        .exclusions
        .iter()
        .filter(|e| e.outcome != Outcome::NotMet)
    {
        writeln!(out, "Exclusion: {}", e.outcome.as_str())?;
        write_trace(e, 1, out)?;
    }
    for c in det
        .community_supports
        .iter()
        .filter(|c| c.status == Outcome::Met)
    {
        writeln!(out, "CS {}: met", c.id)?;
        for t in &c.criteria {
            write_trace(t, 1, out)?;
        }
    }
    Ok(())
}

fn write_trace(t: &Trace, depth: usize, out: &mut dyn Write) -> anyhow::Result<()> {
    let pad = "  ".repeat(depth);
    let unconfirmed = if t.citation.unconfirmed {
        ", UNCONFIRMED"
    } else {
        ""
    };
    let mut line = format!(
        "{pad}[{}] {} ({}) — {}{unconfirmed}",
        t.outcome.as_str(),
        t.description,
        t.rule,
        t.citation.source
    );
    if let Some(th) = t.threshold {
        line.push_str(&format!("; threshold {th}"));
    }
    if let Some(w) = &t.window {
        line.push_str(&format!("; window {}..={}", w.from, w.through));
    }
    writeln!(out, "{line}")?;
    for e in &t.evidence {
        let date = e.date.map(|d| d.to_string()).unwrap_or_default();
        writeln!(
            out,
            "{pad}    evidence: {} {} {date} {}",
            e.id.as_deref().unwrap_or("-"),
            e.kind,
            e.detail.as_deref().unwrap_or("")
        )?;
    }
    if t.outcome == Outcome::Undetermined && !t.missing.is_empty() {
        writeln!(out, "{pad}    missing: {}", t.missing.join(", "))?;
    }
    for part in t.any_of.iter().chain(t.all_of.iter()) {
        write_trace(part, depth + 1, out)?;
    }
    Ok(())
}
