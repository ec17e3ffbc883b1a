//! From an event of another service's log to a [`Trigger`]: decodes the protobuf payloads of
//! the event types in the trigger table and passes every other type by.
//!
//! An event type counts only from the log that owns it (an `intake.*` type from the intake
//! log, ...): no service writes another's streams, so anything else is not a trigger.

use chrono::{DateTime, NaiveDate, Utc};
use jobcenter_proto::appointment::v1 as appointment;
use jobcenter_proto::case::v1 as case;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::efile::v1 as efile;
use jobcenter_proto::intake::v1 as intake;
use prost::Message;
use uuid::Uuid;

use super::{AppointmentChannel, AppointmentFacts, OverdueLimit, SubmissionKind, Trigger};

/// The case service's log.
pub const CASE_LOG: &str = "case";
/// The intake service's log.
pub const INTAKE_LOG: &str = "intake";
/// The E-Akte's log.
pub const EFILE_LOG: &str = "efile";
/// The appointment service's log.
pub const APPOINTMENT_LOG: &str = "appointment";

/// The event types that may trigger a message.
pub mod event_types {
    /// An application or notice was received.
    pub const APPLICATION_SUBMITTED: &str = "intake.ApplicationSubmitted";
    /// Documents were requested.
    pub const DOCUMENTS_REQUESTED: &str = "case.DocumentsRequested";
    /// A deadline of a case came due.
    pub const DEADLINE_REACHED: &str = "case.DeadlineReached";
    /// An objection was received.
    pub const OBJECTION_FILED: &str = "case.ObjectionFiled";
    /// An incapacity was recorded from a sick note.
    pub const INCAPACITY_RECORDED: &str = "case.IncapacityRecorded";
    /// A scanned sick note needs a caseworker's review.
    pub const SICK_NOTE_REVIEW_REQUESTED: &str = "case.SickNoteReviewRequested";
    /// A document was filed into the E-Akte.
    pub const DOCUMENT_FILED: &str = "efile.DocumentFiled";
    /// An appointment was booked.
    pub const APPOINTMENT_BOOKED: &str = "appointment.AppointmentBooked";
    /// A Meldetermin was set by invitation.
    pub const APPOINTMENT_INVITED: &str = "appointment.AppointmentInvited";
    /// A reminder of an appointment is due.
    pub const APPOINTMENT_REMINDER_DUE: &str = "appointment.AppointmentReminderDue";
    /// An appointment moved.
    pub const APPOINTMENT_RESCHEDULED: &str = "appointment.AppointmentRescheduled";
    /// An appointment was cancelled.
    pub const APPOINTMENT_CANCELLED: &str = "appointment.AppointmentCancelled";
}

use event_types::*;

/// Why an event of a trigger type could not be read. Names the event type and the field,
/// never a value (values may be social data).
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The payload is no protobuf message of its type.
    #[error("{event_type}: unreadable payload")]
    Payload {
        /// The event type.
        event_type: &'static str,
        /// What prost reported.
        #[source]
        source: prost::DecodeError,
    },
    /// The event's stream is not the kind its type is written to.
    #[error("{event_type}: the stream is no {expected}-<uuid> stream")]
    Stream {
        /// The event type.
        event_type: &'static str,
        /// The stream prefix expected (`case`, `appointment`).
        expected: &'static str,
    },
    /// A field the message needs is missing or malformed.
    #[error("{event_type}: {field} is missing or invalid")]
    Field {
        /// The event type.
        event_type: &'static str,
        /// The field's path in the payload.
        field: &'static str,
    },
}

