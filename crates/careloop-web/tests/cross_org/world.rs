//! The world the cross-organization suite attacks: two plans, the providers and referring
//! entities around plan A, a user of EVERY role in each organization with a real API token, and
//! plan A's records (members, authorizations, referrals, an ECM enrollment) created through the
//! API by their rightful users. Synthetic data only.

use careloop_app::{NewOrganization, NewUser, OrgKind, Role};
use serde_json::{Value, json};

use crate::scenarios::{Api, example_facts, ts};

/// Every request of the suite happens at this instant (the harness clock is fixed).
pub const NOW: &str = "2026-11-20T17:00:00Z";

pub const PLAN_A: &str = "org-hpsm";
pub const PLAN_B: &str = "org-alameda-alliance";
/// Plan A's ECM provider: the plan enrolled plan A's member M1 with it.
pub const ECM_A: &str = "org-ecm-san-mateo";
/// Plan A's CS provider: the plan assigned it a CS referral for M1.
pub const CS_A: &str = "org-cs-san-mateo";
/// Providers with no relationship to plan A's members (they serve plan B).
pub const ECM_X: &str = "org-ecm-alameda";
pub const CS_X: &str = "org-cs-alameda";
/// The referring entity that made plan A's referrals, and one that did not.
pub const REF_A: &str = "org-ref-san-mateo";
pub const REF_X: &str = "org-ref-alameda";

/// A non-existent id of the shape the server assigns (existence-oracle checks).
pub const PHANTOM_ID: &str = "00000000-0000-4000-8000-00000000dead";
/// Marker planted in the free text of plan A's records: it must never reach another org.
pub const MARK: &str = "zq-planA";

const PASSWORD: &str = "synthetic-pass-phrase-cross-org";

/// One user (and its token) of one organization.
#[derive(Clone, Debug)]
pub struct Who {
    pub user: String,
    pub org: &'static str,
    pub org_kind: OrgKind,
    pub role: Role,
    pub token: String,
}

impl Who {
    /// e.g. `org-alameda-alliance plan-care-coordinator (alameda-alliance-plan-care-coordinator)`.
    pub fn label(&self) -> String {
        format!("{} {} ({})", self.org, role_name(self.role), self.user)
    }
}

