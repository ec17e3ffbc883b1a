//! Reading one tenant's slice of the log in commit order, on the request path: only that
//! tenant, nothing past the transaction horizon, and continuing from `reached` neither skips
//! nor repeats an event.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::command;
use eventlog::{AppendCommand, EventLog, ExpectedVersion, LogPosition, TENANT_SETTING};
use sqlx::PgPool;
use testkit::TestDatabase;
use uuid::Uuid;

const SCHEMA: &str = "intake";

async fn setup() -> (TestDatabase, EventLog) {
    let db = TestDatabase::create_with_pool_size(8)
        .await
        .expect("database");
    EventLog::install(db.owner_pool(), SCHEMA)
        .await
        .expect("install as owner");
    let log = EventLog::new(db.worker_pool().clone(), SCHEMA).expect("log");
    (db, log)
}

fn of_tenant(tenant: &str, stream: &str, events: usize) -> AppendCommand {
    AppendCommand {
        tenant_id: tenant.to_owned(),
        ..command(stream, ExpectedVersion::Any, events)
    }
}

/// Reads as the api role in a transaction of `tenant`, as the request path does.
async fn read(
    log: &EventLog,
    api: &PgPool,
    tenant: &str,
    after: LogPosition,
    limit: i64,
) -> eventlog::TenantEvents {
    let mut tx = api.begin().await.expect("begin");
    sqlx::query("SELECT set_config($1, $2, true)")
        .bind(TENANT_SETTING)
        .bind(tenant)
        .execute(&mut *tx)
        .await
        .expect("set tenant");
    log.read_tenant_in(&mut tx, tenant, after, limit)
        .await
        .expect("read")
}

/// Follows `tenant` from `after` until `want` events arrived. Other tests' transactions in the
/// same cluster hold the horizon back for a moment, so one read may not yet show them.
async fn follow(
    log: &EventLog,
    api: &PgPool,
    tenant: &str,
    mut after: LogPosition,
    want: usize,
) -> (Vec<eventlog::RecordedEvent>, LogPosition) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let mut got = Vec::new();
    while got.len() < want {
        assert!(tokio::time::Instant::now() < deadline, "only {got:?}");
        let batch = read(log, api, tenant, after, 100).await;
        got.extend(batch.events);
        after = batch.reached;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (got, after)
}

/// Every committed event id of `tenant`, in commit order, as the worker sees the table.
async fn committed(db: &TestDatabase, tenant: &str) -> Vec<Uuid> {
    sqlx::query_scalar(
        "SELECT event_id FROM intake.events WHERE tenant_id = $1 ORDER BY tx_id, global_position",
    )
    .bind(tenant)
    .fetch_all(db.worker_pool())
    .await
    .expect("events")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_reader_continuing_from_reached_gets_each_event_of_its_tenant_once_in_commit_order() {
    let (db, log) = setup().await;
    // Two tenants write concurrently while the reader of tenant-a follows in small batches.
    let writers: Vec<_> = ["tenant-a", "tenant-b", "tenant-a", "tenant-b"]
        .into_iter()
        .enumerate()
        .map(|(w, tenant)| {
            let log = log.clone();
            tokio::spawn(async move {
                for round in 0..20 {
                    let stream = format!("{tenant}-s{}", (w + round) % 3);
                    log.append(of_tenant(tenant, &stream, 1 + round % 3))
                        .await
                        .expect("append");
                }
            })
        })
        .collect();
    let mut got = Vec::new();
    let mut after = LogPosition::START;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let done = writers.iter().all(|w| w.is_finished());
        let expected = if done {
            committed(&db, "tenant-a").await.len()
        } else {
            usize::MAX
        };
        let batch = read(&log, db.api_pool(), "tenant-a", after, 7).await;
        assert!(batch.reached >= after, "reached never goes back");
        assert!(batch.events.iter().all(|e| e.tenant_id == "tenant-a"));
        if let (Some(first), Some(last)) = (batch.events.first(), batch.events.last()) {
            assert!(first.position > after);
            assert!(last.position <= batch.reached);
        }
        got.extend(batch.events.into_iter().map(|e| e.event_id));
        after = batch.reached;
        if got.len() >= expected {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "reader stalled");
    }
    for writer in writers {
        writer.await.expect("writer");
    }
    let unique: HashSet<_> = got.iter().collect();
    assert_eq!(unique.len(), got.len(), "no event twice");
    assert_eq!(
        got,
        committed(&db, "tenant-a").await,
        "all, in commit order"
    );
    assert!(!got.is_empty());
}

