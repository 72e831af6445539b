//! The runner: every case as every attacker, then the rightful call; every failure collected
//! (route, attacker, what leaked or changed), none stopping the run.

use std::collections::BTreeSet;

use careloop_store::{AnyStore, AuditFilter, Store};
use serde_json::Value;

use super::cases::{Case, Target};
use super::world::*;
use crate::scenarios::{Answer, Api};

/// One thing that went wrong.
#[derive(Clone, Debug)]
pub struct Failure {
    /// status, leak, wrote, changed, grant, audit, oracle, rightful, coverage.
    pub kind: &'static str,
    pub route: String,
    pub who: String,
    pub what: String,
}

/// Statuses that refuse without revealing anything.
const REFUSED: [u16; 3] = [403, 404, 422];

pub struct Run<'a> {
    api: &'a Api,
    w: &'a World,
    /// The last event seq seen: any later event is a write.
    events_seq: i64,
    /// The last audit seq seen.
    audit_seq: i64,
    /// Plan A's records as plan A reads them: (path, status and body).
    watched: Vec<String>,
    snapshot: Vec<(String, String)>,
    /// The same records as stored (every column), compared after each attack.
    stored: Vec<(String, String)>,
    /// (what, value): strings of plan A that must never reach another organization.
    secrets: Vec<(String, String)>,
    /// Grants and exposures already reported.
    granted: BTreeSet<String>,
    /// Whether an attack on the current case wrote (a rightful failure may follow from it).
    attack_wrote: bool,
    pub failures: Vec<Failure>,
}

fn route(case: &Case) -> String {
    let mut r = format!("{} {}", case.method, case.template);
    if !case.label.is_empty() {
        r.push_str(&format!(" [{}]", case.label));
    }
    r
}

fn short(text: &str) -> String {
    let t: String = text.chars().take(240).collect();
    if t.len() < text.len() {
        format!("{t}…")
    } else {
        t
    }
}

fn store(api: &Api) -> &AnyStore {
    api.app.store()
}

