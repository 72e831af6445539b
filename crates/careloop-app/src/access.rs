//! The access policy (issue #3), pure: which actions each role may take, and which records an
//! organization may see. Use cases call these on every read and write; the store supplies the
//! member access grants (`Store::has_access`) and the record's owning and referring organization.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, OrgKind, Role};

/// What a use case does; each is allowed to some roles only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    SubmitAuthorization,
    PendAuthorization,
    ExtendAuthorization,
    DecideAuthorization,
    FileAppeal,
    ResolveAppeal,
    ReadAuthorization,
    ViewAuthorizationQueue,
    CreateReferral,
    ReviewReferralEligibility,
    AssignReferral,
    /// Accept or decline an assigned referral.
    RespondToReferral,
    CloseReferral,
    ReadReferral,
    // Authorization additions: information received, withdrawal, notices.
    ReceiveAuthorizationInformation,
    WithdrawAuthorization,
    RecordAuthorizationNotice,
    // ECM enrollment (ecm): `crate::ecm`.
    OpenEcmEnrollment,
    RecordEcmOutreachAttempt,
    EnrollEcm,
    AssignEcmLeadCareManager,
    AddEcmCareTeamMember,
    RecordEcmAssessment,
    RecordEcmCarePlanGoal,
    RecordEcmCoreServiceActivity,
    /// The plan's re-authorization of an enrolled member (new authorization id and period).
    ReauthorizeEcm,
    DiscontinueEcm,
    ReadEcmEnrollment,
    ViewEcmReauthorizationQueue,
    // --- Members (member helper) ---
    RegisterMember,
    /// Replace a member's contact data.
    UpdateMember,
    RecordMemberFacts,
    RecomputeMemberEligibility,
    ReadMember,
    ListMembers,
    /// The stored determination with its trace (the "why" view).
    ReadMemberEligibility,
    // ident (issue #3): identity, audit log, referral extras and the referral queue.
    /// Create, list, disable and enable users of the actor's own organization.
    ManageUsers,
    ListOrganizations,
    ReadAuditLog,
    /// Record the authorization decision on a referred service.
    AuthorizeReferral,
    StartReferralServices,
    RecordReferralNotice,
    RecordReferralNoticeAgreement,
    ViewReferralQueue,
    // Provider capacity (issue #14 item 12): `crate::identity::capacity`.
    /// A provider records its own capacity per service and county.
    RecordProviderCapacity,
    /// The provider directory and a provider's capacity (no member data).
    ReadProviderDirectory,
}

impl Action {
    /// The name written to the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::SubmitAuthorization => "submit-authorization",
            Action::PendAuthorization => "pend-authorization",
            Action::ExtendAuthorization => "extend-authorization",
            Action::DecideAuthorization => "decide-authorization",
            Action::FileAppeal => "file-appeal",
            Action::ResolveAppeal => "resolve-appeal",
            Action::ReadAuthorization => "read",
            Action::ViewAuthorizationQueue => "list",
            Action::CreateReferral => "create-referral",
            Action::ReviewReferralEligibility => "review-referral-eligibility",
            Action::AssignReferral => "assign-referral",
            Action::RespondToReferral => "respond-to-referral",
            Action::CloseReferral => "close-referral",
            Action::ReadReferral => "read",
            Action::ReceiveAuthorizationInformation => "receive-authorization-information",
            Action::WithdrawAuthorization => "withdraw-authorization",
            Action::RecordAuthorizationNotice => "record-authorization-notice",
            // ECM enrollment (ecm)
            Action::OpenEcmEnrollment => "open-ecm-enrollment",
            Action::RecordEcmOutreachAttempt => "record-outreach-attempt",
            Action::EnrollEcm => "enroll-ecm",
            Action::AssignEcmLeadCareManager => "assign-lead-care-manager",
            Action::AddEcmCareTeamMember => "add-care-team-member",
            Action::RecordEcmAssessment => "record-assessment",
            Action::RecordEcmCarePlanGoal => "record-care-plan-goal",
            Action::RecordEcmCoreServiceActivity => "record-core-service-activity",
            Action::ReauthorizeEcm => "reauthorize-ecm",
            Action::DiscontinueEcm => "discontinue-ecm",
            Action::ReadEcmEnrollment => "read",
            Action::ViewEcmReauthorizationQueue => "list",
            // --- Members ---
            Action::RegisterMember => "register-member",
            Action::UpdateMember => "update-member",
            Action::RecordMemberFacts => "record-member-facts",
            Action::RecomputeMemberEligibility => "recompute-member-eligibility",
            Action::ReadMember => "read",
            Action::ListMembers => "list",
            Action::ReadMemberEligibility => "read-eligibility",
            // ident
            Action::ManageUsers => "manage-users",
            Action::ListOrganizations => "list-organizations",
            Action::ReadAuditLog => "read-audit-log",
            Action::AuthorizeReferral => "authorize-referral",
            Action::StartReferralServices => "start-referral-services",
            Action::RecordReferralNotice => "record-referral-notice",
            Action::RecordReferralNoticeAgreement => "record-referral-notice-agreement",
            Action::ViewReferralQueue => "list",
            Action::RecordProviderCapacity => "record-provider-capacity",
            Action::ReadProviderDirectory => "read-provider-directory",
        }
    }

    /// Reads do not change anything.
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Action::ReadAuthorization | Action::ReadReferral | Action::ViewAuthorizationQueue
        ) || matches!(
            // ECM enrollment (ecm)
            self,
            Action::ReadEcmEnrollment | Action::ViewEcmReauthorizationQueue
        ) || matches!(
            // --- Members ---
            self,
            Action::ReadMember | Action::ListMembers | Action::ReadMemberEligibility
        ) || matches!(
            // ident
            self,
            Action::ListOrganizations | Action::ReadAuditLog | Action::ViewReferralQueue
        ) || self == Action::ReadProviderDirectory
    }
}

