//! `appointment.appointment_view`: every appointment as it stands, from the service's own log
//! (source `appointment`, JetStream `EV_APPOINTMENT`).
//!
//! Per event: decode it ([`crate::events::decode`]), fold it into the stored state with the
//! domain's own [`evolve`] (so the read model can never disagree with what the command path
//! decides on), and write the state back with the columns the reads filter by. A row changes
//! only for an event of a newer stream version, so applying an event twice has no second
//! effect; event types this version does not know are passed over.

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use projection::{Projection, ProjectionError};
use sqlx::PgConnection;
use sqlx::types::Json;
use uuid::Uuid;

use crate::domain::appointment::{Appointment, evolve};
use crate::domain::local_time;
use crate::events;

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "appointment_view";

/// The projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppointmentView;

fn apply_error(error: impl std::error::Error + Send + Sync + 'static) -> ProjectionError {
    ProjectionError::Apply(Box::new(error))
}

impl Projection for AppointmentView {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            // Only appointment streams hold appointments.
            let Some(appointment_id) = event
                .stream_id
                .strip_prefix("appointment-")
                .and_then(|id| Uuid::parse_str(id).ok())
            else {
                return Ok(());
            };
            let Some(decoded) =
                events::decode(&event.event_type, &event.payload, event.recorded_at)
                    .map_err(apply_error)?
            else {
                return Ok(());
            };
            let stored: Option<(i32, Json<Appointment>)> = sqlx::query_as(
                "SELECT version, state FROM appointment.appointment_view \
                 WHERE tenant_id = $1 AND appointment_id = $2 FOR UPDATE",
            )
            .bind(&event.tenant_id)
            .bind(appointment_id)
            .fetch_optional(&mut *tx)
            .await?;
            if stored
                .as_ref()
                .is_some_and(|(version, _)| *version >= event.version)
            {
                return Ok(());
            }
            let Some(after) = evolve(stored.map(|(_, Json(state))| state), &decoded) else {
                // Not an appointment yet (an event before its booking: never written).
                return Ok(());
            };
            write(tx, &event.tenant_id, appointment_id, &after, event.version).await?;
            Ok(())
        })
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(projection::clear_tables(
            tx,
            &["appointment.appointment_view"],
        ))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(projection::digest_rows(
            conn,
            "SELECT tenant_id, appointment_id, applicant_subject, case_id, office_id, \
             appointment_type_id, start, local_date, status, caseworker, state, version \
             FROM appointment.appointment_view ORDER BY tenant_id, appointment_id",
        ))
    }
}

/// Stores `appointment` as of stream version `version`.
async fn write(
    tx: &mut PgConnection,
    tenant: &str,
    appointment_id: Uuid,
    appointment: &Appointment,
    version: i32,
) -> Result<(), sqlx::Error> {
    let (local_date, _) = local_time::wall_clock(appointment.place.start);
    sqlx::query(
        "INSERT INTO appointment.appointment_view \
         (tenant_id, appointment_id, applicant_subject, case_id, office_id, \
          appointment_type_id, start, local_date, status, caseworker, state, version) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (tenant_id, appointment_id) DO UPDATE SET \
          applicant_subject = EXCLUDED.applicant_subject, case_id = EXCLUDED.case_id, \
          office_id = EXCLUDED.office_id, appointment_type_id = EXCLUDED.appointment_type_id, \
          start = EXCLUDED.start, local_date = EXCLUDED.local_date, status = EXCLUDED.status, \
          caseworker = EXCLUDED.caseworker, state = EXCLUDED.state, version = EXCLUDED.version",
    )
    .bind(tenant)
    .bind(appointment_id)
    .bind(&appointment.terms.applicant.0)
    .bind(appointment.terms.case.map(|case| case.0))
    .bind(appointment.place.office.0)
    .bind(appointment.place.appointment_type.0)
    .bind(appointment.place.start)
    .bind(local_date)
    .bind(appointment.status.describe())
    .bind(
        appointment
            .caseworker
            .as_ref()
            .map(|staff| staff.0.as_str()),
    )
    .bind(Json(appointment))
    .bind(version)
    .execute(tx)
    .await?;
    Ok(())
}