/// The trigger of an event of log `source_log` (`case`, `intake`, `efile`, `appointment`) of
/// type `event_type` on stream `stream_id`, or `None` when the event tells no one anything.
/// Case events name their case only by their stream `case-<uuid>`, rescheduled and cancelled
/// appointments theirs only by `appointment-<uuid>`: hence the stream id.
pub fn decode(
    source_log: &str,
    event_type: &str,
    stream_id: &str,
    payload: &[u8],
) -> Result<Option<Trigger>, DecodeError> {
    match (source_log, event_type) {
        (INTAKE_LOG, APPLICATION_SUBMITTED) => submission(payload).map(Some),
        (CASE_LOG, DOCUMENTS_REQUESTED) => {
            let case_id = case_stream(DOCUMENTS_REQUESTED, stream_id)?;
            let e: case::DocumentsRequested = read(DOCUMENTS_REQUESTED, payload)?;
            Ok(Some(Trigger::DocumentsRequested {
                case_id,
                documents: e.documents,
                due: date(DOCUMENTS_REQUESTED, "due", e.due.as_ref())?,
            }))
        }
        (CASE_LOG, DEADLINE_REACHED) => {
            let case_id = case_stream(DEADLINE_REACHED, stream_id)?;
            let e: case::DeadlineReached = read(DEADLINE_REACHED, payload)?;
            deadline(case_id, &e)
        }
        (CASE_LOG, OBJECTION_FILED) => {
            let case_id = case_stream(OBJECTION_FILED, stream_id)?;
            let e: case::ObjectionFiled = read(OBJECTION_FILED, payload)?;
            Ok(Some(Trigger::ObjectionFiled {
                case_id,
                filed_on: date(OBJECTION_FILED, "filed_on", e.filed_on.as_ref())?,
                late: e.late,
            }))
        }
        (CASE_LOG, INCAPACITY_RECORDED) => {
            let case_id = case_stream(INCAPACITY_RECORDED, stream_id)?;
            let e: case::IncapacityRecorded = read(INCAPACITY_RECORDED, payload)?;
            // Only a scanned sick note is an E-Akte document; a form's record id is the
            // application's.
            let document_id = if e.source == case::IncapacitySource::Scan as i32 {
                Some(uuid(INCAPACITY_RECORDED, "record_id", &e.record_id)?)
            } else {
                None
            };
            Ok(Some(Trigger::IncapacityRecorded {
                case_id,
                from: date(
                    INCAPACITY_RECORDED,
                    "incapacity_from",
                    e.incapacity_from.as_ref(),
                )?,
                until: date(
                    INCAPACITY_RECORDED,
                    "incapacity_until",
                    e.incapacity_until.as_ref(),
                )?,
                document_id,
            }))
        }
        (CASE_LOG, SICK_NOTE_REVIEW_REQUESTED) => {
            let case_id = case_stream(SICK_NOTE_REVIEW_REQUESTED, stream_id)?;
            let e: case::SickNoteReviewRequested = read(SICK_NOTE_REVIEW_REQUESTED, payload)?;
            Ok(Some(Trigger::SickNoteNeedsReview {
                case_id,
                document_id: uuid(SICK_NOTE_REVIEW_REQUESTED, "document_id", &e.document_id)?,
            }))
        }
        (EFILE_LOG, DOCUMENT_FILED) => {
            let e: efile::DocumentFiled = read(DOCUMENT_FILED, payload)?;
            // Only the platform's own decision letters are decisions issued; an uploaded or
            // scanned letter of the same type is the applicant's copy of an older one.
            if e.r#type != efile::DocumentType::DecisionLetter as i32
                || e.channel != efile::Channel::Generated as i32
            {
                return Ok(None);
            }
            Ok(Some(Trigger::DecisionLetterFiled {
                case_id: uuid(DOCUMENT_FILED, "case_id", &e.case_id)?,
                document_id: uuid(DOCUMENT_FILED, "document_id", &e.document_id)?,
            }))
        }
        (APPOINTMENT_LOG, APPOINTMENT_BOOKED) => {
            let id = appointment_stream(APPOINTMENT_BOOKED, stream_id)?;
            let e: appointment::AppointmentBooked = read(APPOINTMENT_BOOKED, payload)?;
            let appointment = terms(APPOINTMENT_BOOKED, id, e.terms, e.place)?;
            Ok(Some(Trigger::AppointmentBooked { appointment }))
        }
        (APPOINTMENT_LOG, APPOINTMENT_INVITED) => {
            let id = appointment_stream(APPOINTMENT_INVITED, stream_id)?;
            let e: appointment::AppointmentInvited = read(APPOINTMENT_INVITED, payload)?;
            let appointment = terms(APPOINTMENT_INVITED, id, e.terms, e.place)?;
            Ok(Some(Trigger::AppointmentInvited { appointment }))
        }
        (APPOINTMENT_LOG, APPOINTMENT_REMINDER_DUE) => {
            let id = appointment_stream(APPOINTMENT_REMINDER_DUE, stream_id)?;
            let e: appointment::AppointmentReminderDue = read(APPOINTMENT_REMINDER_DUE, payload)?;
            reminder(id, e).map(Some)
        }
        (APPOINTMENT_LOG, APPOINTMENT_RESCHEDULED) => {
            let appointment_id = appointment_stream(APPOINTMENT_RESCHEDULED, stream_id)?;
            let e: appointment::AppointmentRescheduled = read(APPOINTMENT_RESCHEDULED, payload)?;
            let new_start = e.taken.as_ref().and_then(|p| p.start.as_ref());
            Ok(Some(Trigger::AppointmentRescheduled {
                appointment_id,
                new_start: instant(APPOINTMENT_RESCHEDULED, "taken.start", new_start)?,
            }))
        }
        (APPOINTMENT_LOG, APPOINTMENT_CANCELLED) => {
            let appointment_id = appointment_stream(APPOINTMENT_CANCELLED, stream_id)?;
            let e: appointment::AppointmentCancelled = read(APPOINTMENT_CANCELLED, payload)?;
            let start = e.released.as_ref().and_then(|p| p.start.as_ref());
            Ok(Some(Trigger::AppointmentCancelled {
                appointment_id,
                start: instant(APPOINTMENT_CANCELLED, "released.start", start)?,
            }))
        }
        _ => Ok(None),
    }
}

