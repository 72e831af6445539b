//! Folding referral events into state. Total: every event applies to every state.

use super::{ReferralEvent, ReferralState, ReferralStatus};

/// The state after `event`.
pub fn apply(mut state: ReferralState, event: &ReferralEvent) -> ReferralState {
    use ReferralEvent as E;
    match event {
        E::Received {
            referral_id,
            member_id,
            referrer,
            program,
            claimed_pof,
            received_at,
            clr,
            actor: _,
        } => {
            state.status = ReferralStatus::Received;
            state.referral_id = referral_id.clone();
            state.member_id = member_id.clone();
            state.referrer = Some(referrer.clone());
            state.program = Some(*program);
            state.claimed_pof = claimed_pof.clone();
            state.received_at = Some(*received_at);
            state.clr = Some(clr.clone());
        }
        E::EligibilityReviewed {
            eligible,
            determination_id,
            ..
        } => {
            state.status = if *eligible {
                ReferralStatus::EligibilityReviewed
            } else {
                ReferralStatus::NotEligible
            };
            state.determination_id = determination_id.clone();
        }
        E::ProviderAssigned { provider_id, .. } => {
            state.status = ReferralStatus::AssignedToProvider;
            state.provider_id = Some(provider_id.clone());
        }
        E::ProviderAccepted { .. } => state.status = ReferralStatus::AcceptedByProvider,
        E::ProviderDeclined { provider_id, .. } => {
            state.status = ReferralStatus::DeclinedByProvider;
            state.declined_by.push(provider_id.clone());
        }
        E::Authorized {
            authorization_id, ..
        } => {
            state.status = ReferralStatus::Authorized;
            state.authorization_id = authorization_id.clone();
        }
        E::NotAuthorized {
            authorization_id,
            reason,
            ..
        } => {
            state.status = ReferralStatus::NotAuthorized;
            state.authorization_id = authorization_id.clone();
            state.not_authorized_reason = Some(reason.clone());
        }
        E::ServicesStarted { started_on, .. } => {
            state.status = ReferralStatus::ServicesStarted;
            state.services_started_on = Some(*started_on);
        }
        E::Closed { closure } => {
            state.status = ReferralStatus::Closed;
            state.closure = Some(closure.clone());
        }
        E::NoticeRecorded { notice, .. } => state.notices.push(notice.clone()),
        E::NoticeAgreementRecorded { agreement } => {
            state.notice_agreement = Some(agreement.clone());
        }
    }
    state
}

/// The state reached from the empty state by `events`, in order.
pub fn replay<'a>(events: impl IntoIterator<Item = &'a ReferralEvent>) -> ReferralState {
    events.into_iter().fold(ReferralState::default(), apply)
}
