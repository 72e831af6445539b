//! A plan's overlay: its counties, its CS offerings per county (effective-dated), its own UM clock
//! rules and ECM rules. Built for the three example plans from the seed pages [1][2][4].

use crate::cite::Cited;
use crate::clock::policy::PlanClockPolicy;
use crate::cs::CsId;
use crate::eligibility::facts::AvoidableEdReading;
use crate::policy::channels::{ChannelPurpose, RequestChannel};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanOverlay {
    /// Stable plan id, e.g. "alameda-alliance".
    pub id: String,
    pub name: String,
    /// Where this overlay's facts come from (seed page / plan document).
    pub source: String,
    /// Counties the plan serves, effective-dated.
    pub counties: Vec<CountySpan>,
    /// CS the plan offers, effective-dated (statewide mandates are added on top, see
    /// [`crate::policy::offerings`]).
    #[serde(default)]
    pub offerings: Vec<Offering>,
    /// The plan's own UM clock rules; absent values fall back to the statewide defaults.
    #[serde(default)]
    pub clocks: PlanClockPolicy,
    /// The plan's ECM rules.
    #[serde(default)]
    pub ecm: PlanEcmPolicy,
    /// How identification reads the plan's claims.
    #[serde(default)]
    pub identification: PlanIdentificationPolicy,
    /// Where referrals, authorization requests and invoices for this plan go (forms, fax,
    /// phone, e-mail), from the plan's page.
    #[serde(default)]
    pub channels: Vec<RequestChannel>,

    // --- Plan program rules (issue #14 items 4 and 8; `policy::plan_rules`) ---
    /// Prerequisites the plan adds for every Community Support (HPSM, seed 003 [4]).
    #[serde(default)]
    pub cs_prerequisites: Vec<super::plan_rules::CsPrerequisite>,
    /// Legacy automatic ECM enrollment from a predecessor program (HPSM, seed 003 [4]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_ecm_enrollment: Option<super::plan_rules::LegacyEcmEnrollment>,

    // --- issue #14 (plan data): invoice rules, kept in their own block ---
    /// The plan's invoice windows and pathway (`[invoice]`). `careloop policy check` requires
    /// it of every overlay (with the marked default where the plan's page is silent); the
    /// strict reader leaves it optional so a test overlay may omit it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice: Option<super::invoice::PlanInvoicePolicy>,
}

/// How identification reads a plan's claims: settings where DHCS leaves a choice to the plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanIdentificationPolicy {
    /// Which ED visit days count as avoidable (POF 2); absent: careloop's default reading,
    /// [`AvoidableEdReading::EveryEdLine`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avoidable_ed_reading: Option<Cited<AvoidableEdReading>>,
}

/// A county the plan serves, from/through dates (through inclusive; open when absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountySpan {
    pub county: String,
    pub effective_from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_through: Option<Date>,
    pub source: String,
    #[serde(default)]
    pub unconfirmed: bool,
    /// Why an unconfirmed value was chosen, or other remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One CS offered by the plan, in some or all of its counties, over a date range.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offering {
    pub cs: CsId,
    /// Counties where offered; empty means every county the plan serves.
    #[serde(default)]
    pub counties: Vec<String>,
    pub effective_from: Date,
    /// Last day offered (inclusive); open-ended when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_through: Option<Date>,
    pub source: String,
    #[serde(default)]
    pub unconfirmed: bool,
    /// Why an unconfirmed value was chosen, or other remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// Plan-specific ECM rules.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanEcmPolicy {
    /// Lines of business whose members are excluded from ECM (but may receive CS), e.g. HPSM's
    /// D-SNP "CareAdvantage" ([4]). Values match `EnrollmentSpan::line_of_business`.
    #[serde(default)]
    pub excluded_lines_of_business: Vec<Cited<String>>,
    /// Plan-stated ECM authorization periods, months (initial, re-authorization), when the plan
    /// states them; the statewide values apply otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_authorization_months: Option<Cited<u32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reauthorization_months: Option<Cited<u32>>,
}

/// True when `on` lies in the inclusive range `from..=through` (open-ended without `through`).
pub(crate) fn in_range(on: Date, from: Date, through: Option<Date>) -> bool {
    from <= on && through.is_none_or(|t| on <= t)
}

/// County names compare case-insensitively, ignoring surrounding blanks and a trailing
/// " County" ("alameda", "Alameda County" and "ALAMEDA" are one county).
pub fn same_county(a: &str, b: &str) -> bool {
    county_key(a) == county_key(b)
}

