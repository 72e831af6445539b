//! Property tests for UM decision clocks at their boundaries (CALAIM.md §4.1, §4.3, §12).

use careloop_domain::PolicyPack;
use careloop_domain::clock::{ClockKind, ClockRequest, due};
use jiff::civil::{Time, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

/// Seconds from 2022-01-01 to 2030-11-30 (UTC): receipts whose working-day clocks stay inside
/// the holiday calendar.
const FROM: i64 = 1_640_995_200;
const TO: i64 = 1_922_227_200;

fn kind() -> impl Strategy<Value = ClockKind> {
    prop::sample::select(ClockKind::ALL.to_vec())
}

/// A request with pend/extension only where they apply.
fn request() -> impl Strategy<Value = ClockRequest> {
    (
        FROM..TO,
        kind(),
        prop::option::of(0i64..20 * 86_400),
        prop::bool::ANY,
    )
        .prop_map(|(secs, kind, pend, extended)| {
            let received = Timestamp::from_second(secs).unwrap_or(Timestamp::UNIX_EPOCH);
            ClockRequest {
                plan: None,
                kind,
                received,
                info_received: pend
                    .filter(|_| kind == ClockKind::NonUrgentPreService)
                    .and_then(|p| received.checked_add(SignedDuration::from_secs(p)).ok()),
                extension_reason: (extended && kind.is_pre_service())
                    .then(|| "awaiting records".to_string()),
            }
        })
}

fn without_federal(pack: &PolicyPack) -> PolicyPack {
    let mut off = pack.clone();
    off.clocks.federal.effective_from.value = date(9999, 12, 31);
    off
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn due_is_never_before_receipt(req in request()) {
        let pack = PolicyPack::embedded().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let d = due(&req, &pack).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(d.due.timestamp() >= req.received);
    }

    #[test]
    fn federal_overlay_never_makes_a_due_time_later(req in request()) {
        let pack = PolicyPack::embedded().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let with = due(&req, &pack).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let without = due(&req, &without_federal(&pack)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(without.explanation.federal_rule.is_none());
        prop_assert!(with.due.timestamp() <= without.due.timestamp());
    }

    #[test]
    fn pre_service_due_never_passes_calendar_day_14(req in request()) {
        let pack = PolicyPack::embedded().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let d = due(&req, &pack).map_err(|e| TestCaseError::fail(e.to_string()))?;
        if req.kind.is_pre_service() {
            let tz = TimeZone::get("America/Los_Angeles").map_err(|e| TestCaseError::fail(e.to_string()))?;
            let day14 = req.received.to_zoned(tz.clone()).date().checked_add(jiff::Span::new().days(14))
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let cap = day14.to_datetime(Time::constant(23, 59, 59, 0)).to_zoned(tz)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert!(d.due.timestamp() <= cap.timestamp());
        }
    }

    #[test]
    fn day_based_clocks_end_at_235959_local(req in request()) {
        let pack = PolicyPack::embedded().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let d = due(&req, &pack).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let hour_based = matches!(req.kind, ClockKind::UrgentPreService | ClockKind::UrgentConcurrent)
            && req.extension_reason.is_none();
        if hour_based {
            // Elapsed time: exactly 24 or 72 real hours, whatever DST does.
            let hours = if req.kind == ClockKind::UrgentConcurrent { 24 } else { 72 };
            prop_assert_eq!(d.due.timestamp().duration_since(req.received), SignedDuration::from_hours(hours));
        } else {
            prop_assert_eq!(d.due.time(), Time::constant(23, 59, 59, 0));
            prop_assert_eq!(d.due.time_zone().iana_name(), Some("America/Los_Angeles"));
        }
    }

    #[test]
    fn deterministic(req in request()) {
        let pack = PolicyPack::embedded().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let a = due(&req, &pack).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let b = due(&req, &pack).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(a, b);
    }
}
