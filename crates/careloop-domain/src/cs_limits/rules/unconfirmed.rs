//! CS with no statewide cap in CALAIM.md, and the UNCONFIRMED caps of CALAIM.md §10 item 5:
//! listed in every trace for their CS, enforced only where a plan's policy enables them.

use super::{lifetime, room_and_board};
use crate::cite::Citation;
use crate::cs::CsId;
use crate::cs_limits::decision::{Outcome, RuleTrace};
use crate::cs_limits::input::CsLimitInput;
use crate::cs_limits::policy::{CapMeasure, UnconfirmedCap};

/// A trace item per UNCONFIRMED cap of the proposal's CS: enforced when enabled, otherwise a
/// note that it is configured but not applied.
pub(crate) fn caps(input: &CsLimitInput, caps: &[UnconfirmedCap]) -> Vec<RuleTrace> {
    caps.iter()
        .filter(|cap| cap.cs == input.proposed.cs)
        .map(|cap| match (&cap.limit, cap.measure, cap.enabled) {
            (Some(limit), CapMeasure::DaysPerEpisode, true) => {
                room_and_board::episode_days(input, cap.cs, &cap.id, &cap.description, limit)
            }
            (Some(limit), CapMeasure::LifetimeEpisodes, true) => {
                lifetime::episodes_cap(input, &cap.id, &cap.description, limit)
            }
            (limit, _, _) => {
                let citation = limit.as_ref().map_or_else(
                    || Citation {
                        source: cap.source.clone(),
                        unconfirmed: true,
                    },
                    |l| l.citation(),
                );
                let value = limit
                    .as_ref()
                    .map_or("value unknown".to_string(), |l| format!("value {}", l.value));
                RuleTrace::new(
                    &cap.id,
                    cap.description.clone(),
                    Outcome::Allowed,
                    citation,
                    format!(
                        "Unconfirmed cap \"{}\" ({value}) is configured but disabled, so not applied.",
                        cap.description
                    ),
                )
            }
        })
        .collect()
}

/// A CS with no statewide cap in CALAIM.md §3.2: allowed, saying so.
pub(crate) fn no_statewide_cap(cs: CsId) -> RuleTrace {
    RuleTrace::new(
        "no-statewide-cap",
        format!("{cs}: no statewide cap is known"),
        Outcome::Allowed,
        Citation {
            source: "CALAIM.md §3.2, §3.3, §10 item 5".to_string(),
            unconfirmed: false,
        },
        format!("No statewide cap is known for {cs}; plan caps may apply."),
    )
}
