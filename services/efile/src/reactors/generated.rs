//! Filing a PDF the platform made itself (channel "generated") on behalf of an event of another
//! log: the one write path of the reactors that turn facts into documents
//! ([`super::form_sick_notes`], [`super::decision_letters`]).
//!
//! Once per document id: an existing document is left alone before anything is rendered or
//! stored, and a concurrent filing of the same id is `AlreadyFiled`, which counts as done. Blob
//! first, event second, as for every upload (a blob without its event is swept later).

use chrono::{DateTime, Utc};
use eventlog::RecordedEvent;
use uuid::Uuid;

use crate::blobs::BlobStore;
use crate::commands::{DocumentCommands, Issuer};
use crate::domain::document::{Command, Content, Filing, Refusal};
use crate::domain::types::{Channel, DocumentType};
use crate::error::EfileError;

/// Who files generated documents.
pub(super) const ACTOR: &str = "efile";

/// What is filed, apart from the bytes.
pub(super) struct GeneratedDocument {
    pub document_id: Uuid,
    /// The client id of the filing command.
    pub command_id: Uuid,
    pub case_id: Uuid,
    pub doc_type: DocumentType,
    /// Already reduced to the tenant's vocabulary.
    pub tags: Vec<String>,
    pub received_at: DateTime<Utc>,
    pub file_name: String,
    /// The record the document stands for.
    pub source_id: String,
}

/// The store and limits the filing needs.
#[derive(Clone)]
pub(super) struct GeneratedFiler {
    pub commands: DocumentCommands,
    pub blobs: BlobStore,
    pub max_document_bytes: u64,
}

impl GeneratedFiler {
    /// Files `document` with the PDF `render` makes, caused by `cause`; nothing if a document
    /// of that id exists already.
    pub async fn file(
        &self,
        cause: &RecordedEvent,
        document: GeneratedDocument,
        render: impl FnOnce() -> Vec<u8>,
    ) -> Result<(), EfileError> {
        let tenant = &cause.tenant_id;
        if self
            .commands
            .load(tenant, document.document_id)
            .await?
            .document
            .is_some()
        {
            return Ok(());
        }
        let pdf = render();
        let mut upload = self
            .blobs
            .begin_upload(tenant, self.max_document_bytes)
            .await?;
        if let Err(error) = upload.write(&pdf).await {
            upload.abort().await;
            return Err(error.into());
        }
        let stored = upload.finish().await?;
        let filing = Filing {
            document_id: document.document_id,
            case_id: document.case_id,
            doc_type: document.doc_type,
            tags: document.tags,
            channel: Channel::Generated,
            received_at: document.received_at,
            content: Content {
                sha256: stored.sha256,
                size: stored.size,
                media_type: "application/pdf".to_owned(),
                file_name: document.file_name,
            },
            filed_by: ACTOR.to_owned(),
            source_id: document.source_id,
        };
        let issuer = Issuer {
            tenant_id: tenant.clone(),
            actor: ACTOR.to_owned(),
            command_id: document.command_id,
            correlation_id: cause.metadata.correlation_id,
            causation_id: Some(cause.event_id),
            traceparent: cause.metadata.traceparent.clone(),
        };
        match self
            .commands
            .execute(&issuer, document.document_id, None, Command::File(filing))
            .await
        {
            Ok(_) | Err(EfileError::Refused(Refusal::AlreadyFiled)) => Ok(()),
            Err(error) => Err(error),
        }
    }
}
