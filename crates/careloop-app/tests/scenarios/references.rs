//! Issue #12: every reference a command names is resolved before the domain decides, grants
//! follow the relationships the plan creates, refused attempts reach the owner's audit log, and
//! a Community Support approval counts the member's stored history. Each scenario reproduces a
//! defect the independent review found (defects 1, 2, 3, 9 and 12).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use careloop_app::AuditQuery;
use careloop_app::authorization::{DecideAuthorization, SubmitAuthorization};
use careloop_app::checked;
use careloop_app::ecm::OpenEcmEnrollment;
use careloop_app::member::RegisterMember;
use careloop_app::referral::{
    AcceptReferral, AssignReferral, RecordReferralAuthorization, ReviewReferralEligibility,
};
use careloop_domain::CsId;

use super::*;

const NOW: &str = "2026-11-02T17:00:00Z";
const HPSM_MEMBER: &str = "SYN-REF-001";
const ALAMEDA_MEMBER: &str = "SYN-REF-900";

fn cs_provider(org: &str) -> Actor {
    Actor::new(
        format!("u-cm-{org}"),
        org,
        OrgKind::CsProvider,
        vec![Role::ProviderCareManager],
    )
    .unwrap()
}

fn alameda(roles: Vec<Role>) -> Actor {
    Actor::new("u-alameda", ALAMEDA_PLAN, OrgKind::Plan, roles).unwrap()
}

fn admin_of(org: &str, kind: OrgKind) -> Actor {
    let role = if kind == OrgKind::Plan {
        Role::PlanAdmin
    } else {
        Role::ProviderAdmin
    };
    Actor::new(format!("u-admin-{org}"), org, kind, vec![role]).unwrap()
}

/// Both plans with one member each.
async fn two_plans<S: Store>(app: &App<S>) {
    world(app).await;
    hpsm_member(app, HPSM_MEMBER).await;
    let input = RegisterMember {
        plan: Some("alameda-alliance".into()),
        county: "Alameda".into(),
        demographics: Default::default(),
        cin: None,
        facts: serde_json::from_value(ecm_facts(ALAMEDA_MEMBER, None)).unwrap(),
    };
    app.create(
        &alameda(vec![Role::PlanCareCoordinator]),
        ALAMEDA_MEMBER,
        input,
        None,
        ts("2026-10-01T00:00:00Z"),
    )
    .await
    .unwrap();
}

fn field_of(e: &AppError) -> &'static str {
    match e {
        AppError::Invalid { field, .. } => field,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// Defect 1 (critical): a provider could submit an authorization request for any member and so
/// grant itself access to the member's record. Now the member must have been given to it by the
/// plan; the refused request leaves no grant and no record, and the plan's log shows it.
pub async fn provider_cannot_reach_a_member_by_submitting<S: Store>(store: S) {
    let app = app(store);
    two_plans(&app).await;
    let cm = provider("org-ecm-a");
    let now = ts(NOW);
    for member in [HPSM_MEMBER, "NO-SUCH-MEMBER"] {
        let err = app
            .create(&cm, "req-1", submission(member), None, now)
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), "member_id", "{err}");
        assert!(
            !err.to_string().contains("hpsm"),
            "no hint about the member: {err}"
        );
    }
    assert!(matches!(
        app.get::<MemberAggregate>(&cm, HPSM_MEMBER, now).await,
        Err(AppError::NotFound { .. })
    ));
    assert!(
        !app.store()
            .has_access("org-ecm-a", HPSM_MEMBER)
            .await
            .unwrap()
    );
    assert!(
        app.store()
            .get("authorization", "req-1")
            .await
            .unwrap()
            .is_none()
    );

    // Given the member by the plan, the provider may submit; the request grants nothing more
    // and belongs to the member's plan whatever the request says.
    give_member(&app, HPSM_MEMBER, "org-ecm-a").await;
    let mut wrong_plan = submission(HPSM_MEMBER);
    wrong_plan.plan_org_id = checked("plan_org_id", ALAMEDA_PLAN).unwrap();
    let err = app
        .create(&cm, "req-2", wrong_plan, None, now)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "plan_org_id");
    let mut wrong_county = submission(HPSM_MEMBER);
    wrong_county.county = Some(checked("county", "Alameda").unwrap());
    let err = app
        .create(&cm, "req-2", wrong_county, None, now)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "county");
    let rec = app
        .create(&cm, "req-2", submission(HPSM_MEMBER), None, now)
        .await
        .unwrap();
    assert_eq!(rec.owners.owner_org_id, PLAN);
    // A CS provider may not request ECM, an ECM provider not a CS.
    let mut cs = submission(HPSM_MEMBER);
    cs.service = careloop_domain::workflow::authorization::Service::Cs(CsId::Respite);
    let err = app.create(&cm, "req-3", cs, None, now).await.unwrap_err();
    assert_eq!(field_of(&err), "service");

    // The plan's audit log shows the refused attempts with the provider's organization.
    let page = app
        .audit_log(
            &admin_of(PLAN, OrgKind::Plan),
            AuditQuery {
                member_id: Some(HPSM_MEMBER.into()),
                limit: 100,
                ..AuditQuery::default()
            },
            now,
        )
        .await
        .unwrap();
    assert!(
        page.items
            .iter()
            .any(|l| l.action == "submit-authorization-denied"
                && l.org_id == PLAN
                && l.actor_org_id.as_deref() == Some("org-ecm-a")),
        "{:#?}",
        page.items
    );
}

