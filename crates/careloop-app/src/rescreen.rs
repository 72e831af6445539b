//! Re-screening on a policy change (issue #15 item 3): `careloop rescreen` re-decides every
//! member of the actor's plan against the deployed policy pack, a page at a time. Each member
//! runs exactly what `App::change` runs for a [`RecomputeMemberEligibility`] (the role and
//! visibility check, If-Match on the version read, the domain's decision, the event, the audit
//! line, the Idempotency-Key record: `App::stage_change`); only the commit differs: the page's
//! changed members in ONE transaction (`Store::commit_many`), or, in a dry run, none at all.
//! A dry run and a real run therefore report the same changes, computed by the same code.
//!
//! The domain writes a recompute only when the result changed (`member::same_result`: the ECM
//! and CS verdicts, every population, exclusion and Community Support, the missing facts), so a
//! second run changes nothing. A member whose outcomes are unchanged keeps its stored
//! determination (and its policy version): nothing is written for it.
//!
//! What the rescreen reports per changed member: its id only (no name, CIN or birth date), the
//! criteria that flipped with their old and new outcomes, both policy versions and as-of dates,
//! and, for a member who lost ECM eligibility, its open ECM enrollments (in outreach or
//! enrolled). The policy pack holds no rule that discontinues an enrollment or sends a notice
//! when eligibility is lost (CALAIM.md §2.9 [17]: plans take disenrollment forms; the
//! discontinuation reason codes are UNCONFIRMED), so those enrollments are listed as needing
//! review, nothing is changed on them and no notice is written.

use careloop_domain::eligibility::{Determination, Outcome};
use careloop_domain::workflow::ecm::EnrollmentStatus;
use careloop_store::{AuditEntry, CommitReceipt, ListQuery, MemberKindQuery, Store};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::access::Action;
use crate::actor::Actor;
use crate::app::{App, Staged, list_scope};
use crate::command::Change;
use crate::ecm::EcmEnrollmentRecord;
use crate::error::AppError;
use crate::member::{MemberRecord, RecomputeMemberEligibility};
use crate::record::{Aggregate, EcmAggregate, MemberAggregate};

/// The most members one [`App::rescreen_members`] page re-decides.
pub const MAX_RESCREEN_PAGE: u32 = 10_000;

/// One page of a rescreen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RescreenQuery {
    /// The as-of date of the new determinations (`careloop rescreen`: today in California).
    pub as_of: Date,
    /// Continue after this member id ([`RescreenPage::next`]).
    pub after: Option<String>,
    /// 1..=[`MAX_RESCREEN_PAGE`] members.
    pub limit: u32,
    /// Decide and report, write nothing (but the audit lines of the members reported).
    pub dry_run: bool,
}

/// One criterion whose outcome differs between the stored and the new determination (`old` or
/// `new` is absent when the criterion is only in one of them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Flip {
    /// "population" (a POF code), "exclusion" (a rule id), "legacy-enrollment" (a rule id) or
    /// "community-support" (a CS id).
    pub kind: &'static str,
    pub key: String,
    pub old: Option<Outcome>,
    pub new: Option<Outcome>,
}

/// A member whose eligibility the rescreen changed (or, in a dry run, would change). Member
/// data is the member id only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EligibilityChange {
    pub member_id: String,
    pub old_policy_version: Option<String>,
    pub new_policy_version: String,
    pub old_as_of: Option<Date>,
    pub new_as_of: Date,
    pub old_ecm_eligible: Option<bool>,
    pub new_ecm_eligible: Option<bool>,
    pub old_cs_eligible: Option<bool>,
    pub new_cs_eligible: Option<bool>,
    /// The criteria that flipped, in the determination's order.
    pub flipped: Vec<Flip>,
    /// Whether the list of missing facts changed (a stored determination whose trace could not
    /// be recomputed shows none: docs/app.md "Stored records").
    pub missing_facts_changed: bool,
    /// Open ECM enrollments (outreach or enrolled) of a member who lost ECM eligibility: to be
    /// reviewed by the plan (no rule discontinues them; see the module doc).
    pub needs_review: Vec<String>,
}

impl EligibilityChange {
    /// ECM eligible before and not now.
    pub fn lost_ecm(&self) -> bool {
        self.old_ecm_eligible == Some(true) && self.new_ecm_eligible != Some(true)
    }

    /// Not ECM eligible before and eligible now.
    pub fn gained_ecm(&self) -> bool {
        self.old_ecm_eligible != Some(true) && self.new_ecm_eligible == Some(true)
    }
}

