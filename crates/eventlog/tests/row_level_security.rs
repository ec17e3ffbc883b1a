//! The log installed by the owner role walls tenants off in the database itself: the api role
//! reads only the events of the tenant set for its transaction, the worker appends and reads all,
//! the auditor reads all and writes nothing, and no role may change history.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{command, event};
use eventlog::{AppendCommand, EventLog, ExpectedVersion, LogPosition, TENANT_SETTING};
use sqlx::{Connection, PgConnection, PgPool};
use testkit::TestDatabase;
use uuid::Uuid;

const SCHEMA: &str = "intake";

/// A log installed by the owner and written by the worker: stream `a-1` (3 events) of
/// `tenant-a`, stream `b-1` (2 events) of `tenant-b`.
async fn setup() -> (TestDatabase, EventLog) {
    let db = TestDatabase::create_with_pool_size(4)
        .await
        .expect("database");
    EventLog::install(db.owner_pool(), SCHEMA)
        .await
        .expect("install as owner");
    let log = EventLog::new(db.worker_pool().clone(), SCHEMA).expect("log");
    for (stream, tenant, events) in [("a-1", "tenant-a", 3), ("b-1", "tenant-b", 2)] {
        let cmd = AppendCommand {
            tenant_id: tenant.to_owned(),
            ..command(stream, ExpectedVersion::NoStream, events)
        };
        log.append(cmd).await.expect("append as worker");
    }
    (db, log)
}

/// A transaction of `pool` with `tenant` set as the platform's request path sets it.
async fn begin_as(pool: &PgPool, tenant: &str) -> sqlx::Transaction<'static, sqlx::Postgres> {
    let mut tx = pool.begin().await.expect("begin");
    sqlx::query("SELECT set_config($1, $2, true)")
        .bind(TENANT_SETTING)
        .bind(tenant)
        .execute(&mut *tx)
        .await
        .expect("set tenant");
    tx
}

async fn count(conn: &mut PgConnection) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM intake.events")
        .fetch_one(conn)
        .await
        .expect("count")
}

fn sqlstate(error: &sqlx::Error) -> Option<String> {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .map(|c| c.into_owned())
}

#[tokio::test]
async fn the_api_role_sees_no_events_without_a_tenant() {
    let (db, _log) = setup().await;
    let mut conn = db.api_pool().acquire().await.expect("connection");
    assert_eq!(count(&mut conn).await, 0);
}

#[tokio::test]
async fn the_api_role_sees_only_the_events_of_its_transactions_tenant() {
    let (db, log) = setup().await;
    let mut tx = begin_as(db.api_pool(), "tenant-a").await;
    assert_eq!(count(&mut tx).await, 3);
    let own = log
        .read_stream_in(&mut tx, "a-1", 0, 100)
        .await
        .expect("read");
    assert_eq!(own.len(), 3);
    assert!(own.iter().all(|e| e.tenant_id == "tenant-a"));
    let other = log
        .read_stream_in(&mut tx, "b-1", 0, 100)
        .await
        .expect("read");
    assert!(other.is_empty(), "another tenant's stream reads as empty");
    tx.commit().await.expect("commit");

    let mut tx = begin_as(db.api_pool(), "tenant-unknown").await;
    assert_eq!(count(&mut tx).await, 0, "a wrong tenant sees nothing");
}

#[tokio::test]
async fn the_tenant_ends_with_its_transaction() {
    let (db, _log) = setup().await;
    let mut conn = PgConnection::connect(db.api_url()).await.expect("connect");
    let mut tx = conn.begin().await.expect("begin");
    sqlx::query("SELECT set_config($1, 'tenant-a', true)")
        .bind(TENANT_SETTING)
        .execute(&mut *tx)
        .await
        .expect("set tenant");
    assert_eq!(count(&mut tx).await, 3);
    tx.commit().await.expect("commit");
    // Same session, next statement: the setting is empty again, so the policy shows nothing.
    assert_eq!(count(&mut conn).await, 0);
}

