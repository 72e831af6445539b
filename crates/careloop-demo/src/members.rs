//! The demo members: the n-th member's draws (its plan, round-robin, a county of that plan, facts
//! from an example template, synthetic demographics), and their registration in bulk.

use careloop_app::AppError;
use careloop_app::checked;
use careloop_app::ecm::OpenEcmEnrollment;
use careloop_app::member::RegisterMember;
use careloop_app::member_import::ImportMember;
use careloop_domain::eligibility::MemberFacts;
use careloop_domain::text::Line;
use careloop_domain::workflow::member::Demographics;
use careloop_store::Store;
use careloop_synth::Rng;
use jiff::Timestamp;
use serde_json::Value;

use crate::cast::{Cast, Loader, PlanOrg};
use crate::names::{EXCLUSIONS, FAMILY, GIVEN, LANGUAGES, PLACES, TEMPLATES};
use crate::scenarios::Scenario;
use crate::{index, invalid, pick, range};

/// A registered demo member, as the workflow drivers need it.
pub(crate) struct Member<'c> {
    pub(crate) id: String,
    pub(crate) plan: &'c PlanOrg,
    pub(crate) county: String,
    pub(crate) claimed_pof: Option<&'static str>,
    /// The member's stored eligibility determination (the plan's review cites it).
    pub(crate) determination_id: Option<String>,
}

/// A member drawn but not registered yet: who registers it and its registration.
pub(crate) struct Draft<'c> {
    plan_index: usize,
    member: Member<'c>,
    registration: RegisterMember,
}

/// Members registered per transaction (`App::import_members`).
const BATCH: usize = 100;

/// Draws the `n`-th member (0-based): its plan (round-robin), a county of that plan, facts from
/// an example template and synthetic demographics.
pub(crate) fn draft<'c>(
    cast: &'c Cast,
    scenario: Scenario,
    n: usize,
    rng: &mut Rng,
) -> Result<Draft<'c>, AppError> {
    let plan_index = n % cast.plans.len().max(1);
    let plan = cast
        .plans
        .get(plan_index)
        .ok_or_else(|| invalid("demo", "no plans"))?;
    let county = pick(rng, &plan.counties)?.clone();
    // ECM enrollments need every exclusion assessed: those members follow POF 1a.
    let template = match scenario {
        Scenario::Ecm(_) | Scenario::Hospice => TEMPLATES.first(),
        _ => TEMPLATES.get(index(rng, TEMPLATES.len())),
    }
    .ok_or_else(|| invalid("demo", "no templates"))?;
    let id = format!("SYN-{:06}", n + 1);
    let facts = member_facts(
        template.1,
        &id,
        &plan.plan_id,
        &county,
        scenario == Scenario::Hospice,
    )?;
    let given = pick(rng, &GIVEN)?;
    let family = pick(rng, &FAMILY)?;
    let place = pick(rng, &PLACES)?;
    let line = |s: String| Line::new(s).map_err(|e| invalid("demographics", e.to_string()));
    let demographics = Demographics {
        given_name: Some(line((*given).to_owned())?),
        family_name: Some(line(format!("{family}-Synthetic"))?),
        sex: None,
        preferred_language: Some(line((*pick(rng, &LANGUAGES)?).to_owned())?),
        phone: Some(line(format!("555-01{:02}", range(rng, 0, 99)))?),
        address_lines: vec![
            line(format!("{} {place} Example Way", range(rng, 100, 9999)))?,
            line(format!("Demo City ({county} County), CA 00000"))?,
        ],
    };
    let registration = RegisterMember {
        plan: Some(plan.plan_id.clone()),
        county: county.clone(),
        demographics,
        cin: Some(format!("SYN{:08}X", n + 1)),
        facts,
    };
    Ok(Draft {
        plan_index,
        member: Member {
            id,
            plan,
            county,
            claimed_pof: template.2,
            determination_id: None,
        },
        registration,
    })
}

