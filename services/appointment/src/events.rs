//! The events of the appointment log: their recorded type names (`appointment.<MessageName>`),
//! schema version, and the one conversion between the domain's [`Event`]s and the recorded
//! proto payloads of `proto/jobcenter/appointment/v1/events.proto`.
//!
//! The payloads carry no time of their own: the moment of an event is when the log recorded
//! it (`recorded_at`), which [`decode`] puts back into the domain event. Every place that reads
//! or writes the log goes through here, so types and versions are named one way.

use chrono::{DateTime, Utc};
use eventlog::{EventMetadata, NewEvent};
use jobcenter_proto::appointment::v1 as proto;
use prost::Message;
use uuid::Uuid;

use crate::domain::appointment::{Event, Origin, Party, Place, Terms, VideoLink};
use crate::domain::calendar::{AppointmentKind, Channel};
use crate::domain::ids::{
    ApplicantId, AppointmentId, AppointmentTypeId, CaseId, OfficeId, StaffId,
};
use crate::domain::invitation::{Invitation, Letter};
use crate::domain::reference::BookingReference;
use crate::domain::wording::Language;

/// Every event schema of the appointment log is at version 1 so far.
pub const SCHEMA_VERSION: i32 = 1;

/// `appointment.AppointmentBooked`.
pub const BOOKED: &str = "appointment.AppointmentBooked";
/// `appointment.AppointmentInvited`.
pub const INVITED: &str = "appointment.AppointmentInvited";
/// `appointment.AppointmentCancelled`.
pub const CANCELLED: &str = "appointment.AppointmentCancelled";
/// `appointment.AppointmentRescheduled`.
pub const RESCHEDULED: &str = "appointment.AppointmentRescheduled";
/// `appointment.AppointmentAttended`.
pub const ATTENDED: &str = "appointment.AppointmentAttended";
/// `appointment.AppointmentMissed`.
pub const MISSED: &str = "appointment.AppointmentMissed";
/// `appointment.AppointmentAssigned`.
pub const ASSIGNED: &str = "appointment.AppointmentAssigned";
/// `appointment.MissedAppointmentAssessmentRequested`: the case service opens a task from it.
pub const ASSESSMENT_REQUESTED: &str = "appointment.MissedAppointmentAssessmentRequested";

/// `appointment.AppointmentReminderDue`: the notification service sends the reminder from it
/// (`crate::reminders`). It changes nothing about the appointment, so [`decode`] skips it.
pub const REMINDER_DUE: &str = "appointment.AppointmentReminderDue";

/// Every recorded type name this version knows.
pub const TYPES: &[&str] = &[
    BOOKED,
    INVITED,
    CANCELLED,
    RESCHEDULED,
    ATTENDED,
    MISSED,
    ASSIGNED,
    ASSESSMENT_REQUESTED,
    REMINDER_DUE,
];

/// Why a recorded event cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum UnreadableEvent {
    /// The payload is not the message its type names.
    #[error("the payload does not decode")]
    Decode(#[from] prost::DecodeError),
    /// A field holds what the service never writes there.
    #[error("the field {0} is unreadable")]
    Field(&'static str),
}

/// The recorded type name of `event`.
pub fn event_type(event: &Event) -> &'static str {
    match event {
        Event::Booked { .. } => BOOKED,
        Event::Invited { .. } => INVITED,
        Event::Cancelled { .. } => CANCELLED,
        Event::Rescheduled { .. } => RESCHEDULED,
        Event::Attended { .. } => ATTENDED,
        Event::NoShow { .. } => MISSED,
        Event::Assigned { .. } => ASSIGNED,
        Event::AssessmentRequested { .. } => ASSESSMENT_REQUESTED,
    }
}

