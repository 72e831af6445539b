//! The statewide Community Supports catalog (CALAIM.md §3.2, §5.2): the 15 CS with their names
//! (April 2025 renames [27]), policy-guide volume [18], statewide availability, HCPCS
//! code/modifier pairs [53][54], eligibility criteria, limits, exclusions and flags.
//!
//! Data: `policy/statewide/cs_catalog.toml`. The numeric limits themselves live in
//! `cs_limits.toml`; the catalog's `limits` are the cited text that explains them.

use crate::cite::Cited;
use crate::cs::CsId;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A HCPCS Level II code: one letter and four digits, e.g. `H0043` (CALAIM.md §5.2).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Hcpcs(String);

/// A HCPCS modifier: two letters or digits, e.g. `U6` (CALAIM.md §5.2).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Modifier(String);

/// A code or modifier that does not have the HCPCS shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("HCPCS code {0:?} must be one letter followed by 4 digits, e.g. H0043")]
    Hcpcs(String),
    #[error("HCPCS modifier {0:?} must be 2 letters or digits, e.g. U6")]
    Modifier(String),
}

impl Hcpcs {
    /// Parses a code, accepting lower case (`h0043` is `H0043`).
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let code = input.trim().to_ascii_uppercase();
        let mut chars = code.chars();
        let letter = chars.next().is_some_and(|c| c.is_ascii_uppercase());
        let digits: Vec<char> = chars.collect();
        if letter && digits.len() == 4 && digits.iter().all(char::is_ascii_digit) {
            Ok(Hcpcs(code))
        } else {
            Err(CodeError::Hcpcs(input.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Modifier {
    /// Parses a modifier, accepting lower case (`u6` is `U6`).
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        let modifier = input.trim().to_ascii_uppercase();
        if modifier.len() == 2 && modifier.chars().all(|c| c.is_ascii_alphanumeric()) {
            Ok(Modifier(modifier))
        } else {
            Err(CodeError::Modifier(input.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! string_newtype_impls {
    ($t:ty) => {
        impl FromStr for $t {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl TryFrom<String> for $t {
            type Error = CodeError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
string_newtype_impls!(Hcpcs);
string_newtype_impls!(Modifier);

/// Which volume of the DHCS Community Supports Policy Guide defines the CS (spring 2025 split:
/// Vol. 1 = 8 health-related social-need CS, Vol. 2 = 7 housing CS; CALAIM.md §1 [18]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyGuideVolume {
    #[serde(rename = "vol-1")]
    Vol1,
    #[serde(rename = "vol-2")]
    Vol2,
}

impl fmt::Display for PolicyGuideVolume {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PolicyGuideVolume::Vol1 => "Vol. 1",
            PolicyGuideVolume::Vol2 => "Vol. 2",
        })
    }
}

/// One billing code for a CS: a (HCPCS code, modifier) pair, CALAIM.md §5.2 [53][54].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodePair {
    pub code: Hcpcs,
    pub modifier: Modifier,
    /// What the pair bills, where the source says (e.g. "nutrition education, group").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meaning: Option<String>,
    /// First day the pair may be used, for pairs added later (the January 2026 additions [53][54]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_from: Option<Date>,
    pub source: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl CodePair {
    /// True when the pair may be billed for a service on `on`.
    pub fn in_effect_on(&self, on: Date) -> bool {
        self.effective_from.is_none_or(|from| from <= on)
    }
}

impl fmt::Display for CodePair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.code, self.modifier)
    }
}

/// Operational flags of a CS.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CsFlags {
    /// Exempt from closed-loop referral tracking and notices (Sobering Centers, CALAIM.md §6.4 [37]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clr_exempt: Option<Cited<bool>>,
    /// Often authorized retroactively, since care happens in real time (CALAIM.md §4.2 [37]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub often_retro_authorized: Option<Cited<bool>>,
}

/// One Community Support in the statewide catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogEntry {
    pub id: CsId,
    /// Current DHCS name.
    pub name: Cited<String>,
    /// Names used before a DHCS rename (April 2025 renames [27]).
    #[serde(default)]
    pub former_names: Vec<Cited<String>>,
    /// DHCS CS Policy Guide volume [18].
    pub volume: Cited<PolicyGuideVolume>,
    /// First day any plan may offer the CS statewide (2022-01-01; Transitional Rent 2025-07-01 [18][19]).
    pub available_from: Cited<Date>,
    /// Billing (code, modifier) pairs, CALAIM.md §5.2.
    #[serde(default)]
    pub codes: Vec<CodePair>,
    /// Key eligibility criteria, CALAIM.md §3.2.
    #[serde(default)]
    pub eligibility: Vec<Cited<String>>,
    /// Limits and caps in words; the counters are in `cs_limits.toml` (CALAIM.md §3.3).
    #[serde(default)]
    pub limits: Vec<Cited<String>>,
    /// Exclusions and non-duplication rules, CALAIM.md §3.2.
    #[serde(default)]
    pub exclusions: Vec<Cited<String>>,
    #[serde(default)]
    pub flags: CsFlags,
}

impl CatalogEntry {
    /// True when the CS is exempt from closed-loop referral tracking ([37]).
    pub fn clr_exempt(&self) -> bool {
        self.flags.clr_exempt.as_ref().is_some_and(|f| f.value)
    }
}

/// The catalog file as written; checked into [`CsCatalog`] on load.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    cs: Vec<CatalogEntry>,
}

/// A catalog file that breaks the catalog's invariants.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    #[error("Community Support {0} is listed more than once")]
    DuplicateCs(CsId),
    #[error("Community Support {0} is missing from the catalog")]
    MissingCs(CsId),
    #[error("code pair {pair} is listed for both {first} and {second}")]
    DuplicateCodePair {
        pair: String,
        first: CsId,
        second: CsId,
    },
}

/// The 15 Community Supports with names, codes, criteria, limits and exclusions, in catalog
/// order (the order of `cs_catalog.toml`, which follows CALAIM.md §3.2).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "CatalogFile", into = "CatalogFile")]
pub struct CsCatalog {
    entries: Vec<CatalogEntry>,
}

impl TryFrom<CatalogFile> for CsCatalog {
    type Error = CatalogError;

