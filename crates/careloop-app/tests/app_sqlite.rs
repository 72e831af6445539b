//! careloop-app use cases on SQLite: every scenario on a fresh temp-file database.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod scenarios;

use careloop_store::{SqliteStore, Store};

async fn fresh() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = SqliteStore::open(dir.path().join("careloop.db"))
        .await
        .expect("open");
    store.migrate().await.expect("migrate");
    (dir, store)
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

app_scenarios!(sqlite_scenarios);
