//! Eligibility thresholds, windows, ages and citations (`statewide/ecm.toml`, CALAIM.md §8 ecm.*).
//!
//! Every number a POF or Community Support rule uses lives here as a [`Cited`] value; the rules
//! in this module's siblings only decide the shape (AND/OR) of each criterion.

use crate::cite::Cited;
use crate::cs::CsId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// "At least `count` events in `months` months".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountInMonths {
    pub count: u32,
    pub months: i32,
}

/// The whole eligibility policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityPolicy {
    pub ages: AgePolicy,
    pub high_utilizer: HighUtilizerPolicy,
    pub homelessness: HomelessnessPolicy,
    pub behavioral_health: BehavioralHealthPolicy,
    pub justice: JusticePolicy,
    pub nf_transition: NfTransitionPolicy,
    pub birth_equity: BirthEquityPolicy,
    pub enrollment: EnrollmentPolicy,
    pub populations: PopulationNames,
    pub exclusions: ExclusionPolicy,
    pub community_supports: CsEligibilityPolicy,
}

/// Age cut-offs (CALAIM.md §2.1, §2.2 POF 8; §8 ecm.adult_min_age, ecm.child_welfare.*).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgePolicy {
    /// Adults are this age or older on as_of; children/youth are younger (21).
    pub adult_min_age: Cited<i16>,
    /// Aged out of foster care: eligible while younger than this (26).
    pub aged_out_max_age_exclusive: Cited<i16>,
    /// Age at or after which foster care must have been received to count as aged out (18).
    pub aged_out_foster_care_from_age: Cited<i16>,
    /// Adoption Assistance and Family Maintenance: younger than this (18).
    pub child_welfare_minor_max_age_exclusive: Cited<i16>,
    /// Foster care and Family Maintenance look-back (12 months).
    pub child_welfare_lookback_months: Cited<i32>,
}

/// POF 2 thresholds (CALAIM.md §2.2 POF 2; §8 ecm.hu.*).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HighUtilizerPolicy {
    pub adult_avoidable_ed_visits: Cited<CountInMonths>,
    pub adult_unplanned_stays: Cited<CountInMonths>,
    pub child_avoidable_ed_visits: Cited<CountInMonths>,
    pub child_unplanned_stays: Cited<CountInMonths>,
}

/// Homelessness definition (CALAIM.md §2.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomelessnessPolicy {
    /// The DHCS-modified HUD definition (text and source).
    pub definition: Cited<String>,
    /// Imminent loss of housing counts when housing will be lost within this many days (30).
    pub imminent_loss_window_days: Cited<i32>,
    /// How POF 1b's "experiencing homelessness or housing insecurity" (HPSM's wording, seed
    /// 003) maps onto the conditions careloop records (docs/eligibility.md, "POF 1b").
    pub pof_1b_housing_insecurity: Cited<String>,
}

/// POF 3 (CALAIM.md §2.2 POF 3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BehavioralHealthPolicy {
    /// Plan restatement of the adult criteria (UNCONFIRMED against the DHCS Policy Guide).
    pub adult_wording: Cited<String>,
    /// "2 ED visits or hospital stays for SUD in the last 12 months" (UNCONFIRMED).
    pub adult_sud_ed_visits_or_stays: Cited<CountInMonths>,
}

/// POF 4 (CALAIM.md §2.2 POF 4, §2.10).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JusticePolicy {
    /// ECM eligibility lasts this many months after release (12).
    pub post_release_window_months: Cited<i32>,
    /// A release scheduled within this many days counts as "transitioning now" (90).
    pub pre_release_window_days: Cited<i32>,
}

/// POF 6 (CALAIM.md §2.2 POF 6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NfTransitionPolicy {
    /// DHCS example profile: nursing facility resident at least this many days (60).
    pub example_min_snf_stay_days: Cited<i32>,
}

/// POF 9 (CALAIM.md §2.2 POF 9).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BirthEquityPolicy {
    /// Postpartum through this many months after delivery (12).
    pub postpartum_window_months: Cited<i32>,
}

/// Which enrollments count as Medi-Cal managed care enrollment (CALAIM.md §2.1 [6], §2.4 [4]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentPolicy {
    pub medi_cal_lines_of_business: Cited<Vec<String>>,
}

/// The ten Populations of Focus: names as staff say them, with the source of each definition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationNames {
    pub pof_1a: Cited<String>,
    pub pof_1b: Cited<String>,
    pub pof_2: Cited<String>,
    pub pof_3: Cited<String>,
    pub pof_4: Cited<String>,
    pub pof_5: Cited<String>,
    pub pof_6: Cited<String>,
    pub pof_7: Cited<String>,
    pub pof_8: Cited<String>,
    pub pof_9: Cited<String>,
}

impl PopulationNames {
    /// The name of a POF code ("1a" … "9").
    pub fn name(&self, code: &str) -> Option<&str> {
        let cited = match code {
            "1a" => &self.pof_1a,
            "1b" => &self.pof_1b,
            "2" => &self.pof_2,
            "3" => &self.pof_3,
            "4" => &self.pof_4,
            "5" => &self.pof_5,
            "6" => &self.pof_6,
            "7" => &self.pof_7,
            "8" => &self.pof_8,
            "9" => &self.pof_9,
            _ => return None,
        };
        Some(cited.value.as_str())
    }
}

/// Programs a member cannot be in at the same time as ECM (CALAIM.md §2.4).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExclusionPolicy {
    pub hospice: Cited<String>,
    pub pace: Cited<String>,
    pub ccm: Cited<String>,
    pub cct: Cited<String>,
    pub waiver_1915c: Cited<String>,
    /// ECM requires enrollment in a Medi-Cal MCP.
    pub not_enrolled: Cited<String>,
    /// Plan overlays may exclude a line of business (HPSM D-SNP); the rule's general source.
    pub plan_line_of_business: Cited<String>,
}

/// Community Supports eligibility (CALAIM.md §3.1, §3.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsEligibilityPolicy {
    /// CS require enrollment in a Medi-Cal MCP; D-SNP members may receive CS.
    pub enrollment: Cited<String>,
    /// ALF Transitions from a nursing facility: at least this many days there (60).
    pub alf_min_nf_stay_days: Cited<i32>,
    /// Community or Home Transition: at least this many days in a nursing facility (60).
    pub home_transition_min_stay_days: Cited<i32>,
    /// Day Habilitation: formerly homeless and housed within this many months (24).
    pub day_hab_recently_housed_months: Cited<i32>,
    /// Plans whose ECM-eligible members are CS-eligible (HPSM [4]).
    pub ecm_eligible_implies_cs_plans: Cited<Vec<String>>,
    /// The key criteria of each CS, with source.
    pub criteria: BTreeMap<CsId, Cited<String>>,
    /// A service's own hard conditions (age group, setting) that the plan rule for ECM-eligible
    /// members never passes (issue #14 item 13).
    #[serde(default)]
    pub plan_rule_bounds: BTreeMap<CsId, ServiceBounds>,
}

/// The hard conditions of one CS: who it can serve and where, whatever rule made the member
/// eligible.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceBounds {
    /// Youngest age, in whole years on as_of, the service's setting admits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age: Option<Cited<i16>>,
    /// Where the member must be on as_of for the service to apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<Cited<CsSetting>>,
}

/// A setting a service requires the member to be in on as_of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CsSetting {
    /// In a nursing facility (a `nursing-facility-stay` indicator holds on as_of).
    NursingFacility,
}