/// The payload bytes of `event`.
pub fn encode(event: &Event) -> Vec<u8> {
    match event {
        Event::Booked {
            terms,
            place,
            origin,
            ..
        } => {
            let (origin, booked_by) = origin_to_proto(origin);
            proto::AppointmentBooked {
                terms: Some(terms_to_proto(terms)),
                place: Some(place_to_proto(place)),
                origin: origin as i32,
                booked_by,
            }
            .encode_to_vec()
        }
        Event::Invited {
            terms,
            place,
            by,
            invitation,
            ..
        } => proto::AppointmentInvited {
            terms: Some(terms_to_proto(terms)),
            place: Some(place_to_proto(place)),
            invited_by: by.0.clone(),
            german: Some(letter_to_proto(&invitation.german)),
            english: Some(letter_to_proto(&invitation.english)),
        }
        .encode_to_vec(),
        Event::Cancelled {
            released,
            by,
            reason,
            ..
        } => proto::AppointmentCancelled {
            released: Some(place_to_proto(released)),
            by: Some(party_to_proto(by)),
            reason: reason.clone().unwrap_or_default(),
        }
        .encode_to_vec(),
        Event::Rescheduled {
            released,
            taken,
            by,
            ..
        } => proto::AppointmentRescheduled {
            released: Some(place_to_proto(released)),
            taken: Some(place_to_proto(taken)),
            by: Some(party_to_proto(by)),
        }
        .encode_to_vec(),
        Event::Attended { recorded_by, .. } => proto::AppointmentAttended {
            recorded_by: recorded_by.0.clone(),
        }
        .encode_to_vec(),
        Event::NoShow {
            reason,
            recorded_by,
            ..
        } => proto::AppointmentMissed {
            reason: reason.clone().unwrap_or_default(),
            recorded_by: recorded_by.0.clone(),
        }
        .encode_to_vec(),
        Event::Assigned { caseworker, by, .. } => proto::AppointmentAssigned {
            caseworker: caseworker.0.clone(),
            assigned_by: by.0.clone(),
        }
        .encode_to_vec(),
        Event::AssessmentRequested {
            case,
            appointment,
            kind,
            invitation,
            missed_start,
        } => proto::MissedAppointmentAssessmentRequested {
            case_id: case.to_string(),
            appointment_id: appointment.to_string(),
            kind: kind_to_proto(*kind) as i32,
            invitation: *invitation,
            missed_start: Some(to_timestamp(*missed_start)),
        }
        .encode_to_vec(),
    }
}

/// `event` ready to append, with its context.
pub fn to_new_event(event: &Event, metadata: EventMetadata) -> NewEvent {
    NewEvent {
        event_type: event_type(event).to_owned(),
        schema_version: SCHEMA_VERSION,
        payload: encode(event),
        metadata,
    }
}

/// The event recorded as `event_type` with `payload` at `recorded_at`; `None` for a type this
/// version does not know (written by a newer version).
pub fn decode(
    event_type: &str,
    payload: &[u8],
    recorded_at: DateTime<Utc>,
) -> Result<Option<Event>, UnreadableEvent> {
    let at = recorded_at;
    let event = match event_type {
        BOOKED => {
            let e = proto::AppointmentBooked::decode(payload)?;
            Event::Booked {
                terms: terms_from_proto(e.terms.as_ref())?,
                place: place_from_proto(e.place.as_ref())?,
                origin: origin_from_proto(e.origin, &e.booked_by)?,
                at,
            }
        }
        INVITED => {
            let e = proto::AppointmentInvited::decode(payload)?;
            Event::Invited {
                terms: terms_from_proto(e.terms.as_ref())?,
                place: place_from_proto(e.place.as_ref())?,
                by: StaffId(e.invited_by),
                invitation: Box::new(Invitation {
                    german: letter_from_proto(e.german.as_ref(), Language::German)?,
                    english: letter_from_proto(e.english.as_ref(), Language::English)?,
                }),
                at,
            }
        }
        CANCELLED => {
            let e = proto::AppointmentCancelled::decode(payload)?;
            Event::Cancelled {
                released: place_from_proto(e.released.as_ref())?,
                by: party_from_proto(e.by.as_ref()),
                reason: non_empty(e.reason),
                at,
            }
        }
        RESCHEDULED => {
            let e = proto::AppointmentRescheduled::decode(payload)?;
            Event::Rescheduled {
                released: place_from_proto(e.released.as_ref())?,
                taken: place_from_proto(e.taken.as_ref())?,
                by: party_from_proto(e.by.as_ref()),
                at,
            }
        }
        ATTENDED => {
            let e = proto::AppointmentAttended::decode(payload)?;
            Event::Attended {
                recorded_by: StaffId(e.recorded_by),
                at,
            }
        }
        MISSED => {
            let e = proto::AppointmentMissed::decode(payload)?;
            Event::NoShow {
                reason: non_empty(e.reason),
                recorded_by: StaffId(e.recorded_by),
                at,
            }
        }
        ASSIGNED => {
            let e = proto::AppointmentAssigned::decode(payload)?;
            Event::Assigned {
                caseworker: StaffId(e.caseworker),
                by: StaffId(e.assigned_by),
                at,
            }
        }
        ASSESSMENT_REQUESTED => {
            let e = proto::MissedAppointmentAssessmentRequested::decode(payload)?;
            Event::AssessmentRequested {
                case: CaseId(uuid(&e.case_id, "case_id")?),
                appointment: AppointmentId(uuid(&e.appointment_id, "appointment_id")?),
                kind: kind_from_proto(e.kind).ok_or(UnreadableEvent::Field("kind"))?,
                invitation: e.invitation,
                missed_start: e
                    .missed_start
                    .as_ref()
                    .and_then(from_timestamp)
                    .ok_or(UnreadableEvent::Field("missed_start"))?,
            }
        }
        // A reminder sent is no change of the appointment (`crate::reminders`).
        REMINDER_DUE => return Ok(None),
        _ => return Ok(None),
    };
    Ok(Some(event))
}

