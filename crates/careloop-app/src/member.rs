//! Member use cases (issue #3 §3): plan care coordinators and admins register a member with the
//! eligibility engine's facts, update contact data, record new facts (re-determining eligibility)
//! and recompute it (e.g. after a policy update); plan staff and granted providers read members,
//! list them and see the stored determination with its trace (the "why" view). Reads are audited.

use careloop_domain::eligibility::MemberFacts;
use careloop_domain::workflow::coverage::check_program_covered;
use careloop_domain::workflow::member::{
    Demographics, MemberCommand, MemberState, StoredDetermination,
};
use careloop_domain::workflow::{ActorId, Program};
use careloop_store::{AuditEntry, ListQuery, Store};
use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::{Action, RecordOwners};
use crate::actor::{Actor, OrgKind};
use crate::app::{App, Idem, NewRecord, Transition, list_scope};
use crate::command::{Change, On};
use crate::error::AppError;
use crate::record::{Aggregate, MemberAggregate, Record};

/// A stored member.
pub type MemberRecord = Record<MemberState>;

const KIND: &str = MemberAggregate::KIND;

/// A new member of the actor's plan organization, with their facts
/// (docs/schemas/member-facts.schema.json). Eligibility is determined as of `now`'s local date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterMember {
    #[serde(deserialize_with = "careloop_domain::text::de::id")]
    #[schemars(with = "careloop_domain::text::Id")]
    pub member_id: String,
    /// The plan's policy overlay id (e.g. "hpsm").
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::text::Id>")]
    pub plan: Option<String>,
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_line")]
    #[schemars(with = "Option<careloop_domain::text::Line>")]
    pub county: Option<String>,
    #[serde(default)]
    pub demographics: Demographics,
    /// Synthetic client index number.
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::text::Id>")]
    pub cin: Option<String>,
    pub facts: MemberFacts,
}

/// Replace the member's contact data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberDemographics {
    pub demographics: Demographics,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// Replace the member's facts; eligibility is re-determined as of `now`'s local date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordMemberFacts {
    pub facts: MemberFacts,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// Re-run the engine on the stored facts; stored only when the result changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecomputeMemberEligibility {
    /// The as-of date; `now`'s local date (America/Los_Angeles) when absent.
    #[serde(default)]
    pub as_of: Option<Date>,
    #[serde(default)]
    pub expected_version: Option<i64>,
}

/// A page of members, by id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberListQuery {
    /// 1..=10,000.
    pub limit: u32,
    /// Continue after this member id (from [`MemberPage::next`]).
    #[serde(default)]
    pub after: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemberPage {
    pub items: Vec<MemberRecord>,
    /// Set when the page is full; the following page may be empty.
    pub next: Option<String>,
}

/// The stored determination of one member with its full trace, and the as-of date and policy
/// version it used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct MemberEligibility {
    pub member_id: String,
    /// The member record's version the determination belongs to.
    pub version: i64,
    pub as_of: Date,
    pub policy_version: String,
    pub stored: StoredDetermination,
}

type Changed = Result<Transition<MemberAggregate>, AppError>;

impl Change for UpdateMemberDemographics {
    type Aggregate = MemberAggregate;
    const ACTION: Action = Action::UpdateMember;
    fn expected_version(&mut self) -> &mut Option<i64> {
        &mut self.expected_version
    }
    async fn transition<S: Store>(self, on: On<'_, S, MemberAggregate>) -> Changed {
        let (demographics, at, actor) = (self.demographics, on.now, on.by());
        Ok(Transition::of(MemberCommand::UpdateDemographics {
            demographics,
            at,
            actor,
        }))
    }
}

impl Change for RecordMemberFacts {
    type Aggregate = MemberAggregate;
    const ACTION: Action = Action::RecordMemberFacts;
    fn expected_version(&mut self) -> &mut Option<i64> {
        &mut self.expected_version
    }
    async fn transition<S: Store>(self, on: On<'_, S, MemberAggregate>) -> Changed {
        let (facts, at, actor) = (self.facts, on.now, on.by());
        Ok(Transition::of(MemberCommand::RecordFacts {
            facts,
            at,
            actor,
        }))
    }
}

impl Change for RecomputeMemberEligibility {
    type Aggregate = MemberAggregate;
    const ACTION: Action = Action::RecomputeMemberEligibility;
    /// An unchanged result writes no event; the access is audited all the same.
    const AUDIT_UNCHANGED: bool = true;
    fn expected_version(&mut self) -> &mut Option<i64> {
        &mut self.expected_version
    }
    async fn transition<S: Store>(self, on: On<'_, S, MemberAggregate>) -> Changed {
        let as_of = match self.as_of {
            Some(d) => d,
            None => on.app.california_date(on.now)?,
        };
        let (at, actor) = (on.now, on.by());
        Ok(Transition::of(MemberCommand::Recompute {
            as_of,
            at,
            actor,
        }))
    }
}

