//! An appointment's history and where it stands: the [`Event`]s recorded for it and the
//! [`Appointment`] they fold into ([`evolve`], [`fold`]). The decisions that record events are
//! in [`super::booking`].
//!
//! Lifecycle: an appointment is [`Status::Booked`] (by the applicant or a caseworker) or
//! [`Status::Invited`] (a Meldetermin set by a caseworker, with its notice of consequences);
//! it may be [`Status::Rescheduled`] any number of times, which keeps it open at another slot
//! under the same id, reference and calendar UID; it ends [`Status::Cancelled`],
//! [`Status::Attended`] or [`Status::NoShow`].

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ids::StaffId;
use super::slots::SlotKey;

mod events;
pub use super::video_link::{NotAVideoLink, VideoLink};
pub use events::{Event, Origin, Party, Place, Terms};

/// Where an appointment stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// Booked and open.
    Booked,
    /// Set by invitation and open.
    Invited,
    /// Moved to another slot, and open there.
    Rescheduled,
    /// Cancelled (ends it).
    Cancelled {
        /// Who cancelled.
        by: Party,
        /// Why.
        reason: Option<String>,
    },
    /// The applicant came (ends it).
    Attended,
    /// The applicant did not come (ends it).
    NoShow {
        /// The reason given, if any.
        reason: Option<String>,
    },
}

impl Status {
    /// Whether the appointment is still to take place.
    pub fn is_open(&self) -> bool {
        matches!(self, Status::Booked | Status::Invited | Status::Rescheduled)
    }

    /// The status in plain words, for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::Invited => "invited",
            Status::Rescheduled => "rescheduled",
            Status::Cancelled { .. } => "cancelled",
            Status::Attended => "attended",
            Status::NoShow { .. } => "missed",
        }
    }
}

/// An appointment as its events made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    /// What it is about.
    pub terms: Terms,
    /// The place it holds (or held, once it ended).
    pub place: Place,
    /// How it came about.
    pub origin: Origin,
    /// The caseworker who holds it: the inviting caseworker for an invitation, else whoever it
    /// is assigned to; `None` until then (a self-service booking waits for the team to assign
    /// it).
    pub caseworker: Option<StaffId>,
    /// Where it stands.
    pub status: Status,
    /// How often it changed after booking (reschedules and a cancellation): the iCalendar
    /// `SEQUENCE`, so calendar programs replace their older copy.
    pub revision: u32,
    /// When its current start was set (booking or last reschedule): reminders planned for
    /// times before this are not sent.
    pub scheduled_at: DateTime<Utc>,
    /// When it last changed.
    pub changed_at: DateTime<Utc>,
}

impl Appointment {
    /// Whether it is a Meldetermin set by invitation.
    pub fn is_invitation(&self) -> bool {
        matches!(self.origin, Origin::Invitation(_))
    }
}

/// Folds `event` into the appointment. Events were decided valid; one that does not fit (a bug,
/// or a newer event type) leaves the state as it was.
pub fn evolve(state: Option<Appointment>, event: &Event) -> Option<Appointment> {
    match (state, event) {
        (
            None,
            Event::Booked {
                terms,
                place,
                origin,
                at,
            },
        ) => Some(Appointment {
            terms: terms.clone(),
            place: *place,
            origin: origin.clone(),
            caseworker: None,
            status: Status::Booked,
            revision: 0,
            scheduled_at: *at,
            changed_at: *at,
        }),
        (
            None,
            Event::Invited {
                terms,
                place,
                by,
                at,
                ..
            },
        ) => Some(Appointment {
            terms: terms.clone(),
            place: *place,
            origin: Origin::Invitation(by.clone()),
            caseworker: Some(by.clone()),
            status: Status::Invited,
            revision: 0,
            scheduled_at: *at,
            changed_at: *at,
        }),
        (Some(mut appointment), event) => {
            match event {
                Event::Cancelled { by, reason, at, .. } => {
                    appointment.status = Status::Cancelled {
                        by: by.clone(),
                        reason: reason.clone(),
                    };
                    appointment.revision += 1;
                    appointment.changed_at = *at;
                }
                Event::Rescheduled { taken, at, .. } => {
                    appointment.place = *taken;
                    appointment.status = Status::Rescheduled;
                    appointment.revision += 1;
                    appointment.scheduled_at = *at;
                    appointment.changed_at = *at;
                }
                Event::Attended { at, .. } => {
                    appointment.status = Status::Attended;
                    appointment.changed_at = *at;
                }
                Event::NoShow { reason, at, .. } => {
                    appointment.status = Status::NoShow {
                        reason: reason.clone(),
                    };
                    appointment.changed_at = *at;
                }
                Event::Booked { .. }
                | Event::Invited { .. }
                | Event::AssessmentRequested { .. } => {}
                Event::Assigned { caseworker, at, .. } => {
                    appointment.caseworker = Some(caseworker.clone());
                    appointment.changed_at = *at;
                }
            }
            Some(appointment)
        }
        (None, _) => None,
    }
}

/// How `event` changes the places taken: one more in a slot taken, one fewer in a slot
/// released. The service applies these in the transaction that appends the event, where the
/// database refuses a count above the capacity; a reschedule changes two counts in that one
/// transaction, or none.
pub fn place_changes(event: &Event) -> Vec<(SlotKey, i64)> {
    match event {
        Event::Booked { place, .. } | Event::Invited { place, .. } => vec![(place.key(), 1)],
        Event::Cancelled { released, .. } => vec![(released.key(), -1)],
        Event::Rescheduled {
            released, taken, ..
        } => vec![(released.key(), -1), (taken.key(), 1)],
        Event::Attended { .. }
        | Event::NoShow { .. }
        | Event::Assigned { .. }
        | Event::AssessmentRequested { .. } => Vec::new(),
    }
}

/// The appointment after `events`, in order; `None` before it was booked.
pub fn fold<'a>(events: impl IntoIterator<Item = &'a Event>) -> Option<Appointment> {
    events.into_iter().fold(None, evolve)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_booked_invited_and_rescheduled_are_open() {
        assert!(Status::Rescheduled.is_open());
        assert!(!Status::Attended.is_open());
        assert!(!Status::NoShow { reason: None }.is_open());
    }
}
