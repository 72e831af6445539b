//! Member use cases (issue #3 §3): plan care coordinators and admins register a member with the
//! eligibility engine's facts, update contact data, record new facts (re-determining eligibility)
//! and recompute it (e.g. after a policy update); plan staff and granted providers read members,
//! list them and see the stored determination with its trace (the "why" view). Reads are audited.

use careloop_domain::eligibility::MemberFacts;
use careloop_domain::workflow::Program;
use careloop_domain::workflow::member::{
    Demographics, MemberCommand, MemberState, StoredDetermination,
};
use careloop_store::{AuditEntry, ListQuery, Store};
use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::access::Action;
use crate::actor::{Actor, OrgKind};
use crate::app::{App, Transition, list_scope};
use crate::command::{Change, On};
use crate::create::{Create, New, Opening};
use crate::error::AppError;
use crate::record::{Aggregate, MemberAggregate, Record};
use crate::resolve::MemberScope;

/// A stored member.
pub type MemberRecord = Record<MemberState>;

const KIND: &str = MemberAggregate::KIND;

/// A new member of the caller's plan organization; the server assigns the member id.
// The facts are the eligibility engine's (docs/schemas/member-facts.schema.json); eligibility is
// determined as of `now`'s local date. The member id is the new record's id, given to
// `App::create` beside the input, so `facts.member_id` is absent (or that same id).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "RegisterMemberBody")]
pub struct RegisterMember {
    /// The plan's policy overlay id (e.g. "hpsm").
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::codes::PlanId>")]
    pub plan: Option<String>,
    /// The member's county (the plan must serve it).
    #[serde(deserialize_with = "careloop_domain::text::de::line")]
    #[schemars(with = "careloop_domain::text::Line")]
    pub county: String,
    #[serde(default)]
    pub demographics: Demographics,
    /// Synthetic client index number (the plan's own identifier for the member).
    #[serde(default, deserialize_with = "careloop_domain::text::de::opt_id")]
    #[schemars(with = "Option<careloop_domain::text::Id>")]
    pub cin: Option<String>,
    /// The eligibility facts (docs/schemas/member-facts.schema.json) without `member_id` (absent
    /// or null: the server assigns it).
    #[schemars(with = "FactsWithoutMemberId")]
    pub facts: MemberFacts,
}

/// The schema of [`RegisterMember::facts`]: [`MemberFacts`] with `member_id` absent or null,
/// stated as an `allOf` (keywords beside a `$ref` are ignored by OpenAPI 3.0 tools and by
/// schemathesis' generator, so a sibling `properties` did not reach them).
struct FactsWithoutMemberId;

impl JsonSchema for FactsWithoutMemberId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("FactsWithoutMemberId")
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let facts = g.subschema_for::<MemberFacts>();
        schemars::json_schema!({
            "allOf": [facts, { "properties": { "member_id": { "type": "null" } } }]
        })
    }
}

/// Replace the member's contact data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMemberDemographics {
    pub demographics: Demographics,
}

/// Replace the member's facts; eligibility is re-determined as of `now`'s local date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordMemberFacts {
    pub facts: MemberFacts,
}

/// Re-run the engine on the stored facts; stored only when the result changed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecomputeMemberEligibility {
    /// The as-of date; `now`'s local date (America/Los_Angeles) when absent.
    #[serde(default)]
    pub as_of: Option<Date>,
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

/// Registers a member owned by the actor's plan organization (plan care coordinator or plan
/// admin). No access grants: the owning plan sees its members.
impl Create for RegisterMember {
    type Aggregate = MemberAggregate;
    const ACTION: Action = Action::RegisterMember;
    /// The new record is the member.
    fn member_id<'a>(&'a self, id: &'a str) -> &'a str {
        id
    }
    async fn open<S: Store>(self, new: New<'_, S>) -> Result<Opening<MemberAggregate>, AppError> {
        let (app, actor, now, member_id) = (new.app, new.actor, new.now, new.id);
        if actor.org_kind != OrgKind::Plan {
            return Err(AppError::Forbidden {
                action: Self::ACTION.as_str(),
            });
        }
        if member_id.trim().is_empty() {
            return Err(AppError::invalid("member_id", "must not be empty"));
        }
        if self
            .facts
            .member_id
            .as_deref()
            .is_some_and(|given| given.trim() != member_id)
        {
            return Err(AppError::invalid(
                "facts.member_id",
                "the server assigns the member id; omit facts.member_id when registering",
            ));
        }
        // The member's plan is the registering plan organization's own overlay, and the plan
        // must serve the member's county today (issue #12: never a plan the request names).
        let org = app
            .resolve_org("actor.org_id", &actor.org_id, &[OrgKind::Plan])
            .await?;
        let Some(plan) = org.plan.clone() else {
            return Err(AppError::invalid(
                "plan",
                format!("plan organization {} names no policy overlay", org.id),
            ));
        };
        if let Some(given) = self.plan.as_deref().filter(|p| *p != plan) {
            return Err(AppError::invalid(
                "plan",
                format!("{} registers members of plan {plan}, not {given}", org.id),
            ));
        }
        let scope = MemberScope {
            member_id: member_id.to_owned(),
            plan_org_id: actor.org_id.clone(),
            plan,
            county: self.county,
        };
        app.check_covered(&scope, Program::Ecm, now)?;
        let command = MemberCommand::Register {
            member_id: scope.member_id.clone(),
            plan: Some(scope.plan.clone()),
            county: Some(scope.county.clone()),
            demographics: self.demographics,
            cin: self.cin,
            facts: self.facts,
            at: now,
            actor: new.by(),
        };
        Ok(Opening::owned(scope, Transition::of(command)))
    }
}

impl Change for UpdateMemberDemographics {
    type Aggregate = MemberAggregate;
    const ACTION: Action = Action::UpdateMember;
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
            let record = MemberRecord::from_stored(stored, self.pack())?;
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
        Ok(Some(
            MemberRecord::from_stored(stored, self.pack())?.state.facts,
        ))
    }
}
