//! CS limit parameters (`statewide/cs_limits.toml`, CALAIM.md §3.2 limits column, §3.3, §8 cs.*).
//!
//! Every number is a [`Cited`] value. Values CALAIM.md marks UNCONFIRMED carry
//! `unconfirmed = true`; caps CALAIM.md §10 item 5 could not confirm are listed in
//! `unconfirmed_caps`, configurable and disabled by default.

use super::units::{Cents, Hours};
use crate::cite::Cited;
use crate::cs::CsId;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// All CS limits of one policy version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawCsLimitPolicy")]
pub struct CsLimitPolicy {
    pub respite: RespitePolicy,
    pub environmental_accessibility_adaptations: LifetimeDollarCap,
    pub asthma_remediation: LifetimeDollarCap,
    pub community_home_transition: CommunityHomeTransitionPolicy,
    pub alf_transitions: AlfTransitionsPolicy,
    pub housing_deposits: HousingDepositsPolicy,
    pub room_and_board: RoomAndBoardPolicy,
    pub transitional_rent: TransitionalRentPolicy,
    pub sobering_centers: SoberingCentersPolicy,
    pub unconfirmed_caps: Vec<UnconfirmedCap>,
}

/// Respite Services: hours per calendar year, more by exception (CALAIM.md §3.2 #7 [27]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RespitePolicy {
    pub hours_per_calendar_year: Cited<Hours>,
    /// Exceptions that allow hours past the yearly cap.
    pub exception_kinds: Cited<Vec<ExceptionKind>>,
}

/// A lifetime dollar maximum per member, across plans (CALAIM.md §3.3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifetimeDollarCap {
    pub lifetime_max_cents: Cited<Cents>,
    /// Exceptions that allow spending past the maximum (empty: none).
    pub exception_kinds: Cited<Vec<ExceptionKind>>,
}

/// Community or Home Transition Services (CALAIM.md §3.2 #10 [27]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityHomeTransitionPolicy {
    /// $7,500 lifetime: UNCONFIRMED in CALAIM.md.
    pub lifetime_max_cents: Cited<Cents>,
    pub exception_kinds: Cited<Vec<ExceptionKind>>,
    /// Lived 60+ days in a nursing facility (CALAIM.md §8 cs.home_transition.min_institutional_stay).
    pub min_nursing_facility_stay_days: Cited<u32>,
}

/// Assisted Living Facility Transitions (CALAIM.md §3.2 #9 [27][33]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlfTransitionsPolicy {
    /// Lived in a NF at least 60 days (CALAIM.md §8 cs.alf.min_nf_stay_from_snf).
    pub min_nursing_facility_stay_days: Cited<u32>,
}

/// Housing Deposits: once per lifetime, once more with documentation (CALAIM.md §3.2 #2 [20]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HousingDepositsPolicy {
    pub lifetime_episodes: Cited<u32>,
    /// Further deposits allowed with a documented change of circumstances.
    pub additional_episodes_by_exception: Cited<u32>,
    pub exception_kinds: Cited<Vec<ExceptionKind>>,
}

/// Recuperative Care + STPHH + Transitional Rent together (CALAIM.md §3.2 #4, §3.3 [28][30]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoomAndBoardPolicy {
    /// The services whose days share the combined cap.
    pub services: Cited<Vec<CsId>>,
    /// Length of the rolling window, in calendar months.
    pub window_months: Cited<i32>,
    /// "6 months" written as a number of days in any one window.
    pub max_days_in_window: Cited<u32>,
}

/// Transitional Rent per episode (CALAIM.md §3.3 [28]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionalRentPolicy {
    /// "Up to 6 months" written as a number of days in one episode.
    pub max_days_per_episode: Cited<u32>,
}

/// Sobering Centers: a stay is under 24 hours (CALAIM.md §3.3 [37]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SoberingCentersPolicy {
    /// A stay must be strictly shorter than this.
    pub stay_hours_under: Cited<Hours>,
}

