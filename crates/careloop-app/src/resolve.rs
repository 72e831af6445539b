//! Every reference a command names is resolved here, against the records and the policy pack,
//! before the domain decides (issue #12). A request's own fields never grant access and never
//! decide who owns a record: the member a command is about is loaded through the access check,
//! the owning plan, its policy overlay and the county come from the member record, an organization
//! named as a provider must exist and be of the right kind, and the program must be covered by
//! the member's plan in the member's county on the day (`workflow::coverage`).
//!
//! A reference the actor may not use is refused with the same answer whether the record is
//! missing or belongs to someone else (no existence leak), and the attempt is audited in the
//! caller's log and, when the record exists, in the owning organization's log
//! (`App::audit_refusal`).

use careloop_domain::policy::plan::same_county;
use careloop_domain::workflow::Program;
use careloop_domain::workflow::coverage::check_program_covered;
use careloop_store::Store;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::access::{self, Action};
use crate::actor::{Actor, OrgKind};
use crate::app::App;
use crate::error::AppError;
use crate::identity::{ORGANIZATION_KIND, Organization};
use crate::record::{Aggregate, AuthorizationAggregate, MemberAggregate, Record};

// The records by their state type, not through the use-case modules (which import this one).
type MemberRecord = Record<careloop_domain::workflow::member::MemberState>;
type AuthorizationRecord = Record<careloop_domain::workflow::authorization::AuthorizationState>;

/// Where a command's record belongs, from the member record it is about.
#[derive(Clone, Debug)]
pub(crate) struct MemberScope {
    pub member_id: String,
    /// The plan organization that owns the member (and so the new record).
    pub plan_org_id: String,
    /// The plan's policy overlay id.
    pub plan: String,
    pub county: String,
}

impl MemberScope {
    fn of(member: &MemberRecord) -> Result<Self, AppError> {
        let plan = member.plan_id.clone().ok_or_else(|| {
            AppError::invalid(
                "member_id",
                "the member record names no plan; record the member's plan first",
            )
        })?;
        let county = member.county.clone().ok_or_else(|| {
            AppError::invalid(
                "member_id",
                "the member record names no county; record the member's county first",
            )
        })?;
        Ok(MemberScope {
            member_id: member.id.clone(),
            plan_org_id: member.owners.owner_org_id.clone(),
            plan,
            county,
        })
    }

    /// Refuses request fields that disagree with the member record (they are only a check: the
    /// record decides).
    pub(crate) fn agrees_with(
        &self,
        plan_org_id: Option<&str>,
        plan: Option<&str>,
        county: Option<&str>,
    ) -> Result<(), AppError> {
        if let Some(org) = plan_org_id.filter(|o| *o != self.plan_org_id) {
            return Err(AppError::invalid(
                "plan_org_id",
                format!(
                    "the member belongs to plan organization {}, not {org}",
                    self.plan_org_id
                ),
            ));
        }
        if let Some(p) = plan.filter(|p| *p != self.plan) {
            return Err(AppError::invalid(
                "plan",
                format!("the member's plan is {}, not {p}", self.plan),
            ));
        }
        if let Some(c) = county.filter(|c| !same_county(c, &self.county)) {
            return Err(AppError::invalid(
                "county",
                format!("the member's county is {}, not {c}", self.county),
            ));
        }
        Ok(())
    }
}

/// The answer for a member reference the actor may not use: the same whether the member is
/// missing or not the actor's to see.
fn no_member(member_id: &str) -> AppError {
    AppError::invalid(
        "member_id",
        format!("no member {member_id} that this organization may act on"),
    )
}

impl<S: Store> App<S> {
    /// `require_role` for a create that names a member: a refused attempt is audited in the
    /// member's owner's log as well (with the member id), like a refusal on an existing record.
    pub(crate) async fn require_role_naming(
        &self,
        actor: &Actor,
        action: Action,
        kind: &str,
        id: &str,
        member_id: &str,
        now: Timestamp,
    ) -> Result<(), AppError> {
        actor.check()?;
        if access::permits(actor, action) {
            return Ok(());
        }
        let owner = self
            .store()
            .get(MemberAggregate::KIND, member_id)
            .await?
            .map(|stored| stored.org_id);
        let owner = owner.as_deref().map(|org| (org, Some(member_id)));
        Err(self
            .refuse_role(actor, action, kind, id, owner, now)
            .await?)
    }

    /// The member a command is about, as the actor's organization may see it: a plan its own
    /// members, a provider the members granted to it by the plan (referral assignment, ECM
    /// enrollment). Referring entities see no member (they use [`App::member_of_plan`]).
    /// The actor's role for `action` must already be checked.
    pub(crate) async fn resolve_member(
        &self,
        actor: &Actor,
        action: Action,
        member_id: &str,
        now: Timestamp,
    ) -> Result<MemberScope, AppError> {
        let denied = format!("{}-denied", action.as_str());
        let kind = MemberAggregate::KIND;
        let Some(stored) = self.store().get(kind, member_id).await? else {
            self.audit_refusal(actor, &denied, kind, member_id, None, now)
                .await?;
            return Err(no_member(member_id));
        };
        let member = MemberRecord::from_stored(stored, self.pack())?;
        let granted = actor.org_kind.is_provider()
            && self.store().has_access(&actor.org_id, &member.id).await?;
        if !access::may_see(actor, &member.owners, granted) {
            let owner = Some((
                member.owners.owner_org_id.as_str(),
                Some(member.id.as_str()),
            ));
            self.audit_refusal(actor, &denied, kind, member_id, owner, now)
                .await?;
            return Err(no_member(member_id));
        }
        MemberScope::of(&member)
    }

