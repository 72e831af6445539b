//! Folding authorization events into state. Total: every event applies to every state.

use super::{
    AuthorizationEvent, AuthorizationState, AuthorizationStatus, DecisionOutcome, ExtensionRecord,
};
use crate::workflow::appeal::{Appeal, AppealResolution, AppealStatus};

/// The state after `event`.
pub fn apply(mut state: AuthorizationState, event: &AuthorizationEvent) -> AuthorizationState {
    use AuthorizationEvent as E;
    match event {
        E::Received {
            request_id,
            member_id,
            plan,
            service,
            kind,
            received_at,
            requested,
            due,
            actor: _,
        } => {
            state.status = AuthorizationStatus::Received;
            state.request_id = request_id.clone();
            state.member_id = member_id.clone();
            state.plan = plan.clone();
            state.service = Some(*service);
            state.kind = Some(*kind);
            state.received_at = Some(*received_at);
            state.requested = requested.clone();
            state.due = Some(due.clone());
        }
        E::PendedForInformation {
            at,
            information_needed,
            actor: _,
        } => {
            state.status = AuthorizationStatus::PendedForInformation;
            state.pended_at = Some(*at);
            state.information_needed = Some(information_needed.clone());
        }
        E::InformationReceived { at, due, actor: _ } => {
            state.status = AuthorizationStatus::Received;
            state.info_received_at = Some(*at);
            state.due = Some(due.clone());
        }
        E::Extended {
            at,
            reason,
            previous_due,
            due,
            actor: _,
        } => {
            state.extension = Some(ExtensionRecord {
                at: *at,
                reason: reason.clone(),
                previous_due: *previous_due,
            });
            state.due = Some(due.clone());
        }
        E::Decided { decision } => {
            state.status = match decision.outcome {
                DecisionOutcome::Approved => AuthorizationStatus::Approved,
                DecisionOutcome::ApprovedAsModified => AuthorizationStatus::ApprovedAsModified,
                DecisionOutcome::Denied => AuthorizationStatus::Denied,
            };
            state.decision = Some(decision.clone());
        }
        E::Withdrawn { reason, .. } => {
            state.status = AuthorizationStatus::Withdrawn;
            state.withdrawn_reason = Some(reason.clone());
        }
        E::NoticeRecorded { notice } => state.notices.push(notice.clone()),
        E::AppealFiled {
            appeal_id,
            received_at,
            due,
            due_citation,
            actor,
        } => {
            state.appeal = Some(Appeal {
                appeal_id: appeal_id.clone(),
                received_at: *received_at,
                due: *due,
                due_citation: due_citation.clone(),
                status: AppealStatus::Open,
                resolved_at: None,
                on_time: None,
                reason: None,
                period: None,
                units: None,
                filed_by: actor.clone(),
            });
        }
        E::AppealResolved {
            appeal_id: _,
            resolved_at,
            on_time,
            resolution,
            period,
            actor: _,
        } => {
            if let Some(appeal) = state.appeal.as_mut() {
                appeal.resolved_at = Some(*resolved_at);
                appeal.on_time = Some(*on_time);
                appeal.period = period.clone();
                match resolution {
                    AppealResolution::Upheld { reason } => {
                        appeal.status = AppealStatus::Upheld;
                        appeal.reason = Some(reason.clone());
                    }
                    AppealResolution::Overturned { units, .. } => {
                        appeal.status = AppealStatus::Overturned;
                        appeal.units = *units;
                    }
                }
            }
            // An overturn authorizes the service (CALAIM.md §4.4 [42]).
            if matches!(resolution, AppealResolution::Overturned { .. }) {
                state.status = AuthorizationStatus::Approved;
            }
        }
    }
    state
}

/// The state reached from the empty state by `events`, in order.
pub fn replay<'a>(events: impl IntoIterator<Item = &'a AuthorizationEvent>) -> AuthorizationState {
    events
        .into_iter()
        .fold(AuthorizationState::default(), apply)
}
