//! The organizations and members a scenario's records refer to (issue #12: every reference is
//! resolved, so a scenario sets up the plan's members and the relationships the plan creates
//! before a provider may act on a member). Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use careloop_app::Organization;
use careloop_app::checked;
use careloop_app::ecm::OpenEcmEnrollment;
use careloop_app::member::RegisterMember;

use super::*;

/// A second plan, in Alameda county.
pub const ALAMEDA_PLAN: &str = "org-plan-alameda";

fn org(id: &str, kind: OrgKind, plan: Option<&str>, county: &str) -> Organization {
    Organization {
        id: id.into(),
        name: format!("Synthetic {id}"),
        kind,
        plan: plan.map(str::to_owned),
        counties: vec![county.into()],
    }
}

/// Creates `org` (idempotent for the same content).
pub async fn add_org<S: Store>(app: &App<S>, org: Organization) {
    app.bootstrap_organization(org, ts("2026-01-01T00:00:00Z"))
        .await
        .unwrap();
}

/// The hpsm plan (PLAN, San Mateo) and the Alameda Alliance plan (ALAMEDA_PLAN, Alameda), and
/// the provider and referring organizations the scenarios name, each serving the county its
/// name says (`-sm` San Mateo, `-al` Alameda; the older names serve San Mateo).
pub async fn world<S: Store>(app: &App<S>) {
    add_org(app, org(PLAN, OrgKind::Plan, Some("hpsm"), "San Mateo")).await;
    add_org(
        app,
        org(
            ALAMEDA_PLAN,
            OrgKind::Plan,
            Some("alameda-alliance"),
            "Alameda",
        ),
    )
    .await;
    for id in [
        "org-ecm-a",
        "org-ecm-b",
        "org-ecm-c",
        "org-ecm-sm",
        "prov-1",
        "prov-2",
    ] {
        add_org(app, org(id, OrgKind::EcmProvider, None, "San Mateo")).await;
    }
    add_org(
        app,
        org("org-ecm-al", OrgKind::EcmProvider, None, "Alameda"),
    )
    .await;
    add_org(
        app,
        org("org-cs-sm", OrgKind::CsProvider, None, "San Mateo"),
    )
    .await;
    add_org(app, org("org-cs-al", OrgKind::CsProvider, None, "Alameda")).await;
    add_org(
        app,
        org("cbo-1", OrgKind::ReferringEntity, None, "San Mateo"),
    )
    .await;
}

/// The lead care managers the ECM scenarios name (`lcm_of`): users of their ECM providers
/// (an enrollment's lead care manager is a user of its provider). After `world`.
pub async fn lcm_users<S: Store>(app: &App<S>) {
    for (username, org_id) in [
        ("lcm-1", "org-ecm-a"),
        ("lcm-2", "org-ecm-a"),
        ("lcm-b", "org-ecm-b"),
    ] {
        let user = careloop_app::identity::NewUser {
            username: username.into(),
            display_name: Some(format!("Synthetic {username}")),
            org_id: org_id.into(),
            roles: vec![Role::ProviderCareManager],
            password: "synthetic-lcm-pass".into(),
        };
        app.add_user(user, ts("2026-01-01T00:00:00Z"))
            .await
            .unwrap();
    }
}

/// The lead care manager the scenarios name for an enrollment of `provider_org` (`world`).
pub fn lcm_of(provider_org: &str) -> &'static str {
    match provider_org {
        "org-ecm-b" => "lcm-b",
        _ => "lcm-1",
    }
}

/// Registers `member_id` as a member of PLAN (hpsm, San Mateo) with the POF 1a example facts.
pub async fn hpsm_member<S: Store>(app: &App<S>, member_id: &str) {
    let input = RegisterMember {
        plan: Some("hpsm".into()),
        county: "San Mateo".into(),
        demographics: Default::default(),
        cin: None,
        facts: serde_json::from_value(ecm_facts(member_id, None)).unwrap(),
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

/// The plan gives `member_id` to the ECM provider `provider_org` by opening an ECM enrollment
/// (`give-<member>-<provider>`): the relationship that lets the provider see the member and
/// request its authorization.
pub async fn give_member<S: Store>(app: &App<S>, member_id: &str, provider_org: &str) {
    let input = OpenEcmEnrollment {
        member_id: checked("member_id", member_id).unwrap(),
        provider_org_id: checked("provider_org_id", provider_org).unwrap(),
        plan_id: None,
        county: None,
    };
    app.create(
        &coordinator(),
        &format!("give-{member_id}-{provider_org}"),
        input,
        None,
        ts("2026-10-01T01:00:00Z"),
    )
    .await
    .unwrap();
}

/// `provider_org` (which must already see `member_id`) requests the ECM `service` for the
/// member as `id`, and the plan's reviewer approves it from `start`: the approved request an
/// ECM enrollment (initial) or re-authorization names.
pub async fn approved_ecm_request<S: Store>(
    app: &App<S>,
    id: &str,
    member_id: &str,
    provider_org: &str,
    service: Service,
    start: &str,
) {
    // Requested and approved the day before the period starts (a scheduled start may be at
    // most 90 days ahead, docs/workflows.md "Dates").
    let day_before = start
        .parse::<jiff::civil::Date>()
        .unwrap()
        .yesterday()
        .unwrap();
    let now = ts(&format!("{day_before}T18:00:00Z"));
    let mut request = submission(member_id);
    request.service = service;
    app.create(&provider(provider_org), id, request, None, now)
        .await
        .unwrap();
    let approve = careloop_app::authorization::DecideAuthorization {
        cs_limit_exception: None,
        decision: DecisionInput::Approve {
            start: start.parse().unwrap(),
            through: None,
            units: None,
        },
        notice_of_action: None,
    };
    app.change(&reviewer(), id, approve, None, now)
        .await
        .unwrap();
}