/// One member the rescreen could not re-decide (e.g. changed by someone else meanwhile: run
/// the rescreen again), by id.
#[derive(Debug)]
pub struct RescreenRefusal {
    pub member_id: String,
    pub error: AppError,
}

/// What one page did.
#[derive(Debug, Default)]
pub struct RescreenPage {
    /// Members read on this page.
    pub scanned: u64,
    /// Members whose determination changed (dry run: would change), in id order.
    pub changes: Vec<EligibilityChange>,
    /// Members whose result is unchanged (nothing written).
    pub unchanged: u64,
    /// Members whose change was committed earlier under the same Idempotency-Key.
    pub replayed: u64,
    pub refused: Vec<RescreenRefusal>,
    /// Set when the page was full; the following page may be empty.
    pub next: Option<String>,
}

/// The Idempotency-Key of one member's re-decision: the member id, the version it was decided
/// from, the as-of date and the policy version (a retry of the same re-decision replays).
pub fn rescreen_key(record: &MemberRecord, as_of: Date, policy_version: &str) -> String {
    format!(
        "rescreen-{}-v{}-{as_of}-{policy_version}",
        record.id, record.version
    )
}

/// The criteria whose outcomes differ between `old` and `new`.
pub fn flipped(old: &Determination, new: &Determination) -> Vec<Flip> {
    let (a, b) = (old.summary(), new.summary());
    let mut flips = Vec::new();
    diff("population", &a.populations, &b.populations, &mut flips);
    diff("exclusion", &a.exclusions, &b.exclusions, &mut flips);
    diff(
        "legacy-enrollment",
        &a.legacy_enrollment,
        &b.legacy_enrollment,
        &mut flips,
    );
    let cs = |s: &[(careloop_domain::CsId, Outcome, Option<bool>)]| -> Vec<(String, Outcome)> {
        s.iter()
            .map(|(id, o, _)| (id.as_str().to_owned(), *o))
            .collect()
    };
    diff(
        "community-support",
        &cs(&a.community_supports),
        &cs(&b.community_supports),
        &mut flips,
    );
    flips
}

fn diff(
    kind: &'static str,
    old: &[(String, Outcome)],
    new: &[(String, Outcome)],
    into: &mut Vec<Flip>,
) {
    let find = |list: &[(String, Outcome)], key: &str| {
        list.iter().find(|(k, _)| k == key).map(|(_, o)| *o)
    };
    for (key, outcome) in new {
        let before = find(old, key);
        if before != Some(*outcome) {
            into.push(Flip {
                kind,
                key: key.clone(),
                old: before,
                new: Some(*outcome),
            });
        }
    }
    for (key, outcome) in old {
        if find(new, key).is_none() {
            into.push(Flip {
                kind,
                key: key.clone(),
                old: Some(*outcome),
                new: None,
            });
        }
    }
}

fn change_of(
    member_id: &str,
    old: Option<&Determination>,
    new: &Determination,
) -> EligibilityChange {
    EligibilityChange {
        member_id: member_id.to_owned(),
        old_policy_version: old.map(|d| d.policy_version.clone()),
        new_policy_version: new.policy_version.clone(),
        old_as_of: old.map(|d| d.as_of),
        new_as_of: new.as_of,
        old_ecm_eligible: old.and_then(|d| d.ecm_eligible),
        new_ecm_eligible: new.ecm_eligible,
        old_cs_eligible: old.and_then(|d| d.cs_eligible),
        new_cs_eligible: new.cs_eligible,
        flipped: old.map(|d| flipped(d, new)).unwrap_or_default(),
        missing_facts_changed: old.is_none_or(|d| d.missing_facts != new.missing_facts),
        needs_review: Vec::new(),
    }
}

/// One member between deciding and committing.
struct Decided {
    change: EligibilityChange,
    batch: careloop_store::WriteBatch,
}

