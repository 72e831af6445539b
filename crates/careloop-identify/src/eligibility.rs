//! The Tuva `eligibility` file: one row per enrollment span (IDENT-SPEC.md "Inputs").
//!
//! Builds the dense person index every other file is looked up in, the birth dates, and the
//! enrollment spans (plan, county, line of business) with their merged periods for claims
//! coverage. Columns the derivations do not use are not required.

use crate::csv::{Header, LineRef, Progress, par_lines, trimmed_field, unquote};
use crate::day::{self, Day};
use crate::fxhash::FxHashMap;
use crate::{IdentifyError, InputFile, PendingError, RowError};
use careloop_domain::PolicyPack;
use std::path::Path;

/// An open enrollment end.
pub const OPEN: Day = Day::MAX;

/// One enrollment span of a member; strings are indexes into [`Members::strings`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub plan: u32,
    pub county: Option<u32>,
    pub lob: u32,
    pub start: Day,
    /// Inclusive; [`OPEN`] when open.
    pub end: Day,
}

/// Every member of the eligibility file, by dense index (order of first appearance).
#[derive(Debug, Default)]
pub struct Members {
    index: FxHashMap<Box<[u8]>, u32>,
    pub ids: Vec<Box<str>>,
    pub birth: Vec<Option<Day>>,
    /// Spans of member `i` are `spans[span_at[i]..span_at[i + 1]]`, sorted by start.
    span_at: Vec<u32>,
    spans: Vec<Span>,
    /// Merged (overlapping or adjacent) periods, same layout.
    merged_at: Vec<u32>,
    merged: Vec<(Day, Day)>,
    pub strings: Vec<String>,
    pub rows: u64,
}

/// Person `p`'s part of `items`, which holds each person's entries in turn; `at[p]` is where
/// person `p`'s start and `at[p + 1]` where they end. Empty for a person not in the table.
fn person_part<'a, T>(items: &'a [T], at: &[u32], p: u32) -> &'a [T] {
    let i = p as usize;
    match (at.get(i), at.get(i + 1)) {
        (Some(&start), Some(&end)) => items.get(start as usize..end as usize).unwrap_or_default(),
        _ => &[],
    }
}

impl Members {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The dense index of a person id (raw field bytes).
    pub fn lookup(&self, person_id: &[u8]) -> Option<u32> {
        self.index.get(person_id).copied()
    }

    pub fn spans(&self, p: u32) -> &[Span] {
        person_part(&self.spans, &self.span_at, p)
    }

    /// Merged enrollment periods (any plan), sorted.
    pub fn merged(&self, p: u32) -> &[(Day, Day)] {
        person_part(&self.merged, &self.merged_at, p)
    }

    /// True when some enrollment span includes `day`.
    pub fn enrolled_on(&self, p: u32, day: Day) -> bool {
        self.merged(p).iter().any(|&(s, e)| s <= day && day <= e)
    }

    pub fn text(&self, i: u32) -> &str {
        self.strings.get(i as usize).map_or("", String::as_str)
    }
}

/// Column positions used.
struct Cols {
    n: usize,
    person: usize,
    birth: usize,
    start: usize,
    end: usize,
    payer_type: Option<usize>,
    plan: Option<usize>,
    county: Option<usize>,
    lob: Option<usize>,
}

/// A parsed row before interning.
struct Row {
    at: LineRef,
    person: Box<[u8]>,
    birth: Option<Day>,
    span: Option<(String, Option<String>, String, Day, Day)>,
}

struct Worker {
    rows: Vec<Row>,
    errors: Vec<PendingError>,
    fields: Vec<(usize, usize)>,
}

