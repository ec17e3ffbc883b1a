//! The document aggregate (stream `document-<uuid>`), as a decider: [`decide`] answers a command
//! with the events to record (none when nothing would change), [`Document::fold`] rebuilds the
//! state from the recorded events. Pure: no I/O.
//!
//! A document is never changed in place: new content is a new version, new metadata a new
//! event, and at the end of retention its content is released (the metadata and the record of
//! every change stay). A deleted document takes no more changes.

use chrono::{DateTime, NaiveDate, Utc};
use jobcenter_proto::efile::v1 as proto;
use uuid::Uuid;

use super::dates;
use super::events::Event;
use super::types::{Channel, DocumentType};

/// The stored bytes of one version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// SHA-256, lower-case hex: the blob's key.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// The media type recognised from the bytes (`application/pdf`, ...).
    pub media_type: String,
    /// The file name the uploader gave (display only).
    pub file_name: String,
}

impl Content {
    /// As recorded.
    pub fn to_proto(&self) -> proto::Content {
        proto::Content {
            sha256: self.sha256.clone(),
            size: i64::try_from(self.size).unwrap_or(i64::MAX),
            media_type: self.media_type.clone(),
            file_name: self.file_name.clone(),
        }
    }

    /// From its recorded form.
    pub fn from_proto(content: &proto::Content) -> Self {
        Self {
            sha256: content.sha256.clone(),
            size: u64::try_from(content.size).unwrap_or_default(),
            media_type: content.media_type.clone(),
            file_name: content.file_name.clone(),
        }
    }
}

/// One version of a document's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// 1, 2, ...
    pub number: i32,
    /// Its bytes.
    pub content: Content,
    /// When it was recorded.
    pub added_at: DateTime<Utc>,
    /// Why (empty for version 1).
    pub reason: String,
}

/// A document as its events made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub document_id: Uuid,
    pub case_id: Uuid,
    pub doc_type: DocumentType,
    /// Sorted, without duplicates.
    pub tags: Vec<String>,
    pub channel: Channel,
    /// The legal moment of receipt.
    pub received_at: DateTime<Utc>,
    /// When it was filed (recorded).
    pub filed_at: DateTime<Utc>,
    /// Oldest first; the last is current. Never empty.
    pub versions: Vec<Version>,
    pub legal_hold: bool,
    /// True once its content was released at the end of retention.
    pub deleted: bool,
    /// The content versions the sick-note reader has read (each once).
    pub read_versions: Vec<i32>,
    /// The stream version of the last event.
    pub version: i32,
}

impl Document {
    /// The current version.
    pub fn current(&self) -> &Version {
        // A document is born with version 1 and versions are only ever added.
        &self.versions[self.versions.len() - 1]
    }

    /// The distinct hashes of every version, sorted.
    pub fn hashes(&self) -> Vec<String> {
        let mut hashes: Vec<String> = self
            .versions
            .iter()
            .map(|v| v.content.sha256.clone())
            .collect();
        hashes.sort();
        hashes.dedup();
        hashes
    }

    /// Folds recorded events `(stream version, recorded at, event)` in order; `None` when the
    /// stream does not begin with a readable filing.
    pub fn fold<'a>(
        events: impl IntoIterator<Item = (i32, DateTime<Utc>, &'a Event)>,
    ) -> Option<Document> {
        let mut state: Option<Document> = None;
        for (version, at, event) in events {
            state = evolve(state, version, at, event);
        }
        state
    }
}

/// The state after `event`, recorded at stream version `version` at `at`.
pub fn evolve(
    state: Option<Document>,
    version: i32,
    at: DateTime<Utc>,
    event: &Event,
) -> Option<Document> {
    let Some(mut doc) = state else {
        let Event::DocumentFiled(filed) = event else {
            return None;
        };
        return filed_document(filed, version, at);
    };
    doc.version = version;
    match event {
        Event::DocumentFiled(_) => {}
        Event::SickNoteRead(read) => doc.read_versions.push(read.version),
        Event::DocumentVersionAdded(added) => {
            if let Some(content) = &added.content {
                doc.versions.push(Version {
                    number: added.number,
                    content: Content::from_proto(content),
                    added_at: at,
                    reason: added.reason.clone(),
                });
            }
        }
        Event::DocumentMetadataChanged(changed) => {
            if let Ok(case_id) = Uuid::parse_str(&changed.case_id) {
                doc.case_id = case_id;
            }
            if let Some(ty) = DocumentType::from_proto(changed.r#type) {
                doc.doc_type = ty;
            }
            doc.tags = changed.tags.clone();
        }
        Event::LegalHoldPlaced(_) => doc.legal_hold = true,
        Event::LegalHoldLifted(_) => doc.legal_hold = false,
        Event::DocumentDeleted(_) => doc.deleted = true,
    }
    Some(doc)
}

fn filed_document(
    filed: &proto::DocumentFiled,
    version: i32,
    at: DateTime<Utc>,
) -> Option<Document> {
    let content = filed.content.as_ref()?;
    Some(Document {
        document_id: Uuid::parse_str(&filed.document_id).ok()?,
        case_id: Uuid::parse_str(&filed.case_id).ok()?,
        doc_type: DocumentType::from_proto(filed.r#type)?,
        tags: filed.tags.clone(),
        channel: Channel::from_proto(filed.channel)?,
        received_at: filed.received_at.as_ref().and_then(dates::to_utc)?,
        filed_at: at,
        versions: vec![Version {
            number: 1,
            content: Content::from_proto(content),
            added_at: at,
            reason: String::new(),
        }],
        legal_hold: false,
        deleted: false,
        read_versions: Vec::new(),
        version,
    })
}

/// Filing a new document (version 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    pub document_id: Uuid,
    pub case_id: Uuid,
    pub doc_type: DocumentType,
    /// Checked against the vocabulary, sorted, without duplicates.
    pub tags: Vec<String>,
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    pub content: Content,
    /// Pseudonymous subject of the caller, or "efile".
    pub filed_by: String,
    /// The record this document stands for when the platform made it; empty otherwise.
    pub source_id: String,
}

