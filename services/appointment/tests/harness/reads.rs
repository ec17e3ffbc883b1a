//! Calls of the read models as the tests make them, and the read-access log as an auditor
//! reads it.

use chrono::NaiveDate;
use jobcenter_proto::appointment::v1 as proto;
use jobcenter_proto::common::v1 as common;

use super::{TENANT, TestApp, as_applicant, as_subject};

/// A day as the proto `Date`.
pub fn date(day: NaiveDate) -> common::Date {
    appointment::api::convert::date(day)
}

/// The appointments on `day` of caseworker `caseworker` of [`TENANT`], as they read their own
/// day, once the read model has applied `after`.
pub async fn day_of(
    app: &mut TestApp,
    caseworker: &str,
    day: NaiveDate,
    after: Option<&common::Position>,
) -> Vec<proto::Appointment> {
    app.client
        .get_caseworker_day(as_subject(
            proto::GetCaseworkerDayRequest {
                caseworker_subject: String::new(),
                day: Some(date(day)),
                min_position: after.cloned(),
            },
            TENANT,
            caseworker,
            "caseworker",
        ))
        .await
        .expect("the caseworker's day")
        .into_inner()
        .appointments
}

/// The references of `appointments`, in order.
pub fn references(appointments: &[proto::Appointment]) -> Vec<String> {
    appointments.iter().map(|a| a.reference.clone()).collect()
}

/// The upcoming appointments of applicant `subject` of [`TENANT`], as they list them, once the
/// read model has applied `after`.
pub async fn upcoming_of(
    app: &mut TestApp,
    subject: &str,
    after: Option<&common::Position>,
) -> Vec<proto::Appointment> {
    app.client
        .list_my_appointments(as_applicant(
            proto::ListMyAppointmentsRequest {
                min_position: after.cloned(),
                ..Default::default()
            },
            subject,
        ))
        .await
        .expect("their upcoming appointments")
        .into_inner()
        .appointments
}

/// Every read-access record of [`TENANT`] (calls begun within the last hour of real time).
pub async fn access_records(app: &TestApp) -> Vec<access_log::AccessRecord> {
    let log = access_log::AccessLog::new(
        app.db.worker_pool().clone(),
        appointment::ACCESS_SCHEMA,
        appointment::LOG_NAME,
    )
    .expect("the read-access log");
    let now = chrono::Utc::now();
    let tenant = platform::TenantId::parse(TENANT).expect("tenant");
    log.list(
        Some(&tenant),
        now - chrono::TimeDelta::hours(1),
        now + chrono::TimeDelta::minutes(1),
        access_log::Page::first(1000),
    )
    .await
    .expect("records")
    .records
    .into_iter()
    .map(|logged| logged.record)
    .collect()
}

/// The records of calls of `method` (e.g. "GetCaseworkerDay").
pub fn records_of<'a>(
    records: &'a [access_log::AccessRecord],
    method: &str,
) -> Vec<&'a access_log::AccessRecord> {
    let rpc = format!("/jobcenter.appointment.v1.AppointmentService/{method}");
    records.iter().filter(|record| record.rpc == rpc).collect()
}
