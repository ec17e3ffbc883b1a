//! The appointment log (`EV_APPOINTMENT`) → `notification.appointment_contacts`: whose each
//! appointment is, its case and booking reference, from the terms of
//! `appointment.AppointmentBooked` and `appointment.AppointmentInvited` (later events of an
//! appointment carry no terms). An appointment is created once; a second copy changes nothing.

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::appointment::v1 as appointment;
use projection::ProjectionError;
use prost::Message;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Directory, Source, apply_error, optional_uuid, stream_uuid};

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "appointment_log";
/// The log it follows.
pub const SOURCE_LOG: &str = "appointment";

const BOOKED: &str = "appointment.AppointmentBooked";
const INVITED: &str = "appointment.AppointmentInvited";

/// The appointment contacts.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppointmentContacts;

/// The projection of the appointment log.
pub type AppointmentSource = Source<AppointmentContacts>;

impl Directory for AppointmentContacts {
    const NAME: &'static str = NAME;
    const SOURCE_LOG: &'static str = SOURCE_LOG;
    const TABLES: &'static [&'static str] = &["notification.appointment_contacts"];
    const DIGEST: &'static str = "SELECT tenant_id, appointment_id, applicant_account, case_id, \
         reference, version FROM notification.appointment_contacts \
         ORDER BY tenant_id, appointment_id";

    fn apply<'a>(
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(apply_directory(tx, event))
    }
}

/// Keeps `notification.appointment_contacts` for one event of the appointment log.
pub async fn apply_directory(
    tx: &mut PgConnection,
    event: &RecordedEvent,
) -> Result<(), ProjectionError> {
    let Some(appointment_id) = stream_uuid(&event.stream_id, "appointment-") else {
        return Ok(());
    };
    let terms = match event.event_type.as_str() {
        BOOKED => {
            appointment::AppointmentBooked::decode(event.payload.as_slice())
                .map_err(apply_error)?
                .terms
        }
        INVITED => {
            appointment::AppointmentInvited::decode(event.payload.as_slice())
                .map_err(apply_error)?
                .terms
        }
        _ => return Ok(()),
    };
    let Some(terms) = terms else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO notification.appointment_contacts \
         (tenant_id, appointment_id, applicant_account, case_id, reference, version) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (tenant_id, appointment_id) DO NOTHING",
    )
    .bind(&event.tenant_id)
    .bind(appointment_id)
    .bind(&terms.applicant_subject)
    .bind(optional_uuid(&terms.case_id))
    .bind(&terms.reference)
    .bind(event.version)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// An appointment as this service knows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AppointmentContact {
    /// The applicant's account subject.
    pub applicant_account: String,
    /// Its case, if any.
    pub case_id: Option<Uuid>,
    /// The booking reference.
    pub reference: String,
}

/// The appointment `appointment_id` of `tenant`.
pub async fn get(
    conn: &mut PgConnection,
    tenant: &str,
    appointment_id: Uuid,
) -> Result<Option<AppointmentContact>, sqlx::Error> {
    sqlx::query_as(
        "SELECT applicant_account, case_id, reference FROM notification.appointment_contacts \
         WHERE tenant_id = $1 AND appointment_id = $2",
    )
    .bind(tenant)
    .bind(appointment_id)
    .fetch_optional(conn)
    .await
}
