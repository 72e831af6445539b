//! careloop-domain: the pure rules core of careloop.
//!
//! Everything here is a plain function over plain types: no I/O, no wall clock, no async.
//! Time enters as explicit arguments (`as_of` dates, receipt timestamps); policy enters as a
//! [`policy::PolicyPack`] value. Every decision carries the rule, evidence, citation and policy
//! version that produced it (see docs/architecture.md).
#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::todo,
    clippy::unimplemented
)]

pub mod capacity;
pub mod cite;
pub mod clock;
pub mod codes;
pub mod cs;
pub mod cs_limits;
pub mod dates;
pub mod eligibility;
pub mod notice;
pub mod policy;
pub mod text;
pub mod workflow;

pub use cite::Cited;
pub use cs::CsId;
pub use policy::PolicyPack;
