//! `[[channels]]`: each entry a table with the known keys, a value and a source (the kind and
//! purpose values themselves are checked by the typed parse that follows).

use super::{Checker, ProblemKind};
use toml::Value;

const CHANNEL_KEYS: [&str; 7] = [
    "purpose",
    "kind",
    "value",
    "hours",
    "source",
    "unconfirmed",
    "note",
];

impl Checker<'_> {
    pub(super) fn channels(&mut self, value: &Value) {
        let Some(items) = value.as_array() else {
            self.push(
                ProblemKind::WrongType,
                "channels",
                "channels must be a list of tables ([[channels]])",
            );
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let at = format!("channels[{}]", i + 1);
            let Some(t) = item.as_table() else {
                self.push(ProblemKind::WrongType, at, "each channel must be a table");
                continue;
            };
            self.unknown_keys(t, &CHANNEL_KEYS, &at);
            for key in ["purpose", "kind", "value"] {
                self.string(t, &at, key, true);
            }
            self.string(t, &at, "hours", false);
            self.citation(t, &at, "the channel");
            self.optional_flags(t, &at);
        }
    }
}
