//! PostgreSQL event-log order (docs/storage.md, "Event log order"): a reader that follows
//! `events_since` from its last seq must never skip a committed event, even when transactions
//! commit out of seq order. The two gap cases are forced with raw transactions held open beside
//! the store. Synthetic data only.

use careloop_store::{NewEvent, PostgresStore, Store, WriteBatch};
use jiff::Timestamp;
use serde_json::json;
use sqlx::Connection as _;
use sqlx::postgres::PgConnection;

/// A log follower: remembers the last seq it read and every seq it received.
struct Follower {
    cursor: i64,
    seen: Vec<i64>,
}

impl Follower {
    /// Reads until caught up; returns the seqs received by this poll.
    async fn poll(&mut self, store: &PostgresStore) -> Vec<i64> {
        let mut got = Vec::new();
        loop {
            let page = store
                .events_since(self.cursor, 2)
                .await
                .expect("events_since");
            let Some(last) = page.last() else { break };
            self.cursor = last.seq;
            got.extend(page.iter().map(|e| e.seq));
        }
        self.seen.extend(&got);
        got
    }
}

async fn begin(url: &str) -> PgConnection {
    let mut conn = PgConnection::connect(url).await.expect("connect");
    sqlx::raw_sql("BEGIN")
        .execute(&mut conn)
        .await
        .expect("begin");
    conn
}

/// Assigns the open transaction its id now (as an idempotency insert would).
async fn take_xid(conn: &mut PgConnection) {
    sqlx::raw_sql("SELECT pg_current_xact_id()")
        .execute(&mut *conn)
        .await
        .expect("xid");
}

/// Appends an event inside the open transaction, as `Store::commit` does; returns its seq.
async fn append(conn: &mut PgConnection, aggregate_id: &str) -> i64 {
    sqlx::query_scalar(
        "INSERT INTO events (kind, aggregate_id, version, event_type, body, actor, at) \
         VALUES ('auth-request', $1, 1, 'received', '{}'::jsonb, 'gap-test', 0) RETURNING seq",
    )
    .bind(aggregate_id)
    .fetch_one(&mut *conn)
    .await
    .expect("insert event")
}

async fn commit(mut conn: PgConnection) {
    sqlx::raw_sql("COMMIT")
        .execute(&mut conn)
        .await
        .expect("commit");
    conn.close().await.expect("close");
}

/// Both ways two transactions can commit out of seq order; `url` is the store's database.
pub async fn follower_never_skips_out_of_order_commits(store: &PostgresStore, url: &str) {
    let mut follower = Follower {
        cursor: 0,
        seen: Vec::new(),
    };

    // Case 1: T1 takes seq s1 and stays open; T2 takes s2 > s1 and commits first. A plain
    // `seq > cursor` reader would return s2, move past s1, and never see it.
    let mut t1 = begin(url).await;
    let s1 = append(&mut t1, "gap-1a").await;
    let mut b = WriteBatch::new("nurse-1", Timestamp::UNIX_EPOCH);
    b.events.push(NewEvent {
        kind: "auth-request".into(),
        aggregate_id: "gap-1b".into(),
        version: 1,
        event_type: "received".into(),
        body: json!({}),
    });
    let receipt = store.commit(b).await.expect("commit T2");
    let s2 = match receipt {
        careloop_store::CommitReceipt::Committed(c) => c.event_seqs[0],
        other => panic!("expected Committed, got {other:?}"),
    };
    assert!(s1 < s2, "the case needs s1 < s2: {s1} {s2}");
    assert_eq!(
        follower.poll(store).await,
        Vec::<i64>::new(),
        "s2 must wait while the older transaction holding s1 runs"
    );
    commit(t1).await;
    assert_eq!(follower.poll(store).await, [s1, s2]);

    // Case 2: T4 gets its transaction id before T3, but T3 inserts first (s3 < s4); T4 commits
    // while T3 is open. s4 is final and may be read, then s3 must still come after it.
    let mut t4 = begin(url).await;
    take_xid(&mut t4).await;
    let mut t3 = begin(url).await;
    take_xid(&mut t3).await;
    let s3 = append(&mut t3, "gap-2a").await;
    let s4 = append(&mut t4, "gap-2b").await;
    assert!(s3 < s4, "the case needs s3 < s4: {s3} {s4}");
    commit(t4).await;
    let early = follower.poll(store).await;
    assert!(
        early.is_empty() || early == [s4],
        "only the committed s4 may be read while T3 runs: {early:?}"
    );
    commit(t3).await;
    let late = follower.poll(store).await;
    let mut case2: Vec<i64> = early.iter().chain(&late).copied().collect();
    case2.sort_unstable();
    assert_eq!(case2, [s3, s4], "early {early:?}, late {late:?}");

    // Nothing skipped, nothing twice: the follower saw exactly the committed log.
    let mut all: Vec<i64> = store
        .events_since(0, 100)
        .await
        .expect("events_since")
        .iter()
        .map(|e| e.seq)
        .collect();
    let mut seen = follower.seen.clone();
    all.sort_unstable();
    seen.sort_unstable();
    assert_eq!(seen, all);
    assert_eq!(all, [s1, s2, s3, s4]);
    println!(
        "postgres follower_never_skips_out_of_order_commits ... ok (case 2 early read {early:?})"
    );
}
