//! ECM Population of Focus and Community Supports eligibility, explained (CALAIM.md §2, §3).

pub mod policy;

pub use policy::EligibilityPolicy;
