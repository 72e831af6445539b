//! Community Supports eligibility: the key criteria of each CS that facts can decide
//! (CALAIM.md §3.2), plus enrollment in a Medi-Cal MCP on as_of (D-SNP members may receive CS,
//! §2.4 [4]). Whether the plan *offers* the CS in the member's county is a separate question
//! (`policy::offerings`), reported as [`CsResult::offered`]. ECM eligibility is not required for
//! CS [5]; for plans listed in `ecm_eligible_implies_cs_plans` (HPSM [4]) an ECM-eligible member
//! is CS-eligible, but only for a CS the plan offers in the member's county on as_of and never
//! past the service's own age group or setting (`plan_rule_bounds`). A plan overlay's
//! `cs_prerequisites` (HPSM: active membership, a care manager, willingness [4]) are criteria of
//! every CS for the plan's members.

use super::ctx::Ctx;
use super::exclusions::enrolled_in_mcp;
use super::facts::{EnrollmentSpan, IndicatorKind as K};
use super::homeless::homeless;
use super::pof::nf_stay_at_least;
use super::policy::CsSetting;
use super::trace::{Evidence, Outcome, Trace};
use crate::cite::Citation;
use crate::cs::CsId;
use crate::policy::plan::PlanOverlay;
use crate::policy::plan_rules::Requirement;
use crate::policy::{OfferedCs, PolicyPack, offerings};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The result for one Community Support.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CsResult {
    pub id: CsId,
    pub status: Outcome,
    /// Whether the member's plan offers this CS in the member's county on as_of (the plan's
    /// offerings and statewide mandates); null when the plan, or the county where it matters,
    /// is unknown. A CS can be met on its criteria and still not be offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offered: Option<bool>,
    pub criteria: Vec<Trace>,
}

/// Evaluate every CS in [`CsId::ALL`] order. `ecm_eligible` feeds the plan rule; `pack` gives
/// the plan's offerings.
pub fn evaluate(ctx: &Ctx<'_>, ecm_eligible: Outcome, pack: &PolicyPack) -> Vec<CsResult> {
    let plan = current_plan(ctx, pack);
    CsId::ALL
        .into_iter()
        .map(|id| evaluate_one(ctx, id, ecm_eligible, plan.as_ref()))
        .collect()
}

fn evaluate_one(
    ctx: &Ctx<'_>,
    id: CsId,
    ecm_eligible: Outcome,
    plan: Option<&CurrentPlan<'_>>,
) -> CsResult {
    let cs = &ctx.policy.community_supports;
    let enrolled = enrolled_in_mcp(ctx).trace(
        &format!("cs.{id}.enrolled_in_mcp"),
        "Enrolled in a Medi-Cal managed care plan on as_of (D-SNP included)",
        cs.enrollment.citation(),
    );
    let service = service_criteria(ctx, id);
    let eligibility = match plan.and_then(|p| plan_rule(ctx, id, ecm_eligible, p)) {
        Some(rule) => Trace::any_of(
            format!("cs.{id}.eligibility"),
            "Meets the CS criteria, or the plan rule for ECM-eligible members",
            service.citation.clone(),
            vec![service, rule],
        ),
        None => service,
    };
    let mut criteria = vec![enrolled, eligibility];
    if let Some(p) = plan {
        criteria.extend(prerequisites(ctx, id, p));
    }
    CsResult {
        id,
        status: Outcome::all(criteria.iter().map(|t| t.outcome)),
        offered: plan.and_then(|p| p.offered(id)),
        criteria,
    }
}

/// The member's Medi-Cal plan enrollment on as_of and what the plan offers there.
struct CurrentPlan<'a> {
    span: &'a EnrollmentSpan,
    plan: &'a PlanOverlay,
    /// The CS offered in each county considered: the recorded county, or, when none is
    /// recorded, every county the plan serves on as_of (the answer holds if they all agree).
    per_county: Vec<(String, Vec<OfferedCs>)>,
}

