//! careloop-identify: find the members who meet ECM Populations of Focus in a plan's claims
//! (issue #5; docs/identification.md; derivation spec shared with the DuckDB reference SQL).
//!
//! Inputs are Tuva input-layer `eligibility` and `medical_claim` CSV files plus a careloop
//! `member_indicators` file. Each file is streamed in blocks and parsed on every core; only
//! compact per-member derived data is kept (ED days, stays, the first/latest date of each
//! diagnosis group). Each member's derivations become a
//! [`MemberFacts`](careloop_domain::eligibility::MemberFacts), and the POF decision is the
//! eligibility engine's ([`determine_ecm`](careloop_domain::eligibility::determine_ecm), the
//! ECM part of `careloop eligibility check`): no POF rule is re-implemented here.

#![forbid(unsafe_code)]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::todo,
    clippy::unimplemented
)]

pub mod codes;
pub mod csv;
pub mod day;
pub mod derive;
pub mod eligibility;
pub mod facts;
mod fxhash;
pub mod indicators;
pub mod output;
pub mod parquet;
pub mod run;

pub use csv::{NoProgress, Progress};
pub use run::{Config, RunSummary, run};

/// A problem that stops the run (bad rows do not: they go to the errors file).
#[derive(Debug, thiserror::Error)]
pub enum IdentifyError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: required column '{column}' is missing from the header")]
    MissingColumn { file: String, column: String },
    #[error("{file}: the file is empty (a header row is required)")]
    EmptyFile { file: String },
    #[error("{file}: bad header: {reason}")]
    BadHeader { file: String, reason: String },
    #[error("{file}:{line}: {reason}")]
    CodeList {
        file: String,
        line: usize,
        reason: String,
    },
    #[error("--plan {0}: not a plan of the policy pack (see `careloop policy`)")]
    UnknownPlan(String),
    #[error("a worker thread stopped unexpectedly")]
    WorkerPanicked,
}

/// Which input a bad row came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InputFile {
    Eligibility,
    Claims,
    Indicators,
}

impl InputFile {
    pub fn name(self) -> &'static str {
        match self {
            InputFile::Eligibility => "eligibility",
            InputFile::Claims => "medical_claim",
            InputFile::Indicators => "member_indicators",
        }
    }
}

/// A bad input row: where, whose (kept out of logs), and why. `kind` is the reason without
/// the row's values, for counting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    pub file: InputFile,
    pub line: u64,
    pub person_id: Option<Box<str>>,
    pub kind: &'static str,
    pub reason: String,
}

/// A bad row before its file line number is known.
#[derive(Clone, Debug)]
pub(crate) struct PendingError {
    pub at: csv::LineRef,
    pub person_id: Option<Box<str>>,
    pub kind: &'static str,
    pub reason: String,
}

impl PendingError {
    pub fn new(
        at: csv::LineRef,
        person: Option<&[u8]>,
        kind: &'static str,
        reason: String,
    ) -> Self {
        PendingError {
            at,
            person_id: person
                .filter(|p| !p.is_empty())
                .map(|p| csv::unquote(p).into_boxed_str()),
            kind,
            reason,
        }
    }

    pub fn resolve(self, file: InputFile, lines: &csv::LineNumbers) -> RowError {
        RowError {
            file,
            line: lines.line(self.at),
            person_id: self.person_id,
            kind: self.kind,
            reason: self.reason,
        }
    }
}