impl<'a> Run<'a> {
    pub async fn new(api: &'a Api, w: &'a World) -> Run<'a> {
        let mut secrets = Vec::new();
        for (name, p) in [("M1", &M1), ("M2", &M2)] {
            for (what, value) in [
                ("given name", p.given),
                ("family name", p.family),
                ("CIN", p.cin),
                ("birth date", p.birth_date),
                ("address", p.street),
                ("phone", p.phone),
            ] {
                secrets.push((format!("{name}'s {what}"), value.to_owned()));
            }
        }
        secrets.push(("plan A's record text".into(), MARK.into()));
        for (what, id) in [
            ("M1's member id", &w.m1),
            ("M2's member id", &w.m2),
            ("authorization 1's id", &w.auth1),
            ("authorization 2's id", &w.auth2),
            ("referral 1's id", &w.ref1),
            ("the CS referral's id", &w.ref_cs),
            ("referral 3's id", &w.ref3),
            ("ECM enrollment 1's id", &w.enr1),
        ] {
            secrets.push((what.into(), id.clone()));
        }
        for user in w.users_of(PLAN_A) {
            secrets.push((format!("plan A's username {user}"), user));
        }
        let watched = vec![
            format!("/api/v1/members/{}", w.m1),
            format!("/api/v1/members/{}", w.m2),
            format!("/api/v1/members/{}/eligibility", w.m1),
            format!("/api/v1/authorizations/{}", w.auth1),
            format!("/api/v1/authorizations/{}", w.auth2),
            format!("/api/v1/referrals/{}", w.ref1),
            format!("/api/v1/referrals/{}", w.ref_cs),
            format!("/api/v1/referrals/{}", w.ref3),
            format!("/api/v1/ecm-enrollments/{}", w.enr1),
            "/api/v1/users".to_owned(),
        ];
        let mut run = Run {
            api,
            w,
            events_seq: 0,
            audit_seq: 0,
            watched,
            snapshot: Vec::new(),
            stored: Vec::new(),
            secrets,
            granted: BTreeSet::new(),
            attack_wrote: false,
            failures: Vec::new(),
        };
        run.settle().await;
        run.audit_since().await;
        run.snapshot = run.read_plan_a().await;
        run.stored = run.read_stored().await;
        // The checks must be able to fail: plan A's reads write no event (else every attack
        // would look like a write), and what plan A reads does carry the secrets.
        run.settle_pause().await;
        assert!(run.events_since().await.is_empty(), "a read wrote an event");
        let all: String = run.snapshot.iter().map(|(_, t)| t.as_str()).collect();
        for (what, value) in &run.secrets {
            if !what.starts_with("plan A's username") {
                assert!(all.contains(value.as_str()), "plan A does not see {what}");
            }
        }
        run
    }

    fn fail(&mut self, kind: &'static str, route: &str, who: &str, what: impl Into<String>) {
        self.failures.push(Failure {
            kind,
            route: route.to_owned(),
            who: who.to_owned(),
            what: what.into(),
        });
    }

    /// The events written since the last call (every write of careloop writes one): (actor,
    /// description). PostgreSQL may hand an event over a call late (it holds back events of
    /// transactions newer than the oldest running one), so attacks filter them by actor.
    async fn events_since(&mut self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        loop {
            let page = store(self.api)
                .events_since(self.events_seq, 10_000)
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            self.events_seq = last.seq;
            out.extend(page.iter().map(|e| {
                (
                    e.actor.clone(),
                    format!(
                        "{} {} {} by {}",
                        e.event_type, e.kind, e.aggregate_id, e.actor
                    ),
                )
            }));
        }
        out
    }

    /// Drains the event log until it stays empty for a moment (PostgreSQL's late events).
    async fn settle(&mut self) {
        while !self.events_since().await.is_empty() {
            self.settle_pause().await;
        }
        self.settle_pause().await;
        while !self.events_since().await.is_empty() {
            self.settle_pause().await;
        }
    }

    async fn settle_pause(&self) {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    /// Moves the audit watermark to the end of the log.
    async fn audit_since(&mut self) -> Vec<careloop_store::AuditRecord> {
        let mut out = Vec::new();
        loop {
            let page = store(self.api)
                .audit(&AuditFilter {
                    after_seq: self.audit_seq,
                    limit: 10_000,
                    ..AuditFilter::default()
                })
                .await
                .unwrap();
            let Some(last) = page.last() else { break };
            self.audit_seq = last.seq;
            out.extend(page);
        }
        out
    }

    /// Plan A's records as plan A reads them (the users list as plan A's admin).
    async fn read_plan_a(&self) -> Vec<(String, String)> {
        let coord = self
            .w
            .token(PLAN_A, careloop_app::Role::PlanCareCoordinator);
        let admin = self.w.token(PLAN_A, careloop_app::Role::PlanAdmin);
        let mut out = Vec::new();
        for path in &self.watched {
            let token = if path == "/api/v1/users" {
                admin
            } else {
                coord
            };
            let a = self.api.get(path, token).await;
            out.push((path.clone(), format!("{} {}", a.status.as_u16(), a.text)));
        }
        out
    }

    /// The watched records as stored: every column of the row, serialized.
    async fn read_stored(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for path in &self.watched {
            let mut parts = path.trim_start_matches("/api/v1/").split('/');
            let kind = match parts.next() {
                Some("members") => "member",
                Some("authorizations") => "authorization",
                Some("referrals") => "referral",
                Some("ecm-enrollments") => "ecm-enrollment",
                _ => continue,
            };
            let Some(id) = parts.next() else { continue };
            if parts.next().is_some() {
                continue;
            }
            let row = store(self.api).get(kind, id).await.unwrap();
            out.push((path.clone(), serde_json::to_string(&row).unwrap()));
        }
        out
    }

    /// Runs one case: every attacker, then the rightful call.
    pub async fn case(&mut self, case: &Case) {
        if let Some(at) = case.at {
            self.api.set_now(at);
        }
        self.case_at_clock(case).await;
        if case.at.is_some() {
            self.api.set_now(super::world::NOW);
        }
    }

    async fn case_at_clock(&mut self, case: &Case) {
        let w = self.w;
        self.attack_wrote = false;
        for attacker in w.attackers() {
            if case.also_rightful.contains(&attacker.org) {
                continue;
            }
            self.attack(case, attacker).await;
        }
        // Read back as plan A through the API: byte-identical to before this case's attacks.
        let route = route(case);
        let now = self.read_plan_a().await;
        let before = std::mem::take(&mut self.snapshot);
        for ((path, was), (_, is)) in before.iter().zip(&now) {
            if was != is {
                self.fail(
                    "changed",
                    &route,
                    "all attackers of this case",
                    format!(
                        "plan A reads {path} differently: {} → {}",
                        short(was),
                        short(is)
                    ),
                );
            }
        }
        self.snapshot = now;
        self.check_api_grants(&route).await;
        self.audit_since().await;
        self.rightful(case).await;
    }

    async fn call(
        &self,
        case: &Case,
        path: &str,
        body: Option<&Value>,
        token: Option<&str>,
    ) -> Answer {
        self.api.call(case.method, path, token, &[], body).await
    }

    async fn attack(&mut self, case: &Case, who: &Who) {
        let route = route(case);
        let label = who.label();
        let body_text = case.body.as_ref().map(Value::to_string).unwrap_or_default();
        let request = format!("{} {body_text}", case.path);
        let a = self
            .call(case, &case.path, case.body.as_ref(), Some(&who.token))
            .await;
        let status = a.status.as_u16();

        // (a) The answer refuses and reveals nothing.
        let status_ok = match &case.target {
            Target::Scope => [200, 403].contains(&status),
            Target::Ops => status < 500,
            _ => REFUSED.contains(&status),
        };
        if !status_ok {
            self.fail(
                "status",
                &route,
                &label,
                format!("answered {status}: {}", short(&a.text)),
            );
        }
        if case.template == "/api/v1/audit-log" && status == 200 {
            let own: BTreeSet<String> = w_users(self.w, who.org);
            let foreign: BTreeSet<String> = a.body["items"]
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .filter(|i| {
                            // A line of another organization: not by one of the caller's users,
                            // and not about the caller's organization (the system's set-up).
                            i["actor"].as_str().is_none_or(|a| !own.contains(a))
                                && i["org_id"] != who.org
                        })
                        .map(|i| format!("{} {}", i["actor"], i["action"]))
                        .collect()
                })
                .unwrap_or_default();
            if !foreign.is_empty() {
                self.fail(
                    "leak",
                    &route,
                    &label,
                    format!("the audit log shows lines of other organizations' users: {foreign:?}"),
                );
            }
        } else {
            let leaked: Vec<String> = self
                .secrets
                .iter()
                .filter(|(_, v)| !request.contains(v.as_str()) && a.text.contains(v.as_str()))
                .map(|(what, _)| what.clone())
                .collect();
            if !leaked.is_empty() {
                self.fail(
                    "leak",
                    &route,
                    &label,
                    format!("the {status} answer reveals {}", leaked.join(", ")),
                );
            }
        }

        // (b) Nothing changed: no write at all, plan A's records byte-identical, no grant.
        // Any event but a late one of the rightful users' own calls is the attack's.
        let rightful = self.w.rightful_users();
        let events: Vec<String> = self
            .events_since()
            .await
            .into_iter()
            .filter(|(actor, _)| !rightful.contains(actor))
            .map(|(_, e)| e)
            .collect();
        if !events.is_empty() {
            self.attack_wrote = true;
            self.fail(
                "wrote",
                &route,
                &label,
                format!("answered {status} and WROTE: {}", events.join("; ")),
            );
        }
        let now = self.read_stored().await;
        let before = std::mem::take(&mut self.stored);
        for ((path, was), (_, is)) in before.iter().zip(&now) {
            if was != is {
                self.fail(
                    "changed",
                    &route,
                    &label,
                    format!(
                        "plan A's stored {path} changed: {} → {}",
                        short(was),
                        short(is)
                    ),
                );
            }
        }
        self.stored = now;

        // (c) The attempt is in the owning plan's audit log (plan A's admin reads it), naming
        // the attacker's organization (`actor_org_id`) and the member (or plan A's user) it
        // reached.
        let audit_before = self.audit_seq;
        let expected = match &case.target {
            Target::Record { member, .. } | Target::MemberRef { member } => {
                Some(("member_id", member.clone()))
            }
            Target::User { username } => Some(("record_id", username.clone())),
            Target::Token { id } => Some(("record_id", id.clone())),
            Target::Claim { username: Some(u) } => Some(("record_id", u.clone())),
            _ => None,
        };
        if let Some((field, value)) = expected {
            let admin = self.w.token(PLAN_A, careloop_app::Role::PlanAdmin);
            let log = self
                .api
                .get(
                    &format!(
                        "/api/v1/audit-log?actor={}&after_seq={audit_before}&limit=500",
                        who.user
                    ),
                    admin,
                )
                .await;
            let seen = log.body["items"].as_array().is_some_and(|items| {
                items
                    .iter()
                    .any(|i| i[field] == value.as_str() && i["actor_org_id"] == who.org)
            });
            if !seen {
                let stored: Vec<String> = self
                    .audit_since()
                    .await
                    .into_iter()
                    .filter(|l| l.actor == who.user)
                    .map(|l| {
                        format!(
                            "{} {}/{} org={} member={}",
                            l.action,
                            l.record_kind,
                            l.record_id,
                            l.org_id,
                            l.member_id.as_deref().unwrap_or("none")
                        )
                    })
                    .collect();
                self.fail(
                    "audit",
                    &route,
                    &label,
                    format!(
                        "not in plan A's audit log (want {field}={} actor_org_id={}); stored: {}",
                        if field == "member_id" {
                            "<plan A's member>"
                        } else {
                            value.as_str()
                        },
                        who.org,
                        if stored.is_empty() {
                            "nothing".to_owned()
                        } else {
                            stored.join("; ")
                        }
                    ),
                );
            }
        }

        // Only now (its lines are not the attack's): no grant was created.
        self.check_grants(&route, &label).await;

        // Existence oracle: a refused call on plan A's record answers as one on a non-existent.
        let phantom = match &case.target {
            Target::Record { id, .. } => Some((id.clone(), PHANTOM_ID.to_owned())),
            Target::MemberRef { member } => Some((member.clone(), PHANTOM_ID.to_owned())),
            Target::User { username } => Some((username.clone(), "no-such-user-dead".to_owned())),
            Target::Token { id } => Some((id.clone(), "f".repeat(64))),
            _ => None,
        };
        if let Some((real, fake)) = phantom
            && REFUSED.contains(&status)
        {
            let path = case.path.replace(&real, &fake);
            let body: Option<Value> = case
                .body
                .as_ref()
                .map(|b| serde_json::from_str(&b.to_string().replace(&real, &fake)).unwrap());
            let p = self
                .call(case, &path, body.as_ref(), Some(&who.token))
                .await;
            let norm = |t: &str| t.replace(&real, "{target}").replace(&fake, "{target}");
            if (p.status, norm(&p.text)) != (a.status, norm(&a.text)) {
                self.fail(
                    "oracle",
                    &route,
                    &label,
                    format!(
                        "tells plan A's record from a non-existent one: {} {} vs {} {}",
                        status,
                        short(&norm(&a.text)),
                        p.status.as_u16(),
                        short(&norm(&p.text))
                    ),
                );
            }
            // A phantom call that wrote (a reference left unchecked) is issue #12's other part.
            self.events_since().await;
            self.stored = self.read_stored().await;
        }
        self.audit_since().await;
    }

    /// After each attack: no attacker organization gained an access grant for plan A's members.
    /// Each grant (here and in [`Self::check_api_grants`]) is reported once, by the attack or
    /// case after which it first appeared.
    async fn check_grants(&mut self, route: &str, label: &str) {
        let members = [("M1", self.w.m1.clone()), ("M2", self.w.m2.clone())];
        for org in [PLAN_B, ECM_X, CS_X, REF_X] {
            for (name, m) in &members {
                if store(self.api).has_access(org, m).await.unwrap()
                    && self.granted.insert(format!("{org} {m}"))
                {
                    self.fail(
                        "grant",
                        route,
                        label,
                        format!("{org} now holds an access grant for plan A's member {name}"),
                    );
                }
            }
        }
    }

    /// Once per case, through the API: every attacking provider user still gets 404 on plan A's
    /// members and does not list them (whatever path a grant took).
    async fn check_api_grants(&mut self, route: &str) {
        let members = [("M1", self.w.m1.clone()), ("M2", self.w.m2.clone())];
        let label = "all attackers of this case";
        let providers: Vec<Who> = self
            .w
            .attackers()
            .into_iter()
            .filter(|w| w.org_kind.is_provider())
            .cloned()
            .collect();
        for p in &providers {
            for (name, m) in &members {
                let a = self
                    .api
                    .get(&format!("/api/v1/members/{m}"), &p.token)
                    .await;
                if a.status.as_u16() != 404 && self.granted.insert(format!("{} GET {m}", p.user)) {
                    self.fail(
                        "grant",
                        route,
                        label,
                        format!(
                            "GET /api/v1/members/<{name}> now answers {} to {}",
                            a.status, p.user
                        ),
                    );
                }
            }
            let list = self.api.get("/api/v1/members?limit=500", &p.token).await;
            for (name, m) in &members {
                if list.text.contains(m.as_str())
                    && self.granted.insert(format!("{} LIST {m}", p.user))
                {
                    self.fail(
                        "grant",
                        route,
                        label,
                        format!("{}'s member list now shows {name}", p.user),
                    );
                }
            }
        }
    }

    async fn rightful(&mut self, case: &Case) {
        let Some(r) = &case.rightful else { return };
        let route = route(case);
        let (token, label) = match r.role {
            Some(role) => {
                let who = self.w.who(r.org, role);
                (Some(who.token.clone()), format!("RIGHTFUL {}", who.label()))
            }
            None => (None, "RIGHTFUL (no token)".to_owned()),
        };
        let path = r.path.clone().unwrap_or_else(|| case.path.clone());
        let body = r.body.clone().or_else(|| case.body.clone());
        let a = self
            .call(case, &path, body.as_ref(), token.as_deref())
            .await;
        if a.status.as_u16() != r.status {
            let cascade = if self.attack_wrote {
                " (an attack on this case wrote first: probably a consequence)"
            } else {
                ""
            };
            self.fail(
                "rightful",
                &route,
                &label,
                format!(
                    "answered {} (want {}){cascade}: {}",
                    a.status.as_u16(),
                    r.status,
                    short(&a.text)
                ),
            );
        }
        if let Some(text) = &r.contains
            && !a.text.contains(text.as_str())
        {
            self.fail(
                "rightful",
                &route,
                &label,
                "the rightful answer does not show plan A's record",
            );
        }
        // A record the rightful call created is plan A's too: watched and secret from now on.
        if a.status.as_u16() == 201 {
            let location = a.header("location").to_owned();
            if let Some(id) = a.body["id"].as_str() {
                self.secrets
                    .push((format!("the id created by {route}"), id.to_owned()));
            }
            if location.starts_with("/api/v1/") && !location.starts_with("/api/v1/users") {
                self.watched.push(location);
            }
        }
        self.events_since().await;
        self.audit_since().await;
        self.snapshot = self.read_plan_a().await;
        self.stored = self.read_stored().await;
    }
}

