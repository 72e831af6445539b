//! The server and its OpenAPI document agree (issue #12 item 11): security headers, problem+json
//! bodies on every error (also the ones hyper answers itself), the `Problem` schema matches what
//! is sent, and requests the document allows are not refused for their form. The whole-surface
//! check is schemathesis against the running demo (`crates/careloop-web/tests/contract/run.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(unused_imports, unused_macros)]
mod scenarios;

use careloop_store::{AnyStore, SqliteStore, Store};
use jsonschema::Validator;
use scenarios::{Answer, Api};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn fresh() -> (tempfile::TempDir, AnyStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("careloop.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    (dir, AnyStore::Sqlite(store))
}

/// A validator for one schema of the document (its `$ref`s resolve inside the document).
fn validator(schema: Value) -> Validator {
    let mut root = careloop_web::openapi::document();
    let obj = root.as_object_mut().unwrap();
    obj.remove("paths");
    obj.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    for (k, v) in schema.as_object().unwrap() {
        obj.insert(k.clone(), v.clone());
    }
    jsonschema::validator_for(&root).unwrap()
}

fn problem_validator() -> Validator {
    validator(json!({ "$ref": "#/components/schemas/Problem" }))
}

fn parameter_schema(path: &str, method: &str, name: &str) -> Value {
    let doc = careloop_web::openapi::document();
    let params = doc["paths"][path][method]["parameters"].as_array().unwrap();
    for p in params {
        let p = match p["$ref"].as_str() {
            Some(r) => {
                let key = r.rsplit('/').next().unwrap();
                doc["components"]["parameters"][key].clone()
            }
            None => p.clone(),
        };
        if p["name"] == name {
            return p["schema"].clone();
        }
    }
    panic!("{method} {path} has no parameter {name}");
}

fn assert_headers(a: &Answer, what: &str) {
    assert_eq!(a.header("cache-control"), "no-store", "{what}");
    assert_eq!(a.header("x-content-type-options"), "nosniff", "{what}");
}

#[tokio::test]
async fn api_answers_are_not_cached_or_sniffed_and_the_docs_page_has_a_csp() {
    let (_dir, store) = fresh().await;
    let api = Api::new(store);
    let a = api.get("/api/v1/members?limit=5", "t-coord").await;
    assert_eq!(a.status.as_u16(), 200, "{}", a.text);
    assert_headers(&a, "member list");
    let a = api.get("/api/v1/members/SYN-000001", "t-coord").await;
    a.problem(404);
    assert_headers(&a, "404");
    let a = api.call("GET", "/api/v1/members", None, &[], None).await;
    a.problem(401);
    assert_headers(&a, "401");
    let a = api.call("GET", "/api/openapi.json", None, &[], None).await;
    assert_headers(&a, "openapi.json");

    let d = api.call("GET", "/api/docs", None, &[], None).await;
    assert_eq!(d.status.as_u16(), 200);
    assert_headers(&d, "docs");
    let csp = d.header("content-security-policy");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    // No inline code for the CSP to refuse: the script and style are files of this origin.
    assert!(!d.text.contains("<script>") && !d.text.contains("<style>"));
    for (path, ty) in [
        ("/api/docs.js", "text/javascript"),
        ("/api/docs.css", "text/css"),
    ] {
        assert!(d.text.contains(path), "{path}");
        let a = api.call("GET", path, None, &[], None).await;
        assert_eq!(a.status.as_u16(), 200, "{path}");
        assert!(a.header("content-type").starts_with(ty), "{path}");
        assert_headers(&a, path);
    }
}

/// Sends raw bytes to a real server and reads the whole answer (the server closes).
async fn raw_exchange(request: Vec<u8>) -> (String, String) {
    let (_dir, store) = fresh().await;
    let api = Api::new(store);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(careloop_web::serve_router(listener, api.router()));
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    // The server may answer and close before reading it all.
    let _ = s.write_all(&request).await;
    let mut out = Vec::new();
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), s.read_to_end(&mut out)).await;
    server.abort();
    let text = String::from_utf8_lossy(&out).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (head.to_owned(), body.to_owned())
}

