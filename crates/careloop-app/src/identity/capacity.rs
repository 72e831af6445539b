//! Provider capacity and the provider directory (issue #14 item 12).
//!
//! A provider organization records, per service (ECM or a Community Support) and county,
//! whether it is accepting new members, has a waitlist, or is full, as of a date
//! (`careloop_domain::capacity`). It is an identity-side record, like the organization it
//! describes: kind `provider-capacity`, id = the organization id, holding the latest statement
//! per service and county; every recording is one `capacity-recorded` event (the history) and
//! one audit line, committed together through `Store::commit`. The organization is always the
//! actor's own: the path's id must be it (another organization's id answers NotFound), and the
//! body names none.
//!
//! The directory ("providers serving county C for service S, with their latest capacity") holds
//! no member data, so every signed-in user may read it; each read is audited.

use careloop_domain::capacity::{self, Capacity, CapacityStatus, Freshness, Serves};
use careloop_domain::workflow::Program;
use careloop_store::{CommitReceipt, IdempotencyRecord, Store};
use jiff::Timestamp;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Change, ORGANIZATION_KIND, Organization, corrupt, decode, identity_write, to_json};
use crate::access::Action;
use crate::actor::{Actor, OrgKind};
use crate::app::{App, Idem};
use crate::error::AppError;

/// Store kind of a provider's capacity record (id = the organization id).
pub const CAPACITY_KIND: &str = "provider-capacity";

/// A provider's capacity record: the latest statement per service and county.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProviderCapacity {
    pub org_id: String,
    /// The stored version (0: nothing recorded yet).
    pub version: i64,
    /// One per service and county, ECM first, then Community Supports in catalog order.
    pub entries: Vec<Capacity>,
    /// When the last statement was recorded.
    pub updated_at: Option<Timestamp>,
}

/// The stored body of a capacity record.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredCapacity {
    org_id: String,
    entries: Vec<Capacity>,
    updated_at: Option<Timestamp>,
}

/// One capacity statement as the directory shows it on a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapacityView {
    pub service: Program,
    pub county: String,
    pub status: CapacityStatus,
    pub as_of: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// `stale`: older than the pack's window (`capacity_stale_after_days`): show "stale as of
    /// <as_of>", not the status as current.
    pub freshness: Freshness,
}

/// A provider in the directory with its capacity statements that match the query.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectoryEntry {
    pub org_id: String,
    pub name: String,
    pub kind: OrgKind,
    /// The counties it serves (empty: every county).
    pub counties: Vec<String>,
    /// Its latest statements for the queried service and county (all when not filtered); empty
    /// when it has recorded none.
    pub capacity: Vec<CapacityView>,
}

/// What the directory is filtered by (each optional).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DirectoryQuery {
    pub county: Option<String>,
    pub service: Option<Program>,
}

/// What a provider organization of `org`'s kind serves.
fn serves(org: &Organization) -> Serves<'_> {
    Serves {
        ecm: org.kind == OrgKind::EcmProvider,
        cs: org.kind == OrgKind::CsProvider,
        counties: &org.counties,
    }
}

