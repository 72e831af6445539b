//! The attack cases: one or more per operation of the OpenAPI document, in story order (each
//! case's rightful call moves plan A's records into the state the next case needs, so every
//! attack is a request the rightful role could make successfully at that moment).
//!
//! To add a route: add a [`Case`] below with the operation's method and path template exactly as
//! in /api/openapi.json, a body that targets plan A's records, the [`Target`] it reaches, and the
//! rightful call that succeeds. The suite fails while an operation of the document has no case.

use careloop_app::Role;
use serde_json::{Value, json};

use super::world::*;

/// What an attack reaches, which decides what is checked.
#[derive(Clone, Debug)]
pub enum Target {
    /// An existing plan A record (id in the path) about `member`: refused (403/404/422), audited
    /// in plan A's log with the member id, indistinguishable from a call on a non-existent id.
    Record { member: String, id: String },
    /// A write naming plan A's `member` in its body (a creation that would reference or grant):
    /// refused, audited with the member id, indistinguishable from naming a non-existent member.
    MemberRef { member: String },
    /// An existing plan A user (in the path): refused, audited in plan A's log by username,
    /// indistinguishable from a non-existent username.
    User { username: String },
    /// A new record in plan A's name with no existing plan A record in the request (a member
    /// registered under plan A's overlay, a user in plan A's org): refused; the username, when
    /// one, audited in plan A's log.
    Claim { username: Option<String> },
    /// An existing API token of plan A's (its id in the path): refused, audited in plan A's
    /// log by token id, indistinguishable from a non-existent token id.
    Token { id: String },
    /// A list or queue of the caller's own scope: any of 200/403, and nothing of plan A in it.
    Scope,
    /// Operations endpoints (no bearer needed): nothing of plan A in the answer.
    Ops,
}

/// The rightful role's call, made after the attacks: it must succeed.
#[derive(Clone, Debug)]
pub struct Rightful {
    pub org: &'static str,
    pub role: Option<Role>,
    /// The path when it differs from the attack's.
    pub path: Option<String>,
    /// The body when it differs from the attack's (e.g. the plan's own provider instead of the
    /// attacker's).
    pub body: Option<Value>,
    pub status: u16,
    /// A string the answer must contain (the rightful role does see plan A's record).
    pub contains: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Case {
    pub method: &'static str,
    /// The path template as in the OpenAPI document.
    pub template: &'static str,
    /// Which variant of the attack (shown in the report).
    pub label: &'static str,
    pub path: String,
    pub body: Option<Value>,
    pub target: Target,
    pub rightful: Option<Rightful>,
    /// Organizations for which this call is not an attack (e.g. any referring entity may refer
    /// a plan's member to that plan: "no wrong door", CALAIM.md §2.5).
    pub also_rightful: &'static [&'static str],
    /// The scenario clock for this case's calls, when it is not the world's (e.g. a
    /// re-authorization, which may be scheduled at most 90 days ahead).
    pub at: Option<&'static str>,
}

fn get(template: &'static str, path: String, target: Target) -> Case {
    Case {
        method: "GET",
        template,
        label: "",
        path,
        body: None,
        target,
        rightful: None,
        also_rightful: &[],
        at: None,
    }
}

fn post(template: &'static str, path: String, body: Value, target: Target) -> Case {
    Case {
        method: "POST",
        template,
        label: "",
        path,
        body: Some(body),
        target,
        rightful: None,
        also_rightful: &[],
        at: None,
    }
}

impl Case {
    fn label(mut self, label: &'static str) -> Self {
        self.label = label;
        self
    }

    /// The calls of this case are made at `at` (the clock returns to the world's after).
    fn at(mut self, at: &'static str) -> Self {
        self.at = Some(at);
        self
    }

    /// `orgs` may make this call too: they are not attackers of this case.
    fn also_rightful(mut self, orgs: &'static [&'static str]) -> Self {
        self.also_rightful = orgs;
        self
    }

    /// The rightful `role` of `org` makes the same call: `status`.
    fn ok(mut self, org: &'static str, role: Role, status: u16) -> Self {
        self.rightful = Some(Rightful {
            org,
            role: Some(role),
            path: None,
            body: None,
            status,
            contains: None,
        });
        self
    }

    fn ok_body(mut self, org: &'static str, role: Role, status: u16, body: Value) -> Self {
        self = self.ok(org, role, status);
        if let Some(r) = &mut self.rightful {
            r.body = Some(body);
        }
        self
    }

    fn seeing(mut self, text: &str) -> Self {
        if let Some(r) = &mut self.rightful {
            r.contains = Some(text.to_owned());
        }
        self
    }
}

