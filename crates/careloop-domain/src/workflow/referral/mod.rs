//! Referrals with a closed loop (DHCS CLR, CALAIM.md §6.4, §2.5): received from a provider, a
//! CBO, the member, or the plan's own identification; eligibility reviewed; assigned to a provider
//! who accepts or declines; authorized or not; services started; closed with a reason from the
//! documented value set (`workflow.toml closure_reasons`). Sobering Centers are exempt from CLR
//! tracking and notices (catalog flag `clr_exempt`, CALAIM.md §6.4 [37]).

mod apply;
mod decide;
mod duties;
mod link;

pub use apply::{apply, replay};
pub use decide::decide;
pub use duties::{NoticeDuty, clr_applicability, clr_notice_duties};
pub use link::check_authorization_link;

use super::notice::{Channel, Notice};
use super::{ActorId, Program};
use crate::cite::Citation;
use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a referral came from ("no wrong door", CALAIM.md §2.5 [17][27][2][60][75]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReferralSource {
    /// A provider (need not be a clinician).
    Provider,
    /// A community-based organization.
    Cbo,
    /// The member referred themself.
    #[serde(rename = "self")]
    SelfReferral,
    /// The plan identified the member from its data.
    PlanIdentification,
}

impl ReferralSource {
    /// A referring entity that CLR notices go to (a provider or CBO; CALAIM.md §6.4 [39]).
    pub fn is_referring_entity(self) -> bool {
        matches!(self, ReferralSource::Provider | ReferralSource::Cbo)
    }
}

/// The referrer as given on the referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Referrer {
    pub source: ReferralSource,
    /// Organization or NPI id, when there is one.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::text::de::opt_id"
    )]
    #[schemars(with = "Option<crate::text::Id>")]
    pub id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::text::de::opt_line"
    )]
    #[schemars(with = "Option<crate::text::Line>")]
    pub name: Option<String>,
    /// Electronic address (email, portal account, endpoint) for CLR notices.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::text::de::opt_line"
    )]
    #[schemars(with = "Option<crate::text::Line>")]
    pub contact: Option<String>,
}

/// Where a referral stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReferralStatus {
    #[default]
    New,
    Received,
    EligibilityReviewed,
    /// Eligibility review found the member not eligible; the loop closes as not eligible.
    NotEligible,
    AssignedToProvider,
    AcceptedByProvider,
    DeclinedByProvider,
    Authorized,
    NotAuthorized,
    ServicesStarted,
    Closed,
}

impl ReferralStatus {
    pub fn label(self) -> &'static str {
        match self {
            ReferralStatus::New => "not yet received",
            ReferralStatus::Received => "received",
            ReferralStatus::EligibilityReviewed => "eligibility reviewed",
            ReferralStatus::NotEligible => "not eligible",
            ReferralStatus::AssignedToProvider => "assigned to a provider",
            ReferralStatus::AcceptedByProvider => "accepted by the provider",
            ReferralStatus::DeclinedByProvider => "declined by the provider",
            ReferralStatus::Authorized => "authorized",
            ReferralStatus::NotAuthorized => "not authorized",
            ReferralStatus::ServicesStarted => "services started",
            ReferralStatus::Closed => "closed",
        }
    }
}

/// Whether closed-loop referral tracking and notices apply, and why (CALAIM.md §6.4 [37]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClrApplicability {
    pub tracked: bool,
    pub rule: String,
    pub citation: Citation,
}

/// Both sides agreed that notices to the referring entity may go by a non-electronic channel
/// (CALAIM.md §6.4 [39]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeAgreement {
    pub channel: Channel,
    pub agreed_at: Timestamp,
    /// Where the agreement is documented (e.g. the signed form's id).
    pub documentation: String,
    pub actor: ActorId,
}

/// How the loop closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    /// A code from `workflow.toml closure_reasons`.
    pub reason: String,
    pub citation: Citation,
    pub closed_at: Timestamp,
    /// The status the referral had when it closed.
    pub closed_from: ReferralStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub actor: ActorId,
}

