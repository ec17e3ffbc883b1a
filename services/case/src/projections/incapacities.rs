//! `cases.incapacities`: the incapacity periods recorded on each case from sick notes, one row
//! per `IncapacityRecorded` (docs/casework/sick-notes.md). Read by ListIncapacities.
//!
//! Fed from the case log like `case_view` (worker role; rebuilt by `projection::rebuild`). The
//! case decides a record id once, and the row is keyed by it, so an event applied twice adds
//! nothing.

use chrono::{DateTime, NaiveDate, Utc};
use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::case::v1 as proto;
use projection::{Projection, ProjectionError};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::{Event, case_id_of_stream, dates, to_timestamp, to_utc};

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "incapacities";

/// The projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Incapacities;

impl Projection for Incapacities {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let Some(case_id) = case_id_of_stream(&event.stream_id) else {
                return Ok(());
            };
            let decoded = Event::decode(&event.event_type, &event.payload)
                .map_err(|e| ProjectionError::Apply(Box::new(e)))?;
            let Some(Event::IncapacityRecorded(recorded)) = decoded else {
                return Ok(());
            };
            let day = |d: &Option<jobcenter_proto::common::v1::Date>| {
                d.as_ref()
                    .and_then(dates::from_proto)
                    .ok_or_else(|| ProjectionError::Apply("an incapacity without its days".into()))
            };
            sqlx::query(
                "INSERT INTO cases.incapacities (tenant_id, case_id, record_id, source, \
                 incapacity_from, incapacity_until, issued_on, certificate, received_at, \
                 automatic, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                 ON CONFLICT (tenant_id, case_id, record_id) DO NOTHING",
            )
            .bind(&event.tenant_id)
            .bind(case_id)
            .bind(&recorded.record_id)
            .bind(recorded.source)
            .bind(day(&recorded.incapacity_from)?)
            .bind(day(&recorded.incapacity_until)?)
            .bind(recorded.issued_on.as_ref().and_then(dates::from_proto))
            .bind(recorded.certificate)
            .bind(recorded.received_at.as_ref().and_then(to_utc))
            .bind(recorded.automatic)
            .bind(event.version)
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(projection::clear_tables(tx, &["cases.incapacities"]))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(projection::digest_rows(
            conn,
            "SELECT tenant_id, case_id, record_id, source, incapacity_from, incapacity_until, \
             issued_on, certificate, received_at, automatic, version FROM cases.incapacities \
             ORDER BY tenant_id, case_id, record_id",
        ))
    }
}

/// A recorded incapacity as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct IncapacityRow {
    pub record_id: String,
    /// `IncapacitySource` as number.
    pub source: i32,
    pub incapacity_from: NaiveDate,
    pub incapacity_until: NaiveDate,
    pub issued_on: Option<NaiveDate>,
    /// `SickNoteCertificate` as number.
    pub certificate: i32,
    pub received_at: Option<DateTime<Utc>>,
    pub automatic: bool,
}

impl IncapacityRow {
    /// The row as the recorded event it came from.
    pub fn to_proto(&self) -> proto::IncapacityRecorded {
        proto::IncapacityRecorded {
            record_id: self.record_id.clone(),
            source: self.source,
            incapacity_from: Some(dates::to_proto(self.incapacity_from)),
            incapacity_until: Some(dates::to_proto(self.incapacity_until)),
            issued_on: self.issued_on.map(dates::to_proto),
            certificate: self.certificate,
            received_at: self.received_at.map(to_timestamp),
            automatic: self.automatic,
        }
    }
}

/// The incapacities recorded on case `case_id`, newest first by first day (then by the order
/// they were recorded, newest first). `conn` is a tenant-scoped transaction of the api role.
pub async fn list(
    conn: &mut PgConnection,
    tenant_id: &str,
    case_id: Uuid,
) -> Result<Vec<IncapacityRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT record_id, source, incapacity_from, incapacity_until, issued_on, certificate, \
         received_at, automatic FROM cases.incapacities \
         WHERE tenant_id = $1 AND case_id = $2 \
         ORDER BY incapacity_from DESC, version DESC",
    )
    .bind(tenant_id)
    .bind(case_id)
    .fetch_all(conn)
    .await
}
