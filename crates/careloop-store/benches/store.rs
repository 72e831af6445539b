//! Storage benchmark (issue #3, storage part; results in BENCHMARKS.md).
//!
//! `cargo bench -p careloop-store --bench store -- [--rows N] [--engine sqlite|postgres]
//!  [--submissions N] [--queries N]`
//!
//! 1. Bulk load: `--rows` authorization rows (default 1,000,000) straight through sqlx, multi-row
//!    INSERTs of 1,000 rows in transactions of 20,000 rows (not through `Store::commit`: this only
//!    builds the data set), plus one access grant per member for one of 20 provider orgs, then
//!    ANALYZE. Status mix, 3 plans, due times spread over ±30 days around a fixed "now".
//! 2. Queue latency: `Store::queue` first pages of 50 (open statuses, at-risk boundary now + 7
//!    days), plan-scoped (`OwnedBy(plan)`) and provider-scoped (`AccessibleTo(provider)`), p50/p99
//!    over `--queries` runs each (after a warm-up), one at a time.
//!    Lists (issue #15 item 4), the same way: the queue ordered by the last change (the
//!    referral work queue's read), `Store::list` (members) and `Store::list_by_kind`
//!    (organizations, users) in id order, first page and a keyset page 50 pages in, plan- and
//!    provider-scoped.
//! 3. Submissions: `Store::commit` of one authorization submission (aggregate insert with a ~1 KB
//!    JSON body, one event, one access grant, one audit entry, an idempotency record), durable
//!    commit (SQLite WAL + synchronous=FULL; PostgreSQL fsync=on, synchronous_commit=on), with 1
//!    and 8 concurrent tasks, `--submissions` each.
//!
//! PostgreSQL runs when CARELOOP_BENCH_POSTGRES_URL is set: a fresh database
//! `careloop_bench_<pid>` is created from it and dropped at the end. Synthetic data only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use careloop_store::testing::TestDatabase;
use careloop_store::{
    AccessGrant, AccessReason, AggregateWrite, AuditEntry, CommitReceipt, IdempotencyRecord,
    KindListQuery, ListQuery, NewEvent, OrgScope, PostgresStore, QueueOrder, QueueQuery,
    SqliteStore, Store, WriteBatch,
};
use jiff::Timestamp;
use serde_json::{Value, json};
use sqlx::Connection as _;

const KIND: &str = "auth-request";
const PLANS: [&str; 3] = ["plan-hpsm", "plan-alameda", "plan-aetna"];
const PROVIDERS: u64 = 20;
/// Authorizations per member in the bulk data set.
const AUTHS_PER_MEMBER: u64 = 4;
/// 2026-01-01T00:00:00Z: the benchmark's "now".
const NOW_MS: i64 = 1_767_225_600_000;
const DAY_MS: i64 = 86_400_000;
/// Open statuses: the work queue.
const OPEN: [&str; 3] = ["received", "pended", "in-review"];
const ROWS_PER_INSERT: usize = 1_000;
const ROWS_PER_TX: usize = 20_000;
const PAGE: u32 = 50;

struct Opts {
    rows: u64,
    engines: Vec<String>,
    submissions: u64,
    queries: usize,
}

fn opts() -> Opts {
    let mut o = Opts {
        rows: 1_000_000,
        engines: vec!["sqlite".into(), "postgres".into()],
        submissions: 2_000,
        queries: 300,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rows" => o.rows = args.next().and_then(|v| v.parse().ok()).expect("--rows N"),
            "--engine" => o.engines = vec![args.next().expect("--engine sqlite|postgres")],
            "--submissions" => {
                o.submissions = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--submissions N")
            }
            "--queries" => {
                o.queries = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .expect("--queries N")
            }
            // cargo bench passes --bench to harness = false binaries.
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    o
}

/// A tiny deterministic generator (SplitMix64), so every run loads the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Status mix of a plan's authorization history: 25 % still open.
fn status(r: u64) -> &'static str {
    match r % 100 {
        0..=9 => "received",
        10..=19 => "pended",
        20..=24 => "in-review",
        25..=79 => "approved",
        80..=91 => "denied",
        92..=96 => "withdrawn",
        _ => "closed",
    }
}

