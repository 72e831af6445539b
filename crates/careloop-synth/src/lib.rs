//! `careloop synth`: a reproducible synthetic Medi-Cal data set in the Tuva input-layer format
//! (eligibility.csv, medical_claim.csv) plus careloop's member_indicators.csv, for testing and
//! benchmarking `careloop identify` (notes/IDENT-SPEC.md, issue #5). Synthetic data only: ids
//! are `S00000001`…, names, SSNs and addresses are left empty.
//!
//! Reproducible: every member is drawn from its own SplitMix64 stream seeded by (seed, member
//! number), and blocks of members generated on worker threads are written in order, so the
//! same members, seed and as_of give byte-identical files whatever the thread count.

#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::todo,
    clippy::unimplemented
)]

mod claims;
pub mod codes;
mod csv;
pub mod date;
mod indicators;
mod member;
mod rng;

pub use rng::Rng;

pub use csv::{ELIGIBILITY_HEADER, INDICATORS_HEADER, MEDICAL_CLAIM_HEADER};

use csv::Defect;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

/// File names written into the output directory.
pub const ELIGIBILITY_FILE: &str = "eligibility.csv";
pub const MEDICAL_CLAIM_FILE: &str = "medical_claim.csv";
pub const INDICATORS_FILE: &str = "member_indicators.csv";
pub const SUMMARY_FILE: &str = "synth-summary.json";

/// Members per block handed to a worker thread.
const BLOCK: u64 = 2_000;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Config {
    pub members: u64,
    pub seed: u64,
    /// Claims cover the 12 months before this day.
    pub as_of: jiff::civil::Date,
    /// Worker threads (0 = available parallelism). Does not change the output.
    pub threads: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    #[error("writing {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("a worker thread stopped unexpectedly")]
    Worker,
}

/// Counts over the generated files (no member data).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub members: u64,
    pub children_under_21: u64,
    pub age_65_plus: u64,
    pub eligibility_rows: u64,
    pub claim_lines: u64,
    pub indicator_rows: u64,
    pub duplicate_claims: u64,
    pub claim_lines_outside_enrollment: u64,
    pub claim_lines_after_as_of: u64,
    pub ed_heavy_members: u64,
    pub stay_heavy_members: u64,
    pub homeless_dx_members: u64,
    pub pregnant_members: u64,
    /// Deliberately bad rows: (file, reason) → count.
    pub bad_rows: BTreeMap<(&'static str, &'static str), u64>,
}

impl Summary {
    fn add(&mut self, o: &Summary) {
        self.members += o.members;
        self.children_under_21 += o.children_under_21;
        self.age_65_plus += o.age_65_plus;
        self.eligibility_rows += o.eligibility_rows;
        self.claim_lines += o.claim_lines;
        self.indicator_rows += o.indicator_rows;
        self.duplicate_claims += o.duplicate_claims;
        self.claim_lines_outside_enrollment += o.claim_lines_outside_enrollment;
        self.claim_lines_after_as_of += o.claim_lines_after_as_of;
        self.ed_heavy_members += o.ed_heavy_members;
        self.stay_heavy_members += o.stay_heavy_members;
        self.homeless_dx_members += o.homeless_dx_members;
        self.pregnant_members += o.pregnant_members;
        for (k, v) in &o.bad_rows {
            *self.bad_rows.entry(*k).or_default() += v;
        }
    }

    /// The summary as JSON (written to `synth-summary.json`).
    pub fn to_json(&self, cfg: &Config) -> String {
        let mut s = format!(
            "{{\n  \"generator\": \"careloop synth {}\",\n  \"members\": {},\n  \"seed\": {},\n  \"as_of\": \"{}\",\n",
            env!("CARGO_PKG_VERSION"),
            cfg.members,
            cfg.seed,
            cfg.as_of
        );
        for (k, v) in [
            ("children_under_21", self.children_under_21),
            ("age_65_plus", self.age_65_plus),
            ("eligibility_rows", self.eligibility_rows),
            ("claim_lines", self.claim_lines),
            ("indicator_rows", self.indicator_rows),
            ("duplicate_claims", self.duplicate_claims),
            (
                "claim_lines_outside_enrollment",
                self.claim_lines_outside_enrollment,
            ),
            ("claim_lines_after_as_of", self.claim_lines_after_as_of),
            ("ed_heavy_members", self.ed_heavy_members),
            ("stay_heavy_members", self.stay_heavy_members),
            ("homeless_dx_members", self.homeless_dx_members),
            ("pregnant_members", self.pregnant_members),
        ] {
            s.push_str(&format!("  \"{k}\": {v},\n"));
        }
        s.push_str("  \"bad_rows\": [");
        let mut first = true;
        for ((file, reason), n) in &self.bad_rows {
            if !first {
                s.push(',');
            }
            first = false;
            s.push_str(&format!(
                "\n    {{\"file\": \"{file}\", \"reason\": \"{reason}\", \"rows\": {n}}}"
            ));
        }
        s.push_str("\n  ]\n}\n");
        s
    }
}

struct Block {
    eligibility: Vec<u8>,
    claims: Vec<u8>,
    indicators: Vec<u8>,
    summary: Summary,
}

/// Which deliberately bad rows member `i` carries (README "Injected errors"): one bad claim
/// line per 500 members, one bad eligibility row and one bad indicator row per 2,000.
fn defects(i: u64) -> (Option<Defect>, Option<Defect>, Option<Defect>) {
    // Kind k of: a bad date, a missing person id, an unknown code system.
    let kind = |k: u64| match k {
        0 => Defect::BadDate,
        1 => Defect::MissingPerson,
        _ => Defect::UnknownCodeSystem,
    };
    let claim = (i % 500 == 3).then(|| kind(i / 500 % 3));
    let elig = (i % 2000 == 1001).then(|| kind(i / 2000 % 2));
    let ind = (i % 2000 == 1501).then(|| kind(i / 2000 % 3));
    (claim, elig, ind)
}

