//! A member's records in one read, for the staff UI's member page (issue #4): the member, and the
//! authorization requests and ECM enrollments about the member that the actor's organization may
//! see. Read-only; every record returned is audited as a `read`.
//!
//! Access is the same as `get_member` (role `read` member, then the organization's visibility:
//! NotFound when the member is not visible). The records are then listed in the actor's
//! `list_scope` (plan: owned; provider: granted members) and filtered by member id.
//!
//! The records are read with the store's `list_for_member` (index `aggregates_member`), so the
//! cost is the member's own rows, not the organization's. At most `MAX_PER_KIND` records of each
//! kind are returned (the newest are not preferred: id order).

use careloop_store::{AuditEntry, MemberKindQuery, Store};
use jiff::Timestamp;

use crate::access::Action;
use crate::actor::Actor;
use crate::app::{App, list_scope};
use crate::authorization::AuthorizationRecord;
use crate::ecm::EcmEnrollmentRecord;
use crate::error::AppError;
use crate::member::MemberRecord;
use crate::record::{Aggregate, AuthorizationAggregate, EcmAggregate, MemberAggregate, Record};

/// The member with the records about the member the actor may see.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberRecords {
    pub member: MemberRecord,
    pub authorizations: Vec<AuthorizationRecord>,
    pub ecm_enrollments: Vec<EcmEnrollmentRecord>,
}

/// Most records of one kind read for one member.
pub const MAX_PER_KIND: u32 = 1000;

impl<S: Store> App<S> {
    /// The member page's data: NotFound (audited as `read-denied`) when the actor's organization
    /// may not see the member, exactly as `get_member`.
    pub async fn member_records(
        &self,
        actor: &Actor,
        member_id: &str,
        now: Timestamp,
    ) -> Result<MemberRecords, AppError> {
        let member = self.get::<MemberAggregate>(actor, member_id, now).await?;
        let authorizations = self
            .records_about::<AuthorizationAggregate>(
                actor,
                Action::ReadAuthorization,
                member_id,
                now,
            )
            .await?;
        let ecm_enrollments = self
            .records_about::<EcmAggregate>(actor, Action::ReadEcmEnrollment, member_id, now)
            .await?;
        Ok(MemberRecords {
            member,
            authorizations,
            ecm_enrollments,
        })
    }

    /// The records of kind `A` about `member_id` in the actor's scope; an actor whose roles do not
    /// permit `action` gets none (the member page still shows the member).
    async fn records_about<A: Aggregate>(
        &self,
        actor: &Actor,
        action: Action,
        member_id: &str,
        now: Timestamp,
    ) -> Result<Vec<Record<A::State>>, AppError> {
        if !crate::access::permits(actor, action) {
            return Ok(Vec::new());
        }
        let org = list_scope(actor, action)?;
        let found = self
            .store()
            .list_for_member(&MemberKindQuery {
                kind: A::KIND.to_owned(),
                member_id: member_id.to_owned(),
                org: Some(org),
                limit: MAX_PER_KIND,
            })
            .await?
            .into_iter()
            .map(|stored| Record::<A::State>::from_stored(stored, self.pack()))
            .collect::<Result<Vec<_>, _>>()?;
        let audit = found
            .iter()
            .map(|record| AuditEntry {
                org_id: actor.org_id.clone(),
                action: action.as_str().to_owned(),
                record_kind: A::KIND.to_owned(),
                record_id: record.id.clone(),
                member_id: Some(record.member_id.clone()),
            })
            .collect();
        self.audit(actor, audit, now).await?;
        Ok(found)
    }
}
