//! Reminders as events: the service appends one `appointment.AppointmentReminderDue` to an
//! appointment's stream when a reminder the domain plans (`domain::reminders::plan`: the
//! evening before, and shortly before a video appointment) is due, and the notification
//! service turns it into a message to the applicant.
//!
//! Three parts, each with one job:
//! - [`schedule`]: the table `appointment.reminder_schedule` of the reminders still to send,
//!   replaced by the command path in the transaction of every change of an appointment, so
//!   that the scheduler finds what is due with one index scan instead of folding every stream.
//! - [`scheduler`]: the task that, every `reminder_scheduler.poll_ms`, takes the appointments
//!   with due rows, folds each one's stream, and appends its due reminders at the version it
//!   read (a concurrent cancellation or reschedule wins, and the reminder is decided again).
//! - [`selection`] (pure) decides which planned reminders are still to send, and [`payload`]
//!   writes the event the notification service needs.
//!
//! **Once.** The append's command id is the reminder id (UUIDv5 of appointment id, kind and
//! start), so the event id is too (`eventlog::event_id(reminder id, 0)`), and the log refuses a
//! second copy, whoever appends it: a restarted scheduler, a second replica, a pass that
//! crashed before it could record its progress. The table only saves work.

pub mod payload;
pub mod schedule;
pub mod scheduler;
pub mod selection;

use std::collections::HashSet;

use eventlog::RecordedEvent;
use serde::Deserialize;
use uuid::Uuid;

pub use scheduler::{Pass, ReminderError, ReminderScheduler};

/// The actor recorded on reminder events (a service, not a person).
pub const ACTOR: &str = "scheduler:reminders";

/// The reminder scheduler's settings (`reminder_scheduler` in the service's settings); the
/// reminder times themselves are each jobcenter's policy (`calendars.reminders`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SchedulerSettings {
    /// How often the scheduler looks for due reminders, in ms. Default 30000: a reminder goes
    /// out at most half a minute after its time, and a look is one index scan.
    pub poll_ms: u64,
    /// At most this many appointments per look; a full batch is followed by the next at once.
    /// Default 200.
    pub batch_size: u32,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        Self {
            poll_ms: 30_000,
            batch_size: 200,
        }
    }
}

impl SchedulerSettings {
    /// What is wrong with these settings, each problem named by its path.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.poll_ms == 0 {
            problems.push("reminder_scheduler.poll_ms must be at least 1".to_owned());
        }
        if self.batch_size == 0 {
            problems.push("reminder_scheduler.batch_size must be at least 1".to_owned());
        }
        problems
    }
}

/// The event id a reminder's event has in the log: the first (only) event of the command whose
/// id is the reminder id.
pub fn event_id(reminder: Uuid) -> Uuid {
    eventlog::event_id(reminder, 0)
}

/// The reminders already recorded in an appointment's stream, by reminder id: the reminder
/// events whose event id is the one their command id (the reminder id) gives.
pub fn sent(recorded: &[RecordedEvent]) -> HashSet<Uuid> {
    recorded
        .iter()
        .filter(|event| event.event_type == crate::events::REMINDER_DUE)
        .filter_map(|event| {
            event
                .metadata
                .command_id
                .filter(|reminder| event_id(*reminder) == event.event_id)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheduler_settings_refuse_zero() {
        assert!(SchedulerSettings::default().problems().is_empty());
        let zero = SchedulerSettings {
            poll_ms: 0,
            batch_size: 0,
        };
        assert_eq!(
            zero.problems(),
            [
                "reminder_scheduler.poll_ms must be at least 1",
                "reminder_scheduler.batch_size must be at least 1"
            ]
        );
    }

    #[test]
    fn a_reminders_event_id_is_fixed_by_its_id() {
        let reminder = Uuid::from_u128(7);
        assert_eq!(event_id(reminder), event_id(reminder));
        assert_ne!(event_id(reminder), event_id(Uuid::from_u128(8)));
        assert_ne!(event_id(reminder), reminder);
    }
}
