//! ECM enrollment (CALAIM.md §2.5–§2.9): outreach attempts, enrollment (blocked by hospice, PACE,
//! CCM, CCT or a 1915(c) waiver, with the rule shown from the eligibility determination), Lead Care
//! Manager and care team, assessments, care plan goals, activities for the seven core services,
//! re-authorization every 6 months, discontinuation with a reason.

mod apply;
mod decide;
mod link;

pub use apply::{apply, replay};
pub use decide::decide;
pub use link::check_ecm_authorization;

use super::ActorId;
use super::notice::Channel;
use super::period::AuthorizationPeriod;
use crate::cite::Citation;
use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The seven ECM core services (CALAIM.md §2.7 [12][11][2]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CoreService {
    OutreachAndEngagement,
    ComprehensiveAssessmentAndCareManagementPlan,
    EnhancedCoordinationOfCare,
    HealthPromotion,
    ComprehensiveTransitionalCare,
    MemberAndFamilySupports,
    CoordinationOfAndReferralToCommunityAndSocialSupportServices,
}

impl CoreService {
    pub const ALL: [CoreService; 7] = [
        CoreService::OutreachAndEngagement,
        CoreService::ComprehensiveAssessmentAndCareManagementPlan,
        CoreService::EnhancedCoordinationOfCare,
        CoreService::HealthPromotion,
        CoreService::ComprehensiveTransitionalCare,
        CoreService::MemberAndFamilySupports,
        CoreService::CoordinationOfAndReferralToCommunityAndSocialSupportServices,
    ];
}

/// In person, or telephonic/electronic (outreach documentation for billing, CALAIM.md §2.8 [55]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ContactMode {
    InPerson,
    Telephonic,
}

/// Clinical or non-clinical staff (CALAIM.md §2.8 [55]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum StaffType {
    Clinical,
    NonClinical,
}

/// One outreach attempt; it counts whether or not it reaches the member (CALAIM.md §2.5 [10]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutreachAttempt {
    pub date: Date,
    pub channel: Channel,
    pub mode: ContactMode,
    pub staff: StaffType,
    pub reached: bool,
    pub actor: ActorId,
}

/// A comprehensive assessment (CALAIM.md §2.7 item 2, §2.8 [56]): its start and completion
/// dates (RTF "Date Assessment Started", "Date of Most Recent Completed Assessment") and the
/// answers recorded so far, one per assessment domain of the policy pack (`workflow.toml
/// assessment_domains`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    pub assessment_id: String,
    pub started: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed: Option<Date>,
    /// At most one answer per domain, each with the day it was answered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub answers: Vec<DomainAnswer>,
}

/// What the assessment found in one domain, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainAnswer {
    /// A code of `workflow.toml assessment_domains`, e.g. "physical-health".
    pub domain: String,
    pub answered_on: Date,
    pub answer: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum GoalStatus {
    Open,
    Met,
    Discontinued,
}

/// A person-centered care plan goal; recording a goal id again revises it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CarePlanGoal {
    pub goal_id: String,
    pub description: String,
    pub status: GoalStatus,
    pub revised_on: Date,
}

/// Someone on the member's care team.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CareTeamMember {
    pub person_id: String,
    /// e.g. "pcp", "behavioral-health", "chw", "housing-navigator".
    pub role: String,
}

/// An activity under one of the seven core services.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CoreServiceActivity {
    pub service: CoreService,
    pub date: Date,
    pub description: String,
    pub actor: ActorId,
}

/// The exclusion check made at enrollment from the eligibility determination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExclusionCheck {
    pub determination_id: String,
    pub as_of: Date,
    pub policy_version: String,
    /// The exclusion rule ids checked, each found not to apply.
    pub rules_checked: Vec<String>,
}

/// Why and when ECM stopped (RTF discontinuation fields, CALAIM.md §2.9 [56]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Discontinuation {
    pub on: Date,
    /// A code from `workflow.toml discontinuation_reasons`.
    pub reason: String,
    pub citation: Citation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub at: Timestamp,
    pub actor: ActorId,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EnrollmentStatus {
    #[default]
    New,
    /// Prospective enrollee: outreach under way.
    Outreach,
    Enrolled,
    Discontinued,
}

impl EnrollmentStatus {
    pub fn label(self) -> &'static str {
        match self {
            EnrollmentStatus::New => "not yet opened",
            EnrollmentStatus::Outreach => "in outreach",
            EnrollmentStatus::Enrolled => "enrolled",
            EnrollmentStatus::Discontinued => "discontinued",
        }
    }
}

