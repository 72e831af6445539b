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

/// The coverage check itself: the cases cover the document exactly, and an operation left
/// without a case (or without a rightful call) is named.
#[test]
fn coverage_names_an_operation_without_a_case() {
    let ids = |s: &str| format!("01a250bd-0000-7000-8000-{s:0>12}");
    let w = world::World {
        users: Vec::new(),
        m1: ids("1"),
        m2: ids("2"),
        auth1: ids("3"),
        auth2: ids("4"),
        ref1: ids("5"),
        ref_cs: ids("6"),
        ref3: ids("7"),
        enr1: ids("8"),
        spare: "hpsm-spare-coordinator".into(),
    };
    let doc = careloop_web::openapi::document();
    let all = cases::all(&w);
    let none: Vec<String> = coverage(&doc, &all).into_iter().map(|f| f.what).collect();
    assert!(none.is_empty(), "{none:?}");

    let without: Vec<_> = all
        .iter()
        .filter(|c| c.template != "/healthz")
        .cloned()
        .collect();
    let f = coverage(&doc, &without);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].route, "GET /healthz");
    assert!(f[0].what.contains("no cross-organization attack case"));

    let mut unchecked = all.clone();
    for c in unchecked
        .iter_mut()
        .filter(|c| c.template == "/api/v1/members/{id}/facts")
    {
        c.rightful = None;
    }
    let f = coverage(&doc, &unchecked);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].what.contains("no rightful-call sanity check"), "{f:?}");

    let mut stale = all;
    stale[0].path = "/api/v1/nowhere".into();
    let f = coverage(&doc, &stale);
    assert!(f.iter().any(|f| f.what.contains("does not fit")), "{f:?}");
}
