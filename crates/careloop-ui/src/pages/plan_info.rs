//! What a referrer or a provider reviews before sending a request to a plan, shown on every form
//! that sends one: the plan's request channels (issue #14 item 11: the intake preview, the
//! referral's authorization request, the ECM re-authorization request) and the providers serving
//! the county with their capacity (item 12: the intake preview and the provider directory).

use careloop_app::{Actor, App, CapacityView, DirectoryEntry, DirectoryQuery};
use careloop_domain::capacity::{CapacityStatus, Freshness};
use careloop_domain::policy::{ChannelPurpose, PlanOverlay};
use careloop_domain::workflow::Program;
use careloop_store::AnyStore;
use jiff::Timestamp;

use crate::layout::org_kind_label;

/// One of the plan's request channels, in words.
pub(crate) struct ChannelLine {
    pub purpose: &'static str,
    pub kind: &'static str,
    pub value: String,
    pub hours: String,
    pub source: String,
}

/// The plan's channels for an ECM request (`ecm`) or a Community Supports one, with the
/// prior-authorization and general ones (`ChannelPurpose::ECM_REQUEST` / `CS_REQUEST`); none
/// without a plan.
pub(crate) fn channels(plan: Option<&PlanOverlay>, ecm: bool) -> Vec<ChannelLine> {
    let purposes: &[ChannelPurpose] = if ecm {
        &ChannelPurpose::ECM_REQUEST
    } else {
        &ChannelPurpose::CS_REQUEST
    };
    plan.map(|p| {
        p.channels_for(purposes)
            .map(|c| ChannelLine {
                purpose: c.purpose.label(),
                kind: c.kind.label(),
                value: c.value.clone(),
                hours: c.hours.clone().unwrap_or_default(),
                source: c.source.clone(),
            })
            .collect()
    })
    .unwrap_or_default()
}

/// One capacity statement in words: the badge's words and class, and when it was true.
pub(crate) struct CapacityLine {
    pub service: String,
    pub county: String,
    /// "Accepting new members", "Waitlist", "Full", or "Stale as of <date>: was <status>".
    pub words: String,
    /// The badge class: `met` (accepting), `at-risk` (waitlist), `overdue` (full), `not-met`
    /// (stale: not shown as current).
    pub class: &'static str,
    pub as_of: String,
    pub note: String,
}

/// A provider with its capacity statements.
pub(crate) struct ProviderLine {
    pub org_id: String,
    pub name: String,
    pub kind: &'static str,
    pub counties: String,
    pub capacity: Vec<CapacityLine>,
}

/// A service in words.
pub(crate) fn service_words(service: Program) -> String {
    match service {
        Program::Ecm => "Enhanced Care Management".to_owned(),
        Program::Cs(cs) => format!("Community Support: {}", cs.as_str().replace('-', " ")),
    }
}

/// A statement as the directory shows it: a stale one says so instead of its status.
pub(crate) fn capacity_line(c: &CapacityView) -> CapacityLine {
    let (words, class) = match (c.freshness, c.status) {
        (Freshness::Stale, status) => (
            format!("Stale as of {}: was {}", c.as_of, status.label()),
            "not-met",
        ),
        (Freshness::Current, CapacityStatus::Accepting) => (c.status.label().to_owned(), "met"),
        (Freshness::Current, CapacityStatus::Waitlist) => (c.status.label().to_owned(), "at-risk"),
        (Freshness::Current, CapacityStatus::Full) => (c.status.label().to_owned(), "overdue"),
    };
    CapacityLine {
        service: service_words(c.service),
        county: c.county.clone(),
        words,
        class,
        as_of: c.as_of.to_string(),
        note: c.note.clone().unwrap_or_default(),
    }
}

pub(crate) fn provider_line(e: DirectoryEntry) -> ProviderLine {
    ProviderLine {
        capacity: e.capacity.iter().map(capacity_line).collect(),
        kind: org_kind_label(e.kind),
        counties: if e.counties.is_empty() {
            "every county".to_owned()
        } else {
            e.counties.join(", ")
        },
        org_id: e.org_id,
        name: e.name,
    }
}

/// The providers serving `county` for `service` with their capacity, as the directory lists
/// them; none when the county is blank or unknown to the pack (the form shows its own error).
pub(crate) async fn providers(
    app: &App<AnyStore>,
    actor: &Actor,
    county: &str,
    service: Program,
    now: Timestamp,
) -> Vec<ProviderLine> {
    if county.trim().is_empty() {
        return Vec::new();
    }
    let query = DirectoryQuery {
        county: Some(county.trim().to_owned()),
        service: Some(service),
    };
    app.provider_directory(actor, &query, now)
        .await
        .map(|entries| entries.into_iter().map(provider_line).collect())
        .unwrap_or_default()
}
