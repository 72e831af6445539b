//! The conformance suite on SQLite: every case on a fresh database file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod conformance;

use careloop_store::{AnyStore, SqliteSettings, SqliteStore, Store};

async fn fresh() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("careloop.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    (dir, store)
}

macro_rules! sqlite_cases {
    ($($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let (_dir, store) = fresh().await;
                conformance::$case(store.clone()).await;
                store.close().await;
            }
        )*
    };
}

conformance_cases!(sqlite_cases);

#[tokio::test]
async fn sqlite_commits_are_durable_wal_synchronous_full() {
    let (_dir, store) = fresh().await;
    let settings = store.settings().await.unwrap();
    assert_eq!(
        settings,
        SqliteSettings {
            journal_mode: "wal".into(),
            synchronous: 2,
            busy_timeout_ms: 5_000
        }
    );
}

#[tokio::test]
async fn sqlite_data_survives_reopen() {
    let (dir, store) = fresh().await;
    conformance::create(&store, "a1", "received", None).await;
    store.close().await;
    let reopened = SqliteStore::open(dir.path().join("careloop.db"))
        .await
        .unwrap();
    reopened.migrate().await.unwrap();
    assert_eq!(
        reopened
            .get("auth-request", "a1")
            .await
            .unwrap()
            .unwrap()
            .version,
        1
    );
}

#[tokio::test]
async fn sqlite_lists_and_queues_read_an_index() {
    let (_dir, store) = fresh().await;
    conformance::plans::list_queries_read_an_index(&AnyStore::Sqlite(store.clone())).await;
    store.close().await;
}
