//! Files the decision letter (Bescheid) of every decision the case service issued
//! (`case.DecisionIssued`) in the case's E-Akte: type decision letter, channel "generated",
//! tagged `bescheid` where the tenant's vocabulary has it, received when the case log recorded
//! the decision, `source_id` the decision event's id. The notification service announces it to
//! the applicant from the resulting `efile.DocumentFiled`.
//!
//! The content is made from the event alone ([`crate::domain::decision_letter`]), so it is the
//! same bytes however often the event comes; the document id derives from the tenant and the
//! decision event, so it is filed once per decision, also when the reactor replays the log.
//!
//! Like the record of a form sick note, the letter is filed on the case whose stream the event
//! is in, without asking the case directory: the event itself proves the case exists, and the
//! directory (another projection of the same log) may not have seen it yet.

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
use crate::domain::decision_letter::DecisionLetter;
use crate::domain::rules::{TenantFilingRules, tags_in_vocabulary};
use crate::domain::types::DocumentType;
use crate::error::EfileError;

/// Name of the reactor (its checkpoint key).
pub const NAME: &str = "decision_letters";
/// The case log's event it reacts to.
const DECISION_ISSUED: &str = "case.DecisionIssued";

/// The reactor.
#[derive(Clone)]
pub struct DecisionLettersReactor {
    filer: GeneratedFiler,
    rules: Arc<TenantFilingRules>,
}

impl DecisionLettersReactor {
    /// Files through `commands`, storing the letters in `blobs`, tagged from `rules`.
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
        if event.event_type != DECISION_ISSUED {
            return Ok(());
        }
        let Some(case_id) = event
            .stream_id
            .strip_prefix("case-")
            .and_then(|id| Uuid::parse_str(id).ok())
        else {
            return Ok(());
        };
        let issued = case::DecisionIssued::decode(event.payload.as_slice())?;
        let Some(letter) =
            DecisionLetter::from_event(case_id, event.event_id, event.recorded_at, &issued)
        else {
            // An outcome this version does not know, or a decision without its days: no letter
            // rather than a wrong one; the caseworker's client still shows the decision.
            tracing::warn!(
                event_id = %event.event_id,
                outcome = issued.outcome,
                "decision letter not filed: outcome or days not understood"
            );
            return Ok(());
        };
        let tenant = &event.tenant_id;
        let vocabulary = self.rules.of(tenant).vocabulary();
        let document = GeneratedDocument {
            document_id: letter.document_id(tenant),
            command_id: letter.command_id(tenant),
            case_id,
            doc_type: DocumentType::DecisionLetter,
            tags: tags_in_vocabulary(&DecisionLetter::tags(), &vocabulary),
            received_at: letter.decided_at,
            file_name: letter.file_name(),
            source_id: event.event_id.to_string(),
        };
        self.filer
            .file(event, document, || {
                text_pdf::render_letter(None, &letter.lines())
            })
            .await
    }
}

impl Projection for DecisionLettersReactor {
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
