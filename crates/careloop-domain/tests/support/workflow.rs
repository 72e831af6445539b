//! Shared builders for the workflow tests (synthetic data only). Included by the `workflow_*`
//! test files with `#[path]`; also compiled alone as an empty test target.
#![allow(dead_code)]

use careloop_domain::PolicyPack;
use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::authorization::{
    self, AuthorizationCommand, AuthorizationEvent, AuthorizationState, Requested, Service,
};
use careloop_domain::workflow::{
    ActorId, Channel, Ctx, Notice, NoticePurpose, Recipient, WorkflowPolicy,
};
use jiff::Timestamp;

pub fn pack() -> PolicyPack {
    match PolicyPack::embedded() {
        Ok(p) => p,
        Err(e) => unreachable!("embedded pack must load: {e}"),
    }
}

pub fn workflow() -> WorkflowPolicy {
    match WorkflowPolicy::embedded() {
        Ok(p) => p,
        Err(e) => unreachable!("embedded workflow policy must load: {e}"),
    }
}

pub fn ts(s: &str) -> Timestamp {
    match s.parse() {
        Ok(t) => t,
        Err(e) => unreachable!("bad test timestamp {s}: {e}"),
    }
}

pub fn actor() -> ActorId {
    ActorId::new("um-nurse-1")
}

pub fn notice(recipient: Recipient, purpose: NoticePurpose, channel: Channel, at: &str) -> Notice {
    Notice {
        recipient,
        purpose,
        channel,
        content: format!("synthetic {purpose:?} notice"),
        sent_at: ts(at),
        actor: actor(),
    }
}

/// Runs `command` on `state`; on success applies the events and returns the new state and events.
pub fn step(
    state: &AuthorizationState,
    command: AuthorizationCommand,
    ctx: &Ctx<'_>,
) -> Result<(AuthorizationState, Vec<AuthorizationEvent>), careloop_domain::workflow::WorkflowError>
{
    let events = authorization::decide(state, command, ctx)?;
    let next = events.iter().fold(state.clone(), authorization::apply);
    Ok((next, events))
}

pub fn receive(
    service: Service,
    kind: ClockKind,
    plan: Option<&str>,
    at: &str,
) -> AuthorizationCommand {
    AuthorizationCommand::Receive {
        request_id: "REQ-1".into(),
        member_id: "SYN-1".into(),
        plan: plan.map(str::to_string),
        service,
        kind,
        received_at: ts(at),
        requested: Requested::default(),
        actor: actor(),
    }
}
