//! Provider capacity and the provider directory over HTTP (issue #14 item 12).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

const CAPACITY_A: &str = "/api/v1/organizations/org-ecm-a/capacity";

fn statement(status: &str, as_of: &str) -> Value {
    json!({ "service": "ecm", "county": "san mateo", "status": status, "as_of": as_of,
            "note": "about 3 weeks" })
}

/// The provider records its capacity (history kept as events, audited); another provider, a
/// plan and a referrer cannot write it; bad service or county is a named 422; the directory
/// lists it to any signed-in organization, stale past the pack's 30 days.
pub async fn provider_capacity_is_recorded_by_the_provider_and_listed(store: AnyStore) {
    let api = Api::with_world(store).await;
    let a = api
        .post(
            CAPACITY_A,
            "t-prov-admin-a",
            statement("waitlist", "2026-09-01"),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["org_id"], "org-ecm-a");
    assert_eq!(a.body["version"], 1);
    assert_eq!(a.body["entries"][0]["county"], "San Mateo");
    // A care manager of the same provider records a newer statement: it replaces the first.
    let a = api
        .post(CAPACITY_A, "t-prov-a", statement("accepting", "2026-11-02"))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["version"], 2);
    assert_eq!(a.body["entries"].as_array().unwrap().len(), 1);
    assert_eq!(a.body["entries"][0]["status"], "accepting");
    let events =
        careloop_store::Store::events_for(api.app.store(), "provider-capacity", "org-ecm-a")
            .await
            .unwrap();
    assert_eq!(events.len(), 2, "every recording is kept");

    // Another provider (admin or care manager), a plan, a referrer: refused, nothing written.
    for (token, status) in [
        ("t-prov-admin-b", 404),
        ("t-prov-b", 404),
        ("t-coord", 403),
        ("t-plan-admin", 403),
        ("t-ref", 403),
    ] {
        let a = api
            .post(CAPACITY_A, token, statement("full", "2026-11-02"))
            .await;
        a.problem(status);
    }
    let a = api.get(CAPACITY_A, "t-ref").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.body["version"], 2);
    assert_eq!(a.body["entries"][0]["status"], "accepting");

    // Bad input names the field.
    let mut body = statement("full", "2026-11-02");
    body["county"] = json!("Atlantis");
    let p = api.post(CAPACITY_A, "t-prov-admin-a", body).await;
    assert_eq!(p.problem(422)["field"], "county", "{}", p.text);
    assert!(
        p.text.contains("not a county of the policy pack"),
        "{}",
        p.text
    );
    let mut body = statement("full", "2026-11-02");
    body["county"] = json!("Alameda");
    let p = api.post(CAPACITY_A, "t-prov-admin-a", body).await;
    assert_eq!(p.problem(422)["field"], "county", "{}", p.text);
    assert!(p.text.contains("does not serve Alameda"), "{}", p.text);
    let mut body = statement("full", "2026-11-02");
    body["service"] = json!({ "cs": "sobering-centers" });
    let p = api.post(CAPACITY_A, "t-prov-admin-a", body).await;
    assert_eq!(p.problem(422)["field"], "service", "{}", p.text);
    let p = api
        .post(
            CAPACITY_A,
            "t-prov-admin-a",
            statement("full", "2026-12-25"),
        )
        .await;
    assert_eq!(p.problem(422)["field"], "as_of", "{}", p.text);

    // The directory: providers serving San Mateo for ECM, by name, with their capacity.
    let d = api
        .get("/api/v1/directory?county=San%20Mateo&service=ecm", "t-ref")
        .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let items = d.body["items"].as_array().unwrap();
    let ids: Vec<&str> = items
        .iter()
        .map(|i| i["org_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["org-ecm-a", "org-ecm-b", "org-ecm-c"]);
    assert_eq!(items[0]["capacity"][0]["status"], "accepting");
    assert_eq!(items[0]["capacity"][0]["freshness"], "current");
    assert_eq!(items[1]["capacity"], json!([]));
    // A Community Support: no CS provider in this world; Alameda: none of these serve it.
    let d = api
        .get("/api/v1/directory?service=sobering-centers", "t-plan2")
        .await;
    assert_eq!(d.body["items"], json!([]), "{}", d.text);
    let p = api.get("/api/v1/directory?county=Atlantis", "t-ref").await;
    assert_eq!(p.problem(422)["field"], "county");
    let p = api.get("/api/v1/directory?service=bogus", "t-ref").await;
    assert_eq!(p.problem(422)["field"], "service");

    // 31 days later the statement is stale.
    api.set_now("2026-12-04T17:00:00Z");
    let d = api.get("/api/v1/directory?service=ecm", "t-coord").await;
    assert_eq!(
        d.body["items"][0]["capacity"][0]["freshness"], "stale",
        "{}",
        d.text
    );
}