/// Defect 2 (high): a plan could open an ECM enrollment for another plan's member and so give
/// a provider access to it; a plan organization was accepted as the provider.
pub async fn plan_cannot_give_another_plans_member_to_a_provider<S: Store>(store: S) {
    let app = app(store);
    two_plans(&app).await;
    let now = ts(NOW);
    let coord_al = alameda(vec![Role::PlanCareCoordinator]);
    let open = |member: &str, provider: &str| OpenEcmEnrollment {
        member_id: checked("member_id", member).unwrap(),
        provider_org_id: checked("provider_org_id", provider).unwrap(),
        plan_id: None,
        county: None,
    };
    let err = app
        .create(
            &coord_al,
            &format!("ecm-{}-{}", HPSM_MEMBER, "org-ecm-al"),
            open(HPSM_MEMBER, "org-ecm-al"),
            None,
            now,
        )
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "member_id");
    assert!(
        !app.store()
            .has_access("org-ecm-al", HPSM_MEMBER)
            .await
            .unwrap()
    );
    for (provider, why) in [
        (PLAN, "a plan is not a provider"),
        ("org-cs-al", "a CS provider is not an ECM provider"),
        ("org-ecm-sm", "serves San Mateo, not Alameda"),
        ("org-ecm-99", "no such organization"),
    ] {
        let err = app
            .create(
                &coord_al,
                &format!("ecm-{}-{}", ALAMEDA_MEMBER, provider),
                open(ALAMEDA_MEMBER, provider),
                None,
                now,
            )
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), "provider_org_id", "{why}: {err}");
        assert!(
            !app.store()
                .has_access(provider, ALAMEDA_MEMBER)
                .await
                .unwrap()
        );
    }
    let rec = app
        .create(
            &coord_al,
            &format!("ecm-{}-{}", ALAMEDA_MEMBER, "org-ecm-al"),
            open(ALAMEDA_MEMBER, "org-ecm-al"),
            None,
            now,
        )
        .await
        .unwrap();
    assert_eq!(rec.plan_id.as_deref(), Some("alameda-alliance"));
    assert!(
        app.store()
            .has_access("org-ecm-al", ALAMEDA_MEMBER)
            .await
            .unwrap()
    );
}