    fn try_from(file: CatalogFile) -> Result<Self, Self::Error> {
        for (i, entry) in file.cs.iter().enumerate() {
            if file.cs.iter().take(i).any(|e| e.id == entry.id) {
                return Err(CatalogError::DuplicateCs(entry.id));
            }
        }
        if let Some(missing) = CsId::ALL
            .into_iter()
            .find(|id| !file.cs.iter().any(|e| e.id == *id))
        {
            return Err(CatalogError::MissingCs(missing));
        }
        let mut seen: Vec<(&CodePair, CsId)> = Vec::new();
        for entry in &file.cs {
            for pair in &entry.codes {
                if let Some((_, first)) = seen
                    .iter()
                    .find(|(p, _)| p.code == pair.code && p.modifier == pair.modifier)
                {
                    return Err(CatalogError::DuplicateCodePair {
                        pair: pair.to_string(),
                        first: *first,
                        second: entry.id,
                    });
                }
                seen.push((pair, entry.id));
            }
        }
        Ok(CsCatalog { entries: file.cs })
    }
}

impl From<CsCatalog> for CatalogFile {
    fn from(catalog: CsCatalog) -> Self {
        CatalogFile {
            cs: catalog.entries,
        }
    }
}

impl CsCatalog {
    /// All entries, in catalog order.
    pub fn entries(&self) -> &[CatalogEntry] {
        &self.entries
    }

    /// The entry for a CS.
    pub fn get(&self, id: CsId) -> Option<&CatalogEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The current name of a CS; the kebab-case id when the catalog lacks it.
    pub fn name(&self, id: CsId) -> &str {
        self.get(id).map_or(id.as_str(), |e| e.name.value.as_str())
    }

    /// Position of a CS in catalog order (for sorting lists of CS).
    pub fn position(&self, id: CsId) -> usize {
        self.entries
            .iter()
            .position(|e| e.id == id)
            .unwrap_or(self.entries.len())
    }

    /// The CS a claim line bills, by (code, modifier) pair, checking every modifier slot
    /// (CALAIM.md §5.2 engine rules [53]: the base code alone is ambiguous, S5165-U6 is
    /// Environmental Accessibility Adaptations and S5165-U5 Asthma Remediation).
    ///
    /// `None` when no pair matches, or when the modifiers match pairs of two different CS
    /// (e.g. S5165 with both U5 and U6): the line cannot be classified without a guess.
    pub fn classify(&self, code: &Hcpcs, modifiers: &[Modifier]) -> Option<CsId> {
        self.classify_matching(code, modifiers, |_| true)
    }

    /// As [`CsCatalog::classify`], counting only pairs in effect on the service date `on`
    /// (the January 2026 additions do not classify 2025 services).
    pub fn classify_on(&self, code: &Hcpcs, modifiers: &[Modifier], on: Date) -> Option<CsId> {
        self.classify_matching(code, modifiers, |p| p.in_effect_on(on))
    }

    fn classify_matching(
        &self,
        code: &Hcpcs,
        modifiers: &[Modifier],
        in_effect: impl Fn(&CodePair) -> bool,
    ) -> Option<CsId> {
        let mut found = None;
        for entry in &self.entries {
            let hit = entry
                .codes
                .iter()
                .any(|p| &p.code == code && modifiers.contains(&p.modifier) && in_effect(p));
            if hit {
                match found {
                    None => found = Some(entry.id),
                    Some(other) if other != entry.id => return None,
                    Some(_) => {}
                }
            }
        }
        found
    }
}
