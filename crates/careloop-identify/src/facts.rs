//! Per-member derived data → [`MemberFacts`] for the eligibility engine (IDENT-SPEC.md
//! "Windows and coverage", "Derivations").

use crate::codes::class;
use crate::day::{self, Day};
use crate::derive::{PersonAcc, StayKind};
use crate::eligibility::{Members, OPEN};
use careloop_domain::eligibility::{
    AvoidableEdReading, EnrollmentSpan, EventKind, HomelessCondition, Indicator, IndicatorKind,
    IndicatorStatus, MemberFacts, Utilization, UtilizationEvent,
};

/// careloop defaults the spec names (all UNCONFIRMED as DHCS policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DerivePolicy {
    /// Homelessness from a Z59.0x code holds this many days after the latest such claim.
    pub homelessness_recency_days: i32,
    /// A pregnancy from claims ends this many days after the latest pregnancy code.
    pub pregnancy_end_days: i32,
    /// Pregnancy codes are looked for in this many months before as_of.
    pub pregnancy_lookback_months: i32,
    /// A SNF stay of at most this many days is short-term.
    pub short_term_snf_max_days: i32,
    /// Claims look-back (the longest POF window).
    pub lookback_months: i32,
    /// Which ED visit days count as avoidable: the plan overlay's `[identification]` setting
    /// (`--plan`), else careloop's default.
    pub avoidable_ed_reading: AvoidableEdReading,
}

impl Default for DerivePolicy {
    fn default() -> Self {
        DerivePolicy {
            homelessness_recency_days: 90,
            pregnancy_end_days: 30,
            pregnancy_lookback_months: 10,
            short_term_snf_max_days: 30,
            lookback_months: 12,
            avoidable_ed_reading: AvoidableEdReading::default(),
        }
    }
}

/// The condition indicator kinds, in [`class::CONDITIONS`] order.
pub const CONDITION_KINDS: [IndicatorKind; 6] = [
    IndicatorKind::SubstanceUseDisorder,
    IndicatorKind::MentalIllness,
    IndicatorKind::IntellectualDevelopmentalDisability,
    IndicatorKind::TraumaticBrainInjury,
    IndicatorKind::HivAids,
    IndicatorKind::ChronicCondition,
];

const _: () = assert!(CONDITION_KINDS.len() == class::CONDITIONS.len());

/// What the facts builder needs besides the member's own data.
pub struct FactsCtx<'a> {
    pub members: &'a Members,
    pub as_of: Day,
    /// The claims extract period (`--claims-from/--claims-through`, else min/max service date).
    pub extract: Option<(Day, Day)>,
    pub policy: DerivePolicy,
}

/// The member's enrollment span for the output row: the one covering as_of, else the latest.
pub fn current_span(members: &Members, p: u32, as_of: Day) -> Option<crate::eligibility::Span> {
    let spans = members.spans(p);
    spans
        .iter()
        .find(|s| s.start <= as_of && as_of <= s.end)
        .or_else(|| spans.iter().max_by_key(|s| (s.start, s.end)))
        .copied()
}

/// Claims coverage: the extract period intersected with the merged enrollment period that
/// covers as_of, else with the latest one; `None` when there is no enrollment or no overlap.
pub fn coverage(ctx: &FactsCtx<'_>, p: u32) -> Option<(Day, Day)> {
    let (from, through) = ctx.extract?;
    let merged = ctx.members.merged(p);
    let span = merged
        .iter()
        .find(|&&(s, e)| s <= ctx.as_of && ctx.as_of <= e)
        .or_else(|| merged.last())?;
    let (f, t) = (from.max(span.0), through.min(span.1));
    (f <= t).then_some((f, t))
}

fn indicator(
    kind: IndicatorKind,
    start: Day,
    end: Option<Day>,
    claim: &str,
    detail: String,
) -> Indicator {
    Indicator {
        kind,
        status: IndicatorStatus::Present,
        start: day::to_date(start),
        end: end.map(day::to_date),
        id: Some(claim.to_string()),
        detail: Some(detail),
        condition: None,
        housing_loss_date: None,
        facility: None,
        state: None,
        waiver: None,
    }
}

