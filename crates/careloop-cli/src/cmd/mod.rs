//! One module per subcommand. Each exposes `Args` (clap) and
//! `run(args, &PolicyPack, &mut dyn Write) -> anyhow::Result<ExitCode>`.
pub mod catalog;
pub mod clock;
pub mod cs;
pub mod demo;
pub mod eligibility;
pub mod identify;
pub mod members;
pub mod migrate;
pub mod offerings;
pub mod org;
pub mod policy;
pub mod rescreen;
pub mod serve;
pub mod synth;
pub mod token;
pub mod user;
pub mod x12;
