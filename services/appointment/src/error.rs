//! The appointment service's errors and their one mapping to gRPC status.
//!
//! Bad input is INVALID_ARGUMENT with a field violation per field (a decision that refuses a
//! field the client chose, such as a slot outside the booking window, names that field too);
//! a change the appointment's state does not allow is FAILED_PRECONDITION; a slot someone else
//! filled first is ABORTED with the next free slots as `SlotAlternatives` in the status
//! details, and so is a concurrent change of the same appointment; another tenant's or another
//! applicant's appointment is NOT_FOUND.

use bytes::Bytes;
use jobcenter_proto::appointment::v1 as proto;
use platform::status::{self, FieldViolation};
use prost::Message;
use tonic::{Code, Status};

use crate::api::convert;
use crate::domain::availability::FreeSlot;
use crate::domain::booking::BookingError;
use crate::events::UnreadableEvent;

/// The type URL of the `SlotAlternatives` detail of a full slot's ABORTED.
pub const SLOT_ALTERNATIVES_TYPE_URL: &str =
    "type.googleapis.com/jobcenter.appointment.v1.SlotAlternatives";

/// Everything a call to the appointment service can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppointmentError {
    /// Request fields are invalid (all of them named).
    #[error("the request is invalid")]
    Invalid(Vec<FieldViolation>),
    /// No such appointment, office or type for the caller (another tenant's, or not the
    /// applicant's own).
    #[error("not found")]
    NotFound,
    /// The decision refused the command.
    #[error(transparent)]
    Refused(BookingError),
    /// The slot is full; the next free slots, read after the refusal.
    #[error("this time has just been taken; please choose another")]
    SlotFull {
        /// The next free slots of the same office and type, earliest first.
        alternatives: Vec<FreeSlot>,
    },
    /// The appointment changed between reading and appending (another command won).
    #[error("the appointment was changed concurrently; reload it and try again")]
    Conflict,
    /// The command id names another command of the log (ids are scoped per tenant and stream
    /// before they reach the log, so this is a collision or a bug).
    #[error("the command id is taken by another command")]
    CommandIdTaken,
    /// The appointment's office or type is no longer in the jobcenter's calendar.
    #[error("the appointment's office or type is no longer offered; please contact the jobcenter")]
    CalendarChanged,
    /// A place to release was not counted: the counts and the log disagree.
    #[error("the place counts do not match the log")]
    NotCounted,
    /// The invitation could not be written from the jobcenter's templates (they are checked at
    /// start, so this is a bug).
    #[error("the invitation could not be written")]
    Template(#[from] crate::domain::invitation::TemplateError),
    /// PostgreSQL failed.
    #[error("database failure")]
    Database(#[from] sqlx::Error),
    /// The event log failed.
    #[error("event log failure")]
    Log(#[from] eventlog::EventLogError),
    /// A recorded event could not be read back.
    #[error("recorded event is unreadable")]
    Unreadable(#[from] UnreadableEvent),
    /// The case is closed: no appointment is booked or set on it any more.
    #[error("the case is closed")]
    CaseClosed,
    /// Only a team lead gives an appointment to someone else; a caseworker takes it.
    #[error("only a team lead assigns an appointment to someone else")]
    AssignsOnlyThemselves,
    /// The read model did not reach the client's position in time.
    #[error("read model not yet caught up")]
    NotCaughtUp,
    /// A read model's checkpoint could not be read.
    #[error("read model unavailable")]
    Projection(#[from] projection::ProjectionError),
}

impl AppointmentError {
    /// One invalid `field`.
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        AppointmentError::Invalid(vec![FieldViolation::new(field, description)])
    }
}

impl From<BookingError> for AppointmentError {
    fn from(refusal: BookingError) -> Self {
        match refusal {
            BookingError::NotFound => AppointmentError::NotFound,
            BookingError::SlotFull { alternatives } => AppointmentError::SlotFull { alternatives },
            other => AppointmentError::Refused(other),
        }
    }
}

impl From<eventlog::AppendError> for AppointmentError {
    fn from(error: eventlog::AppendError) -> Self {
        match error {
            eventlog::AppendError::Conflict { .. } => AppointmentError::Conflict,
            eventlog::AppendError::CommandIdTaken { .. } => AppointmentError::CommandIdTaken,
            eventlog::AppendError::Database(e) => AppointmentError::Log(e),
        }
    }
}

/// The request field a refusal is about, when the client chose the value refused.
fn refused_field(refusal: &BookingError) -> Option<&'static str> {
    use BookingError::*;
    match refusal {
        NoSuchSlot | TooSoon { .. } | TooFarAhead { .. } | InThePast | SameSlot => Some("start"),
        WrongType | NotSelfBookable | InvitationRequired => Some("appointment_type_id"),
        ChannelNotOffered(_) => Some("channel"),
        VideoLinkMissing | VideoLinkWithoutVideo => Some("video_link"),
        InvitationNeedsCase => Some("case_id"),
        ReasonRequired => Some("reason"),
        NotFound
        | AlreadyExists
        | SlotFull { .. }
        | NotOpen(_)
        | AlreadyStarted
        | NoticePassed { .. }
        | InvitationIsBinding
        | NotStartedYet
        | AttendanceAlreadyRecorded => None,
    }
}

/// ABORTED with the next free slots as a `SlotAlternatives` detail (google.rpc.Status).
pub fn slot_full(message: &str, alternatives: &[FreeSlot]) -> Status {
    let detail = proto::SlotAlternatives {
        alternatives: alternatives.iter().map(convert::free_slot).collect(),
    };
    let details = tonic_types::Status {
        code: Code::Aborted as i32,
        message: message.to_owned(),
        details: vec![prost_types::Any {
            type_url: SLOT_ALTERNATIVES_TYPE_URL.to_owned(),
            value: detail.encode_to_vec(),
        }],
    };
    Status::with_details(Code::Aborted, message, Bytes::from(details.encode_to_vec()))
}

impl platform::ToStatus for AppointmentError {
    fn to_status(&self) -> Status {
        match self {
            AppointmentError::Invalid(violations) => {
                status::invalid_argument("the request is invalid", violations.clone())
            }
            AppointmentError::NotFound => {
                status::not_found("no such appointment, office or appointment type")
            }
            AppointmentError::Refused(refusal) => match refused_field(refusal) {
                Some(field) => status::invalid_argument(
                    "the request is invalid",
                    vec![FieldViolation::new(field, refusal.to_string())],
                ),
                None if *refusal == BookingError::AlreadyExists => {
                    Status::already_exists(refusal.to_string())
                }
                None => status::failed_precondition(refusal.to_string()),
            },
            AppointmentError::SlotFull { alternatives } => {
                slot_full(&self.to_string(), alternatives)
            }
            AppointmentError::Conflict => status::aborted(self.to_string()),
            AppointmentError::CommandIdTaken => Status::already_exists(self.to_string()),
            AppointmentError::CalendarChanged | AppointmentError::CaseClosed => {
                status::failed_precondition(self.to_string())
            }
            AppointmentError::AssignsOnlyThemselves => Status::permission_denied(self.to_string()),
            AppointmentError::NotCaughtUp => status::unavailable(self.to_string()),
            AppointmentError::NotCounted
            | AppointmentError::Template(_)
            | AppointmentError::Database(_)
            | AppointmentError::Log(_)
            | AppointmentError::Unreadable(_)
            | AppointmentError::Projection(_) => status::internal(self),
        }
    }
}

impl From<AppointmentError> for Status {
    fn from(error: AppointmentError) -> Self {
        platform::ToStatus::to_status(&error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic_types::StatusExt;

    #[test]
    fn refusals_of_a_chosen_value_name_their_field_and_states_are_preconditions() {
        let status = Status::from(AppointmentError::from(BookingError::NotSelfBookable));
        assert_eq!(status.code(), Code::InvalidArgument);
        let fields: Vec<String> = status::field_violations(&status)
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(fields, ["appointment_type_id"]);
        let code = |e: BookingError| Status::from(AppointmentError::from(e)).code();
        assert_eq!(code(BookingError::AlreadyStarted), Code::FailedPrecondition);
        assert_eq!(
            code(BookingError::InvitationIsBinding),
            Code::FailedPrecondition
        );
        assert_eq!(code(BookingError::NotFound), Code::NotFound);
        assert_eq!(code(BookingError::AlreadyExists), Code::AlreadyExists);
        assert_eq!(code(BookingError::NotStartedYet), Code::FailedPrecondition);
    }

    #[test]
    fn a_full_slot_is_aborted_with_its_alternatives_in_the_details() {
        let status = slot_full("taken", &[]);
        assert_eq!(status.code(), Code::Aborted);
        let details = tonic_types::Status::decode(status.details()).expect("google.rpc.Status");
        assert_eq!(details.details.len(), 1);
        assert_eq!(details.details[0].type_url, SLOT_ALTERNATIVES_TYPE_URL);
        // The standard details (none here) still read: a client's generic decoder copes.
        assert!(status.get_details_bad_request().is_none());
    }
}
