//! Community Supports limits: lifetime, per-year and rolling-window caps (CALAIM.md §3.3).

pub mod policy;

pub use policy::CsLimitPolicy;
