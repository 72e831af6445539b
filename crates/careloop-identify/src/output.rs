//! Output files (IDENT-SPEC.md "Output"): the member rows, the errors file, and the
//! evidence column. Member demographics never leave these files.

use crate::RowError;
use careloop_domain::eligibility::{EcmDetermination, Outcome, Trace};
use serde_json::{Map, Value, json};
use std::io::Write;

/// Header of the `--out` file.
pub const OUT_HEADER: &str = "person_id,county,plan,pofs,ecm_eligible,exclusions,evidence,determination_id,policy_version,missing_facts";

/// Evidence kinds that are demographics, not claims or indicators: never written.
const PRIVATE_EVIDENCE: [&str; 2] = ["birth_date", "enrollment"];

/// Most ids listed per criterion.
pub const MAX_IDS: usize = 5;

/// A CSV field, quoted when needed (RFC 4180).
pub fn field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// `met` → true, `not_met` → false, else undetermined.
pub fn tri(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "true",
        Some(false) => "false",
        None => "undetermined",
    }
}

/// The evidence of the met POFs: per met criterion rule id, the number of records, first and
/// last date and up to [`MAX_IDS`] ids (claim ids for claims-derived facts, the `source` for
/// member_indicators rows).
pub fn evidence(det: &EcmDetermination) -> Value {
    let mut out = Map::new();
    for p in det.populations.iter().filter(|p| p.status == Outcome::Met) {
        for t in &p.criteria {
            walk(t, &mut out);
        }
    }
    Value::Object(out)
}

fn walk(t: &Trace, out: &mut Map<String, Value>) {
    if t.outcome != Outcome::Met {
        return;
    }
    let items: Vec<_> = t
        .evidence
        .iter()
        .filter(|e| !PRIVATE_EVIDENCE.contains(&e.kind.as_str()))
        .collect();
    if !items.is_empty() {
        let first = items.iter().filter_map(|e| e.date).min();
        let last = items.iter().filter_map(|e| e.date).max();
        let ids: Vec<&str> = items
            .iter()
            .filter_map(|e| e.id.as_deref())
            .take(MAX_IDS)
            .collect();
        out.insert(
            t.rule.clone(),
            json!({"count": items.len(), "first": first, "last": last, "ids": ids}),
        );
    }
    for part in t.any_of.iter().chain(&t.all_of) {
        walk(part, out);
    }
}

/// Write the errors file: `file,line,person_id,reason`, in input order.
pub fn write_errors(w: &mut dyn Write, errors: &[RowError]) -> std::io::Result<()> {
    writeln!(w, "file,line,person_id,reason")?;
    for e in errors {
        writeln!(
            w,
            "{},{},{},{}",
            e.file.name(),
            e.line,
            field(e.person_id.as_deref().unwrap_or("")),
            field(&e.reason)
        )?;
    }
    Ok(())
}
