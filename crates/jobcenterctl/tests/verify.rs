//! `jobcenterctl verify` reports an intact log as intact and a tampered one as broken (exit 1).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use eventlog::{AppendCommand, EventLog, EventMetadata, ExpectedVersion, NewEvent};
use uuid::Uuid;

fn verify(url: &str) -> (bool, String) {
    let (ok, stdout, _) = verify_with_stderr(url);
    (ok, stdout)
}

fn verify_with_stderr(url: &str) -> (bool, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_jobcenterctl"))
        .args(["verify", "--database-url", url, "--schemas", "intake"])
        .output()
        .expect("running jobcenterctl");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn verify_finds_a_changed_payload() {
    let db = testkit::TestDatabase::create().await.expect("database");
    EventLog::install(db.owner_pool(), "intake")
        .await
        .expect("install");
    let log = EventLog::new(db.worker_pool().clone(), "intake").expect("log");
    for stream in ["application-a", "application-b"] {
        log.append(AppendCommand {
            command_id: Uuid::new_v4(),
            stream_id: stream.to_owned(),
            tenant_id: "jc-test".to_owned(),
            expected: ExpectedVersion::NoStream,
            events: (0..3)
                .map(|i| NewEvent {
                    event_type: "intake.ApplicationSubmitted".to_owned(),
                    schema_version: 1,
                    payload: vec![i; 8],
                    metadata: EventMetadata::default(),
                })
                .collect(),
        })
        .await
        .expect("append");
    }

    // As auditors run it: the read-only role that sees every tenant's events.
    let (ok, out) = verify(db.auditor_url());
    assert!(ok, "an untouched log verifies: {out}");
    assert!(
        out.contains("6 events in 2 streams") && out.contains("intact"),
        "{out}"
    );

    // A superuser edits history behind the trigger's back.
    sqlx::query("ALTER TABLE intake.events DISABLE TRIGGER ALL")
        .execute(db.pool())
        .await
        .expect("disable");
    sqlx::query("UPDATE intake.events SET payload = '\\x00'::bytea WHERE stream_id = 'application-b' AND version = 2")
        .execute(db.pool())
        .await
        .expect("tamper");

    let (ok, out) = verify(db.auditor_url());
    assert!(!ok, "a tampered log fails verification: {out}");
    assert!(
        out.contains("1 BROKEN") && out.contains("application-b version 2"),
        "{out}"
    );
}

#[tokio::test]
async fn verify_refuses_a_role_that_row_level_security_hides_events_from() {
    let db = testkit::TestDatabase::create_with_pool_size(2)
        .await
        .expect("database");
    EventLog::install(db.owner_pool(), "intake")
        .await
        .expect("install");
    let log = EventLog::new(db.worker_pool().clone(), "intake").expect("log");
    log.append(AppendCommand {
        command_id: Uuid::new_v4(),
        stream_id: "application-a".to_owned(),
        tenant_id: "jc-test".to_owned(),
        expected: ExpectedVersion::NoStream,
        events: vec![NewEvent {
            event_type: "intake.ApplicationSubmitted".to_owned(),
            schema_version: 1,
            payload: vec![1; 8],
            metadata: EventMetadata::default(),
        }],
    })
    .await
    .expect("append");
    // The api role sees no event outside a tenant's transaction: "0 events, intact" would lie.
    let (ok, out, err) = verify_with_stderr(db.api_url());
    assert!(!ok, "{out}");
    assert!(!out.contains("intact"), "{out}");
    assert!(err.contains("does not see every tenant's events"), "{err}");
}
