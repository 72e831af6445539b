//! Community Supports limits: lifetime, per-year and rolling-window caps (CALAIM.md §3.3),
//! checked for one proposed authorization against the member's cross-plan history.
//!
//! [`check`] is pure: it reads the input and the policy pack and explains itself in a
//! [`LimitDecision`]. Formats and interpretations: docs/community-supports-limits.md.

pub mod decision;
pub(crate) mod history;
pub mod input;
pub mod policy;
mod rules;
pub mod units;

pub use decision::{LimitDecision, Outcome, Quantity, RuleTrace, Unit, Window};
pub use input::{
    CsLimitInput, ExceptionClaim, ExceptionKind, HistoryItem, HistoryKind, HistoryStatus,
    InputError, NursingFacilityStay, Proposal,
};
pub use policy::CsLimitPolicy;
pub use units::{Cents, Hours};

use crate::cite::Citation;
use crate::cs::CsId;
use crate::policy::PolicyPack;
use rules::{lifetime, respite, room_and_board, stays, unconfirmed};

/// Checks the proposed authorization in `input` against every CS limit that applies to it.
///
/// Outcome: `denied` if any rule denies; otherwise `undetermined` if a rule lacks a fact
/// (named in `missing`); otherwise `allowed_with_exception` if a documented exception let it
/// past a cap; otherwise `allowed`. An input with unusable facts (see
/// [`CsLimitInput::problems`]) is `undetermined`, naming them.
pub fn check(input: &CsLimitInput, pack: &PolicyPack) -> LimitDecision {
    let cs = input.proposed.cs;
    let problems = input.problems(pack);
    let rules = if problems.is_empty() {
        rules_for(input, &pack.cs_limits)
    } else {
        let mut trace = RuleTrace::new(
            "input-usable",
            "Every span ends on or after its start; history ids are unique; the proposed plan is known",
            Outcome::Undetermined,
            Citation::new("docs/community-supports-limits.md, Input"),
            format!(
                "The input cannot be counted: {}.",
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        );
        trace.missing = problems.iter().map(|p| p.to_string()).collect();
        vec![trace]
    };
    LimitDecision::from_rules(cs, input.member_id.clone(), rules, pack.version())
}

fn rules_for(input: &CsLimitInput, limits: &CsLimitPolicy) -> Vec<RuleTrace> {
    let cs = input.proposed.cs;
    let mut traces = match cs {
        CsId::Respite => respite::check(input, &limits.respite),
        CsId::EnvironmentalAccessibilityAdaptations => vec![lifetime::dollars(
            input,
            cs,
            "eaa-lifetime-dollars",
            "Environmental Accessibility Adaptations",
            &limits.environmental_accessibility_adaptations,
        )],
        CsId::AsthmaRemediation => vec![lifetime::dollars(
            input,
            cs,
            "asthma-remediation-lifetime-dollars",
            "Asthma Remediation",
            &limits.asthma_remediation,
        )],
        CsId::CommunityHomeTransition => vec![
            stays::home_transition(input, &limits.community_home_transition),
            lifetime::dollar_cap(
                input,
                cs,
                "community-home-transition-lifetime-dollars",
                "Community or Home Transition",
                &limits.community_home_transition.lifetime_max_cents,
                &limits.community_home_transition.exception_kinds,
            ),
        ],
        CsId::AlfTransitions => vec![stays::alf(input, &limits.alf_transitions)],
        CsId::HousingDeposits => vec![lifetime::housing_deposits(input, &limits.housing_deposits)],
        CsId::SoberingCenters => vec![stays::sobering(input, &limits.sobering_centers)],
        CsId::TransitionalRent => {
            let mut traces = vec![room_and_board::transitional_rent_episode(
                input,
                &limits.transitional_rent,
            )];
            if limits.room_and_board.services.value.contains(&cs) {
                traces.insert(0, room_and_board::combined(input, &limits.room_and_board));
            }
            traces
        }
        // Every CS is named here, with no catch-all arm: a Community Support added to `CsId`
        // without a limit arm is a compile error (E0004, non-exhaustive patterns), not a silent
        // "no statewide cap". The pack's `room_and_board.services` list decides which of these
        // share the combined room-and-board cap.
        CsId::ShortTermPostHospitalizationHousing
        | CsId::RecuperativeCare
        | CsId::HousingTransitionNavigation
        | CsId::HousingTenancySustaining
        | CsId::DayHabilitation
        | CsId::PersonalCareHomemaker
        | CsId::MedicallyTailoredMeals => {
            if limits.room_and_board.services.value.contains(&cs) {
                vec![room_and_board::combined(input, &limits.room_and_board)]
            } else {
                vec![unconfirmed::no_statewide_cap(cs)]
            }
        }
    };
    traces.extend(unconfirmed::caps(input, &limits.unconfirmed_caps));
    traces
}