/// How an UNCONFIRMED cap would be counted if a plan enabled it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CapMeasure {
    /// Days in one episode (a run of consecutive or overlapping days of the same CS).
    DaysPerEpisode,
    /// Approved authorizations or deliveries per lifetime, across plans.
    LifetimeEpisodes,
    /// Hours (no value known; cannot be enabled).
    Hours,
    /// Minimum age in years (age is not part of the limit input; cannot be enabled).
    MinimumAgeYears,
    /// Weeks per episode (no DHCS value known; cannot be enabled).
    WeeksPerEpisode,
}

impl CapMeasure {
    /// Measures the limit engine can count from a member's CS history.
    pub fn enforceable(self) -> bool {
        matches!(
            self,
            CapMeasure::DaysPerEpisode | CapMeasure::LifetimeEpisodes
        )
    }
}

/// A cap CALAIM.md §10 item 5 lists as not confirmed from a primary source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnconfirmedCap {
    /// Stable rule id used in traces, e.g. "recuperative-care-days-per-episode".
    pub id: String,
    pub cs: CsId,
    pub description: String,
    pub measure: CapMeasure,
    /// The quoted value, when one is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<Cited<u32>>,
    /// False by default: the cap is listed in traces but not enforced.
    pub enabled: bool,
    pub source: String,
}

/// The file as written, before the cross-field checks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCsLimitPolicy {
    respite: RespitePolicy,
    environmental_accessibility_adaptations: LifetimeDollarCap,
    asthma_remediation: LifetimeDollarCap,
    community_home_transition: CommunityHomeTransitionPolicy,
    alf_transitions: AlfTransitionsPolicy,
    housing_deposits: HousingDepositsPolicy,
    room_and_board: RoomAndBoardPolicy,
    transitional_rent: TransitionalRentPolicy,
    sobering_centers: SoberingCentersPolicy,
    #[serde(default)]
    unconfirmed_caps: Vec<UnconfirmedCap>,
}

impl TryFrom<RawCsLimitPolicy> for CsLimitPolicy {
    type Error = String;

    /// An enabled cap must be countable and have a value; a window must be at least a month.
    fn try_from(raw: RawCsLimitPolicy) -> Result<Self, String> {
        for cap in &raw.unconfirmed_caps {
            if cap.enabled && (!cap.measure.enforceable() || cap.limit.is_none()) {
                return Err(format!(
                    "unconfirmed_caps {}: only a cap with a limit and measure \
                     days-per-episode or lifetime-episodes can be enabled",
                    cap.id
                ));
            }
        }
        if raw.room_and_board.window_months.value < 1 {
            return Err("room_and_board.window_months must be at least 1".to_string());
        }
        Ok(CsLimitPolicy {
            respite: raw.respite,
            environmental_accessibility_adaptations: raw.environmental_accessibility_adaptations,
            asthma_remediation: raw.asthma_remediation,
            community_home_transition: raw.community_home_transition,
            alf_transitions: raw.alf_transitions,
            housing_deposits: raw.housing_deposits,
            room_and_board: raw.room_and_board,
            transitional_rent: raw.transitional_rent,
            sobering_centers: raw.sobering_centers,
            unconfirmed_caps: raw.unconfirmed_caps,
        })
    }
}

/// Kinds of exception named in CALAIM.md §3.2.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ExceptionKind {
    /// Respite: the caregiver's support changed (§3.2 #7 [27]).
    CaregiverSupportChanged,
    /// EAA: the member moved (§3.2 #12 [23][27]).
    MemberMoved,
    /// EAA: the member's condition changed significantly (§3.2 #12 [23][27]).
    ConditionChanged,
    /// Housing Deposits: a second deposit with documentation of what changed (§3.2 #2 [20]).
    DocumentedChangeOfCircumstances,
}

impl ExceptionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionKind::CaregiverSupportChanged => "caregiver-support-changed",
            ExceptionKind::MemberMoved => "member-moved",
            ExceptionKind::ConditionChanged => "condition-changed",
            ExceptionKind::DocumentedChangeOfCircumstances => "documented-change-of-circumstances",
        }
    }
}
