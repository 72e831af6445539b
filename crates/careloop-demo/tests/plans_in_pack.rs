//! Issue #14: the demo data set and careloop-synth's output put no member in a plan on a date or
//! in a county the plan does not serve (every enrollment span checked day by day against the
//! policy pack's county spans; Aetna left Medi-Cal on 2023-12-31). Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use careloop_app::App;
use careloop_demo::{DemoOptions, load_demo};
use careloop_domain::PolicyPack;
use careloop_store::{KindListQuery, SqliteStore, Store};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde_json::Value;

/// The days of `start..=end` on which `plan` does not serve `county` (at most a few named).
fn unserved(pack: &PolicyPack, plan: &str, county: &str, start: Date, end: Date) -> Vec<Date> {
    let Some(overlay) = pack.plan(plan) else {
        return vec![start];
    };
    let mut out = Vec::new();
    let mut day = start;
    while day <= end && out.len() < 3 {
        if !overlay.serves(county, day) {
            out.push(day);
        }
        day = day.checked_add(1.day()).unwrap();
    }
    out
}

#[test]
fn synth_members_are_only_in_plans_that_serve_their_county_on_every_enrolled_day() {
    let pack = PolicyPack::embedded().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let as_of = jiff::civil::date(2026, 11, 22);
    let cfg = careloop_synth::Config {
        members: 3_000,
        seed: 14,
        as_of,
        threads: 2,
    };
    careloop_synth::generate(&cfg, dir.path()).unwrap();
    let text = std::fs::read_to_string(dir.path().join(careloop_synth::ELIGIBILITY_FILE)).unwrap();
    let header: Vec<&str> = careloop_synth::ELIGIBILITY_HEADER.split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (person, plan, county) = (col("person_id"), col("plan"), col("county"));
    let (start, end) = (col("enrollment_start_date"), col("enrollment_end_date"));
    let mut checked = 0;
    let mut plans_seen = std::collections::BTreeSet::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        // Rows synth damages on purpose (bad date, missing person) are identify's error rows.
        let (Ok(from), true) = (f[start].parse::<Date>(), !f[person].is_empty()) else {
            continue;
        };
        let through = f[end].parse::<Date>().unwrap_or(as_of).min(as_of);
        let bad = unserved(&pack, f[plan], f[county], from, through);
        assert!(
            bad.is_empty(),
            "{} in {} from {from} to {through}: not served on {bad:?}",
            f[plan],
            f[county]
        );
        plans_seen.insert(f[plan].to_owned());
        checked += 1;
    }
    assert!(checked > 2_500, "{checked} spans checked");
    assert!(!plans_seen.contains("aetna-better-health-ca"));
    assert!(plans_seen.len() >= 8, "{plans_seen:?}");
}

#[tokio::test]
async fn demo_members_are_only_in_plans_that_serve_their_county_on_every_enrolled_day() {
    let pack = PolicyPack::embedded().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open_throwaway(&dir.path().join("demo.db"))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let app = App::new(store, pack.clone());
    let now: Timestamp = "2026-11-22T17:00:00Z".parse().unwrap();
    let options = DemoOptions {
        members: 80,
        seed: 14,
        ..DemoOptions::default()
    };
    load_demo(&app, options, now).await.unwrap();
    let today = jiff::civil::date(2026, 11, 22);
    let members = app
        .store()
        .list_by_kind(&KindListQuery {
            kind: "member".into(),
            statuses: Vec::new(),
            org: None,
            after_id: None,
            limit: 10_000,
        })
        .await
        .unwrap();
    let mut spans = 0;
    for m in &members {
        let (plan, county) = (m.plan_id.clone().unwrap(), m.county.clone().unwrap());
        assert!(
            pack.plan(&plan).unwrap().serves(&county, today),
            "{} {plan} {county}",
            m.id
        );
        // The member state is packed at rest (issue #15): its plain JSON.
        let state = careloop_app::plain_json(m.body["state"].clone()).unwrap();
        let facts = state.get("facts").unwrap_or(&Value::Null);
        let enrollments = facts.get("enrollments").and_then(Value::as_array).unwrap();
        for e in enrollments {
            let plan = e["plan"].as_str().unwrap();
            let county = e["county"].as_str().unwrap();
            let from: Date = e["start"].as_str().unwrap().parse().unwrap();
            let through = e
                .get("end")
                .and_then(Value::as_str)
                .map_or(today, |d| d.parse().unwrap());
            let bad = unserved(&pack, plan, county, from, through.min(today));
            assert!(
                bad.is_empty(),
                "{}: {plan} {county}: not served on {bad:?}",
                m.id
            );
            spans += 1;
        }
    }
    assert_eq!(members.len(), 80);
    assert!(spans >= 80, "{spans} enrollment spans checked");
}
