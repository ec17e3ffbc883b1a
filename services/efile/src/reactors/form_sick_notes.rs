//! Files a printable record of every sick note the case service recorded from a form
//! (`case.IncapacityRecorded`, source form) in the case's E-Akte: type sick note, channel
//! "generated", tagged from the tenant's vocabulary, received when the form was. The content is
//! made from the event alone ([`crate::domain::sick_note_record`]), so it is the same bytes
//! however often the event comes; the document id derives from the tenant and application, so
//! it is filed once. Blob first, event second, as for every upload.

use std::sync::Arc;

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::case::v1 as case;
use projection::{Projection, ProjectionError};
use prost::Message;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{failed, no_digest, no_reset};
use crate::blobs::BlobStore;
use crate::commands::{DocumentCommands, Issuer};
use crate::domain::document::{Command, Content, Filing, Refusal};
use crate::domain::rules::TenantFilingRules;
use crate::domain::sick_note_record::{FormSickNote, tags_in_vocabulary};
use crate::domain::text_pdf;
use crate::domain::types::{Channel, DocumentType};
use crate::error::EfileError;

/// Name of the reactor (its checkpoint key).
pub const NAME: &str = "form_sick_notes";
/// Who files the records.
const ACTOR: &str = "efile";
/// The case log's event it reacts to.
const INCAPACITY_RECORDED: &str = "case.IncapacityRecorded";

/// The reactor.
#[derive(Clone)]
pub struct FormSickNotesReactor {
    commands: DocumentCommands,
    blobs: BlobStore,
    rules: Arc<TenantFilingRules>,
    max_document_bytes: u64,
}

impl FormSickNotesReactor {
    /// Files through `commands`, storing the records in `blobs`, tagged from `rules`.
    pub fn new(
        commands: DocumentCommands,
        blobs: BlobStore,
        rules: Arc<TenantFilingRules>,
        max_document_bytes: u64,
    ) -> Self {
        Self {
            commands,
            blobs,
            rules,
            max_document_bytes,
        }
    }

    async fn react(&self, event: &RecordedEvent) -> Result<(), EfileError> {
        if event.event_type != INCAPACITY_RECORDED {
            return Ok(());
        }
        let Some(case_id) = event
            .stream_id
            .strip_prefix("case-")
            .and_then(|id| Uuid::parse_str(id).ok())
        else {
            return Ok(());
        };
        let recorded = case::IncapacityRecorded::decode(event.payload.as_slice())?;
        let Some(note) = FormSickNote::from_event(case_id, &recorded) else {
            return Ok(());
        };
        let tenant = &event.tenant_id;
        let document_id = note.document_id(tenant);
        if self
            .commands
            .load(tenant, document_id)
            .await?
            .document
            .is_some()
        {
            return Ok(());
        }
        let pdf = text_pdf::render(&note.lines());
        let mut upload = self
            .blobs
            .begin_upload(tenant, self.max_document_bytes)
            .await?;
        if let Err(error) = upload.write(&pdf).await {
            upload.abort().await;
            return Err(error.into());
        }
        let stored = upload.finish().await?;
        let vocabulary = self.rules.of(tenant).vocabulary();
        let filing = Filing {
            document_id,
            case_id,
            doc_type: DocumentType::SickNote,
            tags: tags_in_vocabulary(&note.certificate.tags(), &vocabulary),
            channel: Channel::Generated,
            received_at: note.received_at,
            content: Content {
                sha256: stored.sha256,
                size: stored.size,
                media_type: "application/pdf".to_owned(),
                file_name: note.file_name(),
            },
            filed_by: ACTOR.to_owned(),
            source_id: note.application_id.to_string(),
        };
        let issuer = Issuer {
            tenant_id: tenant.clone(),
            actor: ACTOR.to_owned(),
            command_id: note.command_id(tenant),
            correlation_id: event.metadata.correlation_id,
            causation_id: Some(event.event_id),
            traceparent: event.metadata.traceparent.clone(),
        };
        match self
            .commands
            .execute(&issuer, document_id, None, Command::File(filing))
            .await
        {
            Ok(_) | Err(EfileError::Refused(Refusal::AlreadyFiled)) => Ok(()),
            Err(error) => Err(error),
        }
    }
}

impl Projection for FormSickNotesReactor {
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