impl<S: Store> App<S> {
    /// Re-decides one page of the actor's members against the loaded policy pack (see the module
    /// doc). The outer `Err` is a failure of the whole page (role, the database); a member that
    /// cannot be re-decided is in [`RescreenPage::refused`] and the others go on.
    pub async fn rescreen_members(
        &self,
        actor: &Actor,
        query: RescreenQuery,
        now: Timestamp,
    ) -> Result<RescreenPage, AppError> {
        if query.limit == 0 || query.limit > MAX_RESCREEN_PAGE {
            return Err(AppError::invalid(
                "limit",
                format!("1..={MAX_RESCREEN_PAGE} members per page"),
            ));
        }
        let action = Action::RecomputeMemberEligibility;
        let kind = MemberAggregate::KIND;
        self.require_role(actor, action, kind, "rescreen", now)
            .await?;
        let org = list_scope(actor, action)?;
        let listed = self
            .store()
            .list(&ListQuery {
                kind: kind.to_owned(),
                org,
                after_id: query.after.clone(),
                limit: query.limit,
            })
            .await?;
        let mut page = RescreenPage {
            next: listed.next,
            ..RescreenPage::default()
        };
        let version = self.pack().version().to_owned();
        let mut decided = Vec::new();
        for stored in listed.items {
            page.scanned += 1;
            let record = MemberRecord::from_stored(stored, self.pack())?;
            let member_id = record.id.clone();
            let old = record.state.determination.clone();
            let key = rescreen_key(&record, query.as_of, &version);
            let input = RecomputeMemberEligibility {
                as_of: Some(query.as_of),
            }
            .expecting(Some(record.version));
            match self
                .stage_change(actor, record, input, Some(&key), now)
                .await
            {
                Ok(Staged { batch: None, .. }) => page.unchanged += 1,
                Ok(Staged {
                    batch: Some(mut batch),
                    record,
                }) => {
                    let Some(new) = record.state.determination.as_ref() else {
                        page.refused.push(RescreenRefusal {
                            member_id,
                            error: AppError::invalid("determination", "none was decided"),
                        });
                        continue;
                    };
                    let mut change = change_of(
                        &member_id,
                        old.as_ref().map(|d| &d.determination),
                        &new.determination,
                    );
                    if change.lost_ecm() {
                        change.needs_review = self.open_enrollments(actor, &member_id).await?;
                    }
                    // As an import's: the key's record names the member rather than holding
                    // a copy of it (tens of kilobytes with its determination's trace).
                    if let Some(idem) = batch.idempotency.as_mut() {
                        idem.response_body =
                            serde_json::json!({ "kind": kind, "id": record.id }).to_string();
                    }
                    decided.push(Decided { change, batch });
                }
                Err(error) => page.refused.push(RescreenRefusal { member_id, error }),
            }
        }
        if query.dry_run {
            // Nothing is written but the disclosure: each reported member's eligibility was read.
            let audit = decided
                .iter()
                .map(|d| AuditEntry {
                    org_id: actor.org_id.clone(),
                    action: Action::ReadMemberEligibility.as_str().to_owned(),
                    record_kind: kind.to_owned(),
                    record_id: d.change.member_id.clone(),
                    member_id: Some(d.change.member_id.clone()),
                })
                .collect();
            self.audit(actor, audit, now).await?;
            page.changes = decided.into_iter().map(|d| d.change).collect();
            return Ok(page);
        }
        let (changes, batches): (Vec<_>, Vec<_>) =
            decided.into_iter().map(|d| (d.change, d.batch)).unzip();
        let receipts = self.store().commit_many(batches).await?;
        for (change, receipt) in changes.into_iter().zip(receipts) {
            match receipt {
                Ok(CommitReceipt::Committed(_)) => page.changes.push(change),
                Ok(CommitReceipt::Replayed(_)) => page.replayed += 1,
                Err(e) => page.refused.push(RescreenRefusal {
                    member_id: change.member_id,
                    error: AppError::from(e),
                }),
            }
        }
        Ok(page)
    }

    /// The ids of the member's open ECM enrollments (in outreach or enrolled) in the actor's
    /// scope.
    async fn open_enrollments(
        &self,
        actor: &Actor,
        member_id: &str,
    ) -> Result<Vec<String>, AppError> {
        let org = list_scope(actor, Action::RecomputeMemberEligibility)?;
        let stored = self
            .store()
            .list_for_member(&MemberKindQuery {
                kind: EcmAggregate::KIND.to_owned(),
                member_id: member_id.to_owned(),
                org: Some(org),
                limit: 100,
            })
            .await?;
        let mut open = Vec::new();
        for s in stored {
            let record = EcmEnrollmentRecord::from_stored(s, self.pack())?;
            if matches!(
                record.state.status,
                EnrollmentStatus::Outreach | EnrollmentStatus::Enrolled
            ) {
                open.push(record.id);
            }
        }
        Ok(open)
    }
}
