//! JSON Schemas for strings whose allowed values are a value set of the embedded policy pack.
//!
//! A plan id, a referral's closure reason and an ECM discontinuation reason are checked against
//! the policy pack when a command is decided (an unknown one is refused, naming the known
//! values). These schema-only types let the API document say the same thing: each states an
//! `enum` of the values in the pack compiled into this binary (the pack `careloop serve` uses),
//! so a client, or a contract test that generates requests from the document, sends only values
//! the server takes. Use them with `#[schemars(with = "careloop_domain::codes::PlanId")]` on a
//! `String` field (or `Option<PlanId>` on an `Option<String>`); the field keeps its
//! `deserialize_with` text rule, and the domain keeps deciding.
//!
//! If the embedded pack could not be read (the binary would refuse to start anyway), the schema
//! falls back to the id rule without an `enum`.

use crate::policy::PolicyPack;
use crate::text::Id;
use crate::workflow::WorkflowPolicy;
use schemars::{JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;
use std::sync::OnceLock;

/// A schema of `values` as an `enum` of strings, or the id rule when there are none.
fn enum_schema(g: &mut SchemaGenerator, values: &[String], description: &str) -> Schema {
    if values.is_empty() {
        return Id::json_schema(g);
    }
    schemars::json_schema!({
        "type": "string",
        "enum": values,
        "description": description,
    })
}

/// The policy pack compiled into this binary, read once.
fn pack() -> Option<&'static PolicyPack> {
    static PACK: OnceLock<Option<PolicyPack>> = OnceLock::new();
    PACK.get_or_init(|| PolicyPack::embedded().ok()).as_ref()
}

fn plan_ids() -> Vec<String> {
    pack().map(PolicyPack::plan_ids).unwrap_or_default()
}

fn values(set: impl Fn(&WorkflowPolicy) -> Vec<String>) -> Vec<String> {
    pack().map(|p| set(&p.workflow)).unwrap_or_default()
}

/// A plan's policy overlay id (e.g. `hpsm`): one of the plans in the policy pack.
pub struct PlanId;

impl JsonSchema for PlanId {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("PlanId")
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        enum_schema(
            g,
            &plan_ids(),
            "A plan's policy overlay id: one of the plans in the policy pack (`careloop policy show`).",
        )
    }
}

/// A California county as the policy pack names it: one that a plan overlay of the pack serves
/// (`capacity::known_counties`).
pub struct County;

/// The counties of the embedded pack, in pack order.
pub fn county_names() -> Vec<String> {
    pack()
        .map(|p| {
            crate::capacity::known_counties(p)
                .into_iter()
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

impl JsonSchema for County {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("County")
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        enum_schema(
            g,
            &county_names(),
            "A California county as the policy pack names it: one a plan of the pack serves.",
        )
    }
}

/// A closed-loop referral's closure reason: a code of `workflow.toml closure_reasons`.
pub struct ClosureReason;

impl JsonSchema for ClosureReason {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("ClosureReason")
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let codes = values(|w| w.closure_reasons.iter().map(|c| c.value.clone()).collect());
        enum_schema(
            g,
            &codes,
            "A closure reason code from the policy pack (statewide/workflow.toml closure_reasons).",
        )
    }
}

/// An ECM enrollment's discontinuation reason: a code of `workflow.toml
/// discontinuation_reasons`.
pub struct DiscontinuationReason;

impl JsonSchema for DiscontinuationReason {
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("DiscontinuationReason")
    }

    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let codes = values(|w| {
            w.discontinuation_reasons
                .iter()
                .map(|c| c.value.clone())
                .collect()
        });
        enum_schema(
            g,
            &codes,
            "A discontinuation reason code from the policy pack (statewide/workflow.toml discontinuation_reasons).",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema<T: JsonSchema>() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default()
    }

    fn listed(s: &serde_json::Value) -> Vec<String> {
        s["enum"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn the_documented_values_are_the_packs() {
        let pack = PolicyPack::embedded().unwrap_or_else(|e| unreachable!("{e}"));
        assert_eq!(listed(&schema::<PlanId>()), pack.plan_ids());
        assert!(!pack.plan_ids().is_empty());
        let w = &pack.workflow;
        for code in listed(&schema::<ClosureReason>()) {
            assert!(w.closure_reason(&code).is_some(), "{code}");
        }
        assert_eq!(
            listed(&schema::<ClosureReason>()).len(),
            w.closure_reasons.len()
        );
        for code in listed(&schema::<DiscontinuationReason>()) {
            assert!(w.discontinuation_reason(&code).is_some(), "{code}");
        }
        assert_eq!(
            listed(&schema::<DiscontinuationReason>()).len(),
            w.discontinuation_reasons.len()
        );
    }
}