fn reason(file: &'static str, d: Defect) -> (&'static str, &'static str) {
    let r = match (file, d) {
        (_, Defect::BadDate) => "unparseable date",
        (_, Defect::MissingPerson) => "missing person_id",
        ("member_indicators", Defect::UnknownCodeSystem) => "unknown indicator",
        (_, Defect::UnknownCodeSystem) => "unknown code system",
    };
    (file, r)
}

fn generate_block(cfg: &Config, block: u64) -> Block {
    let as_of = date::from_jiff(cfg.as_of);
    let w = claims::windows(as_of);
    let tail_e = format!(
        "careloop synth,synth_eligibility,{0},{0} 00:00:00",
        cfg.as_of
    );
    let tail_c = format!(
        "careloop synth,synth_medical_claim,{0},{0} 00:00:00",
        cfg.as_of
    );
    let from = block * BLOCK;
    let to = (from + BLOCK).min(cfg.members);
    let n = (to - from) as usize;
    let mut b = Block {
        eligibility: Vec::with_capacity(n * 400),
        claims: Vec::with_capacity(n * 20 * 420),
        indicators: Vec::with_capacity(n * 20),
        summary: Summary::default(),
    };
    let s = &mut b.summary;
    for i in from..to {
        let mut rng = rng::Rng::derive(cfg.seed, i);
        let m = member::generate(&mut rng, i, as_of);
        let (d_claim, d_elig, d_ind) = defects(i);
        let dup = rng.chance(0.005);
        s.members += 1;
        s.children_under_21 += u64::from(m.age < 21);
        s.age_65_plus += u64::from(m.age >= 65);
        s.ed_heavy_members += u64::from(m.ed_heavy);
        s.stay_heavy_members += u64::from(m.stay_heavy);
        s.homeless_dx_members += u64::from(m.homeless_dx);
        s.pregnant_members += u64::from(m.pregnant);
        s.eligibility_rows +=
            member::write_eligibility(&mut b.eligibility, &m, tail_e.as_bytes(), dup, d_elig);
        let c = claims::write_claims(&mut rng, &m, &w, tail_c.as_bytes(), d_claim, &mut b.claims);
        s.claim_lines += c.lines;
        s.duplicate_claims += c.duplicate_claims;
        s.claim_lines_outside_enrollment += c.outside_enrollment_lines;
        s.claim_lines_after_as_of += c.after_as_of_lines;
        s.indicator_rows +=
            indicators::write_indicators(&mut rng, &m, as_of, d_ind, &mut b.indicators);
        for (file, d) in [
            ("medical_claim", d_claim),
            ("eligibility", d_elig),
            ("member_indicators", d_ind),
        ] {
            if let Some(d) = d {
                *s.bad_rows.entry(reason(file, d)).or_default() += 1;
            }
        }
    }
    b
}

fn create(dir: &Path, name: &str, header: &str) -> Result<(std::fs::File, PathBuf), SynthError> {
    let path = dir.join(name);
    let io = |source| SynthError::Io {
        path: path.clone(),
        source,
    };
    let mut f = std::fs::File::create(&path).map_err(io)?;
    f.write_all(header.as_bytes()).map_err(io)?;
    f.write_all(b"\n").map_err(io)?;
    Ok((f, path))
}

/// Generate the data set into `dir` (created if missing); returns the counts, also written
/// to `synth-summary.json`.
pub fn generate(cfg: &Config, dir: &Path) -> Result<Summary, SynthError> {
    std::fs::create_dir_all(dir).map_err(|source| SynthError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut files = [
        create(dir, ELIGIBILITY_FILE, ELIGIBILITY_HEADER)?,
        create(dir, MEDICAL_CLAIM_FILE, MEDICAL_CLAIM_HEADER)?,
        create(dir, INDICATORS_FILE, INDICATORS_HEADER)?,
    ];
    let blocks = cfg.members.div_ceil(BLOCK);
    let threads = match cfg.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    }
    .clamp(1, 64);
    let next = AtomicU64::new(0);
    let mut total = Summary::default();
    let result = std::thread::scope(|scope| -> Result<(), SynthError> {
        // Bounded: at most a few blocks wait in memory for the writer.
        let (tx, rx) = mpsc::sync_channel::<(u64, Block)>(threads);
        for _ in 0..threads {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    if k >= blocks {
                        break;
                    }
                    if tx.send((k, generate_block(cfg, k))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut pending = BTreeMap::new();
        let mut want = 0u64;
        while want < blocks {
            let (k, b) = rx.recv().map_err(|_| SynthError::Worker)?;
            pending.insert(k, b);
            while let Some(b) = pending.remove(&want) {
                for ((f, path), bytes) in
                    files
                        .iter_mut()
                        .zip([&b.eligibility, &b.claims, &b.indicators])
                {
                    f.write_all(bytes).map_err(|source| SynthError::Io {
                        path: path.clone(),
                        source,
                    })?;
                }
                total.add(&b.summary);
                want += 1;
            }
        }
        Ok(())
    });
    result?;
    let path = dir.join(SUMMARY_FILE);
    std::fs::write(&path, total.to_json(cfg)).map_err(|source| SynthError::Io { path, source })?;
    Ok(total)
}
