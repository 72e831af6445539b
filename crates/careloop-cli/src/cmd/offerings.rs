//! `careloop offerings`: the Community Supports a plan offers in a county on a date.
use anyhow::Context;
use careloop_domain::PolicyPack;
use careloop_domain::policy::offerings;
use jiff::civil::Date;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Plan id, e.g. alameda-alliance (see `careloop policy show`).
    #[arg(long)]
    plan: String,
    /// County name, e.g. Alameda (case-insensitive).
    #[arg(long)]
    county: String,
    /// The day asked about, YYYY-MM-DD.
    #[arg(long)]
    on: String,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(args: Args, pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let on: Date = args
        .on
        .parse()
        .with_context(|| format!("--on {:?} is not a date YYYY-MM-DD", args.on))?;
    let list = offerings(pack, &args.plan, &args.county, on)?;
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "{} in {} on {}: {} Community Supports (policy {})",
        args.plan,
        args.county,
        on,
        list.len(),
        pack.version()
    )?;
    for o in &list {
        let flag = if o.unconfirmed { " (unconfirmed)" } else { "" };
        writeln!(
            out,
            "  {:<40} {:<60} {:<17} from {}{}",
            o.id.as_str(),
            o.name,
            o.basis.as_str(),
            o.effective_from,
            flag
        )?;
        writeln!(out, "    source: {}", o.source)?;
    }
    Ok(ExitCode::SUCCESS)
}
