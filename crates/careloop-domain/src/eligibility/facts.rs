//! The member facts an eligibility determination reads (docs/eligibility.md, "Facts format").
//!
//! Facts are a history, not a verdict: enrollment spans, dated indicators and a claims history
//! with the period it is complete for. A fact missing from the list is *unknown*; an indicator
//! with status `absent` is *known not present* ("assessed and not present").

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Everything known about one member, as of the determination date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberFacts {
    /// Synthetic member id (never a real CIN in examples or tests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::text::Id>")]
    pub member_id: Option<String>,
    /// Date of birth; without it every age-dependent rule is undetermined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<Date>,
    /// Managed care enrollment history. An empty list means enrollment is unknown. At most
    /// 1,000 spans.
    #[serde(
        default,
        deserialize_with = "crate::text::at_most::<_, _, MAX_ENROLLMENTS>"
    )]
    #[schemars(length(max = 1000))]
    pub enrollments: Vec<EnrollmentSpan>,
    /// Dated clinical, social and program facts. At most 10,000.
    #[serde(
        default,
        deserialize_with = "crate::text::at_most::<_, _, MAX_INDICATORS>"
    )]
    #[schemars(length(max = 10000))]
    pub indicators: Vec<Indicator>,
    /// Claims/encounter history; absent means utilization is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub utilization: Option<Utilization>,
}

/// One span of enrollment in a managed care plan line of business.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollmentSpan {
    /// Plan id as used by the policy pack, e.g. "hpsm", "alameda-alliance".
    #[schemars(with = "crate::codes::PlanId")]
    pub plan: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::text::Line>")]
    pub county: Option<String>,
    /// "medi-cal", "d-snp", or another line of business named by the plan.
    #[schemars(with = "crate::text::Line")]
    pub line_of_business: String,
    pub start: Date,
    /// Last day enrolled (inclusive); open when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
}

impl EnrollmentSpan {
    /// True when the span includes `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.start <= day && self.end.is_none_or(|end| day <= end)
    }
}

/// Whether an indicator was found present or assessed and found not present.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum IndicatorStatus {
    #[default]
    Present,
    /// Assessed and not present: a known negative (→ `not_met`, never `undetermined`).
    Absent,
}

/// A dated fact about the member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    pub kind: IndicatorKind,
    #[serde(default)]
    pub status: IndicatorStatus,
    /// When the fact began (for `absent`: when it was assessed). Kind-specific meanings:
    /// `postpartum` = delivery date; `release-from-incarceration` = release date (may be in the
    /// future for a scheduled release); `nursing-facility-stay` = admission date;
    /// `housed-after-homelessness` = the day the member was housed.
    pub start: Date,
    /// Last day the fact held (inclusive); open when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Date>,
    /// Source record id (assessment, claim, referral) shown as evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::text::Id>")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::text::Line>")]
    pub detail: Option<String>,
    /// `homelessness` only: which of the six CALAIM.md §2.3 conditions applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<HomelessCondition>,
    /// `homelessness` with condition `imminent-loss-of-housing` only: the day housing will be lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub housing_loss_date: Option<Date>,
    /// `release-from-incarceration` only: the kind of facility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility: Option<CorrectionalFacility>,
    /// `foster-care` only: the state that provided foster care ("CA" or another state code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<crate::text::Line>")]
    pub state: Option<String>,
    /// `waiver-1915c` only: which 1915(c) waiver program (named when ECM enrollment is refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiver: Option<WaiverProgram>,
}

/// The 1915(c) HCBS waiver programs a member cannot be in at the same time as ECM
/// (CALAIM.md §2.4 [8][4]; seed 003).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WaiverProgram {
    /// Medi-Cal Waiver Program (HIV/AIDS).
    MediCalWaiverProgram,
    /// Home and Community-Based Alternatives.
    Hcba,
    /// Assisted Living Waiver.
    Alw,
    /// HCBS waiver for Californians with developmental disabilities.
    HcbsDd,
    /// Multipurpose Senior Services Program.
    Mssp,
    /// Self-Determination Program.
    SelfDetermination,
}

