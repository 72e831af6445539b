//! A plan's invoice rules (issue #14 item 2): the timely-filing and resubmission windows and the
//! invoice pathway (when a provider may send an invoice instead of a claim, which fields it must
//! carry, where it goes). They are plan rules (CALAIM.md §5.3: Aetna's page states 180/90 days),
//! so each overlay states them; where a plan's page is silent the overlay writes the default
//! windows with a source beginning "DEFAULT" and `unconfirmed = true` (docs/policy-pack.md).

use crate::cite::Cited;
use serde::{Deserialize, Serialize};

/// The prefix of the `source` of a default value written where a plan's page is silent.
pub const DEFAULT_SOURCE_PREFIX: &str = "DEFAULT";

/// `[invoice]` of a plan overlay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanInvoicePolicy {
    /// New invoices: calendar days from the service date (Aetna 180, seed 000 [1]).
    pub timely_filing_days: Cited<u32>,
    /// Resubmission: days from the adverse determination (Aetna 90, seed 000 [1]).
    pub resubmission_days: Cited<u32>,
    /// How invoices reach the plan, when the plan states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pathway: Option<InvoicePathway>,
}

/// `[invoice.pathway]`: what the plan's page says about sending invoices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvoicePathway {
    /// When an invoice is accepted instead of a claim, e.g.
    /// "provider-cannot-submit-compliant-electronic-claims" (Aetna, seed 000 [1]).
    pub accepted_when: Cited<String>,
    /// The form or template the plan requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<Cited<String>>,
    /// Fields every invoice must carry (kebab-case names, e.g. "member-id", "service-dates").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_fields: Option<Cited<Vec<String>>>,
    /// Where invoices are sent (e.g. "email").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_to: Option<Cited<String>>,
    /// Grounds on which a denied invoice may be resubmitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resubmission_grounds: Option<Cited<Vec<String>>>,
}

impl PlanInvoicePolicy {
    /// True when the windows are the marked default (the plan's page is silent on them).
    pub fn windows_are_default(&self) -> bool {
        [&self.timely_filing_days, &self.resubmission_days]
            .iter()
            .any(|c| c.source.starts_with(DEFAULT_SOURCE_PREFIX))
    }
}
