//! The case domain: ids, opening a case ([`decide_open`]), the case aggregate ([`case`]), the
//! lifecycle of a main application ([`lifecycle`]), the recorded events ([`events`]), legal days
//! ([`dates`]), the timeline wording, the work queue's tasks ([`tasks`]), the assignment rules
//! and absences ([`assignment`]), sick notes ([`sick_notes`]), appointments
//! ([`appointments`]) and the applicant's messages ([`messages`]). Pure: no I/O, unit-tested
//! beside the code.

pub mod appointments;
pub mod assignment;
pub mod case;
pub mod codec;
pub mod dates;
pub mod events;
pub mod filing;
pub mod lifecycle;
pub mod messages;
pub mod periods;
pub mod sick_notes;
pub mod tasks;
pub mod timeline;

pub use case::Case;
pub use events::{CASE_OPENED, Event, SCHEMA_VERSION};

use chrono::{DateTime, Utc};
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::intake::v1 as intake;
use uuid::Uuid;

/// Fixed namespace of case ids: UUIDv5(namespace, application id).
pub const CASE_NAMESPACE: Uuid = Uuid::from_u128(0x3c4d_8e21_5b7a_4f06_b2c9_81d4_e7a3_0f52);
/// Fixed namespace of the reactor's command ids: UUIDv5(namespace, intake event id).
pub const REACTOR_COMMAND_NAMESPACE: Uuid =
    Uuid::from_u128(0x9e17_44b0_2d6c_4a3f_8c51_f0a2_6b9d_3e74);

/// The case that an application opens (one case per household; today one per application).
pub fn case_id_for_application(application_id: Uuid) -> Uuid {
    Uuid::new_v5(&CASE_NAMESPACE, application_id.as_bytes())
}

/// The command id of the reaction to an intake event: a redelivery never appends twice.
pub fn reaction_command_id(intake_event_id: Uuid) -> Uuid {
    Uuid::new_v5(&REACTOR_COMMAND_NAMESPACE, intake_event_id.as_bytes())
}

/// The stream of a case: `case-<uuid>`.
pub fn stream_id(case_id: Uuid) -> String {
    format!("case-{case_id}")
}

/// The case whose stream is `stream_id`; `None` for the log's other streams (assignment rules,
/// staff).
pub fn case_id_of_stream(stream_id: &str) -> Option<Uuid> {
    stream_id
        .strip_prefix("case-")
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// Intent: open the case for an application that arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenCase {
    pub case_id: Uuid,
    pub application_id: Uuid,
    pub application_received_at: prost_types::Timestamp,
    pub applicant_family_name: String,
    pub applicant_given_name: String,
    pub household_size: u32,
    pub postal_code: String,
    /// The applicant's account subject, when the applicant applied online themselves.
    pub applicant_account: String,
}

/// Why an intake event cannot become a case.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The intake event lacks what a case needs (it was validated at intake, so: a bug).
    #[error("the submitted application lacks {0}")]
    Incomplete(&'static str),
    /// The case exists already for another application.
    #[error("the case is already open for another application")]
    AlreadyOpen,
}

impl OpenCase {
    /// The command for an accepted application (intake's `ApplicationSubmitted`).
    pub fn from_submitted(event: &intake::ApplicationSubmitted) -> Result<Self, Rejection> {
        let application_id = Uuid::parse_str(&event.application_id)
            .map_err(|_| Rejection::Incomplete("an application id"))?;
        let Some(intake::application_submitted::Form::MainApplication(application)) = &event.form
        else {
            return Err(Rejection::Incomplete("a main application"));
        };
        let applicant = application
            .applicant
            .as_ref()
            .ok_or(Rejection::Incomplete("the applicant"))?;
        let received_at = event
            .received_at
            .ok_or(Rejection::Incomplete("the receipt time"))?;
        let members = u32::try_from(application.household_members.len()).unwrap_or(u32::MAX);
        Ok(Self {
            case_id: case_id_for_application(application_id),
            application_id,
            application_received_at: received_at,
            applicant_family_name: applicant.family_name.clone(),
            applicant_given_name: applicant.given_name.clone(),
            household_size: members.saturating_add(1),
            postal_code: application
                .address
                .as_ref()
                .map(|a| a.postal_code.clone())
                .unwrap_or_default(),
            applicant_account: event.applicant_account.clone(),
        })
    }
}

