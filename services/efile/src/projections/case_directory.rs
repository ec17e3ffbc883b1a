//! `efile.case_directory`: the cases the E-Akte knows, from the case log (source `case`).
//!
//! A document is filed only onto a case of the caller's tenant that the E-Akte knows; an
//! applicant only onto their own (the case's applicant account); and a retention rule counting
//! from the case's closing needs its closing day. Only `case.CaseOpened` and `case.CaseClosed`
//! matter; a row changes only for an event of a newer case-stream version, so applying an
//! event twice has no second effect.

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::case::v1 as case;
use projection::{Projection, ProjectionError};
use prost::Message;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::dates;

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "case_directory";
/// The case log's event types it reads.
const CASE_OPENED: &str = "case.CaseOpened";
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
                        "INSERT INTO efile.case_directory \
                         (tenant_id, case_id, applicant_account, closed_on, version) \
                         VALUES ($1, $2, $3, NULL, $4) \
                         ON CONFLICT (tenant_id, case_id) DO NOTHING",
                    )
                    .bind(&event.tenant_id)
                    .bind(case_id)
                    .bind(&opened.applicant_account)
                    .bind(event.version)
                    .execute(&mut *tx)
                    .await?;
                }
                CASE_CLOSED => {
                    let closed =
                        case::CaseClosed::decode(event.payload.as_slice()).map_err(apply_error)?;
                    let closed_on = closed
                        .closed_on
                        .as_ref()
                        .and_then(dates::from_proto)
                        .unwrap_or_else(|| dates::legal_day(event.recorded_at));
                    sqlx::query(
                        "UPDATE efile.case_directory SET closed_on = $3, version = $4 \
                         WHERE tenant_id = $1 AND case_id = $2 AND version < $4",
                    )
                    .bind(&event.tenant_id)
                    .bind(case_id)
                    .bind(closed_on)
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
        Box::pin(projection::clear_tables(tx, &["efile.case_directory"]))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(projection::digest_rows(
            conn,
            "SELECT tenant_id, case_id, applicant_account, closed_on, version \
             FROM efile.case_directory ORDER BY tenant_id, case_id",
        ))
    }
}

/// A case as the E-Akte knows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CaseEntry {
    pub case_id: Uuid,
    /// The applicant's account subject, or empty.
    pub applicant_account: String,
    pub closed_on: Option<chrono::NaiveDate>,
}

/// The case `case_id` of `tenant`. `conn` is a tenant-scoped transaction of the api role (or
/// the worker's connection).
pub async fn get(
    conn: &mut PgConnection,
    tenant: &str,
    case_id: Uuid,
) -> Result<Option<CaseEntry>, sqlx::Error> {
    sqlx::query_as(
        "SELECT case_id, applicant_account, closed_on FROM efile.case_directory \
         WHERE tenant_id = $1 AND case_id = $2",
    )
    .bind(tenant)
    .bind(case_id)
    .fetch_optional(conn)
    .await
}
