//! Shared builders for the eligibility tests (synthetic data only). Included by the
//! `eligibility_*` test files with `#[path]`; also compiled alone as an empty test target.
#![allow(dead_code)]

use careloop_domain::PolicyPack;
use careloop_domain::eligibility::{
    Determination, EnrollmentSpan, EventKind, Indicator, IndicatorKind, IndicatorStatus,
    MemberFacts, Outcome, Utilization, UtilizationEvent, determine,
};
use jiff::civil::{Date, date};

/// The as-of date used throughout the examples and tests.
pub const AS_OF: Date = date(2026, 11, 22);

pub fn pack() -> PolicyPack {
    match PolicyPack::embedded() {
        Ok(p) => p,
        Err(e) => unreachable!("embedded pack must load: {e}"),
    }
}

/// The embedded pack with HPSM's D-SNP ("CareAdvantage") excluded from ECM, as the HPSM
/// overlay states it (CALAIM.md §2.4 [4]); added here if the overlay in this build lacks it.
pub fn medi_cal(plan: &str) -> EnrollmentSpan {
    EnrollmentSpan {
        plan: plan.to_string(),
        county: None,
        line_of_business: "medi-cal".to_string(),
        start: date(2024, 1, 1),
        end: None,
    }
}

pub fn ind(kind: IndicatorKind, start: Date) -> Indicator {
    Indicator {
        kind,
        status: IndicatorStatus::Present,
        start,
        end: None,
        id: Some(format!("{}-{start}", kind.name())),
        detail: None,
        condition: None,
        housing_loss_date: None,
        facility: None,
        state: None,
        waiver: None,
    }
}

pub fn absent(kind: IndicatorKind, start: Date) -> Indicator {
    Indicator {
        status: IndicatorStatus::Absent,
        ..ind(kind, start)
    }
}

/// Enrolled in Medi-Cal, assessed as in none of the excluding programs.
pub fn member(birth: Option<Date>) -> MemberFacts {
    let d = date(2026, 11, 1);
    MemberFacts {
        member_id: Some("SYN-TEST".to_string()),
        birth_date: birth,
        enrollments: vec![medi_cal("alameda-alliance")],
        indicators: [
            IndicatorKind::Hospice,
            IndicatorKind::Pace,
            IndicatorKind::Ccm,
            IndicatorKind::Cct,
            IndicatorKind::Waiver1915c,
        ]
        .into_iter()
        .map(|k| absent(k, d))
        .collect(),
        utilization: None,
    }
}

pub fn adult() -> MemberFacts {
    member(Some(date(1980, 3, 15)))
}

pub fn child() -> MemberFacts {
    member(Some(date(2012, 6, 1)))
}

pub fn with(mut facts: MemberFacts, inds: Vec<Indicator>) -> MemberFacts {
    facts.indicators.extend(inds);
    facts
}

pub fn event(id: &str, kind: EventKind, day: Date) -> UtilizationEvent {
    UtilizationEvent {
        id: id.to_string(),
        kind,
        date: day,
        avoidable: None,
        avoidable_reading: None,
        unplanned: None,
        short_term: None,
        sud_related: None,
    }
}

pub fn avoidable_ed(id: &str, day: Date) -> UtilizationEvent {
    UtilizationEvent {
        avoidable: Some(true),
        ..event(id, EventKind::EdVisit, day)
    }
}

pub fn unplanned_stay(id: &str, day: Date) -> UtilizationEvent {
    UtilizationEvent {
        unplanned: Some(true),
        ..event(id, EventKind::InpatientStay, day)
    }
}

/// Claims history complete from 2024-01-01 through as_of.
pub fn complete_history(events: Vec<UtilizationEvent>) -> Utilization {
    Utilization {
        data_from: Some(date(2024, 1, 1)),
        data_through: Some(AS_OF),
        events,
    }
}

pub fn run(facts: &MemberFacts) -> Determination {
    determine(facts, AS_OF, &pack())
}

pub fn status(det: &Determination, code: &str) -> Outcome {
    det.population(code)
        .map(|p| p.status)
        .unwrap_or(Outcome::Undetermined)
}

/// Every evidence id under a rule, searching all populations, exclusions and CS.
pub fn evidence_ids(det: &Determination, rule: &str) -> Vec<String> {
    let traces = det
        .populations
        .iter()
        .flat_map(|p| p.criteria.iter())
        .chain(det.exclusions.iter())
        .chain(
            det.community_supports
                .iter()
                .flat_map(|c| c.criteria.iter()),
        );
    traces
        .filter_map(|t| t.find(rule))
        .flat_map(|t| t.evidence.iter().filter_map(|e| e.id.clone()))
        .collect()
}

pub fn days_before(d: Date, n: i64) -> Date {
    d.saturating_sub(jiff::Span::new().days(n))
}
