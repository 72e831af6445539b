//! Eligibility thresholds and windows (`statewide/ecm.toml`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityPolicy {}
