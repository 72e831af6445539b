//! Authorization transitions: which command is legal in which status, and the events it yields.

use super::{
    AuthorizationCommand, AuthorizationEvent, AuthorizationState, AuthorizationStatus,
    DecisionInput, DecisionOutcome, DecisionRecord, DueRecord, LimitCheckRecord, LimitRuleShown,
    Service,
};
use crate::clock::{ClockKind, ClockRequest};
use crate::cs_limits::Outcome as LimitOutcome;
use crate::workflow::appeal::{self, AppealResolution, AppealStatus};
use crate::workflow::notice::{Notice, NoticePurpose, Recipient};
use crate::workflow::period::{AuthorizationPeriod, EcmPeriodKind, ecm_period};
use crate::workflow::{ActorId, Ctx, WorkflowError, must_be_new, required, required_id};
use jiff::Timestamp;
use jiff::civil::Date;

const SUBJECT: &str = "a request";

fn illegal(action: &'static str, state: &AuthorizationState) -> WorkflowError {
    WorkflowError::IllegalTransition {
        action,
        subject: SUBJECT,
        status: state.status.label().to_string(),
    }
}

/// Checks `command` against `state` and returns the events it yields.
pub fn decide(
    state: &AuthorizationState,
    command: AuthorizationCommand,
    ctx: &Ctx<'_>,
) -> Result<Vec<AuthorizationEvent>, WorkflowError> {
    use AuthorizationCommand as C;
    use AuthorizationStatus as S;
    match command {
        C::Receive {
            request_id,
            member_id,
            plan,
            service,
            kind,
            received_at,
            requested,
            actor,
        } => {
            let is_new = state.status == S::New;
            must_be_new(is_new, "authorization request", &state.request_id)?;
            let request_id = required_id("request_id", &request_id)?;
            let member_id = required_id("member_id", &member_id)?;
            if let (Some(start), Some(through)) = (requested.start, requested.through) {
                AuthorizationPeriod::requested(start, through)?;
            }
            // A requested start may be scheduled, at most 90 days ahead (issue #12).
            if let Some(start) = requested.start {
                crate::workflow::dates::scheduled(ctx.pack, "requested.start", start, received_at)?;
            }
            let request = ClockRequest {
                plan: plan.clone(),
                kind,
                received: received_at,
                info_received: None,
                extension_reason: None,
            };
            let due = due_record(&request, ctx)?;
            Ok(vec![AuthorizationEvent::Received {
                request_id,
                member_id,
                plan,
                service,
                kind,
                received_at,
                requested,
                due,
                actor,
            }])
        }
        C::PendForInformation {
            at,
            information_needed,
            actor,
        } => {
            if state.status != S::Received || state.pended_at.is_some() {
                return Err(illegal("pend", state));
            }
            not_before_receipt(state, "pended at", at)?;
            let information_needed = required("information_needed", &information_needed)?;
            // Pending restarts the state clock only for the non-urgent pre-service rule; the clock
            // engine refuses other kinds (CALAIM.md §4.1 [40]).
            clock_request(state, Some(at), None).and_then(|r| due_record(&r, ctx))?;
            Ok(vec![AuthorizationEvent::PendedForInformation {
                at,
                information_needed,
                actor,
            }])
        }
        C::ReceiveInformation { at, actor } => {
            if state.status != S::PendedForInformation {
                return Err(illegal("record information for", state));
            }
            if let Some(pended) = state.pended_at
                && at < pended
            {
                return Err(WorkflowError::TimeBeforePrevious {
                    field: "information received at",
                    at,
                    previous_field: "pended at",
                    previous: pended,
                });
            }
            let extension = state.extension.as_ref().map(|e| e.reason.clone());
            let due = due_record(&clock_request(state, Some(at), extension)?, ctx)?;
            Ok(vec![AuthorizationEvent::InformationReceived {
                at,
                due,
                actor,
            }])
        }
        C::Extend { at, reason, actor } => {
            if !state.status.is_open() {
                return Err(illegal("extend", state));
            }
            if state.extension.is_some() {
                return Err(WorkflowError::ExtensionAlreadyUsed);
            }
            not_before_receipt(state, "extended at", at)?;
            let reason = required("extension reason", &reason)?;
            let previous_due = current_due(state)?.due;
            if at > previous_due {
                return Err(WorkflowError::ExtensionAfterDue {
                    due: previous_due,
                    at,
                });
            }
            let request = clock_request(state, state.info_received_at, Some(reason.clone()))?;
            let due = due_record(&request, ctx)?;
            Ok(vec![AuthorizationEvent::Extended {
                at,
                reason,
                previous_due,
                due,
                actor,
            }])
        }
        C::Decide {
            at,
            decision,
            notice_of_action,
            actor,
        } => {
            let action = match decision {
                DecisionInput::Approve { .. } => "approve",
                DecisionInput::ApproveAsModified { .. } => "approve as modified",
                DecisionInput::Deny { .. } => "deny",
            };
            if !state.status.is_open() {
                return Err(illegal(action, state));
            }
            not_before_receipt(state, "decided at", at)?;
            decide_request(state, at, decision, notice_of_action, actor, ctx)
        }
        C::Withdraw { at, reason, actor } => {
            if !state.status.is_open() {
                return Err(illegal("withdraw", state));
            }
            not_before_receipt(state, "withdrawn at", at)?;
            let reason = required("withdrawal reason", &reason)?;
            Ok(vec![AuthorizationEvent::Withdrawn { at, reason, actor }])
        }
        C::RecordNotice { notice } => {
            if state.status == S::New {
                return Err(illegal("record a notice on", state));
            }
            not_before_receipt(state, "notice sent at", notice.sent_at)?;
            Ok(vec![AuthorizationEvent::NoticeRecorded {
                notice: notice.checked()?,
            }])
        }
        C::FileAppeal {
            appeal_id,
            received_at,
            actor,
        } => {
            let adverse = state
                .decision
                .as_ref()
                .is_some_and(|d| d.outcome.is_adverse());
            if !adverse || state.appeal.is_some() {
                return Err(illegal("appeal", state));
            }
            let appeal_id = required_id("appeal_id", &appeal_id)?;
            if let Some(decision) = &state.decision
                && received_at < decision.decided_at
            {
                return Err(WorkflowError::TimeBeforePrevious {
                    field: "appeal received at",
                    at: received_at,
                    previous_field: "decided at",
                    previous: decision.decided_at,
                });
            }
            let (due, due_citation) = appeal::appeal_due(ctx.pack, received_at)?;
            Ok(vec![AuthorizationEvent::AppealFiled {
                appeal_id,
                received_at,
                due,
                due_citation,
                actor,
            }])
        }
        C::ResolveAppeal {
            at,
            resolution,
            notice,
            actor,
        } => resolve_appeal(state, at, resolution, notice, actor, ctx),
    }
}