/// The state of one member's ECM enrollment with one provider.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EcmEnrollmentState {
    pub status: EnrollmentStatus,
    pub enrollment_id: String,
    pub member_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    pub provider_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opened_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enrolled_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead_care_manager: Option<String>,
    #[serde(default)]
    pub care_team: Vec<CareTeamMember>,
    #[serde(default)]
    pub outreach: Vec<OutreachAttempt>,
    #[serde(default)]
    pub assessments: Vec<Assessment>,
    #[serde(default)]
    pub goals: Vec<CarePlanGoal>,
    #[serde(default)]
    pub activities: Vec<CoreServiceActivity>,
    /// Authorization periods, initial first, then each re-authorization.
    #[serde(default)]
    pub periods: Vec<AuthorizationPeriod>,
    /// Authorization ids, one per period.
    #[serde(default)]
    pub authorization_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclusion_check: Option<ExclusionCheck>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discontinuation: Option<Discontinuation>,
}

impl EcmEnrollmentState {
    /// The last day of the current authorization period: the re-authorization must be in place
    /// by then (6-month re-authorizations, CALAIM.md §2.6 [4], §9 item 10).
    pub fn reauthorization_due(&self) -> Option<Date> {
        if self.status != EnrollmentStatus::Enrolled {
            return None;
        }
        self.periods.last().map(|p| p.through)
    }
}

/// What a user or system asks of an ECM enrollment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "kebab-case", deny_unknown_fields)]
pub enum EcmCommand {
    /// Start outreach to a prospective enrollee assigned to `provider_id`.
    Open {
        enrollment_id: String,
        member_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<String>,
        provider_id: String,
        at: Timestamp,
        actor: ActorId,
    },
    RecordOutreachAttempt {
        /// When it is recorded: the attempt's date must not be after this day (California).
        at: Timestamp,
        attempt: OutreachAttempt,
    },
    /// Enroll from `start`, under the initial authorization `authorization_id`. Needs the
    /// eligibility determination as of `start` in the context.
    Enroll {
        at: Timestamp,
        start: Date,
        authorization_id: String,
        lead_care_manager: String,
        actor: ActorId,
    },
    AssignLeadCareManager {
        at: Timestamp,
        person_id: String,
        actor: ActorId,
    },
    AddCareTeamMember {
        at: Timestamp,
        member: CareTeamMember,
        actor: ActorId,
    },
    RecordAssessment {
        at: Timestamp,
        assessment: Assessment,
        actor: ActorId,
    },
    RecordCarePlanGoal {
        at: Timestamp,
        goal: CarePlanGoal,
        actor: ActorId,
    },
    RecordCoreServiceActivity {
        /// When it is recorded: the activity's date must not be after this day (California).
        at: Timestamp,
        activity: CoreServiceActivity,
    },
    /// A re-authorization starting `start` (6 months, CALAIM.md §2.6 [4]).
    Reauthorize {
        at: Timestamp,
        start: Date,
        authorization_id: String,
        actor: ActorId,
    },
    Discontinue {
        at: Timestamp,
        on: Date,
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        actor: ActorId,
    },
}

/// What happened to an ECM enrollment (append-only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum EcmEvent {
    Opened {
        enrollment_id: String,
        member_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        plan: Option<String>,
        provider_id: String,
        at: Timestamp,
        actor: ActorId,
    },
    OutreachAttemptRecorded {
        attempt: OutreachAttempt,
    },
    Enrolled {
        at: Timestamp,
        start: Date,
        authorization_id: String,
        period: AuthorizationPeriod,
        lead_care_manager: String,
        exclusion_check: ExclusionCheck,
        actor: ActorId,
    },
    LeadCareManagerAssigned {
        at: Timestamp,
        person_id: String,
        actor: ActorId,
    },
    CareTeamMemberAdded {
        at: Timestamp,
        member: CareTeamMember,
        actor: ActorId,
    },
    AssessmentRecorded {
        at: Timestamp,
        assessment: Assessment,
        actor: ActorId,
    },
    CarePlanGoalRecorded {
        at: Timestamp,
        goal: CarePlanGoal,
        actor: ActorId,
    },
    CoreServiceActivityRecorded {
        activity: CoreServiceActivity,
    },
    Reauthorized {
        at: Timestamp,
        authorization_id: String,
        period: AuthorizationPeriod,
        actor: ActorId,
    },
    Discontinued {
        discontinuation: Discontinuation,
    },
}
