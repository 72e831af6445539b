//! ECM enrollment use cases: open → outreach → enroll (exclusion check on the member's facts) →
//! Lead Care Manager, care team, assessment, goals, core-service activities → re-authorize →
//! discontinue; the re-authorization queue; access and idempotency. Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;
use careloop_app::ecm::{
    AddCareTeamMember, AssignLeadCareManager, DiscontinueEcm, EcmReauthorizationQueueQuery,
    EnrollEcm, OpenEcmEnrollment, ReauthorizeEcm, RecordAssessment, RecordCarePlanGoal,
    RecordCoreServiceActivity, RecordOutreachAttempt,
};
use careloop_app::member::RegisterMember;
use careloop_app::{Change, checked};
use careloop_domain::workflow::ecm::{ContactMode, CoreService, GoalStatus, StaffType};
use jiff::civil::Date;

/// Synthetic member facts (examples/members/pof-1a-adult.json): homeless with a complex need,
/// enrolled in Medi-Cal, every ECM exclusion assessed absent from 2026-11-01.
const POF_1A_FACTS: &str = include_str!("../../../../examples/members/pof-1a-adult.json");

pub fn day(s: &str) -> Date {
    s.parse().expect("civil date")
}

/// The facts of examples/members/pof-1a-adult.json, with `member_id` set, optionally with the
/// indicator `kind` (e.g. "hospice") present instead of assessed absent.
pub fn ecm_facts(member_id: &str, present: Option<&str>) -> serde_json::Value {
    let mut facts: serde_json::Value = serde_json::from_str(POF_1A_FACTS).unwrap();
    facts["member_id"] = member_id.into();
    if let Some(kind) = present {
        let indicator = facts["indicators"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|i| i["kind"] == kind)
            .expect("indicator in the example facts");
        indicator.as_object_mut().unwrap().remove("status");
    }
    facts
}

/// Registers the member (facts from `ecm_facts`) through the member use case, as a care
/// coordinator of its plan (PLAN: hpsm, San Mateo), before the member's ECM enrollment is opened.
pub async fn seed_member<S: Store>(app: &App<S>, member_id: &str, facts: serde_json::Value) {
    let input = RegisterMember {
        plan: Some("hpsm".into()),
        county: "San Mateo".into(),
        demographics: Default::default(),
        cin: None,
        facts: serde_json::from_value(facts).unwrap(),
    };
    app.create(
        &coordinator(),
        member_id,
        input,
        None,
        ts("2026-10-01T00:00:00Z"),
    )
    .await
    .unwrap();
}

pub fn open_input(member: &str, provider_org: &str) -> OpenEcmEnrollment {
    OpenEcmEnrollment {
        member_id: checked("member_id", member).unwrap(),
        provider_org_id: checked("provider_org_id", provider_org).unwrap(),
        plan_id: Some("hpsm".into()),
        county: Some(checked("county", "San Mateo").unwrap()),
    }
}

pub fn outreach(date: &str, mode: ContactMode, reached: bool) -> RecordOutreachAttempt {
    RecordOutreachAttempt {
        date: day(date),
        channel: if mode == ContactMode::InPerson {
            Channel::InPerson
        } else {
            Channel::Phone
        },
        mode,
        staff: StaffType::NonClinical,
        reached,
    }
}

pub fn enroll_input(start: &str, auth: &str) -> EnrollEcm {
    EnrollEcm {
        start: day(start),
        authorization_id: auth.into(),
        lead_care_manager: "lcm-1".into(),
    }
}

