//! Append-only enforcement, hash chains and verification.

mod common;

use common::{SCHEMA, command, setup};
use eventlog::{BreakReason, EventLog, ExpectedVersion, GENESIS_HASH, HashInput, compute_hash};
use sqlx::Row;

#[tokio::test]
async fn install_is_idempotent_and_checks_the_schema_name() {
    let (db, log) = setup().await;
    log.append(command("s-1", ExpectedVersion::NoStream, 1))
        .await
        .expect("append");
    EventLog::install(db.pool(), SCHEMA)
        .await
        .expect("second install");
    let installs: Vec<_> = (0..4)
        .map(|_| EventLog::install(db.pool(), "other"))
        .collect();
    for result in futures::future::join_all(installs).await {
        result.expect("concurrent install");
    }
    assert_eq!(log.read_stream("s-1", 0, 10).await.expect("read").len(), 1);
    assert!(EventLog::install(db.pool(), "Bad-Name").await.is_err());
    assert!(EventLog::new(db.pool().clone(), "x; drop table y").is_err());
}

#[tokio::test]
async fn update_delete_and_truncate_are_refused() {
    let (db, log) = setup().await;
    log.append(command("s-1", ExpectedVersion::NoStream, 2))
        .await
        .expect("append");
    for statement in [
        "UPDATE intake.events SET payload = '\\x00'",
        "UPDATE intake.events SET payload = '\\x00' WHERE false",
        "DELETE FROM intake.events",
        "TRUNCATE intake.events",
    ] {
        let result = sqlx::query(statement).execute(db.pool()).await;
        assert!(result.is_err(), "{statement} was not refused");
    }
    assert_eq!(log.read_stream("s-1", 0, 10).await.expect("read").len(), 2);
    assert!(log.verify().await.expect("verify").is_clean());
}

#[tokio::test]
async fn verify_finds_a_changed_payload() {
    let (db, log) = setup().await;
    for stream in ["a", "b", "c"] {
        log.append(command(stream, ExpectedVersion::NoStream, 3))
            .await
            .expect("append");
        log.append(command(stream, ExpectedVersion::Exact(3), 2))
            .await
            .expect("append");
    }
    let clean = log.verify().await.expect("verify");
    assert!(clean.is_clean(), "{clean:?}");
    assert_eq!((clean.events_checked, clean.streams_checked), (15, 3));

    let mut conn = db.pool().acquire().await.expect("connection");
    sqlx::query("ALTER TABLE intake.events DISABLE TRIGGER ALL")
        .execute(&mut *conn)
        .await
        .expect("disable");
    let changed = sqlx::query(
        "UPDATE intake.events SET payload = 'forged' WHERE stream_id = 'b' AND version = 2",
    )
    .execute(&mut *conn)
    .await
    .expect("tamper");
    assert_eq!(changed.rows_affected(), 1);
    sqlx::query("ALTER TABLE intake.events ENABLE TRIGGER ALL")
        .execute(&mut *conn)
        .await
        .expect("enable");

    let report = log.verify().await.expect("verify");
    assert_eq!(report.events_checked, 15);
    assert_eq!(report.broken_total, 1, "{report:?}");
    let link = &report.broken[0];
    assert_eq!(
        (link.stream_id.as_str(), link.version, &link.reason),
        ("b", 2, &BreakReason::HashMismatch)
    );

    // A deleted event breaks the chain of the event after it.
    sqlx::query("ALTER TABLE intake.events DISABLE TRIGGER ALL")
        .execute(&mut *conn)
        .await
        .expect("disable");
    sqlx::query("DELETE FROM intake.events WHERE stream_id = 'c' AND version = 4")
        .execute(&mut *conn)
        .await
        .expect("delete");
    let report = log.verify().await.expect("verify");
    let c: Vec<_> = report
        .broken
        .iter()
        .filter(|l| l.stream_id == "c")
        .collect();
    assert_eq!(c.len(), 2, "{report:?}");
    assert!(c.iter().all(|l| l.version == 5));
    assert!(
        c.iter()
            .any(|l| l.reason == BreakReason::VersionGap { expected: 4 })
    );
    assert!(c.iter().any(|l| l.reason == BreakReason::PrevHashMismatch));
}

#[tokio::test]
async fn rust_and_sql_compute_the_same_hash() {
    let (db, log) = setup().await;
    let mut cmd = command("hash-ü-stream", ExpectedVersion::NoStream, 3);
    cmd.tenant_id = "tenant-ß".to_owned();
    cmd.events[1].payload = Vec::new();
    cmd.events[2].metadata = Default::default();
    log.append(cmd).await.expect("append");

    let rows = sqlx::query(
        "SELECT event_id, stream_id, version, tenant_id, event_type, schema_version, \
                (extract(epoch FROM recorded_at) * 1000000)::int8 AS us, metadata, payload, prev_hash, hash \
         FROM intake.events ORDER BY version",
    )
    .fetch_all(db.pool())
    .await
    .expect("rows");
    assert_eq!(rows.len(), 3);
    let events = log.read_stream("hash-ü-stream", 0, 10).await.expect("read");
    let mut prev = GENESIS_HASH.to_vec();
    for (row, event) in rows.iter().zip(&events) {
        let input = HashInput {
            event_id: row.get("event_id"),
            stream_id: row.get("stream_id"),
            version: row.get("version"),
            tenant_id: row.get("tenant_id"),
            event_type: row.get("event_type"),
            schema_version: row.get("schema_version"),
            recorded_at_micros: row.get("us"),
            metadata: row.get("metadata"),
            payload: row.get("payload"),
        };
        assert_eq!(
            input.recorded_at_micros,
            event.recorded_at.timestamp_micros()
        );
        let stored: Vec<u8> = row.get("hash");
        let prev_stored: Vec<u8> = row.get("prev_hash");
        assert_eq!(prev_stored, prev);
        assert_eq!(
            compute_hash(&prev, &input).to_vec(),
            stored,
            "version {}",
            input.version
        );
        // The same from the decoded event, with the metadata serialised again.
        let metadata = serde_json::to_vec(&event.metadata).expect("metadata");
        assert_eq!(metadata, input.metadata);
        prev = stored;
    }
}