/// Defect 3: referrals for another plan's member, a provider that does not exist, a CS the plan
/// does not offer in the county, and a referral "authorized" by any authorization id.
pub async fn referral_references_are_resolved<S: Store>(store: S) {
    let app = app(store);
    two_plans(&app).await;
    let now = ts(NOW);
    let coord = coordinator();

    // hpsm staff cannot refer Alameda's member; a referrer cannot name a member of another plan.
    let err = app
        .create(&coord, "r-x", referral(ALAMEDA_MEMBER), None, now)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "member_id");
    let err = app
        .create(
            &referrer("cbo-1"),
            "r-x",
            referral(ALAMEDA_MEMBER),
            None,
            now,
        )
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "member_id");
    let mut spoofed = referral(HPSM_MEMBER);
    spoofed.referrer.id = Some("cbo-other".into());
    let err = app
        .create(&referrer("cbo-1"), "r-x", spoofed, None, now)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "referrer.id");

    // A sobering center is not an hpsm offering in San Mateo.
    let mut sobering = referral(HPSM_MEMBER);
    sobering.program = Program::Cs(CsId::SoberingCenters);
    sobering.claimed_pof = None;
    let err = app
        .create(&coord, "r-x", sobering, None, now)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "program", "{err}");
    assert!(app.store().get("referral", "r-x").await.unwrap().is_none());

    // Assignment only to an existing provider of the program's kind in the member's county.
    app.create(&coord, "r-1", referral(HPSM_MEMBER), None, now)
        .await
        .unwrap();
    // The review may cite only the member's current stored determination.
    let review = |determination_id: Option<String>| ReviewReferralEligibility {
        eligible: true,
        determination_id,
    };
    let err = app
        .change(&coord, "r-1", review(Some("det-1".into())), None, now)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "determination_id", "{err}");
    let current = app
        .get::<MemberAggregate>(&coord, HPSM_MEMBER, now)
        .await
        .unwrap()
        .state
        .determination
        .unwrap()
        .determination
        .determination_id;
    let rec = app
        .change(&coord, "r-1", review(Some(current.clone())), None, now)
        .await
        .unwrap();
    assert_eq!(
        rec.state.determination_id.as_deref(),
        Some(current.as_str())
    );
    let assign = |org: &str| AssignReferral {
        provider_org_id: checked("provider_org_id", org).unwrap(),
    };
    for org in ["org-cs-99", "org-cs-sm", "org-ecm-al", PLAN] {
        let err = app
            .change(&coord, "r-1", assign(org), None, now)
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), "provider_org_id", "{org}: {err}");
        assert!(!app.store().has_access(org, HPSM_MEMBER).await.unwrap());
    }
    app.change(&coord, "r-1", assign("org-ecm-a"), None, now)
        .await
        .unwrap();
    app.change(&provider("org-ecm-a"), "r-1", AcceptReferral {}, None, now)
        .await
        .unwrap();

    // The authorization step must name a decided request of this member and program.
    let step = |authorized: bool, id: Option<&str>| RecordReferralAuthorization {
        authorized,
        authorization_id: id.map(str::to_owned),
        reason: (!authorized).then(|| "criteria not met".to_owned()),
    };
    let reviewer = reviewer();
    for (authorized, id) in [(true, None), (true, Some("auth-missing"))] {
        let err = app
            .change(&reviewer, "r-1", step(authorized, id), None, now)
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), "authorization_id", "{err}");
    }
    // Another member's denied request does not authorize this referral.
    let other = "SYN-REF-002";
    hpsm_member(&app, other).await;
    give_member(&app, other, "org-ecm-a").await;
    app.create(
        &provider("org-ecm-a"),
        "req-other",
        submission(other),
        None,
        now,
    )
    .await
    .unwrap();
    deny(&app, "req-other", now).await;
    let err = app
        .change(&reviewer, "r-1", step(true, Some("req-other")), None, now)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "authorization_id");
    // The member's own request: pending is not an approval; once approved, it is.
    app.create(
        &provider("org-ecm-a"),
        "req-own",
        submission(HPSM_MEMBER),
        None,
        now,
    )
    .await
    .unwrap();
    let err = app
        .change(&reviewer, "r-1", step(true, Some("req-own")), None, now)
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "authorization_id", "{err}");
    approve(&app, "req-own", None, None, now).await.unwrap();
    let rec = app
        .change(&reviewer, "r-1", step(true, Some("req-own")), None, now)
        .await
        .unwrap();
    assert_eq!(rec.state.authorization_id.as_deref(), Some("req-own"));
}

