//! The conformance suite on PostgreSQL, when CARELOOP_TEST_POSTGRES_URL is set (.ci/run sets it).
//! One FRESH database per test run (`careloop_test_<pid>_<nanos>`), created from that URL and
//! dropped at the end; the tables are emptied between cases so each case starts clean.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod conformance;
mod event_order;

use std::time::{SystemTime, UNIX_EPOCH};

use careloop_store::{PostgresStore, Store};
use sqlx::Connection as _;
use sqlx::postgres::PgConnection;

const URL_VAR: &str = "CARELOOP_TEST_POSTGRES_URL";

/// `url` with its database name replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let (scheme, rest) = base.split_once("://").expect("URL has a scheme");
    let authority = rest.split_once('/').map_or(rest, |(a, _)| a);
    format!("{scheme}://{authority}/{db}{query}")
}

async fn admin(url: &str, sql: String) {
    let mut conn = PgConnection::connect(url)
        .await
        .expect("connect to CARELOOP_TEST_POSTGRES_URL");
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
        .execute(&mut conn)
        .await
        .expect("admin statement");
    conn.close().await.expect("close");
}

async fn truncate(url: &str) {
    admin(
        url,
        "TRUNCATE aggregates, events, member_access, idempotency, audit_log RESTART IDENTITY"
            .into(),
    )
    .await;
}

macro_rules! postgres_cases {
    ($($case:ident),* $(,)?) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn conformance_on_postgres() {
            let Ok(url) = std::env::var(URL_VAR) else {
                // CI must always run the PostgreSQL suite; elsewhere a missing URL is a visible skip.
                assert!(
                    std::env::var_os("CI").is_none(),
                    "{URL_VAR} must be set in CI (.ci/run sets it)"
                );
                eprintln!("skipped: {URL_VAR} not set; the PostgreSQL conformance suite did not run");
                return;
            };
            let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
            let db = format!("careloop_test_{}_{nanos}", std::process::id());
            admin(&url, format!("CREATE DATABASE {db}")).await;
            let test_url = with_database(&url, &db);
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
                truncate(&test_url).await;
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
            store.close().await;
            admin(&url, format!("DROP DATABASE {db} WITH (FORCE)")).await;
            assert!(failed.is_empty(), "conformance cases failed on PostgreSQL: {failed:?}");
        }
    };
}

conformance_cases!(postgres_cases);

#[test]
fn test_database_url_keeps_authority_and_options() {
    let cases = [
        (
            "postgres://postgres@127.0.0.1:5432/postgres",
            "postgres://postgres@127.0.0.1:5432/t1",
        ),
        (
            "postgres://u:p@h/db?sslmode=disable",
            "postgres://u:p@h/t1?sslmode=disable",
        ),
        ("postgresql://h:5433", "postgresql://h:5433/t1"),
    ];
    for (url, want) in cases {
        assert_eq!(with_database(url, "t1"), want);
    }
}