impl WaiverProgram {
    /// The program's name as staff say it.
    pub fn label(self) -> &'static str {
        match self {
            WaiverProgram::MediCalWaiverProgram => "Medi-Cal Waiver Program (HIV/AIDS)",
            WaiverProgram::Hcba => "Home and Community-Based Alternatives (HCBA) Waiver",
            WaiverProgram::Alw => "Assisted Living Waiver (ALW)",
            WaiverProgram::HcbsDd => "HCBS Waiver for Individuals with Developmental Disabilities",
            WaiverProgram::Mssp => "Multipurpose Senior Services Program (MSSP)",
            WaiverProgram::SelfDetermination => "Self-Determination Program",
        }
    }
}

impl Indicator {
    /// True when the indicator's span includes `day`.
    pub fn covers(&self, day: Date) -> bool {
        self.start <= day && self.end.is_none_or(|end| day <= end)
    }

    /// True when the span overlaps the inclusive window `from..=through`.
    pub fn overlaps(&self, from: Date, through: Date) -> bool {
        self.start <= through && self.end.is_none_or(|end| end >= from)
    }
}

/// The six ways a person counts as homeless under the DHCS-modified HUD definition
/// (CALAIM.md §2.3 [6]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum HomelessCondition {
    /// 1. Lacks a fixed, regular and adequate nighttime residence.
    LacksFixedResidence,
    /// 2. Primary nighttime residence not meant for sleeping (car, park, station, campground).
    PlaceNotMeantForHabitation,
    /// 3. Supervised shelter or temporary housing (paid hotels/motels, congregate shelter,
    ///    transitional housing).
    ShelterOrTemporaryHousing,
    /// 4. Leaving an institution into homelessness; length of stay does not matter [6][7].
    ExitingInstitution,
    /// 5. Will lose housing within the DHCS window (30 days; HUD's is 14) [6][31].
    ImminentLossOfHousing,
    /// 6. Fleeing domestic or dating violence, sexual assault, stalking or similar danger.
    FleeingViolence,
}

/// Facility a member is released from (POF 4, CALAIM.md §2.2 [4]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CorrectionalFacility {
    Prison,
    Jail,
    YouthCorrectionalFacility,
}

