//! A [`RecordedEvent`] on the NATS wire: subject, headers and body.
//!
//! The relay writes with [`to_message`], every consumer reads with [`from_message`] or
//! [`from_parts`]. The headers carry everything but the payload, so a consumer can rebuild the
//! exact event (including its hash chain links) without asking PostgreSQL.

use std::time::Duration;

use async_nats::HeaderMap;
use async_nats::header::HeaderName;
use async_nats::jetstream;
use bytes::Bytes;
use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

use crate::{EventMetadata, LogPosition, RecordedEvent};

/// The JetStream de-duplication header; its value is the event id.
pub const MSG_ID: &str = "Nats-Msg-Id";
/// Stream id of the event.
pub const STREAM_ID: &str = "Jc-Stream-Id";
/// Version of the event within its stream.
pub const VERSION: &str = "Jc-Version";
/// Transaction id part of the log position.
pub const TX: &str = "Jc-Tx";
/// Global position part of the log position.
pub const POSITION: &str = "Jc-Position";
/// Event type, e.g. `intake.ApplicationSubmitted`.
pub const EVENT_TYPE: &str = "Jc-Event-Type";
/// Payload schema version.
pub const SCHEMA_VERSION: &str = "Jc-Schema-Version";
/// Tenant (jobcenter) id.
pub const TENANT: &str = "Jc-Tenant";
/// Commit time, RFC 3339 with microseconds.
pub const RECORDED_AT: &str = "Jc-Recorded-At";
/// Hash of the previous event of the stream, hex.
pub const PREV_HASH: &str = "Jc-Prev-Hash";
/// Hash of this event, hex.
pub const HASH: &str = "Jc-Hash";
/// Metadata JSON.
pub const METADATA: &str = "Jc-Metadata";
/// W3C trace context, present when the event was written inside a trace.
pub const TRACEPARENT: &str = "traceparent";

/// Default number of subject partitions per tenant.
pub const DEFAULT_PARTITIONS: u32 = 8;

/// How long JetStream remembers message ids for de-duplication. Long enough to cover a relay
/// restart that republishes its last, unacknowledged batch.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