/// The case of a case stream `case-<uuid>`.
pub fn case_of_stream(stream_id: &str) -> Option<Uuid> {
    uuid_after(stream_id, "case-")
}

/// The appointment of an appointment stream `appointment-<uuid>`.
pub fn appointment_of_stream(stream_id: &str) -> Option<Uuid> {
    uuid_after(stream_id, "appointment-")
}

fn uuid_after(stream_id: &str, prefix: &str) -> Option<Uuid> {
    stream_id
        .strip_prefix(prefix)
        .and_then(|id| Uuid::parse_str(id).ok())
}

fn submission(payload: &[u8]) -> Result<Trigger, DecodeError> {
    use intake::application_submitted::Form;
    const TYPE: &str = APPLICATION_SUBMITTED;
    let e: intake::ApplicationSubmitted = read(TYPE, payload)?;
    let kind = match e.form {
        Some(Form::MainApplication(_)) => SubmissionKind::MainApplication,
        Some(Form::ContinuationApplication(_)) => SubmissionKind::Continuation,
        Some(Form::OneOffBenefitApplication(_)) => SubmissionKind::OneOffBenefit,
        Some(Form::EducationParticipationApplication(_)) => SubmissionKind::EducationParticipation,
        Some(Form::SickNote(_)) => SubmissionKind::SickNote,
        Some(Form::AbsenceNotice(_)) => SubmissionKind::AbsenceNotice,
        Some(Form::ChangeNotice(_)) => SubmissionKind::ChangeNotice,
        None => {
            return Err(DecodeError::Field {
                event_type: TYPE,
                field: "form",
            });
        }
    };
    Ok(Trigger::SubmissionReceived {
        application_id: uuid(TYPE, "application_id", &e.application_id)?,
        kind,
        received_at: instant(TYPE, "received_at", e.received_at.as_ref())?,
        applicant_account: non_empty(e.applicant_account),
        case_id: optional_uuid(TYPE, "case_id", &e.case_id)?,
    })
}

fn deadline(case_id: Uuid, e: &case::DeadlineReached) -> Result<Option<Trigger>, DecodeError> {
    use case::DeadlineKind;
    let trigger = match DeadlineKind::try_from(e.kind) {
        Ok(DeadlineKind::DocumentsReminder) => Trigger::DocumentsDueSoon {
            case_id,
            reminder_on: date(DEADLINE_REACHED, "due_on", e.due_on.as_ref())?,
        },
        Ok(DeadlineKind::DecisionOverdueWarning) => Trigger::DecisionOverdue {
            case_id,
            limit: OverdueLimit::Decision,
        },
        Ok(DeadlineKind::ObjectionDecisionOverdueWarning) => Trigger::DecisionOverdue {
            case_id,
            limit: OverdueLimit::Objection,
        },
        // Documents due, continuation prompt, objection period: tasks of the case service,
        // not messages (a kind added later is passed by too).
        _ => return Ok(None),
    };
    Ok(Some(trigger))
}

