//! HTTP API benchmark (issue #3 "Done means", last bullet; results in BENCHMARKS.md).
//!
//! `cargo bench -p careloop-web --bench api -- [--engine sqlite|postgres] [--rows N]
//!  [--submissions N] [--concurrency N[,N…]] [--queries N]`
//!
//! The careloop-web router is served on a real TCP listener (127.0.0.1, ephemeral port) over the
//! real `App` and store, authenticating with real API tokens (`App::create_token`,
//! `AppTokens`). The clients are minimal HTTP/1.1 keep-alive clients over tokio `TcpStream`
//! (one connection each), in the same process as the server.
//!
//! 1. Seed: the members the requests are about — `--rows / 4` member rows, each a copy of a real
//!    member registered through the API with its id, owning plan organization, plan overlay and
//!    county changed (a county that plan overlay serves in the policy pack), and an access grant
//!    on each for every provider organization (as an ECM assignment would give), so the
//!    submissions below pass careloop's reference and access checks (issue #12). Then
//!    `--rows` authorization rows (default 1,000,000) inserted straight into the
//!    `aggregates` table with multi-row INSERTs (1,000 rows each, 20,000 rows a transaction), the
//!    way the store bench seeds (NOT through `Store::commit`: it only builds the data set). The
//!    body of every row is a real stored authorization (one submitted through the use case) with
//!    its id, member, status, due time and owner changed. 8 plan organizations (by member),
//!    the member's county, status mix 12 % received, 8 % pended (20 % open), 80 % decided/withdrawn; open
//!    requests are due between now − 2 days and now + 14 days, closed ones in the past 180 days.
//! 2. Queue: GET /api/v1/authorizations as a plan UM reviewer of one plan organization (1/8 of
//!    the rows): first page, `at_risk_only=true`, `plan=…&county=…` (a random county of its plan), and a deep
//!    keyset page (`after=` the cursor 200 pages in). `--queries` timed requests each (default
//!    1,000) after 20 warm-up requests, one at a time; p50/p99/max.
//! 3. Submissions: POST /api/v1/authorizations with a unique random-looking Idempotency-Key
//!    (128 bits of hex, as a client's UUID would be), each for a pseudo-randomly chosen member of
//!    the seeded population (owned by that member's plan organization, in its county), so every
//!    index write lands where real traffic would put it; `--submissions`
//!    requests (default 20,000) per concurrency level (default 4,8,16,32 keep-alive clients, 4
//!    provider organizations); durable commit as the store is configured (SQLite WAL +
//!    synchronous=FULL; PostgreSQL synchronous_commit=on). Rate = 201s / wall time of the level.
//!
//! PostgreSQL runs when CARELOOP_BENCH_POSTGRES_URL is set: a fresh database
//! `careloop_api_bench_<pid>` is created from it and dropped at the end. Synthetic data only.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use careloop_app::{App, NewOrganization, NewUser, OrgKind, Role};
use careloop_domain::PolicyPack;
use careloop_store::testing::TestDatabase;
use careloop_store::{AnyStore, PostgresStore, SqliteStore, Store};
use careloop_web::AppState;
use careloop_web::auth::AppTokens;
use jiff::Timestamp;
use serde_json::{Value, json};
use sqlx::Connection as _;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const KIND: &str = "authorization";
const PLAN_ORGS: u64 = 8;
// Plans in Medi-Cal today (Aetna Better Health of California left on 2023-12-31: the pack
// refuses its counties after that day).
const OVERLAYS: [&str; 3] = ["hpsm", "alameda-alliance", "iehp"];
const PROVIDER_ORGS: usize = 4;
const AUTHS_PER_MEMBER: u64 = 4;
const DAY_MS: i64 = 86_400_000;
const ROWS_PER_INSERT: usize = 1_000;
const ROWS_PER_TX: usize = 20_000;
const WARMUP: usize = 20;
/// How many pages deep the keyset-page query starts.
const DEEP_PAGES: usize = 200;
const PASSWORD: &str = "bench-password-not-secret";

