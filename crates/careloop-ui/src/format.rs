//! Words and times as staff read them: local times in the policy pack's time zone
//! (America/Los_Angeles), time left to a due time, service and urgency names.

use careloop_domain::clock::ClockKind;
use careloop_domain::workflow::authorization::Service;
use careloop_domain::workflow::queue::QueueStatus;
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// The pack's time zone, or UTC when the name is unknown (it is validated when the pack loads).
pub(crate) fn zone(name: &str) -> TimeZone {
    TimeZone::get(name).unwrap_or(TimeZone::UTC)
}

/// A plan's name from the policy pack ("hpsm" → "Health Plan of San Mateo"), or the id.
pub(crate) fn plan_name(pack: &careloop_domain::PolicyPack, id: Option<&str>) -> String {
    match id {
        Some(id) => pack
            .plan(id)
            .map_or_else(|| id.to_owned(), |p| p.name.clone()),
        None => String::new(),
    }
}

/// "Tue Dec 1 2026, 14:05 PST".
pub(crate) fn local(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned(tz.clone())
        .strftime("%a %b %-d %Y, %H:%M %Z")
        .to_string()
}

/// "3 h 12 min left", "overdue by 2 d 4 h" (the same words as assets/app.js).
pub(crate) fn time_left(minutes: i64) -> String {
    let m = minutes.unsigned_abs();
    let (d, h, min) = (m / 1440, (m % 1440) / 60, m % 60);
    let words = if d > 0 {
        format!("{d} d {h} h")
    } else if h > 0 {
        format!("{h} h {min} min")
    } else {
        format!("{min} min")
    };
    if minutes < 0 {
        format!("overdue by {words}")
    } else {
        format!("{words} left")
    }
}

/// The filter value of a service: "ecm-initial", "ecm-reauthorization", "cs-respite".
pub(crate) fn service_key(service: Service) -> String {
    match service {
        Service::EcmInitial => "ecm-initial".to_owned(),
        Service::EcmReauthorization => "ecm-reauthorization".to_owned(),
        Service::Cs(cs) => format!("cs-{}", cs.as_str()),
    }
}

pub(crate) fn service_label(service: Option<Service>) -> String {
    match service {
        Some(Service::EcmInitial) => "ECM, initial".to_owned(),
        Some(Service::EcmReauthorization) => "ECM, re-authorization".to_owned(),
        Some(Service::Cs(cs)) => format!("Community Support: {}", cs.as_str().replace('-', " ")),
        None => "unknown service".to_owned(),
    }
}

pub(crate) fn urgency_label(kind: Option<ClockKind>) -> &'static str {
    match kind {
        Some(ClockKind::UrgentPreService) => "Urgent pre-service",
        Some(ClockKind::NonUrgentPreService) => "Routine pre-service",
        Some(ClockKind::UrgentConcurrent) => "Urgent concurrent",
        Some(ClockKind::PostService) => "Post-service",
        None => "unknown",
    }
}

/// The CSS class and the words of a queue classification (never colour alone).
pub(crate) fn queue_status(status: QueueStatus) -> (&'static str, &'static str) {
    match status {
        QueueStatus::Overdue => ("overdue", "Overdue"),
        QueueStatus::AtRisk => ("at-risk", "At risk (< 24 h)"),
        QueueStatus::OnTrack => ("on-track", "On track"),
    }
}

/// A stored kebab-case status in words: "pended-for-information" → "pended for information".
pub(crate) fn status_words(status: &str) -> String {
    status.replace('-', " ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn time_left_reads_like_the_countdown_script() {
        assert_eq!(time_left(0), "0 min left");
        assert_eq!(time_left(59), "59 min left");
        assert_eq!(time_left(61), "1 h 1 min left");
        assert_eq!(time_left(1440 * 2 + 120), "2 d 2 h left");
        assert_eq!(time_left(-5), "overdue by 5 min");
        assert_eq!(time_left(-1500), "overdue by 1 d 1 h");
    }

    #[test]
    fn local_times_are_pacific() {
        let ts: Timestamp = "2026-12-01T22:05:00Z".parse().unwrap();
        assert_eq!(
            local(ts, &zone("America/Los_Angeles")),
            "Tue Dec 1 2026, 14:05 PST"
        );
    }
}
