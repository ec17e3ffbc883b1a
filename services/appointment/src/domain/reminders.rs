//! When to remind an applicant of an appointment. The service's scheduler (`crate::reminders`)
//! asks [`plan`] for the reminders of open appointments whose time has come and records each as
//! an event that the notification service turns into a message (push, mail hint, SMS, as the
//! applicant consented).
//!
//! Decisions:
//! - **The evening before**, at a fixed local time (default 18:00, Europe/Berlin, so the same
//!   wall time in summer and winter), not 24 hours before: a message at 18:00 is read and
//!   remembered the next morning, and one 24 hours before an 08:00 appointment would come at
//!   08:00 the day before, when it is easily forgotten.
//! - **Booked later than that, no reminder**: the booking confirmation has just gone out, and
//!   a second message minutes later would be noise. The same for a reschedule.
//! - **Video**: also a reminder shortly before the start (default 15 minutes), carrying the
//!   joining link, as does the evening one.
//! - **Once**: each reminder's id is a UUIDv5 of (appointment id, kind, start), so a scheduler
//!   that restarts and plans again produces the same ids (the event log refuses the second
//!   append of the same event id), and a reschedule produces new ones for the new start, while
//!   the old ones are no longer planned for an appointment that moved or ended.

use chrono::{DateTime, Days, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::appointment::Appointment;
use super::calendar::Channel;
use super::ids::AppointmentId;
use super::local_time;
use super::reference::BookingReference;
use super::video_link::VideoLink;

/// Fixed namespace of reminder ids: UUIDv5(namespace, appointment id ‖ kind ‖ start).
pub const REMINDER_NAMESPACE: Uuid = Uuid::from_u128(0x2d7c_51e8_0a94_4b3f_86e2_c19f_5b07_d3a8);

/// The kinds of reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReminderKind {
    /// The evening before.
    EveningBefore,
    /// Shortly before a video appointment, with the link to join.
    JoinSoon,
}

impl ReminderKind {
    fn code(self) -> u8 {
        match self {
            ReminderKind::EveningBefore => 1,
            ReminderKind::JoinSoon => 2,
        }
    }
}

/// A jobcenter's reminder settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReminderPolicy {
    /// The local time on the day before the appointment. Default 18:00.
    pub evening_before_at: NaiveTime,
    /// Minutes before a video appointment to send its link again; `None`: not at all.
    /// Default 15.
    pub join_soon_minutes: Option<u32>,
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        Self {
            evening_before_at: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or(NaiveTime::MIN),
            join_soon_minutes: Some(15),
        }
    }
}

/// A reminder to send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// Its id: the same for the same appointment, kind and start, however often it is planned.
    pub id: Uuid,
    /// The appointment.
    pub appointment: AppointmentId,
    /// The reference the applicant knows it by.
    pub reference: BookingReference,
    /// Which reminder.
    pub kind: ReminderKind,
    /// When to send it.
    pub send_at: DateTime<Utc>,
    /// When the appointment starts.
    pub start: DateTime<Utc>,
    /// How it takes place.
    pub channel: Channel,
    /// The link to join, for a video appointment.
    pub video_link: Option<VideoLink>,
}

/// The id of the reminder of `kind` for `appointment` starting at `start`.
pub fn reminder_id(appointment: AppointmentId, kind: ReminderKind, start: DateTime<Utc>) -> Uuid {
    let mut name = Vec::with_capacity(16 + 1 + 8);
    name.extend_from_slice(appointment.0.as_bytes());
    name.push(kind.code());
    name.extend_from_slice(&start.timestamp().to_be_bytes());
    Uuid::new_v5(&REMINDER_NAMESPACE, &name)
}

/// The reminders of `appointment` as it stands, earliest first: none once it ended, none
/// planned before its current start was set.
pub fn plan(appointment: &Appointment, policy: &ReminderPolicy) -> Vec<Reminder> {
    if !appointment.status.is_open() {
        return Vec::new();
    }
    let start = appointment.place.start;
    let (local_date, _) = local_time::wall_clock(start);
    let evening = local_date
        .checked_sub_days(Days::new(1))
        .and_then(|day| local_time::first_instant(day, policy.evening_before_at));
    let join_soon = match (appointment.terms.channel, policy.join_soon_minutes) {
        (Channel::Video, Some(minutes)) => Some(start - TimeDelta::minutes(i64::from(minutes))),
        _ => None,
    };
    let terms = &appointment.terms;
    [
        (ReminderKind::EveningBefore, evening),
        (ReminderKind::JoinSoon, join_soon),
    ]
    .into_iter()
    .filter_map(|(kind, send_at)| Some((kind, send_at?)))
    .filter(|(_, send_at)| *send_at > appointment.scheduled_at && *send_at < start)
    .map(|(kind, send_at)| Reminder {
        id: reminder_id(terms.id, kind, start),
        appointment: terms.id,
        reference: terms.reference,
        kind,
        send_at,
        start,
        channel: terms.channel,
        video_link: terms.video_link.clone(),
    })
    .collect()
}

/// The reminders of `appointment` due after `since` and up to `until`: what a scheduler that
/// last looked at `since` sends now. A scheduler that crashed before recording its progress
/// asks again for the same span and gets the same ids.
pub fn due(
    appointment: &Appointment,
    policy: &ReminderPolicy,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Vec<Reminder> {
    plan(appointment, policy)
        .into_iter()
        .filter(|reminder| since < reminder.send_at && reminder.send_at <= until)
        .collect()
}

#[cfg(test)]
mod tests;
