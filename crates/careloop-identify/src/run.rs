//! One identification run: read eligibility, claims and indicators; derive; decide each member
//! with the engine on every core; write the rows, the errors and the summary.

use crate::codes::AvoidableList;
use crate::csv::{Header, Progress, par_lines};
use crate::day::{self, Day};
use crate::derive::{ClaimCols, ClaimStats, ClaimsCtx, ClaimsWorker, PersonAcc};
use crate::facts::{self, DerivePolicy, FactsCtx};
use crate::output::{self, OUT_HEADER, field, tri};
use crate::{IdentifyError, InputFile, RowError, eligibility, indicators};
use careloop_domain::PolicyPack;
use careloop_domain::eligibility::{Outcome, POF_CODES, determination_id, determine_ecm};
use jiff::civil::Date;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::sync_channel;
use std::time::Instant;

/// What to run (the `careloop identify` arguments).
#[derive(Clone, Debug)]
pub struct Config {
    pub eligibility: PathBuf,
    pub claims: PathBuf,
    pub indicators: PathBuf,
    pub as_of: Date,
    pub out: PathBuf,
    /// `--plan`: the policy-pack plan id of every eligibility row.
    pub plan: Option<String>,
    /// `--avoidable-ed`: replaces the shipped avoidable-ED list.
    pub avoidable_ed: Option<PathBuf>,
    pub claims_from: Option<Date>,
    pub claims_through: Option<Date>,
    /// Default `<out>.summary.json`.
    pub summary: Option<PathBuf>,
    /// Default `<out>.errors.csv`.
    pub errors: Option<PathBuf>,
    /// `--facts-out`: every member's derived facts, one JSON object a line.
    pub facts_out: Option<PathBuf>,
    /// Worker threads (0: all cores).
    pub threads: usize,
    pub policy: DerivePolicy,
}

impl Config {
    pub fn new(
        eligibility: PathBuf,
        claims: PathBuf,
        indicators: PathBuf,
        as_of: Date,
        out: PathBuf,
    ) -> Self {
        Config {
            eligibility,
            claims,
            indicators,
            as_of,
            out,
            plan: None,
            avoidable_ed: None,
            claims_from: None,
            claims_through: None,
            summary: None,
            errors: None,
            facts_out: None,
            threads: 0,
            policy: DerivePolicy::default(),
        }
    }

    pub fn summary_path(&self) -> PathBuf {
        self.summary
            .clone()
            .unwrap_or_else(|| suffixed(&self.out, ".summary.json"))
    }

    pub fn errors_path(&self) -> PathBuf {
        self.errors
            .clone()
            .unwrap_or_else(|| suffixed(&self.out, ".errors.csv"))
    }
}

fn suffixed(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Counts for the terminal and the summary file (no member data).
#[derive(Clone, Debug)]
pub struct RunSummary {
    pub members: usize,
    pub claim_lines: u64,
    pub indicator_rows: u64,
    pub rows_written: u64,
    pub errors: usize,
    pub errors_by_reason: BTreeMap<String, u64>,
    /// Per POF code: (met, undetermined).
    pub pofs: BTreeMap<String, (u64, u64)>,
    pub json: Value,
}

/// Counts of one chunk of members.
#[derive(Default)]
struct Tally {
    pofs: [[u64; 2]; 10],
    by_county: BTreeMap<String, [[u64; 2]; 10]>,
    ecm: [u64; 3],
    rows: u64,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        add_pofs(&mut self.pofs, &o.pofs);
        for (county, counts) in o.by_county {
            add_pofs(self.by_county.entry(county).or_default(), &counts);
        }
        for (a, b) in self.ecm.iter_mut().zip(o.ecm) {
            *a += b;
        }
        self.rows += o.rows;
    }
}

fn add_pofs(a: &mut [[u64; 2]; 10], b: &[[u64; 2]; 10]) {
    for (x, y) in a.iter_mut().zip(b) {
        x[0] += y[0];
        x[1] += y[1];
    }
}

struct ChunkOut {
    index: usize,
    rows: String,
    facts: String,
    tally: Tally,
}

const CHUNK: usize = 1024;

fn create(path: &Path) -> Result<BufWriter<std::fs::File>, IdentifyError> {
    std::fs::File::create(path)
        .map(|f| BufWriter::with_capacity(1 << 20, f))
        .map_err(|source| io_err(path, source))
}

