//! Members over HTTP: register → read → facts change → eligibility "why"; access from another
//! provider / another plan (404 / 403, audited); bad input per route leaves the record unchanged;
//! Idempotency-Key retry.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use careloop_store::{AuditFilter, AuditRecord, Store};

use super::*;

pub const MEMBERS: &str = "/api/v1/members";

/// The facts of an example member (examples/members), without `member_id` (the server assigns
/// it), optionally with the indicator `present` (e.g. "hospice") present instead of assessed absent.
pub fn example_facts(name: &str, present: Option<&str>) -> Value {
    let text = match name {
        "pof-1a-adult" => include_str!("../../../../examples/members/pof-1a-adult.json"),
        "pof-3-adult" => include_str!("../../../../examples/members/pof-3-adult.json"),
        other => panic!("no example {other}"),
    };
    let mut facts: Value = serde_json::from_str(text).unwrap();
    facts.as_object_mut().unwrap().remove("member_id");
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

pub fn registration(facts: Value) -> Value {
    json!({
        "plan": "hpsm",
        "county": "San Mateo",
        "demographics": { "given_name": "Testa", "family_name": "Synthetic", "preferred_language": "es" },
        "cin": "SYN00000001A",
        "facts": facts,
    })
}

/// Registers a member as the plan care coordinator; its id.
pub async fn registered(api: &Api, facts: Value) -> String {
    let a = api.post(MEMBERS, "t-coord", registration(facts)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    a.body["id"].as_str().unwrap().to_owned()
}

/// The audit lines about one record.
pub async fn audit_of(api: &Api, kind: &str, id: &str) -> Vec<AuditRecord> {
    api.app
        .store()
        .audit(&AuditFilter {
            record_kind: Some(kind.into()),
            record_id: Some(id.into()),
            limit: 1000,
            ..AuditFilter::default()
        })
        .await
        .unwrap()
}

/// (actor, action) of the lines `user` wrote about the record.
pub async fn audited_actions(api: &Api, kind: &str, id: &str, user: &str) -> Vec<String> {
    audit_of(api, kind, id)
        .await
        .into_iter()
        .filter(|l| l.actor == user)
        .map(|l| l.action)
        .collect()
}

pub async fn member_flow_over_http(store: AnyStore) {
    let api = Api::new(store);
    world(&api).await;
    let key = [("idempotency-key", "register-1")];
    let body = registration(example_facts("pof-1a-adult", None));
    let a = api
        .call("POST", MEMBERS, Some("t-coord"), &key, Some(&body))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let id = a.body["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 36, "a server-generated UUID");
    assert_eq!(a.body["member_id"], id.as_str());
    let url = format!("{MEMBERS}/{id}");
    assert_eq!(a.header("location"), url);
    assert_eq!(a.header("etag"), "\"1\"");
    assert_eq!(a.body["status"], "active");
    assert_eq!(a.body["owners"]["owner_org_id"], PLAN);
    assert_eq!(a.body["state"]["cin"], "SYN00000001A");
    assert_eq!(
        a.body["state"]["determination"]["determination"]["ecm_eligible"],
        true
    );

    // Idempotent retry: same record, same body, nothing new written.
    api.set_now("2026-11-02T17:05:00Z");
    let again = api
        .call("POST", MEMBERS, Some("t-coord"), &key, Some(&body))
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.body, a.body);
    assert_eq!(again.header("location"), url);
    // The same key with another body: 422.
    let mut other = body.clone();
    other["cin"] = json!("SYN00000009Z");
    let r = api
        .call("POST", MEMBERS, Some("t-coord"), &key, Some(&other))
        .await;
    assert_eq!(r.problem(422)["field"], "Idempotency-Key");

    // Read back; the "why" view.
    let read = api.get(&url, "t-reviewer").await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    assert_eq!(read.body, a.body);
    assert_eq!(read.header("etag"), "\"1\"");
    let why = api.get(&format!("{url}/eligibility"), "t-reviewer").await;
    assert_eq!(why.status, StatusCode::OK, "{}", why.text);
    assert_eq!(why.body["member_id"], id.as_str());
    assert_eq!(why.body["version"], 1);
    assert_eq!(why.body["as_of"], "2026-11-02");
    assert!(why.body["policy_version"].is_string());
    assert_eq!(why.body["stored"]["determination"]["ecm_eligible"], true);
    let populations = why.body["stored"]["determination"]["populations"]
        .as_array()
        .unwrap();
    assert!(!populations.is_empty());

    // New facts: without homelessness POF 1a is no longer met; If-Match guards the write.
    api.set_now("2026-11-24T18:00:00Z");
    let mut facts = example_facts("pof-1a-adult", None);
    facts["indicators"]
        .as_array_mut()
        .unwrap()
        .retain(|i| i["kind"] != "homelessness");
    let a = api
        .call(
            "POST",
            &format!("{url}/facts"),
            Some("t-coord"),
            &[("if-match", "\"1\"")],
            Some(&json!({ "facts": facts })),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.header("etag"), "\"2\"");
    let why2 = api.get(&format!("{url}/eligibility"), "t-reviewer").await;
    assert_eq!(why2.body["version"], 2);
    assert_eq!(why2.body["as_of"], "2026-11-24");
    assert_ne!(
        why2.body["stored"]["determination"]["ecm_eligible"],
        why.body["stored"]["determination"]["ecm_eligible"]
    );

    // Recompute on the same day: same result, no new version; an empty body is fine.
    let a = api
        .call(
            "POST",
            &format!("{url}/eligibility/recompute"),
            Some("t-coord"),
            &[],
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["version"], 2);
    // As of an earlier date (homelessness facts gone, still not 1a): an explicit as_of.
    let a = api
        .post(
            &format!("{url}/eligibility/recompute"),
            "t-coord",
            json!({ "as_of": "2026-11-25", "expected_version": 2 }),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);

    // Contact data.
    let v = api.version(&url).await;
    let a = api
        .call(
            "POST",
            &format!("{url}/demographics"),
            Some("t-coord"),
            &[("if-match", &format!("\"{v}\""))],
            Some(&json!({ "demographics": { "phone": "555-0100" } })),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["version"], v + 1);
    assert_eq!(a.body["state"]["demographics"]["phone"], "555-0100");

    // The list, paged by id.
    let second = registered(&api, example_facts("pof-3-adult", None)).await;
    let page = api.get(&format!("{MEMBERS}?limit=1"), "t-reviewer").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let items = page.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let first_id = items[0]["id"].as_str().unwrap().to_owned();
    let next = page.body["next"].as_str().unwrap().to_owned();
    let page2 = api
        .get(&format!("{MEMBERS}?limit=10&after={next}"), "t-reviewer")
        .await;
    assert_eq!(page2.status, StatusCode::OK, "{}", page2.text);
    let mut all: Vec<String> = page2.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(page2.body.get("next").is_none(), "{}", page2.text);
    all.insert(0, first_id);
    let mut want = vec![id.clone(), second];
    want.sort();
    assert_eq!(all, want);

    // Everything was audited under the member id.
    let actions: Vec<(String, String)> = audit_of(&api, "member", &id)
        .await
        .into_iter()
        .map(|l| (l.actor, l.action))
        .collect();
    for want in [
        ("u-coord", "register-member"),
        ("u-reviewer", "read"),
        ("u-reviewer", "read-eligibility"),
        ("u-coord", "record-member-facts"),
        ("u-coord", "recompute-member-eligibility"),
        ("u-coord", "update-member"),
        ("u-reviewer", "list"),
    ] {
        assert!(
            actions.contains(&(want.0.to_owned(), want.1.to_owned())),
            "{want:?} in {actions:?}"
        );
    }
}

/// Another provider and another plan: 404 on every GET, 403/404 on every POST, each attempt
/// audited (in the caller's log without the member id, in the owning plan's log with it); the
/// record is unchanged. The provider only sees the member once the plan gives it the member.
pub async fn member_access_is_enforced_and_audited(store: AnyStore) {
    let api = Api::new(store);
    world(&api).await;
    world(&api).await;
    let id = registered(&api, example_facts("pof-1a-adult", None)).await;
    let url = format!("{MEMBERS}/{id}");
    let facts = json!({ "facts": example_facts("pof-1a-adult", None) });
    let posts = [
        (
            format!("{url}/demographics"),
            json!({ "demographics": { "phone": "555-0199" } }),
        ),
        (format!("{url}/facts"), facts),
        (format!("{url}/eligibility/recompute"), json!({})),
    ];
    for (token, user, org) in [
        ("t-prov-c", "u-cm-c", "org-ecm-c"),
        ("t-plan2", "u-coord-2", OTHER_PLAN),
    ] {
        api.get(&url, token).await.problem(404);
        api.get(&format!("{url}/eligibility"), token)
            .await
            .problem(404);
        for (path, body) in &posts {
            let a = api.post(path, token, body.clone()).await;
            assert!(
                [403, 404].contains(&a.status.as_u16()),
                "{path}: {}",
                a.text
            );
            a.problem(a.status.as_u16());
        }
        let lines: Vec<AuditRecord> = audit_of(&api, "member", &id)
            .await
            .into_iter()
            .filter(|l| l.actor == user)
            .collect();
        // Issue #12: each attempt is one line in the caller's log without the member id and one
        // in the owning plan's log with it, both naming the caller's organization.
        let in_log = |log: &str| -> Vec<(String, Option<String>)> {
            lines
                .iter()
                .filter(|l| l.org_id == log)
                .map(|l| (l.action.clone(), l.member_id.clone()))
                .collect()
        };
        let (own, owner) = (in_log(org), in_log(PLAN));
        assert_eq!(own.len(), 5, "{user}: {lines:?}");
        assert_eq!(lines.len(), 10, "{user}: {lines:?}");
        assert!(own.iter().all(|(_, m)| m.is_none()), "{own:?}");
        assert!(
            owner.iter().all(|(_, m)| m.as_deref() == Some(id.as_str())),
            "{owner:?}"
        );
        assert_eq!(
            own.iter().map(|(a, _)| a).collect::<Vec<_>>(),
            owner.iter().map(|(a, _)| a).collect::<Vec<_>>()
        );
        assert!(
            lines.iter().all(|l| l.actor_org_id.as_deref() == Some(org)),
            "{lines:?}"
        );
        let denied: Vec<String> = own.into_iter().map(|(a, _)| a).collect();
        assert!(
            denied
                .iter()
                .all(|a| a.ends_with("-denied") || a.ends_with("-forbidden")),
            "{denied:?}"
        );
        assert!(denied.contains(&"read-denied".to_owned()));
        assert!(denied.contains(&"read-eligibility-denied".to_owned()));
        // Their lists do not show it.
        let list = api.get(MEMBERS, token).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        assert!(
            list.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["id"] != id.as_str())
        );
    }
    // A provider may not register members, a referrer may not list them.
    api.post(
        MEMBERS,
        "t-prov-a",
        registration(example_facts("pof-1a-adult", None)),
    )
    .await
    .problem(403);
    api.get(MEMBERS, "t-ref").await.problem(403);
    assert_eq!(api.version(&url).await, 1);

    // Issue #12: submitting an authorization request for the member does NOT give provider A
    // the member (before, it did): refused like an unknown member, nothing stored.
    api.get(&url, "t-prov-a").await.problem(404);
    let mut request = submission();
    request["member_id"] = json!(id);
    let a = api
        .post("/api/v1/authorizations", "t-prov-a", request.clone())
        .await;
    assert_eq!(a.problem(422)["field"], "member_id", "{}", a.text);
    api.get(&url, "t-prov-a").await.problem(404);
    let queue = api.get("/api/v1/authorizations", "t-reviewer").await;
    assert_eq!(queue.body["items"], json!([]), "{}", queue.text);
    // The plan gives the member to provider A (an ECM enrollment): now A reads the member and
    // may request its authorization (ecm.rs checks the enrollment's grant too).
    let a = api
        .post(
            "/api/v1/ecm-enrollments",
            "t-coord",
            json!({ "member_id": id, "provider_org_id": "org-ecm-a" }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(api.get(&url, "t-prov-a").await.status, StatusCode::OK);
    let a = api
        .post("/api/v1/authorizations", "t-prov-a", request)
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let list = api.get(MEMBERS, "t-prov-a").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    // But a provider does not change the plan's facts.
    api.post(
        &format!("{url}/facts"),
        "t-prov-a",
        json!({ "facts": example_facts("pof-1a-adult", None) }),
    )
    .await
    .problem(403);
    assert_eq!(api.version(&url).await, 1);
}

pub async fn member_bad_input_is_named_and_changes_nothing(store: AnyStore) {
    let api = Api::new(store);
    world(&api).await;
    let id = registered(&api, example_facts("pof-1a-adult", None)).await;
    let url = format!("{MEMBERS}/{id}");
    let before = api.get(&url, "t-reviewer").await.body;
    let raw = |path: String, body: &'static str| {
        let api = &api;
        async move {
            api.send(
                Request::builder()
                    .method("POST")
                    .uri(path)
                    .header("authorization", "Bearer t-coord")
                    .header("content-type", "application/json")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await
        }
    };

    // Malformed JSON on every POST route.
    for path in [
        MEMBERS.to_owned(),
        format!("{url}/demographics"),
        format!("{url}/facts"),
        format!("{url}/eligibility/recompute"),
    ] {
        let a = raw(path.clone(), "{\n [").await;
        assert!(
            a.problem(400)["detail"]
                .as_str()
                .unwrap()
                .contains("line 2"),
            "{path}: {}",
            a.text
        );
    }
    // Unknown fields, named.
    let mut bad = registration(example_facts("pof-1a-adult", None));
    bad["member_id"] = json!("SYN-MINE");
    let a = api.post(MEMBERS, "t-coord", bad).await;
    assert_eq!(
        a.problem(422)["field"],
        "member_id",
        "the server assigns it"
    );
    let a = api
        .post(
            &format!("{url}/demographics"),
            "t-coord",
            json!({ "demographics": { "shoe_size": 9 } }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "demographics.shoe_size");
    let a = api
        .post(
            &format!("{url}/eligibility/recompute"),
            "t-coord",
            json!({ "bogus": true }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "bogus");
    // An unknown plan.
    let mut bad = registration(example_facts("pof-1a-adult", None));
    bad["plan"] = json!("no-such-plan");
    let a = api.post(MEMBERS, "t-coord", bad).await;
    assert_eq!(a.problem(422)["field"], "plan", "{}", a.text);
    // facts.member_id on registration: the server assigns the id.
    let a = api
        .post(
            MEMBERS,
            "t-coord",
            registration(json!({ "member_id": "SYN-X", "birth_date": "1980-03-15" })),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "facts.member_id");
    // Facts naming another member.
    let mut facts = example_facts("pof-1a-adult", None);
    facts["member_id"] = json!("SYN-OTHER");
    let a = api
        .post(
            &format!("{url}/facts"),
            "t-coord",
            json!({ "facts": facts }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "facts.member_id", "{}", a.text);
    // Invalid codes: an unknown indicator kind, an invalid date.
    let mut facts = example_facts("pof-1a-adult", None);
    facts["indicators"][0]["kind"] = json!("not-an-indicator");
    let a = api
        .post(
            &format!("{url}/facts"),
            "t-coord",
            json!({ "facts": facts }),
        )
        .await;
    let field = a.problem(422)["field"].as_str().unwrap().to_owned();
    assert!(field.starts_with("facts.indicators"), "{field}");
    let a = api
        .post(
            &format!("{url}/eligibility/recompute"),
            "t-coord",
            json!({ "as_of": "2026-13-45" }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "as_of");
    // Missing required: facts.
    let a = api
        .post(
            &format!("{url}/facts"),
            "t-coord",
            json!({ "expected_version": 1 }),
        )
        .await;
    assert!(
        a.problem(422)["detail"].as_str().unwrap().contains("facts"),
        "{}",
        a.text
    );
    // Dates out of order: an enrollment span ending before it starts.
    let mut facts = example_facts("pof-1a-adult", None);
    facts["enrollments"][0]["end"] = json!("2023-01-01");
    let a = api
        .post(
            &format!("{url}/facts"),
            "t-coord",
            json!({ "facts": facts }),
        )
        .await;
    let p = a.problem(422);
    assert!(
        p["field"].as_str().unwrap().contains("enrollments"),
        "{}",
        a.text
    );
    // Stale version: 409; If-Match and body disagree: 409 too.
    let a = api
        .call(
            "POST",
            &format!("{url}/demographics"),
            Some("t-coord"),
            &[("if-match", "\"5\"")],
            Some(&json!({ "demographics": {} })),
        )
        .await;
    assert_eq!(a.problem(409)["field"], "If-Match");
    let a = api
        .call(
            "POST",
            &format!("{url}/facts"),
            Some("t-coord"),
            &[("if-match", "\"1\"")],
            Some(&json!({ "facts": example_facts("pof-1a-adult", None), "expected_version": 2 })),
        )
        .await;
    assert_eq!(a.problem(409)["field"], "expected_version");
    // Unknown id on every route.
    let nope = format!("{MEMBERS}/no-such-member");
    api.get(&nope, "t-coord").await.problem(404);
    api.get(&format!("{nope}/eligibility"), "t-coord")
        .await
        .problem(404);
    for (path, body) in [
        (
            format!("{nope}/demographics"),
            json!({ "demographics": {} }),
        ),
        (
            format!("{nope}/facts"),
            json!({ "facts": example_facts("pof-1a-adult", None) }),
        ),
        (format!("{nope}/eligibility/recompute"), json!({})),
    ] {
        api.post(&path, "t-coord", body).await.problem(404);
    }
    // Bad list parameters.
    api.get(&format!("{MEMBERS}?limit=0"), "t-coord")
        .await
        .problem(422);
    let a = api.get(&format!("{MEMBERS}?limit=x"), "t-coord").await;
    assert_eq!(a.problem(422)["field"], "query");

    // Nothing changed.
    let after = api.get(&url, "t-reviewer").await.body;
    assert_eq!(after, before);
    assert_eq!(after["version"], 1);
}