fn provider(member: u64) -> String {
    format!("provider-{:02}", member % PROVIDERS)
}

/// One bulk row: (id, org, member, status, due_at, plan, county, body).
type Row = (
    String,
    String,
    String,
    &'static str,
    i64,
    String,
    String,
    Value,
);

fn bulk_row(n: u64, rng: &mut Rng) -> Row {
    let member = n / AUTHS_PER_MEMBER;
    let plan = PLANS[(member % 3) as usize];
    let st = status(rng.next());
    let due = NOW_MS - 30 * DAY_MS + (rng.below(60 * DAY_MS as u64) as i64);
    let id = format!("auth-{n:08}");
    let body = json!({
        "id": id, "member_id": format!("member-{member:07}"), "plan": plan, "status": st,
        "service": "ecm", "provider": provider(member), "diagnoses": ["Z59.0", "F32.9"],
        "requested_units": 12, "expedited": n.is_multiple_of(10),
    });
    (
        id,
        plan.to_owned(),
        format!("member-{member:07}"),
        st,
        due,
        plan.trim_start_matches("plan-").to_owned(),
        "San Mateo".to_owned(),
        body,
    )
}

fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO aggregates (kind, id, version, org_id, member_id, status, due_at, plan_id, \
         county, body, created_at, updated_at) VALUES ",
    );
    for r in 0..rows {
        let b = r * 12;
        if r > 0 {
            sql.push(',');
        }
        let ps: Vec<String> = (1..=12).map(|i| format!("${}", b + i)).collect();
        sql.push_str(&format!("({})", ps.join(",")));
    }
    sql
}

fn grants_sql(rows: usize) -> String {
    let mut sql =
        String::from("INSERT INTO member_access (org_id, member_id, reason, granted_at) VALUES ");
    for r in 0..rows {
        let b = r * 2;
        if r > 0 {
            sql.push(',');
        }
        sql.push_str(&format!("(${}, ${}, 'assigned', 0)", b + 1, b + 2));
    }
    sql
}

/// Bulk-loads `rows` aggregates and one grant per member on one connection of either engine
/// (the `where` clause is what sqlx needs to bind the row's column types on `D`).
async fn bulk_load<D>(conn: &mut D::Connection, rows: u64)
where
    D: sqlx::Database,
    for<'c> &'c mut D::Connection: sqlx::Executor<'c, Database = D>,
    D::Arguments: sqlx::IntoArguments<D>,
    for<'q> &'q str: sqlx::Encode<'q, D> + sqlx::Type<D>,
    for<'q> String: sqlx::Encode<'q, D> + sqlx::Type<D>,
    for<'q> i64: sqlx::Encode<'q, D> + sqlx::Type<D>,
    for<'q> sqlx::types::Json<Value>: sqlx::Encode<'q, D> + sqlx::Type<D>,
{
    let mut rng = Rng(42);
    let mut n = 0u64;
    while n < rows {
        let mut tx = conn.begin().await.expect("begin");
        let tx_end = (n + ROWS_PER_TX as u64).min(rows);
        while n < tx_end {
            let chunk = (tx_end - n).min(ROWS_PER_INSERT as u64) as usize;
            let sql = insert_sql(chunk);
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
            for i in 0..chunk as u64 {
                let (id, org, member, st, due, plan, county, body) = bulk_row(n + i, &mut rng);
                q = q
                    .bind(KIND)
                    .bind(id)
                    .bind(1_i64)
                    .bind(org)
                    .bind(member)
                    .bind(st)
                    .bind(due)
                    .bind(plan)
                    .bind(county)
                    .bind(sqlx::types::Json(body))
                    .bind(0_i64)
                    // Last change two weeks before the due time: spread over 60 days, for the
                    // queue ordered by the last change.
                    .bind(due - 14 * DAY_MS);
            }
            q.execute(&mut *tx).await.expect("bulk insert");
            n += chunk as u64;
        }
        tx.commit().await.expect("commit");
    }
    let members = rows.div_ceil(AUTHS_PER_MEMBER);
    let mut m = 0u64;
    let mut tx = conn.begin().await.expect("begin");
    while m < members {
        let chunk = (members - m).min(ROWS_PER_INSERT as u64) as usize;
        let mut q = sqlx::query(sqlx::AssertSqlSafe(grants_sql(chunk)));
        for i in 0..chunk as u64 {
            q = q.bind(provider(m + i)).bind(format!("member-{:07}", m + i));
        }
        q.execute(&mut *tx).await.expect("grants insert");
        m += chunk as u64;
    }
    tx.commit().await.expect("commit");
    sqlx::raw_sql("ANALYZE")
        .execute(&mut *conn)
        .await
        .expect("analyze");
}

