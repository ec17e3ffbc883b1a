//! The reminder scheduler: turns due reminders into `appointment.AppointmentReminderDue` events.
//!
//! Every `reminder_scheduler.poll_ms` (the first a poll after start: a reminder waits at most
//! one poll either way, and tests that drive passes themselves are not raced by one at start)
//! a pass takes the appointments with a
//! row due in `appointment.reminder_schedule` ([`schedule::due`], all tenants, worker role, a
//! bounded batch) and, for each in its own transaction: reads its pending rows and its stream,
//! folds it, asks the domain for its plan under the jobcenter's policy, sorts the pending rows
//! ([`selection::sort`]), appends the due reminders expecting the stream at the version it read,
//! removes the rows it settled, commits.
//!
//! - **Never for a cancelled or moved appointment:** the append expects the version the
//!   decision was made on, so a cancellation or reschedule committed meanwhile makes it a
//!   conflict; the transaction rolls back and the next pass decides again on the new fold.
//! - **Once:** the command id is the reminder id. A second replica, a restarted scheduler or a
//!   pass after a crash appends the same event id, which the log refuses (`duplicate`); the
//!   rows only spare it the work. The scheduler keeps no state of its own.
//! - A due reminder also bumps the stream's version, so a user's command that read the stream
//!   just before it is answered ABORTED ("changed concurrently") and retried by the client, as
//!   for any concurrent change.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use eventlog::{AppendError, EventLog, EventLogError, ExpectedVersion};
use tokio_util::sync::CancellationToken;

use super::schedule::{self, DueAppointment};
use super::selection;
use super::{SchedulerSettings, payload};
use crate::calendars::Calendars;
use crate::clock::Clock;
use crate::commands;
use crate::domain::reminders::plan;
use crate::error::AppointmentError;

/// More events than any appointment holds (as in the command path).
const MAX_STREAM: i64 = 10_000;