fn noa(reason_text: &str) -> Value {
    json!({
        "recipient": "member", "purpose": "notice-of-action", "channel": "mail",
        "content": reason_text, "sent_at": NOW, "actor": "hpsm-plan-um-reviewer"
    })
}

/// Every case, in story order.
pub fn all(w: &World) -> Vec<Case> {
    use Role::*;
    let m1 = w.m1.clone();
    let m2 = w.m2.clone();
    let rec = |id: &str, member: &str| Target::Record {
        member: member.to_owned(),
        id: id.to_owned(),
    };
    let a1 = format!("/api/v1/authorizations/{}", w.auth1);
    let a2 = format!("/api/v1/authorizations/{}", w.auth2);
    let r1 = format!("/api/v1/referrals/{}", w.ref1);
    let rcs = format!("/api/v1/referrals/{}", w.ref_cs);
    let e1 = format!("/api/v1/ecm-enrollments/{}", w.enr1);
    let mm1 = format!("/api/v1/members/{m1}");
    let t_a1 = rec(&w.auth1, &m1);
    let t_a2 = rec(&w.auth2, &m1);
    let t_r1 = rec(&w.ref1, &m1);
    let t_rcs = rec(&w.ref_cs, &m1);
    let t_r3 = rec(&w.ref3, &m2);
    let t_e1 = rec(&w.enr1, &m1);
    let t_m1 = rec(&m1, &m1);
    let mut c = Vec::new();

    // Operations endpoints.
    for p in ["/healthz", "/readyz", "/metrics"] {
        let mut case = get(p, p.to_owned(), Target::Ops);
        case.rightful = Some(Rightful {
            org: PLAN_A,
            role: None,
            path: None,
            body: None,
            status: 200,
            contains: None,
        });
        c.push(case);
    }

    // Lists and queues of the caller's own scope, plain and filtered on plan A's plan/member.
    c.push(
        get(
            "/api/v1/organizations",
            "/api/v1/organizations".into(),
            Target::Scope,
        )
        .ok(PLAN_A, PlanAdmin, 200)
        .seeing(PLAN_A),
    );
    // Provider capacity and the directory (issue #14 item 12): no member data; only the
    // provider itself records its capacity (another organization's id is refused).
    let capacity = format!("/api/v1/organizations/{ECM_A}/capacity");
    c.push(
        post(
            "/api/v1/organizations/{id}/capacity",
            capacity.clone(),
            json!({ "service": "ecm", "county": "San Mateo", "status": "waitlist",
                    "as_of": "2026-11-20", "note": "about 3 weeks" }),
            Target::Claim { username: None },
        )
        .ok(ECM_A, ProviderAdmin, 200),
    );
    c.push(
        get(
            "/api/v1/organizations/{id}/capacity",
            capacity,
            Target::Scope,
        )
        .ok(REF_A, Referrer, 200)
        .seeing("waitlist"),
    );
    c.push(
        get(
            "/api/v1/directory",
            "/api/v1/directory?county=San%20Mateo&service=ecm".into(),
            Target::Scope,
        )
        .ok(REF_A, Referrer, 200)
        .seeing(ECM_A),
    );
    c.push(
        get("/api/v1/users", "/api/v1/users".into(), Target::Scope)
            .ok(PLAN_A, PlanAdmin, 200)
            .seeing("hpsm-plan-care-coordinator"),
    );
    // Paged (issue #15 item 4): a cursor names a position, never grants a scope.
    c.push(
        get(
            "/api/v1/organizations",
            "/api/v1/organizations?limit=500&after=a".into(),
            Target::Scope,
        )
        .ok(PLAN_A, PlanAdmin, 200)
        .seeing(PLAN_A),
    );
    c.push(
        get(
            "/api/v1/users",
            "/api/v1/users?limit=500&after=a".into(),
            Target::Scope,
        )
        .ok(PLAN_A, PlanAdmin, 200)
        .seeing("hpsm-plan-care-coordinator"),
    );
    for (label, q) in [
        ("all", "?limit=500".to_owned()),
        ("plan A's member", format!("?member_id={m1}&limit=500")),
        (
            "plan A's record",
            format!("?record_id={}&limit=500", w.auth1),
        ),
        (
            "plan A's user",
            "?actor=hpsm-plan-care-coordinator&limit=500".to_owned(),
        ),
    ] {
        c.push(
            get(
                "/api/v1/audit-log",
                format!("/api/v1/audit-log{q}"),
                Target::Scope,
            )
            .label(label)
            .ok(PLAN_A, PlanAdmin, 200)
            .seeing(&m1),
        );
    }
    c.push(
        get(
            "/api/v1/members",
            "/api/v1/members?limit=100".into(),
            Target::Scope,
        )
        .ok(PLAN_A, PlanCareCoordinator, 200)
        .seeing(&m1),
    );
    for (label, q) in [
        ("all", "?limit=100"),
        ("plan A's plan", "?plan=hpsm&county=San%20Mateo&limit=100"),
    ] {
        c.push(
            get(
                "/api/v1/authorizations",
                format!("/api/v1/authorizations{q}"),
                Target::Scope,
            )
            .label(label)
            .ok(PLAN_A, PlanUmReviewer, 200)
            .seeing(&w.auth1),
        );
        c.push(
            get(
                "/api/v1/ecm-enrollments/reauthorizations-due",
                format!("/api/v1/ecm-enrollments/reauthorizations-due{q}"),
                Target::Scope,
            )
            .label(label)
            .ok(PLAN_A, PlanUmReviewer, 200),
        );
    }
    for (label, q) in [
        ("all", "?limit=100"),
        ("waiting on plan", "?waiting_on=plan"),
    ] {
        c.push(
            get(
                "/api/v1/work-queues/referrals",
                format!("/api/v1/work-queues/referrals{q}"),
                Target::Scope,
            )
            .label(label)
            .ok(PLAN_A, PlanCareCoordinator, 200)
            .seeing(&w.ref1),
        );
    }

    // Reads of plan A's records.
    c.push(
        get("/api/v1/members/{id}", mm1.clone(), t_m1.clone())
            .ok(PLAN_A, PlanUmReviewer, 200)
            .seeing(M1.cin),
    );
    c.push(
        get(
            "/api/v1/members/{id}/eligibility",
            format!("{mm1}/eligibility"),
            t_m1.clone(),
        )
        .ok(PLAN_A, PlanUmReviewer, 200)
        .seeing(&m1),
    );
    c.push(
        get("/api/v1/authorizations/{id}", a1.clone(), t_a1.clone())
            .ok(PLAN_A, PlanUmReviewer, 200)
            .seeing(&m1),
    );
    c.push(
        get("/api/v1/referrals/{id}", r1.clone(), t_r1.clone())
            .label("made by plan A's referrer")
            .ok(REF_A, Referrer, 200)
            .seeing(&m1),
    );
    c.push(
        get(
            "/api/v1/referrals/{id}",
            format!("/api/v1/referrals/{}", w.ref3),
            t_r3.clone(),
        )
        .label("of plan A's second member")
        .ok(PLAN_A, PlanCareCoordinator, 200)
        .seeing(&m2),
    );
    c.push(
        get("/api/v1/ecm-enrollments/{id}", e1.clone(), t_e1.clone())
            .ok(ECM_A, ProviderCareManager, 200)
            .seeing(&m1),
    );

    // Member writes.
    c.push(
        post(
            "/api/v1/members/{id}/demographics",
            format!("{mm1}/demographics"),
            json!({ "demographics": { "phone": "510-555-0100", "address_lines": ["1 Other Street"] } }),
            t_m1.clone(),
        )
        .ok_body(
            PLAN_A,
            PlanCareCoordinator,
            200,
            registration(&M1)
                .as_object()
                .map(|o| json!({ "demographics": o["demographics"].clone() }))
                .unwrap(),
        ),
    );
    let facts = json!({ "facts": registration(&M1)["facts"].clone() });
    c.push(
        post(
            "/api/v1/members/{id}/facts",
            format!("{mm1}/facts"),
            facts,
            t_m1.clone(),
        )
        .ok(PLAN_A, PlanCareCoordinator, 200),
    );
    c.push(
        post(
            "/api/v1/members/{id}/eligibility/recompute",
            format!("{mm1}/eligibility/recompute"),
            json!({}),
            t_m1.clone(),
        )
        .ok(PLAN_A, PlanCareCoordinator, 200),
    );

    // Authorization 1: pend → extend → decide (deny with notice) → appeal → resolve.
    c.push(
        post(
            "/api/v1/authorizations/{id}/pend",
            format!("{a1}/pend"),
            json!({ "information_needed": "everything you have" }),
            t_a1.clone(),
        )
        .ok_body(
            PLAN_A,
            PlanUmReviewer,
            200,
            json!({ "information_needed": format!("{MARK} housing history") }),
        ),
    );
    c.push(
        post(
            "/api/v1/authorizations/{id}/extend",
            format!("{a1}/extend"),
            json!({ "reason": "awaiting records from the PCP" }),
            t_a1.clone(),
        )
        .ok(PLAN_A, PlanUmReviewer, 200),
    );
    c.push(
        post(
            "/api/v1/authorizations/{id}/decision",
            format!("{a1}/decision"),
            json!({
                "decision": { "decision": "deny", "reason": "POF 1a criteria not documented" },
                "notice_of_action": noa("NOA template 12")
            }),
            t_a1.clone(),
        )
        .ok(PLAN_A, PlanUmReviewer, 200),
    );
    c.push(
        post(
            "/api/v1/authorizations/{id}/appeals",
            format!("{a1}/appeals"),
            json!({ "appeal_id": "appeal-x" }),
            t_a1.clone(),
        )
        .ok_body(
            PLAN_A,
            PlanCareCoordinator,
            200,
            json!({ "appeal_id": format!("{MARK}-appeal-1") }),
        ),
    );
    c.push(
        post(
            "/api/v1/authorizations/{id}/appeals/resolution",
            format!("{a1}/appeals/resolution"),
            json!({ "resolution": { "outcome": "overturned", "start": "2026-12-01" } }),
            t_a1.clone(),
        )
        .ok(PLAN_A, PlanUmReviewer, 200),
    );
    // Authorization 2 (pended at set-up): information received → notice → withdrawal.
    c.push(
        post(
            "/api/v1/authorizations/{id}/information-received",
            format!("{a2}/information-received"),
            json!({}),
            t_a2.clone(),
        )
        .ok(ECM_A, ProviderCareManager, 200),
    );
    c.push(
        post(
            "/api/v1/authorizations/{id}/notices",
            format!("{a2}/notices"),
            json!({ "notice": {
                "recipient": "practitioner", "purpose": "other", "channel": "portal",
                "content": "information received; decision pending", "sent_at": NOW,
                "actor": "hpsm-plan-um-reviewer" } }),
            t_a2.clone(),
        )
        .ok(PLAN_A, PlanUmReviewer, 200),
    );
    c.push(
        post(
            "/api/v1/authorizations/{id}/withdrawal",
            format!("{a2}/withdrawal"),
            json!({ "reason": "duplicate" }),
            t_a2.clone(),
        )
        .ok(ECM_A, ProviderCareManager, 200),
    );

    // Referral 1: eligibility review → assignment → acceptance → authorization → services
    // started → notices → notice agreement → closure. The CS referral: declination.
    c.push(
        post(
            "/api/v1/referrals/{id}/eligibility-review",
            format!("{r1}/eligibility-review"),
            json!({ "eligible": true, "determination_id": "det-x" }),
            t_r1.clone(),
        )
        .ok_body(
            PLAN_A,
            PlanCareCoordinator,
            200,
            json!({ "eligible": true }),
        ),
    );
    for (label, provider) in [
        ("to an unrelated ECM provider", ECM_X),
        ("to an unrelated CS provider", CS_X),
    ] {
        c.push(
            post(
                "/api/v1/referrals/{id}/assignment",
                format!("{r1}/assignment"),
                json!({ "provider_org_id": provider }),
                t_r1.clone(),
            )
            .label(label),
        );
    }
    if let Some(last) = c.last_mut() {
        *last = last.clone().ok_body(
            PLAN_A,
            PlanCareCoordinator,
            200,
            json!({ "provider_org_id": ECM_A }),
        );
    }
    c.push(
        post(
            "/api/v1/referrals/{id}/acceptance",
            format!("{r1}/acceptance"),
            json!({}),
            t_r1.clone(),
        )
        .ok(ECM_A, ProviderCareManager, 200),
    );
    c.push(
        post(
            "/api/v1/referrals/{id}/authorization",
            format!("{r1}/authorization"),
            json!({ "authorized": true, "authorization_id": w.auth1 }),
            t_r1.clone(),
        )
        .ok(PLAN_A, PlanUmReviewer, 200),
    );
    c.push(
        post(
            "/api/v1/referrals/{id}/services-started",
            format!("{r1}/services-started"),
            json!({ "started_on": "2026-11-20" }),
            t_r1.clone(),
        )
        .ok(ECM_A, ProviderCareManager, 200),
    );
    c.push(
        post(
            "/api/v1/referrals/{id}/notices",
            format!("{r1}/notices"),
            json!({ "recipient": "member", "purpose": "authorized", "channel": "mail",
                    "content": "authorization notice template 3" }),
            t_r1.clone(),
        )
        .ok_body(
            PLAN_A,
            PlanCareCoordinator,
            200,
            json!({ "recipient": "member", "purpose": "authorized", "channel": "mail",
                    "content": format!("{MARK} authorization notice template 3") }),
        ),
    );
    c.push(
        post(
            "/api/v1/referrals/{id}/notice-agreement",
            format!("{r1}/notice-agreement"),
            json!({ "channel": "fax", "documentation": "signed agreement form 12" }),
            t_r1.clone(),
        )
        .ok(PLAN_A, PlanCareCoordinator, 200),
    );
    c.push(
        post(
            "/api/v1/referrals/{id}/closure",
            format!("{r1}/closure"),
            json!({ "reason": "services-received" }),
            t_r1.clone(),
        )
        .ok_body(
            PLAN_A,
            PlanCareCoordinator,
            200,
            json!({ "reason": "services-received", "note": format!("{MARK} loop closed") }),
        ),
    );
    c.push(
        post(
            "/api/v1/referrals/{id}/declination",
            format!("{rcs}/declination"),
            json!({ "reason": "no capacity" }),
            t_rcs.clone(),
        )
        .ok(CS_A, ProviderCareManager, 200),
    );

    // ECM enrollment 1: outreach → enrollment → lead care manager → care team → assessment →
    // goal → activity → re-authorization → discontinuation.
    let ecm_steps: Vec<(&'static str, &'static str, Value, Value, &'static str, Role)> = vec![
        (
            "/api/v1/ecm-enrollments/{id}/outreach-attempts",
            "outreach-attempts",
            json!({ "date": "2026-11-18", "channel": "phone", "mode": "telephonic",
                    "staff": "non-clinical", "reached": true }),
            Value::Null,
            ECM_A,
            ProviderCareManager,
        ),
        (
            "/api/v1/ecm-enrollments/{id}/enrollment",
            "enrollment",
            json!({ "start": "2026-11-20", "authorization_id": w.auth1, "lead_care_manager": "lcm-x" }),
            json!({ "start": "2026-11-20", "authorization_id": w.auth1, "lead_care_manager": format!("{MARK}-lcm-1") }),
            ECM_A,
            ProviderCareManager,
        ),
        (
            "/api/v1/ecm-enrollments/{id}/lead-care-manager",
            "lead-care-manager",
            json!({ "person_id": "lcm-x" }),
            json!({ "person_id": format!("{MARK}-lcm-2") }),
            ECM_A,
            ProviderCareManager,
        ),
        (
            "/api/v1/ecm-enrollments/{id}/care-team",
            "care-team",
            json!({ "person_id": "pcp-x", "role": "pcp" }),
            json!({ "person_id": format!("{MARK}-pcp-1"), "role": "pcp" }),
            ECM_A,
            ProviderCareManager,
        ),
        (
            "/api/v1/ecm-enrollments/{id}/assessments",
            "assessments",
            json!({ "assessment_id": "asmt-x", "started": "2026-11-20" }),
            json!({ "assessment_id": format!("{MARK}-asmt-1"), "started": "2026-11-20" }),
            ECM_A,
            ProviderCareManager,
        ),
        (
            "/api/v1/ecm-enrollments/{id}/care-plan-goals",
            "care-plan-goals",
            json!({ "goal_id": "goal-x", "description": "x", "status": "open", "revised_on": "2026-11-20" }),
            json!({ "goal_id": "goal-1", "description": format!("{MARK} housing application"),
                    "status": "open", "revised_on": "2026-11-20" }),
            ECM_A,
            ProviderCareManager,
        ),
        (
            "/api/v1/ecm-enrollments/{id}/activities",
            "activities",
            json!({ "service": "health-promotion", "date": "2026-11-20", "description": "x" }),
            json!({ "service": "health-promotion", "date": "2026-11-20",
                    "description": format!("{MARK} diabetes self-management session") }),
            ECM_A,
            ProviderCareManager,
        ),
        (
            "/api/v1/ecm-enrollments/{id}/reauthorizations",
            "reauthorizations",
            json!({ "start": "2027-11-20", "authorization_id": w.auth3 }),
            Value::Null,
            PLAN_A,
            PlanUmReviewer,
        ),
        (
            "/api/v1/ecm-enrollments/{id}/discontinuation",
            "discontinuation",
            json!({ "on": "2026-11-20", "reason": "member-declined" }),
            Value::Null,
            PLAN_A,
            PlanCareCoordinator,
        ),
    ];
    for (template, step, attack, rightful, org, role) in ecm_steps {
        let mut case = post(template, format!("{e1}/{step}"), attack, t_e1.clone());
        if step == "reauthorizations" {
            // Two weeks before the next period (scheduled dates are at most 90 days ahead).
            case = case.at("2027-11-06T17:00:00Z");
        }
        c.push(if rightful.is_null() {
            case.ok(org, role, 200)
        } else {
            case.ok_body(org, role, 200, rightful)
        });
    }

    // Users: a user created in plan A's organization; plan A's user disabled / enabled.
    c.push(
        post(
            "/api/v1/users",
            "/api/v1/users".into(),
            json!({ "username": "hpsm-intruder", "org_id": PLAN_A, "roles": ["plan-admin"],
                    "password": "synthetic-intruder-pass-1" }),
            Target::Claim {
                username: Some("hpsm-intruder".into()),
            },
        )
        .label("a plan admin in plan A's organization")
        .ok_body(
            PLAN_A,
            PlanAdmin,
            201,
            json!({ "username": "hpsm-new-coordinator", "roles": ["plan-care-coordinator"],
                    "password": "synthetic-rightful-pass-1" }),
        ),
    );
    let spare = Target::User {
        username: w.spare.clone(),
    };
    c.push(
        post(
            "/api/v1/users/{username}/disable",
            format!("/api/v1/users/{}/disable", w.spare),
            json!({}),
            spare.clone(),
        )
        .ok(PLAN_A, PlanAdmin, 200),
    );
    c.push(
        post(
            "/api/v1/users/{username}/enable",
            format!("/api/v1/users/{}/enable", w.spare),
            json!({}),
            spare,
        )
        .ok(PLAN_A, PlanAdmin, 200),
    );
    // API tokens: plan A's users' tokens are listed, issued, read and revoked by plan A only.
    c.push(
        get("/api/v1/tokens", "/api/v1/tokens".into(), Target::Scope)
            .ok(PLAN_A, PlanAdmin, 200)
            .seeing("hpsm-plan-um-reviewer"),
    );
    c.push(
        post(
            "/api/v1/tokens",
            "/api/v1/tokens".into(),
            json!({ "username": "hpsm-plan-um-reviewer", "name": "intruder laptop" }),
            Target::User {
                username: "hpsm-plan-um-reviewer".into(),
            },
        )
        .label("a token for plan A's user")
        .ok_body(
            PLAN_A,
            PlanAdmin,
            201,
            json!({ "username": "hpsm-plan-um-reviewer", "name": "rightful laptop" }),
        ),
    );
    let token = Target::Token {
        id: w.extra_token.clone(),
    };
    c.push(
        get(
            "/api/v1/tokens/{token_id}",
            format!("/api/v1/tokens/{}", w.extra_token),
            token.clone(),
        )
        .ok(PLAN_A, PlanAdmin, 200),
    );
    c.push(
        post(
            "/api/v1/tokens/{token_id}/revocation",
            format!("/api/v1/tokens/{}/revocation", w.extra_token),
            json!({}),
            token,
        )
        .ok(PLAN_A, PlanAdmin, 200),
    );
    // Creations naming plan A's member or plan A (writes that would create a grant). Last, so
    // that a grant one of them creates today does not change what the cases above find.
    c.push(
        post(
            "/api/v1/members",
            "/api/v1/members".into(),
            registration(&Person {
                given: "Claimed",
                family: "Elsewhere",
                cin: M1.cin,
                birth_date: "1961-07-19",
                street: "1 Other Street",
                phone: "510-555-0100",
            }),
            Target::Claim { username: None },
        )
        .label("registered under plan A's overlay with M1's CIN")
        .ok_body(
            PLAN_A,
            PlanCareCoordinator,
            201,
            registration(&Person {
                given: "Newmember",
                family: "Rightful",
                cin: "SYNQ7730043X",
                birth_date: "1990-01-02",
                street: "9 Rightful Way",
                phone: "650-555-0109",
            }),
        ),
    );
    let to_m1 = Target::MemberRef { member: m1.clone() };
    c.push(
        post(
            "/api/v1/authorizations",
            "/api/v1/authorizations".into(),
            submission(&m1, PLAN_A, "hpsm", "San Mateo"),
            to_m1.clone(),
        )
        .label("plan A's member, owned by plan A (issue #12 defect 1)")
        .ok(ECM_A, ProviderCareManager, 201),
    );
    c.push(
        post(
            "/api/v1/authorizations",
            "/api/v1/authorizations".into(),
            submission(&m1, PLAN_B, "alameda-alliance", "Alameda"),
            to_m1.clone(),
        )
        .label("plan A's member, owned by plan B")
        .ok_body(
            ECM_A,
            ProviderCareManager,
            201,
            submission(&m1, PLAN_A, "hpsm", "San Mateo"),
        ),
    );
    c.push(
        post(
            "/api/v1/referrals",
            "/api/v1/referrals".into(),
            referral(&m1, PLAN_A, "hpsm", "San Mateo", "cbo"),
            to_m1.clone(),
        )
        .label("plan A's member, to plan A")
        // Any referring entity may refer a plan's member to that plan (the member's plan is
        // the one the referral names); what it learns is its own referral.
        .also_rightful(&[REF_X])
        .ok(REF_A, Referrer, 201),
    );
    c.push(
        post(
            "/api/v1/referrals",
            "/api/v1/referrals".into(),
            referral(
                &m1,
                PLAN_B,
                "alameda-alliance",
                "Alameda",
                "plan-identification",
            ),
            to_m1.clone(),
        )
        .label("plan A's member, to plan B (issue #12 defect 3)")
        .ok_body(
            PLAN_A,
            PlanCareCoordinator,
            201,
            referral(&m1, PLAN_A, "hpsm", "San Mateo", "plan-identification"),
        ),
    );
    let to_m2 = Target::MemberRef { member: m2.clone() };
    for (label, provider) in [
        (
            "plan A's member to an unrelated ECM provider (issue #12 defect 2)",
            ECM_X,
        ),
        ("plan A's member to an unrelated CS provider", CS_X),
        ("plan A's member to a plan organization as provider", PLAN_B),
    ] {
        c.push(
            post(
                "/api/v1/ecm-enrollments",
                "/api/v1/ecm-enrollments".into(),
                ecm_open(&m2, provider),
                to_m2.clone(),
            )
            .label(label)
            .ok_body(PLAN_A, PlanCareCoordinator, 201, ecm_open(&m2, ECM_A)),
        );
    }
    // The rightful calls above opened M2's enrollment three times over: only the first is
    // checked as the story's; the others may be refused once duplicates are, so they expect
    // nothing but success today. Keep one rightful call.
    let mut seen_open = false;
    for case in c.iter_mut() {
        if case.template == "/api/v1/ecm-enrollments" && case.method == "POST" {
            if seen_open {
                case.rightful = None;
            }
            seen_open = true;
        }
    }

    c
}
