//! The UM decision due time: the plan's or the state rule, the CMS-0057-F overlay, pend for
//! information, deferral/extension, and the 14-day ceiling (CALAIM.md §4.1, §4.3, §12).

use crate::cite::{Citation, Cited};
use crate::clock::count::{DayCount, add_calendar_days, after_hours, count_days, end_of_day};
use crate::clock::{
    ClockError, ClockKind, ClockPolicy, ClockRequest, DayCounting, DayRule, Deadline, Explanation,
    ExtensionNote, PendNote, PlanClockPolicy, RuleDue, RuleSource, Winner,
};
use crate::policy::PolicyPack;
use jiff::Zoned;
use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The decision due time for `request` under `pack`.
///
/// State rule: the plan overlay's value when it has one, else the statewide value
/// (CALAIM.md §4.1 [40][1]). For pre-service requests received on or after the CMS-0057-F
/// effective date (compared on the local receipt date) the federal rule is also computed and the
/// earlier due time wins (CALAIM.md §4.1, §4.3 [44][46]).
pub fn due(request: &ClockRequest, pack: &PolicyPack) -> Result<Deadline, ClockError> {
    let plan_clocks = match &request.plan {
        None => None,
        Some(id) => Some(
            &pack
                .plan(id)
                .ok_or_else(|| ClockError::UnknownPlan {
                    plan: id.clone(),
                    known: pack.plans.iter().map(|p| p.id.clone()).collect(),
                })?
                .clocks,
        ),
    };
    let clocks = &pack.clocks;
    let zone = &clocks.time_zone.value;
    let tz = TimeZone::get(zone).map_err(|e| ClockError::UnknownTimeZone {
        zone: zone.clone(),
        message: e.to_string(),
    })?;
    check_request(request)?;

    let received = request.received.to_zoned(tz.clone());
    let day0 = received.date();
    let cap_date = add_calendar_days(day0, clocks.extension_max_days.value)?;
    let cap = end_of_day(cap_date, &tz)?;
    let extension = request.extension_reason.as_deref().map(str::trim);

    let mut notes = Vec::new();
    let mut counted: Option<DayCount> = None;
    let mut pend = None;
    let (state_value, source) = state_value(request.kind, clocks, plan_clocks);
    let mut state = match state_value {
        RuleValue::Hours(hours) => RuleDue {
            source,
            description: format!("{} hours", hours.value),
            due: after_hours(request.received, hours.value, &tz)?,
            citation: hours.citation(),
        },
        RuleValue::Days(rule) => {
            let mut start = day0;
            if let Some(info) = request.info_received {
                let info = info.to_zoned(tz.clone());
                start = info.date();
                pend = Some(PendNote {
                    description: format!(
                        "pended for information: the state clock runs from {start} (day 0), the local date the information arrived (CALAIM.md §4.1 [40])"
                    ),
                    clock_start: start,
                    info_received: info,
                });
            }
            let count = count_days(start, rule.value, &pack.holidays)?;
            let due = end_of_day(count.date, &tz)?;
            counted = Some(count);
            RuleDue {
                source,
                description: describe_days(rule.value, pend.as_ref().map(|p| p.clock_start)),
                due,
                citation: rule.citation(),
            }
        }
    };

    let mut cap_applied = false;
    let mut extension_note = None;
    if let Some(reason) = extension {
        let days = clocks.extension_max_days.value;
        state = RuleDue {
            source: RuleSource::Statewide,
            description: format!("extended to the end of calendar day {days} after receipt"),
            due: cap.clone(),
            citation: clocks.extension_max_days.citation(),
        };
        counted = None;
        extension_note = Some(ExtensionNote {
            reason: reason.to_string(),
            description: format!(
                "deferral/extension: due at the end of calendar day {days} after the original request ({cap_date}); member and practitioner get written notice (CALAIM.md §4.1 [40])"
            ),
            citation: clocks.extension_max_days.citation(),
            federal_citation: None,
        });
    } else if request.kind.is_pre_service() && state.due > cap {
        cap_applied = true;
        state.description = format!(
            "{}, capped at the end of calendar day {} after receipt",
            state.description, clocks.extension_max_days.value
        );
        state.due = cap.clone();
        notes.push(format!(
            "the state due time may not pass the end of calendar day {} after receipt ({cap_date}); capped ({})",
            clocks.extension_max_days.value, clocks.extension_max_days.source
        ));
    }

    let federal = federal_rule(request, clocks, day0, &received, &tz, &mut notes)?;
    if let (Some(fed), Some(note)) = (&federal, extension_note.as_mut()) {
        note.federal_citation = Some(fed.citation.clone());
    }
    if pend.is_some() && federal.is_some() {
        notes.push(
            "the CMS-0057-F clock runs from receipt of the request; pending for information does not move it".to_string(),
        );
    }

    let (winner, due) = match &federal {
        None => (Winner::State, state.due.clone()),
        Some(fed) => match fed.due.timestamp().cmp(&state.due.timestamp()) {
            std::cmp::Ordering::Less => (Winner::Federal, fed.due.clone()),
            std::cmp::Ordering::Equal => (Winner::Equal, state.due.clone()),
            std::cmp::Ordering::Greater => (Winner::State, state.due.clone()),
        },
    };
    if let (Some(fed), Some(note)) = (&federal, extension_note.as_mut()) {
        let verdict = match winner {
            Winner::State => "the California rule is stricter and applies",
            Winner::Federal => "the federal rule is stricter and applies",
            Winner::Equal => "both rules give the same time",
        };
        note.description = format!(
            "{}; the federal limit with its extension is {} ({}): {verdict}",
            note.description,
            crate::clock::format_rfc3339(&fed.due),
            fed.description
        );
    }
    let rule = rule_text(request.kind, &state, federal.as_ref(), winner);
    let (holidays_skipped, weekends_skipped) = match counted {
        Some(c) => (c.holidays_skipped, c.weekends_skipped),
        None => (Vec::new(), 0),
    };
    Ok(Deadline {
        due,
        rule,
        kind: request.kind,
        plan: request.plan.clone(),
        received,
        time_zone: zone.clone(),
        explanation: Explanation {
            state_rule: state,
            federal_rule: federal,
            winner,
            holidays_skipped,
            weekends_skipped,
            cap_applied,
            pend,
            extension: extension_note,
            notes,
            policy_version: pack.version().to_string(),
        },
    })
}