fn decide_request(
    state: &AuthorizationState,
    at: Timestamp,
    decision: DecisionInput,
    notice_of_action: Option<Notice>,
    actor: ActorId,
    ctx: &Ctx<'_>,
) -> Result<Vec<AuthorizationEvent>, WorkflowError> {
    let service = state
        .service
        .ok_or(WorkflowError::MissingFact { fact: "service" })?;
    // An approved period may start ahead, at most 90 days after the decision (issue #12).
    if let DecisionInput::Approve { start, .. } | DecisionInput::ApproveAsModified { start, .. } =
        &decision
    {
        crate::workflow::dates::scheduled(ctx.pack, "decision.start", *start, at)?;
    }
    let (outcome, reason, period, units) = match decision {
        DecisionInput::Approve {
            start,
            through,
            units,
        } => {
            let period = match (service, through) {
                (Service::Cs(_), None) => {
                    return Err(WorkflowError::MissingFact {
                        fact: "through (the last authorized day of a Community Support)",
                    });
                }
                (Service::Cs(_), Some(through)) => AuthorizationPeriod::requested(start, through)?,
                (_, Some(_)) => {
                    return Err(WorkflowError::InvalidPeriod {
                        field: "through",
                        message: "an ECM approval runs for the ECM authorization months (CALAIM.md §2.6 [4]); leave through empty, or approve as modified".to_string(),
                    });
                }
                (_, None) => ecm_service_period(state, service, start, ctx)?,
            };
            (DecisionOutcome::Approved, None, Some(period), units)
        }
        DecisionInput::ApproveAsModified {
            start,
            through,
            units,
            reason,
        } => {
            let reason = required("modification reason", &reason)?;
            let period = AuthorizationPeriod::requested(start, through)?;
            (
                DecisionOutcome::ApprovedAsModified,
                Some(reason),
                Some(period),
                units,
            )
        }
        DecisionInput::Deny { reason } => {
            if reason.trim().is_empty() {
                return Err(WorkflowError::DenialReasonRequired);
            }
            (
                DecisionOutcome::Denied,
                Some(reason.trim().to_string()),
                None,
                None,
            )
        }
    };
    let limit_check = match (service, &period) {
        (Service::Cs(cs), Some(period)) => Some(check_cs_limits(cs, period, ctx)?),
        _ => None,
    };
    let notice = if outcome.is_adverse() {
        let notice = notice_of_action.ok_or(WorkflowError::NoticeOfActionRequired {
            decision: outcome.as_str(),
        })?;
        Some(notice_of_action_checked(&notice, at)?)
    } else {
        notice_of_action.map(|n| n.checked()).transpose()?
    };
    let due = current_due(state)?.due;
    let record = DecisionRecord {
        outcome,
        reason,
        decided_at: at,
        due,
        on_time: at <= due,
        extension_used: state.extension.is_some(),
        pended: state.pended_at.is_some(),
        period,
        units,
        limit_check,
        actor,
        policy_version: ctx.pack.version().to_string(),
    };
    let mut events = vec![AuthorizationEvent::Decided { decision: record }];
    if let Some(notice) = notice {
        events.push(AuthorizationEvent::NoticeRecorded { notice });
    }
    Ok(events)
}

