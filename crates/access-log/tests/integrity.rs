//! Tamper evidence: the log refuses changes, and a change made around the trigger is found.

mod common;

use access_log::{AccessRecord, BreakReason, Outcome, stream_id};
use chrono::Utc;
use common::{GET_CASE, SCHEMA, caseworker, setup, tenant};
use sqlx::Row;

#[tokio::test]
async fn records_cannot_be_changed_or_deleted() {
    let (db, log) = setup().await;
    log.record(AccessRecord::for_caller(
        &caseworker("jc-a", "u-1"),
        GET_CASE,
        Outcome::Granted,
    ))
    .await
    .expect("record");
    for statement in [
        format!("UPDATE {SCHEMA}.events SET payload = '\\x00'"),
        format!("DELETE FROM {SCHEMA}.events"),
        format!("TRUNCATE {SCHEMA}.events"),
    ] {
        assert!(
            sqlx::query(&statement).execute(db.pool()).await.is_err(),
            "{statement} was not refused"
        );
    }
    assert!(log.verify().await.expect("verify").is_clean());
}

#[tokio::test]
async fn verify_finds_a_record_edited_or_deleted_around_the_trigger() {
    let (db, log) = setup().await;
    for tenant_id in ["jc-a", "jc-b"] {
        for outcome in [Outcome::Granted, Outcome::NotFound, Outcome::Granted] {
            log.record(AccessRecord::for_caller(
                &caseworker(tenant_id, "u-1"),
                GET_CASE,
                outcome,
            ))
            .await
            .expect("record");
        }
    }
    let clean = log.verify().await.expect("verify");
    assert!(clean.is_clean(), "{clean:?}");
    assert_eq!((clean.events_checked, clean.streams_checked), (6, 2));

    // A superuser disables the trigger and turns a denied read into a granted one (or rather,
    // hides that someone looked at a case they could not find): the chain breaks there.
    let stream_b = stream_id(Some(&tenant("jc-b")), Utc::now().date_naive());
    let mut conn = db.pool().acquire().await.expect("connection");
    sqlx::query(&format!("ALTER TABLE {SCHEMA}.events DISABLE TRIGGER ALL"))
        .execute(&mut *conn)
        .await
        .expect("disable trigger");
    let payload: Vec<u8> = sqlx::query(&format!(
        "SELECT payload FROM {SCHEMA}.events WHERE stream_id = $1 AND version = 2"
    ))
    .bind(&stream_b)
    .fetch_one(&mut *conn)
    .await
    .expect("payload")
    .get(0);
    let forged = String::from_utf8(payload)
        .expect("json")
        .replace("\"not_found\"", "\"granted\"");
    let changed = sqlx::query(&format!(
        "UPDATE {SCHEMA}.events SET payload = $2 WHERE stream_id = $1 AND version = 2"
    ))
    .bind(&stream_b)
    .bind(forged.into_bytes())
    .execute(&mut *conn)
    .await
    .expect("tamper");
    assert_eq!(changed.rows_affected(), 1);

    let report = log.verify().await.expect("verify");
    assert_eq!(report.broken_total, 1, "{report:?}");
    assert_eq!(
        (
            report.broken[0].stream_id.as_str(),
            report.broken[0].version,
            &report.broken[0].reason
        ),
        (stream_b.as_str(), 2, &BreakReason::HashMismatch)
    );

    // Deleting a record of tenant a breaks the link of the record after it.
    let stream_a = stream_id(Some(&tenant("jc-a")), Utc::now().date_naive());
    sqlx::query(&format!(
        "DELETE FROM {SCHEMA}.events WHERE stream_id = $1 AND version = 2"
    ))
    .bind(&stream_a)
    .execute(&mut *conn)
    .await
    .expect("delete");
    let report = log.verify().await.expect("verify");
    let in_a: Vec<_> = report
        .broken
        .iter()
        .filter(|link| link.stream_id == stream_a)
        .collect();
    assert!(in_a.iter().all(|link| link.version == 3), "{report:?}");
    assert!(
        in_a.iter()
            .any(|link| link.reason == BreakReason::VersionGap { expected: 2 })
    );
    assert!(
        in_a.iter()
            .any(|link| link.reason == BreakReason::PrevHashMismatch)
    );
}
