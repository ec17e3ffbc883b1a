//! Conversions and checks shared by the handlers: ids, pages, cursors, the document as proto.

use std::collections::HashMap;

use access_log::ObjectRef;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate};
use jobcenter_proto::common::v1::{Date, Position};
use jobcenter_proto::efile::v1 as proto;
use uuid::Uuid;

use crate::domain::document::Document;
use crate::domain::metadata::Violation;
use crate::domain::rules::FilingRules;
use crate::domain::types::{Channel, DocumentType};
use crate::domain::{dates, retention};
use crate::error::EfileError;
use crate::projections::document_queries::{DocumentRow, ListCursor, VersionRow};

pub(super) fn parse_uuid(value: &str, field: &str) -> Result<Uuid, EfileError> {
    Uuid::parse_str(value).map_err(|_| EfileError::invalid(field, "must be a UUID"))
}

/// A document type a client named; unspecified or unknown values are refused.
pub(super) fn document_type(value: i32, field: &str) -> Result<DocumentType, EfileError> {
    DocumentType::from_proto(value)
        .ok_or_else(|| EfileError::invalid(field, "must be a document type"))
}

/// A day a client named, if any.
pub(super) fn optional_day(
    value: Option<&Date>,
    field: &str,
) -> Result<Option<NaiveDate>, EfileError> {
    value
        .map(|d| {
            dates::from_proto(d).ok_or_else(|| EfileError::invalid(field, "is not a valid date"))
        })
        .transpose()
}

/// The case object a read names, for the read-access log.
pub(super) fn case_object(case_id: Uuid) -> ObjectRef {
    ObjectRef::case(case_id)
}

/// The distinct cases of `documents`, for the read-access log.
pub(super) fn case_objects<'a>(
    documents: impl IntoIterator<Item = &'a proto::Document>,
) -> Vec<ObjectRef> {
    let mut objects: Vec<ObjectRef> = documents
        .into_iter()
        .filter_map(|d| Uuid::parse_str(&d.case_id).ok())
        .map(ObjectRef::case)
        .collect();
    objects.sort();
    objects.dedup();
    objects
}

/// A position token of `log` as the API gives it.
pub(super) fn position(log: &eventlog::EventLog, at: eventlog::LogPosition) -> Position {
    Position {
        token: log.token(at).to_string(),
    }
}

/// Splits the `size + 1` rows a list query fetched into the page of `size` and the token of the
/// next page (from the page's last row; empty when there is none).
pub(super) fn split_page<T>(
    mut rows: Vec<T>,
    size: i64,
    token_after: impl FnOnce(&T) -> String,
) -> (Vec<T>, String) {
    let more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > size;
    rows.truncate(usize::try_from(size).unwrap_or(usize::MAX));
    let next_page_token = match rows.last() {
        Some(last) if more => token_after(last),
        _ => String::new(),
    };
    (rows, next_page_token)
}

pub(super) fn page_size(
    requested: i32,
    default: i64,
    max: i64,
    field: &str,
) -> Result<i64, EfileError> {
    match i64::from(requested) {
        0 => Ok(default),
        n if (1..=max).contains(&n) => Ok(n),
        _ => Err(EfileError::invalid(
            field,
            format!("must be between 1 and {max}"),
        )),
    }
}

/// `base64url(<received_at µs>:<document_id>)`: opaque to clients.
pub(super) fn encode_cursor(cursor: ListCursor) -> String {
    URL_SAFE_NO_PAD.encode(format!(
        "{}:{}",
        cursor.received_at.timestamp_micros(),
        cursor.document_id
    ))
}

pub(super) fn decode_cursor(token: &str) -> Result<ListCursor, EfileError> {
    let invalid = || EfileError::invalid("page_token", "not a token from a previous page");
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    let (micros, document_id) = text.split_once(':').ok_or_else(invalid)?;
    let micros: i64 = micros.parse().map_err(|_| invalid())?;
    Ok(ListCursor {
        received_at: DateTime::from_timestamp_micros(micros).ok_or_else(invalid)?,
        document_id: Uuid::parse_str(document_id).map_err(|_| invalid())?,
    })
}

fn due_on(
    rules: &FilingRules,
    ty: Option<DocumentType>,
    received_on: NaiveDate,
    closed_on: Option<NaiveDate>,
) -> Option<Date> {
    let rule = rules.rule(ty?);
    retention::due_on(&rule, received_on, closed_on).map(dates::to_proto)
}

/// A document as its events made it, with its case's closing day (for the deletion day).
pub(super) fn from_state(
    doc: &Document,
    rules: &FilingRules,
    closed_on: Option<NaiveDate>,
) -> proto::Document {
    proto::Document {
        document_id: doc.document_id.to_string(),
        case_id: doc.case_id.to_string(),
        r#type: doc.doc_type.to_proto() as i32,
        tags: doc.tags.clone(),
        channel: doc.channel.to_proto() as i32,
        received_at: Some(dates::to_timestamp(doc.received_at)),
        filed_at: Some(dates::to_timestamp(doc.filed_at)),
        versions: doc
            .versions
            .iter()
            .map(|v| proto::DocumentVersion {
                number: v.number,
                content: Some(v.content.to_proto()),
                added_at: Some(dates::to_timestamp(v.added_at)),
                reason: v.reason.clone(),
            })
            .collect(),
        legal_hold: doc.legal_hold,
        deletion_due_on: due_on(
            rules,
            Some(doc.doc_type),
            dates::legal_day(doc.received_at),
            closed_on,
        ),
        deleted: doc.deleted,
        stream_version: doc.version,
    }
}