/// What a caller asks of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// File it (the stream must not exist).
    File(Filing),
    /// Add a version with new content.
    AddVersion {
        content: Content,
        reason: String,
        added_by: String,
    },
    /// Replace its metadata as a whole.
    ChangeMetadata {
        case_id: Uuid,
        doc_type: DocumentType,
        /// Checked against the vocabulary, sorted, without duplicates.
        tags: Vec<String>,
        reason: String,
        changed_by: String,
    },
    /// Keep it past its deletion day.
    PlaceLegalHold { reason: String, placed_by: String },
    /// Lift the hold.
    LiftLegalHold { reason: String, lifted_by: String },
    /// Record what the sick-note reader read from one content version (once per version).
    RecordReading(proto::SickNoteRead),
    /// Release its content at the end of retention.
    Delete {
        due_on: NaiveDate,
        /// The rule in words.
        rule: String,
    },
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// There is no such document.
    #[error("no such document")]
    NotFiled,
    /// The document is filed already (its stream exists).
    #[error("the document is filed already")]
    AlreadyFiled,
    /// Its content was deleted at the end of retention.
    #[error(
        "the document's content was deleted at the end of its retention; it takes no more changes"
    )]
    Deleted,
    /// A legal hold is in place already.
    #[error("the document is under a legal hold already")]
    HoldAlreadyPlaced,
    /// There is no legal hold to lift.
    #[error("the document is not under a legal hold")]
    NoLegalHold,
    /// A legal hold keeps the document past its deletion day.
    #[error("a legal hold keeps the document")]
    UnderLegalHold,
}

/// The events `command` records on `state`; empty when nothing would change.
pub fn decide(state: Option<&Document>, command: Command) -> Result<Vec<Event>, Refusal> {
    if let Command::File(filing) = command {
        return match state {
            None => Ok(vec![file(filing)]),
            Some(_) => Err(Refusal::AlreadyFiled),
        };
    }
    let doc = state.ok_or(Refusal::NotFiled)?;
    if doc.deleted {
        return Err(Refusal::Deleted);
    }
    let id = doc.document_id.to_string();
    Ok(match command {
        Command::File(_) => return Err(Refusal::AlreadyFiled),
        Command::AddVersion {
            content,
            reason,
            added_by,
        } => {
            if content.sha256 == doc.current().content.sha256 {
                return Ok(Vec::new());
            }
            let number = doc.current().number.saturating_add(1);
            vec![Event::DocumentVersionAdded(proto::DocumentVersionAdded {
                document_id: id,
                number,
                content: Some(content.to_proto()),
                added_by,
                reason,
            })]
        }
        Command::ChangeMetadata {
            case_id,
            doc_type,
            tags,
            reason,
            changed_by,
        } => {
            if case_id == doc.case_id && doc_type == doc.doc_type && tags == doc.tags {
                return Ok(Vec::new());
            }
            vec![Event::DocumentMetadataChanged(
                proto::DocumentMetadataChanged {
                    document_id: id,
                    case_id: case_id.to_string(),
                    r#type: doc_type.to_proto() as i32,
                    tags,
                    changed_by,
                    reason,
                },
            )]
        }
        Command::PlaceLegalHold { reason, placed_by } => {
            if doc.legal_hold {
                return Err(Refusal::HoldAlreadyPlaced);
            }
            vec![Event::LegalHoldPlaced(proto::LegalHoldPlaced {
                document_id: id,
                reason,
                placed_by,
            })]
        }
        Command::LiftLegalHold { reason, lifted_by } => {
            if !doc.legal_hold {
                return Err(Refusal::NoLegalHold);
            }
            vec![Event::LegalHoldLifted(proto::LegalHoldLifted {
                document_id: id,
                reason,
                lifted_by,
            })]
        }
        Command::RecordReading(reading) => {
            // Once per version, and only of a version the document has: a redelivered filing
            // or a second reader run records nothing.
            let known = doc.versions.iter().any(|v| v.number == reading.version);
            if !known || doc.read_versions.contains(&reading.version) {
                return Ok(Vec::new());
            }
            vec![Event::SickNoteRead(proto::SickNoteRead {
                document_id: id,
                case_id: doc.case_id.to_string(),
                received_at: Some(dates::to_timestamp(doc.received_at)),
                ..reading
            })]
        }
        Command::Delete { due_on, rule } => {
            if doc.legal_hold {
                return Err(Refusal::UnderLegalHold);
            }
            vec![Event::DocumentDeleted(proto::DocumentDeleted {
                document_id: id,
                due_on: Some(dates::to_proto(due_on)),
                rule,
                sha256: doc.hashes(),
            })]
        }
    })
}

fn file(filing: Filing) -> Event {
    Event::DocumentFiled(proto::DocumentFiled {
        document_id: filing.document_id.to_string(),
        case_id: filing.case_id.to_string(),
        r#type: filing.doc_type.to_proto() as i32,
        tags: filing.tags,
        channel: filing.channel.to_proto() as i32,
        received_at: Some(dates::to_timestamp(filing.received_at)),
        content: Some(filing.content.to_proto()),
        filed_by: filing.filed_by,
        source_id: filing.source_id,
    })
}

#[cfg(test)]
mod tests;