/// Registers every drafted member by its plan's care coordinator, 60 days before `now`,
/// through the bulk path (`App::import_members`: the create path for each member, [`BATCH`]
/// members per transaction). The members come back in draft order with their determinations.
pub(crate) async fn register_all<'c, S: Store>(
    l: &Loader<'_, S>,
    cast: &'c Cast,
    drafts: Vec<Draft<'c>>,
) -> Result<Vec<Member<'c>>, AppError> {
    let registered_at = l.hours_ago(24 * 60)?;
    let mut members: Vec<Member<'c>> = Vec::with_capacity(drafts.len());
    let mut by_plan: Vec<Vec<(usize, ImportMember)>> =
        cast.plans.iter().map(|_| Vec::new()).collect();
    for (n, d) in drafts.into_iter().enumerate() {
        let list = by_plan
            .get_mut(d.plan_index)
            .ok_or_else(|| invalid("demo", "no plans"))?;
        list.push((
            n,
            ImportMember {
                member_id: d.member.id.clone(),
                registration: d.registration,
            },
        ));
        members.push(d.member);
    }
    for (plan, list) in cast.plans.iter().zip(by_plan) {
        let mut rest = list.into_iter().peekable();
        while rest.peek().is_some() {
            let (ns, batch): (Vec<usize>, Vec<ImportMember>) = rest.by_ref().take(BATCH).unzip();
            let results = l
                .app
                .import_members(&plan.coordinator, batch, registered_at)
                .await?;
            for (n, result) in ns.into_iter().zip(results) {
                let record = result?.record;
                if let Some(m) = members.get_mut(n) {
                    m.determination_id = record
                        .state
                        .determination
                        .map(|d| d.determination.determination_id);
                }
            }
        }
    }
    Ok(members)
}

/// The facts of a template for one member: `member_id` set, the enrollment moved to the
/// member's plan and county, the exclusion assessments dated 2024-01-01 (so ECM enrollments
/// starting in the past year are checked against them); `hospice` makes hospice present.
fn member_facts(
    text: &str,
    member_id: &str,
    plan: &str,
    county: &str,
    hospice: bool,
) -> Result<MemberFacts, AppError> {
    let bad = |e: serde_json::Error| invalid("demo facts", e.to_string());
    let mut facts: Value = serde_json::from_str(text).map_err(bad)?;
    if let Some(obj) = facts.as_object_mut() {
        obj.insert("member_id".into(), Value::from(member_id));
    }
    if let Some(enrollments) = facts.get_mut("enrollments").and_then(Value::as_array_mut) {
        for e in enrollments.iter_mut().filter_map(Value::as_object_mut) {
            e.insert("plan".into(), Value::from(plan));
            e.insert("county".into(), Value::from(county));
        }
    }
    if let Some(indicators) = facts.get_mut("indicators").and_then(Value::as_array_mut) {
        for i in indicators.iter_mut().filter_map(Value::as_object_mut) {
            let kind = i.get("kind").and_then(Value::as_str).unwrap_or_default();
            if EXCLUSIONS.contains(&kind) {
                let kind = kind.to_owned();
                i.insert("start".into(), Value::from("2024-01-01"));
                if hospice && kind == "hospice" {
                    i.remove("status");
                }
            }
        }
    }
    serde_json::from_value(facts).map_err(bad)
}

/// The member's plan care coordinator opens ECM enrollment `id` (outreach) for a provider.
pub(crate) async fn open_ecm<S: Store>(
    l: &Loader<'_, S>,
    m: &Member<'_>,
    id: &str,
    provider_org_id: &str,
    at: Timestamp,
) -> Result<(), AppError> {
    l.app
        .create(
            &m.plan.coordinator,
            id,
            OpenEcmEnrollment {
                member_id: checked("member_id", m.id.as_str())?,
                provider_org_id: checked("provider_org_id", provider_org_id)?,
                plan_id: Some(m.plan.plan_id.clone()),
                county: Some(checked("county", m.county.as_str())?),
            },
            None,
            at,
        )
        .await?;
    Ok(())
}