fn w_users(w: &World, org: &str) -> BTreeSet<String> {
    w.users_of(org).into_iter().collect()
}

/// Whether `path` (query stripped) fits the document's `template`.
fn fits(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}

/// Every operation of the OpenAPI document has an attack case and a rightful call; every case
/// names an operation of the document and a path that fits it.
pub fn coverage(doc: &Value, cases: &[Case]) -> Vec<Failure> {
    let mut out = Vec::new();
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                ops.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    assert!(
        ops.len() > 40,
        "the document lists {} operations",
        ops.len()
    );
    for (method, path) in &ops {
        let mine: Vec<&Case> = cases
            .iter()
            .filter(|c| c.method == method && c.template == path)
            .collect();
        if mine.is_empty() {
            out.push(Failure {
                kind: "coverage",
                route: format!("{method} {path}"),
                who: "-".into(),
                what:
                    "the operation has no cross-organization attack case (tests/cross_org/cases.rs)"
                        .into(),
            });
        } else if mine.iter().all(|c| c.rightful.is_none()) {
            out.push(Failure {
                kind: "coverage",
                route: format!("{method} {path}"),
                who: "-".into(),
                what: "the operation has no rightful-call sanity check".into(),
            });
        }
    }
    for c in cases {
        if !ops.iter().any(|(m, p)| m == c.method && p == c.template) {
            out.push(Failure {
                kind: "coverage",
                route: route(c),
                who: "-".into(),
                what: "the case names an operation the document does not have".into(),
            });
        }
        if !fits(c.template, &c.path) {
            out.push(Failure {
                kind: "coverage",
                route: route(c),
                who: "-".into(),
                what: format!("the case's path {} does not fit the template", c.path),
            });
        }
    }
    out
}
