//! Takes the appointment service's events onto the cases (docs/casework/appointments.md): each
//! booking, invitation, reschedule, cancellation, attendance and no-show of an appointment that
//! belongs to a case is noted on it (`case.AppointmentNoted`), and a no-show without a reason
//! asks the case's caseworker to assess it (`case.MissedAppointmentAssessmentRequested`, which
//! opens a task).
//!
//! Runs as a projection over the appointment service's log (source `appointment`, JetStream
//! `EV_APPOINTMENT`), appending to the case log with `CaseCommands::execute_in` inside the
//! runner's batch transaction, so the append commits with the checkpoint. The command id is
//! derived from the appointment event's id (and scoped by tenant and case like every command
//! id): a redelivery appends nothing twice. The case is the event's metadata `case_id` (the
//! assessment request also names it in its payload); an appointment without one (a first
//! meeting booked before its case exists) is none of the case service's business. An event
//! naming no case of its tenant is logged (ids only) and passed by: one bad event must not stop
//! every appointment behind it.

use eventlog::RecordedEvent;
use jobcenter_proto::appointment::v1 as appointment;
use jobcenter_proto::case::v1 as proto;
use prost::Message;
use uuid::Uuid;

use super::foreign::{ForeignEvents, ForeignReactor};
pub use super::foreign::{Passed, Reaction};
use crate::domain::case::Command;

/// Name of the reactor (its checkpoint key and actor `reactor:appointments`).
pub const NAME: &str = "appointments";
/// The service whose log the reactor consumes.
pub const APPOINTMENT_SERVICE: &str = "appointment";

/// Event types of the appointment log the reactor reacts to.
pub const BOOKED: &str = "appointment.AppointmentBooked";
pub const INVITED: &str = "appointment.AppointmentInvited";
pub const RESCHEDULED: &str = "appointment.AppointmentRescheduled";
pub const CANCELLED: &str = "appointment.AppointmentCancelled";
pub const ATTENDED: &str = "appointment.AppointmentAttended";
pub const MISSED: &str = "appointment.AppointmentMissed";
pub const ASSESSMENT_REQUESTED: &str = "appointment.MissedAppointmentAssessmentRequested";

/// Fixed namespace of the reactor's command ids: UUIDv5(namespace, appointment event id).
pub const APPOINTMENT_COMMAND_NAMESPACE: Uuid =
    Uuid::from_u128(0x2f8b_5c17_d94e_4a60_b3a1_7e0c_59d2_8f43);

/// The command id of the reaction to appointment event `appointment_event_id`.
pub fn reaction_command_id(appointment_event_id: Uuid) -> Uuid {
    Uuid::new_v5(
        &APPOINTMENT_COMMAND_NAMESPACE,
        appointment_event_id.as_bytes(),
    )
}

