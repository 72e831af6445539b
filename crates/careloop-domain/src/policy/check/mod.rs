//! Validation of a plan overlay (`careloop policy check FILE`).
//!
//! The overlay is read leniently (as a plain TOML table) so that every problem is reported at
//! once, each naming where it is; only when the lenient pass finds nothing is the strict
//! deserialization into [`PlanOverlay`](super::PlanOverlay) tried, to catch wrong value shapes.
//! Rules: docs/policy-pack.md, "Validation errors".

use super::PolicyPack;
use super::plan::{PlanOverlay, in_range, is_california_county, same_county};
use crate::cs::CsId;
use jiff::civil::Date;
use toml::{Table, Value};

mod cadence;
mod invoice;
mod problem;

mod channels;

pub use problem::{OverlayProblem, ProblemKind};

const TOP_KEYS: [&str; 12] = [
    "id",
    "name",
    "source",
    "counties",
    "offerings",
    "clocks",
    "ecm",
    "identification",
    "channels",
    // plan program rules (policy::plan_rules); their shape is checked by the typed parse
    "cs_prerequisites",
    "legacy_ecm_enrollment",
    "invoice",
];
const IDENTIFICATION_KEYS: [&str; 1] = ["avoidable_ed_reading"];
const COUNTY_KEYS: [&str; 6] = [
    "county",
    "effective_from",
    "effective_through",
    "source",
    "unconfirmed",
    "note",
];
const OFFERING_KEYS: [&str; 7] = [
    "cs",
    "counties",
    "effective_from",
    "effective_through",
    "source",
    "unconfirmed",
    "note",
];
const CLOCK_KEYS: [&str; 4] = [
    "urgent_pre_service_hours",
    "non_urgent_pre_service",
    "urgent_concurrent_hours",
    "post_service",
];
const ECM_CITED_KEYS: [&str; 2] = ["initial_authorization_months", "reauthorization_months"];
const ECM_LIST_KEY: &str = "excluded_lines_of_business";
const CITED_KEYS: [&str; 4] = ["value", "source", "unconfirmed", "note"];

/// Every problem in the overlay `text`, checked against `pack` (CS ids, catalog availability,
/// statewide mandates). Empty when the overlay is clean.
pub fn check_overlay(text: &str, pack: &PolicyPack) -> Vec<OverlayProblem> {
    let table: Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            return vec![OverlayProblem {
                kind: ProblemKind::Syntax,
                location: span_location(text, e.span()),
                message: e.message().trim().to_string(),
            }];
        }
    };
    let mut checker = Checker {
        text,
        pack,
        problems: Vec::new(),
    };
    checker.overlay(&table);
    if checker.problems.is_empty()
        && let Err(e) = toml::from_str::<PlanOverlay>(text)
    {
        checker.problems.push(OverlayProblem {
            kind: ProblemKind::InvalidValue,
            location: span_location(text, e.span()),
            message: e.message().trim().to_string(),
        });
    }
    checker.problems
}

/// "line L, column C" (1-based) of a byte offset range's start.
fn span_location(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(start) = span.map(|s| s.start) else {
        return "overlay".to_string();
    };
    let before = text.get(..start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line}, column {column}")
}

/// A parsed county span: (index, county, from, through).
type Span = (usize, String, Date, Option<Date>);
/// A parsed offering: (index, cs, counties, from, through).
type Off = (usize, CsId, Vec<String>, Date, Option<Date>);

struct Checker<'a> {
    text: &'a str,
    pack: &'a PolicyPack,
    problems: Vec<OverlayProblem>,
}

