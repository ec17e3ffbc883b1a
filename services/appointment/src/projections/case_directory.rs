//! `appointment.case_directory`: the cases the appointment service knows, from the case log
//! (source `case`, JetStream `EV_CASE`).
//!
//! An applicant books onto a case only if it is their own (the case's applicant account),
//! staff only onto a case of their tenant that exists, and an appointment nobody was assigned
//! to belongs to its case's responsible caseworker. So the directory keeps, per tenant and
//! case, the applicant account (`case.CaseOpened`), the responsible caseworker (the last
//! `case.CaseAssigned`: by the assignment rules when the case opened, or a team lead's
//! reassignment; an empty caseworker is a team's queue) and whether the case is closed
//! (`case.CaseClosed`). A row changes only for an event of a newer case-stream version, so
//! applying an event twice has no second effect.

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::case::v1 as case;
use projection::{Projection, ProjectionError};
use prost::Message;
use sqlx::PgConnection;
use uuid::Uuid;

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "case_directory";
/// The case log's event types it reads.
const CASE_OPENED: &str = "case.CaseOpened";
const CASE_ASSIGNED: &str = "case.CaseAssigned";
const CASE_CLOSED: &str = "case.CaseClosed";

/// The projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct CaseDirectory;

fn apply_error(error: impl std::error::Error + Send + Sync + 'static) -> ProjectionError {
    ProjectionError::Apply(Box::new(error))
}

impl Projection for CaseDirectory {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            // The case log also holds the tenants' assignment rules and staff streams.
            let Some(case_id) = event
                .stream_id
                .strip_prefix("case-")
                .and_then(|id| Uuid::parse_str(id).ok())
            else {
                return Ok(());
            };
            match event.event_type.as_str() {
                CASE_OPENED => {
                    let opened =
                        case::CaseOpened::decode(event.payload.as_slice()).map_err(apply_error)?;
                    sqlx::query(
                        "INSERT INTO appointment.case_directory \
                         (tenant_id, case_id, applicant_account, caseworker, closed, version) \
                         VALUES ($1, $2, $3, NULL, false, $4) \
                         ON CONFLICT (tenant_id, case_id) DO NOTHING",
                    )
                    .bind(&event.tenant_id)
                    .bind(case_id)
                    .bind(&opened.applicant_account)
                    .bind(event.version)
                    .execute(&mut *tx)
                    .await?;
                }
                CASE_ASSIGNED => {
                    let assigned = case::CaseAssigned::decode(event.payload.as_slice())
                        .map_err(apply_error)?;
                    // An empty caseworker: the case waits in its team's queue, nobody's yet.
                    let caseworker = Some(assigned.caseworker).filter(|c| !c.is_empty());
                    sqlx::query(
                        "UPDATE appointment.case_directory SET caseworker = $3, version = $4 \
                         WHERE tenant_id = $1 AND case_id = $2 AND version < $4",
                    )
                    .bind(&event.tenant_id)
                    .bind(case_id)
                    .bind(caseworker)
                    .bind(event.version)
                    .execute(&mut *tx)
                    .await?;
                }
                CASE_CLOSED => {
                    sqlx::query(
                        "UPDATE appointment.case_directory SET closed = true, version = $3 \
                         WHERE tenant_id = $1 AND case_id = $2 AND version < $3",
                    )
                    .bind(&event.tenant_id)
                    .bind(case_id)
                    .bind(event.version)
                    .execute(&mut *tx)
                    .await?;
                }
                _ => {}
            }
            Ok(())
        })
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(projection::clear_tables(
            tx,
            &["appointment.case_directory"],
        ))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(projection::digest_rows(
            conn,
            "SELECT tenant_id, case_id, applicant_account, caseworker, closed, version \
             FROM appointment.case_directory ORDER BY tenant_id, case_id",
        ))
    }
}

/// A case as the appointment service knows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseEntry {
    /// The case.
    pub case_id: Uuid,
    /// The applicant's account subject, or empty (a case opened from paper).
    pub applicant_account: String,
    /// The responsible caseworker, if the case is not in a team's queue.
    pub caseworker: Option<String>,
    /// Whether the case is closed.
    pub closed: bool,
}

/// The case `case_id` of `tenant`. `conn` is a tenant-scoped transaction of the api role (or
/// the worker's connection).
pub async fn get(
    conn: &mut PgConnection,
    tenant: &str,
    case_id: Uuid,
) -> Result<Option<CaseEntry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT case_id, applicant_account, caseworker, closed FROM appointment.case_directory \
         WHERE tenant_id = $1 AND case_id = $2",
    )
    .bind(tenant)
    .bind(case_id)
    .fetch_optional(conn)
    .await
}