/// Documents of the read model with their versions (fetched in one query), in `rows`' order.
pub(super) fn from_rows(
    rows: Vec<DocumentRow>,
    versions: Vec<VersionRow>,
    rules: &FilingRules,
) -> Vec<proto::Document> {
    let mut by_document: HashMap<Uuid, Vec<proto::DocumentVersion>> = HashMap::new();
    for v in versions {
        by_document
            .entry(v.document_id)
            .or_default()
            .push(proto::DocumentVersion {
                number: v.number,
                content: Some(proto::Content {
                    sha256: v.sha256,
                    size: v.size,
                    media_type: v.media_type,
                    file_name: v.file_name,
                }),
                added_at: Some(dates::to_timestamp(v.added_at)),
                reason: v.reason,
            });
    }
    rows.into_iter()
        .map(|row| {
            let ty = DocumentType::from_name(&row.r#type);
            proto::Document {
                document_id: row.document_id.to_string(),
                case_id: row.case_id.to_string(),
                r#type: ty.map_or(0, |t| t.to_proto() as i32),
                tags: row.tags,
                channel: Channel::from_name(&row.channel).map_or(0, |c| c.to_proto() as i32),
                received_at: Some(dates::to_timestamp(row.received_at)),
                filed_at: Some(dates::to_timestamp(row.filed_at)),
                versions: by_document.remove(&row.document_id).unwrap_or_default(),
                legal_hold: row.legal_hold,
                deletion_due_on: due_on(rules, ty, row.received_on, row.closed_on),
                deleted: row.deleted,
                stream_version: row.version,
            }
        })
        .collect()
}

/// A limit in words, e.g. "20 MiB (20971520 bytes)".
pub(super) fn size_in_words(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB ({bytes} bytes)", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB ({bytes} bytes)", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_given_in_words() {
        assert_eq!(size_in_words(20 * 1024 * 1024), "20 MiB (20971520 bytes)");
        assert_eq!(size_in_words(256 * 1024), "256 KiB (262144 bytes)");
        assert_eq!(size_in_words(1000), "1000 bytes");
    }

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let cursor = ListCursor {
            received_at: DateTime::from_timestamp_micros(1_800_000_000_123_456).expect("time"),
            document_id: Uuid::new_v4(),
        };
        let back = decode_cursor(&encode_cursor(cursor));
        assert!(matches!(back, Ok(c) if c == cursor));
        assert!(decode_cursor("not-a-token").is_err());
    }

    #[test]
    fn a_page_has_a_next_token_only_when_more_rows_came() {
        let (rows, token) = split_page(vec![1, 2, 3], 2, |last| last.to_string());
        assert_eq!((rows, token.as_str()), (vec![1, 2], "2"));
        let (rows, token) = split_page(vec![1, 2], 2, |last| last.to_string());
        assert_eq!((rows, token.as_str()), (vec![1, 2], ""));
    }
}

/// Gathers every invalid field of a request, so that a client learns all its mistakes at once.
#[derive(Debug, Default)]
pub(super) struct Checks(Vec<Violation>);

impl Checks {
    /// The value, or `None` with its violations kept (other errors cannot come from a check).
    pub(super) fn keep<T>(&mut self, result: Result<T, EfileError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(EfileError::Invalid(found)) => {
                self.0.extend(found);
                None
            }
            Err(other) => {
                // A check only ever fails with violations; anything else is named for the log.
                tracing::error!(error = %other, "a request check failed unexpectedly");
                self.0
                    .push(Violation::new("request", "could not be checked"));
                None
            }
        }
    }

    /// Same as [`Checks::keep`] for a check answering one violation.
    pub(super) fn keep_one<T>(&mut self, result: Result<T, Violation>) -> Option<T> {
        self.keep(result.map_err(EfileError::from))
    }

    /// Same as [`Checks::keep`] for a check answering several violations.
    pub(super) fn keep_all<T>(&mut self, result: Result<T, Vec<Violation>>) -> Option<T> {
        self.keep(result.map_err(EfileError::from))
    }

    /// `Ok` if nothing was invalid.
    pub(super) fn finish(self) -> Result<(), EfileError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(EfileError::Invalid(self.0))
        }
    }
}

/// A declared media type, if it is one the E-Akte keeps (empty: none declared).
pub(super) fn declared_media_type(given: &str, field: &str) -> Result<String, Violation> {
    let declared = given.trim();
    if declared.is_empty() || crate::domain::media::MediaType::from_name(declared).is_some() {
        Ok(declared.to_owned())
    } else {
        Err(Violation::new(
            field,
            "must be application/pdf, image/png, image/jpeg or image/tiff",
        ))
    }
}