/// Seeds the member, opens the enrollment for `provider_org` and enrolls from `start` (the
/// organizations must exist: `world`).
pub async fn enrolled<S: Store>(
    app: &App<S>,
    id: &str,
    member: &str,
    provider_org: &str,
    start: &str,
) {
    seed_member(app, member, ecm_facts(member, None)).await;
    let t_open = ts("2026-11-01T17:00:00Z");
    app.create(
        &coordinator(),
        id,
        open_input(member, provider_org),
        None,
        t_open,
    )
    .await
    .unwrap();
    let auth = format!("{id}-auth");
    approved_ecm_request(app, &auth, member, provider_org, Service::EcmInitial, start).await;
    let rec = app
        .change(
            &provider(provider_org),
            id,
            EnrollEcm {
                lead_care_manager: lcm_of(provider_org).into(),
                ..enroll_input(start, &auth)
            },
            None,
            ts("2026-11-20T17:00:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(rec.status, "enrolled", "{id}");
}

/// open → two outreach attempts → enroll → LCM → care team → assessment → goals → activities for
/// the 7 core services → re-authorize (plan) → discontinue; one event and one audit line each.
pub async fn ecm_enrollment_flow_open_to_discontinue<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    lcm_users(&app).await;
    seed_member(&app, "mem-ecm-1", ecm_facts("mem-ecm-1", None)).await;
    let coord = coordinator();
    let cm = provider("org-ecm-a");
    let t = |d: &str| ts(&format!("{d}T17:00:00Z"));

    let rec = app
        .create(
            &coord,
            "ecm-1",
            open_input("mem-ecm-1", "org-ecm-a"),
            None,
            t("2026-11-02"),
        )
        .await
        .unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (1, "outreach"));
    assert_eq!(rec.owners.owner_org_id, PLAN);
    assert_eq!(rec.state.provider_id, "org-ecm-a");
    assert_eq!(rec.due_at, None);
    assert!(
        app.store()
            .has_access("org-ecm-a", "mem-ecm-1")
            .await
            .unwrap()
    );
    // Only plan care coordinators assign members to ECM providers.
    let err = app
        .create(
            &cm,
            "ecm-2",
            open_input("mem-ecm-1", "org-ecm-a"),
            None,
            t("2026-11-02"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");

    app.change(
        &cm,
        "ecm-1",
        outreach("2026-11-03", ContactMode::Telephonic, false),
        None,
        t("2026-11-03"),
    )
    .await
    .unwrap();
    let rec = app
        .change(
            &cm,
            "ecm-1",
            outreach("2026-11-05", ContactMode::InPerson, true),
            None,
            t("2026-11-05"),
        )
        .await
        .unwrap();
    assert_eq!(rec.state.outreach.len(), 2);
    assert!(!rec.state.outreach[0].reached && rec.state.outreach[1].reached);
    assert_eq!(rec.state.outreach[1].mode, ContactMode::InPerson);
    assert_eq!(rec.state.outreach[1].actor.0, "u-cm-org-ecm-a");

    approved_ecm_request(
        &app,
        "ecm-auth-1",
        "mem-ecm-1",
        "org-ecm-a",
        Service::EcmInitial,
        "2026-11-16",
    )
    .await;
    let rec = app
        .change(
            &cm,
            "ecm-1",
            EnrollEcm {
                ..enroll_input("2026-11-16", "ecm-auth-1")
            }
            .expecting(Some(3)),
            None,
            t("2026-11-06"),
        )
        .await
        .unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (4, "enrolled"));
    assert_eq!(rec.state.enrolled_on, Some(day("2026-11-16")));
    assert_eq!(rec.state.periods[0].through, day("2027-11-15"));
    assert_eq!(rec.state.lead_care_manager.as_deref(), Some("lcm-1"));
    let check = rec.state.exclusion_check.as_ref().unwrap();
    assert_eq!(check.as_of, day("2026-11-16"));
    for rule in [
        "exclusion.hospice",
        "exclusion.pace",
        "exclusion.ccm",
        "exclusion.cct",
        "exclusion.waiver_1915c",
    ] {
        assert!(check.rules_checked.iter().any(|r| r == rule), "{rule}");
    }
    // Due: the start of the period's last day in California (PST, UTC-8).
    assert_eq!(rec.due_at, Some(ts("2027-11-15T08:00:00Z")));

    // The Lead Care Manager is a user of the enrollment's provider: another provider's user or
    // an unknown name is refused, naming the field (the reference is resolved, issue #16).
    for (person, problem) in [
        ("lcm-b", "lcm-b is not a user of organization org-ecm-a"),
        (
            "nobody-9",
            "nobody-9 is not a user of organization org-ecm-a",
        ),
    ] {
        let assign = AssignLeadCareManager {
            person_id: person.into(),
        };
        let err = app
            .change(&cm, "ecm-1", assign, None, t("2026-11-17"))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, AppError::Invalid { field: "person_id", problem: p } if p == problem),
            "{err:?}"
        );
    }
    app.change(
        &cm,
        "ecm-1",
        AssignLeadCareManager {
            person_id: "lcm-2".into(),
        },
        None,
        t("2026-11-17"),
    )
    .await
    .unwrap();
    app.change(
        &cm,
        "ecm-1",
        AddCareTeamMember {
            person_id: "pcp-1".into(),
            role: "pcp".into(),
        },
        None,
        t("2026-11-17"),
    )
    .await
    .unwrap();
    app.change(
        &cm,
        "ecm-1",
        RecordAssessment {
            assessment_id: "asmt-ecm-1".into(),
            started: day("2026-11-17"),
            completed: Some(day("2026-11-20")),
            answers: Vec::new(),
        },
        None,
        t("2026-11-20"),
    )
    .await
    .unwrap();
    for (goal, status) in [("goal-1", GoalStatus::Open), ("goal-1", GoalStatus::Met)] {
        app.change(
            &cm,
            "ecm-1",
            RecordCarePlanGoal {
                goal_id: goal.into(),
                description: "stable housing application submitted".into(),
                status,
                revised_on: day("2026-11-21"),
            },
            None,
            t("2026-11-21"),
        )
        .await
        .unwrap();
    }
    let mut rec = None;
    for service in CoreService::ALL {
        rec = Some(
            app.change(
                &cm,
                "ecm-1",
                RecordCoreServiceActivity {
                    service,
                    date: day("2026-11-23"),
                    description: "synthetic activity".into(),
                },
                None,
                t("2026-11-23"),
            )
            .await
            .unwrap(),
        );
    }
    let rec = rec.unwrap();
    assert_eq!(rec.version, 4 + 1 + 1 + 1 + 2 + 7);
    assert_eq!(rec.state.lead_care_manager.as_deref(), Some("lcm-2"));
    assert_eq!(rec.state.care_team.len(), 1);
    assert_eq!(rec.state.assessments.len(), 1);
    assert_eq!(
        rec.state.goals.len(),
        1,
        "recording goal-1 again revises it"
    );
    assert_eq!(rec.state.goals[0].status, GoalStatus::Met);
    let services: Vec<CoreService> = rec.state.activities.iter().map(|a| a.service).collect();
    assert_eq!(services, CoreService::ALL);

    // Re-authorization is the plan's decision: the provider may not, the plan reviewer may.
    approved_ecm_request(
        &app,
        "ecm-auth-2",
        "mem-ecm-1",
        "org-ecm-a",
        Service::EcmReauthorization,
        "2027-11-16",
    )
    .await;
    let reauth = ReauthorizeEcm {
        start: day("2027-11-16"),
        authorization_id: "ecm-auth-2".into(),
    };
    let err = app
        .change(&cm, "ecm-1", reauth.clone(), None, t("2027-11-01"))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    let rec = app
        .change(&reviewer(), "ecm-1", reauth, None, t("2027-11-01"))
        .await
        .unwrap();
    assert_eq!(rec.state.authorization_ids, ["ecm-auth-1", "ecm-auth-2"]);
    assert_eq!(rec.state.periods[1].through, day("2028-05-15"));
    assert_eq!(rec.state.periods[1].months, Some(6));
    // PDT (UTC-7) in May.
    assert_eq!(rec.due_at, Some(ts("2028-05-15T07:00:00Z")));

    // An unknown reason is refused naming the field; a known one discontinues.
    let err = app
        .change(
            &cm,
            "ecm-1",
            DiscontinueEcm {
                on: day("2028-01-10"),
                reason: "moved-away".into(),
                note: None,
            },
            None,
            t("2028-01-10"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AppError::Invalid {
                field: "discontinuation reason",
                ..
            }
        ),
        "{err}"
    );
    let rec = app
        .change(
            &cm,
            "ecm-1",
            DiscontinueEcm {
                on: day("2028-01-10"),
                reason: "member-declined".into(),
                note: Some("prefers to stop".into()),
            },
            None,
            t("2028-01-10"),
        )
        .await
        .unwrap();
    assert_eq!(rec.status, "discontinued");
    assert_eq!(
        rec.due_at, None,
        "a discontinued enrollment leaves the queue"
    );
    let disc = rec.state.discontinuation.as_ref().unwrap();
    assert_eq!(disc.reason, "member-declined");
    assert!(!disc.citation.source.is_empty());

    let events = app
        .store()
        .events_for("ecm-enrollment", "ecm-1")
        .await
        .unwrap();
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    let mut expected = vec![
        "opened",
        "outreach-attempt-recorded",
        "outreach-attempt-recorded",
        "enrolled",
        "lead-care-manager-assigned",
        "care-team-member-added",
        "assessment-recorded",
        "care-plan-goal-recorded",
        "care-plan-goal-recorded",
    ];
    expected.extend(["core-service-activity-recorded"; 7]);
    expected.extend(["reauthorized", "discontinued"]);
    assert_eq!(types, expected);

    // The plan reads it; the read and every change are audited, refusals too.
    let read = app
        .get::<EcmAggregate>(&coord, "ecm-1", t("2028-01-11"))
        .await
        .unwrap();
    assert_eq!(read, rec);
    let lines = audit_lines(app.store(), "ecm-enrollment", "ecm-1").await;
    let forbidden: Vec<(&str, Option<&str>)> = lines
        .iter()
        .filter(|l| l.action == "reauthorize-ecm-forbidden")
        .map(|l| (l.org_id.as_str(), l.member_id.as_deref()))
        .collect();
    assert_eq!(forbidden, [("org-ecm-a", None), (PLAN, Some("mem-ecm-1"))]);
    let actions: Vec<String> = lines.into_iter().map(|a| a.action).collect();
    let mut want = vec![
        "open-ecm-enrollment",
        "record-outreach-attempt",
        "record-outreach-attempt",
        "enroll-ecm",
        "assign-lead-care-manager",
        "add-care-team-member",
        "record-assessment",
        "record-care-plan-goal",
        "record-care-plan-goal",
    ];
    want.extend(["record-core-service-activity"; 7]);
    want.extend([
        // Issue #12: the refusal is in the provider's log and in the owning plan's log.
        "reauthorize-ecm-forbidden",
        "reauthorize-ecm-forbidden",
        "reauthorize-ecm",
        "discontinue-ecm",
        "read",
    ]);
    assert_eq!(actions, want);
}

