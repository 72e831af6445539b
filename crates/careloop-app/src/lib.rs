//! careloop-app: the use cases, the one write path (issue #3).
//!
//! Every state change goes through a use case on [`App`] that checks access ([`access`]),
//! applies the domain transition (`careloop_domain::workflow`) and, in ONE transaction
//! (`careloop_store::Store::commit`), stores the new state, one append-only event, the access
//! grants, an audit line and the Idempotency-Key record. Reads are audited as well. Nothing here
//! reads a clock: every call takes `now`. Formats and the HTTP status map: docs/app.md.
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::todo,
    clippy::unimplemented
)]

pub mod access;
mod actor;
mod app;
mod at_rest;
pub mod audit;
pub mod authorization;
mod command;
mod create;
pub mod cs_use;
pub mod dashboard;
pub mod ecm;
mod error;
pub mod identity;
pub mod member;
pub mod member_import;
pub mod member_records;
mod packed;
mod record;
pub mod referral;
pub mod referral_timeline;
pub mod rescreen;
mod resolve;
mod token_cache;
mod versioned;

pub use access::{Action, RecordOwners};
pub use actor::{Actor, OrgKind, Role};
pub use app::{App, Transition};
pub use audit::{AuditPage, AuditQuery};
pub use authorization::AuthorizationRecord;
pub use command::{Change, On};
pub use create::{Create, New, Opening};
pub use ecm::EcmEnrollmentRecord;
pub use error::{AppError, checked};
pub use identity::{
    CapacityView, DirectoryEntry, DirectoryQuery, IdentityListQuery, IdentityPage, NewOrganization,
    NewToken, NewUser, Organization, PlanOrganization, ProviderCapacity, TokenInfo, TokenStatus,
    TokenView, UserView,
};
pub use member::MemberRecord;
pub use packed::plain_json;
pub use record::{
    Aggregate, AuthorizationAggregate, EcmAggregate, MemberAggregate, Record, ReferralAggregate,
};
pub use referral::ReferralRecord;
pub use versioned::{IntoVersioned, Versioned};
