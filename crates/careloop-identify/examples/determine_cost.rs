//! Time `careloop_domain::eligibility::determine` on synthetic member facts (brief: measure the
//! engine's cost per member before designing around it). `cargo run --release --example
//! determine_cost -p careloop-identify -- 100000`
use careloop_domain::PolicyPack;
use careloop_domain::eligibility::{
    EnrollmentSpan, EventKind, Indicator, IndicatorKind, IndicatorStatus, MemberFacts, Utilization,
    UtilizationEvent, determine, determine_ecm,
};
use jiff::civil::date;
use std::time::Instant;

fn facts(i: u32) -> MemberFacts {
    let start = date(2024, 1, 1);
    let events = (0..(i % 7))
        .map(|k| UtilizationEvent {
            id: format!("c{i}-{k}"),
            kind: if k % 3 == 0 {
                EventKind::InpatientStay
            } else {
                EventKind::EdVisit
            },
            date: date(2026, 1 + (k as i8 % 10), 3),
            avoidable: Some(k % 2 == 0),
            avoidable_reading: None,
            unplanned: Some(true),
            short_term: None,
            sud_related: Some(false),
        })
        .collect();
    let indicators = if i.is_multiple_of(5) {
        vec![Indicator {
            kind: IndicatorKind::SubstanceUseDisorder,
            status: IndicatorStatus::Present,
            start: date(2026, 2, 1),
            end: None,
            id: Some(format!("c{i}")),
            detail: None,
            condition: None,
            housing_loss_date: None,
            facility: None,
            state: None,
            waiver: None,
        }]
    } else {
        Vec::new()
    };
    MemberFacts {
        member_id: Some(format!("p{i}")),
        birth_date: Some(date(1960 + (i % 60) as i16, 3, 4)),
        enrollments: vec![EnrollmentSpan {
            plan: "hpsm".into(),
            county: Some("San Mateo".into()),
            line_of_business: "medi-cal".into(),
            start,
            end: None,
        }],
        indicators,
        utilization: Some(Utilization {
            data_from: Some(date(2025, 1, 1)),
            data_through: Some(date(2026, 10, 31)),
            events,
        }),
    }
}

fn main() {
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let pack = PolicyPack::embedded().expect("embedded pack");
    let all: Vec<MemberFacts> = (0..n).map(facts).collect();
    let t = Instant::now();
    let mut met = 0usize;
    for f in &all {
        let d = determine(f, date(2026, 11, 22), &pack);
        met += d
            .populations
            .iter()
            .filter(|p| p.status.as_str() == "met")
            .count();
    }
    report("determine", n, t.elapsed(), met);
    let t = Instant::now();
    let mut met = 0usize;
    for f in &all {
        let d = determine_ecm(f, date(2026, 11, 22), &pack);
        met += d
            .populations
            .iter()
            .filter(|p| p.status.as_str() == "met")
            .count();
    }
    report("determine_ecm", n, t.elapsed(), met);
}

fn report(what: &str, n: u32, el: std::time::Duration, met: usize) {
    println!(
        "{what}: {n} members: {:.2?} total, {:.1} µs/member, {met} POFs met",
        el,
        el.as_secs_f64() * 1e6 / f64::from(n)
    );
}
