//! careloop-app use cases on PostgreSQL, when CARELOOP_TEST_POSTGRES_URL is set (.ci/run sets
//! it). As in careloop-store's suite: one FRESH database per run (`careloop_app_test_<pid>_<nanos>`)
//! created from that URL and dropped at the end; tables are emptied between scenarios.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod scenarios;

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

macro_rules! postgres_scenarios {
    ($($case:ident),* $(,)?) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn app_scenarios_on_postgres() {
            let Ok(url) = std::env::var(URL_VAR) else {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "{URL_VAR} must be set in CI (.ci/run sets it)"
                );
                eprintln!("skipped: {URL_VAR} not set; the PostgreSQL app scenarios did not run");
                return;
            };
            let nanos = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().subsec_nanos();
            let db = format!("careloop_app_test_{}_{nanos}", std::process::id());
            admin(&url, format!("CREATE DATABASE {db}")).await;
            let test_url = with_database(&url, &db);
            let store = PostgresStore::connect(&test_url).await.expect("connect to test database");
            store.migrate().await.expect("migrate");

            let mut failed = Vec::new();
            $(
                match tokio::spawn(scenarios::$case(store.clone())).await {
                    Ok(()) => println!("postgres {} ... ok", stringify!($case)),
                    Err(_) => {
                        println!("postgres {} ... FAILED", stringify!($case));
                        failed.push(stringify!($case));
                    }
                }
                admin(
                    &test_url,
                    "TRUNCATE aggregates, events, member_access, idempotency, audit_log RESTART IDENTITY".into(),
                )
                .await;
            )*
            store.close().await;
            admin(&url, format!("DROP DATABASE {db} WITH (FORCE)")).await;
            assert!(failed.is_empty(), "app scenarios failed on PostgreSQL: {failed:?}");
        }
    };
}

app_scenarios!(postgres_scenarios);
