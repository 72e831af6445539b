//! Builders shared by the Community Supports limit tests (synthetic data only).
#![allow(dead_code)]

use careloop_domain::PolicyPack;
use careloop_domain::cs_limits::{CsLimitInput, LimitDecision, check};
use serde_json::{Value, json};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub fn pack() -> Result<PolicyPack, Box<dyn std::error::Error>> {
    Ok(PolicyPack::embedded()?)
}

/// Builds an input from a history list and a proposal (with NF stays when given).
pub fn input(history: Value, proposed: Value) -> Result<CsLimitInput, serde_json::Error> {
    serde_json::from_value(json!({ "history": history, "proposed": proposed }))
}

pub fn decide(
    history: Value,
    proposed: Value,
) -> Result<LimitDecision, Box<dyn std::error::Error>> {
    Ok(check(&input(history, proposed)?, &pack()?))
}

pub fn item(id: &str, cs: &str, plan: &str, start: &str, end: &str) -> Value {
    json!({ "id": id, "cs": cs, "kind": "authorization", "plan": plan, "start": start, "end": end })
}

pub fn with(mut v: Value, key: &str, val: Value) -> Value {
    if let Some(map) = v.as_object_mut() {
        map.insert(key.to_string(), val);
    }
    v
}

pub fn proposal(cs: &str, start: &str, end: &str) -> Value {
    json!({ "cs": cs, "plan": "hpsm", "start": start, "end": end })
}
