//! api2: organizations, users (created over the API, signing in with their own token,
//! disabled and re-enabled) and the audit log over HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

const PASSWORD: &str = "synthetic-pass-phrase-7";

fn new_user(username: &str) -> Value {
    json!({
        "username": username,
        "display_name": "Synthetic Care Manager",
        "roles": ["provider-care-manager"],
        "password": PASSWORD
    })
}

/// Provider admin creates a user over the API → a token from `App::create_token` → the user
/// works with its own roles; disabled, its token is refused; re-enabled, the old token stays
/// refused (revoked by the disable) and a new one works.
pub async fn users_created_over_the_api_sign_in_and_can_be_disabled(store: AnyStore) {
    let api = Api::with_world(store).await;
    let a = api
        .post("/api/v1/users", "t-prov-admin-a", new_user("cm-new"))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    assert_eq!(a.header("location"), "/api/v1/users/cm-new");
    assert_eq!(a.body["username"], "cm-new");
    assert_eq!(a.body["org_id"], "org-ecm-a");
    assert_eq!(a.body["roles"], json!(["provider-care-manager"]));
    assert_eq!(a.body["disabled"], false);
    assert!(!a.text.contains(PASSWORD) && !a.text.contains("password"));
    // Nothing stored for the user carries the password.
    let events = careloop_store::Store::events_for(api.app.store(), "user", "cm-new")
        .await
        .unwrap();
    assert!(!serde_json::to_string(&events).unwrap().contains(PASSWORD));

    let list = api.get("/api/v1/users", "t-prov-admin-a").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let names: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["cm-new"]);
    assert!(list.body.get("next").is_none(), "{}", list.text);
    // Paged (issue #15 item 4): pages of one cover every user once, `next` while more follow.
    let mut after = String::new();
    let mut paged = Vec::new();
    loop {
        let page = api
            .get(&format!("/api/v1/users?limit=1{after}"), "t-prov-admin-a")
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        for u in page.body["items"].as_array().unwrap() {
            paged.push(u["username"].as_str().unwrap().to_owned());
        }
        match page.body["next"].as_str() {
            Some(next) => after = format!("&after={next}"),
            None => break,
        }
    }
    assert_eq!(paged, names);
    for path in ["/api/v1/users?limit=0", "/api/v1/organizations?limit=501"] {
        let a = api.get(path, "t-prov-admin-a").await;
        assert_eq!(a.problem(422)["field"], "limit", "{path}");
    }
    // Another organization's admin does not see it.
    let list = api.get("/api/v1/users", "t-prov-admin-b").await;
    assert_eq!(list.body["items"], json!([]), "{}", list.text);

    // The new user signs in with a token and works with its own roles.
    let token = api
        .app
        .create_token("cm-new", "laptop", ts("2026-11-02T16:00:00Z"))
        .await
        .unwrap()
        .token;
    let a = api
        .post("/api/v1/authorizations", &token, submission())
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    // Its organization was given the member by the plan (ECM enrollment): it reads the request
    // back; provider B cannot.
    let created = a.header("location").to_owned();
    assert_eq!(api.get(&created, &token).await.status, StatusCode::OK);
    api.get(&created, "t-prov-b").await.problem(404);
    api.get("/api/v1/users", &token).await.problem(403);

    // Disabled: the token is refused; enabled again: it works.
    let a = api
        .post("/api/v1/users/cm-new/disable", "t-prov-admin-a", json!({}))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["disabled"], true);
    let a = api.get("/api/v1/authorizations", &token).await;
    a.problem(401);
    assert!(a.header("www-authenticate").contains("invalid_token"));
    let a = api
        .call(
            "POST",
            "/api/v1/users/cm-new/enable",
            Some("t-prov-admin-a"),
            &[],
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["disabled"], false);
    // Issue #12: the disable revoked the old token for good; a new one works.
    api.get("/api/v1/authorizations", &token).await.problem(401);
    let token = api
        .app
        .create_token("cm-new", "laptop-2", ts("2026-11-02T16:30:00Z"))
        .await
        .unwrap()
        .token;
    assert_eq!(
        api.get("/api/v1/authorizations", &token).await.status,
        StatusCode::OK
    );

    // Idempotent create: the retry answers the same, the key with another body is 422.
    let key = [("idempotency-key", "user-2")];
    let first = api
        .call(
            "POST",
            "/api/v1/users",
            Some("t-prov-admin-a"),
            &key,
            Some(&new_user("cm-two")),
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    api.set_now("2026-11-02T18:00:00Z");
    let again = api
        .call(
            "POST",
            "/api/v1/users",
            Some("t-prov-admin-a"),
            &key,
            Some(&new_user("cm-two")),
        )
        .await;
    assert_eq!(again.status, StatusCode::CREATED, "{}", again.text);
    assert_eq!(again.body, first.body);
    let a = api
        .call(
            "POST",
            "/api/v1/users",
            Some("t-prov-admin-a"),
            &key,
            Some(&new_user("cm-three")),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "Idempotency-Key");
    let list = api.get("/api/v1/users", "t-prov-admin-a").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
}

