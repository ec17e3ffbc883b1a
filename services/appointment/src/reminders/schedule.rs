//! The reminders still to send, `appointment.reminder_schedule`: one row per planned reminder
//! (tenant, appointment, reminder id, when it is due), so that the scheduler asks the index
//! "what is due by now?" instead of folding every stream.
//!
//! Kept in the transactions that change the log: the command path replaces an appointment's
//! rows after each command ([`replan`]), and the scheduler removes a row in the transaction
//! that appends its reminder. A row is therefore never behind the appointment it belongs to,
//! and a booking that commits late (after the scheduler looked) is still found at the next
//! look, which a time watermark would miss. The rows hold nothing the log does not: the plan is
//! a function of the fold and the jobcenter's policy.

use chrono::{DateTime, Utc};
use eventlog::RecordedEvent;
use sqlx::PgConnection;
use uuid::Uuid;

use super::selection::{self, Pending};
use crate::domain::appointment::Appointment;
use crate::domain::ids::AppointmentId;
use crate::domain::reminders::ReminderPolicy;

const FORGET_APPOINTMENT: &str = "\
    DELETE FROM appointment.reminder_schedule WHERE tenant_id = $1 AND appointment_id = $2";

const INSERT: &str = "\
    INSERT INTO appointment.reminder_schedule (tenant_id, appointment_id, reminder_id, send_at) \
    SELECT $1, $2, reminder_id, send_at FROM unnest($3::uuid[], $4::timestamptz[]) \
        AS planned (reminder_id, send_at) \
    ON CONFLICT (tenant_id, appointment_id, reminder_id) DO UPDATE SET send_at = EXCLUDED.send_at";

const DUE: &str = "\
    SELECT tenant_id, appointment_id FROM appointment.reminder_schedule \
    WHERE send_at <= $1 \
    GROUP BY tenant_id, appointment_id \
    ORDER BY min(send_at), tenant_id, appointment_id \
    LIMIT $2";

const PENDING: &str = "\
    SELECT reminder_id, send_at FROM appointment.reminder_schedule \
    WHERE tenant_id = $1 AND appointment_id = $2 \
    ORDER BY send_at";

const REMOVE: &str = "\
    DELETE FROM appointment.reminder_schedule \
    WHERE tenant_id = $1 AND appointment_id = $2 AND reminder_id = ANY($3)";

const POSTPONE: &str = "\
    UPDATE appointment.reminder_schedule SET send_at = $4 \
    WHERE tenant_id = $1 AND appointment_id = $2 AND reminder_id = $3";

/// An appointment with at least one due reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueAppointment {
    /// Its tenant.
    pub tenant_id: String,
    /// The appointment.
    pub appointment: AppointmentId,
}

/// Replaces the rows of `appointment` of `tenant` by the reminders it still plans at `now`
/// under `policy` (`selection::still_to_send`), leaving out those already in its stream
/// (`recorded`, the events read before the command's own). Run by the command path inside the
/// transaction that appends the command's events, after the append took the stream's lock.
pub async fn replan(
    conn: &mut PgConnection,
    tenant: &str,
    appointment: &Appointment,
    policy: &ReminderPolicy,
    recorded: &[RecordedEvent],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let sent = super::sent(recorded);
    let planned = selection::still_to_send(appointment, policy, &sent, now);
    let id = appointment.terms.id;
    sqlx::query(FORGET_APPOINTMENT)
        .bind(tenant)
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    if planned.is_empty() {
        return Ok(());
    }
    let (ids, times): (Vec<Uuid>, Vec<DateTime<Utc>>) = planned
        .iter()
        .map(|reminder| (reminder.id, reminder.send_at))
        .unzip();
    sqlx::query(INSERT)
        .bind(tenant)
        .bind(id.0)
        .bind(ids)
        .bind(times)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The appointments (every tenant) with a reminder due by `now`, the longest-waiting first, at
/// most `limit`. Read on the worker role's pool.
pub async fn due(
    conn: &mut PgConnection,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DueAppointment>, sqlx::Error> {
    let rows: Vec<(String, Uuid)> = sqlx::query_as(DUE)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(tenant_id, appointment)| DueAppointment {
            tenant_id,
            appointment: AppointmentId(appointment),
        })
        .collect())
}

/// Every pending reminder of one appointment, earliest first.
pub async fn pending(
    conn: &mut PgConnection,
    due: &DueAppointment,
) -> Result<Vec<Pending>, sqlx::Error> {
    let rows: Vec<(Uuid, DateTime<Utc>)> = sqlx::query_as(PENDING)
        .bind(&due.tenant_id)
        .bind(due.appointment.0)
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(reminder, send_at)| Pending { reminder, send_at })
        .collect())
}

/// Removes the rows of `reminders` (sent, or no longer planned).
pub async fn remove(
    conn: &mut PgConnection,
    due: &DueAppointment,
    reminders: &[Uuid],
) -> Result<(), sqlx::Error> {
    if reminders.is_empty() {
        return Ok(());
    }
    sqlx::query(REMOVE)
        .bind(&due.tenant_id)
        .bind(due.appointment.0)
        .bind(reminders)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Moves a pending reminder to its new time.
pub async fn postpone(
    conn: &mut PgConnection,
    due: &DueAppointment,
    pending: Pending,
) -> Result<(), sqlx::Error> {
    sqlx::query(POSTPONE)
        .bind(&due.tenant_id)
        .bind(due.appointment.0)
        .bind(pending.reminder)
        .bind(pending.send_at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
