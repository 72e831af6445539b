//! The careloop `member_indicators` file (IDENT-SPEC.md "Inputs"): dated facts passed to the
//! engine as given. Columns `person_id, indicator, start_date, end_date?, source, status?,
//! detail?`. `indicator` is an engine indicator kind (docs/eligibility.md §1); homelessness may
//! carry its condition (`homelessness:<condition>`) and a release its facility
//! (`release-from-incarceration:<prison|jail|youth-correctional-facility>`).

use crate::csv::{Header, LineRef, Progress, par_lines, trimmed_field, unquote};
use crate::day::{self, Day};
use crate::eligibility::Members;
use crate::{IdentifyError, InputFile, PendingError, RowError};
use careloop_domain::eligibility::{
    CorrectionalFacility, HomelessCondition, Indicator, IndicatorKind, IndicatorStatus,
};
use serde::de::DeserializeOwned;
use std::path::Path;

/// Indicators per member (dense index), in file order.
#[derive(Debug, Default)]
pub struct GivenIndicators {
    at: Vec<u32>,
    items: Vec<Indicator>,
    pub rows: u64,
}

impl GivenIndicators {
    pub fn of(&self, p: u32) -> &[Indicator] {
        let i = p as usize;
        match (self.at.get(i), self.at.get(i + 1)) {
            (Some(&s), Some(&e)) => self.items.get(s as usize..e as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

struct Cols {
    n: usize,
    person: usize,
    indicator: usize,
    start: usize,
    end: Option<usize>,
    source: usize,
    status: Option<usize>,
    detail: Option<usize>,
}

#[derive(Default)]
struct Worker {
    rows: Vec<(u32, LineRef, Indicator)>,
    errors: Vec<PendingError>,
    fields: Vec<(usize, usize)>,
    lines: u64,
}

/// Read the indicators file against the member index.
pub fn read(
    path: &Path,
    members: &Members,
    threads: usize,
    progress: &dyn Progress,
    errors: &mut Vec<RowError>,
) -> Result<GivenIndicators, IdentifyError> {
    let cols = std::sync::OnceLock::new();
    let col_err = std::sync::Mutex::new(None);
    let read = par_lines(
        path,
        threads,
        progress,
        "indicators",
        |h: &Header| {
            if cols.get().is_none() {
                match columns(h, path) {
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
            Worker::default()
        },
        |w: &mut Worker, line, at| {
            if let Some(c) = cols.get() {
                w.lines += 1;
                let mut fields = std::mem::take(&mut w.fields);
                match parse(&mut fields, c, members, line, at) {
                    Ok(row) => w.rows.push(row),
                    Err(e) => w.errors.push(e),
                }
                w.fields = fields;
            }
        },
    )?;
    if let Some(e) = col_err.into_inner().ok().flatten() {
        return Err(e);
    }
    let mut rows = Vec::new();
    let mut lines = 0;
    for w in read.workers {
        lines += w.lines;
        rows.extend(w.rows);
        errors.extend(
            w.errors
                .into_iter()
                .map(|e| e.resolve(InputFile::Indicators, &read.lines)),
        );
    }
    rows.sort_unstable_by_key(|(p, at, _)| (*p, *at));
    let mut out = GivenIndicators {
        at: Vec::with_capacity(members.len() + 1),
        items: Vec::with_capacity(rows.len()),
        rows: lines,
    };
    let mut rows = rows.into_iter().peekable();
    for p in 0..members.len() as u32 {
        out.at.push(out.items.len() as u32);
        while let Some((_, _, ind)) = rows.next_if(|(q, _, _)| *q == p) {
            out.items.push(ind);
        }
    }
    out.at.push(out.items.len() as u32);
    Ok(out)
}

fn columns(h: &Header, path: &Path) -> Result<Cols, IdentifyError> {
    Ok(Cols {
        n: h.len(),
        person: h.require(path, "person_id")?,
        indicator: h.require(path, "indicator")?,
        start: h.require(path, "start_date")?,
        end: h.find("end_date"),
        source: h.require(path, "source")?,
        status: h.find("status"),
        detail: h.find("detail"),
    })
}

/// A kebab-case name as a serde enum value (the engine's own names).
fn kebab<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
}

fn parse(
    fields: &mut Vec<(usize, usize)>,
    c: &Cols,
    members: &Members,
    line: &[u8],
    at: LineRef,
) -> Result<(u32, LineRef, Indicator), PendingError> {
    if line.is_empty() {
        return Err(PendingError::new(
            at,
            None,
            "empty line",
            "empty line".into(),
        ));
    }
    crate::csv::split(line, fields)
        .map_err(|e| PendingError::new(at, None, "malformed CSV", e.reason().into()))?;
    if fields.len() != c.n {
        return Err(PendingError::new(
            at,
            None,
            "wrong column count",
            format!(
                "wrong column count: {} fields, header has {}",
                fields.len(),
                c.n
            ),
        ));
    }
    let f = |i: usize| -> String { unquote(trimmed_field(line, fields, i)) };
    let person_raw = trimmed_field(line, fields, c.person);
    let err =
        |kind: &'static str, reason: String| PendingError::new(at, Some(person_raw), kind, reason);
    if person_raw.is_empty() {
        return Err(err("missing person_id", "missing person_id".into()));
    }
    let Some(p) = members.lookup(person_raw) else {
        return Err(err(
            "person_id not in eligibility",
            "person_id not in the eligibility file".into(),
        ));
    };
    let code = f(c.indicator).to_ascii_lowercase();
    let (name, qualifier) = match code.split_once(':') {
        Some((n, q)) => (n.to_string(), Some(q.to_string())),
        None => (code.clone(), None),
    };
    let unknown = || err("unknown indicator", format!("unknown indicator '{code}'"));
    let kind: IndicatorKind = kebab(&name).ok_or_else(unknown)?;
    let mut condition = None;
    let mut facility = None;
    match (kind, qualifier) {
        (_, None) => {}
        (IndicatorKind::Homelessness, Some(q)) => {
            condition = Some(kebab::<HomelessCondition>(&q).ok_or_else(unknown)?);
        }
        (IndicatorKind::ReleaseFromIncarceration, Some(q)) => {
            facility = Some(kebab::<CorrectionalFacility>(&q).ok_or_else(unknown)?);
        }
        (_, Some(_)) => return Err(unknown()),
    }
    let date = |text: String, name: &str| -> Result<Option<Day>, PendingError> {
        if text.is_empty() {
            return Ok(None);
        }
        day::parse(text.as_bytes()).map(Some).ok_or_else(|| {
            err(
                "unparseable date",
                format!("unparseable date in {name}: '{text}'"),
            )
        })
    };
    let Some(start) = date(f(c.start), "start_date")? else {
        return Err(err("missing start_date", "missing start_date".into()));
    };
    let end = match c.end {
        Some(i) => date(f(i), "end_date")?,
        None => None,
    };
    if end.is_some_and(|e| e < start) {
        return Err(err("end before start", "end_date before start_date".into()));
    }
    let status = match c.status.map(|i| f(i).to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("present") => IndicatorStatus::Present,
        Some("absent") => IndicatorStatus::Absent,
        Some(other) => {
            return Err(err(
                "unknown status",
                format!("unknown status '{other}' (present or absent)"),
            ));
        }
    };
    let source = f(c.source);
    let detail = c.detail.map(f).filter(|d| !d.is_empty());
    Ok((
        p,
        at,
        Indicator {
            kind,
            status,
            start: day::to_date(start),
            end: end.map(day::to_date),
            id: (!source.is_empty()).then_some(source),
            detail,
            condition,
            housing_loss_date: None,
            facility,
            state: None,
            waiver: None,
        },
    ))
}