/// A message could not be turned back into a [`RecordedEvent`].
#[derive(Debug, thiserror::Error)]
pub enum WireError {
    /// The message has no headers at all.
    #[error("message has no headers")]
    NoHeaders,
    /// A required header is absent.
    #[error("header {0} is missing")]
    MissingHeader(&'static str),
    /// A header is present but cannot be parsed.
    #[error("header {0} is malformed")]
    BadHeader(&'static str),
    /// The metadata header is not valid metadata JSON.
    #[error("header Jc-Metadata is not valid metadata JSON")]
    Metadata(#[source] serde_json::Error),
}

/// Creating or updating the JetStream stream failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot create or update JetStream stream {stream}")]
pub struct EnsureStreamError {
    /// Name of the stream.
    pub stream: String,
    #[source]
    source: jetstream::context::CreateStreamError,
}

/// The JetStream stream name of a service's log, e.g. `EV_INTAKE`.
pub fn stream_name(service: &str) -> String {
    format!("EV_{}", service.to_uppercase())
}

/// The subject filter covering all events of a service, e.g. `ev.intake.>`.
pub fn subject_filter(service: &str) -> String {
    format!("ev.{service}.>")
}

/// FNV-1a, 32 bit: stable across processes and languages, unlike std's hasher.
pub fn fnv1a32(data: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in data {
        hash ^= u32::from(*byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash
}

/// The partition of a stream id: FNV-1a 32 of the stream id modulo `partitions`.
pub fn partition(stream_id: &str, partitions: u32) -> u32 {
    fnv1a32(stream_id.as_bytes()) % partitions.max(1)
}

/// The subject of an event: `ev.<service>.<tenant>.<partition>`.
pub fn subject(service: &str, partitions: u32, event: &RecordedEvent) -> String {
    format!(
        "ev.{service}.{}.{}",
        event.tenant_id,
        partition(&event.stream_id, partitions)
    )
}

/// Subject, headers and body of an event as the relay publishes it.
pub fn to_message(
    service: &str,
    partitions: u32,
    event: &RecordedEvent,
) -> (String, HeaderMap, Bytes) {
    let mut headers = HeaderMap::new();
    // The standard name, not a custom one: received maps hold it that way.
    headers.insert(
        async_nats::header::NATS_MESSAGE_ID,
        event.event_id.to_string(),
    );
    headers.insert(STREAM_ID, event.stream_id.as_str());
    headers.insert(VERSION, event.version.to_string());
    headers.insert(TX, event.position.tx_id.to_string());
    headers.insert(POSITION, event.position.position.to_string());
    headers.insert(EVENT_TYPE, event.event_type.as_str());
    headers.insert(SCHEMA_VERSION, event.schema_version.to_string());
    headers.insert(TENANT, event.tenant_id.as_str());
    headers.insert(
        RECORDED_AT,
        event
            .recorded_at
            .to_rfc3339_opts(SecondsFormat::Micros, true),
    );
    headers.insert(PREV_HASH, hex::encode(&event.prev_hash));
    headers.insert(HASH, hex::encode(&event.hash));
    // Serializing a plain struct of strings and uuids cannot fail; an empty object is the
    // harmless fallback should it ever do.
    let metadata = serde_json::to_string(&event.metadata).unwrap_or_else(|_| "{}".to_owned());
    headers.insert(METADATA, metadata);
    if let Some(traceparent) = &event.metadata.traceparent {
        headers.insert(TRACEPARENT, traceparent.as_str());
    }
    (
        subject(service, partitions, event),
        headers,
        Bytes::copy_from_slice(&event.payload),
    )
}

/// Rebuild the event from a JetStream message.
pub fn from_message(message: &jetstream::Message) -> Result<RecordedEvent, WireError> {
    let headers = message.headers.as_ref().ok_or(WireError::NoHeaders)?;
    from_parts(headers, &message.payload)
}

/// Rebuild the event from headers and body (e.g. of a raw stream message).
pub fn from_parts(headers: &HeaderMap, payload: &[u8]) -> Result<RecordedEvent, WireError> {
    let metadata: EventMetadata =
        serde_json::from_str(text(headers, METADATA)?).map_err(WireError::Metadata)?;
    let recorded_at = DateTime::parse_from_rfc3339(text(headers, RECORDED_AT)?)
        .map_err(|_| WireError::BadHeader(RECORDED_AT))?
        .with_timezone(&Utc);
    Ok(RecordedEvent {
        position: position(headers)?,
        event_id: parse::<Uuid>(headers, MSG_ID)?,
        stream_id: text(headers, STREAM_ID)?.to_owned(),
        version: parse(headers, VERSION)?,
        tenant_id: text(headers, TENANT)?.to_owned(),
        event_type: text(headers, EVENT_TYPE)?.to_owned(),
        schema_version: parse(headers, SCHEMA_VERSION)?,
        payload: payload.to_vec(),
        metadata,
        recorded_at,
        prev_hash: hex_header(headers, PREV_HASH)?,
        hash: hex_header(headers, HASH)?,
    })
}

/// Only the log position of a message (the relay resumes from it without parsing the rest).
pub fn position(headers: &HeaderMap) -> Result<LogPosition, WireError> {
    Ok(LogPosition {
        tx_id: parse(headers, TX)?,
        position: parse(headers, POSITION)?,
    })
}

/// Create the stream `EV_<SERVICE>` on `ev.<service>.>`, or update it to this configuration.
pub async fn ensure_stream(
    js: &jetstream::Context,
    service: &str,
) -> Result<jetstream::stream::Info, EnsureStreamError> {
    let name = stream_name(service);
    let config = jetstream::stream::Config {
        name: name.clone(),
        subjects: vec![subject_filter(service)],
        storage: jetstream::stream::StorageType::File,
        duplicate_window: DUPLICATE_WINDOW,
        // The relay resumes from the last message; reading it directly is cheaper.
        allow_direct: true,
        ..Default::default()
    };
    js.create_or_update_stream(config)
        .await
        .map_err(|source| EnsureStreamError {
            stream: name,
            source,
        })
}

fn text<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, WireError> {
    // async-nats keys standard headers (Nats-Msg-Id) apart from custom ones of the same
    // spelling; parsing the name finds the standard key, the plain lookup the custom one.
    name.parse::<HeaderName>()
        .ok()
        .and_then(|key| headers.get(key))
        .or_else(|| headers.get(name))
        .map(|value| value.as_str())
        .ok_or(WireError::MissingHeader(name))
}

fn parse<T: std::str::FromStr>(headers: &HeaderMap, name: &'static str) -> Result<T, WireError> {
    text(headers, name)?
        .parse()
        .map_err(|_| WireError::BadHeader(name))
}

fn hex_header(headers: &HeaderMap, name: &'static str) -> Result<Vec<u8>, WireError> {
    hex::decode(text(headers, name)?).map_err(|_| WireError::BadHeader(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn sample() -> RecordedEvent {
        RecordedEvent {
            position: LogPosition {
                tx_id: 1234,
                position: 56,
            },
            event_id: Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
            stream_id: "application-7d0c1b7e-2c1f-4f7a-9a51-0e3c1d2b3a4f".to_owned(),
            version: 3,
            tenant_id: "jc-berlin-mitte".to_owned(),
            event_type: "intake.ApplicationSubmitted".to_owned(),
            schema_version: 2,
            payload: vec![0x0a, 0x03, b'a', b'b', b'c', 0x00, 0xff],
            metadata: EventMetadata {
                actor: Some("user:42".to_owned()),
                correlation_id: Some(Uuid::from_u128(7)),
                causation_id: None,
                command_id: Some(Uuid::from_u128(9)),
                traceparent: Some(
                    "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
                ),
                case_id: None,
            },
            recorded_at: Utc
                .timestamp_micros(1_763_900_000_123_456)
                .single()
                .unwrap_or_default(),
            prev_hash: vec![0; 32],
            hash: (0u8..32).collect(),
        }
    }

    #[test]
    fn round_trip_keeps_every_field() {
        let event = sample();
        let (subject, headers, body) = to_message("intake", 8, &event);
        assert!(subject.starts_with("ev.intake.jc-berlin-mitte."));
        let back = from_parts(&headers, &body).expect("round trip");
        assert_eq!(back, event);
    }

    #[test]
    fn headers_follow_the_contract() {
        let event = sample();
        let (_, headers, _) = to_message("intake", 8, &event);
        let get = |name: &'static str| text(&headers, name).ok().map(str::to_owned);
        assert_eq!(get(MSG_ID), Some(event.event_id.to_string()));
        assert_eq!(get(TX).as_deref(), Some("1234"));
        assert_eq!(get(POSITION).as_deref(), Some("56"));
        assert_eq!(get(VERSION).as_deref(), Some("3"));
        assert_eq!(
            get(RECORDED_AT).as_deref(),
            Some("2025-11-23T12:13:20.123456Z")
        );
        assert_eq!(get(TRACEPARENT), event.metadata.traceparent);
        assert_eq!(get(PREV_HASH), Some("00".repeat(32)));
    }

    #[test]
    fn no_traceparent_header_without_trace() {
        let mut event = sample();
        event.metadata.traceparent = None;
        let (_, headers, body) = to_message("intake", 8, &event);
        assert!(headers.get(TRACEPARENT).is_none());
        assert_eq!(from_parts(&headers, &body).expect("round trip"), event);
    }

    #[test]
    fn missing_and_bad_headers_are_reported() {
        let event = sample();
        let (_, mut headers, body) = to_message("intake", 8, &event);
        headers.insert(VERSION, "three");
        assert!(matches!(
            from_parts(&headers, &body),
            Err(WireError::BadHeader(VERSION))
        ));
        assert!(matches!(
            from_parts(&HeaderMap::new(), &body),
            Err(WireError::MissingHeader(_))
        ));
    }

    #[test]
    fn fnv1a_matches_reference_vectors() {
        // Reference values of FNV-1a 32 (draft-eastlake-fnv).
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a32(b"foobar"), 0xbf9c_f968);
        assert!(partition("case-1", 8) < 8);
        assert_eq!(partition("case-1", 0), 0);
    }

    #[test]
    fn names() {
        assert_eq!(stream_name("intake"), "EV_INTAKE");
        assert_eq!(subject_filter("case"), "ev.case.>");
    }
}
