//! Community Supports limits in the staff UI (issue #4): the limit-check input built from a
//! member's CS authorizations in the user's organization's view, the domain's check
//! (`careloop_domain::cs_limits::check`) run on it, and the rule lines the pages show.
//!
//! The UI's reading of an authorization's `units` (the app stores a bare number): respite →
//! whole hours; environmental accessibility adaptations, asthma remediation and community or
//! home transition services → whole US dollars; sobering centers → hours of the stay; other
//! Community Supports → not used by the limit check (their rules count days from the period).
//! History is what the user's organization may see: decided CS authorizations of the member,
//! approved or approved as modified. Lifetime counters are cross-plan in the rules
//! (CALAIM.md §3.3); authorizations by another plan that this organization cannot see are not
//! counted, and nursing facility stays are not known to the app (the 60-day rules are then
//! undetermined, which refuses an approval of those Community Supports).

use careloop_app::authorization::AuthorizationRecord;
use careloop_domain::CsId;
use careloop_domain::cs_limits::{
    Cents, CsLimitInput, HistoryItem, HistoryKind, HistoryStatus, Hours, LimitDecision, Proposal,
    Quantity, RuleTrace,
};
use careloop_domain::workflow::authorization::{DecisionOutcome, Service};
use jiff::civil::Date;

/// Hours, cents and stay hours that `units` stand for, by Community Support.
fn quantities(cs: CsId, units: Option<u32>) -> (Option<Hours>, Option<Cents>, Option<Hours>) {
    let Some(u) = units.map(u64::from) else {
        return (None, None, None);
    };
    match cs {
        CsId::Respite => (Some(Hours::whole(u)), None, None),
        CsId::EnvironmentalAccessibilityAdaptations
        | CsId::AsthmaRemediation
        | CsId::CommunityHomeTransition => (None, Some(Cents(u.saturating_mul(100))), None),
        CsId::SoberingCenters => (None, None, Some(Hours::whole(u))),
        _ => (None, None, None),
    }
}

/// The member's approved CS authorizations (other than `except`) as limit-check history.
pub(crate) fn history(records: &[AuthorizationRecord], except: &str) -> Vec<HistoryItem> {
    records
        .iter()
        .filter(|r| r.id != except)
        .filter_map(|r| {
            let Some(Service::Cs(cs)) = r.state.service else {
                return None;
            };
            let d = r.state.decision.as_ref()?;
            if !matches!(
                d.outcome,
                DecisionOutcome::Approved | DecisionOutcome::ApprovedAsModified
            ) {
                return None;
            }
            let period = d.period.as_ref()?;
            let (hours, amount_cents, _) = quantities(cs, d.units.or(r.state.requested.units));
            Some(HistoryItem {
                id: r.id.clone(),
                cs,
                kind: HistoryKind::Authorization,
                plan: r.plan_id.clone().unwrap_or_default(),
                start: period.start,
                end: period.through,
                hours,
                amount_cents,
                status: HistoryStatus::Approved,
            })
        })
        .collect()
}

/// The check input proposing `cs` from `start` through `end` with `units`.
pub(crate) fn input(
    member_id: &str,
    cs: CsId,
    plan: &str,
    start: Date,
    end: Date,
    units: Option<u32>,
    history: Vec<HistoryItem>,
) -> CsLimitInput {
    let (hours, amount_cents, stay_hours) = quantities(cs, units);
    CsLimitInput {
        member_id: Some(member_id.to_owned()),
        history,
        nursing_facility_stays: None,
        proposed: Proposal {
            cs,
            plan: plan.to_owned(),
            start,
            end,
            hours,
            amount_cents,
            stay_hours,
            exception: None,
        },
    }
}

fn amount(q: Quantity) -> String {
    match q {
        Quantity::Hours(h) => format!("{h} hours"),
        Quantity::Cents(c) => c.to_string(),
        Quantity::Days(d) => format!("{d} days"),
        Quantity::Episodes(n) => format!("{n} episodes"),
    }
}

/// One rule as the decision screen shows it.
pub(crate) struct RuleLine {
    pub outcome: String,
    pub description: String,
    pub counts: String,
    pub message: String,
    pub citation: String,
}

fn counts(r: &RuleTrace) -> String {
    let mut parts = Vec::new();
    if let Some(u) = r.used {
        parts.push(format!("used {}", amount(u)));
    }
    if let Some(p) = r.proposed {
        parts.push(format!("this request {}", amount(p)));
    }
    if let Some(l) = r.limit {
        parts.push(format!("limit {}", amount(l)));
    }
    if let Some(left) = r.remaining {
        parts.push(format!("left after it {}", amount(left)));
    }
    if let Some(w) = r.window {
        parts.push(format!("counted {} through {}", w.from, w.through));
    }
    parts.join("; ")
}

pub(crate) fn rule_lines(d: &LimitDecision) -> Vec<RuleLine> {
    d.rules
        .iter()
        .map(|r| RuleLine {
            outcome: r.outcome.to_string(),
            description: r.description.clone(),
            counts: counts(r),
            message: r.message.clone(),
            citation: r.citation.source.clone(),
        })
        .collect()
}

/// "210 of 336 hours used (2026-01-01 through 2026-12-31)" lines for the member record: for each
/// Community Support the member has approved authorizations of, the counting rules' use against
/// their limits, from the domain's check of a zero-quantity proposal on `today`.
pub(crate) fn use_lines(
    member_id: &str,
    records: &[AuthorizationRecord],
    today: Date,
    pack: &careloop_domain::policy::PolicyPack,
) -> Vec<String> {
    let history = history(records, "");
    let mut services: Vec<CsId> = history.iter().map(|h| h.cs).collect();
    services.sort();
    services.dedup();
    let mut lines = Vec::new();
    for cs in services {
        let mut probe = input(member_id, cs, "", today, today, None, history.clone());
        probe.proposed.hours = Some(Hours::whole(0));
        probe.proposed.amount_cents = Some(Cents(0));
        let decision = careloop_domain::cs_limits::check(&probe, pack);
        for r in &decision.rules {
            if let (Some(used), Some(limit)) = (r.used, r.limit) {
                let window = r
                    .window
                    .map(|w| format!(" ({} through {})", w.from, w.through))
                    .unwrap_or_default();
                lines.push(format!(
                    "{}: {} of {} used{} — {}",
                    cs.as_str().replace('-', " "),
                    amount(used),
                    amount(limit),
                    window,
                    r.description
                ));
            }
        }
    }
    lines
}