/// Issue #14 item 9: a member whose 1915(c) waiver span (HCBA) is open on the start date is
/// refused ECM enrollment through the one command path, the error naming the waiver and its span
/// ("they cannot be enrolled in ECM and a 1915(c) waiver program at the same time", seed 003).
pub async fn ecm_enrollment_refused_while_a_waiver_is_open<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    lcm_users(&app).await;
    let cm = provider("org-ecm-a");
    let t0 = ts("2026-11-02T17:00:00Z");
    let mut facts = ecm_facts("mem-waiver", Some("waiver-1915c"));
    let waiver = facts["indicators"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|i| i["kind"] == "waiver-1915c")
        .unwrap();
    waiver["waiver"] = "hcba".into();
    seed_member(&app, "mem-waiver", facts).await;
    app.create(
        &coordinator(),
        "ecm-w",
        open_input("mem-waiver", "org-ecm-a"),
        None,
        t0,
    )
    .await
    .unwrap();
    approved_ecm_request(
        &app,
        "a-w",
        "mem-waiver",
        "org-ecm-a",
        Service::EcmInitial,
        "2026-11-16",
    )
    .await;
    let err = app
        .change(&cm, "ecm-w", enroll_input("2026-11-16", "a-w"), None, t0)
        .await
        .unwrap_err();
    match &err {
        AppError::Invalid { field, problem } => {
            assert_eq!(*field, "determination");
            assert!(problem.contains("exclusion.waiver_1915c"), "{problem}");
            assert!(
                problem.contains("Home and Community-Based Alternatives (HCBA) Waiver, from"),
                "{problem}"
            );
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    let rec = app.get::<EcmAggregate>(&cm, "ecm-w", t0).await.unwrap();
    assert_eq!(rec.status.as_str(), "outreach");
}

/// A member in hospice on the start date cannot be enrolled: the error names the rule and its
/// citation, and nothing is stored. No member record: the enrollment cannot even be opened
/// (Invalid naming member_id, issue #12), and nothing is stored.
pub async fn ecm_enrollment_blocked_by_exclusion<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    lcm_users(&app).await;
    let cm = provider("org-ecm-a");
    let t0 = ts("2026-11-02T17:00:00Z");
    seed_member(
        &app,
        "mem-hospice",
        ecm_facts("mem-hospice", Some("hospice")),
    )
    .await;
    app.create(
        &coordinator(),
        "ecm-h",
        open_input("mem-hospice", "org-ecm-a"),
        None,
        t0,
    )
    .await
    .unwrap();
    approved_ecm_request(
        &app,
        "a-1",
        "mem-hospice",
        "org-ecm-a",
        Service::EcmInitial,
        "2026-11-16",
    )
    .await;
    let err = app
        .change(&cm, "ecm-h", enroll_input("2026-11-16", "a-1"), None, t0)
        .await
        .unwrap_err();
    match &err {
        AppError::Invalid { field, problem } => {
            assert_eq!(*field, "determination");
            assert!(problem.contains("ECM enrollment is blocked"), "{problem}");
            assert!(problem.contains("exclusion.hospice"), "{problem}");
            assert!(!problem.contains("exclusion.pace"), "{problem}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(err.http_status(), 422);
    let rec = app.get::<EcmAggregate>(&cm, "ecm-h", t0).await.unwrap();
    assert_eq!((rec.version, rec.status.as_str()), (1, "outreach"));
    assert_eq!(
        app.store()
            .events_for("ecm-enrollment", "ecm-h")
            .await
            .unwrap()
            .len(),
        1
    );

    // Before the exclusions were assessed (2026-11-01) they are undetermined: named, not enrolled.
    let err = app
        .change(&cm, "ecm-h", enroll_input("2026-10-15", "a-1"), None, t0)
        .await
        .unwrap_err();
    match &err {
        AppError::Invalid { field, problem } => {
            assert_eq!(*field, "determination");
            assert!(problem.starts_with("undetermined"), "{problem}");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }

    // No member record at all: issue #12 refuses the enrollment when it is opened (before, it
    // was opened and only enrolling it was refused).
    let err = app
        .create(
            &coordinator(),
            "ecm-nomem",
            open_input("mem-unknown", "org-ecm-a"),
            None,
            t0,
        )
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
        app.store()
            .get("ecm-enrollment", "ecm-nomem")
            .await
            .unwrap(),
        None
    );
    assert!(
        !app.store()
            .has_access("org-ecm-a", "mem-unknown")
            .await
            .unwrap()
    );
}

/// Another provider organization (and another plan) gets NotFound on read and write, like a
/// missing record, audited as denied; a provider with a grant for the member that is not the
/// enrollment's provider may read but not change it.
pub async fn ecm_other_provider_gets_not_found_and_is_audited<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    seed_member(&app, "mem-x", ecm_facts("mem-x", None)).await;
    let t0 = ts("2026-11-02T17:00:00Z");
    app.create(
        &coordinator(),
        "ecm-x",
        open_input("mem-x", "org-ecm-a"),
        None,
        t0,
    )
    .await
    .unwrap();
    let other = provider("org-ecm-z");
    let err = app
        .get::<EcmAggregate>(&other, "ecm-x", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let missing = app
        .get::<EcmAggregate>(&other, "ecm-none", t0)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string().replace("ecm-x", "?"),
        missing.to_string().replace("ecm-none", "?")
    );
    let err = app
        .change(
            &other,
            "ecm-x",
            outreach("2026-11-03", ContactMode::Telephonic, false),
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");
    let other_plan = Actor::new(
        "u-coord-2",
        "org-plan-other",
        OrgKind::Plan,
        vec![Role::PlanCareCoordinator],
    )
    .unwrap();
    let err = app
        .get::<EcmAggregate>(&other_plan, "ecm-x", t0)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::NotFound { .. }), "{err}");

    let lines = audit_lines(app.store(), "ecm-enrollment", "ecm-x").await;
    let denied: Vec<(&str, &str, Option<&str>)> = lines
        .iter()
        .filter(|l| l.action.ends_with("-denied"))
        .map(|l| (l.org_id.as_str(), l.action.as_str(), l.member_id.as_deref()))
        .collect();
    // Issue #12: the caller's log has no member id; the owning plan's log has it.
    assert_eq!(
        denied,
        [
            ("org-ecm-z", "read-denied", None),
            (PLAN, "read-denied", Some("mem-x")),
            ("org-ecm-z", "record-outreach-attempt-denied", None),
            (PLAN, "record-outreach-attempt-denied", Some("mem-x")),
            ("org-plan-other", "read-denied", None),
            (PLAN, "read-denied", Some("mem-x")),
        ]
    );

    // org-ecm-b is granted the same member by another enrollment: it sees ecm-x, cannot change it.
    app.create(
        &coordinator(),
        "ecm-y",
        open_input("mem-x", "org-ecm-b"),
        None,
        t0,
    )
    .await
    .unwrap();
    let b = provider("org-ecm-b");
    assert_eq!(
        app.get::<EcmAggregate>(&b, "ecm-x", t0)
            .await
            .unwrap()
            .version,
        1
    );
    let err = app
        .change(
            &b,
            "ecm-x",
            outreach("2026-11-03", ContactMode::Telephonic, false),
            None,
            t0,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");
    let stored = app
        .store()
        .get("ecm-enrollment", "ecm-x")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.version, 1);
}

/// The queue lists enrolled records whose re-authorization is due within 30 days (overdue ones
/// too), soonest first, for the plan that owns them or the provider granted the member; paged.
pub async fn ecm_reauthorization_queue_lists_due_within_30_days<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    lcm_users(&app).await;
    // Initial periods are 12 months: due = start + 12 months - 1 day.
    enrolled(&app, "ecm-q-a", "mem-q-a", "org-ecm-a", "2026-11-16").await; // due 2027-11-15
    enrolled(&app, "ecm-q-b", "mem-q-b", "org-ecm-a", "2026-12-20").await; // due 2027-12-19
    enrolled(&app, "ecm-q-c", "mem-q-c", "org-ecm-b", "2026-11-20").await; // due 2027-11-19
    enrolled(&app, "ecm-q-e", "mem-q-e", "org-ecm-a", "2026-11-05").await; // due 2027-11-04
    enrolled(&app, "ecm-q-d", "mem-q-d", "org-ecm-a", "2026-11-06").await; // discontinued below
    app.change(
        &coordinator(),
        "ecm-q-d",
        DiscontinueEcm {
            on: day("2027-01-10"),
            reason: "member-declined".into(),
            note: None,
        },
        None,
        ts("2027-01-10T17:00:00Z"),
    )
    .await
    .unwrap();
    // Still in outreach: never on the queue.
    seed_member(&app, "mem-q-o", ecm_facts("mem-q-o", None)).await;
    app.create(
        &coordinator(),
        "ecm-q-o",
        open_input("mem-q-o", "org-ecm-a"),
        None,
        ts("2026-11-01T17:00:00Z"),
    )
    .await
    .unwrap();

    let now = ts("2027-11-10T18:00:00Z");
    let query = |limit: u32| EcmReauthorizationQueueQuery {
        plan_id: None,
        county: None,
        limit,
        after: None,
    };
    let ids = |page: &careloop_app::ecm::EcmReauthorizationPage| -> Vec<String> {
        page.items.iter().map(|i| i.record.id.clone()).collect()
    };

    // The plan: e (overdue), a, c; b is 39 days out.
    let page = app
        .ecm_reauthorization_queue(&coordinator(), query(100), now)
        .await
        .unwrap();
    assert_eq!(ids(&page), ["ecm-q-e", "ecm-q-a", "ecm-q-c"]);
    let e = &page.items[0].entry;
    assert_eq!(
        (e.due, e.days_left, e.overdue),
        (day("2027-11-04"), -6, true)
    );
    let a = &page.items[1].entry;
    assert_eq!(
        (a.due, a.days_left, a.overdue),
        (day("2027-11-15"), 5, false)
    );
    assert_eq!(a.member_id, "mem-q-a");

    // Paged by (due_at, id).
    let first = app
        .ecm_reauthorization_queue(&coordinator(), query(2), now)
        .await
        .unwrap();
    assert_eq!(ids(&first), ["ecm-q-e", "ecm-q-a"]);
    let second = app
        .ecm_reauthorization_queue(
            &coordinator(),
            EcmReauthorizationQueueQuery {
                after: first.next.clone(),
                ..query(2)
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(ids(&second), ["ecm-q-c"]);

    // Providers see only enrollments about members granted to them.
    let page = app
        .ecm_reauthorization_queue(&provider("org-ecm-a"), query(100), now)
        .await
        .unwrap();
    assert_eq!(ids(&page), ["ecm-q-e", "ecm-q-a"]);
    let page = app
        .ecm_reauthorization_queue(&provider("org-ecm-b"), query(100), now)
        .await
        .unwrap();
    assert_eq!(ids(&page), ["ecm-q-c"]);
    let other_plan = Actor::new(
        "u-coord-2",
        "org-plan-other",
        OrgKind::Plan,
        vec![Role::PlanCareCoordinator],
    )
    .unwrap();
    let page = app
        .ecm_reauthorization_queue(&other_plan, query(100), now)
        .await
        .unwrap();
    assert!(page.items.is_empty());
    let err = app
        .ecm_reauthorization_queue(&referrer("org-ref-1"), query(100), now)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Forbidden { .. }), "{err}");

    // A month later b is due too; listing is audited per record.
    let page = app
        .ecm_reauthorization_queue(&coordinator(), query(100), ts("2027-11-25T18:00:00Z"))
        .await
        .unwrap();
    assert_eq!(ids(&page), ["ecm-q-e", "ecm-q-a", "ecm-q-c", "ecm-q-b"]);
    let lists = audit_lines(app.store(), "ecm-enrollment", "ecm-q-b")
        .await
        .into_iter()
        .filter(|l| l.action == "list")
        .count();
    assert_eq!(lists, 1);
}

