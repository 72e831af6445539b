//! Explanations in plain words, built only from what the app stored: the member's eligibility
//! determination (the engine's trace with citations) and the clock engine's explanation of a
//! request's due time. Nothing is re-decided here.

use careloop_domain::eligibility::{Determination, Outcome, Trace};
use serde_json::Value;

/// One line of a "why" list.
pub(crate) struct WhyLine {
    pub depth: usize,
    pub text: String,
    pub outcome: &'static str,
    pub class: &'static str,
    pub detail: String,
    pub citation: String,
    pub unconfirmed: bool,
    /// The documents the citation names by number, in words (issue #16 item 5).
    pub documents: Vec<DocLink>,
}

/// A cited document: "DHCS, “Title” (2024-10-09)" and its address, if known.
pub(crate) struct DocLink {
    pub text: String,
    pub url: String,
}

/// The documents a citation names ("[4][8]"), from the pack's source list.
pub(crate) fn doc_links(source: &str) -> Vec<DocLink> {
    careloop_domain::cite::cited_documents(source)
        .into_iter()
        .map(|d| {
            let mut text = match &d.publisher {
                Some(p) => format!("{p}, \u{201c}{}\u{201d}", d.title),
                None => d.title.clone(),
            };
            if let Some(date) = d.date {
                text.push_str(&format!(" ({date})"));
            }
            DocLink {
                text,
                url: d.url.clone().unwrap_or_default(),
            }
        })
        .collect()
}

fn outcome_words(o: Outcome) -> (&'static str, &'static str) {
    match o {
        Outcome::Met => ("met", "met"),
        Outcome::NotMet => ("not met", "not-met"),
        Outcome::Undetermined => ("undetermined", "undetermined"),
    }
}

/// An age criterion the member's age does not meet: a leaf whose evidence is the birth date
/// (the engine's `age_between`), not met.
fn age_excluded(t: &Trace) -> bool {
    t.outcome == Outcome::NotMet
        && t.all_of.is_empty()
        && t.any_of.is_empty()
        && t.evidence.iter().any(|e| e.kind == "birth_date")
}

/// A branch of criteria for another age group: one of its required criteria is an age the
/// member is not.
fn other_age_group(criteria: &[Trace]) -> bool {
    criteria.iter().any(age_excluded)
}

const NOT_APPLICABLE: (&str, &str) = ("not applicable (another age group)", "not-applicable");

/// The trace as indented lines: each criterion, its outcome, the evidence and the citation. A
/// branch for another age group is one line, "not applicable", without its criteria.
pub(crate) fn trace_lines(trace: &Trace, depth: usize, out: &mut Vec<WhyLine>) {
    let na = other_age_group(&trace.all_of) || age_excluded(trace);
    let (outcome, class) = if na {
        NOT_APPLICABLE
    } else {
        outcome_words(trace.outcome)
    };
    let mut detail = Vec::new();
    if !trace.evidence.is_empty() {
        let ev: Vec<String> = trace
            .evidence
            .iter()
            .map(|e| {
                let mut s = crate::fact_words::fact_words(&e.kind);
                if let Some(d) = e.date {
                    s.push_str(&format!(" on {d}"));
                }
                if let Some(x) = &e.detail {
                    s.push_str(&format!(" ({x})"));
                }
                s
            })
            .collect();
        detail.push(format!("Evidence: {}.", ev.join("; ")));
    }
    if let Some(t) = trace.threshold {
        detail.push(format!("Needs at least {t}."));
    }
    if let Some(w) = &trace.window {
        detail.push(format!("Looked at {} to {}.", w.from, w.through));
    }
    if !trace.missing.is_empty() {
        detail.push(format!(
            "Missing facts: {}",
            crate::fact_words::checklist(&trace.missing).join("; ")
        ));
    }
    out.push(WhyLine {
        depth,
        text: crate::fact_words::plain(&trace.description),
        outcome,
        class,
        detail: detail.join(" "),
        citation: trace.citation.source.clone(),
        unconfirmed: trace.citation.unconfirmed,
        documents: doc_links(&trace.citation.source),
    });
    if na {
        return;
    }
    for child in trace.all_of.iter().chain(trace.any_of.iter()) {
        trace_lines(child, depth + 1, out);
    }
}

