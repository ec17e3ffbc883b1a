//! Shared helpers of the integration tests: a fresh database with an installed log.
#![allow(dead_code)]

use eventlog::{AppendCommand, EventLog, EventMetadata, ExpectedVersion, NewEvent};
use testkit::TestDatabase;
use uuid::Uuid;

pub const SCHEMA: &str = "intake";

/// A fresh database with the log installed in `intake` by the owner role, written and read by
/// the worker role (as the services run it).
pub async fn setup() -> (TestDatabase, EventLog) {
    let db = TestDatabase::create().await.expect("test database");
    EventLog::install(db.owner_pool(), SCHEMA)
        .await
        .expect("install");
    let log = EventLog::new(db.worker_pool().clone(), SCHEMA).expect("event log");
    (db, log)
}

/// An event with a recognisable payload.
pub fn event(n: usize) -> NewEvent {
    NewEvent {
        event_type: "intake.Tested".to_owned(),
        schema_version: 1,
        payload: format!("payload-{n}").into_bytes(),
        metadata: EventMetadata {
            actor: Some("tester".to_owned()),
            correlation_id: Some(Uuid::new_v4()),
            traceparent: Some("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01".to_owned()),
            ..EventMetadata::default()
        },
    }
}

/// A command with `events` events and a fresh command id.
pub fn command(stream: &str, expected: ExpectedVersion, events: usize) -> AppendCommand {
    AppendCommand {
        command_id: Uuid::new_v4(),
        stream_id: stream.to_owned(),
        tenant_id: "tenant-a".to_owned(),
        expected,
        events: (0..events).map(event).collect(),
    }
}
