//! The case log (`EV_CASE`) → `notification.case_contacts`: per case, the applicant's account
//! (`case.CaseOpened`; empty for a case opened from paper), its application (for the postal
//! address of a letter), the responsible caseworker (the last `case.CaseAssigned`; empty: a
//! team's queue), whether it is closed (`case.CaseClosed`) and the day requested documents
//! are due (`case.DocumentsRequested`, `case.RefusalWarned`). A row changes only for an event
//! of a newer case-stream version, so applying an event twice has no second effect.

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::case::v1 as case;
use projection::ProjectionError;
use prost::Message;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Directory, Source, apply_error, optional_uuid, stream_uuid};
use crate::domain::day::from_proto as date;

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "case_log";
/// The log it follows.
pub const SOURCE_LOG: &str = "case";

const CASE_OPENED: &str = "case.CaseOpened";
const CASE_ASSIGNED: &str = "case.CaseAssigned";
const CASE_CLOSED: &str = "case.CaseClosed";
const DOCUMENTS_REQUESTED: &str = "case.DocumentsRequested";
const REFUSAL_WARNED: &str = "case.RefusalWarned";

/// The case contacts.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseContacts;

/// The projection of the case log.
pub type CaseSource = Source<CaseContacts>;

impl Directory for CaseContacts {
    const NAME: &'static str = NAME;
    const SOURCE_LOG: &'static str = SOURCE_LOG;
    const TABLES: &'static [&'static str] = &["notification.case_contacts"];
    const DIGEST: &'static str = "SELECT tenant_id, case_id, application_id, applicant_account, \
         caseworker, closed, documents_due, version FROM notification.case_contacts ORDER BY tenant_id, case_id";

    fn apply<'a>(
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(apply_directory(tx, event))
    }
}

/// Keeps `notification.case_contacts` for one event of the case log.
pub async fn apply_directory(
    tx: &mut PgConnection,
    event: &RecordedEvent,
) -> Result<(), ProjectionError> {
    // The case log also holds the tenants' assignment rules and staff streams.
    let Some(case_id) = stream_uuid(&event.stream_id, "case-") else {
        return Ok(());
    };
    match event.event_type.as_str() {
        CASE_OPENED => {
            let opened = case::CaseOpened::decode(event.payload.as_slice()).map_err(apply_error)?;
            sqlx::query(
                "INSERT INTO notification.case_contacts \
                 (tenant_id, case_id, application_id, applicant_account, caseworker, closed, \
                  version) \
                 VALUES ($1, $2, $3, $4, NULL, false, $5) \
                 ON CONFLICT (tenant_id, case_id) DO NOTHING",
            )
            .bind(&event.tenant_id)
            .bind(case_id)
            .bind(optional_uuid(&opened.application_id))
            .bind(&opened.applicant_account)
            .bind(event.version)
            .execute(&mut *tx)
            .await?;
        }
        CASE_ASSIGNED => {
            let assigned =
                case::CaseAssigned::decode(event.payload.as_slice()).map_err(apply_error)?;
            // An empty caseworker: the case waits in its team's queue, nobody's yet.
            let caseworker = Some(assigned.caseworker).filter(|c| !c.is_empty());
            update(tx, event, case_id, "caseworker = $3", caseworker).await?;
        }
        CASE_CLOSED => {
            update(tx, event, case_id, "closed = $3", Some(true)).await?;
        }
        DOCUMENTS_REQUESTED => {
            let requested =
                case::DocumentsRequested::decode(event.payload.as_slice()).map_err(apply_error)?;
            let due = requested.due.as_ref().and_then(date);
            update(tx, event, case_id, "documents_due = $3", due).await?;
        }
        REFUSAL_WARNED => {
            let warned =
                case::RefusalWarned::decode(event.payload.as_slice()).map_err(apply_error)?;
            let due = warned.due.as_ref().and_then(date);
            update(tx, event, case_id, "documents_due = $3", due).await?;
        }
        _ => {}
    }
    Ok(())
}

/// Sets one column of the case's row if `event` is newer than what the row holds.
async fn update<T>(
    tx: &mut PgConnection,
    event: &RecordedEvent,
    case_id: Uuid,
    set: &str,
    value: Option<T>,
) -> Result<(), sqlx::Error>
where
    T: for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send,
{
    sqlx::query(&format!(
        "UPDATE notification.case_contacts SET {set}, version = $4 \
         WHERE tenant_id = $1 AND case_id = $2 AND version < $4"
    ))
    .bind(&event.tenant_id)
    .bind(case_id)
    .bind(value)
    .bind(event.version)
    .execute(tx)
    .await?;
    Ok(())
}

/// A case as this service knows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseContact {
    /// The case.
    pub case_id: Uuid,
    /// The application that opened it, if known.
    pub application_id: Option<Uuid>,
    /// The applicant's account subject, or empty (a case opened from paper).
    pub applicant_account: String,
    /// The responsible caseworker, if the case is not in a team's queue.
    pub caseworker: Option<String>,
    /// Whether the case is closed.
    pub closed: bool,
    /// The day the requested documents are due (the latest request or warning), if any.
    pub documents_due: Option<chrono::NaiveDate>,
}

const COLUMNS: &str =
    "case_id, application_id, applicant_account, caseworker, closed, documents_due";

/// The case `case_id` of `tenant`.
pub async fn get(
    conn: &mut PgConnection,
    tenant: &str,
    case_id: Uuid,
) -> Result<Option<CaseContact>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM notification.case_contacts \
         WHERE tenant_id = $1 AND case_id = $2"
    ))
    .bind(tenant)
    .bind(case_id)
    .fetch_optional(conn)
    .await
}

/// The open cases of the applicant `account` of `tenant`.
pub async fn open_cases_of(
    conn: &mut PgConnection,
    tenant: &str,
    account: &str,
) -> Result<Vec<CaseContact>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM notification.case_contacts \
         WHERE tenant_id = $1 AND applicant_account = $2 AND NOT closed \
         ORDER BY case_id"
    ))
    .bind(tenant)
    .bind(account)
    .fetch_all(conn)
    .await
}
