//! A plan's request channels: where a referrer or provider sends an ECM or Community Supports
//! referral, a prior-authorization request, an invoice, or a member who needs help (forms, fax
//! numbers, phone lines, e-mail addresses, web pages), as the plan's own page gives them (issue
//! #14 item 11). Shown wherever a request for that plan is submitted.

use serde::{Deserialize, Serialize};

/// What a channel is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelPurpose {
    /// Referring a member for Enhanced Care Management.
    EcmReferral,
    /// Referring a member for a Community Support.
    CsReferral,
    /// Sending a prior-authorization request (ECM and CS require one at some plans).
    PriorAuthorization,
    /// Members (or referrers on their behalf) reaching the plan's care coordination team.
    CareCoordination,
    /// A member referring themselves.
    SelfReferral,
    /// Sending an invoice (providers that cannot submit electronic claims).
    Invoices,
    /// The plan's general line for questions about ECM and Community Supports.
    Questions,
}

impl ChannelPurpose {
    /// The channels a referrer of a member to ECM needs: the referral itself, the member's own
    /// line, prior authorization and the plan's general line.
    pub const ECM_REQUEST: [ChannelPurpose; 4] = [
        Self::EcmReferral,
        Self::SelfReferral,
        Self::PriorAuthorization,
        Self::Questions,
    ];
    /// The same for a Community Supports referral.
    pub const CS_REQUEST: [ChannelPurpose; 3] =
        [Self::CsReferral, Self::PriorAuthorization, Self::Questions];

    /// The purpose in words, for the UI.
    pub fn label(self) -> &'static str {
        match self {
            Self::EcmReferral => "ECM referral",
            Self::CsReferral => "Community Supports referral",
            Self::PriorAuthorization => "Prior authorization",
            Self::CareCoordination => "Care coordination",
            Self::SelfReferral => "Member self-referral",
            Self::Invoices => "Invoices",
            Self::Questions => "Questions",
        }
    }
}

/// How the channel is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChannelKind {
    /// A form to fill in (named; the plan's page links it).
    Form,
    Fax,
    Phone,
    Email,
    /// A web page or portal.
    Web,
}

impl ChannelKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Form => "Form",
            Self::Fax => "Fax",
            Self::Phone => "Phone",
            Self::Email => "E-mail",
            Self::Web => "Web",
        }
    }
}

/// One channel, cited like every pack value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestChannel {
    pub purpose: ChannelPurpose,
    pub kind: ChannelKind,
    /// The form's name, the number or the address, as the plan's page gives it.
    pub value: String,
    /// When it answers, where the page says (e.g. "Monday–Friday, 8 AM–5 PM").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    pub source: String,
    #[serde(default)]
    pub unconfirmed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