/// A UTC time as a protobuf timestamp.
pub fn to_timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or_default(),
    }
}

/// A protobuf timestamp as UTC time, if it is one.
pub fn from_timestamp(at: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(at.seconds, u32::try_from(at.nanos).ok()?)
}

/// The proto value of a kind.
pub fn kind_to_proto(kind: AppointmentKind) -> proto::AppointmentKind {
    match kind {
        AppointmentKind::FirstMeeting => proto::AppointmentKind::FirstMeeting,
        AppointmentKind::Counselling => proto::AppointmentKind::Counselling,
        AppointmentKind::Placement => proto::AppointmentKind::Placement,
        AppointmentKind::Meldetermin => proto::AppointmentKind::Meldetermin,
        AppointmentKind::Other => proto::AppointmentKind::Other,
    }
}

/// The kind of a proto value; `None` for unspecified or unknown values.
pub fn kind_from_proto(value: i32) -> Option<AppointmentKind> {
    Some(match proto::AppointmentKind::try_from(value).ok()? {
        proto::AppointmentKind::Unspecified => return None,
        proto::AppointmentKind::FirstMeeting => AppointmentKind::FirstMeeting,
        proto::AppointmentKind::Counselling => AppointmentKind::Counselling,
        proto::AppointmentKind::Placement => AppointmentKind::Placement,
        proto::AppointmentKind::Meldetermin => AppointmentKind::Meldetermin,
        proto::AppointmentKind::Other => AppointmentKind::Other,
    })
}

/// The proto value of a channel.
pub fn channel_to_proto(channel: Channel) -> proto::AppointmentChannel {
    match channel {
        Channel::InPerson => proto::AppointmentChannel::InPerson,
        Channel::Phone => proto::AppointmentChannel::Phone,
        Channel::Video => proto::AppointmentChannel::Video,
    }
}

/// The channel of a proto value; `None` for unspecified or unknown values.
pub fn channel_from_proto(value: i32) -> Option<Channel> {
    Some(match proto::AppointmentChannel::try_from(value).ok()? {
        proto::AppointmentChannel::Unspecified => return None,
        proto::AppointmentChannel::InPerson => Channel::InPerson,
        proto::AppointmentChannel::Phone => Channel::Phone,
        proto::AppointmentChannel::Video => Channel::Video,
    })
}

/// The proto value of an origin, and the staff member who booked (empty for self-service).
pub fn origin_to_proto(origin: &Origin) -> (proto::Origin, String) {
    match origin {
        Origin::SelfService => (proto::Origin::SelfService, String::new()),
        Origin::BookedByStaff(staff) => (proto::Origin::BookedByStaff, staff.0.clone()),
        Origin::Invitation(staff) => (proto::Origin::Invitation, staff.0.clone()),
    }
}

fn origin_from_proto(value: i32, by: &str) -> Result<Origin, UnreadableEvent> {
    match proto::Origin::try_from(value) {
        Ok(proto::Origin::SelfService) => Ok(Origin::SelfService),
        Ok(proto::Origin::BookedByStaff) => Ok(Origin::BookedByStaff(StaffId::from(by))),
        Ok(proto::Origin::Invitation) => Ok(Origin::Invitation(StaffId::from(by))),
        Ok(proto::Origin::Unspecified) | Err(_) => Err(UnreadableEvent::Field("origin")),
    }
}

