//! careloop-web HTTP API on PostgreSQL, when CARELOOP_TEST_POSTGRES_URL is set (.ci/run sets
//! it). As in careloop-store's suite: one FRESH database per run (`careloop_web_test_<pid>_<nanos>`)
//! created from that URL and dropped at the end; tables are emptied between scenarios.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod scenarios;

use careloop_store::testing::{TestDatabase, admin_url_from_env};
use careloop_store::{AnyStore, PostgresStore, Store};

macro_rules! postgres_scenarios {
    ($($case:ident),* $(,)?) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn api_scenarios_on_postgres() {
            // CI must always run these; elsewhere a missing URL is a visible skip.
            let Some(url) = admin_url_from_env().unwrap() else {
                eprintln!("skipped: CARELOOP_TEST_POSTGRES_URL not set; the PostgreSQL API scenarios did not run");
                return;
            };
            let db = TestDatabase::create(&url, "careloop_web_test").await.expect("create test database");
            let store = PostgresStore::connect(db.url()).await.expect("connect to test database");
            store.migrate().await.expect("migrate");

            let mut failed = Vec::new();
            $(
                match tokio::spawn(scenarios::$case(AnyStore::Postgres(store.clone()))).await {
                    Ok(()) => println!("postgres {} ... ok", stringify!($case)),
                    Err(_) => {
                        println!("postgres {} ... FAILED", stringify!($case));
                        failed.push(stringify!($case));
                    }
                }
                db.truncate().await.expect("truncate");
            )*
            store.close().await;
            db.drop_database().await.expect("drop test database");
            assert!(failed.is_empty(), "API scenarios failed on PostgreSQL: {failed:?}");
        }
    };
}

api_scenarios!(postgres_scenarios);
