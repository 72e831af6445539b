//! CS limit parameters (`statewide/cs_limits.toml`).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsLimitPolicy {}