impl<S: Store> App<S> {
    /// The provider (`actor`'s organization, which `org_id` must name) records one capacity
    /// statement (`expected_version`: the If-Match, 0 before the first). Provider admins and care managers only; a plan or a referrer is Forbidden,
    /// another organization's id is NotFound; both refusals are audited.
    pub async fn record_capacity(
        &self,
        actor: &Actor,
        org_id: &str,
        input: Capacity,
        expected_version: Option<i64>,
        idempotency_key: Option<&str>,
        now: Timestamp,
    ) -> Result<ProviderCapacity, AppError> {
        let action = Action::RecordProviderCapacity;
        self.require_role(actor, action, CAPACITY_KIND, org_id, now)
            .await?;
        if org_id != actor.org_id {
            let denied = format!("{}-denied", action.as_str());
            let owner = Some((org_id, None));
            self.audit_refusal(actor, &denied, CAPACITY_KIND, org_id, owner, now)
                .await?;
            return Err(AppError::NotFound {
                kind: ORGANIZATION_KIND,
                id: org_id.to_owned(),
            });
        }
        let idem = Idem::new(idempotency_key, action, org_id, &(expected_version, &input))?;
        if let Some(idem) = &idem
            && let Some(stored) = self
                .store()
                .idempotent_response(&actor.user_id, &idem.key)
                .await?
        {
            if stored.request_hash != idem.request_hash {
                return Err(AppError::IdempotencyMismatch {
                    key: idem.key.clone(),
                });
            }
            return serde_json::from_str(&stored.response_body).map_err(corrupt);
        }
        let org = self
            .organization(&actor.org_id)
            .await?
            .ok_or_else(|| AppError::NotFound {
                kind: ORGANIZATION_KIND,
                id: org_id.to_owned(),
            })?;
        let today = self.california_date(now)?;
        let checked = capacity::check(self.pack(), serves(&org), input, today)
            .map_err(|e| AppError::invalid(e.field, e.message))?;
        let (prior, version) = self.stored_capacity(org_id).await?;
        if let Some(expected) = expected_version
            && expected != version
        {
            return Err(AppError::Conflict {
                kind: CAPACITY_KIND.to_owned(),
                id: org_id.to_owned(),
                expected,
                found: format!("version {version}"),
            });
        }
        let stored = StoredCapacity {
            org_id: org.id.clone(),
            entries: capacity::latest(
                prior.map(|p| p.entries).unwrap_or_default(),
                checked.clone(),
            ),
            updated_at: Some(now),
        };
        let answer = ProviderCapacity {
            org_id: org.id.clone(),
            version: version.saturating_add(1),
            entries: stored.entries.clone(),
            updated_at: stored.updated_at,
        };
        let idempotency = match idem {
            Some(idem) => Some(IdempotencyRecord {
                key: idem.key,
                request_hash: idem.request_hash,
                status_code: 200,
                response_body: serde_json::to_string(&answer)
                    .map_err(|e| AppError::invalid("response", e.to_string()))?,
            }),
            None => None,
        };
        let write = identity_write(
            CAPACITY_KIND,
            org_id,
            version,
            org_id,
            "active",
            to_json("capacity", &stored)?,
        );
        let change = Change {
            writer: actor.user_id.clone(),
            audit_org: actor.org_id.clone(),
            action: action.as_str(),
            write,
            event_type: "capacity-recorded",
            event_body: to_json("capacity", &checked)?,
            idempotency,
        };
        match self.commit_change(change, now).await? {
            CommitReceipt::Committed(_) => Ok(answer),
            CommitReceipt::Replayed(stored) => {
                serde_json::from_str(&stored.response_body).map_err(corrupt)
            }
        }
    }

    /// A provider organization's capacity record (every signed-in user: it holds no member
    /// data). NotFound for an id that is not a provider organization. Audited.
    pub async fn provider_capacity(
        &self,
        actor: &Actor,
        org_id: &str,
        now: Timestamp,
    ) -> Result<ProviderCapacity, AppError> {
        let action = Action::ReadProviderDirectory;
        self.require_role(actor, action, CAPACITY_KIND, org_id, now)
            .await?;
        let org = self.organization(org_id).await?;
        if !org.as_ref().is_some_and(|o| o.kind.is_provider()) {
            let denied = format!("{}-denied", action.as_str());
            self.audit_refusal(actor, &denied, CAPACITY_KIND, org_id, None, now)
                .await?;
            return Err(AppError::NotFound {
                kind: ORGANIZATION_KIND,
                id: org_id.to_owned(),
            });
        }
        let (stored, version) = self.stored_capacity(org_id).await?;
        let line = Self::entry(actor, action.as_str(), CAPACITY_KIND, org_id, None);
        self.audit(actor, vec![line], now).await?;
        let stored = stored.unwrap_or(StoredCapacity {
            org_id: org_id.to_owned(),
            entries: Vec::new(),
            updated_at: None,
        });
        Ok(ProviderCapacity {
            org_id: stored.org_id,
            version,
            entries: stored.entries,
            updated_at: stored.updated_at,
        })
    }