    /// For a referring entity, which sees no member record: the member must exist and belong to
    /// the plan organization the referral is for. Missing and belonging to another plan get the
    /// same answer; the owning plan's log records an attempt on a member of another plan.
    pub(crate) async fn member_of_plan(
        &self,
        actor: &Actor,
        action: Action,
        member_id: &str,
        plan_org_id: &str,
        now: Timestamp,
    ) -> Result<MemberScope, AppError> {
        let denied = format!("{}-denied", action.as_str());
        let kind = MemberAggregate::KIND;
        let refuse = || {
            AppError::invalid(
                "member_id",
                format!("no member {member_id} in plan organization {plan_org_id}"),
            )
        };
        let Some(stored) = self.store().get(kind, member_id).await? else {
            self.audit_refusal(actor, &denied, kind, member_id, None, now)
                .await?;
            return Err(refuse());
        };
        let member = MemberRecord::from_stored(stored, self.pack())?;
        if member.owners.owner_org_id != plan_org_id {
            let owner = Some((
                member.owners.owner_org_id.as_str(),
                Some(member.id.as_str()),
            ));
            self.audit_refusal(actor, &denied, kind, member_id, owner, now)
                .await?;
            return Err(refuse());
        }
        MemberScope::of(&member)
    }

    /// The authorization request `authorization_id` of plan organization `plan_org_id` (a
    /// command names it as `authorization_id`); another plan's request and a missing one get the
    /// same answer.
    pub(crate) async fn plan_authorization(
        &self,
        plan_org_id: &str,
        authorization_id: &str,
    ) -> Result<AuthorizationRecord, AppError> {
        let not_found = || {
            AppError::invalid(
                "authorization_id",
                format!("no authorization request {authorization_id} of this plan"),
            )
        };
        let Some(stored) = self
            .store()
            .get(AuthorizationAggregate::KIND, authorization_id)
            .await?
        else {
            return Err(not_found());
        };
        let request = AuthorizationRecord::from_stored(stored, self.pack())?;
        if request.owners.owner_org_id != plan_org_id {
            return Err(not_found());
        }
        Ok(request)
    }

    /// An organization a command names as `field`, which must exist and be of one of `kinds`.
    pub(crate) async fn resolve_org(
        &self,
        field: &'static str,
        org_id: &str,
        kinds: &[OrgKind],
    ) -> Result<Organization, AppError> {
        let wanted = || {
            kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        };
        let Some(stored) = self.store().get(ORGANIZATION_KIND, org_id).await? else {
            return Err(AppError::invalid(
                field,
                format!(
                    "no organization {org_id} (expected an organization of kind {})",
                    wanted()
                ),
            ));
        };
        let org: Organization = serde_json::from_value(stored.body).map_err(|e| {
            AppError::Store(careloop_store::StoreError::Corrupt {
                table: "aggregates",
                column: "body",
                source: Box::new(e),
            })
        })?;
        if !kinds.contains(&org.kind) {
            return Err(AppError::invalid(
                field,
                format!(
                    "organization {org_id} is of kind {}, not {}",
                    org.kind.as_str(),
                    wanted()
                ),
            ));
        }
        Ok(org)
    }

    /// The provider organization a referral or ECM enrollment is given to: an existing provider
    /// of the program's kind (ECM provider for ECM, CS provider for a Community Support) that
    /// serves the member's county (an organization that lists no county serves every county).
    pub(crate) async fn resolve_provider(
        &self,
        field: &'static str,
        org_id: &str,
        program: Program,
        county: &str,
    ) -> Result<Organization, AppError> {
        let kind = match program {
            Program::Ecm => OrgKind::EcmProvider,
            Program::Cs(_) => OrgKind::CsProvider,
        };
        let org = self.resolve_org(field, org_id, &[kind]).await?;
        if !org.counties.is_empty() && !org.counties.iter().any(|c| same_county(c, county)) {
            return Err(AppError::invalid(
                field,
                format!(
                    "provider {org_id} does not serve {county} (it serves {})",
                    org.counties.join(", ")
                ),
            ));
        }
        Ok(org)
    }

    /// Refuses `program` unless the member's plan covers it in the member's county on `now`'s
    /// California date (`workflow::coverage`).
    pub(crate) fn check_covered(
        &self,
        scope: &MemberScope,
        program: Program,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let on = self.california_date(now)?;
        check_program_covered(self.pack(), &scope.plan, &scope.county, on, program)?;
        Ok(())
    }

    /// `now`'s date in the pack's time zone (America/Los_Angeles).
    pub fn california_date(&self, now: Timestamp) -> Result<Date, AppError> {
        let zone = &self.pack().clocks.time_zone.value;
        let tz = TimeZone::get(zone).map_err(|e| AppError::invalid("time_zone", e.to_string()))?;
        Ok(now.to_zoned(tz).date())
    }
}