/// A realistic authorization submission body (~1 KB of JSON).
fn submission_body(id: &str, member: &str) -> Value {
    json!({
        "id": id,
        "member": { "id": member, "cin": "9XXXXXXXA", "dob": "1961-04-12", "county": "San Mateo",
                    "language": "Spanish", "phone": "650-555-0100" },
        "plan": "plan-hpsm",
        "program": "ECM",
        "populations_of_focus": ["adults-experiencing-homelessness", "high-utilizers"],
        "referral": { "source": "hospital-discharge", "referrer_org": "org-sm-general",
                      "received_at": "2026-01-01T08:00:00Z" },
        "provider": { "org": "provider-07", "npi": "1234567890", "taxonomy": "251S00000X" },
        "service": { "code": "G9008", "modifier": "U1", "units": 12, "start": "2026-01-05",
                     "end": "2026-07-04" },
        "diagnoses": ["Z59.01", "F32.9", "E11.9", "I10"],
        "expedited": false,
        "attestation": "Member meets the population of focus criteria per the referral notes.",
        "notes": "Synthetic benchmark data. Member was discharged after a three-day stay and \
                  has no stable housing; the care coordinator requests ECM with lead care \
                  manager assignment and a first visit within seven days of discharge.",
        "documents": [ { "kind": "discharge-summary", "sha256": "0000000000000000000000000000000000000000000000000000000000000000" } ]
    })
}

fn submission(n: u64) -> WriteBatch {
    let id = format!("sub-{n:08}");
    let member = format!("sub-member-{n:08}");
    let at = Timestamp::from_millisecond(NOW_MS + n as i64).expect("time");
    let mut b = WriteBatch::new("coordinator-1", at);
    b.aggregates.push(AggregateWrite {
        kind: KIND.into(),
        id: id.clone(),
        expected_version: 0,
        org_id: "plan-hpsm".into(),
        member_id: Some(member.clone()),
        status: "received".into(),
        due_at: Some(Timestamp::from_millisecond(NOW_MS + 5 * DAY_MS).expect("time")),
        plan_id: Some("hpsm".into()),
        county: Some("San Mateo".into()),
        body: submission_body(&id, &member),
    });
    b.events.push(NewEvent {
        kind: KIND.into(),
        aggregate_id: id.clone(),
        version: 1,
        event_type: "received".into(),
        body: json!({ "type": "received", "channel": "provider-portal" }),
    });
    b.grants.push(AccessGrant {
        org_id: "provider-07".into(),
        member_id: member.clone(),
        reason: AccessReason::Referred,
    });
    b.audit.push(AuditEntry {
        org_id: "plan-hpsm".into(),
        action: "create".into(),
        record_kind: KIND.into(),
        record_id: id.clone(),
        member_id: Some(member),
    });
    b.idempotency = Some(IdempotencyRecord {
        key: format!("idem-{n:08}"),
        request_hash: format!("{n:064x}"),
        status_code: 201,
        response_body: format!("{{\"id\":\"{id}\"}}"),
    });
    b
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

async fn queue_latency<S: Store>(store: &S, engine: &str, queries: usize) {
    let due_before = Some(Timestamp::from_millisecond(NOW_MS + 7 * DAY_MS).expect("time"));
    for (label, provider_scoped) in [("plan-scoped", false), ("provider-scoped", true)] {
        let mut rng = Rng(7);
        let mut times = Vec::with_capacity(queries);
        let mut rows = 0usize;
        for i in 0..(queries + 20) {
            let mut q = QueueQuery::new(KIND, &OPEN, PAGE);
            q.due_before = due_before;
            q.org = Some(if provider_scoped {
                OrgScope::AccessibleTo(format!("provider-{:02}", rng.below(PROVIDERS)))
            } else {
                OrgScope::OwnedBy(PLANS[rng.below(3) as usize].to_owned())
            });
            let t = Instant::now();
            let page = store.queue(&q).await.expect("queue");
            let took = t.elapsed();
            if i >= 20 {
                times.push(took);
                rows += page.items.len();
            }
        }
        times.sort_unstable();
        println!(
            "{engine}: queue {label} page of {PAGE}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms \
             ({} queries, {:.1} rows/page)",
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.99)),
            ms(percentile(&times, 1.0)),
            times.len(),
            rows as f64 / times.len() as f64
        );
    }
}

