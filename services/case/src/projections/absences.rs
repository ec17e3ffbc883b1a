//! `cases.absences`: caseworkers' absences and who stands in, one row per recorded
//! `CaseworkerAbsenceRecorded` of the `staff-<tenant>` streams (keyed by event id, so a
//! redelivered event adds nothing). A later record covering the same day overrides an earlier
//! one (ListTasks takes the highest version), which is how an absence is corrected. Read by
//! ListTasks.

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use projection::{Projection, ProjectionError};
use sqlx::PgConnection;

use crate::domain::Event;
use crate::domain::assignment::STAFF_STREAM_PREFIX;
use crate::domain::dates;

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "absences";

/// The projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Absences;

impl Projection for Absences {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            if !event.stream_id.starts_with(STAFF_STREAM_PREFIX) {
                return Ok(());
            }
            let decoded = Event::decode(&event.event_type, &event.payload)
                .map_err(|e| ProjectionError::Apply(Box::new(e)))?;
            let Some(Event::CaseworkerAbsenceRecorded(absence)) = decoded else {
                return Ok(());
            };
            let day = |d: &Option<jobcenter_proto::common::v1::Date>| {
                d.as_ref()
                    .and_then(dates::from_proto)
                    .ok_or_else(|| ProjectionError::Apply("an absence without its days".into()))
            };
            sqlx::query(
                "INSERT INTO cases.absences (tenant_id, absence_id, caseworker, first_day, \
                 last_day, substitute, version, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (tenant_id, absence_id) DO NOTHING",
            )
            .bind(&event.tenant_id)
            .bind(event.event_id)
            .bind(&absence.caseworker)
            .bind(day(&absence.first_day)?)
            .bind(day(&absence.last_day)?)
            .bind(&absence.substitute)
            .bind(event.version)
            .bind(event.recorded_at)
            .execute(&mut *tx)
            .await?;
            Ok(())
        })
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(projection::clear_tables(tx, &["cases.absences"]))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(projection::digest_rows(
            conn,
            "SELECT tenant_id, absence_id, caseworker, first_day, last_day, substitute, version, \
             recorded_at FROM cases.absences ORDER BY tenant_id, absence_id",
        ))
    }
}