/// Every fact kind the rules read. Kebab-case in JSON.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum IndicatorKind {
    // --- Housing (POF 1a/1b, §2.3; housing CS) ---
    /// Homeless per the DHCS definition; say which `condition`.
    Homelessness,
    /// Sharing others' housing (couch surfing) due to loss of housing or economic hardship (1b).
    CouchSurfing,
    /// Living in a motel, hotel, trailer park, campground or shelter (1b).
    TemporaryLodging,
    /// Living with dependent children/youth (1a = without, 1b = families).
    LivingWithDependentChildren,
    /// At risk of homelessness (housing CS, Transitional Rent, Day Habilitation).
    AtRiskOfHomelessness,
    /// Formerly homeless and housed since `start` (Day Habilitation: housed within 2 years).
    HousedAfterHomelessness,
    /// Prioritized through the local Coordinated Entry System (Housing Deposits).
    CesPrioritized,
    // --- Clinical and social need ---
    /// Complex physical, behavioral or developmental need the member cannot self-manage (1a).
    ComplexNeed,
    /// Meets criteria for, or receives, Specialty Mental Health Services (POF 3).
    SmhsCriteriaMet,
    /// Meets criteria for, or receives, DMC or DMC-ODS (POF 3).
    DmcCriteriaMet,
    /// At least one complex social risk factor influencing health (POF 3, 7).
    ComplexSocialRiskFactor,
    /// Pregnant (span of the pregnancy).
    Pregnancy,
    /// Postpartum; `start` is the delivery date (postpartum window from policy).
    Postpartum,
    /// High risk of overdose, suicide or institutionalization (POF 3 adult).
    HighRiskOverdoseSuicideInstitutionalization,
    /// Uses crisis or urgent services as the main source of care (POF 3 adult).
    RelianceOnCrisisServices,
    /// Meets long-term care qualifying factors now or imminently without wraparound care (POF 5).
    LtcQualifyingFactors,
    /// Needs lower-acuity skilled nursing (POF 5).
    LowerAcuitySkilledNursingNeed,
    /// Complex social or environmental factor: ADL help, food access, stable housing, lives
    /// alone (POF 5).
    ComplexSocialEnvironmentalFactor,
    /// Needs help with ADLs/IADLs.
    AdlIadlNeeds,
    /// Able to live (continuously) in the community with wraparound supports (POF 5, 6; CS).
    AbleToLiveInCommunity,
    // --- Nursing facility transition (POF 6; ALF / Community Transition CS) ---
    /// A nursing facility stay; `start` = admission date, `end` = discharge.
    NursingFacilityStay,
    /// Interested in (wants) leaving the nursing facility.
    InterestInLeavingNf,
    /// Explicit assessment: likely candidate to transition successfully (POF 6).
    LikelyCandidate,
    /// Has decision-making capacity or a legal decision-maker (POF 6 example profile).
    DecisionMakingCapacity,
    /// Has or can secure caregiver support, or is eligible for IHSS hours.
    CaregiverOrIhssSupport,
    /// ADL/IADL needs can be managed in the community with IHSS or a caregiver.
    AdlIadlManageableInCommunity,
    /// Meets nursing facility level of care (ALF Transitions, Community Transition CS).
    NfLevelOfCare,
    /// Willing to live in an assisted living facility (ALF Transitions CS).
    WillingToLiveInAlf,
    /// Can live safely in an assisted living facility (ALF Transitions CS).
    CanLiveSafelyInAlf,
    // --- Children and youth (POF 7, 8) ---
    /// Enrolled in California Children's Services.
    Ccs,
    /// Enrolled in the CCS Whole Child Model.
    CcsWcm,
    /// A foster care span; say which `state`.
    FosterCare,
    /// Eligible for or in California Adoption Assistance.
    AdoptionAssistance,
    /// Receiving California Family Maintenance services.
    FamilyMaintenance,
    /// Genetically Handicapped Persons Program (Respite CS child groups).
    Ghpp,
    /// Former Pediatric Palliative Care Waiver participant (Respite CS child groups).
    PediatricPalliativeCareWaiver,
    // --- Justice involvement (POF 4) ---
    /// Release from a prison, jail or youth correctional facility; `start` = release date.
    ReleaseFromIncarceration,
    /// Mental illness (POF 4 qualifying condition).
    MentalIllness,
    /// Substance use disorder (POF 4 qualifying condition).
    SubstanceUseDisorder,
    /// Chronic or significant non-chronic clinical condition (POF 4).
    ChronicCondition,
    /// Intellectual or developmental disability (POF 4).
    IntellectualDevelopmentalDisability,
    /// Traumatic brain injury (POF 4).
    TraumaticBrainInjury,
    /// HIV/AIDS (POF 4).
    HivAids,
    // --- Birth equity (POF 9) ---
    /// Member of a group subject to racial or ethnic disparities (POF 9).
    RacialEthnicDisparityGroup,
    // --- Programs that exclude ECM (CALAIM.md §2.4) and legacy programs ---
    /// Enrolled in a 1915(c) HCBS waiver (HIV/AIDS waiver, HCBA, ALW, HCBS-DD, MSSP, SDP).
    #[serde(rename = "waiver-1915c")]
    Waiver1915c,
    Hospice,
    /// Program of All-Inclusive Care for the Elderly.
    Pace,
    /// Complex Care Management.
    Ccm,
    /// California Community Transitions.
    Cct,
    /// Enrolled in Whole Person Care (including its pilots, e.g. HPSM's Community Care Settings
    /// Pilot and Bridges to Wellness); `start` = program enrollment date (legacy automatic ECM
    /// enrollment, docs/eligibility.md).
    LegacyWpc,
    /// Enrolled in the Health Homes Program before 2022-01-01 (recorded).
    LegacyHhp,
    /// Enrolled in MSSP; `start` = program enrollment date (legacy automatic ECM enrollment).
    LegacyMssp,
    // --- Plan CS prerequisites (plan overlay `cs_prerequisites`, e.g. HPSM seed 003) ---
    /// Engaged with a care manager.
    EngagedWithCareManager,
    /// Willing to receive Community Supports.
    WillingToReceiveCs,
    // --- Community Supports criteria (CALAIM.md §3.2) ---
    /// In a Transitional Rent transitioning population (leaving an institution, incarceration,
    /// child welfare, interim housing or recuperative care; unsheltered; FSP-eligible).
    TransitioningPopulation,
    /// A housing support plan confirming a long-term funding source (Transitional Rent).
    HousingSupportPlan,
    /// Serious health condition (Housing Deposits, with homelessness).
    SeriousHealthCondition,
    /// Recently discharged from a hospital, psychiatric facility, SUD treatment or correctional
    /// setting (Short-Term Post-Hospitalization Housing).
    InstitutionalDischarge,
    /// High medical or behavioral need (Short-Term Post-Hospitalization Housing).
    HighMedicalOrBehavioralNeed,
    /// Too ill to recover in the usual environment but not ill enough for a hospital
    /// (Recuperative Care).
    NeedsRecuperativeCare,
    /// Community-living member with ADL limits who depends on a caregiver to avoid
    /// institutional care (Respite).
    CaregiverDependent,
    /// At risk of hospitalization or nursing facility institutionalization (Day Habilitation,
    /// PCHS, Environmental Accessibility Adaptations).
    AtRiskOfInstitutionalization,
    /// Functional deficits with no adequate support (PCHS).
    FunctionalDeficitsWithoutSupport,
    /// Approved for IHSS (PCHS).
    IhssApproved,
    /// A chronic condition the plan lists for medically tailored meals (e.g. advanced CHF,
    /// CKD 3–4, diabetes on multiple medications).
    DietSensitiveChronicCondition,
    /// Found intoxicated (alcohol or other drugs) (Sobering Centers).
    FoundIntoxicated,
    /// Poorly controlled asthma (ED visit/hospitalization or 2 urgent visits in 12 months, Asthma
    /// Control Test ≤ 19, or a provider's recommendation) (Asthma Remediation).
    PoorlyControlledAsthma,
}