/// Decides what opening a case records; empty when the case is already open for this application.
pub fn decide_open(case: Option<&Case>, cmd: OpenCase) -> Result<Vec<Event>, Rejection> {
    match case {
        None => Ok(vec![Event::CaseOpened(proto::CaseOpened {
            case_id: cmd.case_id.to_string(),
            application_id: cmd.application_id.to_string(),
            application_received_at: Some(cmd.application_received_at),
            applicant_family_name: cmd.applicant_family_name,
            applicant_given_name: cmd.applicant_given_name,
            household_size: cmd.household_size,
            postal_code: cmd.postal_code,
            applicant_account: cmd.applicant_account,
        })]),
        Some(case) if case.case_id == cmd.case_id.to_string() => Ok(Vec::new()),
        Some(_) => Err(Rejection::AlreadyOpen),
    }
}

/// A protobuf timestamp as UTC time.
pub fn to_utc(t: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0))
}

/// A UTC time as protobuf timestamp.
pub fn to_timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jobcenter_proto::common::v1 as common;

    fn submitted() -> intake::ApplicationSubmitted {
        intake::ApplicationSubmitted {
            application_id: "7d1c3c52-4f1e-5b2a-9a41-0c3b2d1e0f9a".into(),
            submission_id: "5f0c6c0e-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
            form: Some(intake::application_submitted::Form::MainApplication(
                intake::MainApplication {
                    applicant: Some(intake::Person {
                        given_name: "Erika".into(),
                        family_name: "Mustermann".into(),
                        birth_date: Some(common::Date {
                            year: 1985,
                            month: 4,
                            day: 12,
                        }),
                    }),
                    household_members: vec![intake::HouseholdMember::default(); 2],
                    address: Some(common::Address {
                        postal_code: "45127".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            )),
            received_at: Some(prost_types::Timestamp {
                seconds: 1_795_426_200,
                nanos: 0,
            }),
            submitted_by: "applicant-7".into(),
            applicant_account: "applicant-7".into(),
            ..Default::default()
        }
    }

    #[test]
    fn given_no_case_when_an_application_arrives_then_the_case_opens() {
        let cmd = OpenCase::from_submitted(&submitted());
        let Ok(cmd) = cmd else { panic!("{cmd:?}") };
        assert_eq!(cmd.household_size, 3);
        let events = decide_open(None, cmd.clone());
        let Ok(events) = events else {
            panic!("{events:?}")
        };
        let [Event::CaseOpened(opened)] = events.as_slice() else {
            panic!("one event")
        };
        assert_eq!(opened.case_id, cmd.case_id.to_string());
        assert_eq!(opened.postal_code, "45127");
        // The applicant's account travels to the case: it decides who may see it.
        assert_eq!(opened.applicant_account, "applicant-7");
    }

    #[test]
    fn given_an_open_case_when_the_same_application_again_then_nothing() {
        let Ok(cmd) = OpenCase::from_submitted(&submitted()) else {
            panic!()
        };
        let events = decide_open(None, cmd.clone()).unwrap_or_default();
        let case = Case::fold(events.iter().map(|e| (1, e)));
        let Some(case) = case else {
            panic!("the case opened")
        };
        assert_eq!(decide_open(Some(&case), cmd.clone()), Ok(Vec::new()));
        let mut other = cmd;
        other.case_id = Uuid::nil();
        assert_eq!(decide_open(Some(&case), other), Err(Rejection::AlreadyOpen));
    }

    #[test]
    fn an_incomplete_event_is_rejected() {
        let mut e = submitted();
        e.form = None;
        assert!(OpenCase::from_submitted(&e).is_err());
    }

    #[test]
    fn ids_are_deterministic() {
        let app = Uuid::new_v4();
        assert_eq!(case_id_for_application(app), case_id_for_application(app));
        assert_ne!(reaction_command_id(app), case_id_for_application(app));
    }
}
