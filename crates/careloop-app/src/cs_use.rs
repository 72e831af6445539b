//! The Community Supports limit-check input built from a member's CS authorizations in the
//! actor's organization's view (issue #4; used by the staff UI, shared by any client): the
//! history of approved CS authorizations and the proposal, for `careloop_domain::cs_limits::check`.
//!
//! The app's reading of an authorization's `units` (the app stores a bare number): respite →
//! whole hours; environmental accessibility adaptations, asthma remediation and community or
//! home transition services → whole US dollars; sobering centers → hours of the stay; other
//! Community Supports → not used by the limit check (their rules count days from the period).
//! History is what the actor's organization may see: decided CS authorizations of the member,
//! approved or approved as modified. Lifetime counters are cross-plan in the rules
//! (CALAIM.md §3.3); authorizations by another plan that this organization cannot see are not
//! counted, and nursing facility stays are not known to the app (the 60-day rules are then
//! undetermined, which refuses an approval of those Community Supports).

use crate::app::App;
use crate::authorization::AuthorizationRecord;
use crate::error::AppError;
use crate::record::{Aggregate, AuthorizationAggregate};
use careloop_domain::CsId;
use careloop_domain::cs_limits::{
    Cents, CsLimitInput, ExceptionClaim, HistoryItem, HistoryKind, HistoryStatus, Hours,
    LimitDecision, Proposal, check,
};
use careloop_domain::workflow::authorization::{DecisionInput, DecisionOutcome, Service};
use careloop_store::{MemberKindQuery, Store};
use jiff::civil::Date;

/// Most authorization requests of one member read for the limit check.
const MAX_HISTORY: u32 = 10_000;

impl<S: Store> App<S> {
    /// The limit check an approval of `request` as requested would run (the decision screen's
    /// preview): the same input as [`App::decide_authorization`] builds, so what the reviewer
    /// sees is what the decision checks. `None` when the request is not a Community Support.
    /// The request was read by the caller through the access check (`get_authorization`).
    pub async fn cs_limit_preview(
        &self,
        request: &AuthorizationRecord,
        start: Date,
        through: Date,
        units: Option<u32>,
    ) -> Result<Option<(CsLimitInput, LimitDecision)>, AppError> {
        let decision = DecisionInput::Approve {
            start,
            through: Some(through),
            units,
        };
        let Some(input) = self.cs_limit_input(request, &decision, None).await? else {
            return Ok(None);
        };
        let checked = check(&input, self.pack());
        Ok(Some((input, checked)))
    }

    /// The CS limit-check input for deciding `record` with `decision` (issue #12, defect 12):
    /// the member's approved CS authorizations across ALL plans, read from careloop's records
    /// (the lifetime counters are cross-plan, CALAIM.md §3.3), and the proposal from the
    /// decision's period and units (the request's units when the decision names none). `None`
    /// for an ECM request or a denial (no limit to check).
    pub(crate) async fn cs_limit_input(
        &self,
        record: &AuthorizationRecord,
        decision: &DecisionInput,
        exception: Option<&ExceptionClaim>,
    ) -> Result<Option<CsLimitInput>, AppError> {
        let Some(Service::Cs(cs)) = record.state.service else {
            return Ok(None);
        };
        let (start, through, units) = match decision {
            DecisionInput::Approve {
                start,
                through: Some(through),
                units,
            } => (*start, *through, *units),
            DecisionInput::ApproveAsModified {
                start,
                through,
                units,
                ..
            } => (*start, *through, *units),
            DecisionInput::Approve { through: None, .. } | DecisionInput::Deny { .. } => {
                return Ok(None);
            }
        };
        let all = self
            .store()
            .list_for_member(&MemberKindQuery {
                kind: AuthorizationAggregate::KIND.to_owned(),
                member_id: record.member_id.clone(),
                org: None,
                limit: MAX_HISTORY,
            })
            .await?
            .into_iter()
            .map(|stored| AuthorizationRecord::from_stored(stored, self.pack()))
            .collect::<Result<Vec<_>, _>>()?;
        let mut checked = input(
            &record.member_id,
            cs,
            record.plan_id.as_deref().unwrap_or_default(),
            start,
            through,
            units.or(record.state.requested.units),
            history(&all, &record.id),
        );
        checked.proposed.exception = exception.cloned();
        Ok(Some(checked))
    }
}

/// Hours, cents and stay hours that `units` stand for, by Community Support.
fn quantities(cs: CsId, units: Option<u32>) -> (Option<Hours>, Option<Cents>, Option<Hours>) {
    let Some(u) = units.map(u64::from) else {
        return (None, None, None);
    };
    match cs {
        CsId::Respite => (Some(Hours::whole(u)), None, None),
        CsId::EnvironmentalAccessibilityAdaptations
        | CsId::AsthmaRemediation
        | CsId::CommunityHomeTransition => (None, Some(Cents(u.saturating_mul(100))), None),
        CsId::SoberingCenters => (None, None, Some(Hours::whole(u))),
        _ => (None, None, None),
    }
}

/// The member's approved CS authorizations (other than `except`) as limit-check history.
pub fn history(records: &[AuthorizationRecord], except: &str) -> Vec<HistoryItem> {
    records
        .iter()
        .filter(|r| r.id != except)
        .filter_map(|r| {
            let Some(Service::Cs(cs)) = r.state.service else {
                return None;
            };
            let d = r.state.decision.as_ref()?;
            if !matches!(
                d.outcome,
                DecisionOutcome::Approved | DecisionOutcome::ApprovedAsModified
            ) {
                return None;
            }
            let period = d.period.as_ref()?;
            let (hours, amount_cents, _) = quantities(cs, d.units.or(r.state.requested.units));
            Some(HistoryItem {
                id: r.id.clone(),
                cs,
                kind: HistoryKind::Authorization,
                plan: r.plan_id.clone().unwrap_or_default(),
                start: period.start,
                end: period.through,
                hours,
                amount_cents,
                status: HistoryStatus::Approved,
            })
        })
        .collect()
}

/// The check input proposing `cs` from `start` through `end` with `units`.
pub fn input(
    member_id: &str,
    cs: CsId,
    plan: &str,
    start: Date,
    end: Date,
    units: Option<u32>,
    history: Vec<HistoryItem>,
) -> CsLimitInput {
    let (hours, amount_cents, stay_hours) = quantities(cs, units);
    CsLimitInput {
        member_id: Some(member_id.to_owned()),
        history,
        nursing_facility_stays: None,
        proposed: Proposal {
            cs,
            plan: plan.to_owned(),
            start,
            end,
            hours,
            amount_cents,
            stay_hours,
            exception: None,
        },
    }
}
