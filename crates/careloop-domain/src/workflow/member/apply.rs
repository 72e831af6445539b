//! Folding member events into state. Total: every event applies to every state.

use super::{MemberEvent, MemberState, MemberStatus, StoredDetermination};
use crate::eligibility::{Determination, MemberFacts};
use jiff::Timestamp;

/// The state after `event`.
pub fn apply(mut state: MemberState, event: &MemberEvent) -> MemberState {
    use MemberEvent as E;
    match event {
        E::Registered {
            member_id,
            plan,
            county,
            demographics,
            cin,
            facts,
            determination,
            at,
            actor: _,
        } => {
            state.member_id = member_id.clone();
            state.plan = plan.clone();
            state.county = county.clone();
            state.demographics = demographics.clone();
            state.cin = cin.clone();
            state.facts = facts.clone();
            state.registered_at = Some(*at);
            store(&mut state, determination, *at);
        }
        E::DemographicsUpdated { demographics, .. } => {
            state.demographics = demographics.clone();
        }
        E::FactsRecorded {
            facts,
            determination,
            at,
            ..
        } => {
            state.facts = facts.clone();
            store(&mut state, determination, *at);
        }
        E::EligibilityRecomputed {
            determination, at, ..
        } => store(&mut state, determination, *at),
    }
    state
}

fn store(state: &mut MemberState, determination: &Determination, at: Timestamp) {
    state.status = status_on(&state.facts, determination);
    state.determination = Some(StoredDetermination {
        determination: determination.clone(),
        computed_at: at,
    });
}

/// Disenrolled when enrollment is known and no span covers the determination date.
fn status_on(facts: &MemberFacts, determination: &Determination) -> MemberStatus {
    let day = determination.as_of;
    if !facts.enrollments.is_empty() && !facts.enrollments.iter().any(|s| s.covers(day)) {
        MemberStatus::Disenrolled
    } else {
        MemberStatus::Active
    }
}

/// The state reached from the empty state by `events`, in order.
pub fn replay<'a>(events: impl IntoIterator<Item = &'a MemberEvent>) -> MemberState {
    events.into_iter().fold(MemberState::default(), apply)
}
