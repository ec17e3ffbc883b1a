//! A document's recorded changes in English words, for GetDocumentHistory. Says what changed
//! and why, never the content itself; the words come from the event alone, so the history of
//! a document reads the same however often it is asked for.

use jobcenter_proto::efile::v1 as proto;

use super::dates;
use super::events::Event;
use super::types::{Channel, DocumentType};

/// The event recorded as `event_type` with `payload` in words; unknown types say so.
pub fn describe_recorded(event_type: &str, payload: &[u8]) -> Result<String, prost::DecodeError> {
    Ok(match Event::decode(event_type, payload)? {
        Some(event) => describe(&event),
        None => format!("recorded as {event_type} (not known to this version)"),
    })
}

fn type_words(value: i32) -> &'static str {
    DocumentType::from_proto(value).map_or("document of unknown type", DocumentType::words)
}

fn content_words(content: Option<&proto::Content>) -> String {
    match content {
        Some(c) => format!("{}, {} bytes", c.media_type, c.size),
        None => "no content".to_owned(),
    }
}

fn tag_words(tags: &[String]) -> String {
    if tags.is_empty() {
        "no tags".to_owned()
    } else {
        format!("tags {}", tags.join(", "))
    }
}

/// `event` in words.
pub fn describe(event: &Event) -> String {
    match event {
        Event::DocumentFiled(e) => {
            let channel =
                Channel::from_proto(e.channel).map_or("an unknown channel", Channel::words);
            let received = e
                .received_at
                .as_ref()
                .and_then(dates::to_utc)
                .map(|at| format!(", received on {}", dates::legal_day(at)))
                .unwrap_or_default();
            format!(
                "Filed as {} through {channel}{received}; version 1: {}; {}.",
                type_words(e.r#type),
                content_words(e.content.as_ref()),
                tag_words(&e.tags)
            )
        }
        Event::DocumentVersionAdded(e) => format!(
            "Version {} added: {}; reason: {}.",
            e.number,
            content_words(e.content.as_ref()),
            e.reason
        ),
        Event::DocumentMetadataChanged(e) => format!(
            "Metadata changed: {} on case {}; {}; reason: {}.",
            type_words(e.r#type),
            e.case_id,
            tag_words(&e.tags),
            e.reason
        ),
        Event::LegalHoldPlaced(e) => format!("Legal hold placed; reason: {}.", e.reason),
        Event::LegalHoldLifted(e) => format!("Legal hold lifted; reason: {}.", e.reason),
        Event::DocumentDeleted(e) => {
            let due = e
                .due_on
                .as_ref()
                .and_then(dates::from_proto)
                .map(|d| format!(", due on {d}"))
                .unwrap_or_default();
            let count = e.sha256.len();
            let contents = if count == 1 { "content" } else { "contents" };
            format!(
                "Content deleted at the end of retention ({}{due}); {count} stored {contents} released.",
                e.rule
            )
        }
        Event::SickNoteRead(e) => format!(
            "Sick note of version {} read automatically (confidence {}).",
            e.version, e.confidence
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_is_described_with_its_reason() {
        let filed = Event::DocumentFiled(proto::DocumentFiled {
            r#type: proto::DocumentType::SickNote as i32,
            channel: proto::Channel::ScannedPost as i32,
            received_at: Some(prost_types::Timestamp {
                seconds: 1_793_487_600, // 2026-10-31 23:00 UTC = 2026-11-01 Berlin
                nanos: 0,
            }),
            content: Some(proto::Content {
                media_type: "image/tiff".into(),
                size: 2048,
                ..Default::default()
            }),
            tags: vec!["arbeitsunfaehigkeit".into()],
            ..Default::default()
        });
        assert_eq!(
            describe(&filed),
            "Filed as sick note through scanned post, received on 2026-11-01; version 1: \
             image/tiff, 2048 bytes; tags arbeitsunfaehigkeit."
        );
        let hold = Event::LegalHoldPlaced(proto::LegalHoldPlaced {
            reason: "S 12 AS 345/26".into(),
            ..Default::default()
        });
        assert_eq!(
            describe(&hold),
            "Legal hold placed; reason: S 12 AS 345/26."
        );
        let deleted = Event::DocumentDeleted(proto::DocumentDeleted {
            due_on: Some(dates::to_proto(
                chrono::NaiveDate::from_ymd_opt(2037, 1, 1).expect("day"),
            )),
            rule: "10 years after the case closed".into(),
            sha256: vec!["a".repeat(64), "b".repeat(64)],
            ..Default::default()
        });
        assert_eq!(
            describe(&deleted),
            "Content deleted at the end of retention (10 years after the case closed, due on \
             2037-01-01); 2 stored contents released."
        );
    }

    #[test]
    fn an_unknown_type_is_named_not_dropped() {
        assert_eq!(
            describe_recorded("efile.FromTheFuture", &[]),
            Ok("recorded as efile.FromTheFuture (not known to this version)".to_owned())
        );
    }
}
