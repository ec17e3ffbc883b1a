//! Reads of `appointment.appointment_view`, joined with `appointment.case_directory` where an
//! appointment's caseworker is resolved: the caseworker who holds it (by assignment or
//! invitation), else its case's responsible caseworker. Every function runs on a tenant-scoped
//! transaction of the api role and names the tenant too (row-level security is the second
//! wall, not the only one).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::types::Json;

use crate::domain::appointment::Appointment;
use crate::domain::ids::{AppointmentTypeId, CaseId, OfficeId};

/// An appointment with whose it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// The appointment as it stands.
    pub appointment: Appointment,
    /// Its caseworker if someone holds it, else its case's responsible caseworker, if known.
    pub responsible: Option<String>,
}

/// Whose an appointment is: the caseworker who holds it, else the case's responsible one.
const RESPONSIBLE: &str = "COALESCE(v.caseworker, d.caseworker)";
/// The view with each appointment's case (if the directory knows it).
const FROM: &str = "FROM appointment.appointment_view v \
     LEFT JOIN appointment.case_directory d \
     ON d.tenant_id = v.tenant_id AND d.case_id = v.case_id";

type Row = (Json<Appointment>, Option<String>);

fn listed(rows: Vec<Row>) -> Vec<Listed> {
    rows.into_iter()
        .map(|(Json(appointment), responsible)| Listed {
            appointment,
            responsible,
        })
        .collect()
}

/// The appointments of `caseworker` on the Berlin day `day`, cancelled ones left out, in time
/// order.
pub async fn caseworker_day(
    conn: &mut PgConnection,
    tenant: &str,
    caseworker: &str,
    day: NaiveDate,
) -> Result<Vec<Listed>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT v.state, {RESPONSIBLE} {FROM} \
         WHERE v.tenant_id = $1 AND v.local_date = $2 AND v.status <> 'cancelled' \
         AND {RESPONSIBLE} = $3 \
         ORDER BY v.start, v.appointment_id"
    ))
    .bind(tenant)
    .bind(day)
    .bind(caseworker)
    .fetch_all(conn)
    .await?;
    Ok(listed(rows))
}

/// The appointments of `caseworker` starting in `[from, until)`, cancelled ones left out, in
/// time order.
pub async fn caseworker_between(
    conn: &mut PgConnection,
    tenant: &str,
    caseworker: &str,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Listed>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT v.state, {RESPONSIBLE} {FROM} \
         WHERE v.tenant_id = $1 AND v.start >= $2 AND v.start < $3 \
         AND v.status <> 'cancelled' AND {RESPONSIBLE} = $4 \
         ORDER BY v.start, v.appointment_id"
    ))
    .bind(tenant)
    .bind(from)
    .bind(until)
    .bind(caseworker)
    .fetch_all(conn)
    .await?;
    Ok(listed(rows))
}

/// Whose upcoming appointments to list: an applicant's, a case's, or an applicant's of a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpcomingOf<'a> {
    /// Only this applicant's.
    pub applicant: Option<&'a str>,
    /// Only this case's.
    pub case: Option<CaseId>,
}

/// The open appointments (booked, invited or moved: not cancelled, not ended) of `of` that
/// start at `now` or later, earliest first.
pub async fn upcoming(
    conn: &mut PgConnection,
    tenant: &str,
    of: &UpcomingOf<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<Listed>, sqlx::Error> {
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "SELECT v.state, {RESPONSIBLE} {FROM} \
         WHERE v.tenant_id = $1 AND v.start >= $2 \
         AND v.status IN ('booked', 'invited', 'rescheduled') \
         AND ($3::text IS NULL OR v.applicant_subject = $3) \
         AND ($4::uuid IS NULL OR v.case_id = $4) \
         ORDER BY v.start, v.appointment_id"
    ))
    .bind(tenant)
    .bind(now)
    .bind(of.applicant)
    .bind(of.case.map(|case| case.0))
    .fetch_all(conn)
    .await?;
    Ok(listed(rows))
}

/// The caseworker responsible for the case `case` (`None`: in a team's queue, or unknown).
pub async fn case_caseworker(
    conn: &mut PgConnection,
    tenant: &str,
    case: CaseId,
) -> Result<Option<String>, sqlx::Error> {
    let found: Option<Option<String>> = sqlx::query_scalar(
        "SELECT caseworker FROM appointment.case_directory \
         WHERE tenant_id = $1 AND case_id = $2",
    )
    .bind(tenant)
    .bind(case.0)
    .fetch_optional(conn)
    .await?;
    Ok(found.flatten())
}

/// Places taken at `office` per (Berlin day, type) from `first` to `last` (both included):
/// appointments not cancelled (open, attended or missed) whose current place is there.
pub async fn places_taken(
    conn: &mut PgConnection,
    tenant: &str,
    office: OfficeId,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<HashMap<(NaiveDate, AppointmentTypeId), u32>, sqlx::Error> {
    let rows: Vec<(NaiveDate, uuid::Uuid, i64)> = sqlx::query_as(
        "SELECT local_date, appointment_type_id, count(*) FROM appointment.appointment_view \
         WHERE tenant_id = $1 AND office_id = $2 AND local_date BETWEEN $3 AND $4 \
         AND status <> 'cancelled' \
         GROUP BY local_date, appointment_type_id",
    )
    .bind(tenant)
    .bind(office.0)
    .bind(first)
    .bind(last)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(day, kind, taken)| {
            (
                (day, AppointmentTypeId(kind)),
                u32::try_from(taken).unwrap_or(u32::MAX),
            )
        })
        .collect())
}
