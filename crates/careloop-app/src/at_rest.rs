//! How states and events are kept at rest (issue #15 item 1, docs/app.md "Stored records"): as
//! their JSON, except that a member's eligibility determination is kept as its summary
//! ([`DeterminationSummary`]: id, policy version, as-of date, outcomes, evidence ids) in the
//! member record and in the member's events. The full determination with its traces is
//! recomputed from the stored facts when the record is read, and served only when it is provably
//! the same one (same policy version, determination id and outcomes); otherwise the stored
//! outcomes are served with a trace saying why (`DeterminationSummary::expand`). A record
//! written before this change (the full determination at rest) is read as it is.

use careloop_domain::PolicyPack;
use careloop_domain::eligibility::{Determination, DeterminationSummary, MemberFacts};
use careloop_domain::workflow::member::{
    Demographics, MemberEvent, MemberState, MemberStatus, StoredDetermination,
};
use careloop_domain::workflow::{ActorId, authorization, ecm, referral};
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::packed;

/// A state or event as it is kept in the store (`aggregates.body`, `events.body`). The default
/// is its JSON as the API shows it.
pub trait AtRest: Serialize + DeserializeOwned {
    /// The JSON kept at rest.
    fn to_rest(&self) -> serde_json::Result<Value> {
        serde_json::to_value(self)
    }
    /// The value back from its JSON at rest; `pack` recomputes what was left out.
    fn from_rest(value: Value, _pack: &PolicyPack) -> serde_json::Result<Self> {
        serde_json::from_value(value)
    }
}

impl AtRest for authorization::AuthorizationState {}
impl AtRest for authorization::AuthorizationEvent {}
impl AtRest for referral::ReferralState {}
impl AtRest for referral::ReferralEvent {}
impl AtRest for ecm::EcmEnrollmentState {}
impl AtRest for ecm::EcmEvent {}

/// A determination at rest: its summary, or (written before issue #15) the full determination.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Kept {
    Summary(DeterminationSummary),
    Full(Box<Determination>),
}

impl Kept {
    fn expand(self, facts: &MemberFacts, pack: &PolicyPack) -> Determination {
        match self {
            Kept::Summary(summary) => summary.expand(facts, pack),
            Kept::Full(full) => *full,
        }
    }
}

/// [`StoredDetermination`] at rest.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeptDetermination {
    determination: Kept,
    computed_at: Timestamp,
}

/// [`MemberState`] at rest: the same fields, the determination kept as its summary.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberAtRest {
    status: MemberStatus,
    member_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    plan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    county: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    cin: Option<String>,
    #[serde(default)]
    demographics: Demographics,
    #[serde(default)]
    facts: MemberFacts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    determination: Option<KeptDetermination>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    registered_at: Option<Timestamp>,
}

impl AtRest for MemberState {
    fn to_rest(&self) -> serde_json::Result<Value> {
        packed::pack(&member_plain(self)?)
    }

    fn from_rest(value: Value, pack: &PolicyPack) -> serde_json::Result<Self> {
        let kept: MemberAtRest = serde_json::from_value(packed::unpack(value)?)?;
        let determination = kept.determination.map(|d| StoredDetermination {
            determination: d.determination.expand(&kept.facts, pack),
            computed_at: d.computed_at,
        });
        Ok(MemberState {
            status: kept.status,
            member_id: kept.member_id,
            plan: kept.plan,
            county: kept.county,
            cin: kept.cin,
            demographics: kept.demographics,
            facts: kept.facts,
            determination,
            registered_at: kept.registered_at,
        })
    }
}

/// A member's state at rest before packing ([`MemberAtRest`] as JSON).
fn member_plain(state: &MemberState) -> serde_json::Result<Value> {
    let kept = state.determination.as_ref().map(|d| KeptDetermination {
        determination: Kept::Summary(d.determination.summary()),
        computed_at: d.computed_at,
    });
    serde_json::to_value(MemberAtRest {
        status: state.status,
        member_id: state.member_id.clone(),
        plan: state.plan.clone(),
        county: state.county.clone(),
        cin: state.cin.clone(),
        demographics: state.demographics.clone(),
        facts: state.facts.clone(),
        determination: kept,
        registered_at: state.registered_at,
    })
}

/// [`MemberEvent`] at rest: what changed (the command's facts or contact data), the
/// determination as its summary. Written, never read back into a `MemberEvent`.
#[derive(Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
enum MemberEventAtRest<'a> {
    Registered {
        member_id: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        plan: &'a Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        county: &'a Option<String>,
        demographics: &'a Demographics,
        #[serde(skip_serializing_if = "Option::is_none")]
        cin: &'a Option<String>,
        facts: &'a MemberFacts,
        determination: DeterminationSummary,
        at: Timestamp,
        actor: &'a ActorId,
    },
    DemographicsUpdated {
        demographics: &'a Demographics,
        at: Timestamp,
        actor: &'a ActorId,
    },
    FactsRecorded {
        facts: &'a MemberFacts,
        determination: DeterminationSummary,
        at: Timestamp,
        actor: &'a ActorId,
    },
    EligibilityRecomputed {
        determination: DeterminationSummary,
        at: Timestamp,
        actor: &'a ActorId,
    },
}

impl AtRest for MemberEvent {
    fn to_rest(&self) -> serde_json::Result<Value> {
        packed::pack(&event_plain(self)?)
    }
}