async fn deny<S: Store>(app: &App<S>, id: &str, now: Timestamp) {
    let input = DecideAuthorization {
        cs_limit_exception: None,
        decision: DecisionInput::Deny {
            reason: "Population of Focus criteria not documented".into(),
        },
        notice_of_action: Some(Notice {
            recipient: Recipient::Member,
            purpose: NoticePurpose::NoticeOfAction,
            channel: Channel::Mail,
            content: "notice of action (synthetic)".into(),
            sent_at: now,
            actor: ActorId::new("u-reviewer"),
        }),
    };
    app.change(&reviewer(), id, input, None, now).await.unwrap();
}

async fn approve<S: Store>(
    app: &App<S>,
    id: &str,
    through: Option<&str>,
    units: Option<u32>,
    now: Timestamp,
) -> Result<careloop_app::AuthorizationRecord, AppError> {
    let input = DecideAuthorization {
        cs_limit_exception: None,
        decision: DecisionInput::Approve {
            start: "2026-11-03".parse().unwrap(),
            through: through.map(|t| t.parse().unwrap()),
            units,
        },
        notice_of_action: None,
    };
    app.change(&reviewer(), id, input, None, now).await
}

/// Defect 9: a refused attempt on another plan's record was stored under the caller's
/// organization with no member id, so the owner never saw it; provider admins could not read
/// their own organization's log.
pub async fn refused_attempts_reach_the_owners_audit_log<S: Store>(store: S) {
    let app = app(store);
    two_plans(&app).await;
    let now = ts(NOW);
    give_member(&app, HPSM_MEMBER, "org-ecm-a").await;
    app.create(
        &provider("org-ecm-a"),
        "req-1",
        submission(HPSM_MEMBER),
        None,
        now,
    )
    .await
    .unwrap();
    // Alameda's reviewer tries to read and to decide hpsm's request; its coordinator tries a
    // decision its role does not permit.
    let intruder = alameda(vec![Role::PlanUmReviewer]);
    assert!(matches!(
        app.get::<AuthorizationAggregate>(&intruder, "req-1", now)
            .await,
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        approve_as(&app, &intruder, "req-1", now).await,
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        approve_as(
            &app,
            &alameda(vec![Role::PlanCareCoordinator]),
            "req-1",
            now
        )
        .await,
        Err(AppError::Forbidden { .. })
    ));
    let owner_log = app
        .audit_log(
            &admin_of(PLAN, OrgKind::Plan),
            AuditQuery {
                record_id: Some("req-1".into()),
                limit: 100,
                ..AuditQuery::default()
            },
            now,
        )
        .await
        .unwrap();
    for action in [
        "read-denied",
        "decide-authorization-denied",
        "decide-authorization-forbidden",
    ] {
        assert!(
            owner_log.items.iter().any(|l| l.action == action
                && l.org_id == PLAN
                && l.member_id.as_deref() == Some(HPSM_MEMBER)
                && l.actor_org_id.as_deref() == Some(ALAMEDA_PLAN)),
            "{action} in the owner's log: {:#?}",
            owner_log.items
        );
    }
    // The intruder's own organization sees its users' attempts, but not the member.
    let own_log = app
        .audit_log(
            &admin_of(ALAMEDA_PLAN, OrgKind::Plan),
            AuditQuery {
                record_id: Some("req-1".into()),
                limit: 100,
                ..AuditQuery::default()
            },
            now,
        )
        .await
        .unwrap();
    assert!(!own_log.items.is_empty());
    assert!(
        own_log.items.iter().all(|l| l.member_id.is_none()),
        "{own_log:#?}"
    );
    // A provider admin reads its own organization's log.
    let provider_log = app
        .audit_log(
            &admin_of("org-ecm-a", OrgKind::EcmProvider),
            AuditQuery {
                limit: 100,
                ..AuditQuery::default()
            },
            now,
        )
        .await
        .unwrap();
    assert!(
        provider_log
            .items
            .iter()
            .any(|l| l.action == "submit-authorization" && l.org_id == "org-ecm-a"),
        "{provider_log:#?}"
    );
    assert!(provider_log.items.iter().all(|l| l.org_id == "org-ecm-a"));
}

