//! A clock request and the due time it yields, with the explanation people read.

use crate::cite::Citation;
use crate::clock::ClockKind;
use jiff::civil::Date;
use jiff::{Timestamp, Zoned};
use serde::{Deserialize, Serialize, Serializer};

/// A UM request whose decision due time is wanted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockRequest {
    /// Plan id; its overlay's clock values replace the statewide ones. `None`: statewide rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    pub kind: ClockKind,
    /// When the (delegated) UM entity received the request; forwarding does not reset it
    /// (CALAIM.md §4.1 [40]).
    pub received: Timestamp,
    /// When the information needed to decide arrived, for a request pended for information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub info_received: Option<Timestamp>,
    /// The recorded reason for a deferral/extension (CALAIM.md §4.1 [40]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_reason: Option<String>,
}

/// When the decision is due, which rule set it, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Deadline {
    /// Due instant, local time, serialized RFC 3339 with offset ("2026-11-30T23:59:59-08:00").
    #[serde(serialize_with = "rfc3339")]
    pub due: Zoned,
    /// One line: the rule that applied and how the federal rule compared.
    pub rule: String,
    pub kind: ClockKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Receipt, in local time.
    #[serde(serialize_with = "rfc3339")]
    pub received: Zoned,
    /// IANA zone in which days end.
    pub time_zone: String,
    pub explanation: Explanation,
}

/// The evidence behind a [`Deadline`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The plan's or the statewide rule.
    pub state_rule: RuleDue,
    /// The CMS-0057-F rule, when it applies (pre-service, received on/after its effective date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub federal_rule: Option<RuleDue>,
    /// Which rule gave the (earlier) due time.
    pub winner: Winner,
    /// Holidays skipped by working-day counting.
    pub holidays_skipped: Vec<SkippedHoliday>,
    /// Saturdays and Sundays skipped by working-day counting.
    pub weekends_skipped: u32,
    /// True when the state due time was cut back to the 14-calendar-day ceiling.
    pub cap_applied: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pend: Option<PendNote>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<ExtensionNote>,
    /// Other facts a reviewer should see (why the federal rule did not apply, cap, ...).
    pub notes: Vec<String>,
    pub policy_version: String,
}

/// One rule's due time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleDue {
    pub source: RuleSource,
    /// Short text, e.g. "5 working days".
    pub description: String,
    #[serde(serialize_with = "rfc3339")]
    pub due: Zoned,
    pub citation: Citation,
}

/// Where a rule's value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleSource {
    /// The plan overlay's own value.
    Plan,
    /// The statewide default.
    Statewide,
    /// CMS-0057-F.
    Federal,
}

/// Which rule decided the due time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Winner {
    State,
    Federal,
    Equal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedHoliday {
    pub date: Date,
    pub name: String,
}

/// A request pended for information: the state clock restarted on `clock_start`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendNote {
    #[serde(serialize_with = "rfc3339")]
    pub info_received: Zoned,
    /// Local date the information arrived: day 0 of the state clock.
    pub clock_start: Date,
    pub description: String,
}

/// A deferral/extension with its recorded reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExtensionNote {
    pub reason: String,
    pub description: String,
    pub citation: Citation,
    /// The federal extension rule's citation, when the federal overlay applies (UNCONFIRMED).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub federal_citation: Option<Citation>,
}

/// RFC 3339 with the local offset, e.g. "2026-11-30T23:59:59-08:00".
pub fn format_rfc3339(z: &Zoned) -> String {
    z.timestamp().display_with_offset(z.offset()).to_string()
}

fn rfc3339<S: Serializer>(z: &Zoned, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_rfc3339(z))
}

impl Deadline {
    /// The due time as RFC 3339 with offset.
    pub fn due_rfc3339(&self) -> String {
        format_rfc3339(&self.due)
    }
}