fn assert_problem_exchange(head: &str, body: &str, status: u16, slug: &str) {
    assert!(head.starts_with(&format!("HTTP/1.1 {status} ")), "{head}");
    let lower = head.to_ascii_lowercase();
    assert!(
        lower.contains("content-type: application/problem+json"),
        "{head}"
    );
    assert!(lower.contains("cache-control: no-store"), "{head}");
    let v: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    assert_eq!(v["status"], status);
    assert_eq!(v["type"], format!("urn:careloop:problem:{slug}"));
    assert!(problem_validator().is_valid(&v), "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_uri_too_long_is_answered_with_a_problem() {
    let long = "a".repeat(70_000);
    let (head, body) = raw_exchange(
        format!("GET /api/v1/members/{long} HTTP/1.1\r\nHost: x\r\n\r\n").into_bytes(),
    )
    .await;
    assert_problem_exchange(&head, &body, 414, "uri-too-long");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_too_large_and_unreadable_requests_are_answered_with_a_problem() {
    let big = "a".repeat(600_000);
    let (head, body) = raw_exchange(
        format!("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n").into_bytes(),
    )
    .await;
    assert_problem_exchange(&head, &body, 431, "headers-too-large");
    let (head, body) = raw_exchange(b"GET /healthz HTTP/1.1\r\nHo st: x\r\n\r\n".to_vec()).await;
    assert_problem_exchange(&head, &body, 400, "malformed-request");
    // A normal request on the same kind of connection is untouched.
    let (head, body) =
        raw_exchange(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec())
            .await;
    assert!(head.starts_with("HTTP/1.1 200 "), "{head}");
    assert!(body.contains("ok") || !body.is_empty(), "{body}");
}

#[tokio::test]
async fn problems_sent_on_401_403_404_and_422_match_the_problem_schema() {
    let (_dir, store) = fresh().await;
    let api = Api::new(store);
    let v = problem_validator();
    let answers = [
        api.call("GET", "/api/v1/members", None, &[], None).await,
        api.call("GET", "/api/v1/members", Some("wrong"), &[], None)
            .await,
        api.get("/api/v1/audit-log", "t-prov-a").await,
        api.get("/api/v1/members/SYN-404", "t-coord").await,
        api.get("/api/v1/nowhere", "t-coord").await,
        api.get("/api/v1/members?limit=0", "t-coord").await,
    ];
    let mut statuses = Vec::new();
    for a in &answers {
        let status = a.status.as_u16();
        a.problem(status);
        statuses.push(status);
        let errors: Vec<String> = v.iter_errors(&a.body).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{status} {}: {errors:?}", a.text);
    }
    assert_eq!(statuses, [401, 401, 403, 404, 404, 422]);
}

#[test]
fn every_operation_declares_every_error_status_with_the_problem_schema() {
    let doc = careloop_web::openapi::document();
    let mut n = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/") {
            continue;
        }
        for (method, op) in ops.as_object().unwrap() {
            for code in [
                "400", "401", "403", "404", "409", "413", "414", "415", "422", "431", "503",
            ] {
                assert_eq!(
                    op["responses"][code]["$ref"], "#/components/responses/Problem",
                    "{method} {path} {code}"
                );
            }
            n += 1;
        }
    }
    assert!(n > 40, "{n}");
}

#[test]
fn integer_fields_declare_the_range_the_server_reads() {
    let doc = careloop_web::openapi::document();
    let mut unbounded = Vec::new();
    fn walk(v: &Value, at: String, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                let is_int = o.get("type") == Some(&json!("integer"))
                    || o.get("type")
                        .and_then(Value::as_array)
                        .is_some_and(|t| t.contains(&json!("integer")));
                if is_int && (o.get("minimum").is_none() || o.get("maximum").is_none()) {
                    out.push(at.clone());
                }
                for (k, x) in o {
                    walk(x, format!("{at}/{k}"), out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, format!("{at}/{i}"), out);
                }
            }
            _ => {}
        }
    }
    walk(&doc["components"]["schemas"], String::new(), &mut unbounded);
    assert!(unbounded.is_empty(), "{unbounded:?}");
}

/// Each query `limit` is 1..=500 in the document, and the server takes every whole number
/// there, however JSON spells it (`5.0`).
#[tokio::test]
async fn limit_takes_what_the_document_allows() {
    let (_dir, store) = fresh().await;
    let api = Api::new(store);
    for (path, token) in [
        ("/api/v1/members", "t-coord"),
        ("/api/v1/authorizations", "t-reviewer"),
        ("/api/v1/work-queues/referrals", "t-coord"),
        ("/api/v1/ecm-enrollments/reauthorizations-due", "t-coord"),
        ("/api/v1/audit-log", "t-plan-admin"),
    ] {
        let s = parameter_schema(path, "get", "limit");
        assert_eq!(
            (s["minimum"].as_u64(), s["maximum"].as_u64()),
            (Some(1), Some(500)),
            "{path}"
        );
        for ok in ["1", "500", "5.0", "5e1"] {
            let a = api.get(&format!("{path}?limit={ok}"), token).await;
            assert_eq!(a.status.as_u16(), 200, "{path} limit={ok}: {}", a.text);
        }
        for bad in ["0", "501", "5.5", "x"] {
            let a = api.get(&format!("{path}?limit={bad}"), token).await;
            a.problem(422);
        }
    }
    let s = parameter_schema("/api/v1/audit-log", "get", "after_seq");
    assert_eq!(s["minimum"], 0);
    let a = api
        .get("/api/v1/audit-log?after_seq=3.0", "t-plan-admin")
        .await;
    assert_eq!(a.status.as_u16(), 200, "{}", a.text);
}