pub fn role_name(role: Role) -> String {
    serde_json::to_value(role)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Plan A's member M1 or M2: the PHI that must never reach another organization.
pub struct Person {
    pub given: &'static str,
    pub family: &'static str,
    pub cin: &'static str,
    pub birth_date: &'static str,
    pub street: &'static str,
    pub phone: &'static str,
}

pub const M1: Person = Person {
    given: "Ysoldera",
    family: "Thrandwick",
    cin: "SYNQ7730041X",
    birth_date: "1961-07-19",
    street: "418 Larkmoor Lane",
    phone: "650-555-0142",
};

pub const M2: Person = Person {
    given: "Orrinwell",
    family: "Pellucidar",
    cin: "SYNQ7730042X",
    birth_date: "1975-02-28",
    street: "77 Quillfeather Court",
    phone: "650-555-0177",
};

/// The organizations, their users, and plan A's records.
pub struct World {
    pub users: Vec<Who>,
    pub m1: String,
    pub m2: String,
    /// ECM initial authorization of M1 submitted by ECM_A (received).
    pub auth1: String,
    /// A second request of M1 by ECM_A, pended by the plan.
    pub auth2: String,
    /// An approved ECM re-authorization request for M1 (the plan's re-authorization names it).
    pub auth3: String,
    /// A second API token of plan A's UM reviewer (the token routes' target; revoking it
    /// leaves the reviewer's own token working).
    pub extra_token: String,
    /// Referral of M1 made by REF_A (received).
    pub ref1: String,
    /// CS referral of M1 made by the plan and assigned to CS_A.
    pub ref_cs: String,
    /// Referral of M2 made by REF_A (received).
    pub ref3: String,
    /// ECM enrollment of M1 with ECM_A (outreach).
    pub enr1: String,
    /// A plan A user the attackers try to disable / enable.
    pub spare: String,
}

impl World {
    pub fn who(&self, org: &str, role: Role) -> &Who {
        self.users
            .iter()
            .find(|w| w.org == org && w.role == role)
            .unwrap_or_else(|| panic!("no {role:?} in {org}"))
    }

    pub fn token(&self, org: &str, role: Role) -> &str {
        &self.who(org, role).token
    }

    /// Every role of every organization that has no relationship with plan A's records: plan B's
    /// roles, the providers with no grant for plan A's members, the referrer that did not refer.
    pub fn attackers(&self) -> Vec<&Who> {
        self.users
            .iter()
            .filter(|w| [PLAN_B, ECM_X, CS_X, REF_X].contains(&w.org))
            .collect()
    }

    /// The users of plan A and of the organizations it works with (the rightful callers).
    pub fn rightful_users(&self) -> Vec<String> {
        [PLAN_A, ECM_A, CS_A, REF_A]
            .iter()
            .flat_map(|org| self.users_of(org))
            .collect()
    }

    /// Users of `org` (usernames).
    pub fn users_of(&self, org: &str) -> Vec<String> {
        self.users
            .iter()
            .filter(|w| w.org == org)
            .map(|w| w.user.clone())
            .chain((org == PLAN_A).then(|| self.spare.clone()))
            .collect()
    }
}

fn orgs() -> Vec<(&'static str, OrgKind, Option<&'static str>, &'static str)> {
    vec![
        (PLAN_A, OrgKind::Plan, Some("hpsm"), "San Mateo"),
        (PLAN_B, OrgKind::Plan, Some("alameda-alliance"), "Alameda"),
        (ECM_A, OrgKind::EcmProvider, None, "San Mateo"),
        (CS_A, OrgKind::CsProvider, None, "San Mateo"),
        (ECM_X, OrgKind::EcmProvider, None, "Alameda"),
        (CS_X, OrgKind::CsProvider, None, "Alameda"),
        (REF_A, OrgKind::ReferringEntity, None, "San Mateo"),
        (REF_X, OrgKind::ReferringEntity, None, "Alameda"),
    ]
}

fn roles_of(kind: OrgKind) -> Vec<Role> {
    [
        Role::PlanUmReviewer,
        Role::PlanCareCoordinator,
        Role::PlanAdmin,
        Role::ProviderCareManager,
        Role::ProviderAdmin,
        Role::Referrer,
    ]
    .into_iter()
    .filter(|r| r.fits(kind))
    .collect()
}

/// Registration of a plan A member (plan hpsm, San Mateo) with this person's PHI.
pub fn registration(p: &Person) -> Value {
    let mut facts = example_facts("pof-1a-adult", None);
    facts["birth_date"] = json!(p.birth_date);
    for e in facts["enrollments"].as_array_mut().unwrap() {
        e["plan"] = json!("hpsm");
        e["county"] = json!("San Mateo");
    }
    json!({
        "plan": "hpsm",
        "county": "San Mateo",
        "cin": p.cin,
        "demographics": {
            "given_name": p.given, "family_name": p.family, "phone": p.phone,
            "address_lines": [p.street, "San Mateo, CA 94401"], "preferred_language": "es"
        },
        "facts": facts,
    })
}

pub fn submission(member: &str, plan_org: &str, plan: &str, county: &str) -> Value {
    json!({
        "member_id": member, "plan_org_id": plan_org, "plan": plan, "county": county,
        "service": "ecm-initial", "kind": "non-urgent-pre-service"
    })
}

pub fn referral(member: &str, plan_org: &str, plan: &str, county: &str, source: &str) -> Value {
    json!({
        "member_id": member, "plan_org_id": plan_org, "plan_id": plan, "county": county,
        "referrer": { "source": source, "name": "Synthetic CBO" },
        "program": "ecm", "claimed_pof": "1a"
    })
}

pub fn ecm_open(member: &str, provider: &str) -> Value {
    json!({ "member_id": member, "provider_org_id": provider,
            "plan_id": "hpsm", "county": "San Mateo" })
}

/// POSTs as `token` and expects `status`; the answer's body.
pub async fn must(api: &Api, path: &str, token: &str, body: Value, status: u16) -> Value {
    let a = api.post(path, token, body).await;
    assert_eq!(a.status.as_u16(), status, "set-up {path}: {}", a.text);
    a.body
}

fn id_of(body: &Value) -> String {
    body["id"].as_str().unwrap().to_owned()
}

/// Builds the world through the system set-up (organizations, users, tokens) and the API.
pub async fn build(api: &Api) -> World {
    let now = ts(NOW);
    api.set_now(NOW);
    let mut users = Vec::new();
    for (id, kind, plan, county) in orgs() {
        api.app
            .bootstrap_organization(
                NewOrganization {
                    id: id.into(),
                    name: format!("Synthetic {id}"),
                    kind,
                    plan: plan.map(Into::into),
                    counties: vec![county.into()],
                },
                now,
            )
            .await
            .unwrap();
        for role in roles_of(kind) {
            let user = format!("{}-{}", id.trim_start_matches("org-"), role_name(role));
            api.app
                .add_user(
                    NewUser {
                        username: user.clone(),
                        display_name: None,
                        org_id: id.into(),
                        roles: vec![role],
                        password: PASSWORD.into(),
                    },
                    now,
                )
                .await
                .unwrap();
            let token = api.app.create_token(&user, "cross-org", now).await.unwrap();
            users.push(Who {
                user,
                org: id,
                org_kind: kind,
                role,
                token: token.token,
            });
        }
    }
    // The lead care managers ECM_A's enrollment names: users of ECM_A (the reference is
    // resolved), named with the mark so a leak of them would be seen.
    for n in [1, 2] {
        let username = format!("{MARK}-lcm-{n}");
        let user = NewUser {
            username,
            display_name: None,
            org_id: ECM_A.into(),
            roles: vec![Role::ProviderCareManager],
            password: PASSWORD.into(),
        };
        api.app.add_user(user, now).await.unwrap();
    }
    let spare = "hpsm-spare-coordinator".to_owned();
    api.app
        .add_user(
            NewUser {
                username: spare.clone(),
                display_name: None,
                org_id: PLAN_A.into(),
                roles: vec![Role::PlanCareCoordinator],
                password: PASSWORD.into(),
            },
            now,
        )
        .await
        .unwrap();

    let mut w = World {
        users,
        m1: String::new(),
        m2: String::new(),
        auth1: String::new(),
        auth2: String::new(),
        auth3: String::new(),
        ref1: String::new(),
        ref_cs: String::new(),
        ref3: String::new(),
        enr1: String::new(),
        extra_token: String::new(),
        spare,
    };
    let coord = w.token(PLAN_A, Role::PlanCareCoordinator).to_owned();
    let reviewer = w.token(PLAN_A, Role::PlanUmReviewer).to_owned();
    w.extra_token = api
        .app
        .create_token("hpsm-plan-um-reviewer", "cross-org extra", now)
        .await
        .unwrap()
        .info
        .id;
    let ecm_cm = w.token(ECM_A, Role::ProviderCareManager).to_owned();
    let referrer = w.token(REF_A, Role::Referrer).to_owned();

    w.m1 = id_of(&must(api, "/api/v1/members", &coord, registration(&M1), 201).await);
    w.m2 = id_of(&must(api, "/api/v1/members", &coord, registration(&M2), 201).await);
    // The plan enrolls M1 with its ECM provider (the relationship that grants ECM_A access).
    w.enr1 = id_of(
        &must(
            api,
            "/api/v1/ecm-enrollments",
            &coord,
            ecm_open(&w.m1, ECM_A),
            201,
        )
        .await,
    );
    let sub = submission(&w.m1, PLAN_A, "hpsm", "San Mateo");
    w.auth1 = id_of(&must(api, "/api/v1/authorizations", &ecm_cm, sub.clone(), 201).await);
    w.auth2 = id_of(&must(api, "/api/v1/authorizations", &ecm_cm, sub.clone(), 201).await);
    let mut reauth = sub;
    reauth["service"] = json!("ecm-reauthorization");
    w.auth3 = id_of(&must(api, "/api/v1/authorizations", &ecm_cm, reauth, 201).await);
    must(
        api,
        &format!("/api/v1/authorizations/{}/decision", w.auth3),
        &reviewer,
        json!({ "decision": { "decision": "approve", "start": "2026-11-20" } }),
        200,
    )
    .await;
    must(
        api,
        &format!("/api/v1/authorizations/{}/pend", w.auth2),
        &reviewer,
        json!({ "information_needed": format!("{MARK} care plan and PCP notes") }),
        200,
    )
    .await;
    let r1 = referral(&w.m1, PLAN_A, "hpsm", "San Mateo", "cbo");
    w.ref1 = id_of(&must(api, "/api/v1/referrals", &referrer, r1, 201).await);
    let r3 = referral(&w.m2, PLAN_A, "hpsm", "San Mateo", "cbo");
    w.ref3 = id_of(&must(api, "/api/v1/referrals", &referrer, r3, 201).await);
    // A CS referral the plan made and assigned to its CS provider.
    let mut rcs = referral(&w.m1, PLAN_A, "hpsm", "San Mateo", "plan-identification");
    rcs["program"] = json!({ "cs": "medically-tailored-meals" });
    rcs.as_object_mut().unwrap().remove("claimed_pof");
    w.ref_cs = id_of(&must(api, "/api/v1/referrals", &coord, rcs, 201).await);
    let url = format!("/api/v1/referrals/{}", w.ref_cs);
    must(
        api,
        &format!("{url}/eligibility-review"),
        &coord,
        json!({ "eligible": true }),
        200,
    )
    .await;
    must(
        api,
        &format!("{url}/assignment"),
        &coord,
        json!({ "provider_org_id": CS_A }),
        200,
    )
    .await;
    w
}