fn io_err(path: &Path, source: std::io::Error) -> IdentifyError {
    IdentifyError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Run an identification.
/// The three input files as CSV: the given paths, or CSV copies of the Parquet ones (deleted on
/// drop).
struct Inputs {
    eligibility: PathBuf,
    claims: PathBuf,
    indicators: PathBuf,
    temporary: Vec<PathBuf>,
}

impl Inputs {
    fn prepare(cfg: &Config) -> Result<Self, IdentifyError> {
        // Built first, so a failed conversion still removes what was written (Drop).
        let mut inputs = Inputs {
            eligibility: cfg.eligibility.clone(),
            claims: cfg.claims.clone(),
            indicators: cfg.indicators.clone(),
            temporary: Vec::new(),
        };
        for (kind, path) in [
            ("eligibility", &mut inputs.eligibility),
            ("medical_claim", &mut inputs.claims),
            ("member_indicators", &mut inputs.indicators),
        ] {
            if !crate::parquet::is_parquet(path)? {
                continue;
            }
            let mut name = cfg.out.file_name().unwrap_or_default().to_os_string();
            name.push(format!(".{kind}.from-parquet.csv"));
            let dst = cfg.out.with_file_name(name);
            inputs.temporary.push(dst.clone());
            crate::parquet::to_csv(path, &dst)?;
            *path = dst;
        }
        Ok(inputs)
    }

    fn converted(&self) -> bool {
        !self.temporary.is_empty()
    }
}

impl Drop for Inputs {
    fn drop(&mut self) {
        for path in &self.temporary {
            let _ = std::fs::remove_file(path);
        }
    }
}

pub fn run(
    cfg: &Config,
    pack: &PolicyPack,
    progress: &dyn Progress,
) -> Result<RunSummary, IdentifyError> {
    let started = Instant::now();
    let threads = match cfg.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    // The plan's identification settings (its avoidable-ED reading), else careloop's defaults.
    let mut policy = cfg.policy;
    if let Some(plan) = &cfg.plan {
        let overlay = pack
            .plan(plan)
            .ok_or_else(|| IdentifyError::UnknownPlan(plan.clone()))?;
        policy.avoidable_ed_reading = overlay.avoidable_ed_reading();
    }
    let (avoidable, avoidable_source) = match &cfg.avoidable_ed {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| io_err(path, e))?;
            (
                AvoidableList::parse(&text, &path.display().to_string())?,
                path.display().to_string(),
            )
        }
        None => (
            AvoidableList::default_list()?,
            "careloop default (UNCONFIRMED)".to_string(),
        ),
    };
    let mut errors: Vec<RowError> = Vec::new();
    let mut timings = BTreeMap::new();

    // 0. Parquet inputs become CSV files beside the output (removed when the run ends).
    let t = Instant::now();
    let inputs = Inputs::prepare(cfg)?;
    if inputs.converted() {
        timings.insert("parquet_to_csv", t.elapsed().as_millis());
    }

    // 1. Eligibility: the person index.
    let t = Instant::now();
    let members = eligibility::read(
        &inputs.eligibility,
        pack,
        cfg.plan.as_deref(),
        threads,
        progress,
        &mut errors,
    )?;
    timings.insert("eligibility", t.elapsed().as_millis());

    // 2. Claims, streamed and derived in parallel.
    let t = Instant::now();
    let as_of = day::from_date(cfg.as_of);
    let ctx = ClaimsCtx {
        members: &members,
        avoidable: &avoidable,
        as_of,
        lookback_from: day::from_date(careloop_domain::dates::months_window_start(
            cfg.as_of,
            cfg.policy.lookback_months,
        )),
        pregnancy_from: day::from_date(careloop_domain::dates::months_window_start(
            cfg.as_of,
            cfg.policy.pregnancy_lookback_months,
        )),
    };
    let cols = std::sync::OnceLock::new();
    let col_err = std::sync::Mutex::new(None);
    let read = par_lines(
        &inputs.claims,
        threads,
        progress,
        "claims",
        |h: &Header| {
            if cols.get().is_none() {
                match ClaimCols::new(h, &inputs.claims) {
                    Ok(c) => {
                        let _ = cols.set(c);
                    }
                    Err(e) => {
                        if let Ok(mut slot) = col_err.lock() {
                            *slot = Some(e);
                        }
                    }
                }
            }
            ClaimsWorker::new(members.len())
        },
        |w: &mut ClaimsWorker, line, at| {
            if let Some(c) = cols.get() {
                w.line(&ctx, c, line, at);
            }
        },
    )?;
    if let Some(e) = col_err.into_inner().ok().flatten() {
        return Err(e);
    }
    let mut stats = ClaimStats::default();
    let mut workers = read.workers;
    for w in &mut workers {
        stats.add(&w.stats);
        errors.extend(
            std::mem::take(&mut w.errors)
                .into_iter()
                .map(|e| e.resolve(InputFile::Claims, &read.lines)),
        );
    }
    timings.insert("claims", t.elapsed().as_millis());

    // 3. Member indicators.
    let t = Instant::now();
    let given = indicators::read(&inputs.indicators, &members, threads, progress, &mut errors)?;
    timings.insert("indicators", t.elapsed().as_millis());

    // 4. Facts and the engine, member by member on every core; rows written in member order.
    let t = Instant::now();
    let extract_from = cfg.claims_from.map(day::from_date).or(stats.min_day);
    let extract_through = cfg.claims_through.map(day::from_date).or(stats.max_day);
    let extract = extract_from.zip(extract_through).filter(|(f, t)| f <= t);
    let fctx = FactsCtx {
        members: &members,
        as_of,
        extract,
        policy,
    };
    let mut out = create(&cfg.out)?;
    writeln!(out, "{OUT_HEADER}").map_err(|e| io_err(&cfg.out, e))?;
    let mut facts_out = match &cfg.facts_out {
        Some(p) => Some((create(p)?, p.clone())),
        None => None,
    };
    let n = members.len();
    let chunks = n.div_ceil(CHUNK);
    let next = AtomicUsize::new(0);
    progress.phase("members", n as u64);
    let want_facts = facts_out.is_some();
    let mut tally = Tally::default();
    let write_result: Result<(), IdentifyError> = std::thread::scope(|s| {
        let (tx, rx) = sync_channel::<ChunkOut>(threads * 4);
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, fctx, workers, given, members) = (&next, &fctx, &workers, &given, &members);
            s.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= chunks {
                        break;
                    }
                    let range = index * CHUNK..((index + 1) * CHUNK).min(n);
                    let chunk =
                        decide_chunk(fctx, members, workers, given, pack, cfg, range, want_facts);
                    if tx.send(ChunkOut { index, ..chunk }).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        // Write chunks in order as they arrive.
        let mut pending: BTreeMap<usize, ChunkOut> = BTreeMap::new();
        let mut want = 0;
        for chunk in rx {
            pending.insert(chunk.index, chunk);
            while let Some(c) = pending.remove(&want) {
                out.write_all(c.rows.as_bytes())
                    .map_err(|e| io_err(&cfg.out, e))?;
                if let Some((w, p)) = facts_out.as_mut() {
                    w.write_all(c.facts.as_bytes()).map_err(|e| io_err(p, e))?;
                }
                progress.advance(CHUNK as u64);
                tally.add(c.tally);
                want += 1;
            }
        }
        if want != chunks {
            return Err(IdentifyError::WorkerPanicked);
        }
        Ok(())
    });
    write_result?;
    out.flush().map_err(|e| io_err(&cfg.out, e))?;
    if let Some((mut w, p)) = facts_out {
        w.flush().map_err(|e| io_err(&p, e))?;
    }
    progress.finish();
    timings.insert("decide_and_write", t.elapsed().as_millis());

    // 5. Errors and summary.
    errors.sort_by_key(|e| (e.file, e.line));
    let errors_path = cfg.errors_path();
    let mut ew = create(&errors_path)?;
    output::write_errors(&mut ew, &errors)
        .and_then(|_| ew.flush())
        .map_err(|e| io_err(&errors_path, e))?;
    let mut by_reason: BTreeMap<String, u64> = BTreeMap::new();
    for e in &errors {
        *by_reason
            .entry(format!("{}: {}", e.file.name(), e.kind))
            .or_default() += 1;
    }
    timings.insert("total", started.elapsed().as_millis());
    let pofs_json = |c: &[[u64; 2]; 10]| -> Value {
        POF_CODES
            .iter()
            .zip(c)
            .map(|(code, [met, und])| (code.to_string(), json!({"met": met, "undetermined": und})))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    let summary = json!({
        "as_of": cfg.as_of,
        "policy_version": pack.version(),
        "threads": threads,
        "members_read": members.len(),
        "eligibility_rows": members.rows,
        "claim_lines_read": stats.lines,
        "claim_lines_valid": stats.valid,
        "claim_lines_after_as_of": stats.after_as_of,
        "claim_lines_before_lookback": stats.before_lookback,
        "claims_outside_enrollment": stats.outside_enrollment,
        "claim_lines_ed": stats.ed_lines,
        "claim_lines_inpatient": stats.inpatient_lines,
        "claim_lines_snf": stats.snf_lines,
        "claims_extract": {
            "from": extract.map(|e| day::to_date(e.0)),
            "through": extract.map(|e| day::to_date(e.1)),
            "source": if cfg.claims_from.is_some() || cfg.claims_through.is_some() { "arguments" } else { "min and max service date" },
        },
        "indicator_rows_read": given.rows,
        "avoidable_ed_list": {"source": avoidable_source, "codes": avoidable.len()},
        "avoidable_ed_reading": policy.avoidable_ed_reading,
        "members_written": tally.rows,
        "ecm_eligible": {"true": tally.ecm[0], "false": tally.ecm[1], "undetermined": tally.ecm[2]},
        "pofs": pofs_json(&tally.pofs),
        "pofs_by_county": tally.by_county.iter().map(|(c, v)| (c.clone(), pofs_json(v))).collect::<serde_json::Map<_, _>>(),
        "errors": {"total": errors.len(), "by_reason": by_reason, "file": errors_path.display().to_string()},
        "timings_ms": timings,
    });
    let summary_path = cfg.summary_path();
    std::fs::write(
        &summary_path,
        serde_json::to_string_pretty(&summary).unwrap_or_default() + "\n",
    )
    .map_err(|e| io_err(&summary_path, e))?;
    Ok(RunSummary {
        members: members.len(),
        claim_lines: stats.lines,
        indicator_rows: given.rows,
        rows_written: tally.rows,
        errors: errors.len(),
        errors_by_reason: by_reason,
        pofs: POF_CODES
            .iter()
            .zip(tally.pofs)
            .map(|(c, [m, u])| (c.to_string(), (m, u)))
            .collect(),
        json: summary,
    })
}

