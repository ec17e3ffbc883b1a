//! The intake log (`EV_INTAKE`) → `notification.postal_addresses`: the name and address of
//! each main application's applicant (`intake.ApplicationSubmitted` with a main application),
//! which is where a letter about the case goes. A submission is recorded once; a second copy
//! of the same application changes nothing.

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::intake::v1 as intake;
use projection::ProjectionError;
use prost::Message;
use sqlx::PgConnection;
use uuid::Uuid;

use super::{Directory, Source, apply_error, optional_uuid, stream_uuid};

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "intake_log";
/// The log it follows.
pub const SOURCE_LOG: &str = "intake";

const APPLICATION_SUBMITTED: &str = "intake.ApplicationSubmitted";

/// The postal addresses.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostalAddresses;

/// The projection of the intake log.
pub type IntakeSource = Source<PostalAddresses>;

impl Directory for PostalAddresses {
    const NAME: &'static str = NAME;
    const SOURCE_LOG: &'static str = SOURCE_LOG;
    const TABLES: &'static [&'static str] = &["notification.postal_addresses"];
    const DIGEST: &'static str = "SELECT tenant_id, application_id, given_name, family_name, \
         street, house_number, postal_code, city FROM notification.postal_addresses \
         ORDER BY tenant_id, application_id";

    fn apply<'a>(
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(apply_directory(tx, event))
    }
}

/// Keeps `notification.postal_addresses` for one event of the intake log.
pub async fn apply_directory(
    tx: &mut PgConnection,
    event: &RecordedEvent,
) -> Result<(), ProjectionError> {
    if event.event_type != APPLICATION_SUBMITTED {
        return Ok(());
    }
    let submitted =
        intake::ApplicationSubmitted::decode(event.payload.as_slice()).map_err(apply_error)?;
    let Some(intake::application_submitted::Form::MainApplication(main)) = submitted.form else {
        return Ok(());
    };
    let Some(application_id) = optional_uuid(&submitted.application_id)
        .or_else(|| stream_uuid(&event.stream_id, "application-"))
    else {
        return Ok(());
    };
    let person = main.applicant.unwrap_or_default();
    let address = main.address.unwrap_or_default();
    sqlx::query(
        "INSERT INTO notification.postal_addresses \
         (tenant_id, application_id, given_name, family_name, street, house_number, \
          postal_code, city) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (tenant_id, application_id) DO NOTHING",
    )
    .bind(&event.tenant_id)
    .bind(application_id)
    .bind(&person.given_name)
    .bind(&person.family_name)
    .bind(&address.street)
    .bind(&address.house_number)
    .bind(&address.postal_code)
    .bind(&address.city)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A main applicant's name and address.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PostalAddress {
    /// Given name(s).
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Street.
    pub street: String,
    /// House number.
    pub house_number: String,
    /// Postal code.
    pub postal_code: String,
    /// City.
    pub city: String,
}

/// The address of the main application `application_id` of `tenant`.
pub async fn get(
    conn: &mut PgConnection,
    tenant: &str,
    application_id: Uuid,
) -> Result<Option<PostalAddress>, sqlx::Error> {
    sqlx::query_as(
        "SELECT given_name, family_name, street, house_number, postal_code, city \
         FROM notification.postal_addresses WHERE tenant_id = $1 AND application_id = $2",
    )
    .bind(tenant)
    .bind(application_id)
    .fetch_optional(conn)
    .await
}
