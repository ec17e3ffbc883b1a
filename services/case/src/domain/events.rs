//! The events of the case log: their recorded type names, schema versions and payloads.
//!
//! One enum over the proto payloads of `proto/jobcenter/case/v1/events.proto`, so that every
//! place that reads the log (aggregate, projections, timeline, feed) decodes the same way, and
//! every place that writes it names types and versions the same way.

use jobcenter_proto::case::v1 as proto;
use prost::Message;

/// Every event schema of the case log is at version 1 so far.
pub const SCHEMA_VERSION: i32 = 1;

/// Event type of [`Event::CaseOpened`].
pub const CASE_OPENED: &str = "case.CaseOpened";

/// What happened to a case (or to a tenant's assignment rules and staff); payloads are the
/// recorded proto messages.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    CaseOpened(proto::CaseOpened),
    ReviewStarted(proto::ReviewStarted),
    DocumentsRequested(proto::DocumentsRequested),
    DocumentsReceived(proto::DocumentsReceived),
    RefusalWarned(proto::RefusalWarned),
    DecisionIssued(proto::DecisionIssued),
    ObjectionFiled(proto::ObjectionFiled),
    ObjectionDecided(proto::ObjectionDecided),
    CaseClosed(proto::CaseClosed),
    CaseAssigned(proto::CaseAssigned),
    DeadlineReached(proto::DeadlineReached),
    MatterAttached(proto::MatterAttached),
    MatterDecided(proto::MatterDecided),
    AssignmentRulesSet(proto::AssignmentRulesSet),
    CaseworkerAbsenceRecorded(proto::CaseworkerAbsenceRecorded),
    IncapacityRecorded(proto::IncapacityRecorded),
    SickNoteReviewRequested(proto::SickNoteReviewRequested),
    SickNoteAcknowledged(proto::SickNoteAcknowledged),
    AppointmentNoted(proto::AppointmentNoted),
    MissedAppointmentAssessmentRequested(proto::MissedAppointmentAssessmentRequested),
    MissedAppointmentAssessed(proto::MissedAppointmentAssessed),
    ApplicantMessageNoted(proto::ApplicantMessageNoted),
    ApplicantMessageAnswered(proto::ApplicantMessageAnswered),
}

/// Expands to the table of (variant, recorded type name) in one place.
macro_rules! event_types {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        impl Event {
            /// The recorded type name, e.g. "case.CaseOpened".
            pub fn event_type(&self) -> &'static str {
                match self {
                    $(Event::$variant(_) => $name,)+
                }
            }

            /// The payload bytes.
            pub fn encode(&self) -> Vec<u8> {
                match self {
                    $(Event::$variant(e) => e.encode_to_vec(),)+
                }
            }

            /// The event recorded as `event_type` with `payload`; `None` for a type this version
            /// does not know (written by a newer version).
            pub fn decode(
                event_type: &str,
                payload: &[u8],
            ) -> Result<Option<Event>, prost::DecodeError> {
                Ok(match event_type {
                    $($name => Some(Event::$variant(proto::$variant::decode(payload)?)),)+
                    _ => None,
                })
            }

            /// Every recorded type name this version knows.
            pub const TYPES: &'static [&'static str] = &[$($name),+];
        }
    };
}

event_types! {
    CaseOpened => "case.CaseOpened",
    ReviewStarted => "case.ReviewStarted",
    DocumentsRequested => "case.DocumentsRequested",
    DocumentsReceived => "case.DocumentsReceived",
    RefusalWarned => "case.RefusalWarned",
    DecisionIssued => "case.DecisionIssued",
    ObjectionFiled => "case.ObjectionFiled",
    ObjectionDecided => "case.ObjectionDecided",
    CaseClosed => "case.CaseClosed",
    CaseAssigned => "case.CaseAssigned",
    DeadlineReached => "case.DeadlineReached",
    MatterAttached => "case.MatterAttached",
    MatterDecided => "case.MatterDecided",
    AssignmentRulesSet => "case.AssignmentRulesSet",
    CaseworkerAbsenceRecorded => "case.CaseworkerAbsenceRecorded",
    IncapacityRecorded => "case.IncapacityRecorded",
    SickNoteReviewRequested => "case.SickNoteReviewRequested",
    SickNoteAcknowledged => "case.SickNoteAcknowledged",
    AppointmentNoted => "case.AppointmentNoted",
    MissedAppointmentAssessmentRequested => "case.MissedAppointmentAssessmentRequested",
    MissedAppointmentAssessed => "case.MissedAppointmentAssessed",
    ApplicantMessageNoted => "case.ApplicantMessageNoted",
    ApplicantMessageAnswered => "case.ApplicantMessageAnswered",
}

impl Event {
    /// The event to append, with its context.
    pub fn to_new_event(&self, metadata: eventlog::EventMetadata) -> eventlog::NewEvent {
        eventlog::NewEvent {
            event_type: self.event_type().to_owned(),
            schema_version: SCHEMA_VERSION,
            payload: self.encode(),
            metadata,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_round_trips_through_its_type_name() {
        let events = vec![
            Event::CaseOpened(proto::CaseOpened {
                case_id: "c".into(),
                ..Default::default()
            }),
            Event::DocumentsRequested(proto::DocumentsRequested {
                documents: vec!["Kontoauszüge".into()],
                ..Default::default()
            }),
            Event::MatterDecided(proto::MatterDecided {
                application_id: "a".into(),
                outcome: proto::MatterOutcome::Processed as i32,
                note: String::new(),
            }),
            Event::IncapacityRecorded(proto::IncapacityRecorded {
                record_id: "r".into(),
                source: proto::IncapacitySource::Scan as i32,
                automatic: true,
                ..Default::default()
            }),
            Event::SickNoteReviewRequested(proto::SickNoteReviewRequested {
                document_id: "d".into(),
                doubts: vec!["no last day of incapacity was read".into()],
                ..Default::default()
            }),
            Event::SickNoteAcknowledged(proto::SickNoteAcknowledged {
                record_id: "r".into(),
            }),
            Event::AppointmentNoted(proto::AppointmentNoted {
                appointment_id: "p".into(),
                change: proto::AppointmentChange::Booked as i32,
                reference: "K7MX4-QTR9B".into(),
                ..Default::default()
            }),
            Event::MissedAppointmentAssessmentRequested(
                proto::MissedAppointmentAssessmentRequested {
                    appointment_id: "p".into(),
                    invitation: true,
                    ..Default::default()
                },
            ),
            Event::MissedAppointmentAssessed(proto::MissedAppointmentAssessed {
                appointment_id: "p".into(),
                outcome: proto::MissedAppointmentOutcome::GoodReason as i32,
                note: "krank".into(),
                reference: "K7MX4-QTR9B".into(),
            }),
            Event::ApplicantMessageNoted(proto::ApplicantMessageNoted {
                message_id: "m".into(),
                subject: "Frage zum Bescheid".into(),
                attachment_document_ids: vec!["d".into()],
                ..Default::default()
            }),
            Event::ApplicantMessageAnswered(proto::ApplicantMessageAnswered {
                message_id: "m".into(),
                reply_message_id: "r".into(),
                answered_by: "cw-1".into(),
                subject: "Frage zum Bescheid".into(),
            }),
        ];
        for event in events {
            let back = Event::decode(event.event_type(), &event.encode());
            assert_eq!(back, Ok(Some(event)));
        }
        assert_eq!(Event::decode("case.FromTheFuture", &[]), Ok(None));
        assert_eq!(Event::TYPES.len(), 23);
        assert!(Event::TYPES.contains(&CASE_OPENED));
    }
}