#[tokio::test]
async fn the_worker_reads_every_tenant_in_commit_order() {
    let (_db, log) = setup().await;
    // read_all stops at the cluster-wide transaction horizon, which other tests' open
    // transactions may hold back for a moment: wait for it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let all = loop {
        let all = log
            .read_all(LogPosition::START, 100)
            .await
            .expect("read_all");
        if all.len() == 5 || std::time::Instant::now() > deadline {
            break all;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(all.len(), 5);
    let tenants: std::collections::BTreeSet<&str> =
        all.iter().map(|e| e.tenant_id.as_str()).collect();
    assert_eq!(
        tenants.into_iter().collect::<Vec<_>>(),
        ["tenant-a", "tenant-b"]
    );
}

#[tokio::test]
async fn the_auditor_verifies_every_tenant_and_writes_nothing() {
    let (db, _log) = setup().await;
    let audit = EventLog::new(db.auditor_pool().clone(), SCHEMA).expect("log");
    let report = audit.verify().await.expect("verify");
    assert_eq!((report.events_checked, report.streams_checked), (5, 2));
    assert!(report.is_clean());
    let error = audit
        .append(command("c-1", ExpectedVersion::NoStream, 1))
        .await
        .expect_err("the auditor may not append");
    let eventlog::AppendError::Database(eventlog::EventLogError::Database(error)) = error else {
        panic!("not a database error: {error:?}");
    };
    assert_eq!(sqlstate(&error).as_deref(), Some("42501"), "{error}");
}

#[tokio::test]
async fn the_api_role_may_not_append_even_for_its_own_tenant() {
    let (db, log) = setup().await;
    let mut tx = begin_as(db.api_pool(), "tenant-a").await;
    let cmd = AppendCommand {
        tenant_id: "tenant-a".to_owned(),
        ..command("a-2", ExpectedVersion::NoStream, 1)
    };
    let error = log
        .append_in(&mut tx, vec![cmd])
        .await
        .expect_err("no EXECUTE, no INSERT");
    let eventlog::EventLogError::Database(error) = error else {
        panic!("not a database error: {error:?}");
    };
    assert_eq!(sqlstate(&error).as_deref(), Some("42501"), "{error}");
}

#[tokio::test]
async fn no_role_may_change_or_delete_an_event() {
    let (db, _log) = setup().await;
    let statements = [
        "UPDATE intake.events SET payload = '\\x00'::bytea",
        "DELETE FROM intake.events",
        "TRUNCATE intake.events",
    ];
    for (role, pool) in [
        ("api", db.api_pool()),
        ("worker", db.worker_pool()),
        ("auditor", db.auditor_pool()),
        ("owner", db.owner_pool()),
    ] {
        for statement in statements {
            let error = sqlx::query(statement)
                .execute(pool)
                .await
                .expect_err(statement);
            // Refused by privilege, or for the owner by the append-only trigger.
            assert_eq!(
                sqlstate(&error).as_deref(),
                Some("42501"),
                "{role}: {statement}: {error}"
            );
        }
    }
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM intake.events")
        .fetch_one(db.pool())
        .await
        .expect("count");
    assert_eq!(all, 5);
}

#[tokio::test]
async fn the_owner_installs_but_sees_no_events() {
    let (db, _log) = setup().await;
    let mut conn = db.owner_pool().acquire().await.expect("connection");
    assert_eq!(count(&mut conn).await, 0, "FORCE applies to the owner");
}

#[tokio::test]
async fn installing_again_keeps_one_policy_per_role_and_the_events() {
    let (db, _log) = setup().await;
    EventLog::install(db.owner_pool(), SCHEMA)
        .await
        .expect("second install");
    let policies: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.polname::text, r.rolname::text FROM pg_policy p \
         CROSS JOIN LATERAL unnest(p.polroles) AS role_oid \
         JOIN pg_roles r ON r.oid = role_oid \
         WHERE p.polrelid = 'intake.events'::regclass ORDER BY 2",
    )
    .fetch_all(db.pool())
    .await
    .expect("policies");
    let roles: Vec<&str> = policies.iter().map(|(_, role)| role.as_str()).collect();
    assert_eq!(
        roles,
        ["jobcenter_api", "jobcenter_auditor", "jobcenter_worker"]
    );
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM intake.events")
        .fetch_one(db.pool())
        .await
        .expect("count");
    assert_eq!(all, 5);
}

#[tokio::test]
async fn a_log_in_any_schema_gets_the_same_wall() {
    let db = TestDatabase::create_with_pool_size(2)
        .await
        .expect("database");
    EventLog::install(db.owner_pool(), "somewhere_else")
        .await
        .expect("install");
    let log = EventLog::new(db.worker_pool().clone(), "somewhere_else").expect("log");
    log.append(AppendCommand {
        command_id: Uuid::new_v4(),
        stream_id: "s".to_owned(),
        tenant_id: "tenant-a".to_owned(),
        expected: ExpectedVersion::NoStream,
        events: vec![event(0)],
    })
    .await
    .expect("append");
    let unscoped: i64 = sqlx::query_scalar("SELECT count(*) FROM somewhere_else.events")
        .fetch_one(db.api_pool())
        .await
        .expect("count");
    assert_eq!(unscoped, 0);
    let mut tx = begin_as(db.api_pool(), "tenant-a").await;
    let scoped: i64 = sqlx::query_scalar("SELECT count(*) FROM somewhere_else.events")
        .fetch_one(&mut *tx)
        .await
        .expect("count");
    assert_eq!(scoped, 1);
}