/// Users of another organization: create there is 403, disable there is 404, both audited;
/// non-admins are 403; bad input names the field and creates nothing.
pub async fn user_routes_refuse_other_organizations_and_bad_input(store: AnyStore) {
    let api = Api::new(store);
    world(&api).await;
    let a = api
        .post("/api/v1/users", "t-prov-admin-a", new_user("cm-a"))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);

    let mut elsewhere = new_user("cm-sneaky");
    elsewhere["org_id"] = json!("org-ecm-b");
    api.post("/api/v1/users", "t-prov-admin-a", elsewhere)
        .await
        .problem(403);
    api.post("/api/v1/users/cm-a/disable", "t-prov-admin-b", json!({}))
        .await
        .problem(404);
    api.post("/api/v1/users/nobody/disable", "t-prov-admin-b", json!({}))
        .await
        .problem(404);
    // Non-admins.
    api.post("/api/v1/users", "t-prov-a", new_user("cm-x"))
        .await
        .problem(403);
    api.get("/api/v1/users", "t-coord").await.problem(403);
    api.post("/api/v1/users/cm-a/disable", "t-prov-a", json!({}))
        .await
        .problem(403);

    // Bad input, each naming the field.
    let cases = [
        ("password", json!("short")),
        ("roles", json!(["plan-um-reviewer"])),
        ("roles", json!([])),
        ("roles[0]", json!(["astronaut"])),
        ("username", json!("has space")),
        ("display_name", json!(" ")),
    ];
    for (field, value) in cases {
        let mut body = new_user("cm-bad");
        body[field.trim_end_matches("[0]")] = value;
        let a = api.post("/api/v1/users", "t-prov-admin-a", body).await;
        assert_eq!(a.problem(422)["field"], field, "{}", a.text);
        assert!(!a.text.contains(PASSWORD));
    }
    let mut body = new_user("cm-bad");
    body["is_admin"] = json!(true);
    let a = api.post("/api/v1/users", "t-prov-admin-a", body).await;
    assert_eq!(a.problem(422)["field"], "is_admin");
    let a = api
        .post("/api/v1/users", "t-prov-admin-a", new_user("cm-a"))
        .await;
    assert_eq!(a.problem(422)["field"], "username", "taken");
    let a = api
        .post(
            "/api/v1/users/cm-a/disable",
            "t-prov-admin-a",
            json!({ "reason": "x" }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "reason");

    // Nothing changed: one user, still enabled; the refused attempts are audited.
    let list = api.get("/api/v1/users", "t-prov-admin-a").await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(list.body["items"][0]["disabled"], false);
    let lines = careloop_store::Store::audit(
        api.app.store(),
        &careloop_store::AuditFilter {
            actor: Some("u-admin-b".into()),
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l.action == "manage-users-denied" && l.record_id == "cm-a"),
        "{lines:?}"
    );
    let lines = careloop_store::Store::audit(
        api.app.store(),
        &careloop_store::AuditFilter {
            actor: Some("u-admin-a".into()),
            limit: 100,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l.action == "create-user-forbidden" && l.record_id == "cm-sneaky"),
        "{lines:?}"
    );
}

