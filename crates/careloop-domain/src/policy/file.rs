//! Reading one policy file: the TOML parse every section goes through, and its error.
//!
//! The section types (`ClockPolicy`, `CsLimitPolicy`, `WorkflowPolicy`, ...) live beside the rules
//! that read them and are parsed here; this file imports no section and no rule, so the pack in
//! `policy/mod.rs` can own every section while no section reaches back to the pack.

/// A policy file that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: {}", .errors.join("; "))]
    Invalid { file: String, errors: Vec<String> },
}

pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<T, PolicyError> {
    toml::from_str(text).map_err(|e| PolicyError::Parse {
        file: file.to_string(),
        message: e.to_string(),
    })
}
