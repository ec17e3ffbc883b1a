//! Reads every scanned sick note filed in the E-Akte, once per content version, and records
//! what it read on the document (`efile.SickNoteRead`). The case service decides from that
//! reading whether the period is recorded by itself or a caseworker confirms it
//! (docs/casework/sick-notes.md); the E-Akte only reads and tags.
//!
//! A sick note is read when its type is sick note and it did not come from the platform itself
//! (a form's record is no scan). A scan that cannot be read (timeout, broken file, content
//! missing) is still recorded, as a reading with no confidence and the reason as doubt: the
//! caseworker then confirms it by hand; an unread sick note must never sit unnoticed.
//! OCR runs in the runner's batch transaction; the reader's timeout (30 s by default) stays
//! well below the connections' idle-in-transaction limit (60 s).

use std::sync::Arc;

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::efile::v1 as proto;
use projection::{Projection, ProjectionError};
use prost::Message;
use sick_note_reader::{Certificate, ReadError, Reader, Reading};
use sqlx::PgConnection;
use uuid::Uuid;

use super::{failed, no_digest, no_reset};
use crate::blobs::{BlobError, BlobStore};
use crate::commands::{DocumentCommands, Issuer};
use crate::domain::dates;
use crate::domain::document::{Command, Document, Refusal};
use crate::domain::ids::document_id_of_stream;
use crate::domain::rules::{TenantFilingRules, tags_in_vocabulary};
use crate::domain::sick_note_record::CertificateKind;
use crate::domain::types::{Channel, DocumentType};
use crate::error::EfileError;

/// Name of the reactor (its checkpoint key).
pub const NAME: &str = "sick_note_reader";
/// The actor of what the reader records.
const ACTOR: &str = "efile";
/// Namespaces of the reader's command ids (per triggering event).
const READINGS: Uuid = Uuid::from_u128(0x61d2_8f3a_c5b4_4e97_a0d8_3b1f_72c6_e905);
const TAGGINGS: Uuid = Uuid::from_u128(0xd47a_0c19_6e83_4b52_9f1d_c8e2_05b7_a364);

/// The reactor.
#[derive(Clone)]
pub struct SickNoteReaderReactor {
    commands: DocumentCommands,
    blobs: BlobStore,
    reader: Reader,
    rules: Arc<TenantFilingRules>,
}

impl SickNoteReaderReactor {
    /// Reads with `reader` the content kept in `blobs`; records through `commands`; tags with the
    /// tenant's vocabulary from `rules`.
    pub fn new(
        commands: DocumentCommands,
        blobs: BlobStore,
        reader: Reader,
        rules: Arc<TenantFilingRules>,
    ) -> Self {
        Self {
            commands,
            blobs,
            reader,
            rules,
        }
    }

    async fn react(&self, event: &RecordedEvent) -> Result<(), ReactError> {
        let version = match event.event_type.as_str() {
            "efile.DocumentFiled" => 1,
            "efile.DocumentVersionAdded" => {
                proto::DocumentVersionAdded::decode(event.payload.as_slice())
                    .map_err(EfileError::from)?
                    .number
            }
            _ => return Ok(()),
        };
        let Some(document_id) = document_id_of_stream(&event.stream_id) else {
            return Ok(());
        };
        let loaded = self.commands.load(&event.tenant_id, document_id).await?;
        let Some(document) = loaded.document else {
            return Ok(());
        };
        if !is_scanned_sick_note(&document) || document.read_versions.contains(&version) {
            return Ok(());
        }
        let Some(content) = document
            .versions
            .iter()
            .find(|v| v.number == version)
            .map(|v| v.content.clone())
        else {
            return Ok(());
        };
        let reading = match self.bytes(&event.tenant_id, &content.sha256).await {
            Ok(bytes) => match self.reader.read(&bytes, &content.media_type).await {
                Ok(reading) => reading,
                // Shutting down: the batch is retried after the restart.
                Err(ReadError::Closed) => return Err(ReactError::Closed),
                Err(error) => {
                    tracing::warn!(%document_id, version, %error, "a sick note could not be read");
                    unread(format!("the scan could not be read ({error})"))
                }
            },
            Err(BlobError::NotFound) => unread("the scan's content is missing".to_owned()),
            Err(error) => return Err(EfileError::Blob(error).into()),
        };
        let certificate = reading.certificate;
        let issuer = |namespace: &Uuid| Issuer {
            tenant_id: event.tenant_id.clone(),
            actor: ACTOR.to_owned(),
            command_id: Uuid::new_v5(namespace, event.event_id.as_bytes()),
            correlation_id: event.metadata.correlation_id,
            causation_id: Some(event.event_id),
            traceparent: event.metadata.traceparent.clone(),
        };
        let recorded = self
            .commands
            .execute(
                &issuer(&READINGS),
                document_id,
                None,
                Command::RecordReading(to_proto(&reading, version)),
            )
            .await;
        let document = match recorded {
            Ok(executed) => executed.document,
            // Released at the end of retention meanwhile: nothing left to read or tag.
            Err(EfileError::Refused(Refusal::Deleted)) => return Ok(()),
            Err(error) => return Err(error.into()),
        };
        Ok(self.tag(&issuer(&TAGGINGS), &document, certificate).await?)
    }

