//! How the staff UI shows Community Supports limits (issue #4): the rule lines of the domain's
//! check and the "used of limit" lines of the member record. The check's input (which
//! authorizations count, what `units` stand for) is careloop-app's (`careloop_app::cs_use`).

use careloop_app::authorization::AuthorizationRecord;
use careloop_app::cs_use::{history, input};
use careloop_domain::CsId;
use careloop_domain::cs_limits::{Cents, Hours, LimitDecision, Quantity, RuleTrace};
use jiff::civil::Date;

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
/// their limits, from the domain's check of a zero-quantity proposal on `today` under the
/// member's plan (`plan`; when absent or unknown, the plan of an authorization in the history:
/// the check refuses a proposal under a plan the pack does not know, issue #12).
pub(crate) fn use_lines(
    member_id: &str,
    plan: Option<&str>,
    records: &[AuthorizationRecord],
    today: Date,
    pack: &careloop_domain::policy::PolicyPack,
) -> Vec<String> {
    let history = history(records, "");
    let plan = plan
        .into_iter()
        .chain(history.iter().map(|h| h.plan.as_str()))
        .find(|p| pack.plan(p).is_some())
        .unwrap_or_default()
        .to_owned();
    let mut services: Vec<CsId> = history.iter().map(|h| h.cs).collect();
    services.sort();
    services.dedup();
    let mut lines = Vec::new();
    for cs in services {
        let mut probe = input(member_id, cs, &plan, today, today, None, history.clone());
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