/// A queue cursor the document's pattern allows is read (even one for no record).
#[tokio::test]
async fn cursors_take_what_the_document_allows() {
    let (_dir, store) = fresh().await;
    let api = Api::new(store);
    for (path, token) in [
        ("/api/v1/authorizations", "t-reviewer"),
        ("/api/v1/work-queues/referrals", "t-coord"),
        ("/api/v1/ecm-enrollments/reauthorizations-due", "t-coord"),
    ] {
        let schema = parameter_schema(path, "get", "after");
        let v = validator(schema);
        for ok in [
            "2026-11-02T17:00:00Z~auth-1",
            "1000-01-01T00:00:00.5Z~x",
            "9999-12-28T23:59:59.123456789Z~a~b",
        ] {
            assert!(v.is_valid(&json!(ok)), "{path}: {ok}");
            let a = api.get(&format!("{path}?after={ok}"), token).await;
            assert_eq!(a.status.as_u16(), 200, "{path} after={ok}: {}", a.text);
        }
        for bad in [
            "",
            "no-tilde",
            "2026-11-02T17:00:00Z~",
            "2026-13-02T17:00:00Z~x",
        ] {
            assert!(!v.is_valid(&json!(bad)), "{path}: {bad}");
            let a = api.get(&format!("{path}?after={bad}"), token).await;
            a.problem(422);
        }
    }
}

/// The audit filters are 1 to 200 characters (not bytes), not only white space.
#[tokio::test]
async fn audit_filters_count_characters_as_the_document_does() {
    let (_dir, store) = fresh().await;
    let api = Api::new(store);
    let v = validator(parameter_schema("/api/v1/audit-log", "get", "actor"));
    let two_hundred = "é".repeat(200);
    assert!(v.is_valid(&json!(two_hundred)));
    let a = api
        .get(
            &format!("/api/v1/audit-log?actor={}", "%C3%A9".repeat(200)),
            "t-plan-admin",
        )
        .await;
    assert_eq!(a.status.as_u16(), 200, "{}", a.text);
    for bad in ["", "%20%20"] {
        let a = api
            .get(&format!("/api/v1/audit-log?actor={bad}"), "t-plan-admin")
            .await;
        a.problem(422);
    }
}

/// If-Match and Idempotency-Key: what the document's patterns allow reaches the use case (here a
/// 404 for an unknown record), what they refuse is a 400 naming the header.
#[tokio::test]
async fn headers_take_exactly_what_the_document_allows() {
    let (_dir, store) = fresh().await;
    let api = Api::new(store);
    let path = "/api/v1/authorizations/no-such-request/pend";
    let body = json!({ "information_needed": "the care plan" });
    let if_match = validator(parameter_schema(
        "/api/v1/authorizations/{id}/pend",
        "post",
        "If-Match",
    ));
    for ok in [
        "\"3\"",
        "W/\"3\"",
        "3",
        "W/3",
        "\"0\"",
        "\"123456789012345678\"",
    ] {
        assert!(if_match.is_valid(&json!(ok)), "{ok}");
        let a = api
            .call(
                "POST",
                path,
                Some("t-reviewer"),
                &[("if-match", ok)],
                Some(&body),
            )
            .await;
        a.problem(404);
    }
    for bad in [
        "seven",
        "\"3",
        "+3",
        "\"-1\"",
        "1234567890123456789",
        "\"\"",
    ] {
        assert!(!if_match.is_valid(&json!(bad)), "{bad}");
        let a = api
            .call(
                "POST",
                path,
                Some("t-reviewer"),
                &[("if-match", bad)],
                Some(&body),
            )
            .await;
        assert_eq!(a.problem(400)["field"], "If-Match", "{bad}");
    }
    let key = validator(parameter_schema(
        "/api/v1/authorizations/{id}/pend",
        "post",
        "Idempotency-Key",
    ));
    let longest = "k".repeat(255);
    for ok in ["k", "a b", "~!", longest.as_str()] {
        assert!(key.is_valid(&json!(ok)), "{ok}");
        let a = api
            .call(
                "POST",
                path,
                Some("t-reviewer"),
                &[("idempotency-key", ok)],
                Some(&body),
            )
            .await;
        a.problem(404);
    }
    let too_long = "k".repeat(256);
    for bad in ["", "a\tb", too_long.as_str()] {
        assert!(!key.is_valid(&json!(bad)), "{bad:?}");
        let a = api
            .call(
                "POST",
                path,
                Some("t-reviewer"),
                &[("idempotency-key", bad)],
                Some(&body),
            )
            .await;
        assert_eq!(a.problem(400)["field"], "Idempotency-Key", "{bad:?}");
    }
}

/// A whole number written `1.0` is an integer in JSON Schema, and the server reads it as one.
#[tokio::test]
async fn whole_number_floats_in_a_body_are_integers() {
    let (_dir, store) = fresh().await;
    let api = Api::new(store);
    let a = api
        .post(
            "/api/v1/authorizations/no-such-request/pend",
            "t-reviewer",
            json!({ "information_needed": "the care plan", "expected_version": 1.0 }),
        )
        .await;
    a.problem(404);
    let a = api
        .post(
            "/api/v1/authorizations/no-such-request/pend",
            "t-reviewer",
            json!({ "information_needed": "the care plan", "expected_version": 1.5 }),
        )
        .await;
    assert_eq!(a.problem(422)["field"], "expected_version");
}