/// Input checks: information cannot arrive before the request; an extension needs a reason;
/// pend applies to the non-urgent pre-service clock only (it runs "from receipt of the
/// information needed to decide", CALAIM.md §4.1 [40]); deferral/extension to pre-service only.
fn check_request(request: &ClockRequest) -> Result<(), ClockError> {
    if let Some(info) = request.info_received {
        if info < request.received {
            return Err(ClockError::InfoBeforeReceipt {
                received: request.received,
                info_received: info,
            });
        }
        if request.kind != ClockKind::NonUrgentPreService {
            return Err(ClockError::PendNotApplicable { kind: request.kind });
        }
    }
    if let Some(reason) = &request.extension_reason {
        if reason.trim().is_empty() {
            return Err(ClockError::EmptyExtensionReason);
        }
        if !request.kind.is_pre_service() {
            return Err(ClockError::ExtensionNotApplicable { kind: request.kind });
        }
    }
    Ok(())
}

enum RuleValue<'a> {
    Hours(&'a Cited<u32>),
    Days(&'a Cited<DayRule>),
}

/// The plan's value when its overlay sets one, else the statewide value.
fn state_value<'a>(
    kind: ClockKind,
    clocks: &'a ClockPolicy,
    plan: Option<&'a PlanClockPolicy>,
) -> (RuleValue<'a>, RuleSource) {
    fn pick<'a, T>(
        plan: Option<&'a Cited<T>>,
        statewide: &'a Cited<T>,
    ) -> (&'a Cited<T>, RuleSource) {
        match plan {
            Some(v) => (v, RuleSource::Plan),
            None => (statewide, RuleSource::Statewide),
        }
    }
    match kind {
        ClockKind::UrgentPreService => {
            let (v, s) = pick(
                plan.and_then(|p| p.urgent_pre_service_hours.as_ref()),
                &clocks.urgent_pre_service_hours,
            );
            (RuleValue::Hours(v), s)
        }
        ClockKind::NonUrgentPreService => {
            let (v, s) = pick(
                plan.and_then(|p| p.non_urgent_pre_service.as_ref()),
                &clocks.non_urgent_pre_service,
            );
            (RuleValue::Days(v), s)
        }
        ClockKind::UrgentConcurrent => {
            let (v, s) = pick(
                plan.and_then(|p| p.urgent_concurrent_hours.as_ref()),
                &clocks.urgent_concurrent_hours,
            );
            (RuleValue::Hours(v), s)
        }
        ClockKind::PostService => {
            let (v, s) = pick(
                plan.and_then(|p| p.post_service.as_ref()),
                &clocks.post_service,
            );
            (RuleValue::Days(v), s)
        }
    }
}

