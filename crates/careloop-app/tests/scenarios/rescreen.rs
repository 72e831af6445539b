//! Re-screening on a policy change (issue #15 item 3, `App::rescreen_members`): members
//! registered under the embedded pack are re-decided by an app loaded with a changed pack (a new
//! version whose adult POF 2 ED-visit threshold is higher). A dry run reports exactly the changes
//! the real run then writes (events, audit lines), a second run changes nothing, members who
//! lose ECM eligibility with an open ECM enrollment list it as needing review, and a user whose
//! roles do not recompute eligibility is refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use careloop_app::rescreen::{EligibilityChange, Flip, RescreenPage, RescreenQuery};
use careloop_domain::eligibility::Outcome;
use jiff::civil::{Date, date};

const VERSION: &str = "2026.11.0-rescreen-test";

/// The embedded pack as a new version in which an adult needs 99 avoidable ED visits in 6
/// months for POF 2 (the embedded pack: 5).
fn changed_pack() -> PolicyPack {
    let mut pack = PolicyPack::embedded().unwrap();
    pack.meta.version = VERSION.into();
    pack.eligibility
        .high_utilizer
        .adult_avoidable_ed_visits
        .value
        .count = 99;
    pack
}

fn members() -> Vec<(String, &'static str)> {
    let mut list = Vec::new();
    for n in 1..=3 {
        list.push((format!("SYN-RS-2-{n}"), "pof-2-adult"));
    }
    for n in 1..=2 {
        list.push((format!("SYN-RS-1A-{n}"), "pof-1a-adult"));
    }
    list.push(("SYN-RS-3-1".to_owned(), "pof-3-adult"));
    list
}

/// Every page of a rescreen, `limit` members a page: (changes, unchanged, scanned).
async fn run<S: Store>(
    app: &App<S>,
    as_of: Date,
    dry_run: bool,
    now: Timestamp,
) -> (Vec<EligibilityChange>, u64, u64) {
    let (mut changes, mut unchanged, mut scanned) = (Vec::new(), 0, 0);
    let mut after = None;
    loop {
        let query = RescreenQuery {
            as_of,
            after: after.clone(),
            limit: 2,
            dry_run,
        };
        let page: RescreenPage = app
            .rescreen_members(&coordinator(), query, now)
            .await
            .unwrap();
        assert!(page.refused.is_empty(), "{:?}", page.refused);
        assert_eq!(page.replayed, 0);
        changes.extend(page.changes);
        unchanged += page.unchanged;
        scanned += page.scanned;
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    (changes, unchanged, scanned)
}

/// (member events, audit lines of `action`) for the scenario's members.
async fn written<S: Store>(app: &App<S>, action: &str) -> (usize, usize) {
    let mut events = 0;
    for (id, _) in members() {
        events += app.store().events_for("member", &id).await.unwrap().len();
    }
    let audit = app
        .store()
        .audit(&AuditFilter {
            org_id: Some(PLAN.into()),
            limit: 10_000,
            ..AuditFilter::default()
        })
        .await
        .unwrap()
        .iter()
        .filter(|l| l.action == action)
        .count();
    (events, audit)
}

pub async fn rescreen_dry_run_matches_the_real_run_and_a_rerun_changes_nothing<S: Store + Clone>(
    store: S,
) {
    let old = app(store.clone());
    world(&old).await;
    let registered = ts("2026-11-23T18:00:00Z");
    for (id, example) in members() {
        old.create(
            &coordinator(),
            &id,
            registration(&id, example_facts(example)),
            None,
            registered,
        )
        .await
        .unwrap();
    }
    give_member(&old, "SYN-RS-2-1", "org-ecm-a").await;
    let as_of = date(2026, 11, 23);
    let now = ts("2026-11-24T18:00:00Z");

    // Under the same pack and date, nothing changes.
    let (same, unchanged, scanned) = run(&old, as_of, true, now).await;
    assert!(same.is_empty(), "{same:?}");
    assert_eq!((unchanged, scanned), (6, 6));

    let new = App::new(store.clone(), changed_pack());
    let before = written(&new, "recompute-member-eligibility").await;
    let (dry, _, scanned) = run(&new, as_of, true, now).await;
    assert_eq!(scanned, 6);
    // The dry run wrote nothing but the audit lines of the members it reported.
    assert_eq!(written(&new, "recompute-member-eligibility").await, before);
    assert_eq!(written(&new, "read-eligibility").await.1, dry.len());

    // The POF 2 members lose POF 2 (and with it ECM eligibility); the others are unchanged.
    let ids: Vec<&str> = dry.iter().map(|c| c.member_id.as_str()).collect();
    assert_eq!(ids, ["SYN-RS-2-1", "SYN-RS-2-2", "SYN-RS-2-3"], "{dry:#?}");
    let first = &dry[0];
    assert_eq!(first.old_policy_version.as_deref(), Some("2026.11.0"));
    assert_eq!(first.new_policy_version, VERSION);
    assert_eq!((first.old_as_of, first.new_as_of), (Some(as_of), as_of));
    // POF 2 is no longer met (the facts' utilization data end the day before the as-of date,
    // so with 99 visits needed the engine cannot rule it out: undetermined).
    assert!(
        first.flipped.contains(&Flip {
            kind: "population",
            key: "2".into(),
            old: Some(Outcome::Met),
            new: Some(Outcome::Undetermined),
        }),
        "{first:#?}"
    );
    assert_eq!(
        (first.old_ecm_eligible, first.new_ecm_eligible),
        (Some(true), None)
    );
    assert!(first.lost_ecm() && !first.gained_ecm());
    assert_eq!(first.needs_review, ["give-SYN-RS-2-1-org-ecm-a"]);
    assert!(dry[1].needs_review.is_empty());

    // The real run writes exactly what the dry run showed: one event and one audit line each.
    let (real, unchanged, _) = run(&new, as_of, false, now).await;
    assert_eq!(real, dry);
    assert_eq!(unchanged, 3);
    assert_eq!(
        written(&new, "recompute-member-eligibility").await,
        (before.0 + 3, before.1 + 3)
    );
    let stored = new
        .member_eligibility(&coordinator(), "SYN-RS-2-2", now)
        .await
        .unwrap();
    assert_eq!(stored.policy_version, VERSION);
    assert_eq!(stored.stored.determination.ecm_eligible, None);
    assert!(
        stored.stored.determination.has_traces(),
        "the new trace is served"
    );
    // The enrollment is listed, not changed: no rule discontinues it.
    let enrollment = new
        .get::<EcmAggregate>(&coordinator(), "give-SYN-RS-2-1-org-ecm-a", now)
        .await
        .unwrap();
    assert_eq!(enrollment.version, 1);

    // Again: nothing to change, nothing written (dry or real).
    let after = written(&new, "recompute-member-eligibility").await;
    let (again, unchanged, _) = run(&new, as_of, true, now).await;
    assert!(again.is_empty(), "{again:?}");
    assert_eq!(unchanged, 6);
    let (again, _, _) = run(&new, as_of, false, now).await;
    assert!(again.is_empty());
    assert_eq!(written(&new, "recompute-member-eligibility").await, after);

    // A reviewer may read members but not recompute them: refused, nothing read.
    let refused = new
        .rescreen_members(
            &reviewer(),
            RescreenQuery {
                as_of,
                after: None,
                limit: 10,
                dry_run: true,
            },
            now,
        )
        .await;
    assert!(matches!(refused, Err(AppError::Forbidden { .. })));
}
