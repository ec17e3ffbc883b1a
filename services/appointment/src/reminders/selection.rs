//! Which of an appointment's planned reminders are still to send, and what the scheduler does
//! with each pending one at a given moment. Pure: the domain's plan
//! (`domain::reminders::plan`) in, decisions out.
//!
//! A planned reminder is no longer to send once its event is in the stream (sent), or once the
//! appointment has begun (a reminder after the start helps nobody: a scheduler that was down
//! over the start drops it).

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::appointment::Appointment;
use crate::domain::reminders::{Reminder, ReminderPolicy, plan};

/// The reminders of `appointment` still to send at `now`: its plan under `policy`, without
/// those already `sent` and those of a start that has come. What the command path keeps in
/// the schedule after each change: none for a cancelled or ended appointment, those of the new
/// start for a rescheduled one, none the domain refuses (a booking after the reminder time).
pub fn still_to_send(
    appointment: &Appointment,
    policy: &ReminderPolicy,
    sent: &HashSet<Uuid>,
    now: DateTime<Utc>,
) -> Vec<Reminder> {
    plan(appointment, policy)
        .into_iter()
        .filter(|reminder| !sent.contains(&reminder.id) && reminder.start > now)
        .collect()
}

/// A reminder waiting in the schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pending {
    /// The reminder's id.
    pub reminder: Uuid,
    /// When the schedule says it is due.
    pub send_at: DateTime<Utc>,
}

/// What to do with an appointment's pending reminders now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sorted {
    /// Due and planned: append these, earliest first.
    pub send: Vec<Reminder>,
    /// Planned for later than the schedule said (the jobcenter's policy changed): wait until
    /// then.
    pub later: Vec<Pending>,
    /// Leave the schedule: sent now or before, or no longer planned (cancelled, moved, ended,
    /// begun).
    pub done: Vec<Uuid>,
}

/// Sorts the `pending` reminders of an appointment whose current plan is `planned` (empty when
/// it ended or is unreadable) at `now`; `sent` holds the reminders already in its stream.
pub fn sort(
    planned: &[Reminder],
    pending: &[Pending],
    sent: &HashSet<Uuid>,
    now: DateTime<Utc>,
) -> Sorted {
    let mut sorted = Sorted::default();
    for waiting in pending {
        let current = planned
            .iter()
            .find(|reminder| reminder.id == waiting.reminder)
            .filter(|reminder| !sent.contains(&reminder.id) && reminder.start > now);
        match current {
            Some(reminder) if reminder.send_at <= now => {
                sorted.send.push(reminder.clone());
                sorted.done.push(reminder.id);
            }
            Some(reminder) => {
                if reminder.send_at != waiting.send_at {
                    sorted.later.push(Pending {
                        reminder: reminder.id,
                        send_at: reminder.send_at,
                    });
                }
            }
            None => sorted.done.push(waiting.reminder),
        }
    }
    sorted.send.sort_by_key(|reminder| reminder.send_at);
    sorted
}

#[cfg(test)]
mod tests;
