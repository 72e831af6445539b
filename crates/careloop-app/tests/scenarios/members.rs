//! Members: register → audited read → new facts re-determine eligibility (stored in the event);
//! recompute with no change writes nothing; providers see members only with a grant; paging.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use careloop_app::member::{
    MemberListQuery, RecomputeMemberEligibility, RecordMemberFacts, RegisterMember,
    UpdateMemberDemographics,
};
use careloop_app::{Change, checked};
use careloop_domain::eligibility::{IndicatorKind, MemberFacts, Outcome};
use careloop_domain::workflow::member::{Demographics, MemberStatus};
use jiff::civil::date;

const MEMBER: &str = "SYN-1A-001";

pub fn example_facts(name: &str) -> MemberFacts {
    let text = match name {
        "pof-1a-adult" => include_str!("../../../../examples/members/pof-1a-adult.json"),
        "pof-2-adult" => include_str!("../../../../examples/members/pof-2-adult.json"),
        "pof-3-adult" => include_str!("../../../../examples/members/pof-3-adult.json"),
        "hpsm-dsnp" => include_str!("../../../../examples/members/hpsm-dsnp.json"),
        other => panic!("no example {other}"),
    };
    serde_json::from_str(text).expect("example facts parse")
}

pub fn registration(member_id: &str, mut facts: MemberFacts) -> RegisterMember {
    facts.member_id = Some(member_id.into());
    RegisterMember {
        // The registering coordinator's plan (PLAN: hpsm, San Mateo): a plan registers members
        // of its own overlay (issue #12). The example facts' enrollment spans are unchanged.
        plan: Some("hpsm".into()),
        county: "San Mateo".into(),
        demographics: Demographics {
            given_name: Some("Testa".parse().unwrap()),
            family_name: Some("Synthetic".parse().unwrap()),
            preferred_language: Some("es".parse().unwrap()),
            ..Demographics::default()
        },
        cin: Some("SYN00000001A".into()),
        facts,
    }
}

pub fn plan_admin(org: &str) -> Actor {
    Actor::new(
        format!("u-admin-{org}"),
        org,
        OrgKind::Plan,
        vec![Role::PlanAdmin],
    )
    .unwrap()
}

fn actions(lines: &[careloop_store::AuditRecord]) -> Vec<(String, String)> {
    lines
        .iter()
        .map(|l| (l.actor.clone(), l.action.clone()))
        .collect()
}