/// A notice of action goes to the member (CALAIM.md §4.4 [43]), no earlier than the decision.
fn notice_of_action_checked(
    notice: &Notice,
    decided_at: Timestamp,
) -> Result<Notice, WorkflowError> {
    if notice.recipient != Recipient::Member {
        return Err(WorkflowError::WrongRecipient {
            field: "notice_of_action",
            expected: Recipient::Member.as_str(),
            actual: notice.recipient.as_str(),
        });
    }
    if notice.sent_at < decided_at {
        return Err(WorkflowError::TimeBeforePrevious {
            field: "notice of action sent at",
            at: notice.sent_at,
            previous_field: "decided at",
            previous: decided_at,
        });
    }
    let mut notice = notice.checked()?;
    notice.purpose = NoticePurpose::NoticeOfAction;
    Ok(notice)
}

fn ecm_service_period(
    state: &AuthorizationState,
    service: Service,
    start: Date,
    ctx: &Ctx<'_>,
) -> Result<AuthorizationPeriod, WorkflowError> {
    match service {
        Service::EcmInitial => ecm_period(
            ctx.pack,
            state.plan.as_deref(),
            EcmPeriodKind::Initial,
            start,
        ),
        Service::EcmReauthorization => ecm_period(
            ctx.pack,
            state.plan.as_deref(),
            EcmPeriodKind::Reauthorization,
            start,
        ),
        Service::Cs(_) => Err(WorkflowError::MissingFact {
            fact: "through (the last authorized day of a Community Support)",
        }),
    }
}

/// CS limit check at decision time (`crate::cs_limits::check`, CALAIM.md §3.3): the input must
/// propose this CS for this period; a `denied` or `undetermined` check refuses the approval.
fn check_cs_limits(
    cs: crate::CsId,
    period: &AuthorizationPeriod,
    ctx: &Ctx<'_>,
) -> Result<LimitCheckRecord, WorkflowError> {
    let input = ctx.cs_limit_input.ok_or(WorkflowError::MissingFact {
        fact: "cs_limit_input (the CS limit check input for this proposal)",
    })?;
    if input.proposed.cs != cs {
        return Err(WorkflowError::FactMismatch {
            fact: "cs_limit_input.proposed.cs",
            expected: cs.to_string(),
            actual: input.proposed.cs.to_string(),
        });
    }
    if input.proposed.start != period.start || input.proposed.end != period.through {
        return Err(WorkflowError::FactMismatch {
            fact: "cs_limit_input.proposed period",
            expected: format!("{}..{}", period.start, period.through),
            actual: format!("{}..{}", input.proposed.start, input.proposed.end),
        });
    }
    let decision = crate::cs_limits::check(input, ctx.pack);
    if matches!(
        decision.outcome,
        LimitOutcome::Denied | LimitOutcome::Undetermined
    ) {
        return Err(WorkflowError::CsLimitNotAllowed {
            outcome: decision.outcome.to_string(),
            message: decision.message,
        });
    }
    Ok(LimitCheckRecord {
        outcome: decision.outcome.to_string(),
        message: decision.message.clone(),
        rules: decision
            .rules
            .iter()
            .map(|r| LimitRuleShown {
                rule: r.rule.clone(),
                outcome: r.outcome.to_string(),
                message: r.message.clone(),
                citation: r.citation.clone(),
            })
            .collect(),
        policy_version: decision.policy_version,
    })
}