struct Opts {
    rows: u64,
    engines: Vec<String>,
    submissions: u64,
    concurrency: Vec<usize>,
    queries: usize,
}

fn num<T: std::str::FromStr>(v: Option<String>, what: &str) -> T {
    v.and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{what}"))
}

fn opts() -> Opts {
    let mut o = Opts {
        rows: 1_000_000,
        engines: vec!["sqlite".into(), "postgres".into()],
        submissions: 20_000,
        concurrency: vec![4, 8, 16, 32],
        queries: 1_000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rows" => o.rows = num(args.next(), "--rows N"),
            "--engine" => o.engines = vec![args.next().expect("--engine sqlite|postgres")],
            "--submissions" => o.submissions = num(args.next(), "--submissions N"),
            "--queries" => o.queries = num(args.next(), "--queries N"),
            "--concurrency" => {
                o.concurrency = args
                    .next()
                    .expect("--concurrency N[,N…]")
                    .split(',')
                    .map(|c| num(Some(c.to_owned()), "--concurrency N[,N…]"))
                    .collect()
            }
            // cargo bench passes --bench to harness = false binaries.
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    o
}

/// SplitMix64: every run seeds the same data.
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

fn plan_org(i: u64) -> String {
    format!("org-bench-plan-{i:02}")
}

fn overlay(i: u64) -> &'static str {
    OVERLAYS[(i % OVERLAYS.len() as u64) as usize]
}

/// The counties each plan overlay serves in the embedded policy pack (index: plan org).
fn overlay_counties() -> Vec<Vec<String>> {
    let pack = PolicyPack::embedded().unwrap();
    (0..PLAN_ORGS)
        .map(|i| {
            let plan = pack.plan(overlay(i)).expect("the overlay is in the pack");
            plan.counties.iter().map(|c| c.county.clone()).collect()
        })
        .collect()
}

/// Member `m`: its plan organization and a county its plan overlay serves.
fn member_place(m: u64, counties: &[Vec<String>]) -> (u64, String) {
    let org_i = m % PLAN_ORGS;
    let served = &counties[org_i as usize];
    (
        org_i,
        served[((m / PLAN_ORGS) % served.len() as u64) as usize].clone(),
    )
}

fn provider_org(i: usize) -> String {
    format!("org-bench-ecm-{i:02}")
}

/// 12 % received, 8 % pended: 20 % of the history still open.
fn status(r: u64) -> &'static str {
    match r % 100 {
        0..=11 => "received",
        12..=19 => "pended-for-information",
        20..=74 => "approved",
        75..=79 => "approved-as-modified",
        80..=91 => "denied",
        _ => "withdrawn",
    }
}

/// One seeded row: (kind, id, owner org, member, status, due_at ms, plan id, county, body).
type Row = (
    &'static str,
    String,
    String,
    String,
    &'static str,
    Option<i64>,
    &'static str,
    String,
    Value,
);

/// What the seed copies: a stored member and a stored authorization, and each plan overlay's
/// counties.
struct Templates {
    member: Value,
    authorization: Value,
    counties: Vec<Vec<String>>,
}

fn member_id(m: u64) -> String {
    format!("mem-seed-{m:07}")
}

/// Member `m`'s row: the template member with its id, owner, plan and county changed.
fn member_row(m: u64, t: &Templates) -> Row {
    let (org_i, county) = member_place(m, &t.counties);
    let mut body = t.member.clone();
    body["owners"]["owner_org_id"] = json!(plan_org(org_i));
    (
        "member",
        member_id(m),
        plan_org(org_i),
        member_id(m),
        "registered",
        None,
        overlay(org_i),
        county,
        body,
    )
}

