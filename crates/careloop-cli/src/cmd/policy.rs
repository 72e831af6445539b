//! `careloop policy`: inspect the embedded pack and check plan overlays (docs/policy-pack.md).
use anyhow::Context;
use careloop_domain::PolicyPack;
use careloop_domain::policy::check_overlay;
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: PolicyCommand,
}

#[derive(Debug, clap::Subcommand)]
enum PolicyCommand {
    /// Check a plan overlay file; prints every problem and exits 1, or "FILE: ok".
    Check {
        /// The overlay TOML file.
        file: PathBuf,
    },
    /// Print the pack version and a summary of its contents.
    Show {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match args.command {
        PolicyCommand::Check { file } => check(&file, pack, out),
        PolicyCommand::Show { json } => show(json, pack, out),
    }
}

fn check(file: &PathBuf, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("reading overlay {}", file.display()))?;
    let problems = check_overlay(&text, pack);
    if problems.is_empty() {
        writeln!(out, "{}: ok", file.display())?;
        return Ok(ExitCode::SUCCESS);
    }
    for problem in &problems {
        writeln!(out, "{}: {problem}", file.display())?;
    }
    Ok(ExitCode::FAILURE)
}

#[derive(Serialize)]
struct PlanSummary<'a> {
    id: &'a str,
    name: &'a str,
    counties: Vec<&'a str>,
    offerings: usize,
    source: &'a str,
}

#[derive(Serialize)]
struct MandateSummary<'a> {
    cs: &'a str,
    effective_from: jiff::civil::Date,
    source: &'a str,
}

#[derive(Serialize)]
struct Summary<'a> {
    version: &'a str,
    published: jiff::civil::Date,
    description: &'a str,
    catalog_size: usize,
    cs_mandates: Vec<MandateSummary<'a>>,
    plans: Vec<PlanSummary<'a>>,
}

fn show(json: bool, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let summary = Summary {
        version: pack.version(),
        published: pack.meta.published,
        description: &pack.meta.description,
        catalog_size: pack.catalog.entries().len(),
        cs_mandates: pack
            .program
            .cs_mandates
            .iter()
            .map(|m| MandateSummary {
                cs: m.cs.as_str(),
                effective_from: m.effective_from,
                source: &m.source,
            })
            .collect(),
        plans: pack
            .plans
            .iter()
            .map(|p| PlanSummary {
                id: &p.id,
                name: &p.name,
                counties: p.counties.iter().map(|c| c.county.as_str()).collect(),
                offerings: p.offerings.len(),
                source: &p.source,
            })
            .collect(),
    };
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&summary)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "policy pack {} (published {})",
        summary.version, summary.published
    )?;
    writeln!(out, "{}", summary.description)?;
    writeln!(out, "catalog: {} Community Supports", summary.catalog_size)?;
    for m in &summary.cs_mandates {
        writeln!(
            out,
            "mandate: {} from {} ({})",
            m.cs, m.effective_from, m.source
        )?;
    }
    for p in &summary.plans {
        writeln!(
            out,
            "plan {}: {}; counties: {}; {} offerings",
            p.id,
            p.name,
            p.counties.join(", "),
            p.offerings
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
