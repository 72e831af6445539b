//! Issue #12 defect 7: every string and list has a length and character rule, refused at the
//! edge with a 422 naming the field path; a path id that breaks the id rule is 404. Nothing
//! refused is stored. Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use super::*;

fn field_of(a: &Answer) -> String {
    a.problem(422)["field"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

pub async fn text_and_id_limits_are_refused_at_the_edge(store: AnyStore) {
    let api = Api::with_world(store).await;
    let cases: Vec<(&str, Value, &str)> = vec![
        ("member_id", json!("S".repeat(900_000)), "at most 100"),
        ("member_id", json!("../../etc/passwd"), "'/'"),
        ("member_id", json!("SYN\u{0}1"), "U+0000"),
        ("county", json!("San Mateo\u{1b}[2J"), "U+001B"),
        ("county", json!("x".repeat(501)), "at most 500"),
    ];
    for (field, value, words) in cases {
        let mut body = submission();
        body[field] = value;
        let a = api.post("/api/v1/authorizations", "t-prov-a", body).await;
        assert_eq!(field_of(&a), field, "{}", a.text);
        assert!(
            a.body["detail"].as_str().unwrap().contains(words),
            "{}",
            a.text
        );
    }

    // Free text: a 900 kB reason and a NUL are refused naming the field; nothing is stored.
    let url = submitted(&api).await;
    let version = api.version(&url).await;
    for value in [json!("x".repeat(900_000)), json!("need\u{0}labs")] {
        let a = api
            .post(
                &format!("{url}/pend"),
                "t-reviewer",
                json!({ "information_needed": value }),
            )
            .await;
        assert_eq!(field_of(&a), "information_needed", "{}", a.text);
    }
    assert_eq!(
        api.version(&url).await,
        version,
        "nothing refused is stored"
    );

    // A referrer name with ESC, in a domain type nested in the body.
    let mut body = referral();
    body["referrer"]["name"] = json!("CBO\u{1b}]0;pwned\u{7}");
    let a = api.post("/api/v1/referrals", "t-coord", body).await;
    assert_eq!(field_of(&a), "referrer.name", "{}", a.text);

    // Lists: at most 10 address lines (50,000 were stored as given).
    let mut body = registration(example_facts("pof-1a-adult", None));
    body["demographics"]["address_lines"] = json!(vec!["1 Example Way"; 11]);
    let a = api.post(MEMBERS, "t-coord", body).await;
    assert_eq!(field_of(&a), "demographics.address_lines", "{}", a.text);
    let mut body = registration(example_facts("pof-1a-adult", None));
    body["demographics"]["address_lines"] = json!(vec!["1 Example Way"; 10]);
    let a = api.post(MEMBERS, "t-coord", body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);

    // A path id that is not an id cannot name a record: 404, as for an unknown id.
    for path in [
        "/api/v1/authorizations/..%2F..%2Fetc%2Fpasswd".to_owned(),
        format!("/api/v1/authorizations/{}", "a".repeat(101)),
        "/api/v1/members/.hidden".to_owned(),
        "/api/v1/referrals/a%00b".to_owned(),
    ] {
        let a = api.get(&path, "t-coord").await;
        a.problem(404);
    }
    let a = api
        .post(
            "/api/v1/authorizations/..%2Fx/pend",
            "t-reviewer",
            json!({ "information_needed": "labs" }),
        )
        .await;
    a.problem(404);
}
