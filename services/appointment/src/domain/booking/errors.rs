//! Why a decision refuses. The messages are for the person who asked (an applicant or a
//! caseworker) and carry no internals; the service maps each to a gRPC code once.

use chrono::{DateTime, Utc};

use crate::domain::availability::FreeSlot;
use crate::domain::calendar::Channel;

/// Why an intent on an appointment is refused; nothing is recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BookingError {
    /// No appointment with this id.
    #[error("there is no such appointment")]
    NotFound,
    /// The appointment id exists with other details (a reused command id).
    #[error("this appointment already exists with other details")]
    AlreadyExists,
    /// Applicants cannot book this type themselves.
    #[error("this appointment cannot be booked online; the jobcenter arranges it")]
    NotSelfBookable,
    /// A Meldetermin is set by invitation only.
    #[error("a Meldetermin is set by invitation, with its notice of consequences")]
    InvitationRequired,
    /// An invitation without a case.
    #[error("an invitation belongs to a case")]
    InvitationNeedsCase,
    /// The slot asked for is not one the office offers for the type.
    #[error("this time is not offered")]
    NoSuchSlot,
    /// A slot of another appointment type.
    #[error("this time is offered for another kind of appointment")]
    WrongType,
    /// The type does not take place this way.
    #[error("this appointment does not take place {}", describe(*.0))]
    ChannelNotOffered(Channel),
    /// A video appointment without its link.
    #[error("a video appointment needs its joining link")]
    VideoLinkMissing,
    /// A link for an appointment that is not by video.
    #[error("only a video appointment has a joining link")]
    VideoLinkWithoutVideo,
    /// An applicant booking too close to the start.
    #[error("online bookings are possible for times after {earliest}")]
    TooSoon {
        /// Slots must start after this.
        earliest: DateTime<Utc>,
    },
    /// An applicant booking beyond the horizon.
    #[error("online bookings are possible up to {latest}")]
    TooFarAhead {
        /// Slots must start by this.
        latest: DateTime<Utc>,
    },
    /// Staff booking or moving to a time that has begun.
    #[error("this time has already begun")]
    InThePast,
    /// The slot is full (someone was faster): here are the next free ones.
    #[error("this time has just been taken; please choose another")]
    SlotFull {
        /// The next free slots after it, earliest first.
        alternatives: Vec<FreeSlot>,
    },
    /// The appointment has ended.
    #[error("the appointment is already {0}")]
    NotOpen(&'static str),
    /// The appointment has begun, so it can no longer be cancelled or moved.
    #[error("the appointment has already begun")]
    AlreadyStarted,
    /// The applicant's notice period has passed.
    #[error("online changes are possible until {deadline}; please contact the jobcenter")]
    NoticePassed {
        /// The last moment the applicant could have changed it.
        deadline: DateTime<Utc>,
    },
    /// The applicant tried to cancel or move a Meldetermin.
    #[error(
        "a Meldetermin can only be moved or cancelled by the jobcenter; please contact it and \
         tell it your reason"
    )]
    InvitationIsBinding,
    /// The jobcenter cancelled without a reason.
    #[error("a cancellation by the jobcenter needs a reason")]
    ReasonRequired,
    /// A move to the slot the appointment already has.
    #[error("the appointment is already at this time")]
    SameSlot,
    /// Attendance recorded before the start.
    #[error("attendance can be recorded once the appointment has begun")]
    NotStartedYet,
    /// Attendance recorded twice.
    #[error("attendance has already been recorded")]
    AttendanceAlreadyRecorded,
}

fn describe(channel: Channel) -> &'static str {
    match channel {
        Channel::InPerson => "in person",
        Channel::Phone => "by telephone",
        Channel::Video => "by video",
    }
}