impl IndicatorKind {
    /// The kebab-case name used in JSON and in `missing_facts`.
    pub fn name(self) -> String {
        self.as_str().to_string()
    }

    /// The kebab-case name, without allocating (the serde name; a test checks every kind).
    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorKind::Homelessness => "homelessness",
            IndicatorKind::CouchSurfing => "couch-surfing",
            IndicatorKind::TemporaryLodging => "temporary-lodging",
            IndicatorKind::LivingWithDependentChildren => "living-with-dependent-children",
            IndicatorKind::AtRiskOfHomelessness => "at-risk-of-homelessness",
            IndicatorKind::HousedAfterHomelessness => "housed-after-homelessness",
            IndicatorKind::CesPrioritized => "ces-prioritized",
            IndicatorKind::ComplexNeed => "complex-need",
            IndicatorKind::SmhsCriteriaMet => "smhs-criteria-met",
            IndicatorKind::DmcCriteriaMet => "dmc-criteria-met",
            IndicatorKind::ComplexSocialRiskFactor => "complex-social-risk-factor",
            IndicatorKind::Pregnancy => "pregnancy",
            IndicatorKind::Postpartum => "postpartum",
            IndicatorKind::HighRiskOverdoseSuicideInstitutionalization => {
                "high-risk-overdose-suicide-institutionalization"
            }
            IndicatorKind::RelianceOnCrisisServices => "reliance-on-crisis-services",
            IndicatorKind::LtcQualifyingFactors => "ltc-qualifying-factors",
            IndicatorKind::LowerAcuitySkilledNursingNeed => "lower-acuity-skilled-nursing-need",
            IndicatorKind::ComplexSocialEnvironmentalFactor => {
                "complex-social-environmental-factor"
            }
            IndicatorKind::AdlIadlNeeds => "adl-iadl-needs",
            IndicatorKind::AbleToLiveInCommunity => "able-to-live-in-community",
            IndicatorKind::NursingFacilityStay => "nursing-facility-stay",
            IndicatorKind::InterestInLeavingNf => "interest-in-leaving-nf",
            IndicatorKind::LikelyCandidate => "likely-candidate",
            IndicatorKind::DecisionMakingCapacity => "decision-making-capacity",
            IndicatorKind::CaregiverOrIhssSupport => "caregiver-or-ihss-support",
            IndicatorKind::AdlIadlManageableInCommunity => "adl-iadl-manageable-in-community",
            IndicatorKind::NfLevelOfCare => "nf-level-of-care",
            IndicatorKind::WillingToLiveInAlf => "willing-to-live-in-alf",
            IndicatorKind::CanLiveSafelyInAlf => "can-live-safely-in-alf",
            IndicatorKind::Ccs => "ccs",
            IndicatorKind::CcsWcm => "ccs-wcm",
            IndicatorKind::FosterCare => "foster-care",
            IndicatorKind::AdoptionAssistance => "adoption-assistance",
            IndicatorKind::FamilyMaintenance => "family-maintenance",
            IndicatorKind::Ghpp => "ghpp",
            IndicatorKind::PediatricPalliativeCareWaiver => "pediatric-palliative-care-waiver",
            IndicatorKind::ReleaseFromIncarceration => "release-from-incarceration",
            IndicatorKind::MentalIllness => "mental-illness",
            IndicatorKind::SubstanceUseDisorder => "substance-use-disorder",
            IndicatorKind::ChronicCondition => "chronic-condition",
            IndicatorKind::IntellectualDevelopmentalDisability => {
                "intellectual-developmental-disability"
            }
            IndicatorKind::TraumaticBrainInjury => "traumatic-brain-injury",
            IndicatorKind::HivAids => "hiv-aids",
            IndicatorKind::RacialEthnicDisparityGroup => "racial-ethnic-disparity-group",
            IndicatorKind::Waiver1915c => "waiver-1915c",
            IndicatorKind::Hospice => "hospice",
            IndicatorKind::Pace => "pace",
            IndicatorKind::Ccm => "ccm",
            IndicatorKind::Cct => "cct",
            IndicatorKind::LegacyWpc => "legacy-wpc",
            IndicatorKind::LegacyHhp => "legacy-hhp",
            IndicatorKind::LegacyMssp => "legacy-mssp",
            IndicatorKind::EngagedWithCareManager => "engaged-with-care-manager",
            IndicatorKind::WillingToReceiveCs => "willing-to-receive-cs",
            IndicatorKind::TransitioningPopulation => "transitioning-population",
            IndicatorKind::HousingSupportPlan => "housing-support-plan",
            IndicatorKind::SeriousHealthCondition => "serious-health-condition",
            IndicatorKind::InstitutionalDischarge => "institutional-discharge",
            IndicatorKind::HighMedicalOrBehavioralNeed => "high-medical-or-behavioral-need",
            IndicatorKind::NeedsRecuperativeCare => "needs-recuperative-care",
            IndicatorKind::CaregiverDependent => "caregiver-dependent",
            IndicatorKind::AtRiskOfInstitutionalization => "at-risk-of-institutionalization",
            IndicatorKind::FunctionalDeficitsWithoutSupport => {
                "functional-deficits-without-support"
            }
            IndicatorKind::IhssApproved => "ihss-approved",
            IndicatorKind::DietSensitiveChronicCondition => "diet-sensitive-chronic-condition",
            IndicatorKind::FoundIntoxicated => "found-intoxicated",
            IndicatorKind::PoorlyControlledAsthma => "poorly-controlled-asthma",
        }
    }

    /// Every kind, in declaration order.
    pub const ALL: [IndicatorKind; 67] = [
        IndicatorKind::Homelessness,
        IndicatorKind::CouchSurfing,
        IndicatorKind::TemporaryLodging,
        IndicatorKind::LivingWithDependentChildren,
        IndicatorKind::AtRiskOfHomelessness,
        IndicatorKind::HousedAfterHomelessness,
        IndicatorKind::CesPrioritized,
        IndicatorKind::ComplexNeed,
        IndicatorKind::SmhsCriteriaMet,
        IndicatorKind::DmcCriteriaMet,
        IndicatorKind::ComplexSocialRiskFactor,
        IndicatorKind::Pregnancy,
        IndicatorKind::Postpartum,
        IndicatorKind::HighRiskOverdoseSuicideInstitutionalization,
        IndicatorKind::RelianceOnCrisisServices,
        IndicatorKind::LtcQualifyingFactors,
        IndicatorKind::LowerAcuitySkilledNursingNeed,
        IndicatorKind::ComplexSocialEnvironmentalFactor,
        IndicatorKind::AdlIadlNeeds,
        IndicatorKind::AbleToLiveInCommunity,
        IndicatorKind::NursingFacilityStay,
        IndicatorKind::InterestInLeavingNf,
        IndicatorKind::LikelyCandidate,
        IndicatorKind::DecisionMakingCapacity,
        IndicatorKind::CaregiverOrIhssSupport,
        IndicatorKind::AdlIadlManageableInCommunity,
        IndicatorKind::NfLevelOfCare,
        IndicatorKind::WillingToLiveInAlf,
        IndicatorKind::CanLiveSafelyInAlf,
        IndicatorKind::Ccs,
        IndicatorKind::CcsWcm,
        IndicatorKind::FosterCare,
        IndicatorKind::AdoptionAssistance,
        IndicatorKind::FamilyMaintenance,
        IndicatorKind::Ghpp,
        IndicatorKind::PediatricPalliativeCareWaiver,
        IndicatorKind::ReleaseFromIncarceration,
        IndicatorKind::MentalIllness,
        IndicatorKind::SubstanceUseDisorder,
        IndicatorKind::ChronicCondition,
        IndicatorKind::IntellectualDevelopmentalDisability,
        IndicatorKind::TraumaticBrainInjury,
        IndicatorKind::HivAids,
        IndicatorKind::RacialEthnicDisparityGroup,
        IndicatorKind::Waiver1915c,
        IndicatorKind::Hospice,
        IndicatorKind::Pace,
        IndicatorKind::Ccm,
        IndicatorKind::Cct,
        IndicatorKind::LegacyWpc,
        IndicatorKind::LegacyHhp,
        IndicatorKind::LegacyMssp,
        IndicatorKind::EngagedWithCareManager,
        IndicatorKind::WillingToReceiveCs,
        IndicatorKind::TransitioningPopulation,
        IndicatorKind::HousingSupportPlan,
        IndicatorKind::SeriousHealthCondition,
        IndicatorKind::InstitutionalDischarge,
        IndicatorKind::HighMedicalOrBehavioralNeed,
        IndicatorKind::NeedsRecuperativeCare,
        IndicatorKind::CaregiverDependent,
        IndicatorKind::AtRiskOfInstitutionalization,
        IndicatorKind::FunctionalDeficitsWithoutSupport,
        IndicatorKind::IhssApproved,
        IndicatorKind::DietSensitiveChronicCondition,
        IndicatorKind::FoundIntoxicated,
        IndicatorKind::PoorlyControlledAsthma,
    ];
}