/// Whether `role` may take `action`.
///
/// Plan UM reviewers decide requests and appeals; plan care coordinators work referrals and may
/// file an appeal for the member; provider care managers submit requests, answer referrals and
/// may file an appeal for the member; admins read; referrers create and read their referrals.
pub fn role_permits(role: Role, action: Action) -> bool {
    use Action as A;
    // ECM enrollment (ecm): its actions are decided by `ecm_role_permits` alone.
    if let Some(allowed) = ecm_role_permits(role, action) {
        return allowed;
    }
    if member_role_permits(role, action) {
        return true;
    }
    match action {
        // Provider capacity: a provider's admin or care manager records it; everyone signed in
        // reads the directory (it holds no member data).
        A::RecordProviderCapacity => {
            return matches!(role, Role::ProviderAdmin | Role::ProviderCareManager);
        }
        A::ReadProviderDirectory => return true,
        _ => {}
    }
    match role {
        Role::PlanUmReviewer => matches!(
            action,
            A::PendAuthorization
                | A::ReceiveAuthorizationInformation
                | A::WithdrawAuthorization
                | A::RecordAuthorizationNotice
                | A::ExtendAuthorization
                | A::DecideAuthorization
                | A::ResolveAppeal
                | A::ReadAuthorization
                | A::ViewAuthorizationQueue
                | A::ReadReferral
                // ident
                | A::AuthorizeReferral
                | A::ViewReferralQueue
        ),
        Role::PlanCareCoordinator => matches!(
            action,
            A::FileAppeal
                | A::RecordAuthorizationNotice
                | A::ReadAuthorization
                | A::ViewAuthorizationQueue
                | A::CreateReferral
                | A::ReviewReferralEligibility
                | A::AssignReferral
                | A::CloseReferral
                | A::ReadReferral
                // ident
                | A::AuthorizeReferral
                | A::RecordReferralNotice
                | A::RecordReferralNoticeAgreement
                | A::ViewReferralQueue
        ),
        // Plan and provider admins read their organization's audit log (issue #12, defect 9).
        Role::PlanAdmin | Role::ProviderAdmin if action == A::ReadAuditLog => true,
        Role::PlanAdmin | Role::ProviderAdmin => matches!(
            action,
            A::ReadAuthorization
                | A::ViewAuthorizationQueue
                | A::ReadReferral
                // ident
                | A::ManageUsers
                | A::ListOrganizations
                | A::ViewReferralQueue
        ),
        Role::ProviderCareManager => matches!(
            action,
            A::SubmitAuthorization
                | A::ReceiveAuthorizationInformation
                | A::WithdrawAuthorization
                | A::FileAppeal
                | A::ReadAuthorization
                | A::ViewAuthorizationQueue
                | A::RespondToReferral
                | A::ReadReferral
                // ident
                | A::StartReferralServices
                | A::RecordReferralNotice
                | A::RecordReferralNoticeAgreement
                | A::ViewReferralQueue
        ),
        Role::Referrer => matches!(action, A::CreateReferral | A::ReadReferral),
    }
}