/// p50/p99/max of `times` (sorted here) as one printed line.
fn report(engine: &str, label: &str, times: &mut [Duration], rows: usize) {
    times.sort_unstable();
    println!(
        "{engine}: {label} ({PAGE} a page): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms \
         ({} queries, {:.1} rows/page)",
        ms(percentile(times, 0.50)),
        ms(percentile(times, 0.99)),
        ms(percentile(times, 1.0)),
        times.len(),
        rows as f64 / times.len().max(1) as f64
    );
}

/// Issue #15 item 4, every list on an index: the queue ordered by the last change (the referral
/// work queue's read: `QueueOrder::Changed`, index `aggregates_changed`), the owner and access
/// listings in id order (`Store::list`: the members list) and the kind listing in an owner's scope
/// (`Store::list_by_kind`: organizations, users), each as a first page and as a keyset page
/// `DEEP` pages in, plan- and provider-scoped, over the same bulk rows as the queue.
async fn list_latency<S: Store>(store: &S, engine: &str, queries: usize) {
    const DEEP: usize = 50;
    let scope = |rng: &mut Rng, provider_scoped: bool| {
        if provider_scoped {
            OrgScope::AccessibleTo(format!("provider-{:02}", rng.below(PROVIDERS)))
        } else {
            OrgScope::OwnedBy(PLANS[rng.below(3) as usize].to_owned())
        }
    };
    for (label, provider_scoped) in [("plan-scoped", false), ("provider-scoped", true)] {
        for deep in [false, true] {
            let depth = if deep { "keyset page" } else { "first page" };
            let (mut changed, mut listed, mut kinds) = (Vec::new(), Vec::new(), Vec::new());
            let (mut changed_rows, mut listed_rows, mut kind_rows) = (0, 0, 0);
            let mut rng = Rng(11);
            for i in 0..(queries + 20) {
                let org = scope(&mut rng, provider_scoped);
                let mut q = QueueQuery::new(KIND, &OPEN, PAGE);
                q.org = Some(org.clone());
                q.order = QueueOrder::Changed;
                let mut l = ListQuery {
                    kind: KIND.to_owned(),
                    org: org.clone(),
                    after_id: None,
                    limit: PAGE,
                };
                let mut k = KindListQuery {
                    kind: KIND.to_owned(),
                    statuses: Vec::new(),
                    org: Some(org),
                    after_id: None,
                    limit: PAGE,
                };
                if deep {
                    // Cursors DEEP pages in (not timed).
                    for _ in 0..DEEP {
                        q.after = store.queue(&q).await.expect("queue").next;
                        l.after_id = store.list(&l).await.expect("list").next;
                        k.after_id = store
                            .list_by_kind(&k)
                            .await
                            .expect("kind list")
                            .last()
                            .map(|a| a.id.clone());
                    }
                }
                let t = Instant::now();
                let page = store.queue(&q).await.expect("queue");
                let queue_took = t.elapsed();
                let t = Instant::now();
                let list = store.list(&l).await.expect("list");
                let list_took = t.elapsed();
                let t = Instant::now();
                let kind = store.list_by_kind(&k).await.expect("kind list");
                let kind_took = t.elapsed();
                if i >= 20 {
                    changed.push(queue_took);
                    listed.push(list_took);
                    kinds.push(kind_took);
                    changed_rows += page.items.len();
                    listed_rows += list.items.len();
                    kind_rows += kind.len();
                }
            }
            report(
                engine,
                &format!("queue by last change {label}, {depth}"),
                &mut changed,
                changed_rows,
            );
            report(
                engine,
                &format!("list by id {label}, {depth}"),
                &mut listed,
                listed_rows,
            );
            report(
                engine,
                &format!("kind list by id {label}, {depth}"),
                &mut kinds,
                kind_rows,
            );
        }
    }
}