    /// The provider directory: the provider organizations serving `query.county` (an
    /// organization that lists no county serves every county) for `query.service` (ECM: ECM
    /// providers; a Community Support: CS providers), by name, each with its latest capacity
    /// for that service and county, marked stale past the pack's window. Every signed-in user
    /// may read it (no member data); audited. An unknown county is Invalid.
    pub async fn provider_directory(
        &self,
        actor: &Actor,
        query: &DirectoryQuery,
        now: Timestamp,
    ) -> Result<Vec<DirectoryEntry>, AppError> {
        let action = Action::ReadProviderDirectory;
        self.require_role(actor, action, ORGANIZATION_KIND, "directory", now)
            .await?;
        let county = match query.county.as_deref() {
            Some(c) => Some(known_county(self, c)?),
            None => None,
        };
        let today = self.california_date(now)?;
        let orgs = self
            .list_all(ORGANIZATION_KIND, &[], None)
            .await?
            .iter()
            .map(decode::<Organization>)
            .collect::<Result<Vec<_>, _>>()?;
        let same = careloop_domain::policy::plan::same_county;
        let mut out = Vec::new();
        for org in orgs {
            let offers = match query.service {
                Some(Program::Ecm) => org.kind == OrgKind::EcmProvider,
                Some(Program::Cs(_)) => org.kind == OrgKind::CsProvider,
                None => org.kind.is_provider(),
            };
            let in_county = county
                .as_deref()
                .is_none_or(|c| org.counties.is_empty() || org.counties.iter().any(|o| same(o, c)));
            if !offers || !in_county {
                continue;
            }
            let (stored, _) = self.stored_capacity(&org.id).await?;
            let capacity = stored
                .map(|s| s.entries)
                .unwrap_or_default()
                .into_iter()
                .filter(|c| query.service.is_none_or(|s| s == c.service))
                .filter(|c| county.as_deref().is_none_or(|k| same(k, &c.county)))
                .map(|c| CapacityView {
                    freshness: capacity::freshness(self.pack(), c.as_of, today),
                    service: c.service,
                    county: c.county,
                    status: c.status,
                    as_of: c.as_of,
                    note: c.note,
                })
                .collect();
            out.push(DirectoryEntry {
                org_id: org.id,
                name: org.name,
                kind: org.kind,
                counties: org.counties,
                capacity,
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.org_id.cmp(&b.org_id)));
        let line = Self::entry(actor, action.as_str(), ORGANIZATION_KIND, "directory", None);
        self.audit(actor, vec![line], now).await?;
        Ok(out)
    }

    /// The plan organizations the app knows, by name (issue #16: a referrer picks the plan by
    /// name, never typing its organization id). Names and policy overlays only, no member data,
    /// so every signed-in user may read it (the provider directory's rule); each read is
    /// audited (`read-plan-organizations`).
    pub async fn plan_organizations(
        &self,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<PlanOrganization>, AppError> {
        let action = Action::ReadProviderDirectory;
        self.require_role(actor, action, ORGANIZATION_KIND, "plans", now)
            .await?;
        let mut out = Vec::new();
        for stored in self.list_all(ORGANIZATION_KIND, &[], None).await? {
            let org = decode::<Organization>(&stored)?;
            if org.kind == OrgKind::Plan {
                out.push(PlanOrganization {
                    org_id: org.id,
                    name: org.name,
                    plan: org.plan,
                    counties: org.counties,
                });
            }
        }
        out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.org_id.cmp(&b.org_id)));
        let line = Self::entry(
            actor,
            "read-plan-organizations",
            ORGANIZATION_KIND,
            "plans",
            None,
        );
        self.audit(actor, vec![line], now).await?;
        Ok(out)
    }

    /// The stored capacity of `org_id` and its version (0 when none).
    async fn stored_capacity(
        &self,
        org_id: &str,
    ) -> Result<(Option<StoredCapacity>, i64), AppError> {
        match self.store().get(CAPACITY_KIND, org_id).await? {
            Some(stored) => Ok((Some(decode(&stored)?), stored.version)),
            None => Ok((None, 0)),
        }
    }
}

/// A plan organization as a referral form lists it (`App::plan_organizations`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PlanOrganization {
    pub org_id: String,
    pub name: String,
    /// Its policy overlay id (e.g. "hpsm"), when set.
    pub plan: Option<String>,
    /// The counties it serves (empty: not recorded).
    pub counties: Vec<String>,
}

/// `county` as the pack spells it, or Invalid naming the known counties.
fn known_county<S: Store>(app: &App<S>, county: &str) -> Result<String, AppError> {
    let known = capacity::known_counties(app.pack());
    known
        .iter()
        .find(|c| careloop_domain::policy::plan::same_county(c, county))
        .map(|c| (*c).to_owned())
        .ok_or_else(|| {
            AppError::invalid(
                "county",
                format!(
                    "{county:?} is not a county of the policy pack; known counties: {}",
                    known.join(", ")
                ),
            )
        })
}
