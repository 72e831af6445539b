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

/// A document a citation names by number: an entry of `policy/statewide/sources.toml` (CALAIM.md
/// §11, "Sources").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDocument {
    pub number: u32,
    pub title: String,
    #[serde(default)]
    pub publisher: Option<String>,
    /// The document's own date, where the source list gives it.
    #[serde(default)]
    pub date: Option<jiff::civil::Date>,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourcesFile {
    documents: Vec<SourceDocument>,
}

/// The embedded source list: (file name, text).
pub const SOURCES_FILE: (&str, &str) = (
    "statewide/sources.toml",
    include_str!("../policy/statewide/sources.toml"),
);

/// Every document of the embedded source list, by number.
pub fn documents() -> Result<&'static [SourceDocument], crate::policy::PolicyError> {
    static DOCS: std::sync::OnceLock<Result<Vec<SourceDocument>, String>> =
        std::sync::OnceLock::new();
    let parsed = DOCS.get_or_init(|| {
        toml::from_str::<SourcesFile>(SOURCES_FILE.1)
            .map(|f| f.documents)
            .map_err(|e| e.to_string())
    });
    match parsed {
        Ok(docs) => Ok(docs),
        Err(message) => Err(crate::policy::PolicyError::Parse {
            file: SOURCES_FILE.0.to_owned(),
            message: message.clone(),
        }),
    }
}

/// The documents a citation's `source` names by number ("CALAIM.md §2.2 POF 1a [4][8]" → 4
/// and 8), in the order named; a number not in the list is left out.
pub fn cited_documents(source: &str) -> Vec<&'static SourceDocument> {
    let Ok(docs) = documents() else {
        return Vec::new();
    };
    let mut out: Vec<&'static SourceDocument> = Vec::new();
    for part in source.split('[').skip(1) {
        let Some((n, _)) = part.split_once(']') else {
            continue;
        };
        let Ok(n) = n.trim().parse::<u32>() else {
            continue;
        };
        if let Some(d) = docs.iter().find(|d| d.number == n)
            && !out.iter().any(|o| o.number == n)
        {
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod source_tests {
    use super::*;

    #[test]
    fn the_source_list_loads_with_unique_numbers() {
        let docs = documents().unwrap_or_else(|e| unreachable!("{e}"));
        assert!(docs.len() >= 80, "{}", docs.len());
        for (i, d) in docs.iter().enumerate() {
            assert!(!d.title.trim().is_empty(), "[{}] has no title", d.number);
            assert!(
                !docs.iter().take(i).any(|o| o.number == d.number),
                "[{}] twice",
                d.number
            );
        }
    }

    #[test]
    fn a_citation_names_its_documents() {
        let docs = cited_documents("CALAIM.md §2.2 POF 1a [6][4] and again [4]; [999]");
        let numbers: Vec<u32> = docs.iter().map(|d| d.number).collect();
        assert_eq!(numbers, vec![6, 4]);
        let hpsm = docs.get(1).map(|d| (d.title.as_str(), d.url.as_deref()));
        assert_eq!(
            hpsm,
            Some((
                "CalAIM at HPSM",
                Some("https://hpsm.org/provider/calaim-at-hpsm")
            ))
        );
        let dated = cited_documents("[15]");
        assert_eq!(
            dated.first().and_then(|d| d.date),
            Some(jiff::civil::date(2024, 10, 9))
        );
        assert!(cited_documents("seed 000 (Aetna)").is_empty());
    }
}
