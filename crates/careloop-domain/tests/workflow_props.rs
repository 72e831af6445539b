//! Replaying the events reproduces the state: for random command sequences (legal and illegal),
//! folding the accepted events from the empty state, and folding them after a JSON round trip,
//! both give the state reached step by step.

#[path = "support/workflow.rs"]
mod support;

use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::appeal::AppealResolution;
use careloop_domain::workflow::authorization::{
    self, AuthorizationCommand as A, AuthorizationEvent, AuthorizationState, DecisionInput, Service,
};
use careloop_domain::workflow::referral::{
    self, ReferralCommand as R, ReferralEvent, ReferralSource, ReferralState, Referrer,
};
use careloop_domain::workflow::{Channel, Ctx, NoticePurpose, Program, Recipient};
use jiff::civil::date;
use proptest::prelude::*;
use support::*;

fn at(hours: u32) -> jiff::Timestamp {
    ts("2026-11-02T17:00:00Z")
        .checked_add(jiff::SignedDuration::from_hours(i64::from(hours)))
        .unwrap_or_default()
}

fn auth_command(pick: u8, hours: u32, kind: ClockKind) -> A {
    let t = at(hours);
    match pick % 10 {
        0 => receive(
            Service::EcmInitial,
            kind,
            Some("hpsm"),
            "2026-11-02T17:00:00Z",
        ),
        1 => A::PendForInformation {
            at: t,
            information_needed: "records".into(),
            actor: actor(),
        },
        2 => A::ReceiveInformation {
            at: t,
            actor: actor(),
        },
        3 => A::Extend {
            at: t,
            reason: "expert review".into(),
            actor: actor(),
        },
        4 => A::Decide {
            at: t,
            decision: DecisionInput::Approve {
                start: date(2026, 12, 1),
                through: None,
                units: None,
            },
            notice_of_action: None,
            actor: actor(),
        },
        5 => A::Decide {
            at: t,
            decision: DecisionInput::Deny {
                reason: if hours.is_multiple_of(2) {
                    "criteria not met".into()
                } else {
                    String::new()
                },
            },
            notice_of_action: Some(notice(
                Recipient::Member,
                NoticePurpose::NoticeOfAction,
                Channel::Mail,
                "2026-11-30T00:00:00Z",
            )),
            actor: actor(),
        },
        6 => A::Withdraw {
            at: t,
            reason: "member request".into(),
            actor: actor(),
        },
        7 => A::FileAppeal {
            appeal_id: "APL-1".into(),
            received_at: at(hours + 400),
            actor: actor(),
        },
        8 => A::ResolveAppeal {
            at: at(hours + 800),
            resolution: if hours.is_multiple_of(2) {
                AppealResolution::Overturned {
                    start: date(2027, 1, 1),
                    through: None,
                    units: None,
                }
            } else {
                AppealResolution::Upheld {
                    reason: "upheld".into(),
                }
            },
            notice: None,
            actor: actor(),
        },
        _ => A::RecordNotice {
            notice: notice(
                Recipient::Practitioner,
                NoticePurpose::Extension,
                Channel::Fax,
                "2026-11-03T00:00:00Z",
            ),
        },
    }
}

fn referral_command(pick: u8, hours: u32, cs: bool) -> R {
    let t = at(hours);
    match pick % 10 {
        0 => R::Receive {
            referral_id: "REF-1".into(),
            member_id: "SYN-1".into(),
            referrer: Referrer {
                source: ReferralSource::Provider,
                id: Some("NPI-0".into()),
                name: None,
                contact: None,
            },
            program: if cs {
                Program::Cs(careloop_domain::CsId::SoberingCenters)
            } else {
                Program::Ecm
            },
            claimed_pof: None,
            received_at: at(0),
            actor: actor(),
        },
        1 => R::ReviewEligibility {
            at: t,
            eligible: !hours.is_multiple_of(5),
            determination_id: None,
            actor: actor(),
        },
        2 => R::AssignProvider {
            at: t,
            provider_id: format!("P-{hours}"),
            actor: actor(),
        },
        3 => R::ProviderAccept {
            at: t,
            actor: actor(),
        },
        4 => R::ProviderDecline {
            at: t,
            reason: "full".into(),
            actor: actor(),
        },
        5 => R::RecordAuthorization {
            at: t,
            authorized: !hours.is_multiple_of(3),
            authorization_id: None,
            reason: Some("not necessary".into()),
            actor: actor(),
        },
        6 => R::StartServices {
            at: t,
            started_on: date(2026, 11, 20),
            actor: actor(),
        },
        7 => R::Close {
            at: t,
            reason: if hours.is_multiple_of(2) {
                "services-received".into()
            } else {
                "unable-to-reach".into()
            },
            note: None,
            actor: actor(),
        },
        8 => R::RecordNoticeAgreement {
            at: t,
            channel: Channel::Fax,
            documentation: "AG".into(),
            actor: actor(),
        },
        _ => R::RecordNotice {
            notice: notice(
                Recipient::Referrer,
                NoticePurpose::Assignment,
                if hours.is_multiple_of(2) {
                    Channel::Fax
                } else {
                    Channel::Portal
                },
                "2026-11-20T00:00:00Z",
            ),
        },
    }
}

fn kind_strategy() -> impl Strategy<Value = ClockKind> {
    prop::sample::select(ClockKind::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn replaying_authorization_events_reproduces_the_state(
        kind in kind_strategy(),
        steps in prop::collection::vec((0u8..10, 0u32..200), 0..24),
    ) {
        let pack = pack();
        let ctx = Ctx::new(&pack);
        let mut state = AuthorizationState::default();
        let mut log: Vec<AuthorizationEvent> = Vec::new();
        // Start with a receipt so most sequences exercise later transitions.
        for (pick, hours) in std::iter::once((0u8, 0u32)).chain(steps) {
            if let Ok(events) = authorization::decide(&state, auth_command(pick, hours, kind), &ctx) {
                state = events.iter().fold(state, authorization::apply);
                log.extend(events);
            }
        }
        prop_assert_eq!(&authorization::replay(&log), &state);
        let json = serde_json::to_string(&log).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Vec<AuthorizationEvent> = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&authorization::replay(&back), &state);
        let state_json = serde_json::to_string(&state).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let state_back: AuthorizationState = serde_json::from_str(&state_json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(state_back, state);
    }

    #[test]
    fn replaying_referral_events_reproduces_the_state(
        cs in any::<bool>(),
        steps in prop::collection::vec((0u8..10, 0u32..200), 0..24),
    ) {
        let pack = pack();
        let ctx = Ctx::new(&pack);
        let mut state = ReferralState::default();
        let mut log: Vec<ReferralEvent> = Vec::new();
        for (pick, hours) in std::iter::once((0u8, 0u32)).chain(steps) {
            if let Ok(events) = referral::decide(&state, referral_command(pick, hours, cs), &ctx) {
                state = events.iter().fold(state, referral::apply);
                log.extend(events);
            }
        }
        prop_assert_eq!(&referral::replay(&log), &state);
        let json = serde_json::to_string(&log).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let back: Vec<ReferralEvent> = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&referral::replay(&back), &state);
    }
}