/// ECM enrollment (ecm): `None` for an action outside ECM enrollment.
///
/// The plan care coordinator assigns a member to an ECM provider (opens the enrollment); the
/// provider's care manager does outreach, enrolls, names the Lead Care Manager and care team and
/// records assessments, goals and core-service activities; re-authorization is the plan's
/// decision (UM reviewer or care coordinator); the provider's care manager or the plan's care
/// coordinator may discontinue; every plan and provider role reads and lists (visibility rules
/// apply: a provider needs a grant for the member).
fn ecm_role_permits(role: Role, action: Action) -> Option<bool> {
    use Action as A;
    let provider_work = matches!(
        action,
        A::RecordEcmOutreachAttempt
            | A::EnrollEcm
            | A::AssignEcmLeadCareManager
            | A::AddEcmCareTeamMember
            | A::RecordEcmAssessment
            | A::RecordEcmCarePlanGoal
            | A::RecordEcmCoreServiceActivity
    );
    let allowed = match action {
        A::OpenEcmEnrollment => role == Role::PlanCareCoordinator,
        _ if provider_work => role == Role::ProviderCareManager,
        A::ReauthorizeEcm => matches!(role, Role::PlanUmReviewer | Role::PlanCareCoordinator),
        A::DiscontinueEcm => matches!(role, Role::ProviderCareManager | Role::PlanCareCoordinator),
        A::ReadEcmEnrollment | A::ViewEcmReauthorizationQueue => role != Role::Referrer,
        _ => return None,
    };
    Some(allowed)
}

/// Members: plan care coordinators and plan admins register members and record their facts; plan
/// UM reviewers read; provider care managers and admins read members granted to them (visibility
/// is checked per record); referrers have no member access.
fn member_role_permits(role: Role, action: Action) -> bool {
    use Action as A;
    let read = matches!(
        action,
        A::ReadMember | A::ListMembers | A::ReadMemberEligibility
    );
    let write = matches!(
        action,
        A::RegisterMember | A::UpdateMember | A::RecordMemberFacts | A::RecomputeMemberEligibility
    );
    match role {
        Role::PlanCareCoordinator | Role::PlanAdmin => read || write,
        Role::PlanUmReviewer | Role::ProviderCareManager | Role::ProviderAdmin => read,
        Role::Referrer => false,
    }
}

/// Whether any of the actor's roles permits `action`.
pub fn permits(actor: &Actor, action: Action) -> bool {
    actor.roles.iter().any(|r| role_permits(*r, action))
}

/// Who a stored record belongs to, kept with the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordOwners {
    /// The plan organization that owns the record.
    pub owner_org_id: String,
    /// The referring organization, for a referral made by a referring entity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referrer_org_id: Option<String>,
}