fn seed_row(n: u64, now_ms: i64, t: &Templates, rng: &mut Rng) -> Row {
    let member = n / AUTHS_PER_MEMBER;
    let (org_i, county) = member_place(member, &t.counties);
    let st = status(rng.next());
    let open = matches!(st, "received" | "pended-for-information");
    let due = if open {
        now_ms - 2 * DAY_MS + rng.below(16 * DAY_MS as u64) as i64
    } else {
        now_ms - rng.below(180 * DAY_MS as u64) as i64
    };
    let id = format!("auth-seed-{n:08}");
    let member_id = member_id(member);
    let mut body = t.authorization.clone();
    body["owners"]["owner_org_id"] = json!(plan_org(org_i));
    let state = &mut body["state"];
    state["request_id"] = json!(id);
    state["member_id"] = json!(member_id);
    state["status"] = json!(st);
    state["plan"] = json!(overlay(org_i));
    state["received_at"] = json!(Timestamp::from_millisecond(due - 14 * DAY_MS).unwrap());
    state["due"]["due"] = json!(Timestamp::from_millisecond(due).unwrap());
    (
        KIND,
        id,
        plan_org(org_i),
        member_id,
        st,
        Some(due),
        overlay(org_i),
        county,
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

fn grant_sql(rows: usize) -> String {
    let mut sql =
        String::from("INSERT INTO member_access (org_id, member_id, reason, granted_at) VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        let b = r * 4;
        sql.push_str(&format!("(${},${},${},${})", b + 1, b + 2, b + 3, b + 4));
    }
    sql
}

/// Seeds, on one connection (engine-generic by macro, as in the store bench): the members, a
/// grant on each for every provider organization, then `rows` authorization rows; ANALYZE.
macro_rules! seed {
    ($conn:expr, $rows:expr, $now_ms:expr, $t:expr) => {{
        let conn = $conn;
        let t: &Templates = $t;
        let now_ms: i64 = $now_ms;
        let rows: u64 = $rows;
        let members = (rows / AUTHS_PER_MEMBER).max(1);
        seed!(@rows conn, members, now_ms, &mut |m| member_row(m, t));
        let mut m = 0u64;
        while m < members {
            let mut tx = conn.begin().await.expect("begin");
            let tx_end = (m + ROWS_PER_TX as u64).min(members);
            while m < tx_end {
                let chunk = (tx_end - m).min((ROWS_PER_INSERT / PROVIDER_ORGS) as u64) as usize;
                let mut q = sqlx::query(sqlx::AssertSqlSafe(grant_sql(chunk * PROVIDER_ORGS)));
                for i in 0..chunk as u64 {
                    for p in 0..PROVIDER_ORGS {
                        q = q
                            .bind(provider_org(p))
                            .bind(member_id(m + i))
                            .bind("assigned")
                            .bind(now_ms);
                    }
                }
                q.execute(&mut *tx).await.expect("grant insert");
                m += chunk as u64;
            }
            tx.commit().await.expect("commit");
        }
        let mut rng = Rng(42);
        seed!(@rows conn, rows, now_ms, &mut |n| seed_row(n, now_ms, t, &mut rng));
        sqlx::raw_sql("ANALYZE")
            .execute(&mut *conn)
            .await
            .expect("analyze");
    }};
    (@rows $conn:expr, $count:expr, $now_ms:expr, $row:expr) => {{
        let row = $row;
        let count: u64 = $count;
        let mut n = 0u64;
        while n < count {
            let mut tx = $conn.begin().await.expect("begin");
            let tx_end = (n + ROWS_PER_TX as u64).min(count);
            while n < tx_end {
                let chunk = (tx_end - n).min(ROWS_PER_INSERT as u64) as usize;
                let mut q = sqlx::query(sqlx::AssertSqlSafe(insert_sql(chunk)));
                for i in 0..chunk as u64 {
                    let (kind, id, org, member, st, due, plan, county, body) = row(n + i);
                    q = q
                        .bind(kind)
                        .bind(id)
                        .bind(1_i64)
                        .bind(org)
                        .bind(member)
                        .bind(st)
                        .bind(due)
                        .bind(plan)
                        .bind(county)
                        .bind(sqlx::types::Json(body))
                        .bind($now_ms)
                        .bind($now_ms);
                }
                q.execute(&mut *tx).await.expect("seed insert");
                n += chunk as u64;
            }
            tx.commit().await.expect("commit");
        }
    }};
}

// ---------------------------------------------------------------------------------------------
// A minimal HTTP/1.1 keep-alive client.

struct Client {
    stream: BufReader<TcpStream>,
    host: String,
    token: String,
}

struct Reply {
    status: u16,
    body: Vec<u8>,
}

impl Client {
    async fn connect(addr: std::net::SocketAddr, token: &str) -> Client {
        let stream = TcpStream::connect(addr).await.expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Client {
            stream: BufReader::new(stream),
            host: addr.to_string(),
            token: token.to_owned(),
        }
    }

    async fn request(&mut self, method: &str, path: &str, extra: &str, body: &[u8]) -> Reply {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
             Accept: application/json\r\n{extra}",
            self.host, self.token
        );
        if !body.is_empty() {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        let mut out = head.into_bytes();
        out.extend_from_slice(body);
        self.stream.get_mut().write_all(&out).await.expect("write");
        self.read_reply().await
    }

    async fn read_reply(&mut self) -> Reply {
        let mut line = String::new();
        self.stream.read_line(&mut line).await.expect("status line");
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad status line {line:?}"));
        let mut length = None;
        let mut chunked = false;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.expect("header");
            let h = line.trim_end();
            if h.is_empty() {
                break;
            }
            let (name, value) = h.split_once(':').expect("header line");
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.trim().parse::<usize>().expect("content-length"));
            } else if name.eq_ignore_ascii_case("transfer-encoding")
                && value.to_ascii_lowercase().contains("chunked")
            {
                chunked = true;
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.stream.read_line(&mut line).await.expect("chunk size");
                let size = usize::from_str_radix(line.trim(), 16).expect("chunk size");
                let mut chunk = vec![0; size + 2];
                self.stream.read_exact(&mut chunk).await.expect("chunk");
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            self.stream.read_exact(&mut body).await.expect("body");
        }
        Reply { status, body }
    }
}