impl<S: Store> App<S> {
    /// Registers a member owned by the actor's plan organization (plan care coordinator or plan
    /// admin). No access grants: the owning plan sees its members.
    pub async fn register_member(
        &self,
        actor: &Actor,
        input: RegisterMember,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<MemberRecord, AppError> {
        let action = Action::RegisterMember;
        self.require_role(actor, action, KIND, &input.member_id, now)
            .await?;
        if actor.org_kind != OrgKind::Plan {
            return Err(AppError::Forbidden {
                action: action.as_str(),
            });
        }
        let member_id = input.member_id.trim().to_owned();
        if member_id.is_empty() {
            return Err(AppError::invalid("member_id", "must not be empty"));
        }
        // The member's plan is the registering plan organization's own overlay, and the plan
        // must serve the member's county today (issue #12: never a plan the request names).
        let org = self
            .resolve_org("actor.org_id", &actor.org_id, &[OrgKind::Plan])
            .await?;
        let Some(plan) = org.plan.clone() else {
            return Err(AppError::invalid(
                "plan",
                format!("plan organization {} names no policy overlay", org.id),
            ));
        };
        if let Some(given) = input.plan.as_deref().filter(|p| *p != plan) {
            return Err(AppError::invalid(
                "plan",
                format!("{} registers members of plan {plan}, not {given}", org.id),
            ));
        }
        let Some(county) = input.county.clone() else {
            return Err(AppError::invalid(
                "county",
                "the member's county is required",
            ));
        };
        check_program_covered(
            self.pack(),
            &plan,
            &county,
            self.california_date(now)?,
            Program::Ecm,
        )?;
        let idem = Idem::for_create(idempotency_key, action, "member_id", &input)?;
        let new = NewRecord {
            id: member_id.clone(),
            owners: RecordOwners {
                owner_org_id: actor.org_id.clone(),
                referrer_org_id: None,
            },
            plan_id: Some(plan.clone()),
            county: Some(county.clone()),
        };
        let command = MemberCommand::Register {
            member_id,
            plan: Some(plan),
            county: Some(county),
            demographics: input.demographics,
            cin: input.cin,
            facts: input.facts,
            at: now,
            actor: ActorId::new(actor.user_id.clone()),
        };
        self.create::<MemberAggregate>(actor, action, new, Transition::of(command), idem, now)
            .await
    }

    /// Replaces the member's contact data.
    pub async fn update_member_demographics(
        &self,
        actor: &Actor,
        member_id: &str,
        input: UpdateMemberDemographics,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<MemberRecord, AppError> {
        self.run_change(actor, member_id, input, idempotency_key, now)
            .await
    }

    /// Replaces the facts; the new determination (as of `now`'s local date) is stored with them.
    pub async fn record_member_facts(
        &self,
        actor: &Actor,
        member_id: &str,
        input: RecordMemberFacts,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<MemberRecord, AppError> {
        self.run_change(actor, member_id, input, idempotency_key, now)
            .await
    }

    /// Re-runs the engine on the stored facts. A changed result is stored (one event); an
    /// unchanged one writes no event and returns the record as it is, auditing the access.
    pub async fn recompute_member_eligibility(
        &self,
        actor: &Actor,
        member_id: &str,
        input: RecomputeMemberEligibility,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<MemberRecord, AppError> {
        self.run_change(actor, member_id, input, idempotency_key, now)
            .await
    }

    /// An audited read; NotFound for a member the actor's organization may not see (a provider
    /// sees a member only with an access grant).
    pub async fn get_member(
        &self,
        actor: &Actor,
        member_id: &str,
        now: Timestamp,
    ) -> Result<MemberRecord, AppError> {
        self.read::<MemberAggregate>(actor, Action::ReadMember, member_id, now)
            .await
    }

    /// The stored determination with its trace (the "why" view); access-checked and audited.
    pub async fn member_eligibility(
        &self,
        actor: &Actor,
        member_id: &str,
        now: Timestamp,
    ) -> Result<MemberEligibility, AppError> {
        let record = self
            .read::<MemberAggregate>(actor, Action::ReadMemberEligibility, member_id, now)
            .await?;
        let Some(stored) = record.state.determination else {
            return Err(AppError::NotFound {
                kind: "member eligibility determination",
                id: record.id,
            });
        };
        Ok(MemberEligibility {
            member_id: record.member_id,
            version: record.version,
            as_of: stored.determination.as_of,
            policy_version: stored.determination.policy_version.clone(),
            stored,
        })
    }

    /// A page of members by id: a plan sees the members it owns, a provider the members granted
    /// to it. Every listed member is audited.
    pub async fn list_members(
        &self,
        actor: &Actor,
        query: MemberListQuery,
        now: Timestamp,
    ) -> Result<MemberPage, AppError> {
        let action = Action::ListMembers;
        self.require_role(actor, action, KIND, "list", now).await?;
        let org = list_scope(actor, action)?;
        let page = self
            .store()
            .list(&ListQuery {
                kind: KIND.to_owned(),
                org,
                after_id: query.after,
                limit: query.limit,
            })
            .await?;
        let mut items = Vec::with_capacity(page.items.len());
        let mut audit = Vec::with_capacity(page.items.len());
        for stored in page.items {
            let record = MemberRecord::from_stored(stored)?;
            audit.push(AuditEntry {
                org_id: actor.org_id.clone(),
                action: action.as_str().to_owned(),
                record_kind: KIND.to_owned(),
                record_id: record.id.clone(),
                member_id: Some(record.member_id.clone()),
            });
            items.push(record);
        }
        self.audit(actor, audit, now).await?;
        Ok(MemberPage {
            items,
            next: page.next,
        })
    }

    /// A member's stored facts, for use cases that already checked access (no check, no audit).
    /// Contract 1 (docs/app.md, "Members"): ECM enrollment reads the facts through this.
    pub(crate) async fn member_facts(
        &self,
        member_id: &str,
    ) -> Result<Option<MemberFacts>, AppError> {
        let Some(stored) = self.store().get(KIND, member_id).await? else {
            return Ok(None);
        };
        Ok(Some(MemberRecord::from_stored(stored)?.state.facts))
    }
}