/// Build one member's facts: enrollment spans, birth date, claims-derived events and
/// indicators, then the given indicators as they are.
pub fn build(
    ctx: &FactsCtx<'_>,
    p: u32,
    acc: Option<&PersonAcc>,
    given: &[Indicator],
) -> MemberFacts {
    let m = ctx.members;
    let enrollments = m
        .spans(p)
        .iter()
        .map(|s| EnrollmentSpan {
            plan: m.text(s.plan).to_string(),
            county: s.county.map(|c| m.text(c).to_string()),
            line_of_business: m.text(s.lob).to_string(),
            start: day::to_date(s.start),
            end: (s.end != OPEN).then(|| day::to_date(s.end)),
        })
        .collect();
    let cover = coverage(ctx, p);
    let mut events = Vec::new();
    let mut indicators = Vec::new();
    if let Some(acc) = acc {
        events = events_of(ctx, acc);
        derived_indicators(ctx, acc, &mut indicators);
    }
    indicators.extend_from_slice(given);
    MemberFacts {
        member_id: m.ids.get(p as usize).map(|s| s.to_string()),
        birth_date: m.birth.get(p as usize).copied().flatten().map(day::to_date),
        enrollments,
        indicators,
        utilization: Some(Utilization {
            data_from: cover.map(|c| day::to_date(c.0)),
            data_through: cover.map(|c| day::to_date(c.1)),
            events,
        }),
    }
}

/// ED days and stays as engine events, sorted by date, kind, id.
fn events_of(ctx: &FactsCtx<'_>, acc: &PersonAcc) -> Vec<UtilizationEvent> {
    let mut keyed: Vec<(Day, u8, UtilizationEvent)> =
        Vec::with_capacity(acc.ed.len() + acc.stays.len());
    for e in &acc.ed {
        keyed.push((
            e.day,
            0,
            UtilizationEvent {
                id: e.claim.to_string(),
                kind: EventKind::EdVisit,
                date: day::to_date(e.day),
                avoidable: e.avoidable(ctx.policy.avoidable_ed_reading),
                avoidable_reading: Some(ctx.policy.avoidable_ed_reading),
                unplanned: None,
                short_term: None,
                sud_related: Some(e.sud),
            },
        ));
    }
    for s in &acc.stays {
        let (kind, order, short_term, sud) = match s.kind {
            StayKind::Inpatient => (EventKind::InpatientStay, 1, None, Some(s.sud)),
            StayKind::Snf => (
                EventKind::SnfStay,
                2,
                s.short_term(ctx.policy.short_term_snf_max_days),
                None,
            ),
        };
        keyed.push((
            s.day,
            order,
            UtilizationEvent {
                id: s.claim.to_string(),
                kind,
                date: day::to_date(s.day),
                avoidable: None,
                avoidable_reading: None,
                unplanned: s.unplanned(),
                short_term,
                sud_related: sud,
            },
        ));
    }
    keyed.sort_by(|a, b| (a.0, a.1, &a.2.id).cmp(&(b.0, b.1, &b.2.id)));
    keyed.into_iter().map(|(_, _, e)| e).collect()
}

fn derived_indicators(ctx: &FactsCtx<'_>, acc: &PersonAcc, out: &mut Vec<Indicator>) {
    // Justice-involved qualifying conditions: first date in the look-back, open end.
    for (seen, kind) in acc.conditions.iter().zip(CONDITION_KINDS) {
        if let Some(s) = seen {
            out.push(indicator(
                kind,
                s.day,
                None,
                &s.claim,
                format!("claims: {}", s.code.as_str()),
            ));
        }
    }
    // Homelessness: latest Z59.0x date, for the recency period.
    if let Some((s, rank)) = &acc.homeless {
        let mut ind = indicator(
            IndicatorKind::Homelessness,
            s.day,
            Some(s.day + ctx.policy.homelessness_recency_days),
            &s.claim,
            format!("claims: {}", s.code.as_str()),
        );
        ind.condition = match rank {
            1 => Some(HomelessCondition::ShelterOrTemporaryHousing),
            2 => Some(HomelessCondition::PlaceNotMeantForHabitation),
            _ => None,
        };
        out.push(ind);
    }
    // Postpartum: the latest delivery in the look-back; start = delivery date.
    if let Some(d) = &acc.delivery {
        out.push(indicator(
            IndicatorKind::Postpartum,
            d.day,
            None,
            &d.claim,
            format!("claims: {}", d.code.as_str()),
        ));
    }
    // Pregnancy: pregnancy-code days after the latest delivery (a delivery on or after a
    // pregnancy code ends that pregnancy); start = first, end = latest + 30 days.
    let after_delivery = |day: Day| acc.delivery.as_ref().is_none_or(|d| day > d.day);
    let days = acc.pregnancy.iter().filter(|s| after_delivery(s.day));
    let first = days
        .clone()
        .min_by(|a, b| (a.day, &a.claim).cmp(&(b.day, &b.claim)));
    let last = days.map(|s| s.day).max();
    if let (Some(first), Some(last)) = (first, last) {
        out.push(indicator(
            IndicatorKind::Pregnancy,
            first.day,
            Some(last + ctx.policy.pregnancy_end_days),
            &first.claim,
            format!("claims: {}", first.code.as_str()),
        ));
    }
}
