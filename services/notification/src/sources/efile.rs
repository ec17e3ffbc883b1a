//! The E-Akte's log (`EV_EFILE`) → `notification.documents`: which case each document is filed
//! on and its type (`efile.DocumentFiled`, then `efile.DocumentMetadataChanged` when it moves
//! to another case or changes type), so that an applicant attaches only documents of the case
//! they write about. A row changes only for an event of a newer document-stream version.

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::efile::v1 as efile;
use projection::ProjectionError;
use prost::Message;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Directory, Source, apply_error, optional_uuid, stream_uuid};

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "efile_log";
/// The log it follows.
pub const SOURCE_LOG: &str = "efile";

const DOCUMENT_FILED: &str = "efile.DocumentFiled";
const DOCUMENT_METADATA_CHANGED: &str = "efile.DocumentMetadataChanged";

/// The documents.
#[derive(Debug, Clone, Copy, Default)]
pub struct Documents;

/// The projection of the E-Akte's log.
pub type EfileSource = Source<Documents>;

impl Directory for Documents {
    const NAME: &'static str = NAME;
    const SOURCE_LOG: &'static str = SOURCE_LOG;
    const TABLES: &'static [&'static str] = &["notification.documents"];
    const DIGEST: &'static str = "SELECT tenant_id, document_id, case_id, type, version \
         FROM notification.documents ORDER BY tenant_id, document_id";

    fn apply<'a>(
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(apply_directory(tx, event))
    }
}

/// The stored name of a document type ("decision_letter", "sick_note", ...).
pub fn type_name(value: i32) -> String {
    efile::DocumentType::try_from(value)
        .unwrap_or(efile::DocumentType::Unspecified)
        .as_str_name()
        .trim_start_matches("DOCUMENT_TYPE_")
        .to_ascii_lowercase()
}

/// Keeps `notification.documents` for one event of the E-Akte's log.
pub async fn apply_directory(
    tx: &mut PgConnection,
    event: &RecordedEvent,
) -> Result<(), ProjectionError> {
    let Some(document_id) = stream_uuid(&event.stream_id, "document-") else {
        return Ok(());
    };
    let (case_id, kind) = match event.event_type.as_str() {
        DOCUMENT_FILED => {
            let filed =
                efile::DocumentFiled::decode(event.payload.as_slice()).map_err(apply_error)?;
            (filed.case_id, filed.r#type)
        }
        DOCUMENT_METADATA_CHANGED => {
            let changed = efile::DocumentMetadataChanged::decode(event.payload.as_slice())
                .map_err(apply_error)?;
            (changed.case_id, changed.r#type)
        }
        _ => return Ok(()),
    };
    let Some(case_id) = optional_uuid(&case_id) else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO notification.documents (tenant_id, document_id, case_id, type, version) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (tenant_id, document_id) DO UPDATE SET \
          case_id = EXCLUDED.case_id, type = EXCLUDED.type, version = EXCLUDED.version \
         WHERE notification.documents.version < EXCLUDED.version",
    )
    .bind(&event.tenant_id)
    .bind(document_id)
    .bind(case_id)
    .bind(type_name(kind))
    .bind(event.version)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Of `documents`, those of `tenant` not filed on `case_id` (unknown ones included), in the
/// order given.
pub async fn not_on_case(
    conn: &mut PgConnection,
    tenant: &str,
    case_id: Uuid,
    documents: &[Uuid],
) -> Result<Vec<Uuid>, sqlx::Error> {
    if documents.is_empty() {
        return Ok(Vec::new());
    }
    let on_case: Vec<Uuid> = sqlx::query_scalar(
        "SELECT document_id FROM notification.documents \
         WHERE tenant_id = $1 AND case_id = $2 AND document_id = ANY($3)",
    )
    .bind(tenant)
    .bind(case_id)
    .bind(documents)
    .fetch_all(conn)
    .await?;
    Ok(documents
        .iter()
        .filter(|id| !on_case.contains(id))
        .copied()
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_types_are_stored_by_their_short_names() {
        assert_eq!(
            type_name(efile::DocumentType::DecisionLetter as i32),
            "decision_letter"
        );
        assert_eq!(type_name(999), "unspecified");
    }
}
