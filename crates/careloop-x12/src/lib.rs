//! careloop-x12: X12 5010 at the edge (issue #17 item 2; docs/x12.md; the "where file formats
//! live" decision in docs/architecture.md).
//!
//! Pure: bytes in, typed records out and back; no IO, no clock, no store. Every problem is an
//! [`X12Error`] naming the segment (ordinal and id), the element and the rule broken.
//!
//! - [`tokenize`]: separators from the fixed-width ISA, zero-copy segments over the input.
//! - [`check_envelope`]: ISA/IEA, GS/GE, ST/SE control numbers and counts.
//! - [`p837`]: 837P (005010X222A1) into typed claims and back.
//! - [`r835`]: 835 (005010X221A1) writer for a payment run.
//! - [`r999`]: 999 (005010X231A1) writer for an acknowledgment.

#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::todo,
    clippy::unimplemented
)]

mod envelope;
mod error;
pub mod p837;
pub mod r835;
pub mod r999;
mod token;
mod types;
mod write;

pub use envelope::{Group, Interchange, TransactionSet, check_envelope};
pub use error::{Position, Rule, X12Error};
pub use token::{Segment, Segments, Separators, tokenize};
pub use types::{Cents, Date, Hcpcs};
pub use write::InterchangeHeader;
