//! A read fails when its record cannot be written: the table unwritable for the service's role,
//! or locked past the statement timeout or the record timeout.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use access_log::{
    AccessLog, AccessLogError, AccessRecord, AuditedError, ObjectRef, Outcome, Page, ReadContext,
};
use common::{GET_CASE, SCHEMA, SERVICE, around_now, caseworker, count, pool_as, setup, tenant};
use platform::audit::{Refusal, RefusalRecorder, RefusedCall};
use sqlx::Connection;
use tonic::{Code, Status};
use uuid::Uuid;

/// An audited read of a case that counts its runs and returns recognisable data.
async fn read_case(
    log: &AccessLog,
    runs: &AtomicUsize,
) -> Result<&'static str, AuditedError<Status>> {
    let context = ReadContext::new(caseworker("jc-a", "u-1"), GET_CASE);
    log.audited(&context, Some(ObjectRef::case(Uuid::new_v4())), async {
        runs.fetch_add(1, Ordering::SeqCst);
        Ok::<_, Status>("social data")
    })
    .await
}

/// The role the platform's services append as (created by a DBA, see
/// docs/security/row-level-security.md; created here if this cluster lacks it).
const WORKER_ROLE: &str = "jobcenter_worker";

#[tokio::test]
async fn without_insert_privilege_records_fail_and_reads_return_nothing() {
    let (db, _) = setup().await;
    let role = WORKER_ROLE;
    // Grants are per database: revoking them here touches no other test's database.
    for statement in [
        format!(
            "DO $$ BEGIN CREATE ROLE {role} NOLOGIN; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ),
        format!("GRANT USAGE ON SCHEMA {SCHEMA} TO {role}"),
        format!("GRANT SELECT, INSERT ON {SCHEMA}.events TO {role}"),
        format!("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {SCHEMA} TO {role}"),
    ] {
        sqlx::query(&statement)
            .execute(db.pool())
            .await
            .expect("grant");
    }
    let worker = pool_as(&db, Some(role), 0).await;
    let log = AccessLog::new(worker.clone(), SCHEMA, SERVICE).expect("log");
    let runs = AtomicUsize::new(0);

    // With the privilege, the role writes.
    assert_eq!(
        read_case(&log, &runs).await.expect("granted"),
        "social data"
    );
    assert_eq!(count(&db).await, 1);

    sqlx::query(&format!("REVOKE INSERT ON {SCHEMA}.events FROM {role}"))
        .execute(db.pool())
        .await
        .expect("revoke");
    let record = AccessRecord::for_caller(&caseworker("jc-a", "u-1"), GET_CASE, Outcome::Granted);
    assert!(matches!(
        log.record(record).await,
        Err(AccessLogError::Append(_))
    ));
    let result = read_case(&log, &runs).await;
    assert_eq!(runs.load(Ordering::SeqCst), 2, "the read ran");
    match result {
        Err(AuditedError::Unrecorded(_)) => {}
        other => panic!("the read's value must be withheld, got {other:?}"),
    }
    let status = Status::from(result.expect_err("withheld"));
    assert_eq!(status.code(), Code::Unavailable);
    assert!(!status.message().contains("permission"));
    assert!(!status.message().contains(SCHEMA));

    // A refusal that cannot be recorded is still refused (the recorder returns) and not stored.
    RefusalRecorder::record(
        &log,
        RefusedCall {
            rpc: GET_CASE.to_owned(),
            caller: None,
            peer: None,
            refusal: Refusal::Unauthenticated {
                reason: "token_expired",
            },
        },
    )
    .await;
    assert_eq!(count(&db).await, 1);
    worker.close().await;
}

#[tokio::test]
async fn a_locked_table_fails_the_read_at_the_statement_timeout_and_the_log_recovers() {
    let (db, _) = setup().await;
    let worker = pool_as(&db, None, 300).await;
    let log = AccessLog::new(worker, SCHEMA, SERVICE).expect("log");
    let runs = AtomicUsize::new(0);

    let mut locker = sqlx::PgConnection::connect(db.url())
        .await
        .expect("connect");
    let mut lock = locker.begin().await.expect("begin");
    sqlx::query(&format!(
        "LOCK TABLE {SCHEMA}.events IN ACCESS EXCLUSIVE MODE"
    ))
    .execute(&mut *lock)
    .await
    .expect("lock");

    let result = read_case(&log, &runs).await;
    assert!(
        matches!(
            result,
            Err(AuditedError::Unrecorded(AccessLogError::Append(_)))
        ),
        "{result:?}"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    lock.rollback().await.expect("unlock");

    // Once the table is writable again, reads are recorded and returned; the failed one left
    // no record (its statement was cancelled).
    assert_eq!(
        read_case(&log, &runs).await.expect("granted"),
        "social data"
    );
    assert_eq!(count(&db).await, 1);
}

#[tokio::test]
async fn a_record_not_written_within_the_record_timeout_fails_the_read() {
    let (db, log) = setup().await;
    let log = log.with_record_timeout(Duration::from_millis(200));
    let runs = AtomicUsize::new(0);

    let mut locker = sqlx::PgConnection::connect(db.url())
        .await
        .expect("connect");
    let mut lock = locker.begin().await.expect("begin");
    sqlx::query(&format!(
        "LOCK TABLE {SCHEMA}.events IN ACCESS EXCLUSIVE MODE"
    ))
    .execute(&mut *lock)
    .await
    .expect("lock");
    let result = read_case(&log, &runs).await;
    assert!(
        matches!(
            result,
            Err(AuditedError::Unrecorded(AccessLogError::Timeout))
        ),
        "{result:?}"
    );
    lock.rollback().await.expect("unlock");

    // The timed-out record may still be written once the lock is gone: the log may over-report
    // a read whose answer was withheld, never under-report one that was answered.
    assert_eq!(
        read_case(&log, &runs).await.expect("granted"),
        "social data"
    );
    let (from, to) = around_now();
    let page = log
        .list(Some(&tenant("jc-a")), from, to, Page::first(10))
        .await
        .expect("list");
    assert!((1..=2).contains(&page.records.len()), "{page:?}");
    assert!(
        page.records
            .iter()
            .all(|r| r.record.outcome == Outcome::Granted)
    );
}
