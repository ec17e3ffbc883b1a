//! The decisions on an appointment, in the decider style: [`decide`] turns an intent into
//! [`Event`]s or a [`BookingError`] (nothing recorded), [`super::appointment::evolve`] folds
//! them.
//!
//! Rules, each a per-tenant setting where it is a period ([`BookingRules`]):
//! - applicants book themselves only types open to self-service, within the booking window;
//!   caseworkers book any type on an applicant's behalf, but a Meldetermin only by invitation,
//!   because its legal effect rests on the notice of consequences;
//! - a full slot is refused with the next free slots of the same type and office, so the loser
//!   of a race for the last place gets fresh choices ([`slot_full`] makes the same answer
//!   when the database, which has the last word, refuses the count);
//! - applicants cancel or move until a notice period before the start, the jobcenter any time
//!   before the start (a cancellation with a reason); a Meldetermin only the jobcenter moves
//!   or cancels: the applicant tells it their reason instead;
//! - a reschedule is one event that releases the old place and takes the new, refused as a
//!   whole when the new slot is full;
//! - attendance is recorded once, after the start; a no-show without a reason of an appointment
//!   of a case (always so for a Meldetermin) asks the caseworker to assess it.

use chrono::{DateTime, Utc};

use super::appointment::{Appointment, Event, Origin, Party, Place, Terms, VideoLink};
use super::availability::{self, Audience, BookingWindow, Occupancy};
use super::calendar::{AppointmentKind, AppointmentType, BookingRules, Channel};
use super::ids::{ApplicantId, AppointmentId, CaseId, StaffId};
use super::invitation::Invitation;
use super::reference::BookingReference;
use super::slots::{Slot, SlotKey};

mod changes;
mod errors;
use changes::{assign, cancel, record_attendance, reschedule};
pub use errors::BookingError;

/// What the decisions look at besides the appointment: the time, the rules, the appointment's
/// type, and the slots on offer with their places taken (the slots around the wanted one, for
/// the capacity check and the alternatives).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// Now.
    pub now: DateTime<Utc>,
    /// The jobcenter's booking rules.
    pub rules: &'a BookingRules,
    /// The type of the appointment (to be) booked.
    pub appointment_type: &'a AppointmentType,
    /// Slots of that type, generated for the days concerned.
    pub slots: &'a [Slot],
    /// Places taken in them.
    pub occupancy: &'a Occupancy,
}

/// A request for a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// The appointment to create ([`AppointmentId::for_command`] of the command id).
    pub appointment: AppointmentId,
    /// Whom it is with.
    pub applicant: ApplicantId,
    /// The case, if there is one.
    pub case: Option<CaseId>,
    /// The slot wanted.
    pub slot: SlotKey,
    /// How it is to take place.
    pub channel: Channel,
    /// The joining link, for a video appointment.
    pub video_link: Option<VideoLink>,
}

/// Whether the applicant came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attendance {
    /// They came.
    Attended,
    /// They did not; with the reason they gave, if any.
    NoShow {
        /// The reason, if one was given.
        reason: Option<String>,
    },
}

/// Intents on an appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Book a place: by the applicant ([`Party::Applicant`]) or by staff on their behalf.
    Book {
        /// What to book.
        booking: Booking,
        /// Who books.
        by: Party,
    },
    /// Set a Meldetermin by invitation.
    Invite {
        /// What to set (the case is required).
        booking: Booking,
        /// The caseworker.
        by: StaffId,
        /// The letter as it will be sent, rendered by [`super::invitation::render`].
        invitation: Box<Invitation>,
    },
    /// Cancel.
    Cancel {
        /// Who cancels.
        by: Party,
        /// Why (required from the jobcenter).
        reason: Option<String>,
    },
    /// Move to another slot of the same type.
    Reschedule {
        /// The slot wanted.
        to: SlotKey,
        /// Who moves it.
        by: Party,
    },
    /// Give the appointment to a caseworker.
    Assign {
        /// The caseworker who is to hold it.
        caseworker: StaffId,
        /// Who assigns it.
        by: StaffId,
    },
    /// Record whether the applicant came.
    RecordAttendance {
        /// Whether they came.
        attendance: Attendance,
        /// Who records it.
        by: StaffId,
    },
}

/// Decides `command` on the appointment `state` (`None`: not booked yet) in `context`.
pub fn decide(
    state: Option<&Appointment>,
    command: Command,
    context: &Context<'_>,
) -> Result<Vec<Event>, BookingError> {
    match (state, command) {
        (Some(existing), Command::Book { booking, .. })
        | (Some(existing), Command::Invite { booking, .. }) => retried(existing, &booking),
        (None, Command::Book { booking, by }) => book(booking, by, context),
        (
            None,
            Command::Invite {
                booking,
                by,
                invitation,
            },
        ) => invite(booking, by, invitation, context),
        (None, _) => Err(BookingError::NotFound),
        (Some(appointment), Command::Cancel { by, reason }) => {
            cancel(appointment, by, reason, context)
        }
        (Some(appointment), Command::Reschedule { to, by }) => {
            reschedule(appointment, to, by, context)
        }
        (Some(appointment), Command::Assign { caseworker, by }) => {
            assign(appointment, caseworker, by, context)
        }
        (Some(appointment), Command::RecordAttendance { attendance, by }) => {
            record_attendance(appointment, attendance, by, context)
        }
    }
}

