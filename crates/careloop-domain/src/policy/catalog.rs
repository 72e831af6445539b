//! The statewide Community Supports catalog (CALAIM.md §3.2, §5.2).

use serde::{Deserialize, Serialize};

/// The 15 Community Supports with names, codes, criteria, limits and exclusions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsCatalog {}
