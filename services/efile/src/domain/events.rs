//! The events of the E-Akte's log: their recorded type names, schema versions and payloads.
//!
//! One enum over the proto payloads of `proto/jobcenter/efile/v1/events.proto`, so that every
//! place that reads the log (the aggregate, the read model, the history) decodes the same way
//! and every place that writes it names types and versions the same way.

use jobcenter_proto::efile::v1 as proto;
use prost::Message;

/// Every event schema of the E-Akte's log is at version 1 so far.
pub const SCHEMA_VERSION: i32 = 1;

/// What happened to a document; payloads are the recorded proto messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    DocumentFiled(proto::DocumentFiled),
    DocumentVersionAdded(proto::DocumentVersionAdded),
    DocumentMetadataChanged(proto::DocumentMetadataChanged),
    LegalHoldPlaced(proto::LegalHoldPlaced),
    LegalHoldLifted(proto::LegalHoldLifted),
    DocumentDeleted(proto::DocumentDeleted),
    SickNoteRead(proto::SickNoteRead),
}

/// Expands to the table of (variant, recorded type name) in one place.
macro_rules! event_types {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        impl Event {
            /// The recorded type name, e.g. "efile.DocumentFiled".
            pub fn event_type(&self) -> &'static str {
                match self {
                    $(Event::$variant(_) => $name,)+
                }
            }

            /// The payload bytes.
            pub fn encode(&self) -> Vec<u8> {
                match self {
                    $(Event::$variant(e) => e.encode_to_vec(),)+
                }
            }

            /// The event recorded as `event_type` with `payload`; `None` for a type this version
            /// does not know (written by a newer version).
            pub fn decode(
                event_type: &str,
                payload: &[u8],
            ) -> Result<Option<Event>, prost::DecodeError> {
                Ok(match event_type {
                    $($name => Some(Event::$variant(proto::$variant::decode(payload)?)),)+
                    _ => None,
                })
            }

            /// Every recorded type name this version knows.
            pub const TYPES: &'static [&'static str] = &[$($name),+];
        }
    };
}

event_types! {
    DocumentFiled => "efile.DocumentFiled",
    DocumentVersionAdded => "efile.DocumentVersionAdded",
    DocumentMetadataChanged => "efile.DocumentMetadataChanged",
    LegalHoldPlaced => "efile.LegalHoldPlaced",
    LegalHoldLifted => "efile.LegalHoldLifted",
    DocumentDeleted => "efile.DocumentDeleted",
    SickNoteRead => "efile.SickNoteRead",
}

impl Event {
    /// The event to append, with its context.
    pub fn to_new_event(&self, metadata: eventlog::EventMetadata) -> eventlog::NewEvent {
        eventlog::NewEvent {
            event_type: self.event_type().to_owned(),
            schema_version: SCHEMA_VERSION,
            payload: self.encode(),
            metadata,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_round_trips_through_its_type_name() {
        let events = vec![
            Event::DocumentFiled(proto::DocumentFiled {
                document_id: "d".into(),
                tags: vec!["kdu".into()],
                ..Default::default()
            }),
            Event::LegalHoldPlaced(proto::LegalHoldPlaced {
                document_id: "d".into(),
                reason: "S 12 AS 345/26".into(),
                placed_by: "lead-1".into(),
            }),
            Event::DocumentDeleted(proto::DocumentDeleted {
                document_id: "d".into(),
                sha256: vec!["ab".repeat(32)],
                ..Default::default()
            }),
        ];
        for event in events {
            let back = Event::decode(event.event_type(), &event.encode());
            assert_eq!(back, Ok(Some(event)));
        }
        assert_eq!(Event::decode("efile.FromTheFuture", &[]), Ok(None));
        assert_eq!(Event::TYPES.len(), 7);
    }
}
