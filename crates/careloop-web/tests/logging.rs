//! Logging: a created user's password appears in no log line. Its own test binary, so that no
//! other test thread caches tracing callsite interest before the capturing subscriber is set.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    unused_imports
)]

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

/// The password of a created user appears in no log line, at any level (the request log carries
/// no bodies; the body type's Debug redacts it), nor in a bad-input answer.
#[tokio::test(flavor = "current_thread")]
async fn create_user_password_is_never_logged() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let captured = Arc::new(Mutex::new(Vec::new()));
    let writer = Capture(captured.clone());
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (_dir, store) = fresh().await;
    let api = scenarios::Api::new(store);
    api.app
        .bootstrap_organization(
            careloop_app::NewOrganization {
                id: "org-ecm-a".into(),
                name: "Synthetic ECM A".into(),
                kind: careloop_app::OrgKind::EcmProvider,
                plan: None,
                counties: vec![],
            },
            scenarios::ts("2026-11-01T00:00:00Z"),
        )
        .await
        .unwrap();
    let password = "log-canary-passphrase-93";
    let body = serde_json::json!({
        "username": "cm-log", "roles": ["provider-care-manager"], "password": password
    });
    let a = api
        .post("/api/v1/users", "t-prov-admin-a", body.clone())
        .await;
    assert_eq!(a.status, 201, "{}", a.text);
    // A failing create (taken username) and a refused one (another organization).
    api.post("/api/v1/users", "t-prov-admin-a", body.clone())
        .await
        .problem(422);
    let mut other = body;
    other["org_id"] = serde_json::json!("org-ecm-b");
    api.post("/api/v1/users", "t-prov-admin-a", other)
        .await
        .problem(403);

    let logs = String::from_utf8(captured.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("\"route\":\"/api/v1/users\""),
        "the request lines were captured: {logs}"
    );
    assert!(!logs.contains(password), "{logs}");
}
