//! The records the log takes and gives: commands, events, outcomes.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

use crate::position::LogPosition;

/// The namespace of event ids (UUIDv5). Never change it: stored event ids depend on it.
pub const EVENT_ID_NAMESPACE: Uuid = Uuid::from_u128(0xda1b2747_60ea_4dc3_a820_d0c29b5a2315);

/// The deterministic id of the `index`-th event of a command: UUIDv5 over the command id's 16
/// bytes followed by the index as 4 big-endian bytes.
///
/// A retried command therefore produces the same event ids, and the log appends it only once.
pub fn event_id(command_id: Uuid, index: u32) -> Uuid {
    let mut name = [0u8; 20];
    name[..16].copy_from_slice(command_id.as_bytes());
    name[16..].copy_from_slice(&index.to_be_bytes());
    Uuid::new_v5(&EVENT_ID_NAMESPACE, &name)
}

/// The command id a log records for a caller's `command_id` on `stream` of `tenant`: UUIDv5 in
/// the service's own `namespace` over tenant, stream and id (NUL-separated).
///
/// Event ids derive from command ids and are unique across the whole log, and the log answers
/// a known event id with the earlier result: a client-chosen id reused by another tenant, or on
/// another stream, would otherwise get someone else's result and record nothing. Scoping the id
/// by tenant and stream keeps retries idempotent and makes such collisions impossible.
pub fn scoped_command_id(namespace: &Uuid, tenant: &str, stream: &str, command_id: Uuid) -> Uuid {
    let mut name = Vec::with_capacity(tenant.len() + stream.len() + 18);
    name.extend_from_slice(tenant.as_bytes());
    name.push(0);
    name.extend_from_slice(stream.as_bytes());
    name.push(0);
    name.extend_from_slice(command_id.as_bytes());
    Uuid::new_v5(namespace, &name)
}

/// What a command expects of its stream's current version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExpectedVersion {
    /// Append whatever the stream's version.
    Any,
    /// The stream must have no events yet.
    NoStream,
    /// The stream's last event must have exactly this version.
    Exact(i32),
}

impl ExpectedVersion {
    /// The encoding the SQL function takes: -1 any, 0 no stream, n exact; a negative exact
    /// version can never match and is encoded as -2.
    pub(crate) fn to_sql(self) -> i32 {
        match self {
            ExpectedVersion::Any => -1,
            ExpectedVersion::NoStream => 0,
            ExpectedVersion::Exact(n) if n >= 0 => n,
            ExpectedVersion::Exact(_) => -2,
        }
    }
}

impl fmt::Display for ExpectedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedVersion::Any => f.write_str("any version"),
            ExpectedVersion::NoStream => f.write_str("no stream"),
            ExpectedVersion::Exact(n) => write!(f, "version {n}"),
        }
    }
}

/// The context of an event, stored as JSON bytes next to it and covered by its hash.
///
/// Serialised with `serde_json` in field order, absent fields left out. The field order is part
/// of the stored format: add new fields only at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EventMetadata {
    /// Who caused the event (a pseudonymous subject, never personal data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// The id shared by everything one request caused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<Uuid>,
    /// The event or command that caused this event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<Uuid>,
    /// The command that appended this event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_id: Option<Uuid>,
    /// W3C trace context of the request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
    /// The case the event belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_id: Option<String>,
}

/// An event to append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// `<area>.<MessageName>`, e.g. `intake.ApplicationSubmitted`.
    pub event_type: String,
    /// The version of the payload's schema.
    pub schema_version: i32,
    /// The encoded payload (protobuf).
    pub payload: Vec<u8>,
    /// The event's context.
    pub metadata: EventMetadata,
}

/// Events to append to one stream, all or none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendCommand {
    /// Identifies the command; the event ids are derived from it ([`event_id`]), so a retry with
    /// the same id appends nothing new and returns the first result.
    pub command_id: Uuid,
    /// The stream, e.g. `application-<uuid>`.
    pub stream_id: String,
    /// The tenant of every event of the command.
    pub tenant_id: String,
    /// What the command expects of the stream's version.
    pub expected: ExpectedVersion,
    /// The events, in order.
    pub events: Vec<NewEvent>,
}