/// Read the eligibility file. `plan_override` is `--plan` (already checked against the pack).
pub fn read(
    path: &Path,
    pack: &PolicyPack,
    plan_override: Option<&str>,
    threads: usize,
    progress: &dyn Progress,
    errors: &mut Vec<RowError>,
) -> Result<Members, IdentifyError> {
    let cols = std::sync::OnceLock::new();
    let col_err = std::sync::Mutex::new(None);
    let read = par_lines(
        path,
        threads,
        progress,
        "eligibility",
        |h: &Header| {
            if cols.get().is_none() {
                match columns(h, path, plan_override.is_some()) {
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
            Worker {
                rows: Vec::new(),
                errors: Vec::new(),
                fields: Vec::new(),
            }
        },
        |w, line, at| {
            if let Some(c) = cols.get() {
                parse_row(w, c, pack, plan_override, line, at);
            }
        },
    )?;
    if let Some(e) = col_err.into_inner().ok().flatten() {
        return Err(e);
    }
    let mut rows = Vec::new();
    for w in read.workers {
        rows.extend(w.rows);
        errors.extend(
            w.errors
                .into_iter()
                .map(|e| e.resolve(InputFile::Eligibility, &read.lines)),
        );
    }
    rows.sort_unstable_by_key(|r| r.at);
    Ok(build(rows))
}

fn columns(h: &Header, path: &Path, have_plan: bool) -> Result<Cols, IdentifyError> {
    let lob = h.find("line_of_business");
    Ok(Cols {
        n: h.len(),
        person: h.require(path, "person_id")?,
        birth: h.require(path, "birth_date")?,
        start: h.require(path, "enrollment_start_date")?,
        end: h.require(path, "enrollment_end_date")?,
        payer_type: match lob {
            Some(_) => h.find("payer_type"),
            None => Some(h.require(path, "payer_type")?),
        },
        plan: match have_plan {
            true => h.find("plan"),
            false => Some(h.require(path, "plan")?),
        },
        county: h.find("county"),
        lob,
    })
}

fn parse_row(
    w: &mut Worker,
    c: &Cols,
    pack: &PolicyPack,
    plan_override: Option<&str>,
    line: &[u8],
    at: LineRef,
) {
    let mut fields = std::mem::take(&mut w.fields);
    let result = parse_fields(&mut fields, c, pack, plan_override, line, at);
    w.fields = fields;
    match result {
        Ok(row) => w.rows.push(row),
        Err((row, e)) => {
            if let Some(row) = row {
                w.rows.push(row);
            }
            w.errors.push(e);
        }
    }
}

/// A bad row may still name its person (kept), so the error side carries the row too. Only
/// bad rows pay for the large error value.
type RowResult = Result<Row, (Option<Row>, PendingError)>;

#[allow(clippy::result_large_err)]
fn parse_fields(
    fields: &mut Vec<(usize, usize)>,
    c: &Cols,
    pack: &PolicyPack,
    plan_override: Option<&str>,
    line: &[u8],
    at: LineRef,
) -> RowResult {
    let bad = |person: Option<&[u8]>, kind: &'static str, reason: String| {
        // A bad row still makes its person known (without birth date or span), so the
        // member's claims are not rejected as well.
        let row = person.filter(|p| !p.is_empty()).map(|p| Row {
            at,
            person: p.into(),
            birth: None,
            span: None,
        });
        (row, PendingError::new(at, person, kind, reason))
    };
    if line.is_empty() {
        return Err(bad(None, "empty line", "empty line".into()));
    }
    if let Err(e) = crate::csv::split(line, fields) {
        return Err(bad(None, "malformed CSV", e.reason().into()));
    }
    if fields.len() != c.n {
        return Err(bad(
            None,
            "wrong column count",
            format!(
                "wrong column count: {} fields, header has {}",
                fields.len(),
                c.n
            ),
        ));
    }
    let f = |i: usize| trimmed_field(line, fields, i);
    let person = f(c.person);
    if person.is_empty() {
        return Err(bad(None, "missing person_id", "missing person_id".into()));
    }
    #[allow(clippy::result_large_err)]
    let date = |col: usize, name: &str| -> Result<Option<Day>, (Option<Row>, PendingError)> {
        let v = f(col);
        if v.is_empty() {
            return Ok(None);
        }
        day::parse(v).map(Some).ok_or_else(|| {
            bad(
                Some(person),
                "unparseable date",
                format!("unparseable date in {name}: '{}'", unquote(v)),
            )
        })
    };
    let birth = date(c.birth, "birth_date")?;
    let Some(start) = date(c.start, "enrollment_start_date")? else {
        return Err(bad(
            Some(person),
            "missing enrollment_start_date",
            "missing enrollment_start_date".into(),
        ));
    };
    let end = date(c.end, "enrollment_end_date")?.unwrap_or(OPEN);
    if end < start {
        return Err(bad(
            Some(person),
            "end before start",
            "enrollment_end_date before enrollment_start_date".into(),
        ));
    }
    let plan = match plan_override {
        Some(p) => p.to_string(),
        None => {
            let raw = c.plan.map(f).unwrap_or_default();
            let id = unquote(raw).to_ascii_lowercase();
            if pack.plan(&id).is_none() {
                return Err(bad(
                    Some(person),
                    "unknown plan",
                    format!(
                        "unknown plan '{}' (not a policy-pack plan id; use --plan)",
                        unquote(raw)
                    ),
                ));
            }
            id
        }
    };
    let lob_text = c.lob.map(f).filter(|v| !v.is_empty());
    let lob = match lob_text {
        Some(v) => unquote(v).to_ascii_lowercase(),
        None => {
            let payer = c.payer_type.map(f).unwrap_or_default();
            if payer.is_empty() {
                return Err(bad(
                    Some(person),
                    "missing payer_type",
                    "missing payer_type (and no line_of_business)".into(),
                ));
            }
            match unquote(payer).to_ascii_lowercase() {
                p if p == "medicaid" => "medi-cal".to_string(),
                p => p,
            }
        }
    };
    let county = c.county.map(f).filter(|v| !v.is_empty()).map(unquote);
    Ok(Row {
        at,
        person: person.into(),
        birth,
        span: Some((plan, county, lob, start, end)),
    })
}

/// Index persons in file order, intern strings, lay spans out per person.
fn build(rows: Vec<Row>) -> Members {
    let mut m = Members {
        rows: rows.len() as u64,
        ..Members::default()
    };
    let mut interned: FxHashMap<String, u32> = FxHashMap::default();
    let mut intern = |s: String, strings: &mut Vec<String>| -> u32 {
        *interned.entry(s).or_insert_with_key(|k| {
            strings.push(k.clone());
            (strings.len() - 1) as u32
        })
    };
    let mut per_person: Vec<Vec<Span>> = Vec::new();
    for row in rows {
        let next = m.ids.len() as u32;
        let p = *m.index.entry(row.person).or_insert_with_key(|k| {
            m.ids.push(unquote(k).into_boxed_str());
            m.birth.push(None);
            per_person.push(Vec::new());
            next
        });
        let i = p as usize;
        if let Some(birth @ None) = m.birth.get_mut(i) {
            *birth = row.birth;
        }
        if let Some((plan, county, lob, start, end)) = row.span {
            let span = Span {
                plan: intern(plan, &mut m.strings),
                county: county.map(|c| intern(c, &mut m.strings)),
                lob: intern(lob, &mut m.strings),
                start,
                end,
            };
            if let Some(spans) = per_person.get_mut(i) {
                spans.push(span);
            }
        }
    }
    m.span_at.push(0);
    m.merged_at.push(0);
    for mut spans in per_person {
        spans.sort_by_key(|s| (s.start, s.end));
        let mut merged: Vec<(Day, Day)> = Vec::new();
        for s in &spans {
            match merged.last_mut() {
                Some(last) if s.start <= last.1.saturating_add(1) => last.1 = last.1.max(s.end),
                _ => merged.push((s.start, s.end)),
            }
        }
        m.spans.extend(spans);
        m.merged.extend(merged);
        m.span_at.push(m.spans.len() as u32);
        m.merged_at.push(m.merged.len() as u32);
    }
    m
}