/// A plan admin sees every organization; a provider admin its own; others are 403.
pub async fn organizations_are_listed_per_admin(store: AnyStore) {
    let api = Api::new(store);
    world(&api).await;
    let a = api.get("/api/v1/organizations", "t-plan-admin").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let ids: Vec<&str> = a.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "org-ecm-a",
            "org-ecm-b",
            "org-ecm-c",
            PLAN,
            OTHER_PLAN,
            "org-ref-1"
        ]
    );
    assert_eq!(a.body["items"][3]["kind"], "plan");
    assert_eq!(a.body["items"][3]["plan"], "hpsm");
    let a = api.get("/api/v1/organizations", "t-prov-admin-b").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(a.body["items"][0]["id"], "org-ecm-b");
    api.get("/api/v1/organizations", "t-prov-a")
        .await
        .problem(403);
    api.get("/api/v1/organizations", "t-ref").await.problem(403);
}

/// The audit log shows the reads of a member's records and the denied attempts, to plan admins,
/// in pages; a provider admin reads its own organization's log only (issue #12).
pub async fn audit_log_shows_reads_and_denied_attempts_to_plan_admins_only(store: AnyStore) {
    let api = Api::with_world(store).await;
    let url = submitted(&api).await;
    let id = url.rsplit('/').next().unwrap().to_owned();
    assert_eq!(api.get(&url, "t-reviewer").await.status, StatusCode::OK);
    api.get(&url, "t-prov-c").await.problem(404);
    api.post(
        &format!("{url}/pend"),
        "t-prov-c",
        json!({ "information_needed": "x" }),
    )
    .await
    .problem(403);

    let a = api
        .get("/api/v1/audit-log?member_id=mem-1", "t-plan-admin")
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    let lines = a.body["items"].as_array().unwrap();
    let has = |actor: &str, action: &str| {
        lines.iter().any(|l| {
            l["actor"] == actor
                && l["action"] == action
                && l["record_id"] == id.as_str()
                && l["member_id"] == "mem-1"
        })
    };
    assert!(has("u-cm-a", "submit-authorization"), "{}", a.text);
    assert!(has("u-reviewer", "read"), "{}", a.text);
    assert!(has("u-cm-c", "read-denied"), "{}", a.text);
    assert!(
        lines
            .iter()
            .all(|l| l["member_id"] == "mem-1" && l["seq"].is_i64() && l["at"].is_string())
    );
    let seqs: Vec<i64> = lines.iter().map(|l| l["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "log order");

    // Filters and paging.
    let a = api
        .get("/api/v1/audit-log?actor=u-cm-c&limit=500", "t-plan-admin")
        .await;
    assert!(
        a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["actor"] == "u-cm-c"),
        "{}",
        a.text
    );
    let first = api
        .get(
            &format!("/api/v1/audit-log?record_kind=authorization&record_id={id}&limit=1"),
            "t-plan-admin",
        )
        .await;
    assert_eq!(
        first.body["items"].as_array().unwrap().len(),
        1,
        "{}",
        first.text
    );
    let after = first.body["next_after_seq"].as_i64().unwrap();
    let second = api
        .get(
            &format!("/api/v1/audit-log?record_id={id}&limit=1&after_seq={after}"),
            "t-plan-admin",
        )
        .await;
    assert!(second.body["items"][0]["seq"].as_i64().unwrap() > after);
    let all = api
        .get(
            &format!("/api/v1/audit-log?record_id={id}&limit=500"),
            "t-plan-admin",
        )
        .await;
    assert!(all.body.get("next_after_seq").is_none(), "{}", all.text);

    // Issue #12: a provider admin reads its own organization's log (before: 403): its users'
    // lines, never the plan's nor another provider's.
    let own = api
        .get("/api/v1/audit-log?limit=500", "t-prov-admin-a")
        .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
    let own = own.body["items"].as_array().unwrap();
    assert!(
        own.iter()
            .any(|l| l["actor"] == "u-cm-a" && l["action"] == "submit-authorization"),
        "{own:?}"
    );
    assert!(own.iter().all(|l| l["org_id"] == "org-ecm-a"), "{own:?}");
    // Provider C's admin sees C's refused attempts, without the member id (that is in the
    // owning plan's log).
    let c_admin = Actor::new(
        "u-admin-c",
        "org-ecm-c",
        OrgKind::EcmProvider,
        vec![Role::ProviderAdmin],
    )
    .unwrap();
    let c_log = api
        .app
        .audit_log(
            &c_admin,
            careloop_app::AuditQuery {
                record_id: Some(id.clone()),
                limit: 100,
                ..careloop_app::AuditQuery::default()
            },
            ts("2026-11-02T17:00:00Z"),
        )
        .await
        .unwrap();
    let c_lines: Vec<(&str, Option<&str>)> = c_log
        .items
        .iter()
        .map(|l| (l.action.as_str(), l.member_id.as_deref()))
        .collect();
    assert_eq!(
        c_lines,
        [
            ("read-denied", None),
            ("pend-authorization-forbidden", None)
        ]
    );
    // Non-admins: 403, and reading the log is itself audited.
    for token in ["t-reviewer", "t-coord", "t-prov-a", "t-ref"] {
        api.get("/api/v1/audit-log", token).await.problem(403);
    }
    let a = api
        .get(
            "/api/v1/audit-log?record_kind=audit-log&limit=500",
            "t-plan-admin",
        )
        .await;
    assert!(
        a.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["actor"] == "u-plan-admin" && l["action"] == "read-audit-log"),
        "{}",
        a.text
    );

    // Bad parameters name the field.
    for (query, field) in [
        ("?limit=0", "limit"),
        ("?limit=501", "limit"),
        ("?after_seq=-1", "after_seq"),
        ("?member_id=", "member_id"),
        ("?seq=3", "query"),
        ("?limit=many", "query"),
    ] {
        let a = api
            .get(&format!("/api/v1/audit-log{query}"), "t-plan-admin")
            .await;
        assert_eq!(a.problem(422)["field"], field, "{query}");
    }
}