    /// Files the sick note with the tags of its kind, as far as the tenant's vocabulary has them.
    async fn tag(
        &self,
        issuer: &Issuer,
        document: &Document,
        certificate: Certificate,
    ) -> Result<(), EfileError> {
        let kind = match certificate {
            Certificate::First => CertificateKind::First,
            Certificate::FollowUp => CertificateKind::FollowUp,
            Certificate::Unknown => CertificateKind::Unknown,
        };
        let vocabulary = self.rules.of(&issuer.tenant_id).vocabulary();
        let mut tags = document.tags.clone();
        tags.extend(tags_in_vocabulary(&kind.tags(), &vocabulary));
        tags.sort();
        tags.dedup();
        if tags == document.tags {
            return Ok(());
        }
        let changed = self
            .commands
            .execute(
                issuer,
                document.document_id,
                None,
                Command::ChangeMetadata {
                    case_id: document.case_id,
                    doc_type: document.doc_type,
                    tags,
                    reason: "tagged after reading the sick note".to_owned(),
                    changed_by: ACTOR.to_owned(),
                },
            )
            .await;
        match changed {
            Ok(_) | Err(EfileError::Refused(Refusal::Deleted)) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// The whole content of a blob (documents are bounded by the upload limit).
    async fn bytes(&self, tenant: &str, sha256: &str) -> Result<Vec<u8>, BlobError> {
        let mut reader = self.blobs.open(tenant, sha256).await?;
        let mut bytes = Vec::with_capacity(usize::try_from(reader.size()).unwrap_or(0));
        while let Some(chunk) = reader.next_chunk().await? {
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

/// Why a reaction failed (the runner retries the batch).
#[derive(Debug, thiserror::Error)]
enum ReactError {
    #[error(transparent)]
    Efile(#[from] EfileError),
    /// The reader is closed for shutdown.
    #[error("the sick-note reader is shutting down")]
    Closed,
}

/// A sick note that came in as a scan or photo (not a record the platform made).
fn is_scanned_sick_note(document: &Document) -> bool {
    document.doc_type == DocumentType::SickNote
        && document.channel != Channel::Generated
        && !document.deleted
}

/// The reading of a scan that could not be read at all.
fn unread(doubt: String) -> Reading {
    Reading {
        family_name: None,
        given_name: None,
        birth_date: None,
        incapacity_from: None,
        incapacity_until: None,
        issued_on: None,
        certificate: Certificate::Unknown,
        confidence: 0,
        doubts: vec![doubt],
    }
}

/// The recorded form of a reading of content version `version`; the document, its case and
/// receipt are filled in by the document's decision.
fn to_proto(reading: &Reading, version: i32) -> proto::SickNoteRead {
    proto::SickNoteRead {
        version,
        family_name: reading.family_name.clone().unwrap_or_default(),
        given_name: reading.given_name.clone().unwrap_or_default(),
        birth_date: reading.birth_date.map(dates::to_proto),
        incapacity_from: reading.incapacity_from.map(dates::to_proto),
        incapacity_until: reading.incapacity_until.map(dates::to_proto),
        issued_on: reading.issued_on.map(dates::to_proto),
        certificate: match reading.certificate {
            Certificate::First => proto::CertificateKind::First,
            Certificate::FollowUp => proto::CertificateKind::FollowUp,
            Certificate::Unknown => proto::CertificateKind::Unspecified,
        } as i32,
        confidence: u32::from(reading.confidence),
        doubts: reading.doubts.clone(),
        ..Default::default()
    }
}

impl Projection for SickNoteReaderReactor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        _tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move { self.react(event).await.map_err(failed) })
    }

    fn reset<'a>(
        &'a self,
        _tx: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        no_reset()
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        no_digest(conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_scan_becomes_a_reading_without_confidence_that_says_why() {
        let reading = unread("the scan could not be read (timeout)".into());
        let recorded = to_proto(&reading, 2);
        assert_eq!(recorded.version, 2);
        assert_eq!(recorded.confidence, 0);
        assert_eq!(recorded.doubts, ["the scan could not be read (timeout)"]);
        assert!(recorded.incapacity_from.is_none());
    }
}