/// A retry with the same Idempotency-Key replays the stored record and writes nothing; the same
/// key with other input is refused.
pub async fn ecm_idempotent_retry_replays<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    lcm_users(&app).await;
    seed_member(&app, "mem-i", ecm_facts("mem-i", None)).await;
    let coord = coordinator();
    let cm = provider("org-ecm-a");
    let t0 = ts("2026-11-02T17:00:00Z");
    let first = app
        .create(
            &coord,
            "ecm-i",
            open_input("mem-i", "org-ecm-a"),
            Some("k-open"),
            t0,
        )
        .await
        .unwrap();
    let again = app
        .create(
            &coord,
            "ecm-i",
            open_input("mem-i", "org-ecm-a"),
            Some("k-open"),
            ts("2026-11-02T17:05:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(first, again);

    approved_ecm_request(
        &app,
        "auth-i",
        "mem-i",
        "org-ecm-a",
        Service::EcmInitial,
        "2026-11-16",
    )
    .await;
    let enrolled = app
        .change(
            &cm,
            "ecm-i",
            enroll_input("2026-11-16", "auth-i"),
            Some("k-enroll"),
            ts("2026-11-03T17:00:00Z"),
        )
        .await
        .unwrap();
    let replay = app
        .change(
            &cm,
            "ecm-i",
            enroll_input("2026-11-16", "auth-i"),
            Some("k-enroll"),
            ts("2026-11-03T17:01:00Z"),
        )
        .await
        .unwrap();
    assert_eq!(enrolled, replay);
    assert_eq!(replay.version, 2);
    let err = app
        .change(
            &cm,
            "ecm-i",
            enroll_input("2026-11-17", "auth-i"),
            Some("k-enroll"),
            ts("2026-11-03T17:02:00Z"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::IdempotencyMismatch { .. }), "{err}");

    let events = app
        .store()
        .events_for("ecm-enrollment", "ecm-i")
        .await
        .unwrap();
    assert_eq!(events.len(), 2);
    let lines = audit_lines(app.store(), "ecm-enrollment", "ecm-i").await;
    let actions: Vec<&str> = lines.iter().map(|l| l.action.as_str()).collect();
    assert_eq!(actions, ["open-ecm-enrollment", "enroll-ecm"]);
}