/// Why a pass, or one appointment's reminders, failed.
#[derive(Debug, thiserror::Error)]
pub enum ReminderError {
    /// PostgreSQL failed.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// The log could not be read or appended to.
    #[error("event log error")]
    Log(#[from] EventLogError),
    /// The append was refused (a conflict: the appointment changed meanwhile).
    #[error("append refused")]
    Append(#[from] AppendError),
    /// The appointment's stream does not fold.
    #[error("the appointment is unreadable")]
    Unreadable(#[from] AppointmentError),
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Appointments with a due reminder looked at.
    pub due: usize,
    /// Reminder events this pass appended (a copy the log already held is not counted).
    pub sent: usize,
    /// Appointments whose reminders could not be settled now (tried again next pass).
    pub failed: usize,
}

/// The scheduler.
#[derive(Debug, Clone)]
pub struct ReminderScheduler {
    log: EventLog,
    calendars: Arc<Calendars>,
    clock: Arc<dyn Clock>,
    poll: Duration,
    batch: i64,
}

impl ReminderScheduler {
    /// A scheduler appending to `log` (the worker role's, whose pool also reads and writes the
    /// schedule), with each jobcenter's reminder policy from `calendars`, at the `clock`'s time.
    pub fn new(
        log: EventLog,
        calendars: Arc<Calendars>,
        clock: Arc<dyn Clock>,
        settings: SchedulerSettings,
    ) -> Self {
        Self {
            log,
            calendars,
            clock,
            poll: Duration::from_millis(settings.poll_ms.max(1)),
            batch: i64::from(settings.batch_size.max(1)),
        }
    }

    /// Runs passes until `cancel` fires, the first one poll after the start. A failed pass is
    /// logged and retried at the next poll: nothing is lost, the rows stay due.
    pub async fn run(self, cancel: CancellationToken) {
        let mut again = false;
        loop {
            if !again {
                tokio::select! {
                    _ = cancel.cancelled() => return,
                    _ = tokio::time::sleep(self.poll) => {}
                }
            }
            again = match self.pass().await {
                Ok(pass) => {
                    if pass.sent > 0 {
                        tracing::info!(due = pass.due, sent = pass.sent, "reminders sent");
                    }
                    // A full batch that settled something: more may be due, go on at once.
                    let full = i64::try_from(pass.due).unwrap_or(i64::MAX) >= self.batch;
                    full && pass.failed < pass.due
                }
                Err(error) => {
                    tracing::warn!(%error, "reminder pass failed, retrying at the next poll");
                    false
                }
            } && !cancel.is_cancelled();
        }
    }

    /// One pass over what is due now.
    pub async fn pass(&self) -> Result<Pass, ReminderError> {
        let now = self.clock.now();
        let due = {
            let mut conn = self.log.pool().acquire().await?;
            schedule::due(&mut conn, now, self.batch).await?
        };
        let mut pass = Pass {
            due: due.len(),
            ..Pass::default()
        };
        for appointment in &due {
            match self.remind(appointment, now).await {
                Ok(sent) => pass.sent += sent,
                // One appointment's failure (a conflict with a command) must not hold up the
                // others; its rows stay due for the next pass.
                Err(error) => {
                    pass.failed += 1;
                    let conflict = matches!(&error, ReminderError::Append(e) if e.is_conflict());
                    if conflict {
                        tracing::debug!(
                            appointment = %appointment.appointment,
                            "appointment changed meanwhile, reminders decided again next pass"
                        );
                    } else {
                        tracing::warn!(
                            appointment = %appointment.appointment,
                            %error,
                            "reminders not sent, retrying at the next poll"
                        );
                    }
                }
            }
        }
        Ok(pass)
    }

    /// Settles the due reminders of one appointment; the number of events appended.
    async fn remind(
        &self,
        due: &DueAppointment,
        now: DateTime<Utc>,
    ) -> Result<usize, ReminderError> {
        let tenant = due.tenant_id.as_str();
        let mut tx = self.log.pool().begin().await?;
        let pending = schedule::pending(&mut tx, due).await?;
        if pending.is_empty() {
            // Settled by another replica since the pass looked.
            return Ok(0);
        }
        let recorded = self
            .log
            .read_stream_in(&mut tx, &due.appointment.stream_id(), 0, MAX_STREAM)
            .await?;
        let version = recorded.last().map_or(0, |event| event.version);
        let sent = super::sent(&recorded);
        let cause = payload::cause(&recorded);
        let loaded = commands::load(recorded, tenant)?;
        let calendar = self.calendars.of(tenant);
        if calendar.is_none() {
            tracing::warn!(
                tenant = tenant,
                "reminders of a jobcenter without a calendar are dropped"
            );
        }
        let planned = match (&loaded, calendar) {
            (Some(loaded), Some(calendar)) => plan(&loaded.appointment, &calendar.reminders),
            _ => Vec::new(),
        };
        let sorted = selection::sort(&planned, &pending, &sent, now);
        let mut appended = 0;
        if let (Some(loaded), false) = (&loaded, sorted.send.is_empty()) {
            let commands = sorted
                .send
                .iter()
                .zip(version..)
                .map(|(reminder, at)| {
                    payload::append_command(
                        tenant,
                        reminder,
                        &loaded.appointment,
                        calendar,
                        ExpectedVersion::Exact(at),
                        cause,
                    )
                })
                .collect();
            for outcome in self.log.append_in(&mut tx, commands).await? {
                // A conflict rolls everything back (dropping `tx`); a duplicate was sent before.
                if !outcome?.duplicate {
                    appended += 1;
                }
            }
        }
        schedule::remove(&mut tx, due, &sorted.done).await?;
        for later in sorted.later {
            schedule::postpone(&mut tx, due, later).await?;
        }
        tx.commit().await?;
        if appended > 0 {
            self.log.notify_appended();
        }
        Ok(appended)
    }
}
