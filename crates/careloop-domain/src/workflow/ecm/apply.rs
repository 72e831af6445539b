//! Folding ECM enrollment events into state. Total: every event applies to every state.

use super::{EcmEnrollmentState, EcmEvent, EnrollmentStatus};

/// The state after `event`.
pub fn apply(mut state: EcmEnrollmentState, event: &EcmEvent) -> EcmEnrollmentState {
    use EcmEvent as E;
    match event {
        E::Opened {
            enrollment_id,
            member_id,
            plan,
            provider_id,
            at,
            actor: _,
        } => {
            state.status = EnrollmentStatus::Outreach;
            state.enrollment_id = enrollment_id.clone();
            state.member_id = member_id.clone();
            state.plan = plan.clone();
            state.provider_id = provider_id.clone();
            state.opened_at = Some(*at);
        }
        E::OutreachAttemptRecorded { attempt } => state.outreach.push(attempt.clone()),
        E::Enrolled {
            start,
            authorization_id,
            period,
            lead_care_manager,
            exclusion_check,
            ..
        } => {
            state.status = EnrollmentStatus::Enrolled;
            state.enrolled_on = Some(*start);
            state.authorization_ids.push(authorization_id.clone());
            state.periods.push(period.clone());
            state.lead_care_manager = Some(lead_care_manager.clone());
            state.exclusion_check = Some(exclusion_check.clone());
        }
        E::LeadCareManagerAssigned { person_id, .. } => {
            state.lead_care_manager = Some(person_id.clone());
        }
        E::CareTeamMemberAdded { member, .. } => state.care_team.push(member.clone()),
        E::AssessmentRecorded { assessment, .. } => {
            match state
                .assessments
                .iter_mut()
                .find(|a| a.assessment_id == assessment.assessment_id)
            {
                Some(existing) => *existing = assessment.clone(),
                None => state.assessments.push(assessment.clone()),
            }
        }
        E::CarePlanGoalRecorded { goal, .. } => {
            match state.goals.iter_mut().find(|g| g.goal_id == goal.goal_id) {
                Some(existing) => *existing = goal.clone(),
                None => state.goals.push(goal.clone()),
            }
        }
        E::CoreServiceActivityRecorded { activity } => state.activities.push(activity.clone()),
        E::Reauthorized {
            authorization_id,
            period,
            ..
        } => {
            state.authorization_ids.push(authorization_id.clone());
            state.periods.push(period.clone());
        }
        E::Discontinued { discontinuation } => {
            state.status = EnrollmentStatus::Discontinued;
            state.discontinuation = Some(discontinuation.clone());
        }
    }
    state
}

/// The state reached from the empty state by `events`, in order.
pub fn replay<'a>(events: impl IntoIterator<Item = &'a EcmEvent>) -> EcmEnrollmentState {
    events
        .into_iter()
        .fold(EcmEnrollmentState::default(), apply)
}
