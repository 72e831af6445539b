//! The HTTP API on SQLite: every scenario on a fresh temp-file database, plus the
//! store-independent checks (OpenAPI snapshot, docs page).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod scenarios;

use careloop_store::{AnyStore, SqliteStore, Store};

async fn fresh() -> (tempfile::TempDir, AnyStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("careloop.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    (dir, AnyStore::Sqlite(store))
}

macro_rules! sqlite_scenarios {
    ($($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let (_dir, store) = fresh().await;
                scenarios::$case(store.clone()).await;
                store.close().await;
            }
        )*
    };
}

api_scenarios!(sqlite_scenarios);

#[test]
fn openapi_document_snapshot() {
    let doc = careloop_web::openapi::document();
    assert_eq!(doc["openapi"], "3.1.0");
    // Every $ref points at a component that exists.
    let text = doc.to_string();
    for piece in text.split("\"$ref\":\"#/components/").skip(1) {
        let target = piece.split('"').next().unwrap();
        let mut node = &doc["components"];
        for part in target.split('/') {
            node = &node[part];
        }
        assert!(!node.is_null(), "dangling $ref #/components/{target}");
    }
    insta::assert_json_snapshot!("openapi", doc);
}

#[tokio::test]
async fn docs_page_and_openapi_are_served() {
    let (_dir, store) = fresh().await;
    let api = scenarios::Api::new(store);
    let a = api.call("GET", "/api/docs", None, &[], None).await;
    assert_eq!(a.status, 200);
    assert!(a.header("content-type").starts_with("text/html"));
    assert!(a.text.contains("/api/openapi.json") && !a.text.contains("https://"));
    let o = api.call("GET", "/api/openapi.json", None, &[], None).await;
    assert_eq!(o.body, careloop_web::openapi::document());
}