// ---------------------------------------------------------------------------------------------

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1_000.0
}

/// SplitMix64's output function: a fixed pseudo-random value for `n`.
fn mix(n: u64) -> u64 {
    Rng(n).next()
}

/// Submission `n`: for an existing member of the seeded population (spread pseudo-randomly, the
/// way real submissions arrive: not one new member after another), owned by that member's plan
/// organization, in the member's county.
fn submission_body(n: u64, members: u64) -> Vec<u8> {
    let member = mix(n) % members.max(1);
    request_for(&member_id(member), member % PLAN_ORGS)
}

/// A request for `member` of plan organization `org_i`; its plan overlay and county are the
/// member record's (careloop resolves them).
fn request_for(member: &str, org_i: u64) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "member_id": member,
        "plan_org_id": plan_org(org_i),
        "service": "ecm-initial",
        "kind": "non-urgent-pre-service"
    }))
    .unwrap()
}

/// A random-looking Idempotency-Key for submission `n` (clients send UUIDs, not counters).
fn submission_key(n: u64) -> String {
    format!(
        "Idempotency-Key: {:016x}{:016x}\r\n",
        mix(n ^ 0x5bd1_e995),
        mix(n.rotate_left(17))
    )
}

struct Setup {
    reviewer_token: String,
    coordinator_token: String,
    provider_tokens: Vec<String>,
    counties: Vec<Vec<String>>,
}

