//! Member transitions: validation naming the field, and the eligibility determination computed
//! here (never in `apply`) and carried in the event.

use super::{MemberCommand, MemberEvent, MemberState, MemberStatus};
use crate::eligibility::{Determination, MemberFacts, determine};
use crate::text::{check_id, check_line};
use crate::workflow::appeal::local_date;
use crate::workflow::{Ctx, WorkflowError, must_be_new, optional_rule, required, required_id};
use jiff::Timestamp;

const SUBJECT: &str = "a member";

fn registered(state: &MemberState, action: &'static str) -> Result<(), WorkflowError> {
    if state.status == MemberStatus::New {
        Err(WorkflowError::IllegalTransition {
            action,
            subject: SUBJECT,
            status: state.status.label().to_string(),
        })
    } else {
        Ok(())
    }
}

/// Checks `command` against `state` and returns the events it yields (none for a recompute
/// whose result is unchanged).
pub fn decide(
    state: &MemberState,
    command: MemberCommand,
    ctx: &Ctx<'_>,
) -> Result<Vec<MemberEvent>, WorkflowError> {
    use MemberCommand as C;
    match command {
        C::UpdateDemographics {
            demographics,
            at,
            actor,
        } => {
            registered(state, "update the demographics of")?;
            not_before_registration(state, at)?;
            Ok(vec![MemberEvent::DemographicsUpdated {
                demographics,
                at,
                actor,
            }])
        }
        C::RecordFacts { facts, at, actor } => {
            registered(state, "record facts for")?;
            not_before_registration(state, at)?;
            check_facts(&state.member_id, &facts, at, ctx)?;
            let determination = determine_on(&facts, at, ctx)?;
            Ok(vec![MemberEvent::FactsRecorded {
                facts,
                determination,
                at,
                actor,
            }])
        }
        C::Recompute { as_of, at, actor } => {
            registered(state, "recompute the eligibility of")?;
            not_before_registration(state, at)?;
            let determination = determine(&state.facts, as_of, ctx.pack);
            let unchanged = state
                .determination
                .as_ref()
                .is_some_and(|d| same_result(&d.determination, &determination));
            if unchanged {
                return Ok(Vec::new());
            }
            Ok(vec![MemberEvent::EligibilityRecomputed {
                determination,
                at,
                actor,
            }])
        }
        C::Register {
            member_id,
            plan,
            county,
            demographics,
            cin,
            facts,
            at,
            actor,
        } => {
            let is_new = state.status == MemberStatus::New;
            must_be_new(is_new, "member", &state.member_id)?;
            let member_id = required_id("member_id", &member_id)?;
            if let Some(id) = &plan {
                ctx.pack.known_plan(id)?;
            }
            let county = optional("county", county)?;
            optional_rule("county", county.as_deref(), check_line)?;
            let cin = optional("cin", cin)?;
            optional_rule("cin", cin.as_deref(), check_id)?;
            check_facts(&member_id, &facts, at, ctx)?;
            let determination = determine_on(&facts, at, ctx)?;
            Ok(vec![MemberEvent::Registered {
                member_id,
                plan,
                county,
                demographics,
                cin,
                facts,
                determination,
                at,
                actor,
            }])
        }
    }
}

/// Whether two determinations reach the same result: the same ECM and CS verdicts, the same
/// outcome for every population, exclusion and Community Support, and the same missing facts.
/// The id, as-of date, policy version, age and trace details (evidence, windows) may differ.
/// A stored determination served without its traces (made under a policy version no longer
/// loaded: `Determination::has_traces`) has no missing facts to compare; its outcomes decide
/// (otherwise every member with a missing fact would "change" on each new policy version).
pub fn same_result(a: &Determination, b: &Determination) -> bool {
    let populations = |d: &Determination| -> Vec<(String, crate::eligibility::Outcome)> {
        d.populations
            .iter()
            .map(|p| (p.code.clone(), p.status))
            .collect()
    };
    let exclusions = |d: &Determination| -> Vec<(String, crate::eligibility::Outcome)> {
        d.exclusions
            .iter()
            .map(|t| (t.rule.clone(), t.outcome))
            .collect()
    };
    let supports = |d: &Determination| -> Vec<(crate::CsId, crate::eligibility::Outcome)> {
        d.community_supports
            .iter()
            .map(|c| (c.id, c.status))
            .collect()
    };
    a.ecm_eligible == b.ecm_eligible
        && a.cs_eligible == b.cs_eligible
        && populations(a) == populations(b)
        && exclusions(a) == exclusions(b)
        && supports(a) == supports(b)
        && (!(a.has_traces() && b.has_traces()) || a.missing_facts == b.missing_facts)
}

/// The determination as of `at`'s local date in the pack's time zone (America/Los_Angeles).
fn determine_on(
    facts: &MemberFacts,
    at: Timestamp,
    ctx: &Ctx<'_>,
) -> Result<Determination, WorkflowError> {
    let as_of = local_date(ctx.pack, at)?;
    Ok(determine(facts, as_of, ctx.pack))
}

/// A present optional text field must not be blank; it is stored trimmed.
fn optional(field: &'static str, value: Option<String>) -> Result<Option<String>, WorkflowError> {
    value.map(|v| required(field, &v)).transpose()
}

/// The facts must be about this member and must be true on `at`'s local date: no birth date
/// after it (birth_date 2999-01-01 would be answered with a negative age), no span that ends
/// before it starts, only plans the pack knows, strings and lists within their rules
/// ([`MemberFacts::problems`], issue #12).
fn check_facts(
    member_id: &str,
    facts: &MemberFacts,
    at: Timestamp,
    ctx: &Ctx<'_>,
) -> Result<(), WorkflowError> {
    if let Some(id) = &facts.member_id
        && id.trim() != member_id
    {
        return Err(WorkflowError::FactMismatch {
            fact: "facts.member_id",
            expected: member_id.to_string(),
            actual: id.clone(),
        });
    }
    for span in &facts.enrollments {
        required("facts.enrollments.plan", &span.plan)?;
        required("facts.enrollments.line_of_business", &span.line_of_business)?;
    }
    facts.check(local_date(ctx.pack, at)?, ctx.pack)?;
    Ok(())
}

fn not_before_registration(state: &MemberState, at: Timestamp) -> Result<(), WorkflowError> {
    match state.registered_at {
        Some(registered) if at < registered => Err(WorkflowError::TimeBeforePrevious {
            field: "at",
            at,
            previous_field: "registered at",
            previous: registered,
        }),
        _ => Ok(()),
    }
}