/// The state of one referral.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralState {
    pub status: ReferralStatus,
    pub referral_id: String,
    pub member_id: String,
    pub referrer: Option<Referrer>,
    pub program: Option<Program>,
    /// The Population of Focus the referrer claims ("1a" … "9"), for ECM.
    pub claimed_pof: Option<String>,
    pub received_at: Option<Timestamp>,
    pub clr: Option<ClrApplicability>,
    pub determination_id: Option<String>,
    pub provider_id: Option<String>,
    /// Providers that declined, in order.
    #[serde(default)]
    pub declined_by: Vec<String>,
    pub authorization_id: Option<String>,
    pub not_authorized_reason: Option<String>,
    pub services_started_on: Option<Date>,
    pub closure: Option<Closure>,
    #[serde(default)]
    pub notices: Vec<Notice>,
    pub notice_agreement: Option<NoticeAgreement>,
}

impl ReferralState {
    /// True when CLR tracking and notices apply.
    pub fn clr_tracked(&self) -> bool {
        self.clr.as_ref().is_some_and(|c| c.tracked)
    }
}

/// What a user or system asks of a referral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "command", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ReferralCommand {
    Receive {
        referral_id: String,
        member_id: String,
        referrer: Referrer,
        program: Program,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        claimed_pof: Option<String>,
        received_at: Timestamp,
        actor: ActorId,
    },
    /// Record the eligibility review, citing the determination it used.
    ReviewEligibility {
        at: Timestamp,
        eligible: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        determination_id: Option<String>,
        actor: ActorId,
    },
    AssignProvider {
        at: Timestamp,
        provider_id: String,
        actor: ActorId,
    },
    ProviderAccept {
        at: Timestamp,
        actor: ActorId,
    },
    ProviderDecline {
        at: Timestamp,
        reason: String,
        actor: ActorId,
    },
    /// The authorization decision on the referred service. Not authorized needs the reason the
    /// referrer is told (CALAIM.md §4.4 [38]).
    RecordAuthorization {
        at: Timestamp,
        authorized: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authorization_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        actor: ActorId,
    },
    StartServices {
        at: Timestamp,
        started_on: Date,
        actor: ActorId,
    },
    Close {
        at: Timestamp,
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
        actor: ActorId,
    },
    RecordNotice {
        notice: Notice,
    },
    /// Both sides agree that referrer notices may use `channel` (CALAIM.md §6.4 [39]).
    RecordNoticeAgreement {
        at: Timestamp,
        channel: Channel,
        documentation: String,
        actor: ActorId,
    },
}

/// What happened to a referral (append-only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "kebab-case", deny_unknown_fields)]
pub enum ReferralEvent {
    Received {
        referral_id: String,
        member_id: String,
        referrer: Referrer,
        program: Program,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        claimed_pof: Option<String>,
        received_at: Timestamp,
        clr: ClrApplicability,
        actor: ActorId,
    },
    EligibilityReviewed {
        at: Timestamp,
        eligible: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        determination_id: Option<String>,
        actor: ActorId,
    },
    ProviderAssigned {
        at: Timestamp,
        provider_id: String,
        actor: ActorId,
    },
    ProviderAccepted {
        at: Timestamp,
        provider_id: String,
        actor: ActorId,
    },
    ProviderDeclined {
        at: Timestamp,
        provider_id: String,
        reason: String,
        actor: ActorId,
    },
    Authorized {
        at: Timestamp,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authorization_id: Option<String>,
        actor: ActorId,
    },
    NotAuthorized {
        at: Timestamp,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        authorization_id: Option<String>,
        reason: String,
        actor: ActorId,
    },
    ServicesStarted {
        at: Timestamp,
        started_on: Date,
        actor: ActorId,
    },
    Closed {
        closure: Closure,
    },
    NoticeRecorded {
        notice: Notice,
        /// For a notice to the referring entity of a tracked referral: whether it meets the
        /// electronic-notice rule (electronic, or the agreed channel; fax is not electronic).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        meets_electronic_rule: Option<bool>,
    },
    NoticeAgreementRecorded {
        agreement: NoticeAgreement,
    },
}