/// Organizations, users and API tokens through the identity use cases, and one real
/// submission whose stored body is the seed template.
async fn setup(app: &App<AnyStore>) -> Setup {
    let now = Timestamp::now();
    let counties = overlay_counties();
    let mut every_county: Vec<String> = counties.concat();
    every_county.sort();
    every_county.dedup();
    for i in 0..PLAN_ORGS {
        app.bootstrap_organization(
            NewOrganization {
                id: plan_org(i),
                name: format!("Bench plan {i}"),
                kind: OrgKind::Plan,
                plan: Some(overlay(i).to_owned()),
                counties: counties[i as usize].clone(),
            },
            now,
        )
        .await
        .expect("plan org");
    }
    let user = |username: String, org: String, role: Role| NewUser {
        username,
        display_name: None,
        org_id: org,
        roles: vec![role],
        password: PASSWORD.to_owned(),
    };
    app.add_user(
        user("bench-reviewer".into(), plan_org(0), Role::PlanUmReviewer),
        now,
    )
    .await
    .expect("reviewer");
    let reviewer_token = app
        .create_token("bench-reviewer", "bench", now)
        .await
        .expect("token")
        .token;
    app.add_user(
        user(
            "bench-coordinator".into(),
            plan_org(0),
            Role::PlanCareCoordinator,
        ),
        now,
    )
    .await
    .expect("coordinator");
    let coordinator_token = app
        .create_token("bench-coordinator", "bench", now)
        .await
        .expect("token")
        .token;
    let mut provider_tokens = Vec::new();
    for i in 0..PROVIDER_ORGS {
        app.bootstrap_organization(
            NewOrganization {
                id: provider_org(i),
                name: format!("Bench ECM provider {i}"),
                kind: OrgKind::EcmProvider,
                plan: None,
                counties: every_county.clone(),
            },
            now,
        )
        .await
        .expect("provider org");
        let name = format!("bench-cm-{i:02}");
        app.add_user(
            user(name.clone(), provider_org(i), Role::ProviderCareManager),
            now,
        )
        .await
        .expect("provider user");
        provider_tokens.push(app.create_token(&name, "bench", now).await.unwrap().token);
    }
    Setup {
        reviewer_token,
        coordinator_token,
        provider_tokens,
        counties,
    }
}

/// Serves the router on 127.0.0.1 (ephemeral port) in this runtime.
async fn start_server(app: Arc<App<AnyStore>>) -> std::net::SocketAddr {
    let auth = Arc::new(AppTokens(app.clone()));
    let router = careloop_web::router(AppState::new(app, auth));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    addr
}

/// The seed templates, written through the API: a member registered by plan 0's care
/// coordinator, assigned to provider 0 for ECM (its access grant), and provider 0's request for
/// that member; the stored bodies of the member and the request.
async fn template(addr: std::net::SocketAddr, s: &Setup, app: &App<AnyStore>) -> Templates {
    let county = &s.counties[0][0];
    let mut facts: Value =
        serde_json::from_str(include_str!("../../../examples/members/pof-1a-adult.json")).unwrap();
    facts.as_object_mut().unwrap().remove("member_id");
    facts["enrollments"][0]["plan"] = json!(overlay(0));
    facts["enrollments"][0]["county"] = json!(county);
    let mut plan = Client::connect(addr, &s.coordinator_token).await;
    let created = |r: Reply| -> String {
        assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        v["id"].as_str().expect("id").to_owned()
    };
    let body = json!({ "plan": overlay(0), "county": county, "facts": facts });
    let member = created(
        plan.request(
            "POST",
            "/api/v1/members",
            "Idempotency-Key: bench-template-member\r\n",
            &serde_json::to_vec(&body).unwrap(),
        )
        .await,
    );
    let assign = json!({ "member_id": member, "provider_org_id": provider_org(0) });
    created(
        plan.request(
            "POST",
            "/api/v1/ecm-enrollments",
            "Idempotency-Key: bench-template-ecm\r\n",
            &serde_json::to_vec(&assign).unwrap(),
        )
        .await,
    );
    let mut provider = Client::connect(addr, &s.provider_tokens[0]).await;
    let request = created(
        provider
            .request(
                "POST",
                "/api/v1/authorizations",
                "Idempotency-Key: bench-template\r\n",
                &request_for(&member, 0),
            )
            .await,
    );
    let stored = async |kind: &str, id: &str| {
        app.store()
            .get(kind, id)
            .await
            .unwrap()
            .expect("stored")
            .body
    };
    Templates {
        member: stored("member", &member).await,
        authorization: stored(KIND, &request).await,
        counties: s.counties.clone(),
    }
}