fn current_plan<'a>(ctx: &Ctx<'a>, pack: &PolicyPack) -> Option<CurrentPlan<'a>> {
    let lines = &ctx.policy.enrollment.medi_cal_lines_of_business.value;
    let span = ctx
        .facts
        .enrollments
        .iter()
        .find(|s| s.covers(ctx.as_of) && lines.contains(&s.line_of_business))?;
    let plan = ctx.plan(&span.plan)?;
    let counties: Vec<String> = match &span.county {
        Some(c) => vec![c.clone()],
        None => plan
            .counties_on(ctx.as_of)
            .into_iter()
            .map(String::from)
            .collect(),
    };
    let per_county = counties
        .into_iter()
        .map(|c| {
            // A county the plan does not serve that day offers nothing.
            let offered = offerings(pack, &plan.id, &c, ctx.as_of).unwrap_or_default();
            (c, offered)
        })
        .collect();
    Some(CurrentPlan {
        span,
        plan,
        per_county,
    })
}

impl CurrentPlan<'_> {
    /// Offered in every county considered: true; in none: false; in some: unknown (the
    /// member's county decides).
    fn offered(&self, id: CsId) -> Option<bool> {
        let n = self
            .per_county
            .iter()
            .filter(|(_, o)| o.iter().any(|x| x.id == id))
            .count();
        if n == self.per_county.len() && n > 0 {
            Some(true)
        } else if n == 0 {
            Some(false)
        } else {
            None
        }
    }

    /// The criterion "the plan offers this CS in the member's county on as_of".
    fn offered_trace(&self, ctx: &Ctx<'_>, id: CsId, rule: String) -> Trace {
        let where_ = self
            .span
            .county
            .clone()
            .unwrap_or_else(|| "the member's county (not recorded)".to_string());
        let description = format!(
            "Offered by {} in {where_} on {} (plan offerings and statewide mandates)",
            self.plan.id, ctx.as_of
        );
        let offering = self
            .per_county
            .iter()
            .find_map(|(c, o)| o.iter().find(|x| x.id == id).map(|x| (c, x)));
        let evidence: Vec<Evidence> = offering
            .map(|(county, o)| Evidence {
                id: None,
                kind: "offering".to_string(),
                date: Some(o.effective_from),
                detail: Some(format!(
                    "{} {county}: {id} ({})",
                    self.plan.id,
                    o.basis.as_str()
                )),
            })
            .into_iter()
            .collect();
        let citation = match offering {
            Some((_, o)) => Citation {
                source: o.source.clone(),
                unconfirmed: o.unconfirmed,
            },
            None => Citation::new(self.plan.source.clone()),
        };
        match self.offered(id) {
            Some(true) => Trace::leaf(rule, description, Outcome::Met, citation),
            Some(false) => Trace::leaf(
                rule,
                format!("{description}: not offered"),
                Outcome::NotMet,
                citation,
            ),
            None => Trace::leaf(rule, description, Outcome::Undetermined, citation)
                .with_missing(vec!["enrollments.county".to_string()]),
        }
        .with_evidence(evidence)
    }
}

/// HPSM: "Members who are eligible for the Enhanced Care Management benefit will be eligible
/// for Community Supports" [4] — for members enrolled on as_of in a listed plan, bounded by what
/// the plan offers in the member's county that day and by the service's own age group and
/// setting (issue #14 item 13).
fn plan_rule(
    ctx: &Ctx<'_>,
    id: CsId,
    ecm_eligible: Outcome,
    plan: &CurrentPlan<'_>,
) -> Option<Trace> {
    let plans = &ctx.policy.community_supports.ecm_eligible_implies_cs_plans;
    if !plans.value.contains(&plan.plan.id) {
        return None;
    }
    let p = format!("cs.{id}.plan_rule");
    let mut parts = vec![
        Trace::leaf(
            format!("{p}.ecm_eligible"),
            format!(
                "Plan {}: members eligible for ECM are eligible for CS",
                plan.plan.id
            ),
            ecm_eligible,
            plans.citation(),
        ),
        plan.offered_trace(ctx, id, format!("{p}.offered")),
    ];
    if let Some(bounds) = ctx.policy.community_supports.plan_rule_bounds.get(&id) {
        if let Some(min) = &bounds.min_age {
            parts.push(ctx.age_between(
                &format!("{p}.age"),
                &format!("Age {} or older (the service's own age group)", min.value),
                Some(min.value),
                None,
                min.citation(),
            ));
        }
        if let Some(setting) = &bounds.setting {
            parts.push(match setting.value {
                CsSetting::NursingFacility => ctx.fact(
                    &format!("{p}.setting"),
                    "In a nursing facility on as_of (the service's own setting)",
                    K::NursingFacilityStay,
                    setting.citation(),
                ),
            });
        }
    }
    Some(Trace::all_of(
        p,
        "Plan rule for ECM-eligible members, for a CS the plan offers here, within the service's own bounds",
        plans.citation(),
        parts,
    ))
}