/// Claims/encounter history and the period it is complete for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Utilization {
    /// First day the history is complete for (absent: unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_from: Option<Date>,
    /// Last day the history is complete for (absent: unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_through: Option<Date>,
    /// At most 10,000.
    #[serde(default, deserialize_with = "crate::text::at_most::<_, _, MAX_EVENTS>")]
    #[schemars(length(max = 10000))]
    pub events: Vec<UtilizationEvent>,
}

impl Utilization {
    /// True when the complete-history period includes the whole window `from..=through`.
    pub fn covers(&self, from: Date, through: Date) -> bool {
        matches!((self.data_from, self.data_through), (Some(f), Some(t)) if f <= from && t >= through)
    }
}

/// Kind of utilization event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    EdVisit,
    InpatientStay,
    SnfStay,
}

/// How identification reads "avoidable" from an ED visit day's claims: a named plan setting
/// (`[identification] avoidable_ed_reading` in a plan overlay, issue #14 item 14; default
/// [`EveryEdLine`](Self::EveryEdLine)). Each reading is defensible; none is stated by DHCS.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum AvoidableEdReading {
    /// Avoidable only if every ED line that day has a primary diagnosis on the list (any line
    /// without one leaves it unknown; any line with an unlisted one makes it not avoidable).
    #[default]
    EveryEdLine,
    /// Avoidable if any ED claim that day has a listed primary diagnosis; not avoidable when
    /// every claim has an unlisted one; unknown when none is listed and some lack a diagnosis.
    AnyEdClaim,
    /// The facility (institutional) ED claim decides, read as every facility line; a day with
    /// no facility ED claim falls back to every ED line.
    FacilityClaim,
}

