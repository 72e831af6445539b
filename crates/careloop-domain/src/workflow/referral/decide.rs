//! Referral transitions: which command is legal in which status, and the events it yields.

use super::duties::{clr_applicability, meets_electronic_rule};
use super::{
    Closure, NoticeAgreement, ReferralCommand, ReferralEvent, ReferralState, ReferralStatus,
};
use crate::text::{check_id, check_line, check_text};
use crate::workflow::notice::Recipient;
use crate::workflow::{
    Ctx, WorkflowError, dates, must_be_new, optional_rule, required, required_id,
};
use jiff::Timestamp;

const SUBJECT: &str = "a referral";

fn illegal(action: &'static str, state: &ReferralState) -> WorkflowError {
    WorkflowError::IllegalTransition {
        action,
        subject: SUBJECT,
        status: state.status.label().to_string(),
    }
}

/// Checks `command` against `state` and returns the events it yields.
pub fn decide(
    state: &ReferralState,
    command: ReferralCommand,
    ctx: &Ctx<'_>,
) -> Result<Vec<ReferralEvent>, WorkflowError> {
    use ReferralCommand as C;
    use ReferralStatus as S;
    let status = state.status;
    match command {
        C::Receive {
            referral_id,
            member_id,
            referrer,
            program,
            claimed_pof,
            received_at,
            actor,
        } => {
            must_be_new(status == S::New, "referral", &state.referral_id)?;
            let referral_id = required_id("referral_id", &referral_id)?;
            let member_id = required_id("member_id", &member_id)?;
            optional_rule("referrer.id", referrer.id.as_deref(), check_id)?;
            optional_rule("referrer.name", referrer.name.as_deref(), check_line)?;
            optional_rule("referrer.contact", referrer.contact.as_deref(), check_line)?;
            let claimed_pof = match claimed_pof {
                Some(pof) => {
                    let pof = required("claimed_pof", &pof)?;
                    if !crate::eligibility::POF_CODES.contains(&pof.as_str()) {
                        return Err(WorkflowError::UnknownReason {
                            field: "claimed_pof",
                            value: pof,
                            known: crate::eligibility::POF_CODES
                                .iter()
                                .map(ToString::to_string)
                                .collect(),
                        });
                    }
                    Some(pof)
                }
                None => None,
            };
            let clr = clr_applicability(ctx.pack, program, received_at)?;
            Ok(vec![ReferralEvent::Received {
                referral_id,
                member_id,
                referrer,
                program,
                claimed_pof,
                received_at,
                clr,
                actor,
            }])
        }
        C::ReviewEligibility {
            at,
            eligible,
            determination_id,
            actor,
        } => {
            if status != S::Received {
                return Err(illegal("review eligibility of", state));
            }
            not_before_receipt(state, "reviewed at", at)?;
            optional_rule("determination_id", determination_id.as_deref(), check_id)?;
            Ok(vec![ReferralEvent::EligibilityReviewed {
                at,
                eligible,
                determination_id,
                actor,
            }])
        }
        C::AssignProvider {
            at,
            provider_id,
            actor,
        } => {
            if !matches!(status, S::EligibilityReviewed | S::DeclinedByProvider) {
                return Err(illegal("assign a provider to", state));
            }
            not_before_receipt(state, "assigned at", at)?;
            let provider_id = required_id("provider_id", &provider_id)?;
            Ok(vec![ReferralEvent::ProviderAssigned {
                at,
                provider_id,
                actor,
            }])
        }
        C::ProviderAccept { at, actor } => {
            let provider_id = assigned_provider(state, "record the provider's acceptance of")?;
            not_before_receipt(state, "accepted at", at)?;
            Ok(vec![ReferralEvent::ProviderAccepted {
                at,
                provider_id,
                actor,
            }])
        }
        C::ProviderDecline { at, reason, actor } => {
            let provider_id = assigned_provider(state, "record the provider's decline of")?;
            not_before_receipt(state, "declined at", at)?;
            let reason = required("decline reason", &reason)?;
            Ok(vec![ReferralEvent::ProviderDeclined {
                at,
                provider_id,
                reason,
                actor,
            }])
        }
        C::RecordAuthorization {
            at,
            authorized,
            authorization_id,
            reason,
            actor,
        } => {
            if status != S::AcceptedByProvider {
                return Err(illegal(
                    if authorized {
                        "authorize"
                    } else {
                        "record a non-authorization of"
                    },
                    state,
                ));
            }
            not_before_receipt(state, "authorization recorded at", at)?;
            optional_rule("authorization_id", authorization_id.as_deref(), check_id)?;
            if authorized {
                Ok(vec![ReferralEvent::Authorized {
                    at,
                    authorization_id,
                    actor,
                }])
            } else {
                // The referring entity is told why a referral was not authorized (CALAIM.md §4.4 [38]).
                let reason = required("not-authorized reason", reason.as_deref().unwrap_or(""))?;
                Ok(vec![ReferralEvent::NotAuthorized {
                    at,
                    authorization_id,
                    reason,
                    actor,
                }])
            }
        }
        C::StartServices {
            at,
            started_on,
            actor,
        } => {
            if status != S::Authorized {
                return Err(illegal("start services on", state));
            }
            not_before_receipt(state, "services started at", at)?;
            // The provider reports services that started: not a date ahead (issue #12).
            dates::happened(ctx.pack, "started_on", started_on, at)?;
            Ok(vec![ReferralEvent::ServicesStarted {
                at,
                started_on,
                actor,
            }])
        }
        C::Close {
            at,
            reason,
            note,
            actor,
        } => {
            if matches!(status, S::New | S::Closed) {
                return Err(illegal("close", state));
            }
            not_before_receipt(state, "closed at", at)?;
            let reason = reason.trim().to_string();
            let Some(entry) = ctx.pack.workflow.closure_reason(&reason) else {
                return Err(WorkflowError::UnknownReason {
                    field: "closure reason",
                    value: reason,
                    known: ctx
                        .pack
                        .workflow
                        .closure_reasons
                        .iter()
                        .map(|c| c.value.clone())
                        .collect(),
                });
            };
            // "Services Received" once the provider reports services started (CALAIM.md §6.4 [37]).
            if reason == "services-received" && status != S::ServicesStarted {
                return Err(WorkflowError::ServicesNotStarted {
                    status: status.label().to_string(),
                });
            }
            // ... and not before the day they started (CALAIM.md §6.4 [37]; issue #12).
            if reason == "services-received"
                && let Some(started) = state.services_started_on
            {
                dates::not_before(
                    "closed at",
                    dates::today(ctx.pack, at)?,
                    "services started on",
                    started,
                )?;
            }
            let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
            optional_rule("note", note.as_deref(), check_text)?;
            Ok(vec![ReferralEvent::Closed {
                closure: Closure {
                    citation: entry.citation(),
                    reason,
                    closed_at: at,
                    closed_from: status,
                    note,
                    actor,
                },
            }])
        }
        C::RecordNotice { notice } => {
            if status == S::New {
                return Err(illegal("record a notice on", state));
            }
            not_before_receipt(state, "notice sent at", notice.sent_at)?;
            let notice = notice.checked()?;
            let meets_electronic_rule = (state.clr_tracked()
                && notice.recipient == Recipient::Referrer)
                .then(|| meets_electronic_rule(state, &notice));
            Ok(vec![ReferralEvent::NoticeRecorded {
                notice,
                meets_electronic_rule,
            }])
        }
        C::RecordNoticeAgreement {
            at,
            channel,
            documentation,
            actor,
        } => {
            if status == S::New {
                return Err(illegal("record a notice agreement on", state));
            }
            not_before_receipt(state, "agreed at", at)?;
            let documentation = required("agreement documentation", &documentation)?;
            Ok(vec![ReferralEvent::NoticeAgreementRecorded {
                agreement: NoticeAgreement {
                    channel,
                    agreed_at: at,
                    documentation,
                    actor,
                },
            }])
        }
    }
}

fn assigned_provider(state: &ReferralState, action: &'static str) -> Result<String, WorkflowError> {
    match (&state.status, &state.provider_id) {
        (ReferralStatus::AssignedToProvider, Some(p)) => Ok(p.clone()),
        _ => Err(illegal(action, state)),
    }
}

fn not_before_receipt(
    state: &ReferralState,
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
