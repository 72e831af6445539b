//! Use-case scenarios, generic over the store, run on SQLite (app_sqlite.rs) and on PostgreSQL
//! when CARELOOP_TEST_POSTGRES_URL is set (app_postgres.rs). Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use careloop_app::authorization::{
    AuthorizationQueueQuery, DecideAuthorization, FileAppeal, PendAuthorization, ResolveAppeal,
    SubmitAuthorization,
};
use careloop_app::checked;
use careloop_app::referral::{
    AcceptReferral, AssignReferral, CloseReferral, CreateReferral, DeclineReferral,
    ReviewReferralEligibility,
};
use careloop_app::{
    Actor, App, AppError, AuthorizationAggregate, EcmAggregate, MemberAggregate, OrgKind,
    ReferralAggregate, Role,
};
use careloop_domain::PolicyPack;
use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::appeal::AppealResolution;
use careloop_domain::workflow::authorization::{DecisionInput, Requested, Service};
use careloop_domain::workflow::referral::{ReferralSource, Referrer};
use careloop_domain::workflow::{ActorId, Channel, Notice, NoticePurpose, Program, Recipient};
use careloop_store::{AuditFilter, Store};

mod access;
mod demo;
mod ecm;
mod flows;
mod identity;
mod identity_tokens;
mod import;
mod members;
mod references;
mod referral_queue;
mod rescreen;
mod rules;
mod world;

mod relations;

pub use access::*;
pub use demo::*;
pub use ecm::*;
pub use flows::*;
pub use identity::*;
pub use identity_tokens::*;
pub use import::*;
use jiff::Timestamp;
pub use members::*;
pub use references::*;
pub use referral_queue::*;
pub use rescreen::*;
pub use rules::*;
pub use world::*;

pub use relations::*;

pub const PLAN: &str = "org-plan-hpsm";

pub fn ts(s: &str) -> Timestamp {
    s.parse().expect("RFC 3339 timestamp")
}

pub fn app<S: Store>(store: S) -> App<S> {
    App::new(store, PolicyPack::embedded().expect("embedded policy pack"))
}

pub fn reviewer() -> Actor {
    Actor::new(
        "u-reviewer",
        PLAN,
        OrgKind::Plan,
        vec![Role::PlanUmReviewer],
    )
    .unwrap()
}
pub fn coordinator() -> Actor {
    Actor::new(
        "u-coord",
        PLAN,
        OrgKind::Plan,
        vec![Role::PlanCareCoordinator],
    )
    .unwrap()
}
pub fn provider(org: &str) -> Actor {
    Actor::new(
        format!("u-cm-{org}"),
        org,
        OrgKind::EcmProvider,
        vec![Role::ProviderCareManager],
    )
    .unwrap()
}
pub fn referrer(org: &str) -> Actor {
    Actor::new(
        format!("u-ref-{org}"),
        org,
        OrgKind::ReferringEntity,
        vec![Role::Referrer],
    )
    .unwrap()
}

pub fn submission(member: &str) -> SubmitAuthorization {
    SubmitAuthorization {
        member_id: checked("member_id", member).unwrap(),
        plan_org_id: checked("plan_org_id", PLAN).unwrap(),
        plan: Some("hpsm".into()),
        county: Some(checked("county", "San Mateo").unwrap()),
        service: Service::EcmInitial,
        kind: ClockKind::NonUrgentPreService,
        requested: Requested::default(),
    }
}

pub fn referral(member: &str) -> CreateReferral {
    CreateReferral {
        member_id: checked("member_id", member).unwrap(),
        plan_org_id: checked("plan_org_id", PLAN).unwrap(),
        plan_id: Some("hpsm".into()),
        county: Some(checked("county", "San Mateo").unwrap()),
        referrer: Referrer {
            source: ReferralSource::Cbo,
            id: Some("cbo-1".into()),
            name: Some("Synthetic CBO".into()),
            contact: Some("intake@cbo.invalid".into()),
        },
        program: Program::Ecm,
        claimed_pof: Some("1a".into()),
    }
}

pub async fn audit_lines<S: Store>(
    store: &S,
    kind: &str,
    id: &str,
) -> Vec<careloop_store::AuditRecord> {
    store
        .audit(&AuditFilter {
            record_kind: Some(kind.into()),
            record_id: Some(id.into()),
            limit: 1000,
            ..AuditFilter::default()
        })
        .await
        .unwrap()
}

#[macro_export]
macro_rules! app_scenarios {
    ($runner:ident) => {
        $runner!(
            authorization_flow_submit_pend_deny_appeal_overturn,
            referral_flow_to_closure,
            other_provider_gets_not_found_and_is_audited,
            referrer_sees_only_own_referrals,
            plan_organizations_list_plans_by_name_and_are_audited,
            idempotent_retry_returns_same_record_and_writes_nothing,
            illegal_transition_is_invalid_and_changes_nothing,
            concurrent_changes_commit_once,
            // ECM enrollment (ecm)
            ecm_enrollment_flow_open_to_discontinue,
            ecm_enrollment_blocked_by_exclusion,
            ecm_enrollment_refused_while_a_waiver_is_open,
            ecm_other_provider_gets_not_found_and_is_audited,
            ecm_reauthorization_queue_lists_due_within_30_days,
            ecm_idempotent_retry_replays,
            member_register_read_and_new_facts_redetermine,
            member_roles_and_invalid_input_are_refused,
            provider_sees_member_only_with_a_grant,
            member_list_pages_by_id_within_the_plan,
            identity_password_and_token_round_trip,
            identity_admins_roles_and_disabled_users,
            audit_log_visibility_for_plan_admins,
            identity_concurrent_create_user_retries_replay,
            identity_password_rules_refuse_username_and_common_passwords,
            identity_only_enabled_admin_cannot_be_disabled,
            identity_reenabled_user_does_not_get_old_tokens_back,
            identity_tokens_list_issue_and_revoke,
            referral_extras_authorize_start_services_and_notices,
            referral_queue_waits_on_each_party,
            // the demo data set (demo)
            demo_data_set_holds_every_status_and_log_in,
            demo_members_serve_the_full_trace_from_compact_records,
            // issue #12: references resolved, grants earned (references)
            provider_cannot_reach_a_member_by_submitting,
            plan_cannot_give_another_plans_member_to_a_provider,
            referral_references_are_resolved,
            refused_attempts_reach_the_owners_audit_log,
            cs_approval_counts_the_stored_history,
            ecm_steps_name_approved_requests,
            plan_registers_only_its_own_members,
            // issue #15: bulk registration (import)
            import_members_is_idempotent_and_refuses_per_member,
            // issue #15: re-screening on a policy change (rescreen)
            rescreen_dry_run_matches_the_real_run_and_a_rerun_changes_nothing,
        );
    };
}
