//! `careloop x12 validate FILE`: the separators, envelopes and — for an 837P (005010X222A1) —
//! the claims of an X12 file, through careloop-x12 (issue #17; docs/x12.md). Prints each problem
//! with its segment, element and rule, and for a valid 837P the number of claims and their total
//! charge; never member data. Exit 0 when valid, 1 when not.

use careloop_domain::PolicyPack;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// Check separators, ISA/IEA, GS/GE and ST/SE, and read an 837P's claims.
    Validate {
        /// The X12 file.
        file: PathBuf,
    },
}

pub fn run(args: Args, _pack: &PolicyPack, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    let Sub::Validate { file } = args.command;
    let bytes =
        std::fs::read(&file).map_err(|e| anyhow::anyhow!("reading {}: {e}", file.display()))?;
    let errors = match careloop_x12::tokenize(&bytes) {
        Err(e) => vec![e],
        Ok(segments) => match careloop_x12::check_envelope(&segments) {
            Err(errors) => errors,
            Ok(interchange) => {
                let is_837p = interchange.groups.iter().any(|g| {
                    segments
                        .list
                        .get(g.gs)
                        .is_some_and(|gs| gs.element(8) == careloop_x12::p837::VERSION)
                });
                if is_837p {
                    match careloop_x12::p837::read(&bytes) {
                        Ok(f) => {
                            let claims: Vec<_> =
                                f.transactions.iter().flat_map(|t| &t.claims).collect();
                            let total: i64 = claims.iter().map(|c| c.total_charge.0).sum();
                            writeln!(
                                out,
                                "{}: OK 837P {} claims, total charge {}",
                                file.display(),
                                claims.len(),
                                careloop_x12::Cents(total)
                            )?;
                            return Ok(ExitCode::SUCCESS);
                        }
                        Err(errors) => errors,
                    }
                } else {
                    writeln!(
                        out,
                        "{}: OK envelopes ({} segments)",
                        file.display(),
                        segments.list.len()
                    )?;
                    return Ok(ExitCode::SUCCESS);
                }
            }
        },
    };
    for e in &errors {
        writeln!(out, "{}: {e}", file.display())?;
    }
    Ok(ExitCode::from(1))
}