fn county_key(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    lower
        .strip_suffix(" county")
        .map_or(lower.clone(), |s| s.trim_end().to_string())
}

impl CountySpan {
    /// True when the plan serves this county on `on`.
    pub fn in_effect_on(&self, on: Date) -> bool {
        in_range(on, self.effective_from, self.effective_through)
    }
}

impl Offering {
    /// True when this offering is in effect on `on`.
    pub fn in_effect_on(&self, on: Date) -> bool {
        in_range(on, self.effective_from, self.effective_through)
    }

    /// True when the offering covers `county` (an empty list covers every plan county).
    pub fn covers_county(&self, county: &str) -> bool {
        self.counties.is_empty() || self.counties.iter().any(|c| same_county(c, county))
    }
}

impl PlanOverlay {
    /// The plan's avoidable-ED reading, or careloop's default where the overlay sets none.
    pub fn avoidable_ed_reading(&self) -> AvoidableEdReading {
        self.identification
            .avoidable_ed_reading
            .as_ref()
            .map(|r| r.value)
            .unwrap_or_default()
    }

    /// The plan's channels for `purposes`, in overlay order.
    pub fn channels_for<'a>(
        &'a self,
        purposes: &'a [ChannelPurpose],
    ) -> impl Iterator<Item = &'a RequestChannel> + 'a {
        self.channels
            .iter()
            .filter(move |c| purposes.contains(&c.purpose))
    }

    /// The counties the plan serves on `on`, as written in the overlay, without repeats.
    pub fn counties_on(&self, on: Date) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for span in self.counties.iter().filter(|s| s.in_effect_on(on)) {
            if !out.iter().any(|c| same_county(c, &span.county)) {
                out.push(span.county.as_str());
            }
        }
        out
    }

    /// True when the plan serves `county` on `on`.
    pub fn serves(&self, county: &str, on: Date) -> bool {
        self.counties
            .iter()
            .any(|s| s.in_effect_on(on) && same_county(&s.county, county))
    }

    /// The last day the plan serves `county` (any county when `None`), when every such span
    /// ends; `None` while a span is open-ended or when no span matches. A plan that left
    /// Medi-Cal (Aetna, 2023-12-31) has a last day everywhere.
    pub fn last_day(&self, county: Option<&str>) -> Option<Date> {
        let mut spans = self
            .counties
            .iter()
            .filter(|s| county.is_none_or(|c| same_county(&s.county, c)))
            .peekable();
        spans.peek()?;
        spans.try_fold(None, |last: Option<Date>, s| {
            s.effective_through
                .map(|t| Some(last.map_or(t, |l| l.max(t))))
        })?
    }
}

/// The 58 California counties, for checking overlay county names (CS are offered county by
/// county, CALAIM.md §3.1 [3]).
pub const CALIFORNIA_COUNTIES: [&str; 58] = [
    "Alameda",
    "Alpine",
    "Amador",
    "Butte",
    "Calaveras",
    "Colusa",
    "Contra Costa",
    "Del Norte",
    "El Dorado",
    "Fresno",
    "Glenn",
    "Humboldt",
    "Imperial",
    "Inyo",
    "Kern",
    "Kings",
    "Lake",
    "Lassen",
    "Los Angeles",
    "Madera",
    "Marin",
    "Mariposa",
    "Mendocino",
    "Merced",
    "Modoc",
    "Mono",
    "Monterey",
    "Napa",
    "Nevada",
    "Orange",
    "Placer",
    "Plumas",
    "Riverside",
    "Sacramento",
    "San Benito",
    "San Bernardino",
    "San Diego",
    "San Francisco",
    "San Joaquin",
    "San Luis Obispo",
    "San Mateo",
    "Santa Barbara",
    "Santa Clara",
    "Santa Cruz",
    "Shasta",
    "Sierra",
    "Siskiyou",
    "Solano",
    "Sonoma",
    "Stanislaus",
    "Sutter",
    "Tehama",
    "Trinity",
    "Tulare",
    "Tuolumne",
    "Ventura",
    "Yolo",
    "Yuba",
];

/// True when `name` is a California county (case-insensitive, " County" suffix allowed).
pub fn is_california_county(name: &str) -> bool {
    CALIFORNIA_COUNTIES.iter().any(|c| same_county(c, name))
}
