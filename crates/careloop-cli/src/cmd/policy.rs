use careloop_domain::PolicyPack;
use std::io::Write;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

pub fn run(_args: Args, _pack: &PolicyPack, _out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    anyhow::bail!("not built yet")
}