/// The member's claims data merged across claim workers.
fn merged_acc<'a>(
    workers: &'a [ClaimsWorker],
    p: u32,
    buf: &'a mut Option<PersonAcc>,
) -> Option<&'a PersonAcc> {
    let mut found = workers.iter().filter_map(|w| w.get(p));
    let first = found.next()?;
    match found.next() {
        None => Some(first),
        Some(second) => {
            let mut acc = first.clone();
            acc.merge(second);
            for more in found {
                acc.merge(more);
            }
            *buf = Some(acc);
            buf.as_ref()
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn decide_chunk(
    fctx: &FactsCtx<'_>,
    members: &eligibility::Members,
    workers: &[ClaimsWorker],
    given: &indicators::GivenIndicators,
    pack: &PolicyPack,
    cfg: &Config,
    range: std::ops::Range<usize>,
    want_facts: bool,
) -> ChunkOut {
    let mut rows = String::new();
    let mut facts_text = String::new();
    let mut tally = Tally::default();
    let (skip, take) = (range.start, range.len());
    for (i, person_id) in members.ids.iter().enumerate().skip(skip).take(take) {
        let p = i as u32;
        let mut buf = None;
        let acc = merged_acc(workers, p, &mut buf);
        let facts = facts::build(fctx, p, acc, given.of(p));
        if want_facts {
            facts_text.push_str(&serde_json::to_string(&facts).unwrap_or_default());
            facts_text.push('\n');
        }
        let det = determine_ecm(&facts, cfg.as_of, pack);
        let span = facts::current_span(members, p, fctx.as_of);
        let county = span
            .and_then(|s| s.county)
            .map(|c| members.text(c))
            .unwrap_or("");
        let plan = span.map(|s| members.text(s.plan)).unwrap_or("");
        let mut counts = [[0u64; 2]; 10];
        let mut met = Vec::new();
        for (pop, [met_count, undetermined]) in det.populations.iter().zip(counts.iter_mut()) {
            match pop.status {
                Outcome::Met => {
                    *met_count += 1;
                    met.push(pop.code.as_str());
                }
                Outcome::Undetermined => *undetermined += 1,
                Outcome::NotMet => {}
            }
        }
        add_pofs(&mut tally.pofs, &counts);
        let county_key = if county.is_empty() {
            "(unknown)"
        } else {
            county
        };
        match tally.by_county.get_mut(county_key) {
            Some(c) => add_pofs(c, &counts),
            None => {
                tally.by_county.insert(county_key.to_string(), counts);
            }
        }
        if met.is_empty() {
            continue;
        }
        tally.rows += 1;
        let [eligible, not_eligible, undetermined] = &mut tally.ecm;
        *match det.ecm_eligible {
            Some(true) => eligible,
            Some(false) => not_eligible,
            None => undetermined,
        } += 1;
        let exclusions: Vec<&str> = det
            .exclusions
            .iter()
            .filter(|e| e.outcome == Outcome::Met)
            .map(|e| e.rule.as_str())
            .collect();
        let evidence = output::evidence(&det).to_string();
        let id = determination_id(&facts, cfg.as_of, pack);
        rows.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            field(person_id),
            field(county),
            field(plan),
            met.join(";"),
            tri(det.ecm_eligible),
            exclusions.join(";"),
            field(&evidence),
            id,
            field(pack.version()),
            field(&det.missing_facts.join(";")),
        ));
    }
    ChunkOut {
        index: 0,
        rows,
        facts: facts_text,
        tally,
    }
}

/// Day numbers are exposed for tests of the coverage rules.
pub fn day_of(d: Date) -> Day {
    day::from_date(d)
}