/// The proto form of a place.
pub fn place_to_proto(place: &Place) -> proto::Place {
    proto::Place {
        office_id: place.office.to_string(),
        appointment_type_id: place.appointment_type.to_string(),
        start: Some(to_timestamp(place.start)),
        end: Some(to_timestamp(place.end)),
    }
}

fn place_from_proto(place: Option<&proto::Place>) -> Result<Place, UnreadableEvent> {
    let place = place.ok_or(UnreadableEvent::Field("place"))?;
    let instant = |at: Option<&prost_types::Timestamp>, field| {
        at.and_then(from_timestamp)
            .ok_or(UnreadableEvent::Field(field))
    };
    Ok(Place {
        office: OfficeId(uuid(&place.office_id, "place.office_id")?),
        appointment_type: AppointmentTypeId(uuid(
            &place.appointment_type_id,
            "place.appointment_type_id",
        )?),
        start: instant(place.start.as_ref(), "place.start")?,
        end: instant(place.end.as_ref(), "place.end")?,
    })
}

fn terms_to_proto(terms: &Terms) -> proto::Terms {
    proto::Terms {
        appointment_id: terms.id.to_string(),
        reference: terms.reference.to_string(),
        applicant_subject: terms.applicant.0.clone(),
        case_id: terms.case.map(|case| case.to_string()).unwrap_or_default(),
        kind: kind_to_proto(terms.kind) as i32,
        channel: channel_to_proto(terms.channel) as i32,
        video_link: terms
            .video_link
            .as_ref()
            .map(|link| link.as_str().to_owned())
            .unwrap_or_default(),
    }
}

fn terms_from_proto(terms: Option<&proto::Terms>) -> Result<Terms, UnreadableEvent> {
    let terms = terms.ok_or(UnreadableEvent::Field("terms"))?;
    Ok(Terms {
        id: AppointmentId(uuid(&terms.appointment_id, "terms.appointment_id")?),
        reference: BookingReference::parse(&terms.reference)
            .map_err(|_| UnreadableEvent::Field("terms.reference"))?,
        applicant: ApplicantId(terms.applicant_subject.clone()),
        case: match terms.case_id.as_str() {
            "" => None,
            id => Some(CaseId(uuid(id, "terms.case_id")?)),
        },
        kind: kind_from_proto(terms.kind).ok_or(UnreadableEvent::Field("terms.kind"))?,
        channel: channel_from_proto(terms.channel)
            .ok_or(UnreadableEvent::Field("terms.channel"))?,
        video_link: match terms.video_link.as_str() {
            "" => None,
            link => Some(
                VideoLink::parse(link).map_err(|_| UnreadableEvent::Field("terms.video_link"))?,
            ),
        },
    })
}

fn party_to_proto(party: &Party) -> proto::Party {
    proto::Party {
        staff_subject: match party {
            Party::Applicant => String::new(),
            Party::Jobcenter(staff) => staff.0.clone(),
        },
    }
}

fn party_from_proto(party: Option<&proto::Party>) -> Party {
    match party.map(|p| p.staff_subject.as_str()) {
        None | Some("") => Party::Applicant,
        Some(staff) => Party::Jobcenter(StaffId::from(staff)),
    }
}

/// The proto form of one language's letter.
pub fn letter_to_proto(letter: &Letter) -> proto::InvitationLetter {
    proto::InvitationLetter {
        language: match letter.language {
            Language::German => "de",
            Language::English => "en",
        }
        .to_owned(),
        subject: letter.subject.clone(),
        body: letter.body.clone(),
        notice: letter.notice.clone(),
    }
}

fn letter_from_proto(
    letter: Option<&proto::InvitationLetter>,
    language: Language,
) -> Result<Letter, UnreadableEvent> {
    let letter = letter.ok_or(UnreadableEvent::Field("letter"))?;
    Ok(Letter {
        language,
        subject: letter.subject.clone(),
        body: letter.body.clone(),
        notice: letter.notice.clone(),
    })
}

fn uuid(text: &str, field: &'static str) -> Result<Uuid, UnreadableEvent> {
    Uuid::parse_str(text).map_err(|_| UnreadableEvent::Field(field))
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests;