/// The plan overlay's CS prerequisites, one criterion each (`cs.<id>.plan_prerequisite.<id>`):
/// an enrollment requirement reads the member's spans in this plan on as_of, an indicator
/// requirement reads the indicator on as_of (unknown → undetermined, naming the fact).
fn prerequisites(ctx: &Ctx<'_>, id: CsId, plan: &CurrentPlan<'_>) -> Vec<Trace> {
    plan.plan
        .cs_prerequisites
        .iter()
        .map(|pre| {
            let rule = format!("cs.{id}.plan_prerequisite.{}", pre.id);
            let description = format!("Plan {}: {}", plan.plan.id, pre.description);
            match &pre.requires {
                Requirement::Indicator(kind) => {
                    ctx.fact(&rule, &description, *kind, pre.citation())
                }
                Requirement::EnrolledIn(lines) => {
                    let spans: Vec<&EnrollmentSpan> = ctx
                        .facts
                        .enrollments
                        .iter()
                        .filter(|s| {
                            s.plan == plan.plan.id
                                && s.covers(ctx.as_of)
                                && lines.contains(&s.line_of_business)
                        })
                        .collect();
                    let outcome = if spans.is_empty() {
                        Outcome::NotMet
                    } else {
                        Outcome::Met
                    };
                    let evidence = spans
                        .iter()
                        .map(|s| Evidence {
                            id: None,
                            kind: "enrollment".to_string(),
                            date: Some(s.start),
                            detail: Some(format!("{} {}", s.plan, s.line_of_business)),
                        })
                        .collect();
                    Trace::leaf(rule, description, outcome, pre.citation()).with_evidence(evidence)
                }
            }
        })
        .collect()
}