async fn submissions<S: Store + Clone + 'static>(store: &S, engine: &str, per_level: u64) {
    let body_len = serde_json::to_vec(&submission(0).aggregates[0].body)
        .expect("json")
        .len();
    let mut next = 0u64;
    for tasks in [1u64, 8] {
        let per_task = per_level / tasks;
        let start = Instant::now();
        let mut handles = Vec::new();
        for t in 0..tasks {
            let store = store.clone();
            let first = next + t * per_task;
            handles.push(tokio::spawn(async move {
                let mut lat = Vec::with_capacity(per_task as usize);
                for n in first..first + per_task {
                    let t0 = Instant::now();
                    let r = store.commit(submission(n)).await.expect("commit");
                    assert!(matches!(r, CommitReceipt::Committed(_)));
                    lat.push(t0.elapsed());
                }
                lat
            }));
        }
        let mut lat = Vec::new();
        for h in handles {
            lat.extend(h.await.expect("task"));
        }
        let took = start.elapsed();
        next += tasks * per_task;
        lat.sort_unstable();
        println!(
            "{engine}: submissions, {tasks} task(s): {:.0}/s ({} commits in {:.2} s; commit p50 \
             {:.2} ms, p99 {:.2} ms; body {body_len} bytes)",
            lat.len() as f64 / took.as_secs_f64(),
            lat.len(),
            took.as_secs_f64(),
            ms(percentile(&lat, 0.50)),
            ms(percentile(&lat, 0.99)),
        );
    }
}

async fn run_sqlite(o: &Opts) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bench.db");
    let store = SqliteStore::open(&path).await.expect("open");
    store.migrate().await.expect("migrate");
    let t = Instant::now();
    let mut conn = sqlx::SqliteConnection::connect_with(
        &sqlx::sqlite::SqliteConnectOptions::new().filename(&path),
    )
    .await
    .expect("load connection");
    bulk_load::<sqlx::Sqlite>(&mut conn, o.rows).await;
    conn.close().await.expect("close");
    println!(
        "sqlite: bulk load {} rows + grants + ANALYZE in {:.1} s",
        o.rows,
        t.elapsed().as_secs_f64()
    );
    queue_latency(&store, "sqlite", o.queries).await;
    list_latency(&store, "sqlite", o.queries).await;
    submissions(&store, "sqlite", o.submissions).await;
    store.close().await;
}

async fn run_postgres(o: &Opts) {
    let Ok(url) = std::env::var("CARELOOP_BENCH_POSTGRES_URL") else {
        println!("postgres: skipped (CARELOOP_BENCH_POSTGRES_URL not set)");
        return;
    };
    // A fresh database on that server, dropped at the end (the test suites' helper).
    let db = TestDatabase::create(&url, "careloop_bench")
        .await
        .expect("create the bench database");
    let bench_url = db.url().to_owned();
    let store = PostgresStore::connect(&bench_url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let t = Instant::now();
    let mut conn = sqlx::PgConnection::connect(&bench_url)
        .await
        .expect("load connection");
    bulk_load::<sqlx::Postgres>(&mut conn, o.rows).await;
    conn.close().await.expect("close");
    println!(
        "postgres: bulk load {} rows + grants + ANALYZE in {:.1} s",
        o.rows,
        t.elapsed().as_secs_f64()
    );
    queue_latency(&store, "postgres", o.queries).await;
    list_latency(&store, "postgres", o.queries).await;
    submissions(&store, "postgres", o.submissions).await;
    store.close().await;
    db.drop_database().await.expect("drop the bench database");
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let o = opts();
    println!(
        "careloop-store bench: rows {}, submissions {} per concurrency level, {} queries per queue",
        o.rows, o.submissions, o.queries
    );
    for engine in o.engines.clone() {
        match engine.as_str() {
            "sqlite" => run_sqlite(&o).await,
            "postgres" => run_postgres(&o).await,
            other => panic!("unknown engine {other} (sqlite|postgres)"),
        }
    }
}
