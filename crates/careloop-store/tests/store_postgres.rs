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
            // Then the same suite on partitioned tables, in this test rather than beside it: a
            // PostgreSQL event log holds back events while any transaction of the server is
            // older (docs/storage.md "Event log order"), so two suites at once disturb each other.
            failed.extend(conformance_on_partitioned_postgres(&url).await);
            assert!(failed.is_empty(), "conformance cases failed on PostgreSQL: {failed:?}");
        }
    };
}

conformance_cases!(postgres_cases);

/// docs/postgresql.md "Partitioning the large tables": the documented script, run on a migrated database that
/// already holds rows, keeps them (same seqs, the sequences go on after them), puts new rows in
/// their partitions, and leaves a database on which the whole conformance suite passes.
macro_rules! partitioned_cases {
    ($($case:ident),* $(,)?) => {
        /// The failed cases (run from `conformance_on_postgres`, after the plain suite).
        async fn conformance_on_partitioned_postgres(url: &str) -> Vec<&'static str> {
            let db = TestDatabase::create(url, "careloop_part").await.expect("create test database");
            let store = PostgresStore::connect(db.url()).await.expect("connect to test database");
            store.migrate().await.expect("migrate");
            let mut failed = Vec::new();
            let converted = tokio::spawn({
                let (store, url) = (store.clone(), db.url().to_owned());
                async move { partitioned::converts_and_routes_rows(&store, &url).await }
            })
            .await;
            if converted.is_err() {
                println!("partitioned postgres converts_and_routes_rows ... FAILED");
                failed.push("partitioned: converts_and_routes_rows");
            }
            db.truncate().await.expect("truncate");
            $(
                match tokio::spawn(conformance::$case(store.clone())).await {
                    Ok(()) => println!("partitioned postgres {} ... ok", stringify!($case)),
                    Err(_) => {
                        println!("partitioned postgres {} ... FAILED", stringify!($case));
                        failed.push(concat!("partitioned: ", stringify!($case)));
                    }
                }
                db.truncate().await.expect("truncate");
            )*
            store.close().await;
            db.drop_database().await.expect("drop test database");
            failed
        }
    };
}

conformance_cases!(partitioned_cases);

mod partitioned {
    use super::conformance::{auth, batch, committed, event};
    use careloop_store::{AuditEntry, AuditFilter, PostgresStore, Store};
    use sqlx::Connection as _;
    use sqlx::postgres::PgConnection;

    /// The script docs/postgresql.md documents.
    const SCRIPT: &str = include_str!("../sql/postgres-partition.sql");

    async fn rows(url: &str, sql: &str) -> Vec<(String, i64)> {
        let mut conn = PgConnection::connect(url).await.expect("connect");
        let got: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(&mut conn)
            .await
            .expect("query");
        conn.close().await.expect("close");
        got
    }

    fn line(id: &str) -> AuditEntry {
        AuditEntry {
            org_id: "plan-hpsm".into(),
            action: "create".into(),
            record_kind: "auth-request".into(),
            record_id: id.into(),
            member_id: Some(format!("member-{id}")),
        }
    }

    /// One record `id` created at `ms` with its event and audit line.
    async fn record(store: &PostgresStore, id: &str, ms: i64) -> (i64, i64) {
        let mut b = batch("nurse-1", ms);
        b.aggregates.push(auth(id, 0, "received", None));
        b.events.push(event(id, 1, "received"));
        b.audit.push(line(id));
        let done = committed(store, b).await;
        (done.event_seqs[0], done.audit_seqs[0])
    }

    pub async fn converts_and_routes_rows(store: &PostgresStore, url: &str) {
        // Rows written before the conversion: January and March 2026.
        let month = 31 * 24 * 3_600_000;
        let before = [
            record(store, "a1", 0).await,
            record(store, "a2", 2 * month).await,
        ];

        let mut conn = PgConnection::connect(url).await.expect("connect");
        sqlx::raw_sql(SCRIPT)
            .execute(&mut conn)
            .await
            .expect("the partitioning script runs");
        conn.close().await.expect("close");
        // The embedded migrations stay applied: migrating again is a no-op.
        store.migrate().await.expect("migrate after partitioning");

        let kinds = rows(
            url,
            "SELECT c.relname::text, 0::bigint FROM pg_class c \
             WHERE c.relname IN ('events', 'audit_log') AND c.relkind = 'p' ORDER BY 1",
        )
        .await;
        assert_eq!(kinds.len(), 2, "both tables are partitioned: {kinds:?}");

        // The old rows kept their seqs and are read back through the store.
        let log = store.events_since(0, 100).await.unwrap();
        let seqs: Vec<i64> = log.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [before[0].0, before[1].0]);

        // New rows: seqs after the old ones, each in its partition.
        let (event_seq, audit_seq) = record(store, "a3", 2 * month + 1).await;
        assert!(event_seq > before[1].0 && audit_seq > before[1].1);
        let log = store.events_since(before[1].0, 100).await.unwrap();
        assert_eq!(log.iter().map(|e| e.seq).collect::<Vec<_>>(), [event_seq]);
        assert_eq!(
            store.events_for("auth-request", "a3").await.unwrap().len(),
            1
        );
        let audit = store
            .audit(&AuditFilter {
                org_id: Some("plan-hpsm".into()),
                limit: 100,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(audit.len(), 3);
        let placed = rows(
            url,
            "SELECT tableoid::regclass::text, seq FROM audit_log ORDER BY seq",
        )
        .await;
        let parts: Vec<&str> = placed.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            parts,
            [
                "audit_log_2026_01",
                "audit_log_2026_03",
                "audit_log_2026_03"
            ]
        );
        let events = rows(
            url,
            "SELECT tableoid::regclass::text, seq FROM events ORDER BY seq",
        )
        .await;
        assert!(
            events.iter().all(|(p, _)| p.starts_with("events_p")),
            "{events:?}"
        );

        // The append-only triggers hold on the partitions too.
        let mut conn = PgConnection::connect(url).await.expect("connect");
        let refused = sqlx::raw_sql("DELETE FROM audit_log_2026_01")
            .execute(&mut conn)
            .await;
        assert!(refused.is_err(), "DELETE on a partition must be refused");
        let refused = sqlx::raw_sql("UPDATE events SET actor = 'x'")
            .execute(&mut conn)
            .await;
        assert!(refused.is_err(), "UPDATE on events must be refused");
        conn.close().await.expect("close");
    }
}
