//! Closed-loop referral duties: whether a referral is tracked, and which notices it owes to the
//! member and the referring entity (CALAIM.md §6.4 [37][38][39], §2.5 [39]).

use super::{ClrApplicability, ReferralState, ReferralStatus};
use crate::cite::Citation;
use crate::policy::PolicyPack;
use crate::workflow::notice::{Notice, NoticePurpose, Recipient};
use crate::workflow::{Program, WorkflowError, appeal::local_date};
use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether CLR applies to a referral for `program` received at `received_at`: referrals received
/// on or after the CLR effective date (2025-07-01), except for a CS the catalog marks
/// `clr_exempt` (Sobering Centers), CALAIM.md §6.4 [37].
pub fn clr_applicability(
    pack: &PolicyPack,
    program: Program,
    received_at: Timestamp,
) -> Result<ClrApplicability, WorkflowError> {
    let effective = &pack.program.clr_effective;
    let received = local_date(pack, received_at)?;
    if received < effective.value {
        return Ok(ClrApplicability {
            tracked: false,
            rule: format!(
                "received {received}, before closed-loop referral took effect on {}",
                effective.value
            ),
            citation: effective.citation(),
        });
    }
    if let Program::Cs(cs) = program
        && let Some(entry) = pack.catalog.get(cs)
        && entry.clr_exempt()
    {
        let citation = entry
            .flags
            .clr_exempt
            .as_ref()
            .map(|f| f.citation())
            .unwrap_or_else(|| Citation::new("CALAIM.md §6.4 [37]"));
        return Ok(ClrApplicability {
            tracked: false,
            rule: format!(
                "{} is exempt from closed-loop referral tracking and notices",
                entry.name.value
            ),
            citation,
        });
    }
    Ok(ClrApplicability {
        tracked: true,
        rule: format!(
            "closed-loop referral tracking and notices apply to referrals received on or after {}",
            effective.value
        ),
        citation: effective.citation(),
    })
}

/// One notice a tracked referral owes, and whether a recorded notice meets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct NoticeDuty {
    pub recipient: Recipient,
    pub purpose: NoticePurpose,
    pub satisfied: bool,
    /// Why the duty is or is not met (e.g. "sent by fax, which is not electronic").
    pub detail: String,
    pub citation: Citation,
}

/// True when a notice to the referring entity meets the electronic-notice rule: sent by
/// electronic means, or by the channel both sides agreed to (CALAIM.md §6.4 [39]).
pub(crate) fn meets_electronic_rule(state: &ReferralState, notice: &Notice) -> bool {
    notice.channel.is_electronic()
        || state
            .notice_agreement
            .as_ref()
            .is_some_and(|a| a.channel == notice.channel && a.agreed_at <= notice.sent_at)
}

/// The notices a tracked referral owes at its current status, each with whether it is met.
/// Untracked referrals (Sobering Centers, before the CLR effective date) owe none. Referrer
/// notices are owed only to a referring entity (provider or CBO).
pub fn clr_notice_duties(state: &ReferralState) -> Vec<NoticeDuty> {
    if !state.clr_tracked() {
        return Vec::new();
    }
    let s = state.status;
    let assigned = state.provider_id.is_some();
    let authorized = matches!(
        s,
        ReferralStatus::Authorized | ReferralStatus::ServicesStarted
    ) || state.closure.as_ref().is_some_and(|c| {
        matches!(
            c.closed_from,
            ReferralStatus::Authorized | ReferralStatus::ServicesStarted
        )
    });
    let not_authorized = state.not_authorized_reason.is_some();
    let closed = s == ReferralStatus::Closed;
    let to_referrer = state
        .referrer
        .as_ref()
        .is_some_and(|r| r.source.is_referring_entity());

    let mut wanted: Vec<(Recipient, NoticePurpose, &str)> = Vec::new();
    if assigned {
        wanted.push((
            Recipient::Member,
            NoticePurpose::ReferralAndAssignment,
            "CALAIM.md §2.5, §6.4 [39]",
        ));
        if to_referrer {
            wanted.push((
                Recipient::Referrer,
                NoticePurpose::Assignment,
                "CALAIM.md §6.4 [39]",
            ));
        }
    }
    if authorized {
        wanted.push((
            Recipient::Member,
            NoticePurpose::Authorized,
            "CALAIM.md §6.4 [39]",
        ));
        if to_referrer {
            wanted.push((
                Recipient::Referrer,
                NoticePurpose::Authorized,
                "CALAIM.md §6.4 [38][39]",
            ));
        }
    }
    if not_authorized && to_referrer {
        wanted.push((
            Recipient::Referrer,
            NoticePurpose::NotAuthorized,
            "CALAIM.md §4.4, §6.4 [38]",
        ));
    }
    if closed && to_referrer {
        wanted.push((
            Recipient::Referrer,
            NoticePurpose::LoopClosure,
            "CALAIM.md §6.4 [38]",
        ));
    }
    wanted
        .into_iter()
        .map(|(recipient, purpose, source)| duty(state, recipient, purpose, source))
        .collect()
}

fn duty(
    state: &ReferralState,
    recipient: Recipient,
    purpose: NoticePurpose,
    source: &str,
) -> NoticeDuty {
    let sent: Vec<&Notice> = state
        .notices
        .iter()
        .filter(|n| n.recipient == recipient && n.purpose == purpose)
        .collect();
    let (satisfied, detail) = if sent.is_empty() {
        (false, "no notice recorded".to_string())
    } else if recipient != Recipient::Referrer
        || sent.iter().any(|n| meets_electronic_rule(state, n))
    {
        (true, format!("sent by {}", channels(&sent)))
    } else {
        (
            false,
            format!(
                "sent by {} only; notices to the referring entity must be electronic unless both sides agree otherwise, and fax is not electronic",
                channels(&sent)
            ),
        )
    };
    NoticeDuty {
        recipient,
        purpose,
        satisfied,
        detail,
        citation: Citation::new(source),
    }
}

fn channels(sent: &[&Notice]) -> String {
    let mut names: Vec<&str> = sent.iter().map(|n| n.channel.as_str()).collect();
    names.dedup();
    names.join(", ")
}