pub async fn member_register_read_and_new_facts_redetermine<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    // 05:30Z on Nov 23 is Nov 22 in Los Angeles.
    let t0 = ts("2026-11-23T05:30:00Z");
    let created = app
        .create(
            &coordinator(),
            MEMBER,
            registration(MEMBER, example_facts("pof-1a-adult")),
            Some("reg-1"),
            t0,
        )
        .await
        .unwrap();
    assert_eq!(
        (created.version, created.status.as_str(), created.due_at),
        (1, "active", None)
    );
    assert_eq!(created.owners.owner_org_id, PLAN);
    assert_eq!(created.state.status, MemberStatus::Active);
    let first = created.state.determination.clone().unwrap().determination;
    assert_eq!(first.as_of, date(2026, 11, 22));
    assert_eq!(first.ecm_eligible, Some(true));

    // The stored body carries the facts under `state.facts` (contract 1), packed (issue #15).
    let raw = app.store().get("member", MEMBER).await.unwrap().unwrap();
    assert!(raw.body["state"].get("zstd-1").is_some());
    let state = careloop_app::plain_json(raw.body["state"].clone()).unwrap();
    assert_eq!(state["facts"]["birth_date"], "1980-03-15");
    assert_eq!(state["plan"], "hpsm");

    // An audited read by a plan UM reviewer.
    let got = app
        .get::<MemberAggregate>(&reviewer(), MEMBER, ts("2026-11-23T18:00:00Z"))
        .await
        .unwrap();
    assert_eq!(got, created);

    // New facts: without homelessness POF 1a is no longer met; the event carries the result.
    let mut facts = example_facts("pof-1a-adult");
    facts
        .indicators
        .retain(|i| i.kind != IndicatorKind::Homelessness);
    let t1 = ts("2026-11-24T18:00:00Z");
    let changed = app
        .change(
            &coordinator(),
            MEMBER,
            RecordMemberFacts { facts }.expecting(Some(1)),
            None,
            t1,
        )
        .await
        .unwrap();
    let second = changed.state.determination.clone().unwrap();
    assert_eq!(changed.version, 2);
    assert_eq!(second.computed_at, t1);
    assert_eq!(second.determination.as_of, date(2026, 11, 24));
    assert_ne!(
        second.determination.population("1a").map(|p| p.status),
        Some(Outcome::Met)
    );
    assert_ne!(second.determination.ecm_eligible, first.ecm_eligible);
    let events = app.store().events_for("member", MEMBER).await.unwrap();
    let types: Vec<_> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(types, ["registered", "facts-recorded"]);
    let carried = careloop_app::plain_json(events[1].body["events"][0].clone()).unwrap();
    let carried = &carried["determination"];
    assert_eq!(
        carried["determination_id"],
        second.determination.determination_id.as_str()
    );

    // Recompute on the same day: same result, no event, the access is audited.
    let same = app
        .change(
            &plan_admin(PLAN),
            MEMBER,
            RecomputeMemberEligibility::default(),
            None,
            ts("2026-11-24T20:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(same, changed);
    assert_eq!(
        app.store()
            .events_for("member", MEMBER)
            .await
            .unwrap()
            .len(),
        2
    );

    // The "why" view: the stored determination with its trace, audited.
    let why = app
        .member_eligibility(&reviewer(), MEMBER, ts("2026-11-25T18:00:00Z"))
        .await
        .unwrap();
    assert_eq!(
        (why.version, why.as_of, why.policy_version.as_str()),
        (2, date(2026, 11, 24), app.pack().version())
    );
    assert!(!why.stored.determination.populations.is_empty());

    // Contact data is replaced without touching the facts or the determination.
    let updated = app
        .change(
            &coordinator(),
            MEMBER,
            UpdateMemberDemographics {
                demographics: Demographics {
                    phone: Some("555-0100".parse().unwrap()),
                    ..Demographics::default()
                },
            }
            .expecting(Some(2)),
            None,
            ts("2026-11-26T18:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(updated.version, 3);
    assert_eq!(updated.state.determination, changed.state.determination);

    let lines = audit_lines(app.store(), "member", MEMBER).await;
    let want = [
        ("u-coord", "register-member"),
        ("u-reviewer", "read"),
        ("u-coord", "record-member-facts"),
        ("u-admin-org-plan-hpsm", "recompute-member-eligibility"),
        ("u-reviewer", "read-eligibility"),
        ("u-coord", "update-member"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(actions(&lines), want);
    assert!(lines.iter().all(|l| l.member_id.as_deref() == Some(MEMBER)));

    // An idempotent retry of the registration returns the stored response and writes nothing.
    let retry = app
        .create(
            &coordinator(),
            MEMBER,
            registration(MEMBER, example_facts("pof-1a-adult")),
            Some("reg-1"),
            t0,
        )
        .await
        .unwrap();
    assert_eq!(retry, created);
    assert_eq!(audit_lines(app.store(), "member", MEMBER).await.len(), 6);
}

pub async fn member_roles_and_invalid_input_are_refused<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    let t0 = ts("2026-11-23T18:00:00Z");
    for actor in [reviewer(), provider("org-ecm-a"), referrer("org-ref-1")] {
        let err = app
            .create(
                &actor,
                "SYN-X",
                registration("SYN-X", example_facts("pof-3-adult")),
                None,
                t0,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
        assert_eq!(err.http_status(), 403);
    }
    let mut mismatch = registration("SYN-X", example_facts("pof-3-adult"));
    mismatch.facts.member_id = Some("SYN-OTHER".into());
    let err = app
        .create(&coordinator(), "SYN-X", mismatch, None, t0)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AppError::Invalid {
                field: "facts.member_id",
                ..
            }
        ),
        "{err}"
    );
    let mut unknown = registration("SYN-X", example_facts("pof-3-adult"));
    unknown.plan = Some("no-such-plan".into());
    let err = app
        .create(&coordinator(), "SYN-X", unknown, None, t0)
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Invalid { field: "plan", .. }),
        "{err}"
    );
    assert_eq!(app.store().get("member", "SYN-X").await.unwrap(), None);

    app.create(
        &coordinator(),
        "SYN-X",
        registration("SYN-X", example_facts("pof-3-adult")),
        None,
        t0,
    )
    .await
    .unwrap();
    let err = app
        .create(
            &coordinator(),
            "SYN-X",
            registration("SYN-X", example_facts("pof-3-adult")),
            None,
            t0,
        )
        .await
        .unwrap_err();
    // Registering an existing member id is a conflict on the store's version check.
    assert!(matches!(err, AppError::Conflict { .. }), "{err}");
    assert_eq!(err.http_status(), 409);
    let err = app
        .get::<MemberAggregate>(&referrer("org-ref-1"), "SYN-X", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    let err = app
        .change(
            &reviewer(),
            "SYN-X",
            RecordMemberFacts {
                facts: MemberFacts::default(),
            },
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    let err = app
        .change(
            &coordinator(),
            "SYN-X",
            RecordMemberFacts {
                facts: MemberFacts::default(),
            }
            .expecting(Some(7)),
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict { .. }), "{err}");
    // Another plan's coordinator does not see this plan's member.
    let other_plan = Actor::new(
        "u-coord-2",
        "org-plan-other",
        OrgKind::Plan,
        vec![Role::PlanCareCoordinator],
    )
    .unwrap();
    let err = app
        .get::<MemberAggregate>(&other_plan, "SYN-X", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
}

/// A provider sees a member only after the plan gives it the member (issue #12: an ECM
/// enrollment or a referral assignment); submitting an authorization request grants nothing.
pub async fn provider_sees_member_only_with_a_grant<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    let t0 = ts("2026-11-23T18:00:00Z");
    let mut facts = example_facts("hpsm-dsnp");
    facts.member_id = None;
    let mut input = registration("SYN-HPSM-001", facts);
    input.plan = Some("hpsm".into());
    input.county = "San Mateo".into();
    app.create(&coordinator(), "SYN-HPSM-001", input, None, t0)
        .await
        .unwrap();
    let prov = provider("org-ecm-a");
    let err = app
        .get::<MemberAggregate>(&prov, "SYN-HPSM-001", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let err = app
        .member_eligibility(&prov, "SYN-HPSM-001", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let listed = app
        .list_members(
            &prov,
            MemberListQuery {
                limit: 10,
                after: None,
            },
            t0,
        )
        .await
        .unwrap();
    assert!(listed.items.is_empty());
    let denied = |action: &str| -> Vec<(String, String, Option<String>)> {
        let mut owned = vec![
            (action.to_owned(), "org-ecm-a".to_owned(), None),
            (
                action.to_owned(),
                PLAN.to_owned(),
                Some("SYN-HPSM-001".to_owned()),
            ),
        ];
        owned.sort();
        owned
    };
    let lines = |action: &'static str| {
        let app = &app;
        let prov = &prov;
        async move {
            let mut seen: Vec<_> = audit_lines(app.store(), "member", "SYN-HPSM-001")
                .await
                .into_iter()
                .filter(|l| l.actor == prov.user_id && l.action == action)
                .map(|l| (l.action, l.org_id, l.member_id))
                .collect();
            seen.sort();
            seen
        }
    };
    // Issue #12: the refusal is in the provider's log without the member id and in the owning
    // plan's log with it (before, one line in the provider's log named the member).
    assert_eq!(lines("read-denied").await, denied("read-denied"));
    assert_eq!(
        lines("read-eligibility-denied").await,
        denied("read-eligibility-denied")
    );

    // Submitting an authorization for the member does not give it to the provider (issue #12;
    // before, the submission granted access): refused like a missing member, audited, no record.
    let err = app
        .create(&prov, "auth-0", submission("SYN-HPSM-001"), None, t0)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AppError::Invalid {
                field: "member_id",
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        app.store().get("authorization", "auth-0").await.unwrap(),
        None
    );
    assert!(
        !app.store()
            .has_access("org-ecm-a", "SYN-HPSM-001")
            .await
            .unwrap()
    );
    assert_eq!(
        lines("submit-authorization-denied").await,
        denied("submit-authorization-denied")
    );
    let err = app
        .get::<MemberAggregate>(&prov, "SYN-HPSM-001", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");

    // The plan gives the member to the provider (ECM enrollment): now it sees the member and
    // may request its authorization.
    app.create(
        &coordinator(),
        "ecm-hpsm-1",
        careloop_app::ecm::OpenEcmEnrollment {
            member_id: checked("member_id", "SYN-HPSM-001").unwrap(),
            provider_org_id: checked("provider_org_id", "org-ecm-a").unwrap(),
            plan_id: None,
            county: None,
        },
        None,
        t0,
    )
    .await
    .unwrap();
    app.create(&prov, "auth-1", submission("SYN-HPSM-001"), None, t0)
        .await
        .unwrap();
    let got = app
        .get::<MemberAggregate>(&prov, "SYN-HPSM-001", t0)
        .await
        .unwrap();
    assert_eq!(got.state.plan.as_deref(), Some("hpsm"));
    let why = app
        .member_eligibility(&prov, "SYN-HPSM-001", t0)
        .await
        .unwrap();
    assert_eq!(why.member_id, "SYN-HPSM-001");
    let listed = app
        .list_members(
            &prov,
            MemberListQuery {
                limit: 10,
                after: None,
            },
            t0,
        )
        .await
        .unwrap();
    let ids: Vec<_> = listed.items.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["SYN-HPSM-001"]);
    // Providers read but do not write members.
    let err = app
        .change(
            &prov,
            "SYN-HPSM-001",
            UpdateMemberDemographics {
                demographics: Demographics::default(),
            },
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    // Another provider still does not see the member.
    let err = app
        .get::<MemberAggregate>(&provider("org-ecm-z"), "SYN-HPSM-001", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
}

pub async fn member_list_pages_by_id_within_the_plan<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    let t0 = ts("2026-11-23T18:00:00Z");
    for id in ["SYN-M-3", "SYN-M-1", "SYN-M-5", "SYN-M-2", "SYN-M-4"] {
        app.create(
            &coordinator(),
            id,
            registration(id, example_facts("pof-3-adult")),
            None,
            t0,
        )
        .await
        .unwrap();
    }
    add_org(
        &app,
        careloop_app::Organization {
            id: "org-plan-other".into(),
            name: "Synthetic other plan".into(),
            kind: OrgKind::Plan,
            plan: Some("hpsm".into()),
            counties: vec!["San Mateo".into()],
        },
    )
    .await;
    app.create(
        &plan_admin("org-plan-other"),
        "SYN-M-0",
        registration("SYN-M-0", example_facts("pof-3-adult")),
        None,
        t0,
    )
    .await
    .unwrap();
    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = app
            .list_members(&reviewer(), MemberListQuery { limit: 2, after }, t0)
            .await
            .unwrap();
        pages += 1;
        seen.extend(page.items.iter().map(|r| r.id.clone()));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["SYN-M-1", "SYN-M-2", "SYN-M-3", "SYN-M-4", "SYN-M-5"],
        "by id, this plan's only, each once"
    );
    assert_eq!(pages, 3);
    let listed = audit_lines(app.store(), "member", "SYN-M-4").await;
    assert_eq!(
        actions(&listed),
        [
            ("u-coord".to_owned(), "register-member".to_owned()),
            ("u-reviewer".to_owned(), "list".to_owned()),
        ]
    );
    let err = app
        .list_members(
            &reviewer(),
            MemberListQuery {
                limit: 0,
                after: None,
            },
            t0,
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Invalid { field: "limit", .. }),
        "{err}"
    );
    let err = app
        .list_members(
            &referrer("org-ref-1"),
            MemberListQuery {
                limit: 10,
                after: None,
            },
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
}
