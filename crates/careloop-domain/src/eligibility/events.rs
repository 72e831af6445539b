//! Counting ED visits and stays in a look-back window (POF 2, POF 3 adult).
//!
//! A count at or above the threshold is `met` whatever the data coverage; below it, `not_met`
//! only when the claims history is complete for the whole window, otherwise `undetermined`
//! naming the missing coverage (and any event whose qualifying flag is unknown).

use super::ctx::Ctx;
use super::facts::UtilizationEvent;
use super::trace::{Evidence, Outcome, Trace};
use crate::cite::Citation;

/// How one event counts toward a threshold.
pub enum Counts {
    Yes,
    No,
    /// The flag named is not recorded on the event.
    Unknown(&'static str),
}

/// A threshold count over a window of `months` months ending on as_of.
pub struct CountRule<'r> {
    pub rule: &'r str,
    pub description: &'r str,
    pub threshold: u32,
    pub months: i32,
    pub citation: Citation,
}

/// Evaluate a [`CountRule`] with `classify` deciding how each event counts.
pub fn count_events(
    ctx: &Ctx<'_>,
    spec: CountRule<'_>,
    classify: impl Fn(&UtilizationEvent) -> Counts,
) -> Trace {
    let window = ctx.months_window(spec.months);
    let (events, covered) = match &ctx.facts.utilization {
        Some(u) => (u.events.as_slice(), u.covers(window.from, window.through)),
        None => (&[][..], false),
    };
    let mut counted = Vec::new();
    let mut unknown = Vec::new();
    let mut in_window: Vec<&UtilizationEvent> = events
        .iter()
        .filter(|e| e.date >= window.from && e.date <= window.through)
        .collect();
    // Order-independent evidence: by date, then id.
    in_window.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));
    for ev in in_window {
        match classify(ev) {
            Counts::Yes => counted.push(Evidence::event(ev)),
            Counts::No => {}
            Counts::Unknown(flag) => unknown.push(format!("utilization.events[{}].{flag}", ev.id)),
        }
    }
    let threshold = usize::try_from(spec.threshold).unwrap_or(usize::MAX);
    let (outcome, missing) = if counted.len() >= threshold {
        (Outcome::Met, Vec::new())
    } else if covered && counted.len() + unknown.len() < threshold {
        (Outcome::NotMet, Vec::new())
    } else {
        let mut missing = unknown;
        if !covered {
            missing.push(match &ctx.facts.utilization {
                None => "utilization".to_string(),
                Some(_) => format!(
                    "utilization history complete from {} through {}",
                    window.from, window.through
                ),
            });
        }
        (Outcome::Undetermined, missing)
    };
    let description = format!(
        "{} (found {} in {}..={})",
        spec.description,
        counted.len(),
        window.from,
        window.through
    );
    Trace::leaf(spec.rule, description, outcome, spec.citation)
        .with_evidence(counted)
        .with_missing(missing)
        .with_threshold(i64::from(spec.threshold))
        .with_window(window)
}

/// Avoidable ED visit.
pub fn avoidable_ed_visit(ev: &UtilizationEvent) -> Counts {
    use super::facts::EventKind;
    match ev.kind {
        EventKind::EdVisit => flag(ev.avoidable, "avoidable"),
        _ => Counts::No,
    }
}

/// Unplanned hospital stay, or unplanned short-term SNF stay.
pub fn unplanned_stay(ev: &UtilizationEvent) -> Counts {
    use super::facts::EventKind;
    match ev.kind {
        EventKind::EdVisit => Counts::No,
        EventKind::InpatientStay => flag(ev.unplanned, "unplanned"),
        EventKind::SnfStay => match (ev.unplanned, ev.short_term) {
            (Some(false), _) | (_, Some(false)) => Counts::No,
            (Some(true), Some(true)) => Counts::Yes,
            (None, _) => Counts::Unknown("unplanned"),
            (_, None) => Counts::Unknown("short_term"),
        },
    }
}

/// ED visit or hospital stay for SUD.
pub fn sud_visit_or_stay(ev: &UtilizationEvent) -> Counts {
    use super::facts::EventKind;
    match ev.kind {
        EventKind::EdVisit | EventKind::InpatientStay => flag(ev.sud_related, "sud_related"),
        EventKind::SnfStay => Counts::No,
    }
}

fn flag(value: Option<bool>, name: &'static str) -> Counts {
    match value {
        Some(true) => Counts::Yes,
        Some(false) => Counts::No,
        None => Counts::Unknown(name),
    }
}