impl Checker<'_> {
    fn push(&mut self, kind: ProblemKind, location: impl Into<String>, message: impl Into<String>) {
        self.problems.push(OverlayProblem {
            kind,
            location: location.into(),
            message: message.into(),
        });
    }

    fn overlay(&mut self, table: &Table) {
        self.unknown_keys(table, &TOP_KEYS, "");
        self.string(table, "", "id", true);
        self.string(table, "", "name", true);
        self.citation(table, "", "the overlay");

        let spans = match table.get("counties") {
            None => {
                self.push(
                    ProblemKind::MissingField,
                    "counties",
                    "the overlay must list the counties the plan serves ([[counties]])",
                );
                Vec::new()
            }
            Some(v) => self.county_spans(v),
        };
        if table
            .get("counties")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
        {
            self.push(
                ProblemKind::MissingField,
                "counties",
                "the overlay lists no county",
            );
        }
        let offerings = match table.get("offerings") {
            None => Vec::new(),
            Some(v) => self.offerings(v, &spans),
        };
        self.overlaps(&spans, &offerings);
        self.cadence(&spans, &offerings);
        self.invoice(table);
        if let Some(v) = table.get("clocks") {
            self.cited_table(v, "clocks", &CLOCK_KEYS);
        }
        if let Some(v) = table.get("ecm") {
            self.ecm(v);
        }
        if let Some(v) = table.get("identification") {
            self.cited_table(v, "identification", &IDENTIFICATION_KEYS);
        }
        if let Some(v) = table.get("channels") {
            self.channels(v);
        }
    }

    /// Where the `n`th (0-based) `[[key]]` header is, as a location prefix.
    fn header(&self, key: &str, n: usize, label: &str) -> String {
        let header = format!("[[{key}]]");
        let line = self
            .text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with(&header))
            .nth(n)
            .map(|(i, _)| i + 1);
        match line {
            Some(l) => format!("line {l}: {header} #{} ({label})", n + 1),
            None => format!("{key}[{}] ({label})", n + 1),
        }
    }

    fn unknown_keys(&mut self, table: &Table, known: &[&str], at: &str) {
        for key in table.keys().filter(|k| !known.contains(&k.as_str())) {
            self.push(
                ProblemKind::UnknownField,
                join(at, key),
                format!(
                    "unknown field {key:?}; expected one of: {}",
                    known.join(", ")
                ),
            );
        }
    }

    fn string<'t>(
        &mut self,
        table: &'t Table,
        at: &str,
        key: &str,
        required: bool,
    ) -> Option<&'t str> {
        match table.get(key) {
            None if required => {
                self.push(
                    ProblemKind::MissingField,
                    join(at, key),
                    format!("{key} is required"),
                );
                None
            }
            None => None,
            Some(Value::String(s)) if s.trim().is_empty() && required => {
                self.push(
                    ProblemKind::MissingField,
                    join(at, key),
                    format!("{key} is empty"),
                );
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.push(
                    ProblemKind::WrongType,
                    join(at, key),
                    format!("{key} must be a string, found {}", other.type_str()),
                );
                None
            }
        }
    }

    /// Every value and span cites its source (docs/policy-pack.md, "The Cited convention").
    fn citation(&mut self, table: &Table, at: &str, what: &str) {
        match table.get("source") {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            Some(Value::String(_)) | None => self.push(
                ProblemKind::MissingCitation,
                join(at, "source"),
                format!("{what} has no source; every value and span must cite where it comes from"),
            ),
            Some(other) => self.push(
                ProblemKind::WrongType,
                join(at, "source"),
                format!("source must be a string, found {}", other.type_str()),
            ),
        }
    }

    fn optional_flags(&mut self, table: &Table, at: &str) {
        if let Some(v) = table.get("unconfirmed").filter(|v| !v.is_bool()) {
            let found = v.type_str();
            self.push(
                ProblemKind::WrongType,
                join(at, "unconfirmed"),
                format!("unconfirmed must be true or false, found {found}"),
            );
        }
        self.string(table, at, "note", false);
    }

    fn date(&mut self, table: &Table, at: &str, key: &str, required: bool) -> Option<Date> {
        match table.get(key) {
            None => {
                if required {
                    self.push(
                        ProblemKind::MissingField,
                        join(at, key),
                        format!("{key} is required"),
                    );
                }
                None
            }
            Some(Value::String(s)) => match s.parse::<Date>() {
                Ok(d) => Some(d),
                Err(e) => {
                    self.push(
                        ProblemKind::InvalidDate,
                        join(at, key),
                        format!("{key} {s:?} is not a calendar date YYYY-MM-DD: {e}"),
                    );
                    None
                }
            },
            Some(Value::Datetime(d)) => {
                self.push(
                    ProblemKind::InvalidDate,
                    join(at, key),
                    format!("{key} must be a quoted date string, e.g. \"{d}\""),
                );
                None
            }
            Some(other) => {
                self.push(
                    ProblemKind::WrongType,
                    join(at, key),
                    format!("{key} must be a quoted date, found {}", other.type_str()),
                );
                None
            }
        }
    }

    fn date_range(&mut self, table: &Table, at: &str) -> Option<(Date, Option<Date>)> {
        let from = self.date(table, at, "effective_from", true);
        let through = self.date(table, at, "effective_through", false);
        if let (Some(f), Some(t)) = (from, through)
            && t < f
        {
            self.push(
                ProblemKind::DatesOutOfOrder,
                join(at, "effective_through"),
                format!("effective_through {t} is before effective_from {f}"),
            );
            return None;
        }
        from.map(|f| (f, through))
    }

    fn tables<'t>(&mut self, value: &'t Value, key: &str) -> Vec<(usize, &'t Table)> {
        let Some(items) = value.as_array() else {
            self.push(
                ProblemKind::WrongType,
                key,
                format!("{key} must be a list of tables ([[{key}]])"),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item.as_table() {
                Some(t) => out.push((i, t)),
                None => self.push(
                    ProblemKind::WrongType,
                    format!("{key}[{}]", i + 1),
                    format!("each {key} entry must be a table"),
                ),
            }
        }
        out
    }

    fn county_spans(&mut self, value: &Value) -> Vec<Span> {
        let mut spans = Vec::new();
        for (i, t) in self.tables(value, "counties") {
            let label = t
                .get("county")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            let at = self.header("counties", i, &label);
            self.unknown_keys(t, &COUNTY_KEYS, &at);
            let county = self.string(t, &at, "county", true).map(String::from);
            if let Some(c) = &county
                && !is_california_county(c)
            {
                self.push(
                    ProblemKind::UnknownCounty,
                    join(&at, "county"),
                    format!("{c:?} is not a California county"),
                );
            }
            let range = self.date_range(t, &at);
            self.citation(t, &at, "the county span");
            self.optional_flags(t, &at);
            if let (Some(c), Some((f, th))) = (county, range) {
                spans.push((i, c, f, th));
            }
        }
        spans
    }

    fn offerings(&mut self, value: &Value, spans: &[Span]) -> Vec<Off> {
        let mut out = Vec::new();
        for (i, t) in self.tables(value, "offerings") {
            let label = t
                .get("cs")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            let at = self.header("offerings", i, &label);
            self.unknown_keys(t, &OFFERING_KEYS, &at);
            let cs = self.string(t, &at, "cs", true).and_then(|s| match s.parse::<CsId>() {
                Ok(id) => Some(id),
                Err(_) => {
                    self.push(
                        ProblemKind::UnknownCs,
                        join(&at, "cs"),
                        format!("unknown Community Support id {s:?}; ids are the 15 kebab-case ids of the catalog (careloop catalog)"),
                    );
                    None
                }
            });
            let counties = self.offering_counties(t, &at, spans);
            let range = self.date_range(t, &at);
            self.citation(t, &at, "the offering");
            self.optional_flags(t, &at);
            if let (Some(cs), Some((from, through))) = (cs, range) {
                self.statewide_rules(&at, cs, from, through);
                out.push((i, cs, counties, from, through));
            }
        }
        out
    }

    fn offering_counties(&mut self, t: &Table, at: &str, spans: &[Span]) -> Vec<String> {
        let Some(value) = t.get("counties") else {
            return Vec::new();
        };
        let Some(items) = value.as_array() else {
            self.push(
                ProblemKind::WrongType,
                join(at, "counties"),
                "counties must be a list of county names (empty = every plan county)",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match item.as_str() {
                Some(c) if spans.iter().any(|s| same_county(&s.1, c)) => out.push(c.to_string()),
                Some(c) => self.push(
                    ProblemKind::UnknownCounty,
                    join(at, "counties"),
                    format!(
                        "{c:?} is not among the plan's counties ({})",
                        distinct_counties(spans).join(", ")
                    ),
                ),
                None => self.push(
                    ProblemKind::WrongType,
                    join(at, "counties"),
                    "counties must be a list of county names",
                ),
            }
        }
        out
    }

    /// Statewide availability (catalog `available_from`) and the mandate rule: a mandated CS may
    /// not be stopped on or after its mandate date (Transitional Rent from 2026-01-01, [18][31]).
    fn statewide_rules(&mut self, at: &str, cs: CsId, from: Date, through: Option<Date>) {
        if let Some(entry) = self.pack.catalog.get(cs)
            && from < entry.available_from.value
        {
            self.push(
                ProblemKind::OfferedBeforeAvailable,
                join(at, "effective_from"),
                format!(
                    "{cs} is offered from {from}, before it exists statewide ({}; {})",
                    entry.available_from.value, entry.available_from.source
                ),
            );
        }
        if let (Some(m), Some(t)) = (self.pack.program.mandate(cs), through)
            && t >= m.effective_from
        {
            self.push(
                ProblemKind::MandatedCsDropped,
                join(at, "effective_through"),
                format!(
                    "{cs} is mandatory for every plan from {} ({}); the offering may not stop on {t}",
                    m.effective_from, m.source
                ),
            );
        }
    }

    fn overlaps(&mut self, spans: &[Span], offerings: &[Off]) {
        for (n, a) in spans.iter().enumerate() {
            for b in spans.iter().skip(n + 1) {
                if same_county(&a.1, &b.1) && ranges_overlap((a.2, a.3), (b.2, b.3)) {
                    let at = self.header("counties", b.0, &b.1);
                    self.push(
                        ProblemKind::OverlappingCountySpan,
                        at,
                        format!("{} overlaps county span #{} in dates", b.1, a.0 + 1),
                    );
                }
            }
        }
        for (n, a) in offerings.iter().enumerate() {
            for b in offerings.iter().skip(n + 1) {
                let counties_meet = a.2.is_empty()
                    || b.2.is_empty()
                    || a.2.iter().any(|x| b.2.iter().any(|y| same_county(x, y)));
                if a.1 == b.1 && counties_meet && ranges_overlap((a.3, a.4), (b.3, b.4)) {
                    let at = self.header("offerings", b.0, b.1.as_str());
                    self.push(
                        ProblemKind::OverlappingOffering,
                        at,
                        format!(
                            "{} overlaps offering #{} in counties and dates",
                            b.1,
                            a.0 + 1
                        ),
                    );
                }
            }
        }
    }

    fn cited(&mut self, value: &Value, at: &str) {
        let Some(t) = value.as_table() else {
            self.push(
                ProblemKind::WrongType,
                at,
                "must be a cited value: { value = ..., source = \"...\" }",
            );
            return;
        };
        self.unknown_keys(t, &CITED_KEYS, at);
        if !t.contains_key("value") {
            self.push(
                ProblemKind::MissingField,
                join(at, "value"),
                "value is required",
            );
        }
        self.citation(t, at, "the value");
        self.optional_flags(t, at);
    }

    fn cited_table(&mut self, value: &Value, at: &str, known: &[&str]) {
        let Some(t) = value.as_table() else {
            self.push(
                ProblemKind::WrongType,
                at,
                format!("[{at}] must be a table"),
            );
            return;
        };
        self.unknown_keys(t, known, at);
        for (key, v) in t.iter().filter(|(k, _)| known.contains(&k.as_str())) {
            self.cited(v, &join(at, key));
        }
    }

    fn ecm(&mut self, value: &Value) {
        let mut known: Vec<&str> = ECM_CITED_KEYS.to_vec();
        known.push(ECM_LIST_KEY);
        let Some(t) = value.as_table() else {
            self.push(ProblemKind::WrongType, "ecm", "[ecm] must be a table");
            return;
        };
        self.unknown_keys(t, &known, "ecm");
        for key in ECM_CITED_KEYS {
            if let Some(v) = t.get(key) {
                self.cited(v, &join("ecm", key));
            }
        }
        if let Some(v) = t.get(ECM_LIST_KEY) {
            match v.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.cited(item, &format!("ecm.{ECM_LIST_KEY}[{}]", i + 1));
                    }
                }
                None => self.push(
                    ProblemKind::WrongType,
                    join("ecm", ECM_LIST_KEY),
                    "must be a list of cited values",
                ),
            }
        }
    }
}

fn join(at: &str, key: &str) -> String {
    if at.is_empty() {
        key.to_string()
    } else if at.starts_with("line ") {
        format!("{at} {key}")
    } else {
        format!("{at}.{key}")
    }
}

/// Inclusive date ranges, open-ended without an end, share at least one day.
fn ranges_overlap(a: (Date, Option<Date>), b: (Date, Option<Date>)) -> bool {
    in_range(b.0, a.0, a.1) || in_range(a.0, b.0, b.1)
}

/// The county names of the spans, each county once.
fn distinct_counties(spans: &[Span]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for s in spans {
        if !out.iter().any(|k| same_county(k, &s.1)) {
            out.push(&s.1);
        }
    }
    out
}
