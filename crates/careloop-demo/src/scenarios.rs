//! What happens to each member after registration: the scenario list, cycled through by member
//! index, so even a small data set holds every status.

/// What happens to a member after registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scenario {
    Nothing,
    /// Registered with hospice present: excluded from ECM.
    Hospice,
    Referral(RefStep),
    Auth(AuthStep),
    Ecm(EcmStep),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefStep {
    Received,
    Reviewed,
    NotEligible,
    Assigned,
    Accepted,
    Declined,
    Authorized,
    NotAuthorized,
    ServicesStarted,
    ClosedServicesReceived,
    ClosedMemberDeclined,
    ClosedUnableToReach,
    ClosedNotEligible,
    ClosedNotAuthorized,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthStep {
    OnTrack,
    AtRisk,
    Overdue,
    Pended,
    Extended,
    Approved,
    ApprovedAsModified,
    Denied,
    AppealFiled,
    AppealUpheld,
    AppealOverturned,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EcmStep {
    Outreach,
    Enrolled,
    ReauthorizationDue,
    Discontinued,
}

const SCENARIOS: [Scenario; 40] = [
    Scenario::Referral(RefStep::Received),
    Scenario::Auth(AuthStep::OnTrack),
    Scenario::Ecm(EcmStep::Outreach),
    Scenario::Nothing,
    Scenario::Referral(RefStep::Reviewed),
    Scenario::Auth(AuthStep::AtRisk),
    Scenario::Ecm(EcmStep::Enrolled),
    Scenario::Hospice,
    Scenario::Referral(RefStep::NotEligible),
    Scenario::Auth(AuthStep::Overdue),
    Scenario::Ecm(EcmStep::ReauthorizationDue),
    Scenario::Nothing,
    Scenario::Referral(RefStep::Assigned),
    Scenario::Auth(AuthStep::Pended),
    Scenario::Ecm(EcmStep::Discontinued),
    Scenario::Nothing,
    Scenario::Referral(RefStep::Accepted),
    Scenario::Auth(AuthStep::Extended),
    Scenario::Ecm(EcmStep::Enrolled),
    Scenario::Referral(RefStep::Declined),
    Scenario::Auth(AuthStep::Approved),
    Scenario::Nothing,
    Scenario::Referral(RefStep::Authorized),
    Scenario::Auth(AuthStep::ApprovedAsModified),
    Scenario::Referral(RefStep::NotAuthorized),
    Scenario::Auth(AuthStep::Denied),
    Scenario::Nothing,
    Scenario::Referral(RefStep::ServicesStarted),
    Scenario::Auth(AuthStep::AppealFiled),
    Scenario::Referral(RefStep::ClosedServicesReceived),
    Scenario::Auth(AuthStep::AppealUpheld),
    Scenario::Nothing,
    Scenario::Referral(RefStep::ClosedMemberDeclined),
    Scenario::Auth(AuthStep::AppealOverturned),
    Scenario::Referral(RefStep::ClosedUnableToReach),
    Scenario::Auth(AuthStep::OnTrack),
    Scenario::Referral(RefStep::ClosedNotEligible),
    Scenario::Auth(AuthStep::AtRisk),
    Scenario::Referral(RefStep::ClosedNotAuthorized),
    Scenario::Auth(AuthStep::Overdue),
];

/// The scenario of the `n`-th member (0-based).
pub(crate) fn for_member(n: usize) -> Scenario {
    SCENARIOS
        .get(n % SCENARIOS.len())
        .copied()
        .unwrap_or(Scenario::Nothing)
}