/// The facts of a booking or invitation: both carry the appointment's terms and place.
fn terms(
    event_type: &'static str,
    appointment_id: Uuid,
    terms: Option<appointment::Terms>,
    place: Option<appointment::Place>,
) -> Result<AppointmentFacts, DecodeError> {
    let terms = terms.ok_or(DecodeError::Field {
        event_type,
        field: "terms",
    })?;
    let start = place.as_ref().and_then(|p| p.start.as_ref());
    Ok(AppointmentFacts {
        appointment_id,
        reference: terms.reference,
        applicant_account: non_empty(terms.applicant_subject),
        case_id: optional_uuid(event_type, "terms.case_id", &terms.case_id)?,
        start: instant(event_type, "place.start", start)?,
        channel: channel(event_type, "terms.channel", terms.channel)?,
        video_link: terms.video_link,
        // The place names its office by id only; the service keeps no office directory.
        office: String::new(),
    })
}

fn reminder(
    appointment_id: Uuid,
    e: appointment::AppointmentReminderDue,
) -> Result<Trigger, DecodeError> {
    const TYPE: &str = APPOINTMENT_REMINDER_DUE;
    let start = e.place.as_ref().and_then(|p| p.start.as_ref());
    let appointment = AppointmentFacts {
        appointment_id,
        reference: e.reference,
        applicant_account: non_empty(e.applicant_subject),
        case_id: optional_uuid(TYPE, "case_id", &e.case_id)?,
        start: instant(TYPE, "place.start", start)?,
        channel: channel(TYPE, "channel", e.channel)?,
        video_link: e.video_link,
        office: office(&e.office_name, e.office_address.as_ref()),
    };
    Ok(Trigger::AppointmentReminder { appointment })
}

/// "Name, Street 1, 12345 City", leaving out what is empty.
fn office(name: &str, address: Option<&common::Address>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut push = |part: String| {
        let part = part.trim().to_owned();
        if !part.is_empty() {
            parts.push(part);
        }
    };
    push(name.to_owned());
    if let Some(a) = address {
        push(format!("{} {}", a.street, a.house_number));
        push(format!("{} {}", a.postal_code, a.city));
    }
    parts.join(", ")
}

fn channel(
    event_type: &'static str,
    field: &'static str,
    value: i32,
) -> Result<AppointmentChannel, DecodeError> {
    match appointment::AppointmentChannel::try_from(value) {
        Ok(appointment::AppointmentChannel::InPerson) => Ok(AppointmentChannel::InPerson),
        Ok(appointment::AppointmentChannel::Phone) => Ok(AppointmentChannel::Phone),
        Ok(appointment::AppointmentChannel::Video) => Ok(AppointmentChannel::Video),
        _ => Err(DecodeError::Field { event_type, field }),
    }
}

fn read<M: Message + Default>(event_type: &'static str, payload: &[u8]) -> Result<M, DecodeError> {
    M::decode(payload).map_err(|source| DecodeError::Payload { event_type, source })
}

fn case_stream(event_type: &'static str, stream_id: &str) -> Result<Uuid, DecodeError> {
    case_of_stream(stream_id).ok_or(DecodeError::Stream {
        event_type,
        expected: "case",
    })
}

fn appointment_stream(event_type: &'static str, stream_id: &str) -> Result<Uuid, DecodeError> {
    appointment_of_stream(stream_id).ok_or(DecodeError::Stream {
        event_type,
        expected: "appointment",
    })
}

fn uuid(event_type: &'static str, field: &'static str, value: &str) -> Result<Uuid, DecodeError> {
    Uuid::parse_str(value).map_err(|_| DecodeError::Field { event_type, field })
}

/// An optional UUID field: empty is none, anything else must be a UUID.
fn optional_uuid(
    event_type: &'static str,
    field: &'static str,
    value: &str,
) -> Result<Option<Uuid>, DecodeError> {
    if value.is_empty() {
        Ok(None)
    } else {
        uuid(event_type, field, value).map(Some)
    }
}

fn date(
    event_type: &'static str,
    field: &'static str,
    value: Option<&common::Date>,
) -> Result<NaiveDate, DecodeError> {
    value
        .and_then(crate::domain::day::from_proto)
        .ok_or(DecodeError::Field { event_type, field })
}

fn instant(
    event_type: &'static str,
    field: &'static str,
    value: Option<&prost_types::Timestamp>,
) -> Result<DateTime<Utc>, DecodeError> {
    value
        .and_then(|t| DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).ok()?))
        .ok_or(DecodeError::Field { event_type, field })
}

fn non_empty(value: String) -> Option<String> {
    (!value.is_empty()).then_some(value)
}
