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

use super::generated::{GeneratedDocument, GeneratedFiler};
use super::{failed, no_digest, no_reset};
use crate::blobs::BlobStore;
use crate::commands::DocumentCommands;
use crate::domain::rules::{TenantFilingRules, tags_in_vocabulary};
use crate::domain::sick_note_record::FormSickNote;
use crate::domain::types::DocumentType;
use crate::error::EfileError;

/// Name of the reactor (its checkpoint key).
pub const NAME: &str = "form_sick_notes";
/// The case log's event it reacts to.
const INCAPACITY_RECORDED: &str = "case.IncapacityRecorded";

/// The reactor.
#[derive(Clone)]
pub struct FormSickNotesReactor {
    filer: GeneratedFiler,
    rules: Arc<TenantFilingRules>,
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
            filer: GeneratedFiler {
                commands,
                blobs,
                max_document_bytes,
            },
            rules,
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
        let vocabulary = self.rules.of(tenant).vocabulary();
        let document = GeneratedDocument {
            document_id: note.document_id(tenant),
            command_id: note.command_id(tenant),
            case_id,
            doc_type: DocumentType::SickNote,
            tags: tags_in_vocabulary(&note.certificate.tags(), &vocabulary),
            received_at: note.received_at,
            file_name: note.file_name(),
            source_id: note.application_id.to_string(),
        };
        self.filer
            .file(event, document, || text_pdf::render(&note.lines()))
            .await
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