/// A member event at rest before packing ([`MemberEventAtRest`] as JSON).
fn event_plain(event: &MemberEvent) -> serde_json::Result<Value> {
    {
        use MemberEvent as E;
        use MemberEventAtRest as R;
        let at_rest = match event {
            E::Registered {
                member_id,
                plan,
                county,
                demographics,
                cin,
                facts,
                determination,
                at,
                actor,
            } => R::Registered {
                member_id,
                plan,
                county,
                demographics,
                cin,
                facts,
                determination: determination.summary(),
                at: *at,
                actor,
            },
            E::DemographicsUpdated {
                demographics,
                at,
                actor,
            } => R::DemographicsUpdated {
                demographics,
                at: *at,
                actor,
            },
            E::FactsRecorded {
                facts,
                determination,
                at,
                actor,
            } => R::FactsRecorded {
                facts,
                determination: determination.summary(),
                at: *at,
                actor,
            },
            E::EligibilityRecomputed {
                determination,
                at,
                actor,
            } => R::EligibilityRecomputed {
                determination: determination.summary(),
                at: *at,
                actor,
            },
        };
        serde_json::to_value(at_rest)
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use careloop_domain::eligibility::determine;
    use jiff::civil::date;

    fn member() -> (MemberState, PolicyPack) {
        let pack = PolicyPack::embedded().unwrap();
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../examples/members/pof-2-adult.json"
        );
        let facts: MemberFacts =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let determination = determine(&facts, date(2026, 11, 22), &pack);
        let state = MemberState {
            status: MemberStatus::Active,
            member_id: "SYN-1".into(),
            plan: Some("hpsm".into()),
            county: Some("San Mateo".into()),
            facts,
            determination: Some(StoredDetermination {
                determination,
                computed_at: "2026-11-22T18:00:00Z".parse().unwrap(),
            }),
            ..MemberState::default()
        };
        (state, pack)
    }

    #[test]
    fn a_member_is_kept_without_its_trace_and_read_back_whole() {
        let (state, pack) = member();
        let at_rest = state.to_rest().unwrap();
        assert!(at_rest.get(packed::KEY_1).is_some());
        let text = packed::unpack(at_rest.clone()).unwrap().to_string();
        assert!(!text.contains("\"criteria\""));
        assert!(text.len() * 10 < serde_json::to_string(&state).unwrap().len());
        let back = MemberState::from_rest(at_rest, &pack).unwrap();
        assert_eq!(
            serde_json::to_string(&back).unwrap(),
            serde_json::to_string(&state).unwrap()
        );
    }

    /// A record written before issue #15 (the full determination at rest) reads as it was.
    #[test]
    fn a_member_kept_whole_before_reads_as_it_is() {
        let (state, pack) = member();
        let old = serde_json::to_value(&state).unwrap();
        assert_eq!(MemberState::from_rest(old, &pack).unwrap(), state);
    }

    #[test]
    fn member_events_carry_the_summary() {
        let (state, _) = member();
        let determination = state.determination.clone().unwrap().determination;
        let event = MemberEvent::EligibilityRecomputed {
            determination: determination.clone(),
            at: "2026-11-22T18:00:00Z".parse().unwrap(),
            actor: ActorId("u".into()),
        };
        let at_rest = packed::unpack(event.to_rest().unwrap()).unwrap();
        let mut full = serde_json::to_value(&event).unwrap();
        full["determination"] = serde_json::to_value(determination.summary()).unwrap();
        assert_eq!(at_rest, full);
        let registered = MemberEvent::Registered {
            member_id: "SYN-1".into(),
            plan: None,
            county: Some("San Mateo".into()),
            demographics: Demographics::default(),
            cin: None,
            facts: state.facts.clone(),
            determination: determination.clone(),
            at: "2026-11-22T18:00:00Z".parse().unwrap(),
            actor: ActorId("u".into()),
        };
        let mut full = serde_json::to_value(&registered).unwrap();
        full["determination"] = serde_json::to_value(determination.summary()).unwrap();
        assert_eq!(packed::unpack(registered.to_rest().unwrap()).unwrap(), full);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod make_dictionary {
    use super::*;
    use careloop_domain::eligibility::determine;
    use jiff::civil::date;

    /// How `packed/dictionary-1.json` was made (run once with `--run-ignored only`; the file
    /// is part of the stored format and never changes: `packed`'s SHA-256 test guards it).
    #[test]
    #[ignore]
    fn write_dictionary_1() {
        let pack = PolicyPack::embedded().unwrap();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/members");
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        let mut out = String::new();
        for (n, path) in names.iter().enumerate() {
            let facts: MemberFacts =
                serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let determination = determine(&facts, date(2026, 11, 22), &pack);
            let state = MemberState {
                status: MemberStatus::Active,
                member_id: format!("SYN-{:06}", n + 1),
                county: facts.enrollments.first().and_then(|e| e.county.clone()),
                facts: facts.clone(),
                determination: Some(StoredDetermination {
                    determination: determination.clone(),
                    computed_at: "2026-11-22T18:00:00.123456789Z".parse().unwrap(),
                }),
                registered_at: Some("2026-11-22T18:00:00.123456789Z".parse().unwrap()),
                ..MemberState::default()
            };
            let event = MemberEvent::Registered {
                member_id: state.member_id.clone(),
                plan: None,
                county: state.county.clone(),
                demographics: Demographics::default(),
                cin: None,
                facts,
                determination,
                at: "2026-11-22T18:00:00.123456789Z".parse().unwrap(),
                actor: ActorId("user-plan-coordinator".into()),
            };
            out.push_str(&event_plain(&event).unwrap().to_string());
            out.push_str(&member_plain(&state).unwrap().to_string());
        }
        std::fs::write(
            concat!(env!("CARGO_MANIFEST_DIR"), "/src/packed/dictionary-1.json"),
            out,
        )
        .unwrap();
    }
}