async fn approve_as<S: Store>(
    app: &App<S>,
    actor: &Actor,
    id: &str,
    now: Timestamp,
) -> Result<careloop_app::AuthorizationRecord, AppError> {
    let input = DecideAuthorization {
        cs_limit_exception: None,
        decision: DecisionInput::Approve {
            start: "2026-11-03".parse().unwrap(),
            through: None,
            units: None,
        },
        notice_of_action: None,
    };
    app.change(actor, id, input, None, now).await
}

/// Defect 12: a Community Support approval took the member's history from the request body.
/// Now the history is the member's stored approved CS authorizations: after 300 respite hours
/// approved this year, 48 more hours break the 336-hour calendar-year cap and are refused; 36
/// hours fit.
pub async fn cs_approval_counts_the_stored_history<S: Store>(store: S) {
    let app = app(store);
    two_plans(&app).await;
    let now = ts(NOW);
    let coord = coordinator();
    let mut respite = referral(HPSM_MEMBER);
    respite.program = Program::Cs(CsId::Respite);
    respite.claimed_pof = None;
    app.create(&coord, "r-respite", respite, None, now)
        .await
        .unwrap();
    app.change(
        &coord,
        "r-respite",
        ReviewReferralEligibility {
            eligible: true,
            determination_id: None,
        },
        None,
        now,
    )
    .await
    .unwrap();
    app.change(
        &coord,
        "r-respite",
        AssignReferral {
            provider_org_id: checked("provider_org_id", "org-cs-sm").unwrap(),
        },
        None,
        now,
    )
    .await
    .unwrap();
    let cm = cs_provider("org-cs-sm");
    let request = |units: u32| SubmitAuthorization {
        service: careloop_domain::workflow::authorization::Service::Cs(CsId::Respite),
        requested: Requested {
            start: Some("2026-11-03".parse().unwrap()),
            through: Some("2026-11-30".parse().unwrap()),
            units: Some(units),
        },
        ..submission(HPSM_MEMBER)
    };
    app.create(&cm, "resp-1", request(300), None, now)
        .await
        .unwrap();
    approve(&app, "resp-1", Some("2026-11-30"), Some(300), now)
        .await
        .unwrap();
    app.create(&cm, "resp-2", request(48), None, now)
        .await
        .unwrap();
    let err = approve(&app, "resp-2", Some("2026-11-30"), Some(48), now)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
    let rec = approve(&app, "resp-2", Some("2026-11-30"), Some(36), now)
        .await
        .unwrap();
    let check = rec.state.decision.unwrap().limit_check.unwrap();
    assert_eq!(check.outcome, "allowed", "{check:?}");

    // Past the cap only with a documented exception the reviewer records (CALAIM.md §3.2 #7).
    app.create(&cm, "resp-3", request(24), None, now)
        .await
        .unwrap();
    let over = |exception| DecideAuthorization {
        decision: DecisionInput::Approve {
            start: "2026-11-03".parse().unwrap(),
            through: Some("2026-11-30".parse().unwrap()),
            units: Some(24),
        },
        notice_of_action: None,
        cs_limit_exception: exception,
    };
    let err = app
        .change(&reviewer(), "resp-3", over(None), None, now)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("limit"), "{err}");
    let claim = careloop_domain::cs_limits::ExceptionClaim {
        kind: careloop_domain::cs_limits::ExceptionKind::CaregiverSupportChanged,
        documentation: "caregiver hospitalized; documented in the care plan".into(),
    };
    let rec = app
        .change(&reviewer(), "resp-3", over(Some(claim)), None, now)
        .await
        .unwrap();
    let check = rec.state.decision.unwrap().limit_check.unwrap();
    assert!(check.outcome.contains("exception"), "{check:?}");
}