/// The answer for a slot that is full: the next free slots after it for `audience`.
pub fn slot_full(context: &Context<'_>, wanted: &SlotKey, audience: Audience) -> BookingError {
    let window = BookingWindow::at(context.now, audience, context.rules);
    BookingError::SlotFull {
        alternatives: availability::alternatives(
            context.slots,
            context.occupancy,
            &window,
            wanted,
            context.rules.alternatives as usize,
        ),
    }
}

/// A booking command for an appointment that exists: a retry if it asks for the same, which
/// answers nothing new (and the service answers the existing reference).
fn retried(existing: &Appointment, booking: &Booking) -> Result<Vec<Event>, BookingError> {
    if existing.terms.applicant == booking.applicant && existing.terms.channel == booking.channel {
        Ok(Vec::new())
    } else {
        Err(BookingError::AlreadyExists)
    }
}

fn book(booking: Booking, by: Party, context: &Context<'_>) -> Result<Vec<Event>, BookingError> {
    let kind = context.appointment_type;
    if kind.kind == AppointmentKind::Meldetermin {
        return Err(BookingError::InvitationRequired);
    }
    let (audience, origin) = match by {
        Party::Applicant if !kind.may_self_book() => return Err(BookingError::NotSelfBookable),
        Party::Applicant => (Audience::SelfService, Origin::SelfService),
        Party::Jobcenter(staff) => (Audience::Staff, Origin::BookedByStaff(staff)),
    };
    let place = take_place(&booking, audience, context)?;
    Ok(vec![Event::Booked {
        terms: terms(booking, kind),
        place,
        origin,
        at: context.now,
    }])
}

fn invite(
    booking: Booking,
    by: StaffId,
    invitation: Box<Invitation>,
    context: &Context<'_>,
) -> Result<Vec<Event>, BookingError> {
    if booking.case.is_none() {
        return Err(BookingError::InvitationNeedsCase);
    }
    let place = take_place(&booking, Audience::Staff, context)?;
    Ok(vec![Event::Invited {
        terms: terms(booking, context.appointment_type),
        place,
        by,
        invitation,
        at: context.now,
    }])
}

fn terms(booking: Booking, kind: &AppointmentType) -> Terms {
    Terms {
        id: booking.appointment,
        reference: BookingReference::of(booking.appointment),
        applicant: booking.applicant,
        case: booking.case,
        kind: kind.kind,
        channel: booking.channel,
        video_link: booking.video_link,
    }
}

/// The place `booking` takes, if the channel fits and the slot exists, lies in the window of
/// `audience` and has room.
fn take_place(
    booking: &Booking,
    audience: Audience,
    context: &Context<'_>,
) -> Result<Place, BookingError> {
    let kind = context.appointment_type;
    if !kind.channels.contains(&booking.channel) {
        return Err(BookingError::ChannelNotOffered(booking.channel));
    }
    match (booking.channel, &booking.video_link) {
        (Channel::Video, None) => return Err(BookingError::VideoLinkMissing),
        (Channel::InPerson | Channel::Phone, Some(_)) => {
            return Err(BookingError::VideoLinkWithoutVideo);
        }
        _ => {}
    }
    free_place(&booking.slot, audience, context)
}

/// The place in the slot `wanted`, if it is offered, in the window and not full.
fn free_place(
    wanted: &SlotKey,
    audience: Audience,
    context: &Context<'_>,
) -> Result<Place, BookingError> {
    if wanted.appointment_type != context.appointment_type.id {
        return Err(BookingError::WrongType);
    }
    let slot = context
        .slots
        .iter()
        .find(|slot| slot.key() == *wanted)
        .ok_or(BookingError::NoSuchSlot)?;
    let window = BookingWindow::at(context.now, audience, context.rules);
    if slot.start <= window.after {
        return Err(match audience {
            Audience::SelfService => BookingError::TooSoon {
                earliest: window.after,
            },
            Audience::Staff => BookingError::InThePast,
        });
    }
    if let Some(latest) = window.latest.filter(|latest| slot.start > *latest) {
        return Err(BookingError::TooFarAhead { latest });
    }
    if availability::places_left(slot, context.occupancy) == 0 {
        return Err(slot_full(context, wanted, audience));
    }
    Ok(Place::from(slot))
}

#[cfg(test)]
mod tests;
