//! ECM enrollment transitions: which command is legal in which status, and the events it yields.

use super::{
    Assessment, Discontinuation, EcmCommand, EcmEnrollmentState, EcmEvent, EnrollmentStatus,
    ExclusionCheck,
};
use crate::eligibility::Outcome;
use crate::text::{check_line, check_text};
use crate::workflow::period::{EcmPeriodKind, ecm_period};
use crate::workflow::{
    Ctx, WorkflowError, dates, must_be_new, optional_rule, required, required_id, text_rule,
};
use jiff::Timestamp;
use jiff::civil::Date;

const SUBJECT: &str = "an enrollment";

fn illegal(action: &'static str, state: &EcmEnrollmentState) -> WorkflowError {
    WorkflowError::IllegalTransition {
        action,
        subject: SUBJECT,
        status: state.status.label().to_string(),
    }
}

fn expect(
    state: &EcmEnrollmentState,
    allowed: &[EnrollmentStatus],
    action: &'static str,
) -> Result<(), WorkflowError> {
    if allowed.contains(&state.status) {
        Ok(())
    } else {
        Err(illegal(action, state))
    }
}

/// Checks `command` against `state` and returns the events it yields.
pub fn decide(
    state: &EcmEnrollmentState,
    command: EcmCommand,
    ctx: &Ctx<'_>,
) -> Result<Vec<EcmEvent>, WorkflowError> {
    use EcmCommand as C;
    use EnrollmentStatus as S;
    match command {
        C::Open {
            enrollment_id,
            member_id,
            plan,
            provider_id,
            at,
            actor,
        } => {
            let is_new = state.status == S::New;
            must_be_new(is_new, "ECM enrollment", &state.enrollment_id)?;
            if let Some(id) = &plan {
                ctx.pack.known_plan(id)?;
            }
            Ok(vec![EcmEvent::Opened {
                enrollment_id: required_id("enrollment_id", &enrollment_id)?,
                member_id: required_id("member_id", &member_id)?,
                plan,
                provider_id: required_id("provider_id", &provider_id)?,
                at,
                actor,
            }])
        }
        C::RecordOutreachAttempt { at, attempt } => {
            expect(
                state,
                &[S::Outreach, S::Enrolled],
                "record an outreach attempt on",
            )?;
            dates::happened(ctx.pack, "date", attempt.date, at)?;
            Ok(vec![EcmEvent::OutreachAttemptRecorded { attempt }])
        }
        C::Enroll {
            at,
            start,
            authorization_id,
            lead_care_manager,
            actor,
        } => {
            expect(state, &[S::Outreach], "enroll")?;
            not_before_open(state, "enrolled at", at)?;
            dates::scheduled(ctx.pack, "start", start, at)?;
            let authorization_id = required_id("authorization_id", &authorization_id)?;
            let lead_care_manager = required_id("lead_care_manager", &lead_care_manager)?;
            let exclusion_check = check_exclusions(start, ctx)?;
            let period = ecm_period(
                ctx.pack,
                state.plan.as_deref(),
                EcmPeriodKind::Initial,
                start,
            )?;
            Ok(vec![EcmEvent::Enrolled {
                at,
                start,
                authorization_id,
                period,
                lead_care_manager,
                exclusion_check,
                actor,
            }])
        }
        C::AssignLeadCareManager {
            at,
            person_id,
            actor,
        } => {
            expect(state, &[S::Enrolled], "assign a lead care manager to")?;
            Ok(vec![EcmEvent::LeadCareManagerAssigned {
                at,
                person_id: required_id("person_id", &person_id)?,
                actor,
            }])
        }
        C::AddCareTeamMember { at, member, actor } => {
            expect(state, &[S::Enrolled], "add a care team member to")?;
            required_id("care team person_id", &member.person_id)?;
            required("care team role", &member.role)?;
            text_rule("care team role", member.role.trim(), check_line)?;
            Ok(vec![EcmEvent::CareTeamMemberAdded { at, member, actor }])
        }
        C::RecordAssessment {
            at,
            assessment,
            actor,
        } => {
            expect(state, &[S::Enrolled], "record an assessment on")?;
            required_id("assessment_id", &assessment.assessment_id)?;
            dates::happened(ctx.pack, "started", assessment.started, at)?;
            if let Some(done) = assessment.completed {
                dates::happened(ctx.pack, "completed", done, at)?;
            }
            if let Some(done) = assessment.completed
                && done < assessment.started
            {
                return Err(WorkflowError::InvalidPeriod {
                    field: "assessment.completed",
                    message: format!("{done} is before the start {}", assessment.started),
                });
            }
            check_answers(&assessment, at, ctx)?;
            Ok(vec![EcmEvent::AssessmentRecorded {
                at,
                assessment,
                actor,
            }])
        }
        C::RecordCarePlanGoal { at, goal, actor } => {
            expect(state, &[S::Enrolled], "record a care plan goal on")?;
            dates::happened(ctx.pack, "revised_on", goal.revised_on, at)?;
            required_id("goal_id", &goal.goal_id)?;
            required("goal description", &goal.description)?;
            Ok(vec![EcmEvent::CarePlanGoalRecorded { at, goal, actor }])
        }
        C::RecordCoreServiceActivity { at, activity } => {
            expect(state, &[S::Enrolled], "record a core service activity on")?;
            dates::happened(ctx.pack, "date", activity.date, at)?;
            required("activity description", &activity.description)?;
            Ok(vec![EcmEvent::CoreServiceActivityRecorded { activity }])
        }
        C::Reauthorize {
            at,
            start,
            authorization_id,
            actor,
        } => {
            expect(state, &[S::Enrolled], "re-authorize")?;
            let authorization_id = required_id("authorization_id", &authorization_id)?;
            dates::scheduled(ctx.pack, "start", start, at)?;
            if let Some(last) = state.periods.last()
                && start <= last.start
            {
                return Err(WorkflowError::InvalidPeriod {
                    field: "start",
                    message: format!(
                        "a re-authorization must start after the current period's start {}",
                        last.start
                    ),
                });
            }
            let period = ecm_period(
                ctx.pack,
                state.plan.as_deref(),
                EcmPeriodKind::Reauthorization,
                start,
            )?;
            Ok(vec![EcmEvent::Reauthorized {
                at,
                authorization_id,
                period,
                actor,
            }])
        }
        C::Discontinue {
            at,
            on,
            reason,
            note,
            actor,
        } => {
            expect(state, &[S::Outreach, S::Enrolled], "discontinue")?;
            not_before_open(state, "discontinued at", at)?;
            if let Some(enrolled) = state.enrolled_on
                && on < enrolled
            {
                return Err(WorkflowError::InvalidPeriod {
                    field: "on",
                    message: format!("discontinuation {on} is before enrollment {enrolled}"),
                });
            }
            // An enrollment cannot end before it was opened, nor be ended far ahead (issue #12).
            if let Some(opened) = state.opened_at {
                dates::not_before(
                    "on",
                    on,
                    "the opening date",
                    dates::today(ctx.pack, opened)?,
                )?;
            }
            dates::scheduled(ctx.pack, "on", on, at)?;
            let reason = reason.trim().to_string();
            optional_rule("note", note.as_deref(), check_text)?;
            let Some(entry) = ctx.pack.workflow.discontinuation_reason(&reason) else {
                return Err(WorkflowError::UnknownReason {
                    field: "discontinuation reason",
                    value: reason,
                    known: ctx
                        .pack
                        .workflow
                        .discontinuation_reasons
                        .iter()
                        .map(|c| c.value.clone())
                        .collect(),
                });
            };
            Ok(vec![EcmEvent::Discontinued {
                discontinuation: Discontinuation {
                    on,
                    citation: entry.citation(),
                    reason,
                    note: note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
                    at,
                    actor,
                },
            }])
        }
    }
}

