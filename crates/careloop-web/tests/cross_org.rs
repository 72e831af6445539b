//! Cross-organization suite (issue #12, "Done means"): every operation of the OpenAPI document
//! tried as every role of every other organization (plan B, providers with no grant for plan A's
//! members, the referrer that did not refer), with realistic bodies aimed at plan A's records,
//! including writes that would create a grant. Each attempt must (a) refuse and reveal nothing,
//! (b) change nothing (no write at all, plan A's records byte-identical, no grant) and (c) be in
//! plan A's audit log with the attacker's org and the member. The same calls by the rightful
//! role must succeed. All failures are collected and reported at the end, as one list.
//!
//! Runs on SQLite always and on PostgreSQL when CARELOOP_TEST_POSTGRES_URL is set. docs/api.md
//! ("Cross-organization suite") says how to add a route's case.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(unused_imports)]
mod scenarios;

#[path = "cross_org/cases.rs"]
mod cases;
#[path = "cross_org/check.rs"]
mod check;
#[path = "cross_org/world.rs"]
mod world;

use careloop_store::testing::{TestDatabase, admin_url_from_env};
use careloop_store::{AnyStore, PostgresStore, SqliteStore, Store};

use check::{Failure, Run, coverage};
use scenarios::Api;

/// Builds the world on `store`, checks the document's coverage and runs every case.
async fn attack_everything(store: AnyStore) -> Vec<Failure> {
    let api = Api::new(store);
    let w = world::build(&api).await;
    let doc = api.get("/api/openapi.json", "-").await.body;
    let cases = cases::all(&w);
    let mut failures = coverage(&doc, &cases);
    let mut run = Run::new(&api, &w).await;
    for case in &cases {
        run.case(case).await;
    }
    failures.extend(run.failures);
    failures
}

/// The failures as one readable list: a summary (route → kind → who), then every detail.
fn report(engine: &str, failures: &[Failure]) -> String {
    let mut out = format!(
        "\n{engine}: {} cross-organization failure(s)\n",
        failures.len()
    );
    if failures.is_empty() {
        return out;
    }
    out.push_str("\nSummary (route: kind → who):\n");
    // route → [(kind, [who])], in the order the failures came.
    type Kinds<'a> = Vec<(&'a str, Vec<&'a str>)>;
    let mut summary: Vec<(String, Kinds)> = Vec::new();
    for f in failures {
        if summary.last().is_none_or(|(r, _)| *r != f.route) {
            summary.push((f.route.clone(), Vec::new()));
        }
        let kinds = &mut summary.last_mut().unwrap().1;
        let who = f
            .who
            .rsplit(" (")
            .next()
            .unwrap_or(&f.who)
            .trim_end_matches(')');
        match kinds.iter_mut().find(|(k, _)| *k == f.kind) {
            Some((_, whos)) => {
                if !whos.contains(&who) {
                    whos.push(who);
                }
            }
            None => kinds.push((f.kind, vec![who])),
        }
    }
    for (route, kinds) in &summary {
        out.push_str(&format!("  {route}\n"));
        for (kind, whos) in kinds {
            out.push_str(&format!("      {kind:<8} {}\n", whos.join(", ")));
        }
    }
    out.push_str("\nDetails:\n");
    let mut last = "";
    for f in failures {
        if f.route != last {
            out.push_str(&format!("\n  {}\n", f.route));
            last = &f.route;
        }
        out.push_str(&format!("    - [{}] {}: {}\n", f.kind, f.who, f.what));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_refuses_every_other_organization() {
    let mut text = String::new();
    let mut total = 0;

    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = SqliteStore::open(dir.path().join("careloop.db"))
        .await
        .expect("open");
    sqlite.migrate().await.expect("migrate");
    let store = AnyStore::Sqlite(sqlite);
    let failures = attack_everything(store.clone()).await;
    store.close().await;
    total += failures.len();
    text.push_str(&report("sqlite", &failures));

    match admin_url_from_env().unwrap() {
        None => eprintln!(
            "skipped: CARELOOP_TEST_POSTGRES_URL not set; the cross-organization suite did not run on PostgreSQL"
        ),
        Some(url) => {
            let db = TestDatabase::create(&url, "careloop_cross_org")
                .await
                .expect("create test database");
            let pg = PostgresStore::connect(db.url()).await.expect("connect");
            pg.migrate().await.expect("migrate");
            let store = AnyStore::Postgres(pg);
            let failures = attack_everything(store.clone()).await;
            store.close().await;
            db.drop_database().await.expect("drop test database");
            total += failures.len();
            text.push_str(&report("postgres", &failures));
        }
    }
    // The whole list once on stdout; the assertion names the count (the list is above).
    println!("{text}");
    assert!(
        total == 0,
        "{total} cross-organization failure(s); the list is printed above"
    );
}