impl AppendCommand {
    /// The ids its events get.
    pub fn event_ids(&self) -> Vec<Uuid> {
        (0..self.events.len())
            .map(|index| event_id(self.command_id, u32::try_from(index).unwrap_or(u32::MAX)))
            .collect()
    }
}

/// The result of a successful (or repeated) append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendOutcome {
    /// The stream appended to.
    pub stream_id: String,
    /// The version of the command's first event (the stream's version + 1 for a command without
    /// events).
    pub first_version: i32,
    /// The version of the command's last event (the stream's version for a command without events).
    pub last_version: i32,
    /// The log position of the command's last event: a consistency token for read-your-writes.
    pub position: LogPosition,
    /// The ids of the command's events.
    pub event_ids: Vec<Uuid>,
    /// True if the command had been appended before and this is the earlier result.
    pub duplicate: bool,
}

/// An event as stored in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEvent {
    /// Where the event is in the log's commit order.
    pub position: LogPosition,
    /// The event's id (UUIDv5 of command id and index).
    pub event_id: Uuid,
    /// The stream it belongs to.
    pub stream_id: String,
    /// Its version in the stream, from 1 without gaps.
    pub version: i32,
    /// The tenant.
    pub tenant_id: String,
    /// `<area>.<MessageName>`.
    pub event_type: String,
    /// The version of the payload's schema.
    pub schema_version: i32,
    /// The encoded payload (protobuf).
    pub payload: Vec<u8>,
    /// The event's context.
    pub metadata: EventMetadata,
    /// When the log recorded it (microsecond precision).
    pub recorded_at: DateTime<Utc>,
    /// The hash of the stream's previous event (32 zero bytes for version 1).
    pub prev_hash: Vec<u8>,
    /// SHA-256 over `prev_hash`, the canonical header and the payload ([`crate::compute_hash`]).
    pub hash: Vec<u8>,
}

/// One tenant's events in commit order, as [`crate::EventLog::read_tenant_in`] returns them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantEvents {
    /// The events, in commit order.
    pub events: Vec<RecordedEvent>,
    /// Every event of the tenant up to this position has now been returned (by this read or
    /// earlier ones): continue from here. The last event's position when the read was cut at
    /// its limit; otherwise the transaction horizon, `(xmin, 0)`, since below it no further
    /// event can appear. Never before the position the read continued from.
    pub reached: LogPosition,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_are_deterministic_and_distinct() {
        let command = Uuid::from_u128(42);
        assert_eq!(event_id(command, 0), event_id(command, 0));
        assert_ne!(event_id(command, 0), event_id(command, 1));
        assert_ne!(event_id(command, 0), event_id(Uuid::from_u128(43), 0));
        assert_eq!(event_id(command, 0).get_version_num(), 5);
    }

    #[test]
    fn metadata_serialises_in_field_order_without_absent_fields() -> Result<(), serde_json::Error> {
        let metadata = EventMetadata {
            actor: Some("u-1".into()),
            case_id: Some("case-1".into()),
            ..EventMetadata::default()
        };
        let json = serde_json::to_string(&metadata)?;
        assert_eq!(json, r#"{"actor":"u-1","case_id":"case-1"}"#);
        assert_eq!(serde_json::from_str::<EventMetadata>(&json)?, metadata);
        assert_eq!(serde_json::to_vec(&EventMetadata::default())?, b"{}");
        Ok(())
    }

    #[test]
    fn expected_version_encoding() {
        assert_eq!(ExpectedVersion::Any.to_sql(), -1);
        assert_eq!(ExpectedVersion::NoStream.to_sql(), 0);
        assert_eq!(ExpectedVersion::Exact(7).to_sql(), 7);
        assert_eq!(ExpectedVersion::Exact(-1).to_sql(), -2);
    }
}