/// A member cannot be in ECM while in hospice, PACE, CCM, CCT or a 1915(c) waiver, nor when not
/// enrolled in a Medi-Cal plan or in a line of business the plan excludes (CALAIM.md §2.4 [8][4]).
/// The exclusion traces come from `crate::eligibility::determine` on the enrollment start date;
/// any that applies blocks enrollment with its rule shown, any undetermined one names the facts.
fn check_exclusions(start: Date, ctx: &Ctx<'_>) -> Result<ExclusionCheck, WorkflowError> {
    let det = ctx.determination.ok_or(WorkflowError::MissingFact {
        fact: "determination (the eligibility determination on the enrollment start date)",
    })?;
    if det.as_of != start {
        return Err(WorkflowError::FactMismatch {
            fact: "determination.as_of",
            expected: start.to_string(),
            actual: det.as_of.to_string(),
        });
    }
    let blocked: Vec<String> = det
        .exclusions
        .iter()
        .filter(|t| t.outcome == Outcome::Met)
        .map(|t| {
            let unconfirmed = if t.citation.unconfirmed {
                ", unconfirmed"
            } else {
                ""
            };
            format!(
                "{}: {} ({}{unconfirmed})",
                t.rule, t.description, t.citation.source
            )
        })
        .collect();
    if !blocked.is_empty() {
        return Err(WorkflowError::EnrollmentBlocked { rules: blocked });
    }
    let mut missing: Vec<String> = Vec::new();
    det.exclusions
        .iter()
        .for_each(|t| t.collect_missing(&mut missing));
    missing.sort();
    missing.dedup();
    if det
        .exclusions
        .iter()
        .any(|t| t.outcome == Outcome::Undetermined)
    {
        if missing.is_empty() {
            missing.push("exclusion facts".to_string());
        }
        return Err(WorkflowError::EnrollmentUndetermined { missing });
    }
    Ok(ExclusionCheck {
        determination_id: det.determination_id.clone(),
        as_of: det.as_of,
        policy_version: det.policy_version.clone(),
        rules_checked: det.exclusions.iter().map(|t| t.rule.clone()).collect(),
    })
}

