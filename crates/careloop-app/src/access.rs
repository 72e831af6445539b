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
        }
    }

    /// Reads do not change anything.
    pub fn is_read(self) -> bool {
        matches!(
            self,
            Action::ReadAuthorization | Action::ReadReferral | Action::ViewAuthorizationQueue
        )
    }
}

/// Whether `role` may take `action`.
///
/// Plan UM reviewers decide requests and appeals; plan care coordinators work referrals and may
/// file an appeal for the member; provider care managers submit requests, answer referrals and
/// may file an appeal for the member; admins read; referrers create and read their referrals.
pub fn role_permits(role: Role, action: Action) -> bool {
    use Action as A;
    match role {
        Role::PlanUmReviewer => matches!(
            action,
            A::PendAuthorization
                | A::ExtendAuthorization
                | A::DecideAuthorization
                | A::ResolveAppeal
                | A::ReadAuthorization
                | A::ViewAuthorizationQueue
                | A::ReadReferral
        ),
        Role::PlanCareCoordinator => matches!(
            action,
            A::FileAppeal
                | A::ReadAuthorization
                | A::ViewAuthorizationQueue
                | A::CreateReferral
                | A::ReviewReferralEligibility
                | A::AssignReferral
                | A::CloseReferral
                | A::ReadReferral
        ),
        Role::PlanAdmin | Role::ProviderAdmin => matches!(
            action,
            A::ReadAuthorization | A::ViewAuthorizationQueue | A::ReadReferral
        ),
        Role::ProviderCareManager => matches!(
            action,
            A::SubmitAuthorization
                | A::FileAppeal
                | A::ReadAuthorization
                | A::ViewAuthorizationQueue
                | A::RespondToReferral
                | A::ReadReferral
        ),
        Role::Referrer => matches!(action, A::CreateReferral | A::ReadReferral),
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