/// The appointment whose stream is `stream_id` (`appointment-<uuid>`).
pub fn appointment_of_stream(stream_id: &str) -> Option<Uuid> {
    stream_id
        .strip_prefix("appointment-")
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// The case command for appointment `event`, or why there is none. Pure, apart from decoding.
pub fn reaction(event: &RecordedEvent) -> Result<Reaction, Passed> {
    if !matches!(
        event.event_type.as_str(),
        BOOKED | INVITED | RESCHEDULED | CANCELLED | ATTENDED | MISSED | ASSESSMENT_REQUESTED
    ) {
        return Err(Passed::NotOfInterest);
    }
    let appointment_id = appointment_of_stream(&event.stream_id)
        .ok_or(Passed::Malformed("the stream names no appointment"))?
        .to_string();
    let payload = event.payload.as_slice();
    let unreadable = |_| Passed::Malformed("unreadable payload");
    // The case named in the metadata; the request also names it in its payload.
    let mut case_id = event.metadata.case_id.clone().unwrap_or_default();
    let command = match event.event_type.as_str() {
        BOOKED => {
            let e = appointment::AppointmentBooked::decode(payload).map_err(unreadable)?;
            let by_applicant = e.origin == appointment::Origin::SelfService as i32;
            note_with_terms(
                proto::AppointmentChange::Booked,
                &appointment_id,
                e.terms.as_ref(),
                e.place.as_ref(),
                by_applicant,
                &mut case_id,
            )
        }
        INVITED => {
            let e = appointment::AppointmentInvited::decode(payload).map_err(unreadable)?;
            note_with_terms(
                proto::AppointmentChange::Invited,
                &appointment_id,
                e.terms.as_ref(),
                e.place.as_ref(),
                false,
                &mut case_id,
            )
        }
        RESCHEDULED => {
            let e = appointment::AppointmentRescheduled::decode(payload).map_err(unreadable)?;
            Command::NoteAppointment(proto::AppointmentNoted {
                appointment_id,
                change: proto::AppointmentChange::Rescheduled as i32,
                start: e.taken.as_ref().and_then(|p| p.start),
                end: e.taken.as_ref().and_then(|p| p.end),
                previous_start: e.released.as_ref().and_then(|p| p.start),
                by_applicant: by_applicant(e.by.as_ref()),
                ..Default::default()
            })
        }
        CANCELLED => {
            let e = appointment::AppointmentCancelled::decode(payload).map_err(unreadable)?;
            Command::NoteAppointment(proto::AppointmentNoted {
                appointment_id,
                change: proto::AppointmentChange::Cancelled as i32,
                start: e.released.as_ref().and_then(|p| p.start),
                end: e.released.as_ref().and_then(|p| p.end),
                reason: e.reason,
                by_applicant: by_applicant(e.by.as_ref()),
                ..Default::default()
            })
        }
        ATTENDED => {
            appointment::AppointmentAttended::decode(payload).map_err(unreadable)?;
            Command::NoteAppointment(proto::AppointmentNoted {
                appointment_id,
                change: proto::AppointmentChange::Attended as i32,
                ..Default::default()
            })
        }
        MISSED => {
            let e = appointment::AppointmentMissed::decode(payload).map_err(unreadable)?;
            Command::NoteAppointment(proto::AppointmentNoted {
                appointment_id,
                change: proto::AppointmentChange::Missed as i32,
                reason: e.reason,
                ..Default::default()
            })
        }
        _ => {
            let e = appointment::MissedAppointmentAssessmentRequested::decode(payload)
                .map_err(unreadable)?;
            if case_id.is_empty() {
                case_id = e.case_id;
            }
            Command::RequestMissedAppointmentAssessment(
                proto::MissedAppointmentAssessmentRequested {
                    appointment_id,
                    reference: String::new(),
                    kind: kind(e.kind) as i32,
                    invitation: e.invitation,
                    missed_start: e.missed_start,
                },
            )
        }
    };
    if case_id.is_empty() {
        return Err(Passed::NoCase);
    }
    let case_id =
        Uuid::parse_str(&case_id).map_err(|_| Passed::Malformed("the case id is no UUID"))?;
    Ok(Reaction { case_id, command })
}

/// The note of a booking or invitation, which carry the appointment's terms; the terms' case
/// stands in for a missing metadata case id.
fn note_with_terms(
    change: proto::AppointmentChange,
    appointment_id: &str,
    terms: Option<&appointment::Terms>,
    place: Option<&appointment::Place>,
    by_applicant: bool,
    case_id: &mut String,
) -> Command {
    let terms = terms.cloned().unwrap_or_default();
    if case_id.is_empty() {
        case_id.clone_from(&terms.case_id);
    }
    Command::NoteAppointment(proto::AppointmentNoted {
        appointment_id: appointment_id.to_owned(),
        change: change as i32,
        reference: terms.reference,
        kind: kind(terms.kind) as i32,
        channel: channel(terms.channel) as i32,
        start: place.and_then(|p| p.start),
        end: place.and_then(|p| p.end),
        by_applicant,
        ..Default::default()
    })
}

/// The applicant acted when no staff member is named; an event naming nobody is the jobcenter's.
fn by_applicant(party: Option<&appointment::Party>) -> bool {
    party.is_some_and(|party| party.staff_subject.is_empty())
}

/// The appointment service's kind as the case records it.
fn kind(value: i32) -> proto::AppointmentKind {
    use appointment::AppointmentKind as Theirs;
    match Theirs::try_from(value).unwrap_or_default() {
        Theirs::FirstMeeting => proto::AppointmentKind::FirstMeeting,
        Theirs::Counselling => proto::AppointmentKind::Counselling,
        Theirs::Placement => proto::AppointmentKind::Placement,
        Theirs::Meldetermin => proto::AppointmentKind::Meldetermin,
        Theirs::Other => proto::AppointmentKind::Other,
        Theirs::Unspecified => proto::AppointmentKind::Unspecified,
    }
}

/// The appointment service's channel as the case records it.
fn channel(value: i32) -> proto::AppointmentChannel {
    use appointment::AppointmentChannel as Theirs;
    match Theirs::try_from(value).unwrap_or_default() {
        Theirs::InPerson => proto::AppointmentChannel::InPerson,
        Theirs::Phone => proto::AppointmentChannel::Phone,
        Theirs::Video => proto::AppointmentChannel::Video,
        Theirs::Unspecified => proto::AppointmentChannel::Unspecified,
    }
}

/// The events of this log the case reacts to.
pub struct Appointments;

impl ForeignEvents for Appointments {
    const NAME: &'static str = NAME;
    const WHAT: &'static str = "appointment event";

    fn reaction(event: &RecordedEvent) -> Result<Reaction, Passed> {
        reaction(event)
    }

    fn command_id(event_id: Uuid) -> Uuid {
        reaction_command_id(event_id)
    }
}

/// The reactor.
pub type AppointmentReactor = ForeignReactor<Appointments>;

#[cfg(test)]
mod tests;