/// Issue #12: tokens over the API. An admin creates a token for a user of its organization
/// (default 90 days, or `expires_in_days`), the user lists its own (id = SHA-256 hex, never the
/// secret) and revokes one; another organization's admin sees none and gets 404 revoking; a
/// revoked token is 401 at once.
pub async fn tokens_are_listed_created_and_revoked_over_the_api(store: AnyStore) {
    let api = Api::with_world(store).await;
    let a = api
        .post("/api/v1/users", "t-prov-admin-a", new_user("cm-tok"))
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);

    let a = api
        .post(
            "/api/v1/tokens",
            "t-prov-admin-a",
            json!({ "username": "cm-tok", "name": "laptop", "expires_in_days": 30 }),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let secret = a.body["token"].as_str().unwrap().to_owned();
    let id = a.body["info"]["id"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("cl_") && id.len() == 64 && !secret.contains(&id));
    assert_eq!(a.header("location"), format!("/api/v1/tokens/{id}"));
    assert_eq!(a.body["info"]["status"], "active");
    assert!(a.body["info"]["expires_at"].is_string());
    // Bad lifetime and another organization's user.
    api.post(
        "/api/v1/tokens",
        "t-prov-admin-a",
        json!({ "username": "cm-tok", "name": "x", "expires_in_days": 0 }),
    )
    .await
    .problem(422);
    api.post(
        "/api/v1/tokens",
        "t-prov-admin-b",
        json!({ "username": "cm-tok", "name": "x" }),
    )
    .await
    .problem(404);

    // The user works with it, lists its own tokens (no secret in the answer) and makes another.
    assert_eq!(
        api.get("/api/v1/authorizations", &secret).await.status,
        StatusCode::OK
    );
    let own = api
        .post("/api/v1/tokens", &secret, json!({ "name": "phone" }))
        .await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.text);
    let phone = own.body["token"].as_str().unwrap().to_owned();
    let list = api.get("/api/v1/tokens", &secret).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    assert!(!list.text.contains(&secret) && !list.text.contains(&phone));
    assert!(list.body.get("next").is_none(), "{}", list.text);
    // Paged by id (issue #15 item 4): limit 1 gives the first id and `next`; `after` the second.
    let ids: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    let first = api.get("/api/v1/tokens?limit=1", &secret).await;
    assert_eq!(first.body["items"][0]["id"], ids[0], "{}", first.text);
    assert_eq!(first.body["next"], ids[0], "{}", first.text);
    let second = api
        .get(&format!("/api/v1/tokens?limit=1&after={}", ids[0]), &secret)
        .await;
    assert_eq!(second.body["items"][0]["id"], ids[1], "{}", second.text);
    assert!(second.body.get("next").is_none(), "{}", second.text);
    api.get("/api/v1/tokens?limit=0", &secret)
        .await
        .problem(422);
    api.get("/api/v1/tokens?username=someone-else", &secret)
        .await
        .problem(403);
    let one = api.get(&format!("/api/v1/tokens/{id}"), &secret).await;
    assert_eq!(one.body["name"], "laptop", "{}", one.text);

    // Another organization's admin sees none of them and cannot revoke them.
    let other = api.get("/api/v1/tokens", "t-prov-admin-b").await;
    assert_eq!(other.body["items"], json!([]), "{}", other.text);
    api.post(
        &format!("/api/v1/tokens/{id}/revocation"),
        "t-prov-admin-b",
        json!({}),
    )
    .await
    .problem(404);
    api.get(&format!("/api/v1/tokens/{id}"), "t-prov-admin-b")
        .await
        .problem(404);

    // The admin of the user's organization revokes it: refused at once; the other still works.
    let admin_list = api
        .get("/api/v1/tokens?username=cm-tok", "t-prov-admin-a")
        .await;
    assert_eq!(admin_list.body["items"].as_array().unwrap().len(), 2);
    let r = api
        .post(
            &format!("/api/v1/tokens/{id}/revocation"),
            "t-prov-admin-a",
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "revoked");
    api.get("/api/v1/authorizations", &secret)
        .await
        .problem(401);
    assert_eq!(
        api.get("/api/v1/authorizations", &phone).await.status,
        StatusCode::OK
    );
    // The user revokes its own last token.
    let phone_id = own.body["info"]["id"].as_str().unwrap().to_owned();
    let r = api
        .post(
            &format!("/api/v1/tokens/{phone_id}/revocation"),
            &phone,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    api.get("/api/v1/authorizations", &phone).await.problem(401);
}