/// Whether the actor's organization may see a record: the owning plan sees its records; a
/// provider sees records about members referred, assigned or authorized to it
/// (`member_granted`, from `Store::has_access`); a referring entity sees only its own referrals.
pub fn may_see(actor: &Actor, owners: &RecordOwners, member_granted: bool) -> bool {
    match actor.org_kind {
        OrgKind::Plan => owners.owner_org_id == actor.org_id,
        OrgKind::EcmProvider | OrgKind::CsProvider => member_granted,
        OrgKind::ReferringEntity => owners.referrer_org_id.as_deref() == Some(&actor.org_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(kind: OrgKind, org: &str, roles: Vec<Role>) -> Actor {
        Actor {
            user_id: "u".into(),
            org_id: org.into(),
            org_kind: kind,
            roles,
        }
    }

    #[test]
    fn only_plan_um_reviewers_decide_and_only_providers_submit() {
        let table = [
            (Role::PlanUmReviewer, Action::DecideAuthorization, true),
            (
                Role::PlanCareCoordinator,
                Action::DecideAuthorization,
                false,
            ),
            (
                Role::ProviderCareManager,
                Action::DecideAuthorization,
                false,
            ),
            (Role::PlanAdmin, Action::DecideAuthorization, false),
            (Role::ProviderCareManager, Action::SubmitAuthorization, true),
            (Role::PlanUmReviewer, Action::SubmitAuthorization, false),
            (Role::Referrer, Action::CreateReferral, true),
            (Role::Referrer, Action::ReadAuthorization, false),
            (Role::ProviderAdmin, Action::RespondToReferral, false),
            (Role::ProviderCareManager, Action::RespondToReferral, true),
            (Role::PlanCareCoordinator, Action::AssignReferral, true),
        ];
        for (role, action, expected) in table {
            assert_eq!(role_permits(role, action), expected, "{role:?} {action:?}");
        }
    }

    /// ECM enrollment (ecm): plan opens and re-authorizes, the provider works the enrollment,
    /// either discontinues, referrers do nothing.
    #[test]
    fn ecm_actions_follow_the_plan_provider_split() {
        use Action as A;
        use Role as R;
        let table = [
            (R::PlanCareCoordinator, A::OpenEcmEnrollment, true),
            (R::ProviderCareManager, A::OpenEcmEnrollment, false),
            (R::PlanUmReviewer, A::OpenEcmEnrollment, false),
            (R::ProviderCareManager, A::EnrollEcm, true),
            (R::ProviderAdmin, A::EnrollEcm, false),
            (R::PlanCareCoordinator, A::EnrollEcm, false),
            (R::ProviderCareManager, A::RecordEcmOutreachAttempt, true),
            (
                R::ProviderCareManager,
                A::RecordEcmCoreServiceActivity,
                true,
            ),
            (R::PlanUmReviewer, A::RecordEcmCarePlanGoal, false),
            (R::PlanUmReviewer, A::ReauthorizeEcm, true),
            (R::PlanCareCoordinator, A::ReauthorizeEcm, true),
            (R::ProviderCareManager, A::ReauthorizeEcm, false),
            (R::ProviderCareManager, A::DiscontinueEcm, true),
            (R::PlanCareCoordinator, A::DiscontinueEcm, true),
            (R::PlanUmReviewer, A::DiscontinueEcm, false),
            (R::PlanAdmin, A::ReadEcmEnrollment, true),
            (R::ProviderAdmin, A::ViewEcmReauthorizationQueue, true),
            (R::Referrer, A::ReadEcmEnrollment, false),
            (R::Referrer, A::ViewEcmReauthorizationQueue, false),
            // Non-ECM actions are unchanged by the ECM block.
            (R::PlanUmReviewer, A::DecideAuthorization, true),
            (R::Referrer, A::CreateReferral, true),
        ];
        for (role, action, expected) in table {
            assert_eq!(role_permits(role, action), expected, "{role:?} {action:?}");
        }
        assert!(A::ReadEcmEnrollment.is_read() && A::ViewEcmReauthorizationQueue.is_read());
        assert!(!A::EnrollEcm.is_read());
    }

    #[test]
    fn plan_coordinators_and_admins_write_members_others_read_referrers_nothing() {
        let writes = [
            Action::RegisterMember,
            Action::UpdateMember,
            Action::RecordMemberFacts,
            Action::RecomputeMemberEligibility,
        ];
        let reads = [
            Action::ReadMember,
            Action::ListMembers,
            Action::ReadMemberEligibility,
        ];
        // (role, may write, may read)
        let table = [
            (Role::PlanCareCoordinator, true, true),
            (Role::PlanAdmin, true, true),
            (Role::PlanUmReviewer, false, true),
            (Role::ProviderCareManager, false, true),
            (Role::ProviderAdmin, false, true),
            (Role::Referrer, false, false),
        ];
        for (role, write, read) in table {
            for action in writes {
                assert_eq!(role_permits(role, action), write, "{role:?} {action:?}");
            }
            for action in reads {
                assert_eq!(role_permits(role, action), read, "{role:?} {action:?}");
                assert!(action.is_read());
            }
        }
    }

    #[test]
    fn visibility_follows_owner_grant_or_referrer() {
        let owners = RecordOwners {
            owner_org_id: "plan-1".into(),
            referrer_org_id: Some("ref-1".into()),
        };
        let table = [
            (actor(OrgKind::Plan, "plan-1", vec![]), false, true),
            (actor(OrgKind::Plan, "plan-2", vec![]), true, false),
            (actor(OrgKind::EcmProvider, "prov-1", vec![]), true, true),
            (actor(OrgKind::CsProvider, "prov-1", vec![]), false, false),
            (
                actor(OrgKind::ReferringEntity, "ref-1", vec![]),
                false,
                true,
            ),
            (
                actor(OrgKind::ReferringEntity, "ref-2", vec![]),
                true,
                false,
            ),
        ];
        for (a, granted, expected) in table {
            assert_eq!(may_see(&a, &owners, granted), expected, "{a:?} {granted}");
        }
    }
}