impl AvoidableEdReading {
    /// The reading in words, for the evidence and the docs.
    pub fn describe(self) -> &'static str {
        match self {
            Self::EveryEdLine => "every ED line that day has a listed primary diagnosis",
            Self::AnyEdClaim => "any ED claim that day has a listed primary diagnosis",
            Self::FacilityClaim => {
                "the facility ED claim's primary diagnosis is listed (no facility claim: every ED line)"
            }
        }
    }
}

/// One ED visit or stay. Flags left out are unknown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UtilizationEvent {
    #[schemars(with = "crate::text::Id")]
    pub id: String,
    pub kind: EventKind,
    /// Visit date, or admission date of a stay.
    pub date: Date,
    /// ED visits: could have been avoided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avoidable: Option<bool>,
    /// ED visits: how `avoidable` was read from the claims (identification sets it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avoidable_reading: Option<AvoidableEdReading>,
    /// Stays: unplanned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unplanned: Option<bool>,
    /// SNF stays: short-term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_term: Option<bool>,
    /// Related to a substance use disorder (POF 3 adult).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sud_related: Option<bool>,
}

/// Most enrollment spans in one member's facts (a span per plan change: decades of history fit).
pub const MAX_ENROLLMENTS: usize = 1_000;
/// Most indicators in one member's facts.
pub const MAX_INDICATORS: usize = 10_000;
/// Most utilization events in one member's facts (years of ED visits and stays).
pub const MAX_EVENTS: usize = 10_000;
/// Oldest plausible age, in years: a birth date further back than this before the as-of date
/// cannot be true (the oldest verified human lived 122 years).
pub const MAX_AGE_YEARS: i16 = 130;