/// Builds a queue request path (random parts from the generator).
type PathFn = Box<dyn Fn(&mut Rng) -> String>;

async fn queue_latency(addr: std::net::SocketAddr, s: &Setup, engine: &str, queries: usize) {
    let mut c = Client::connect(addr, &s.reviewer_token).await;
    // The deep keyset cursor: DEEP_PAGES pages into the unfiltered queue.
    let mut path = "/api/v1/authorizations".to_owned();
    let mut deep = None;
    for _ in 0..DEEP_PAGES {
        let r = c.request("GET", &path, "", b"").await;
        assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        match v["next"].as_str() {
            Some(next) => {
                deep = Some(next.to_owned());
                path = format!("/api/v1/authorizations?after={next}");
            }
            None => break,
        }
    }
    let deep = deep.expect("the queue has more than one page");
    // The reviewer's plan: a county its plan overlay serves.
    let served = s.counties[0].clone();
    let variants: [(&str, PathFn); 4] = [
        (
            "first page",
            Box::new(|_| "/api/v1/authorizations".to_owned()),
        ),
        (
            "at_risk_only",
            Box::new(|_| "/api/v1/authorizations?at_risk_only=true".to_owned()),
        ),
        (
            "plan+county",
            Box::new(move |rng| {
                let county = &served[rng.below(served.len() as u64) as usize];
                format!(
                    "/api/v1/authorizations?plan={}&county={}",
                    overlay(0),
                    county.replace(' ', "%20")
                )
            }),
        ),
        (
            "deep keyset page",
            Box::new(move |_| format!("/api/v1/authorizations?after={deep}")),
        ),
    ];
    for (label, path) in variants {
        let mut rng = Rng(7);
        let mut times = Vec::with_capacity(queries);
        let mut items = 0usize;
        for i in 0..(queries + WARMUP) {
            let p = path(&mut rng);
            let t = Instant::now();
            let r = c.request("GET", &p, "", b"").await;
            let took = t.elapsed();
            assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
            if i >= WARMUP {
                times.push(took);
                let v: Value = serde_json::from_slice(&r.body).unwrap();
                items += v["items"].as_array().map_or(0, Vec::len);
            }
        }
        times.sort_unstable();
        println!(
            "{engine}: queue {label}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} requests, \
             {:.1} items/page)",
            ms(percentile(&times, 0.50)),
            ms(percentile(&times, 0.99)),
            ms(percentile(&times, 1.0)),
            times.len(),
            items as f64 / times.len() as f64
        );
    }
}

async fn submissions(addr: std::net::SocketAddr, s: &Setup, engine: &str, o: &Opts) {
    let mut next = 0u64;
    let mut best = (0usize, 0f64);
    for &clients in &o.concurrency {
        let per_client = o.submissions / clients as u64;
        let members = (o.rows / AUTHS_PER_MEMBER).max(1);
        let mut conns = Vec::new();
        for i in 0..clients {
            conns.push(Client::connect(addr, &s.provider_tokens[i % PROVIDER_ORGS]).await);
        }
        let start = Instant::now();
        let mut handles = Vec::new();
        for (i, mut c) in conns.into_iter().enumerate() {
            let first = next + i as u64 * per_client;
            handles.push(tokio::spawn(async move {
                let mut lat = Vec::with_capacity(per_client as usize);
                for n in first..first + per_client {
                    let body = submission_body(n, members);
                    let key = submission_key(n);
                    let t0 = Instant::now();
                    let r = c
                        .request("POST", "/api/v1/authorizations", &key, &body)
                        .await;
                    lat.push(t0.elapsed());
                    assert_eq!(r.status, 201, "{}", String::from_utf8_lossy(&r.body));
                }
                lat
            }));
        }
        let mut lat = Vec::new();
        for h in handles {
            lat.extend(h.await.expect("client"));
        }
        let took = start.elapsed();
        next += clients as u64 * per_client;
        lat.sort_unstable();
        let rate = lat.len() as f64 / took.as_secs_f64();
        if rate > best.1 {
            best = (clients, rate);
        }
        println!(
            "{engine}: submissions, {clients} clients: {rate:.0}/s ({} × 201 in {:.2} s; request \
             p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms)",
            lat.len(),
            took.as_secs_f64(),
            ms(percentile(&lat, 0.50)),
            ms(percentile(&lat, 0.99)),
            ms(percentile(&lat, 1.0)),
        );
    }
    println!(
        "{engine}: submissions best: {:.0}/s with {} clients",
        best.1, best.0
    );
}

