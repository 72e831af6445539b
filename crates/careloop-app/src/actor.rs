//! Who acts: a signed-in user of one organization, with roles (issue #3).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The kinds of organization that use careloop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OrgKind {
    /// A Medi-Cal managed care plan.
    Plan,
    EcmProvider,
    CsProvider,
    /// A provider, CBO or other entity that refers members ("no wrong door", CALAIM.md §2.5).
    ReferringEntity,
}

impl OrgKind {
    /// An ECM or Community Supports provider organization.
    pub fn is_provider(self) -> bool {
        matches!(self, OrgKind::EcmProvider | OrgKind::CsProvider)
    }

    /// The kebab-case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Plan => "plan",
            OrgKind::EcmProvider => "ecm-provider",
            OrgKind::CsProvider => "cs-provider",
            OrgKind::ReferringEntity => "referring-entity",
        }
    }
}

/// A user's role within their organization.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Plan utilization-management reviewer: decides authorization requests and appeals.
    PlanUmReviewer,
    /// Plan care coordinator: works referrals and assigns providers.
    PlanCareCoordinator,
    PlanAdmin,
    /// ECM lead care manager or CS staff at a provider organization.
    ProviderCareManager,
    ProviderAdmin,
    /// Staff of a referring entity.
    Referrer,
}

impl Role {
    /// The organization kinds this role exists in.
    pub fn fits(self, kind: OrgKind) -> bool {
        match self {
            Role::PlanUmReviewer | Role::PlanCareCoordinator | Role::PlanAdmin => {
                kind == OrgKind::Plan
            }
            Role::ProviderCareManager | Role::ProviderAdmin => kind.is_provider(),
            Role::Referrer => kind == OrgKind::ReferringEntity,
        }
    }
}

/// The signed-in user acting through a use case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub user_id: String,
    pub org_id: String,
    pub org_kind: OrgKind,
    pub roles: Vec<Role>,
}

impl Actor {
    /// An actor whose ids are not empty and whose roles all belong to its organization kind.
    pub fn new(
        user_id: impl Into<String>,
        org_id: impl Into<String>,
        org_kind: OrgKind,
        roles: Vec<Role>,
    ) -> Result<Self, AppError> {
        let actor = Actor {
            user_id: user_id.into(),
            org_id: org_id.into(),
            org_kind,
            roles,
        };
        actor.check()?;
        Ok(actor)
    }

    /// Checks an actor built elsewhere (e.g. deserialized from a session).
    pub fn check(&self) -> Result<(), AppError> {
        if self.user_id.trim().is_empty() {
            return Err(AppError::invalid("actor.user_id", "must not be empty"));
        }
        if self.org_id.trim().is_empty() {
            return Err(AppError::invalid("actor.org_id", "must not be empty"));
        }
        if let Some(role) = self.roles.iter().find(|r| !r.fits(self.org_kind)) {
            return Err(AppError::invalid(
                "actor.roles",
                format!(
                    "role {role:?} does not exist in a {:?} organization",
                    self.org_kind
                ),
            ));
        }
        Ok(())
    }

    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_must_belong_to_the_organization_kind() {
        let table = [
            (OrgKind::Plan, Role::PlanUmReviewer, true),
            (OrgKind::Plan, Role::ProviderCareManager, false),
            (OrgKind::EcmProvider, Role::ProviderCareManager, true),
            (OrgKind::CsProvider, Role::ProviderAdmin, true),
            (OrgKind::CsProvider, Role::PlanAdmin, false),
            (OrgKind::ReferringEntity, Role::Referrer, true),
            (OrgKind::ReferringEntity, Role::ProviderCareManager, false),
        ];
        for (kind, role, ok) in table {
            let result = Actor::new("u", "org", kind, vec![role]);
            assert_eq!(result.is_ok(), ok, "{kind:?} {role:?}");
            if !ok {
                assert!(matches!(
                    result,
                    Err(AppError::Invalid {
                        field: "actor.roles",
                        ..
                    })
                ));
            }
        }
        assert!(matches!(
            Actor::new(" ", "org", OrgKind::Plan, vec![]),
            Err(AppError::Invalid {
                field: "actor.user_id",
                ..
            })
        ));
    }
}