/// A member facts file that cannot be true or cannot be used, naming the field (issue #12,
/// defects 5, 6 and 7). Each is refused before a determination is made: an age of −3 or an
/// enrollment in an unknown plan would otherwise be answered as if it were a fact.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FactsError {
    /// A birth date after the as-of date: the member would be a negative age.
    #[error(
        "birth_date {birth_date} is after the as-of date {as_of}: a member cannot be born after the day eligibility is determined on"
    )]
    BirthDateAfterAsOf { birth_date: Date, as_of: Date },
    /// A birth date more than [`MAX_AGE_YEARS`] before the as-of date.
    #[error(
        "birth_date {birth_date} is more than {MAX_AGE_YEARS} years before the as-of date {as_of}"
    )]
    BirthDateTooEarly { birth_date: Date, as_of: Date },
    /// A span whose last day is before its first.
    #[error("{field}: ends {end}, before it starts {start}")]
    EndBeforeStart {
        field: String,
        start: Date,
        end: Date,
    },
    /// An enrollment span in a plan the policy pack does not know: the plan's rules (its
    /// excluded lines of business, its CS rule) cannot be applied.
    #[error("{field}: {source}")]
    UnknownPlan {
        field: String,
        source: crate::policy::UnknownPlan,
    },
    /// A string or a list that breaks its length or character rule ([`crate::text`]).
    #[error("{field} {source}")]
    Text {
        field: String,
        source: crate::text::TextError,
    },
    /// An enrollment that runs past the last day its plan served Medi-Cal members there (a
    /// plan that left Medi-Cal: Aetna after 2023-12-31, issue #14). History up to that day
    /// still counts; a span that reaches past it cannot be true.
    #[error(
        "{field}: plan {plan} served Medi-Cal members there only through {last_day} (its last day, plan overlay counties); an enrollment in it cannot run to {through}"
    )]
    PlanEnded {
        field: String,
        plan: String,
        last_day: Date,
        through: Date,
    },
}