fn resolve_appeal(
    state: &AuthorizationState,
    at: Timestamp,
    resolution: AppealResolution,
    notice: Option<Notice>,
    actor: ActorId,
    ctx: &Ctx<'_>,
) -> Result<Vec<AuthorizationEvent>, WorkflowError> {
    let Some(appeal) = state
        .appeal
        .as_ref()
        .filter(|a| a.status == AppealStatus::Open)
    else {
        return Err(WorkflowError::IllegalTransition {
            action: "resolve an appeal on",
            subject: SUBJECT,
            status: match &state.appeal {
                None => format!("{} with no appeal", state.status.label()),
                Some(a) => format!(
                    "{} with its appeal {}",
                    state.status.label(),
                    a.status.as_str()
                ),
            },
        });
    };
    if at < appeal.received_at {
        return Err(WorkflowError::TimeBeforePrevious {
            field: "appeal resolved at",
            at,
            previous_field: "appeal received at",
            previous: appeal.received_at,
        });
    }
    let (resolution, period) = match resolution {
        AppealResolution::Upheld { reason } => (
            AppealResolution::Upheld {
                reason: required("appeal resolution reason", &reason)?,
            },
            None,
        ),
        AppealResolution::Overturned {
            start,
            through,
            units,
        } => {
            let service = state
                .service
                .ok_or(WorkflowError::MissingFact { fact: "service" })?;
            let period = match (service, through) {
                (Service::Cs(_), Some(through)) => AuthorizationPeriod::requested(start, through)?,
                (Service::Cs(_), None) => {
                    return Err(WorkflowError::MissingFact {
                        fact: "through (the last authorized day of a Community Support)",
                    });
                }
                (_, _) => ecm_service_period(state, service, start, ctx)?,
            };
            (
                AppealResolution::Overturned {
                    start,
                    through: Some(period.through),
                    units,
                },
                Some(period),
            )
        }
    };
    let on_time = appeal::resolved_on_time(ctx.pack, appeal.due, at)?;
    let mut events = vec![AuthorizationEvent::AppealResolved {
        appeal_id: appeal.appeal_id.clone(),
        resolved_at: at,
        on_time,
        resolution,
        period,
        actor,
    }];
    if let Some(notice) = notice {
        let mut notice = notice.checked()?;
        notice.purpose = NoticePurpose::AppealResolution;
        events.push(AuthorizationEvent::NoticeRecorded { notice });
    }
    Ok(events)
}

fn not_before_receipt(
    state: &AuthorizationState,
    field: &'static str,
    at: Timestamp,
) -> Result<(), WorkflowError> {
    match state.received_at {
        Some(received) if at < received => Err(WorkflowError::TimeBeforePrevious {
            field,
            at,
            previous_field: "received at",
            previous: received,
        }),
        _ => Ok(()),
    }
}

fn current_due(state: &AuthorizationState) -> Result<&DueRecord, WorkflowError> {
    state
        .due
        .as_ref()
        .ok_or(WorkflowError::MissingFact { fact: "due time" })
}

fn clock_request(
    state: &AuthorizationState,
    info_received: Option<Timestamp>,
    extension_reason: Option<String>,
) -> Result<ClockRequest, WorkflowError> {
    let kind: ClockKind = state
        .kind
        .ok_or(WorkflowError::MissingFact { fact: "kind" })?;
    let received = state.received_at.ok_or(WorkflowError::MissingFact {
        fact: "received_at",
    })?;
    Ok(ClockRequest {
        plan: state.plan.clone(),
        kind,
        received,
        info_received,
        extension_reason,
    })
}

/// The due time from the clock engine, stored with its explanation (CALAIM.md §4.1, §4.3).
fn due_record(request: &ClockRequest, ctx: &Ctx<'_>) -> Result<DueRecord, WorkflowError> {
    let deadline = crate::clock::due(request, ctx.pack)?;
    let explanation = serde_json::to_value(&deadline.explanation)
        .map_err(|e| WorkflowError::Explanation(e.to_string()))?;
    Ok(DueRecord {
        due: deadline.due.timestamp(),
        due_local: deadline.due_rfc3339(),
        rule: deadline.rule,
        explanation,
        policy_version: ctx.pack.version().to_string(),
    })
}
