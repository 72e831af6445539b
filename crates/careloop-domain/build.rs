//! Embeds every plan overlay under `policy/plans/` (issue #14: adding a plan is a data change
//! only): writes `$OUT_DIR/plan_files.rs`, the `PLAN_FILES` table of (file name, text) in file
//! name order, each text through `include_str!` so the binary carries the TOML.

use std::fmt::Write as _;
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policy/plans");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut out = String::new();
    writeln!(
        out,
        "/// The plan overlays embedded in the binary: (file name, text), every `policy/plans/*.toml`."
    )?;
    writeln!(
        out,
        "pub const PLAN_FILES: [(&str, &str); {}] = [",
        names.len()
    )?;
    for name in &names {
        let path = dir.join(name);
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "    (\"plans/{name}\", include_str!({:?})),",
            path.display().to_string()
        )?;
    }
    writeln!(out, "];")?;
    let target = Path::new(&std::env::var("OUT_DIR")?).join("plan_files.rs");
    std::fs::write(target, out)?;
    Ok(())
}