/// ECM enrollment and re-authorization name approved requests of the same member and service
/// (an authorization id is a reference like any other, issue #12).
pub async fn ecm_steps_name_approved_requests<S: Store>(store: S) {
    use careloop_app::ecm::{EnrollEcm, ReauthorizeEcm};
    use careloop_domain::workflow::authorization::Service;
    let app = app(store);
    two_plans(&app).await;
    lcm_users(&app).await;
    let now = ts(NOW);
    give_member(&app, HPSM_MEMBER, "org-ecm-a").await;
    let enrollment = format!("give-{HPSM_MEMBER}-org-ecm-a");
    let cm = provider("org-ecm-a");
    let enroll = |auth: &str| EnrollEcm {
        start: "2026-11-03".parse().unwrap(),
        authorization_id: auth.into(),
        lead_care_manager: "lcm-1".into(),
    };
    // Another member's approved initial authorization.
    let other = "SYN-REF-003";
    hpsm_member(&app, other).await;
    give_member(&app, other, "org-ecm-a").await;
    app.create(&cm, "init-other", submission(other), None, now)
        .await
        .unwrap();
    approve(&app, "init-other", None, None, now).await.unwrap();
    app.create(&cm, "init-own", submission(HPSM_MEMBER), None, now)
        .await
        .unwrap();
    for (auth, why) in [
        ("auth-made-up", "no such request"),
        ("init-other", "another member's"),
        ("init-own", "not decided yet"),
    ] {
        let err = app
            .change(&cm, &enrollment, enroll(auth), None, now)
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), "authorization_id", "{why}: {err}");
    }
    approve(&app, "init-own", None, None, now).await.unwrap();
    let rec = app
        .change(&cm, &enrollment, enroll("init-own"), None, now)
        .await
        .unwrap();
    assert_eq!(rec.status, "enrolled");

    let reauthorize = |auth: &str| ReauthorizeEcm {
        start: "2027-11-03".parse().unwrap(),
        authorization_id: auth.into(),
    };
    // A year later, two weeks before the re-authorization starts.
    let later = ts("2027-10-20T17:00:00Z");
    let err = app
        .change(
            &coordinator(),
            &enrollment,
            reauthorize("init-own"),
            None,
            later,
        )
        .await
        .unwrap_err();
    assert_eq!(field_of(&err), "authorization_id", "{err}");
    let mut request = submission(HPSM_MEMBER);
    request.service = Service::EcmReauthorization;
    app.create(&cm, "reauth-own", request, None, later)
        .await
        .unwrap();
    approve(&app, "reauth-own", None, None, later)
        .await
        .unwrap();
    let rec = app
        .change(
            &coordinator(),
            &enrollment,
            reauthorize("reauth-own"),
            None,
            later,
        )
        .await
        .unwrap();
    assert_eq!(rec.state.authorization_ids, ["init-own", "reauth-own"]);
}

/// A plan registers members of its own plan overlay in a county it serves: registering a
/// member "of hpsm" as Alameda Alliance staff was accepted (found by the cross-organization
/// suite).
pub async fn plan_registers_only_its_own_members<S: Store>(store: S) {
    let app = app(store);
    world(&app).await;
    let now = ts(NOW);
    let coord_al = alameda(vec![Role::PlanCareCoordinator]);
    let register = |plan: Option<&str>, county: &str| RegisterMember {
        plan: plan.map(str::to_owned),
        county: county.to_owned(),
        demographics: Default::default(),
        cin: None,
        facts: serde_json::from_value(ecm_facts("SYN-REF-500", None)).unwrap(),
    };
    for (plan, county, field) in [
        (Some("hpsm"), "San Mateo", "plan"),
        (None, "San Mateo", "county"),
    ] {
        let err = app
            .create(&coord_al, "SYN-REF-500", register(plan, county), None, now)
            .await
            .unwrap_err();
        assert_eq!(field_of(&err), field, "{plan:?} {county:?}: {err}");
    }
    // The county is required: the input type cannot be built without one (a body without it is
    // refused when it is read, naming the field).
    let mut body = serde_json::to_value(register(Some("alameda-alliance"), "Alameda")).unwrap();
    body.as_object_mut().unwrap().remove("county");
    let err = serde_json::from_value::<RegisterMember>(body).unwrap_err();
    assert!(err.to_string().contains("county"), "{err}");
    let rec = app
        .create(
            &coord_al,
            "SYN-REF-500",
            register(None, "Alameda"),
            None,
            now,
        )
        .await
        .unwrap();
    assert_eq!(rec.plan_id.as_deref(), Some("alameda-alliance"));
    assert_eq!(rec.owners.owner_org_id, ALAMEDA_PLAN);
}