/// Setup, template, seed (through `seed_with`), queue, submissions.
async fn run(
    engine: &str,
    store: AnyStore,
    o: &Opts,
    seed_with: impl AsyncFnOnce(&Templates, i64),
) {
    store.migrate().await.expect("migrate");
    let app = Arc::new(App::new(store.clone(), PolicyPack::embedded().unwrap()));
    let s = setup(&app).await;
    let addr = start_server(app.clone()).await;
    let templates = template(addr, &s, &app).await;
    let now_ms = Timestamp::now().as_millisecond();
    let t = Instant::now();
    seed_with(&templates, now_ms).await;
    println!(
        "{engine}: seeded {} authorization rows + ANALYZE in {:.1} s",
        o.rows,
        t.elapsed().as_secs_f64()
    );
    queue_latency(addr, &s, engine, o.queries).await;
    submissions(addr, &s, engine, o).await;
    store.close().await;
}

async fn run_sqlite(o: &Opts) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("api-bench.db");
    let store = AnyStore::Sqlite(SqliteStore::open(&path).await.expect("open"));
    let rows = o.rows;
    run(
        "sqlite",
        store,
        o,
        async |template: &Templates, now_ms: i64| {
            let mut conn = sqlx::SqliteConnection::connect_with(
                &sqlx::sqlite::SqliteConnectOptions::new().filename(&path),
            )
            .await
            .expect("seed connection");
            seed!(&mut conn, rows, now_ms, template);
            conn.close().await.expect("close");
        },
    )
    .await;
}

async fn run_postgres(o: &Opts) {
    let Ok(url) = std::env::var("CARELOOP_BENCH_POSTGRES_URL") else {
        println!("postgres: skipped (CARELOOP_BENCH_POSTGRES_URL not set)");
        return;
    };
    // A fresh database on that server, dropped at the end (the test suites' helper).
    let db = TestDatabase::create(&url, "careloop_api_bench")
        .await
        .expect("create the bench database");
    let bench_url = db.url().to_owned();
    let store = AnyStore::Postgres(PostgresStore::connect(&bench_url).await.expect("connect"));
    let rows = o.rows;
    run(
        "postgres",
        store,
        o,
        async |template: &Templates, now_ms: i64| {
            let mut conn = sqlx::PgConnection::connect(&bench_url)
                .await
                .expect("seed connection");
            seed!(&mut conn, rows, now_ms, template);
            conn.close().await.expect("close");
        },
    )
    .await;
    db.drop_database().await.expect("drop the bench database");
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let o = opts();
    println!(
        "careloop-web API bench: rows {}, submissions {} per level, clients {:?}, {} queries per \
         queue variant",
        o.rows, o.submissions, o.concurrency, o.queries
    );
    for engine in o.engines.clone() {
        match engine.as_str() {
            "sqlite" => run_sqlite(&o).await,
            "postgres" => run_postgres(&o).await,
            other => panic!("unknown engine {other} (sqlite|postgres)"),
        }
    }
}