/// The key criteria of one CS (CALAIM.md §3.2 "Eligibility" column).
fn service_criteria(ctx: &Ctx<'_>, id: CsId) -> Trace {
    let cs = &ctx.policy.community_supports;
    let c: Citation = cs
        .criteria
        .get(&id)
        .map(|v| v.citation())
        .unwrap_or_else(|| Citation::new("CALAIM.md §3.2"));
    let text = cs
        .criteria
        .get(&id)
        .map(|v| v.value.clone())
        .unwrap_or_default();
    let p = format!("cs.{id}");
    let fact =
        |name: &str, text: &str, kind: K| ctx.fact(&format!("{p}.{name}"), text, kind, c.clone());
    let homeless_or_at_risk = || {
        Trace::any_of(
            format!("{p}.homeless_or_at_risk"),
            "Homeless or at risk of homelessness",
            c.clone(),
            vec![
                homeless(ctx, &p),
                fact(
                    "at_risk",
                    "At risk of homelessness",
                    K::AtRiskOfHomelessness,
                ),
            ],
        )
    };
    let rule = format!("{p}.criteria");
    match id {
        CsId::HousingTransitionNavigation | CsId::HousingTenancySustaining => {
            let mut t = homeless_or_at_risk();
            t.rule = rule;
            t.description = text;
            t
        }
        CsId::HousingDeposits => Trace::any_of(
            rule,
            text,
            c.clone(),
            vec![
                Trace::all_of(
                    format!("{p}.homeless_with_serious_condition"),
                    "Homeless with a serious health condition",
                    c.clone(),
                    vec![
                        homeless(ctx, &p),
                        fact(
                            "serious_condition",
                            "Serious health condition",
                            K::SeriousHealthCondition,
                        ),
                    ],
                ),
                transitional_rent(ctx, &format!("{p}.transitional_rent_eligible"), c.clone()),
                fact(
                    "ces",
                    "Prioritized through the local Coordinated Entry System",
                    K::CesPrioritized,
                ),
            ],
        ),
        CsId::TransitionalRent => transitional_rent(ctx, &rule, c.clone()),
        CsId::ShortTermPostHospitalizationHousing => Trace::all_of(
            rule,
            text,
            c.clone(),
            vec![
                fact(
                    "institutional_discharge",
                    "Leaving a hospital, psychiatric, SUD treatment or correctional setting",
                    K::InstitutionalDischarge,
                ),
                homeless(ctx, &p),
                fact(
                    "high_need",
                    "High medical or behavioral need",
                    K::HighMedicalOrBehavioralNeed,
                ),
            ],
        ),
        CsId::RecuperativeCare => Trace::all_of(
            rule,
            text,
            c.clone(),
            vec![
                homeless_or_at_risk(),
                fact(
                    "needs_recuperative_care",
                    "Too ill to recover in the usual environment, not ill enough for a hospital",
                    K::NeedsRecuperativeCare,
                ),
            ],
        ),
        CsId::Respite => respite(ctx, &p, rule, text, c),
        CsId::DayHabilitation => {
            let months = cs.day_hab_recently_housed_months.value;
            let window = ctx.months_window(months);
            Trace::any_of(
                rule,
                text,
                c.clone(),
                vec![
                    homeless(ctx, &p),
                    ctx.indicator_started_since(K::HousedAfterHomelessness, window.from)
                        .trace(
                            &format!("{p}.recently_housed"),
                            &format!(
                                "Formerly homeless and housed within the last {months} months"
                            ),
                            cs.day_hab_recently_housed_months.citation(),
                        )
                        .with_window(window),
                    fact(
                        "at_risk_of_homelessness",
                        "At risk of homelessness",
                        K::AtRiskOfHomelessness,
                    ),
                    fact(
                        "at_risk_of_institutionalization",
                        "At risk of institutionalization",
                        K::AtRiskOfInstitutionalization,
                    ),
                ],
            )
        }
        CsId::AlfTransitions => {
            let days = &cs.alf_min_nf_stay_days;
            Trace::any_of(
                rule,
                text,
                c.clone(),
                vec![
                    Trace::all_of(
                        format!("{p}.from_nursing_facility"),
                        "From a nursing facility",
                        c.clone(),
                        vec![
                            nf_stay_at_least(
                                ctx,
                                &format!("{p}.nf_days"),
                                &format!("In a nursing facility at least {} days", days.value),
                                days.value,
                                days.citation(),
                            ),
                            fact(
                                "willing",
                                "Willing to live in an assisted living facility",
                                K::WillingToLiveInAlf,
                            ),
                            fact(
                                "safe_in_alf",
                                "Can live safely in an assisted living facility",
                                K::CanLiveSafelyInAlf,
                            ),
                        ],
                    ),
                    Trace::all_of(
                        format!("{p}.from_community"),
                        "From the community (home, subsidized housing, ALF or board-and-care)",
                        c.clone(),
                        vec![
                            fact(
                                "community_willing",
                                "Wants to live in an assisted living setting in the community",
                                K::WillingToLiveInAlf,
                            ),
                            fact(
                                "community_safe_in_alf",
                                "Can live safely in an assisted living facility",
                                K::CanLiveSafelyInAlf,
                            ),
                            fact(
                                "nf_level_of_care",
                                "Meets nursing facility level of care",
                                K::NfLevelOfCare,
                            ),
                        ],
                    ),
                ],
            )
        }
        CsId::CommunityHomeTransition => {
            let days = &cs.home_transition_min_stay_days;
            Trace::all_of(
                rule,
                text,
                c.clone(),
                vec![
                    fact(
                        "nf_level_of_care",
                        "Receiving medically necessary NF level of care",
                        K::NfLevelOfCare,
                    ),
                    nf_stay_at_least(
                        ctx,
                        &format!("{p}.nf_days"),
                        &format!("In a nursing facility at least {} days", days.value),
                        days.value,
                        days.citation(),
                    ),
                    fact(
                        "wants_to_move",
                        "Wants to move back to the community",
                        K::InterestInLeavingNf,
                    ),
                    fact(
                        "able_to_live_in_community",
                        "Can live safely in the community with cost-effective supports",
                        K::AbleToLiveInCommunity,
                    ),
                ],
            )
        }
        CsId::PersonalCareHomemaker => Trace::any_of(
            rule,
            text,
            c.clone(),
            vec![
                fact(
                    "at_risk_of_institutionalization",
                    "At risk of hospitalization or nursing facility institutionalization",
                    K::AtRiskOfInstitutionalization,
                ),
                fact(
                    "functional_deficits",
                    "Functional deficits with no adequate support",
                    K::FunctionalDeficitsWithoutSupport,
                ),
                fact("ihss_approved", "Approved for IHSS", K::IhssApproved),
            ],
        ),
        CsId::EnvironmentalAccessibilityAdaptations => {
            fact("criteria", &text, K::AtRiskOfInstitutionalization)
        }
        CsId::MedicallyTailoredMeals => fact("criteria", &text, K::DietSensitiveChronicCondition),
        CsId::SoberingCenters => fact("criteria", &text, K::FoundIntoxicated),
        CsId::AsthmaRemediation => fact("criteria", &text, K::PoorlyControlledAsthma),
    }
}

