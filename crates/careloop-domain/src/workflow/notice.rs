//! Notices sent to members, referring entities, providers and practitioners, with channel and
//! content, and the closed-loop referral rule on electronic notices (CALAIM.md §6.4 [39]).

use super::{ActorId, WorkflowError, required};
use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who a notice went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Recipient {
    Member,
    /// The referring entity (provider, CBO) of a closed-loop referral.
    Referrer,
    /// The ECM or CS provider the member is assigned to.
    Provider,
    /// The requesting practitioner of an authorization request.
    Practitioner,
}

impl Recipient {
    pub fn as_str(self) -> &'static str {
        match self {
            Recipient::Member => "member",
            Recipient::Referrer => "referrer",
            Recipient::Provider => "provider",
            Recipient::Practitioner => "practitioner",
        }
    }
}

/// How a notice was sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// Secure provider or member portal.
    Portal,
    Email,
    /// Text message.
    Sms,
    /// System-to-system (API, FHIR, a referral platform).
    Electronic,
    /// Fax: not electronic for closed-loop referral notices (CALAIM.md §6.4 [39]).
    Fax,
    Mail,
    Phone,
    InPerson,
}

impl Channel {
    /// Electronic means for CLR notices to referring entities; fax is not electronic
    /// (CALAIM.md §6.4 [39]).
    pub fn is_electronic(self) -> bool {
        matches!(
            self,
            Channel::Portal | Channel::Email | Channel::Sms | Channel::Electronic
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Portal => "portal",
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Electronic => "electronic",
            Channel::Fax => "fax",
            Channel::Mail => "mail",
            Channel::Phone => "phone",
            Channel::InPerson => "in-person",
        }
    }
}

/// What a notice is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum NoticePurpose {
    /// Member: referral and assignment, with the provider's name and contact (CALAIM.md §2.5 [39]).
    ReferralAndAssignment,
    /// Referrer: the member was assigned (CALAIM.md §6.4 [39]).
    Assignment,
    /// Member or referrer: the service was authorized (CALAIM.md §6.4 [39][38]).
    Authorized,
    /// Referrer: not authorized, and why (CALAIM.md §4.4 [38]).
    NotAuthorized,
    /// Referrer: the loop closed, with the closure reason (CALAIM.md §6.4 [38]).
    LoopClosure,
    /// Member: notice of action on an adverse benefit determination (CALAIM.md §4.4 [43]).
    NoticeOfAction,
    /// Member and practitioner: written notice of a deferral/extension (CALAIM.md §4.1 [40]).
    Extension,
    /// Member: notice of appeal resolution (NAR, CALAIM.md §4.4 [41][42]).
    AppealResolution,
    Other,
}

/// One notice as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub recipient: Recipient,
    pub purpose: NoticePurpose,
    pub channel: Channel,
    /// The text sent (or a summary with the template id).
    #[serde(deserialize_with = "crate::text::de::required_text")]
    #[schemars(with = "crate::text::RequiredText")]
    pub content: String,
    pub sent_at: Timestamp,
    pub actor: ActorId,
}

impl Notice {
    /// The notice with its content trimmed; empty content is refused.
    pub(crate) fn checked(&self) -> Result<Notice, WorkflowError> {
        let content = required("notice content", &self.content)?;
        Ok(Notice {
            content,
            ..self.clone()
        })
    }
}
