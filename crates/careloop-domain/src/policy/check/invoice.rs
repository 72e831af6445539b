//! `[invoice]` of an overlay (issue #14 item 2): the two windows are required cited values (a
//! plan whose page is silent writes the marked default, docs/policy-pack.md); the optional
//! `[invoice.pathway]` needs `accepted_when` and cites every value it states.

use super::{Checker, join};
use crate::policy::ProblemKind;
use toml::{Table, Value};

const WINDOW_KEYS: [&str; 2] = ["timely_filing_days", "resubmission_days"];
const PATHWAY_KEYS: [&str; 5] = [
    "accepted_when",
    "template",
    "required_fields",
    "send_to",
    "resubmission_grounds",
];

impl Checker<'_> {
    pub(super) fn invoice(&mut self, table: &Table) {
        let Some(value) = table.get("invoice") else {
            self.push(
                ProblemKind::MissingField,
                "invoice",
                "the overlay must state the plan's invoice windows ([invoice] timely_filing_days, resubmission_days; write the marked DEFAULT where the plan's page is silent)",
            );
            return;
        };
        let Some(t) = value.as_table() else {
            self.push(
                ProblemKind::WrongType,
                "invoice",
                "[invoice] must be a table",
            );
            return;
        };
        let mut known: Vec<&str> = WINDOW_KEYS.to_vec();
        known.push("pathway");
        self.unknown_keys(t, &known, "invoice");
        for key in WINDOW_KEYS {
            match t.get(key) {
                Some(v) => self.cited(v, &join("invoice", key)),
                None => self.push(
                    ProblemKind::MissingField,
                    join("invoice", key),
                    format!("{key} is required (cited; the marked DEFAULT where the plan's page is silent)"),
                ),
            }
        }
        if let Some(v) = t.get("pathway") {
            self.pathway(v);
        }
    }

    fn pathway(&mut self, value: &Value) {
        let at = "invoice.pathway";
        let Some(t) = value.as_table() else {
            self.push(
                ProblemKind::WrongType,
                at,
                "[invoice.pathway] must be a table",
            );
            return;
        };
        self.unknown_keys(t, &PATHWAY_KEYS, at);
        if !t.contains_key("accepted_when") {
            self.push(
                ProblemKind::MissingField,
                join(at, "accepted_when"),
                "accepted_when is required: when the plan accepts an invoice instead of a claim",
            );
        }
        for (key, v) in t.iter().filter(|(k, _)| PATHWAY_KEYS.contains(&k.as_str())) {
            self.cited(v, &join(at, key));
        }
    }
}
