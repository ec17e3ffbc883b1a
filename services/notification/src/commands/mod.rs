//! The command path: every change the API makes goes through [`NotificationCommands`].
//!
//! Each command runs in one transaction of the worker role: read the streams it decides on
//! (and, for messages, the directories it checks against), decide, append with
//! [`EventLog::append_in`] (the append locks the stream; a concurrent change of a profile fails
//! its version check: ABORTED), write what belongs to the same decision (outbox rows, the print
//! job's mark), commit, then wake the relay.
//!
//! Idempotency: a message's id comes from the caller's request id scoped by tenant
//! ([`crate::domain::ids::command_id`]), so a retried send or reply finds its own stream and
//! answers its first result; a read receipt and a printed letter have one fixed command id per
//! message; a profile command that would change nothing records nothing.
//!
//! - [`profile`]: language, consent, e-mail address, push subscriptions;
//! - [`messages`]: an applicant's message, a caseworker's reply, read receipts;
//! - [`print`]: the print service's confirmation.

pub mod message_stream;
pub mod messages;
pub mod print;
pub mod profile;

use eventlog::{EventLog, EventMetadata, LogPosition, RecordedEvent};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::NotificationError;
use crate::events::NotificationEvent;

/// More events than any stream of this log holds; a longer stream is refused rather than
/// decided on a truncated history.
const MAX_STREAM: i64 = 10_000;

/// Who sends a command (recorded in the events' metadata).
#[derive(Debug, Clone)]
pub struct Issuer {
    /// The caller's tenant.
    pub tenant_id: String,
    /// The acting subject (pseudonymous).
    pub actor: String,
    /// The correlation id of everything one request caused.
    pub correlation_id: Option<Uuid>,
    /// W3C trace context.
    pub traceparent: Option<String>,
}

impl Issuer {
    /// The metadata of an event `command_id` records, about `case_id` if any.
    fn metadata(&self, command_id: Uuid, case_id: Option<Uuid>) -> EventMetadata {
        EventMetadata {
            actor: Some(self.actor.clone()),
            correlation_id: self.correlation_id,
            causation_id: None,
            command_id: Some(command_id),
            traceparent: self.traceparent.clone(),
            case_id: case_id.map(|case| case.to_string()),
        }
    }
}

/// The command path of the notification service.
#[derive(Debug, Clone)]
pub struct NotificationCommands {
    log: EventLog,
    templates: std::sync::Arc<crate::templates::Templates>,
    tenants: std::sync::Arc<std::collections::BTreeMap<String, crate::settings::TenantSettings>>,
    offered: crate::domain::planning::Offered,
}

impl NotificationCommands {
    /// Commands appending to `log` (the worker role's log writer, whose pool also reads the
    /// directories and writes the outbox and the print queue), writing replies with
    /// `templates` in the languages and the name each jobcenter's `tenants` settings give,
    /// hinting on the `offered` channels only.
    pub fn new(
        log: EventLog,
        templates: std::sync::Arc<crate::templates::Templates>,
        tenants: std::sync::Arc<
            std::collections::BTreeMap<String, crate::settings::TenantSettings>,
        >,
        offered: crate::domain::planning::Offered,
    ) -> Self {
        Self {
            log,
            templates,
            tenants,
            offered,
        }
    }

    /// The log.
    pub fn log(&self) -> &EventLog {
        &self.log
    }
}

/// A stream of `tenant` as recorded, read on `conn`, with its events decoded. Another
/// tenant's stream is as absent as none (`None`), and so is an empty one.
pub async fn read_stream(
    log: &EventLog,
    conn: &mut PgConnection,
    stream: &str,
    tenant: &str,
) -> Result<Option<Vec<(RecordedEvent, NotificationEvent)>>, NotificationError> {
    let recorded = log.read_stream_in(conn, stream, 0, MAX_STREAM).await?;
    if recorded.is_empty() || recorded.iter().any(|e| e.tenant_id != tenant) {
        return Ok(None);
    }
    let mut events = Vec::with_capacity(recorded.len());
    for event in recorded {
        if let Some(decoded) = NotificationEvent::decode(&event.event_type, &event.payload)? {
            events.push((event, decoded));
        }
    }
    Ok(Some(events))
}

/// The position of the last event of `events` ([`LogPosition::START`] for none).
fn last_position(events: &[(RecordedEvent, NotificationEvent)]) -> LogPosition {
    events
        .last()
        .map_or(LogPosition::START, |(recorded, _)| recorded.position)
}

/// Now, to the microsecond the database keeps.
fn now() -> chrono::DateTime<chrono::Utc> {
    let now = chrono::Utc::now();
    chrono::DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}