/// CMS-0057-F: standard 7 calendar days (end of day 7), expedited 72 hours, for pre-service
/// requests received on/after the effective date. With an extension, 42 CFR 438.210(d) allows
/// up to `extension_additional_days` (14) *additional* calendar days on top of that limit
/// (UNCONFIRMED from the primary text): standard = end of calendar day 21 after receipt,
/// expedited = 72 hours + 14 days. The state extension (end of calendar day 14) is earlier, so
/// the California rule wins. Not applied to concurrent or post-service review (CALAIM.md §4.3
/// [44][46]).
fn federal_rule(
    request: &ClockRequest,
    clocks: &ClockPolicy,
    day0: Date,
    received: &Zoned,
    tz: &TimeZone,
    notes: &mut Vec<String>,
) -> Result<Option<RuleDue>, ClockError> {
    let fed = &clocks.federal;
    if !request.kind.is_pre_service() {
        notes.push(format!(
            "CMS-0057-F decision timeframes apply to prior authorization (pre-service) only; not applied to {}",
            request.kind.label()
        ));
        return Ok(None);
    }
    if day0 < fed.effective_from.value {
        notes.push(format!(
            "received {day0} (local date), before the CMS-0057-F effective date {}; federal timeframes not applied ({})",
            fed.effective_from.value, fed.effective_from.source
        ));
        return Ok(None);
    }
    let base = if request.kind == ClockKind::UrgentPreService {
        RuleDue {
            source: RuleSource::Federal,
            description: format!("{} hours", fed.expedited_hours.value),
            due: after_hours(received.timestamp(), fed.expedited_hours.value, tz)?,
            citation: fed.expedited_hours.citation(),
        }
    } else {
        let rule = DayRule {
            days: fed.standard_days.value,
            counting: DayCounting::Calendar,
        };
        RuleDue {
            source: RuleSource::Federal,
            description: describe_days(rule, None),
            due: end_of_day(add_calendar_days(day0, rule.days)?, tz)?,
            citation: fed.standard_days.citation(),
        }
    };
    if request.extension_reason.is_none() {
        return Ok(Some(base));
    }
    let extra = &fed.extension_additional_days;
    // Calendar days in the plan's zone: the same wall-clock time 14 days later, across DST.
    let due = base
        .due
        .checked_add(jiff::Span::new().try_days(i64::from(extra.value))?)?;
    Ok(Some(RuleDue {
        source: RuleSource::Federal,
        description: format!(
            "{} + {} additional calendar days (extended, 42 CFR 438.210(d))",
            base.description, extra.value
        ),
        due,
        citation: extra.citation(),
    }))
}

fn describe_days(rule: DayRule, pend_start: Option<Date>) -> String {
    let unit = match rule.counting {
        DayCounting::Calendar => "calendar",
        DayCounting::Working => "working",
    };
    match pend_start {
        None => format!("{} {unit} days", rule.days),
        Some(start) => format!(
            "{} {unit} days from receipt of the information on {start}",
            rule.days
        ),
    }
}

fn cite_text(c: &Citation) -> String {
    if c.unconfirmed {
        format!("{}, UNCONFIRMED", c.source)
    } else {
        c.source.clone()
    }
}

/// e.g. "non-urgent pre-service: 5 working days (statewide, CALAIM.md §4.1 [40]); federal
/// 7 calendar days (CMS-0057-F) is later".
fn rule_text(
    kind: ClockKind,
    state: &RuleDue,
    federal: Option<&RuleDue>,
    winner: Winner,
) -> String {
    let origin = match state.source {
        RuleSource::Plan => "plan",
        RuleSource::Statewide | RuleSource::Federal => "statewide",
    };
    let mut text = format!(
        "{}: {} ({origin}, {})",
        kind.label(),
        state.description,
        cite_text(&state.citation)
    );
    if let Some(fed) = federal {
        let verdict = match winner {
            Winner::State => "is later",
            Winner::Federal => "is earlier and applies",
            Winner::Equal => "gives the same time",
        };
        text.push_str(&format!(
            "; federal {} (CMS-0057-F{}) {verdict}",
            fed.description,
            if fed.citation.unconfirmed {
                ", UNCONFIRMED"
            } else {
                ""
            }
        ));
    }
    text
}
