//! Citations: every policy value carries the source it came from.
//!
//! `source` names one or more entries of the numbered source list in shared/domain/CALAIM.md §11
//! (written "[4]" or "[4][8]"), or a plan document. `unconfirmed` marks values CALAIM.md labels
//! UNCONFIRMED: present and configurable, but not confirmed from a primary source.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A policy value together with where it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cited<T> {
    pub value: T,
    /// Source reference, e.g. "CALAIM.md [4][8]" or "seed 000 (Aetna)".
    pub source: String,
    /// True where CALAIM.md marks the value UNCONFIRMED.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
    /// Free-text remark (interpretation, conflict between sources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl<T> Cited<T> {
    /// A confirmed value with its source.
    pub fn new(value: T, source: impl Into<String>) -> Self {
        Self {
            value,
            source: source.into(),
            unconfirmed: false,
            note: None,
        }
    }

    /// The citation of this value, without the value.
    pub fn citation(&self) -> Citation {
        Citation {
            source: self.source.clone(),
            unconfirmed: self.unconfirmed,
        }
    }
}

/// A citation as carried in decision traces.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Citation {
    pub source: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
}

impl Citation {
    pub fn new(source: impl Into<String>) -> Self {
        Self {
            source: source.into(),
            unconfirmed: false,
        }
    }
}
