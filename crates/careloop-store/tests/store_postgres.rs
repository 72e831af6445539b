//! The conformance suite on PostgreSQL, when CARELOOP_TEST_POSTGRES_URL is set (.ci/run sets it).
//! One FRESH database per test run (`careloop_test_<pid>_<nanos>`), created from that URL and
//! dropped at the end; the tables are emptied between cases so each case starts clean.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod conformance;
mod event_order;

use careloop_store::testing::{TestDatabase, admin_url_from_env};
use careloop_store::{AnyStore, PostgresStore, Store};

macro_rules! postgres_cases {
    ($($case:ident),* $(,)?) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn conformance_on_postgres() {
            // CI must always run the PostgreSQL suite; elsewhere a missing URL is a visible skip.
            let Some(url) = admin_url_from_env().unwrap() else {
                eprintln!("skipped: CARELOOP_TEST_POSTGRES_URL not set; the PostgreSQL conformance suite did not run");
                return;
            };
            let db = TestDatabase::create(&url, "careloop_test").await.expect("create test database");
            let test_url = db.url().to_owned();
            let store = PostgresStore::connect(&test_url).await.expect("connect to test database");
            store.migrate().await.expect("migrate");

            let mut failed = Vec::new();
            $(
                let case = tokio::spawn(conformance::$case(store.clone())).await;
                match case {
                    Ok(()) => println!("postgres {} ... ok", stringify!($case)),
                    Err(_) => {
                        println!("postgres {} ... FAILED", stringify!($case));
                        failed.push(stringify!($case));
                    }
                }
                db.truncate().await.expect("truncate");
            )*
            // PostgreSQL only, after the shared cases: raw transactions held open beside the store.
            let gap = tokio::spawn({
                let (store, test_url) = (store.clone(), test_url.clone());
                async move { event_order::follower_never_skips_out_of_order_commits(&store, &test_url).await }
            })
            .await;
            if gap.is_err() {
                println!("postgres follower_never_skips_out_of_order_commits ... FAILED");
                failed.push("follower_never_skips_out_of_order_commits");
            }
            let plans = tokio::spawn({
                let store = AnyStore::Postgres(store.clone());
                async move { conformance::plans::list_queries_read_an_index(&store).await }
            })
            .await;
            if plans.is_err() {
                println!("postgres list_queries_read_an_index ... FAILED");
                failed.push("list_queries_read_an_index");
            }
            store.close().await;
            db.drop_database().await.expect("drop test database");
            assert!(failed.is_empty(), "conformance cases failed on PostgreSQL: {failed:?}");
        }
    };
}

conformance_cases!(postgres_cases);
