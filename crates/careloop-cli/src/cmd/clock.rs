//! `careloop clock due`: the UM decision due time for a request, with the rule that set it
//! (CALAIM.md §4.1, §4.3, §12).

use anyhow::Context;
use careloop_domain::PolicyPack;
use careloop_domain::clock::{ClockKind, ClockRequest, Deadline, RuleDue, Winner, due};
use jiff::{Timestamp, Zoned};
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: ClockCommand,
}

#[derive(Debug, clap::Subcommand)]
enum ClockCommand {
    /// When a UM decision is due: plan or state rule, CMS-0057-F overlay, pend, extension.
    Due(DueArgs),
}

#[derive(Debug, clap::Args)]
struct DueArgs {
    /// Plan id whose clock rules apply (statewide rules when absent).
    #[arg(long)]
    plan: Option<String>,
    /// urgent-pre-service, non-urgent-pre-service, urgent-concurrent or post-service.
    #[arg(long)]
    kind: ClockKind,
    /// When the request was received, RFC 3339 (e.g. 2026-11-20T10:00:00-08:00).
    #[arg(long)]
    received: String,
    /// When the information needed to decide arrived (pend for information), RFC 3339.
    #[arg(long)]
    info_received: Option<String>,
    /// Deferral/extension with this recorded reason.
    #[arg(long, value_name = "REASON")]
    extended: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match args.command {
        ClockCommand::Due(args) => run_due(args, pack, out),
    }
}

fn timestamp(flag: &str, text: &str) -> anyhow::Result<Timestamp> {
    text.parse().with_context(|| {
        format!("{flag}: \"{text}\" is not an RFC 3339 timestamp with offset (e.g. 2026-11-20T10:00:00-08:00)")
    })
}

fn run_due(args: DueArgs, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let request = ClockRequest {
        plan: args.plan,
        kind: args.kind,
        received: timestamp("--received", &args.received)?,
        info_received: args
            .info_received
            .as_deref()
            .map(|t| timestamp("--info-received", t))
            .transpose()?,
        extension_reason: args.extended,
    };
    let deadline = due(&request, pack)?;
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &deadline)?;
        writeln!(out)?;
    } else {
        write_text(&deadline, out)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn local(z: &Zoned) -> String {
    z.strftime("%Y-%m-%d %H:%M:%S %Z (UTC%:z)").to_string()
}

fn write_rule(label: &str, rule: &RuleDue, out: &mut dyn Write) -> std::io::Result<()> {
    let unconfirmed = if rule.citation.unconfirmed {
        ", UNCONFIRMED"
    } else {
        ""
    };
    writeln!(
        out,
        "{label:<15}{} -> {} [{}{unconfirmed}]",
        rule.description,
        local(&rule.due),
        rule.citation.source
    )
}

fn write_text(d: &Deadline, out: &mut dyn Write) -> std::io::Result<()> {
    let ex = &d.explanation;
    writeln!(out, "Decision due:  {}", local(&d.due))?;
    writeln!(out, "Rule:          {}", d.rule)?;
    writeln!(out, "Received:      {}", local(&d.received))?;
    let state_label = match ex.state_rule.source {
        careloop_domain::clock::RuleSource::Plan => "Plan rule:",
        _ => "State rule:",
    };
    write_rule(state_label, &ex.state_rule, out)?;
    match &ex.federal_rule {
        Some(fed) => write_rule("Federal rule:", fed, out)?,
        None => writeln!(out, "Federal rule:  not applied")?,
    }
    let winner = match ex.winner {
        Winner::State => "state (earlier or only rule)",
        Winner::Federal => "federal (earlier)",
        Winner::Equal => "equal (both rules give the same time)",
    };
    writeln!(out, "Winner:        {winner}")?;
    if ex.holidays_skipped.is_empty() {
        writeln!(out, "Holidays skipped: none")?;
    } else {
        writeln!(out, "Holidays skipped:")?;
        for h in &ex.holidays_skipped {
            writeln!(out, "  {} {}", h.date, h.name)?;
        }
    }
    writeln!(out, "Weekend days skipped: {}", ex.weekends_skipped)?;
    if ex.cap_applied {
        writeln!(out, "Cap applied:   yes (14 calendar days after receipt)")?;
    }
    if let Some(p) = &ex.pend {
        writeln!(out, "Pend:          {}", p.description)?;
    }
    if let Some(e) = &ex.extension {
        writeln!(
            out,
            "Extension:     {} (reason: {})",
            e.description, e.reason
        )?;
    }
    for note in &ex.notes {
        writeln!(out, "Note:          {note}")?;
    }
    writeln!(out, "Policy version: {}", ex.policy_version)
}
