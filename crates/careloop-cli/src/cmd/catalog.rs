//! `careloop catalog`: the statewide Community Supports catalog (CALAIM.md §3.2, §5.2).
use careloop_domain::PolicyPack;
use careloop_domain::cite::Cited;
use careloop_domain::policy::CatalogEntry;
use careloop_domain::policy::catalog::CsFlags;
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// One catalog entry as printed by `--json`: `name` is the current name as a string, its
/// citation beside it; everything else as in `cs_catalog.toml`.
#[derive(Serialize)]
struct EntryView<'a> {
    id: &'a str,
    name: &'a str,
    name_source: &'a str,
    former_names: Vec<&'a str>,
    volume: &'a Cited<careloop_domain::policy::catalog::PolicyGuideVolume>,
    available_from: &'a Cited<jiff::civil::Date>,
    codes: &'a [careloop_domain::policy::CodePair],
    eligibility: &'a [Cited<String>],
    limits: &'a [Cited<String>],
    exclusions: &'a [Cited<String>],
    flags: &'a CsFlags,
    policy_version: &'a str,
}

fn view<'a>(e: &'a CatalogEntry, version: &'a str) -> EntryView<'a> {
    EntryView {
        id: e.id.as_str(),
        name: &e.name.value,
        name_source: &e.name.source,
        former_names: e.former_names.iter().map(|f| f.value.as_str()).collect(),
        volume: &e.volume,
        available_from: &e.available_from,
        codes: &e.codes,
        eligibility: &e.eligibility,
        limits: &e.limits,
        exclusions: &e.exclusions,
        flags: &e.flags,
        policy_version: version,
    }
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let entries = pack.catalog.entries();
    if args.json {
        let views: Vec<EntryView> = entries.iter().map(|e| view(e, pack.version())).collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&views)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "Community Supports catalog ({} CS, policy {})",
        entries.len(),
        pack.version()
    )?;
    for e in entries {
        writeln!(out)?;
        writeln!(out, "{}  {}", e.id, e.name.value)?;
        for former in &e.former_names {
            writeln!(out, "  formerly: {}", former.value)?;
        }
        writeln!(
            out,
            "  {}; statewide from {}",
            e.volume.value, e.available_from.value
        )?;
        let codes: Vec<String> = e
            .codes
            .iter()
            .map(|c| {
                let mut s = c.to_string();
                if let Some(from) = c.effective_from {
                    s.push_str(&format!(" (from {from})"));
                }
                if c.unconfirmed {
                    s.push_str(" (unconfirmed)");
                }
                s
            })
            .collect();
        writeln!(out, "  codes: {}", codes.join(", "))?;
        if e.clr_exempt() {
            writeln!(out, "  exempt from closed-loop referral tracking")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
