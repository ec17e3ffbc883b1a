//! `efile.documents` and `efile.document_versions`: every document with its metadata, tags,
//! hold, deletion and versions, for GetDocument, ListDocuments, GetCaseFile, the deletion run
//! and the sweep.
//!
//! Fed from the E-Akte's log (source `efile`) by a `ProjectionRunner` as the worker role;
//! queried in tenant-scoped transactions of the api role behind row-level security
//! ([`super::document_queries`]). A document row changes only for an event of a newer stream
//! version, and version rows are inserted once, so applying an event twice has no second
//! effect.

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::efile::v1 as proto;
use projection::{Projection, ProjectionError};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::ids::document_id_of_stream;
use crate::domain::types::{Channel, DocumentType};
use crate::domain::{Event, dates};

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "documents";

/// The projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Documents;

fn invalid(what: &'static str) -> ProjectionError {
    ProjectionError::Apply(what.into())
}

impl Projection for Documents {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let Some(document_id) = document_id_of_stream(&event.stream_id) else {
                return Ok(());
            };
            let decoded = Event::decode(&event.event_type, &event.payload)
                .map_err(|e| ProjectionError::Apply(Box::new(e)))?;
            match decoded {
                Some(Event::DocumentFiled(filed)) => {
                    insert_filed(tx, event, document_id, &filed).await
                }
                Some(Event::DocumentVersionAdded(added)) => {
                    let content = added.content.as_ref().ok_or(invalid("version content"))?;
                    insert_version(tx, event, document_id, added.number, content, &added.reason)
                        .await?;
                    touch(tx, event, document_id, Change::Version).await
                }
                Some(Event::DocumentMetadataChanged(changed)) => {
                    let case_id =
                        Uuid::parse_str(&changed.case_id).map_err(|_| invalid("case id"))?;
                    let ty =
                        DocumentType::from_proto(changed.r#type).ok_or(invalid("document type"))?;
                    let change = Change::Metadata {
                        case_id,
                        ty,
                        tags: changed.tags,
                    };
                    touch(tx, event, document_id, change).await
                }
                Some(Event::LegalHoldPlaced(_)) => {
                    touch(tx, event, document_id, Change::Hold(true)).await
                }
                Some(Event::LegalHoldLifted(_)) => {
                    touch(tx, event, document_id, Change::Hold(false)).await
                }
                Some(Event::DocumentDeleted(_)) => {
                    touch(tx, event, document_id, Change::Deleted).await
                }
                Some(Event::SickNoteRead(_)) | None => {
                    touch(tx, event, document_id, Change::Version).await
                }
            }
        })
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(projection::clear_tables(
            tx,
            &["efile.document_versions", "efile.documents"],
        ))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(projection::digest_rows(
            conn,
            "SELECT d.tenant_id, d.document_id, d.case_id, d.type, d.tags, d.channel, \
             d.received_at, d.received_on, d.filed_at, d.legal_hold, d.deleted, d.version, \
             (SELECT array_agg(v.number || ':' || v.sha256 ORDER BY v.number) \
                FROM efile.document_versions v \
               WHERE v.tenant_id = d.tenant_id AND v.document_id = d.document_id) \
             FROM efile.documents d ORDER BY d.tenant_id, d.document_id",
        ))
    }
}

async fn insert_filed(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    document_id: Uuid,
    filed: &proto::DocumentFiled,
) -> Result<(), ProjectionError> {
    let case_id = Uuid::parse_str(&filed.case_id).map_err(|_| invalid("case id"))?;
    let ty = DocumentType::from_proto(filed.r#type).ok_or(invalid("document type"))?;
    let channel = Channel::from_proto(filed.channel).ok_or(invalid("channel"))?;
    let received_at = filed
        .received_at
        .as_ref()
        .and_then(dates::to_utc)
        .ok_or(invalid("receipt time"))?;
    let content = filed.content.as_ref().ok_or(invalid("content"))?;
    sqlx::query(
        "INSERT INTO efile.documents (tenant_id, document_id, case_id, type, tags, channel, \
         received_at, received_on, filed_at, legal_hold, deleted, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, false, false, $10) \
         ON CONFLICT (tenant_id, document_id) DO NOTHING",
    )
    .bind(&event.tenant_id)
    .bind(document_id)
    .bind(case_id)
    .bind(ty.as_str())
    .bind(&filed.tags)
    .bind(channel.as_str())
    .bind(received_at)
    .bind(dates::legal_day(received_at))
    .bind(event.recorded_at)
    .bind(event.version)
    .execute(&mut *tx)
    .await?;
    insert_version(tx, event, document_id, 1, content, "").await
}

async fn insert_version(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    document_id: Uuid,
    number: i32,
    content: &proto::Content,
    reason: &str,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "INSERT INTO efile.document_versions (tenant_id, document_id, number, sha256, size, \
         media_type, file_name, added_at, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (tenant_id, document_id, number) DO NOTHING",
    )
    .bind(&event.tenant_id)
    .bind(document_id)
    .bind(number)
    .bind(&content.sha256)
    .bind(content.size)
    .bind(&content.media_type)
    .bind(&content.file_name)
    .bind(event.recorded_at)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What an event changes in a document's row (besides its version).
enum Change {
    Version,
    Metadata {
        case_id: Uuid,
        ty: DocumentType,
        tags: Vec<String>,
    },
    Hold(bool),
    Deleted,
}

/// Applies `change` to the document's row, only if the row is older than the event.
async fn touch(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    document_id: Uuid,
    change: Change,
) -> Result<(), ProjectionError> {
    macro_rules! guarded {
        ($set:literal) => {
            concat!(
                "UPDATE efile.documents SET version = $3",
                $set,
                " WHERE tenant_id = $1 AND document_id = $2 AND version < $3"
            )
        };
    }
    let query = |sql: &'static str| {
        sqlx::query(sql)
            .bind(&event.tenant_id)
            .bind(document_id)
            .bind(event.version)
    };
    let statement = match change {
        Change::Version => query(guarded!("")),
        Change::Metadata { case_id, ty, tags } => {
            query(guarded!(", case_id = $4, type = $5, tags = $6"))
                .bind(case_id)
                .bind(ty.as_str())
                .bind(tags)
        }
        Change::Hold(held) => query(guarded!(", legal_hold = $4")).bind(held),
        Change::Deleted => query(guarded!(", deleted = true, legal_hold = false")),
    };
    statement.execute(&mut *tx).await?;
    Ok(())
}