fn not_before_open(
    state: &EcmEnrollmentState,
    field: &'static str,
    at: Timestamp,
) -> Result<(), WorkflowError> {
    match state.opened_at {
        Some(opened) if at < opened => Err(WorkflowError::TimeBeforePrevious {
            field,
            at,
            previous_field: "opened at",
            previous: opened,
        }),
        _ => Ok(()),
    }
}

/// Each answer of an assessment names a domain of the pack's `assessment_domains` once, is
/// dated on or after the assessment's start and not after today (California), and says
/// something.
fn check_answers(
    assessment: &Assessment,
    at: Timestamp,
    ctx: &Ctx<'_>,
) -> Result<(), WorkflowError> {
    for (i, a) in assessment.answers.iter().enumerate() {
        if ctx.pack.workflow.assessment_domain(&a.domain).is_none() {
            return Err(WorkflowError::UnknownReason {
                field: "assessment domain",
                value: a.domain.clone(),
                known: ctx
                    .pack
                    .workflow
                    .assessment_domains
                    .iter()
                    .map(|d| d.value.code.clone())
                    .collect(),
            });
        }
        if assessment
            .answers
            .iter()
            .take(i)
            .any(|b| b.domain == a.domain)
        {
            return Err(WorkflowError::InvalidPeriod {
                field: "assessment.answers",
                message: format!("the domain {} is answered more than once", a.domain),
            });
        }
        dates::happened(ctx.pack, "answered_on", a.answered_on, at)?;
        dates::not_before(
            "answered_on",
            a.answered_on,
            "the assessment's start",
            assessment.started,
        )?;
        required("assessment answer", &a.answer)?;
    }
    Ok(())
}