/// Issue #12 defect 8: concurrent retries of `POST /users` with one Idempotency-Key all answer
/// the first 201 (never "username already taken"); the key with another body is 422.
pub async fn concurrent_user_create_retries_replay_over_http(store: AnyStore) {
    let api = std::sync::Arc::new(Api::with_world(store).await);
    for round in 0..3 {
        let username = format!("cm-par-{round}");
        let key = format!("par-{round}");
        let mut tasks = Vec::new();
        for _ in 0..16 {
            let (api, username, key) = (api.clone(), username.clone(), key.clone());
            tasks.push(tokio::spawn(async move {
                api.call(
                    "POST",
                    "/api/v1/users",
                    Some("t-prov-admin-a"),
                    &[("idempotency-key", &key)],
                    Some(&new_user(&username)),
                )
                .await
            }));
        }
        let mut bodies = Vec::new();
        for t in tasks {
            let a = t.await.unwrap();
            assert_eq!(a.status, StatusCode::CREATED, "round {round}: {}", a.text);
            bodies.push(a.body);
        }
        assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:?}");
    }
    let a = api
        .call(
            "POST",
            "/api/v1/users",
            Some("t-prov-admin-a"),
            &[("idempotency-key", "par-0")],
            Some(&new_user("cm-par-other")),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "Idempotency-Key");
}
