//! The 15 Community Supports, by stable id (CALAIM.md §3.2).
//!
//! Ids never change when DHCS renames a service (April 2025 renames: [27]); names, former names,
//! codes, criteria and limits live in the policy pack's catalog.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Stable identifier of a Community Support.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum CsId {
    HousingTransitionNavigation,
    HousingDeposits,
    HousingTenancySustaining,
    ShortTermPostHospitalizationHousing,
    RecuperativeCare,
    Respite,
    DayHabilitation,
    AlfTransitions,
    CommunityHomeTransition,
    PersonalCareHomemaker,
    EnvironmentalAccessibilityAdaptations,
    MedicallyTailoredMeals,
    SoberingCenters,
    AsthmaRemediation,
    TransitionalRent,
}

impl CsId {
    /// All 15, in CALAIM.md §3.2 order.
    pub const ALL: [CsId; 15] = [
        CsId::HousingTransitionNavigation,
        CsId::HousingDeposits,
        CsId::HousingTenancySustaining,
        CsId::TransitionalRent,
        CsId::ShortTermPostHospitalizationHousing,
        CsId::RecuperativeCare,
        CsId::Respite,
        CsId::DayHabilitation,
        CsId::AlfTransitions,
        CsId::CommunityHomeTransition,
        CsId::PersonalCareHomemaker,
        CsId::EnvironmentalAccessibilityAdaptations,
        CsId::MedicallyTailoredMeals,
        CsId::SoberingCenters,
        CsId::AsthmaRemediation,
    ];

    /// The kebab-case id used in files and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            CsId::HousingTransitionNavigation => "housing-transition-navigation",
            CsId::HousingDeposits => "housing-deposits",
            CsId::HousingTenancySustaining => "housing-tenancy-sustaining",
            CsId::ShortTermPostHospitalizationHousing => "short-term-post-hospitalization-housing",
            CsId::RecuperativeCare => "recuperative-care",
            CsId::Respite => "respite",
            CsId::DayHabilitation => "day-habilitation",
            CsId::AlfTransitions => "alf-transitions",
            CsId::CommunityHomeTransition => "community-home-transition",
            CsId::PersonalCareHomemaker => "personal-care-homemaker",
            CsId::EnvironmentalAccessibilityAdaptations => {
                "environmental-accessibility-adaptations"
            }
            CsId::MedicallyTailoredMeals => "medically-tailored-meals",
            CsId::SoberingCenters => "sobering-centers",
            CsId::AsthmaRemediation => "asthma-remediation",
            CsId::TransitionalRent => "transitional-rent",
        }
    }
}

impl fmt::Display for CsId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an id that names no Community Support.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown Community Support id {0:?}")]
pub struct UnknownCsId(pub String);

impl FromStr for CsId {
    type Err = UnknownCsId;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CsId::ALL
            .into_iter()
            .find(|id| id.as_str() == s)
            .ok_or_else(|| UnknownCsId(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_str_and_serde() {
        for id in CsId::ALL {
            assert_eq!(id.as_str().parse::<CsId>(), Ok(id));
            let json = serde_json::to_string(&id).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", id.as_str()));
        }
        let mut sorted = CsId::ALL.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 15);
        assert!("rent".parse::<CsId>().is_err());
    }
}