/// Transitional Rent: behavioral-health criteria AND homeless or at risk AND a transitioning
/// population AND a housing support plan with a long-term funding source (CALAIM.md §3.2 #4).
fn transitional_rent(ctx: &Ctx<'_>, rule: &str, c: Citation) -> Trace {
    let fact = |name: &str, text: &str, kind: K| {
        ctx.fact(&format!("{rule}.{name}"), text, kind, c.clone())
    };
    Trace::all_of(
        rule,
        "Transitional Rent: behavioral-health need, homeless or at risk, transitioning population, housing support plan",
        c.clone(),
        vec![
            Trace::any_of(
                format!("{rule}.behavioral_health"),
                "Meets SMHS, DMC or DMC-ODS access criteria",
                c.clone(),
                vec![
                    fact("smhs", "Meets SMHS access criteria", K::SmhsCriteriaMet),
                    fact(
                        "dmc",
                        "Meets DMC/DMC-ODS access criteria",
                        K::DmcCriteriaMet,
                    ),
                ],
            ),
            Trace::any_of(
                format!("{rule}.homeless_or_at_risk"),
                "Homeless or at risk of homelessness (30-day rule)",
                c.clone(),
                vec![
                    homeless(ctx, rule),
                    fact(
                        "at_risk",
                        "At risk of homelessness",
                        K::AtRiskOfHomelessness,
                    ),
                ],
            ),
            fact(
                "transitioning_population",
                "In a transitioning population (institution, incarceration, child welfare, interim housing, recuperative care, unsheltered, FSP-eligible)",
                K::TransitioningPopulation,
            ),
            fact(
                "housing_support_plan",
                "Housing support plan confirming a long-term funding source",
                K::HousingSupportPlan,
            ),
        ],
    )
}

/// Respite: a community-living member with ADL limits who depends on a caregiver, OR a child
/// (under 21) in a listed group: former Pediatric Palliative Care Waiver, foster care, CCS,
/// GHPP, or complex care needs.
fn respite(ctx: &Ctx<'_>, p: &str, rule: String, text: String, c: Citation) -> Trace {
    let fact =
        |name: &str, text: &str, kind: K| ctx.fact(&format!("{p}.{name}"), text, kind, c.clone());
    let adult_age = &ctx.policy.ages.adult_min_age;
    let groups = Trace::any_of(
        format!("{p}.child_group"),
        "In a listed child group",
        c.clone(),
        vec![
            fact(
                "ppc_waiver",
                "Former Pediatric Palliative Care Waiver participant",
                K::PediatricPalliativeCareWaiver,
            ),
            fact("foster_care", "In foster care", K::FosterCare),
            fact("ccs", "Enrolled in CCS", K::Ccs),
            fact(
                "ccs_wcm",
                "Enrolled in the CCS Whole Child Model",
                K::CcsWcm,
            ),
            fact("ghpp", "Enrolled in GHPP", K::Ghpp),
            fact("complex_care_needs", "Complex care needs", K::ComplexNeed),
        ],
    );
    Trace::any_of(
        rule,
        text,
        c.clone(),
        vec![
            fact(
                "caregiver_dependent",
                "Lives in the community with ADL limits and depends on a caregiver",
                K::CaregiverDependent,
            ),
            Trace::all_of(
                format!("{p}.child"),
                "A child or youth in a listed group",
                c.clone(),
                vec![
                    ctx.age_between(
                        &format!("{p}.child.age"),
                        &format!("Under {} on as_of", adult_age.value),
                        None,
                        Some(adult_age.value),
                        adult_age.citation(),
                    ),
                    groups,
                ],
            ),
        ],
    )
}