#[tokio::test]
async fn an_open_transaction_holds_back_later_events_until_it_commits() {
    let (db, log) = setup().await;
    // A writer appends inside a transaction it keeps open...
    let mut open = db.worker_pool().begin().await.expect("begin");
    log.append_in(&mut open, vec![of_tenant("tenant-a", "held", 1)])
        .await
        .expect("append in");
    // ...while a later one commits.
    let later = log
        .append(of_tenant("tenant-a", "later", 1))
        .await
        .expect("append");

    let before = read(&log, db.api_pool(), "tenant-a", LogPosition::START, 100).await;
    assert!(
        before.events.is_empty(),
        "the later event waits below the horizon: {:?}",
        before.events
    );
    assert!(before.reached < later.position, "{:?}", before.reached);

    open.commit().await.expect("commit");
    let (after, _) = follow(&log, db.api_pool(), "tenant-a", before.reached, 2).await;
    let streams: Vec<&str> = after.iter().map(|e| e.stream_id.as_str()).collect();
    assert_eq!(streams, ["held", "later"], "both, in commit order");
}

#[tokio::test]
async fn a_quiet_tenant_moves_up_with_the_horizon_and_sees_no_other_tenant() {
    let (db, log) = setup().await;
    log.append(of_tenant("tenant-a", "a-1", 2))
        .await
        .expect("append");
    let (first, reached) = follow(&log, db.api_pool(), "tenant-a", LogPosition::START, 2).await;
    assert_eq!(first.len(), 2);
    // Only tenant-b writes now.
    let b = log
        .append(of_tenant("tenant-b", "b-1", 3))
        .await
        .expect("append");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let quiet = loop {
        let quiet = read(&log, db.api_pool(), "tenant-a", reached, 100).await;
        assert!(quiet.events.is_empty(), "{:?}", quiet.events);
        if quiet.reached > b.position {
            break quiet;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never past tenant-b's events: {:?} vs {:?}",
            quiet.reached,
            b.position
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // Nothing of tenant-a was skipped by moving up: a new event still arrives.
    log.append(of_tenant("tenant-a", "a-1", 1))
        .await
        .expect("append");
    let (next, _) = follow(&log, db.api_pool(), "tenant-a", quiet.reached, 1).await;
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].version, 3);

    // The wall in the database: asking for tenant-b inside tenant-a's transaction finds nothing.
    let mut tx = db.api_pool().begin().await.expect("begin");
    sqlx::query("SELECT set_config($1, 'tenant-a', true)")
        .bind(TENANT_SETTING)
        .execute(&mut *tx)
        .await
        .expect("set tenant");
    let crossed = log
        .read_tenant_in(&mut tx, "tenant-b", LogPosition::START, 100)
        .await
        .expect("read");
    assert!(crossed.events.is_empty(), "{:?}", crossed.events);
}

#[tokio::test]
async fn a_full_batch_reaches_its_last_event_only() {
    let (db, log) = setup().await;
    log.append(of_tenant("tenant-a", "a-1", 5))
        .await
        .expect("append");
    follow(&log, db.api_pool(), "tenant-a", LogPosition::START, 5).await;
    let batch = read(&log, db.api_pool(), "tenant-a", LogPosition::START, 3).await;
    assert_eq!(batch.events.len(), 3);
    assert_eq!(batch.reached, batch.events[2].position);
    let rest = read(&log, db.api_pool(), "tenant-a", batch.reached, 3).await;
    let versions: Vec<i32> = rest.events.iter().map(|e| e.version).collect();
    assert_eq!(versions, [4, 5]);
}
