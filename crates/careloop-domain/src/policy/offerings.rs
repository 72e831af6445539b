//! Which Community Supports a plan offers in a county on a date.
//!
//! CS are optional for each plan, county by county (CALAIM.md §3.1 [3][36]), so the plan overlay
//! lists its offerings with effective dates; statewide mandates (Transitional Rent from 2026-01-01,
//! CALAIM.md §1 [18][19][31]) are added for every county the plan serves on the day.

use super::PolicyPack;
use crate::cs::CsId;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Why a CS is on the list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OfferingBasis {
    /// The plan elected to offer it (plan overlay).
    Plan,
    /// Every plan must offer it from the mandate date (pack.toml `cs_mandates`).
    StatewideMandate,
}

impl OfferingBasis {
    pub fn as_str(self) -> &'static str {
        match self {
            OfferingBasis::Plan => "plan",
            OfferingBasis::StatewideMandate => "statewide-mandate",
        }
    }
}

/// One CS offered on the day asked about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedCs {
    pub id: CsId,
    /// Current catalog name.
    pub name: String,
    pub basis: OfferingBasis,
    /// First day of the offering (or of the mandate) that covers the day asked about.
    pub effective_from: Date,
    /// Last day of the plan's offering, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_through: Option<Date>,
    /// Citation of the offering or mandate.
    pub source: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
}

/// A question `offerings` cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfferingsError {
    #[error("unknown plan {plan:?}; known plans: {}", .known.join(", "))]
    UnknownPlan { plan: String, known: Vec<String> },
    #[error(
        "plan {plan} does not serve {county:?} on {on}{}; counties served that day: {}",
        ended_note(*.ended),
        if .served.is_empty() { "none".to_string() } else { .served.join(", ") }
    )]
    CountyNotServed {
        plan: String,
        county: String,
        on: Date,
        served: Vec<String>,
        /// The plan's last day in that county, when it served the county and stopped before
        /// `on` (Aetna left Medi-Cal on 2023-12-31, issue #14).
        ended: Option<Date>,
    },
}

/// " (the plan's service there ended on D, its last day)" when the plan stopped serving.
pub fn ended_note(ended: Option<Date>) -> String {
    ended.map_or_else(String::new, |d| {
        format!(" (the plan's service there ended on {d}, its last day)")
    })
}

/// The CS `plan_id` offers in `county` on `on`: the overlay's offerings in effect that day for
/// that county (an offering with no counties covers every county the plan serves), plus every
/// statewide mandate in effect that day. A CS both elected and mandated is listed once, with the
/// mandate as its basis, since the plan may not drop it. Sorted in catalog order.
pub fn offerings(
    pack: &PolicyPack,
    plan_id: &str,
    county: &str,
    on: Date,
) -> Result<Vec<OfferedCs>, OfferingsError> {
    let plan = pack
        .plan(plan_id)
        .ok_or_else(|| OfferingsError::UnknownPlan {
            plan: plan_id.to_string(),
            known: pack.plans.iter().map(|p| p.id.clone()).collect(),
        })?;
    if !plan.serves(county, on) {
        return Err(OfferingsError::CountyNotServed {
            plan: plan.id.clone(),
            county: county.to_string(),
            on,
            served: plan.counties_on(on).into_iter().map(String::from).collect(),
            ended: plan.last_day(Some(county)).filter(|last| *last < on),
        });
    }

    let mut out: Vec<OfferedCs> = Vec::new();
    for mandate in pack.program.mandates_on(on) {
        out.push(OfferedCs {
            id: mandate.cs,
            name: pack.catalog.name(mandate.cs).to_string(),
            basis: OfferingBasis::StatewideMandate,
            effective_from: mandate.effective_from,
            effective_through: None,
            source: mandate.source.clone(),
            unconfirmed: mandate.unconfirmed,
        });
    }
    for offering in &plan.offerings {
        if !offering.in_effect_on(on) || !offering.covers_county(county) {
            continue;
        }
        if out.iter().any(|o| o.id == offering.cs) {
            continue;
        }
        out.push(OfferedCs {
            id: offering.cs,
            name: pack.catalog.name(offering.cs).to_string(),
            basis: OfferingBasis::Plan,
            effective_from: offering.effective_from,
            effective_through: offering.effective_through,
            source: offering.source.clone(),
            unconfirmed: offering.unconfirmed,
        });
    }
    out.sort_by_key(|o| pack.catalog.position(o.id));
    Ok(out)
}