impl FactsError {
    /// The top-level field the problem is in, without the index: `birth_date`, `member_id`,
    /// `enrollments`, `indicators` or `utilization` (for an error field that must be static).
    pub fn top_field(&self) -> &'static str {
        let field = self.field();
        [
            "birth_date",
            "member_id",
            "enrollments",
            "indicators",
            "utilization",
        ]
        .into_iter()
        .find(|top| field.starts_with(top))
        .unwrap_or("facts")
    }

    /// The field the problem is in, e.g. `enrollments[2].end`.
    pub fn field(&self) -> &str {
        match self {
            FactsError::BirthDateAfterAsOf { .. } | FactsError::BirthDateTooEarly { .. } => {
                "birth_date"
            }
            FactsError::EndBeforeStart { field, .. }
            | FactsError::UnknownPlan { field, .. }
            | FactsError::Text { field, .. }
            | FactsError::PlanEnded { field, .. } => field,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::IndicatorKind;

    /// `as_str` is a hand-written table: it must equal the serde name of every kind, and `ALL`
    /// must list every kind the JSON schema knows.
    #[test]
    fn indicator_kind_names_match_serde() {
        for kind in IndicatorKind::ALL {
            let serde_name = serde_json::to_value(kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string));
            assert_eq!(serde_name.as_deref(), Some(kind.as_str()), "{kind:?}");
        }
        let schema = serde_json::to_value(schemars::schema_for!(IndicatorKind)).unwrap_or_default();
        let mut in_schema = Vec::new();
        collect_names(&schema, &mut in_schema);
        in_schema.sort();
        in_schema.dedup();
        let mut ours: Vec<String> = IndicatorKind::ALL.iter().map(|k| k.name()).collect();
        ours.sort();
        assert_eq!(in_schema, ours);
    }

    /// Every string under a `const` or `enum` key of a JSON schema.
    fn collect_names(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("const", serde_json::Value::String(s)) => out.push(s.clone()),
                        ("enum", serde_json::Value::Array(items)) => {
                            out.extend(items.iter().filter_map(|i| i.as_str().map(str::to_string)))
                        }
                        _ => collect_names(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|i| collect_names(i, out)),
            _ => {}
        }
    }
}