/// One Population of Focus with its reasons.
pub(crate) struct PofView {
    pub code: String,
    pub name: String,
    pub outcome: &'static str,
    pub class: &'static str,
    pub lines: Vec<WhyLine>,
}

/// A stored determination, explained.
pub(crate) struct EligibilityView {
    pub as_of: String,
    pub policy_version: String,
    pub summary: String,
    pub summary_class: &'static str,
    pub met: Vec<PofView>,
    pub others: Vec<PofView>,
    pub exclusions: Vec<WhyLine>,
    pub cs_met: Vec<String>,
    /// The facts still missing, in plain words, each once: a checklist to collect.
    pub missing: Vec<String>,
}

pub(crate) fn eligibility(d: &Determination) -> EligibilityView {
    let pof = |p: &careloop_domain::eligibility::PopulationResult| {
        let (outcome, class) = if p.status != Outcome::Met && other_age_group(&p.criteria) {
            NOT_APPLICABLE
        } else {
            outcome_words(p.status)
        };
        let mut lines = Vec::new();
        for c in &p.criteria {
            trace_lines(c, 0, &mut lines);
        }
        PofView {
            code: p.code.clone(),
            name: p.name.clone(),
            outcome,
            class,
            lines,
        }
    };
    let met: Vec<PofView> = d
        .populations
        .iter()
        .filter(|p| p.status == Outcome::Met)
        .map(pof)
        .collect();
    let others = d
        .populations
        .iter()
        .filter(|p| p.status != Outcome::Met)
        .map(pof)
        .collect();
    let mut exclusions = Vec::new();
    for x in &d.exclusions {
        trace_lines(x, 0, &mut exclusions);
    }
    // An exclusion trace is "met" when the exclusion applies.
    for line in exclusions.iter_mut() {
        line.outcome = match line.outcome {
            "met" => "applies",
            "not met" => "does not apply",
            other => other,
        };
    }
    let applying: Vec<&str> = d
        .exclusions
        .iter()
        .filter(|x| x.outcome == Outcome::Met)
        .map(|x| x.description.as_str())
        .collect();
    let (summary, summary_class) = match d.ecm_eligible {
        Some(true) => (
            format!(
                "Eligible for ECM on {}: meets {} Population(s) of Focus ({}) and no exclusion applies.",
                d.as_of,
                met.len(),
                met.iter()
                    .map(|p| p.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "met",
        ),
        Some(false) if !applying.is_empty() => (
            format!(
                "Not eligible for ECM on {}: excluded ({}).",
                d.as_of,
                applying.join("; ")
            ),
            "not-met",
        ),
        Some(false) => (
            format!(
                "Not eligible for ECM on {}: no Population of Focus is met, or the member is not enrolled.",
                d.as_of
            ),
            "not-met",
        ),
        None => (
            format!(
                "ECM eligibility cannot be decided on {} until the facts listed below are known.",
                d.as_of,
            ),
            "undetermined",
        ),
    };
    EligibilityView {
        as_of: d.as_of.to_string(),
        policy_version: d.policy_version.clone(),
        summary,
        summary_class,
        met,
        others,
        exclusions,
        cs_met: d
            .community_supports
            .iter()
            .filter(|c| c.status == Outcome::Met)
            .map(|c| {
                let name = c.id.as_str().replace('-', " ");
                if c.offered == Some(false) {
                    format!("{name} (not offered by the plan here)")
                } else {
                    name
                }
            })
            .collect(),
        missing: crate::fact_words::checklist(&d.missing_facts),
    }
}

fn text(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    match cur {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn rule_line(label: &str, rule: &Value) -> Option<String> {
    let description = text(rule, &["description"])?;
    let due = text(rule, &["due"]).unwrap_or_default();
    let source = text(rule, &["citation", "source"]).unwrap_or_default();
    let unconfirmed = rule
        .get("citation")
        .and_then(|c| c.get("unconfirmed"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Some(format!(
        "{label}: {description}, due {due}. Source: {source}{}",
        if unconfirmed { " (UNCONFIRMED)" } else { "" }
    ))
}

/// The clock engine's stored explanation (`DueRecord::explanation`) as sentences.
pub(crate) fn clock_lines(explanation: &Value) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(rule) = explanation.get("state_rule") {
        let whose = match text(rule, &["source"]).as_deref() {
            Some("plan") => "The plan's rule",
            _ => "The statewide rule",
        };
        lines.extend(rule_line(whose, rule));
    }
    if let Some(rule) = explanation.get("federal_rule") {
        lines.extend(rule_line("The federal rule (CMS-0057-F)", rule));
    }
    match text(explanation, &["winner"]).as_deref() {
        Some("federal") => {
            lines.push("The federal rule is earlier, so it sets the due time.".to_owned())
        }
        Some("state") if explanation.get("federal_rule").is_some() => {
            lines.push("The state or plan rule is earlier, so it sets the due time.".to_owned())
        }
        Some("equal") => lines.push("Both rules give the same due time.".to_owned()),
        _ => {}
    }
    if let Some(days) = explanation
        .get("holidays_skipped")
        .and_then(Value::as_array)
        && !days.is_empty()
    {
        let names: Vec<String> = days
            .iter()
            .map(|d| {
                format!(
                    "{} ({})",
                    text(d, &["name"]).unwrap_or_default(),
                    text(d, &["date"]).unwrap_or_default()
                )
            })
            .collect();
        lines.push(format!(
            "Holidays not counted as working days: {}.",
            names.join(", ")
        ));
    }
    if let Some(n) = explanation.get("weekends_skipped").and_then(Value::as_u64)
        && n > 0
    {
        lines.push(format!("{n} weekend day(s) not counted as working days."));
    }
    if explanation.get("cap_applied").and_then(Value::as_bool) == Some(true) {
        lines.push("The due time was cut back to the 14-calendar-day ceiling.".to_owned());
    }
    if let Some(d) = text(explanation, &["pend", "description"]) {
        lines.push(d);
    }
    if let Some(d) = text(explanation, &["extension", "description"]) {
        let reason = text(explanation, &["extension", "reason"]).unwrap_or_default();
        lines.push(format!("{d} Reason recorded: {reason}"));
    }
    if let Some(notes) = explanation.get("notes").and_then(Value::as_array) {
        lines.extend(notes.iter().filter_map(|n| n.as_str().map(str::to_owned)));
    }
    if let Some(v) = text(explanation, &["policy_version"]) {
        lines.push(format!("Policy version {v}."));
    }
    lines
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_explanation_reads_as_sentences() {
        let v = serde_json::json!({
            "state_rule": {"source": "statewide", "description": "5 working days", "due": "2026-12-08T23:59:59-08:00",
                           "citation": {"source": "CALAIM.md §4.1 [40]"}},
            "federal_rule": {"source": "federal", "description": "7 calendar days", "due": "2026-12-09T10:00:00-08:00",
                             "citation": {"source": "42 CFR 438.210(d)", "unconfirmed": true}},
            "winner": "state",
            "holidays_skipped": [{"date": "2026-12-25", "name": "Christmas Day"}],
            "weekends_skipped": 2,
            "cap_applied": false,
            "notes": ["a note"],
            "policy_version": "2026.1"
        });
        let lines = clock_lines(&v);
        assert_eq!(
            lines[0],
            "The statewide rule: 5 working days, due 2026-12-08T23:59:59-08:00. Source: CALAIM.md §4.1 [40]"
        );
        assert!(lines[1].ends_with("(UNCONFIRMED)"), "{lines:?}");
        assert!(
            lines
                .iter()
                .any(|l| l.contains("Christmas Day (2026-12-25)"))
        );
        assert!(lines.iter().any(|l| l.starts_with("2 weekend day(s)")));
        assert!(lines.iter().any(|l| l == "a note"));
        assert_eq!(lines.last().unwrap(), "Policy version 2026.1.");
    }
}
