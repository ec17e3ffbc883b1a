//! One test per row of the trigger table: the encoded event, decoded and given what the
//! directories know, gives exactly the documented messages. Shared fixtures here, the rows by
//! log in the submodules.

use chrono::{DateTime, NaiveDate, Utc};
use jobcenter_proto::appointment::v1 as appointment;
use jobcenter_proto::case::v1 as case;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::efile::v1 as efile;
use jobcenter_proto::intake::v1 as intake;
use prost::Message;
use uuid::Uuid;

use super::*;
use crate::domain::{ArgValue, Args, Topic};

mod appointment_rows;
mod case_rows;
mod submission_rows;
mod table;

const CASE: Uuid = Uuid::from_u128(0xca5e);
const APPLICATION: Uuid = Uuid::from_u128(0xa991);
const APPOINTMENT: Uuid = Uuid::from_u128(0xa990);
const DOCUMENT: Uuid = Uuid::from_u128(0xd0c);

fn case_stream() -> String {
    format!("case-{CASE}")
}

fn appointment_stream() -> String {
    format!("appointment-{APPOINTMENT}")
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid day")
}

fn pday(y: i32, m: i32, d: i32) -> Option<common::Date> {
    Some(common::Date {
        year: y,
        month: m,
        day: d,
    })
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).expect("a valid instant")
}

fn ts(seconds: i64) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp { seconds, nanos: 0 })
}

/// The case's contacts as the directory knows them: an applicant with an account and a
/// caseworker.
fn full() -> Context {
    Context {
        applicant_account: Some("user-1".into()),
        application_id: Some(APPLICATION),
        caseworker: Some("cw-7".into()),
        ..Context::default()
    }
}

fn account() -> Recipient {
    Recipient::Applicant {
        account: Some("user-1".into()),
        application_id: Some(APPLICATION),
    }
}

fn letter_only() -> Recipient {
    Recipient::Applicant {
        account: None,
        application_id: Some(APPLICATION),
    }
}

fn caseworker() -> Recipient {
    Recipient::Staff {
        subject: "cw-7".into(),
    }
}

fn notice(recipient: Recipient, topic: Topic, case_id: Option<Uuid>, args: Args) -> Notice {
    Notice {
        recipient,
        topic,
        case_id,
        args,
        deadline: None,
        attachments: Vec::new(),
    }
}

fn text(value: &str) -> ArgValue {
    ArgValue::Text(value.into())
}

fn trigger(log: &str, event_type: &str, stream: &str, payload: &impl Message) -> Trigger {
    decode(log, event_type, stream, &payload.encode_to_vec())
        .expect("decodes")
        .expect("is a trigger")
}

fn run(
    log: &str,
    event_type: &str,
    stream: &str,
    payload: &impl Message,
    ctx: &Context,
) -> Vec<Notice> {
    notices(&trigger(log, event_type, stream, payload), ctx)
}

fn submitted(
    form: intake::application_submitted::Form,
    account: &str,
) -> intake::ApplicationSubmitted {
    intake::ApplicationSubmitted {
        application_id: APPLICATION.to_string(),
        form: Some(form),
        received_at: ts(1_800_000_000),
        applicant_account: account.into(),
        ..Default::default()
    }
}

fn main_form() -> intake::application_submitted::Form {
    intake::application_submitted::Form::MainApplication(Default::default())
}

fn sick_note_form() -> intake::application_submitted::Form {
    intake::application_submitted::Form::SickNote(Default::default())
}

fn received_args(kind: &str) -> Args {
    Args::new()
        .with("kind", text(kind))
        .with("received_at", ArgValue::DateTime(at(1_800_000_000)))
}

fn deadline(kind: case::DeadlineKind) -> case::DeadlineReached {
    case::DeadlineReached {
        kind: kind as i32,
        due_on: pday(2026, 12, 12),
    }
}

fn filed(kind: efile::DocumentType, channel: efile::Channel) -> efile::DocumentFiled {
    efile::DocumentFiled {
        document_id: DOCUMENT.to_string(),
        case_id: CASE.to_string(),
        r#type: kind as i32,
        channel: channel as i32,
        ..Default::default()
    }
}

fn terms(channel: appointment::AppointmentChannel) -> Option<appointment::Terms> {
    Some(appointment::Terms {
        appointment_id: APPOINTMENT.to_string(),
        reference: "K7MX4-QTR9B".into(),
        applicant_subject: "user-1".into(),
        case_id: CASE.to_string(),
        kind: appointment::AppointmentKind::Counselling as i32,
        channel: channel as i32,
        video_link: if channel == appointment::AppointmentChannel::Video {
            "https://video.example/r/1".into()
        } else {
            String::new()
        },
    })
}

fn place(start: i64) -> Option<appointment::Place> {
    Some(appointment::Place {
        office_id: Uuid::from_u128(0x0ff1).to_string(),
        appointment_type_id: Uuid::from_u128(0x7e).to_string(),
        start: ts(start),
        end: ts(start + 1800),
    })
}

fn appointment_args(channel: &str, video_link: &str, office: &str) -> Args {
    Args::new()
        .with("start", ArgValue::DateTime(at(1_800_000_000)))
        .with("reference", text("K7MX4-QTR9B"))
        .with("channel", text(channel))
        .with("video_link", text(video_link))
        .with("office", text(office))
}

/// What the case directory knows of the appointment's case (looked up by its case id).
fn appointment_case() -> Context {
    Context {
        applicant_account: Some("someone-else".into()),
        ..full()
    }
}

fn reminder(subject: &str) -> appointment::AppointmentReminderDue {
    appointment::AppointmentReminderDue {
        reminder_id: Uuid::from_u128(0x4e).to_string(),
        kind: appointment::ReminderKind::EveningBefore as i32,
        appointment_id: APPOINTMENT.to_string(),
        reference: "K7MX4-QTR9B".into(),
        applicant_subject: subject.into(),
        case_id: CASE.to_string(),
        channel: appointment::AppointmentChannel::Phone as i32,
        place: place(1_800_000_000),
        office_name: "Jobcenter Essen, Standort Mitte".into(),
        office_address: Some(common::Address {
            street: "Berliner Platz".into(),
            house_number: "10".into(),
            postal_code: "45127".into(),
            city: "Essen".into(),
        }),
        ..Default::default()
    }
}

/// What the appointment directory knows of a rescheduled or cancelled appointment.
fn appointment_directory() -> Context {
    Context {
        case_id: Some(CASE),
        appointment_reference: Some("K7MX4-QTR9B".into()),
        ..full()
    }
}

/// One event per row, with everything known.
fn every_row() -> Vec<(&'static str, &'static str, String, Vec<u8>)> {
    let case_rows = [
        (
            event_types::DOCUMENTS_REQUESTED,
            case::DocumentsRequested {
                due: pday(2026, 12, 15),
                documents: vec![],
            }
            .encode_to_vec(),
        ),
        (
            event_types::DEADLINE_REACHED,
            deadline(case::DeadlineKind::DocumentsReminder).encode_to_vec(),
        ),
        (
            event_types::DEADLINE_REACHED,
            deadline(case::DeadlineKind::DecisionOverdueWarning).encode_to_vec(),
        ),
        (
            event_types::OBJECTION_FILED,
            case::ObjectionFiled {
                filed_on: pday(2027, 1, 2),
                late: false,
            }
            .encode_to_vec(),
        ),
        (
            event_types::INCAPACITY_RECORDED,
            case::IncapacityRecorded {
                incapacity_from: pday(2026, 1, 1),
                incapacity_until: pday(2026, 1, 2),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
        (
            event_types::SICK_NOTE_REVIEW_REQUESTED,
            case::SickNoteReviewRequested {
                document_id: DOCUMENT.to_string(),
                ..Default::default()
            }
            .encode_to_vec(),
        ),
    ];
    let mut rows: Vec<_> = case_rows
        .into_iter()
        .map(|(t, p)| (CASE_LOG, t, case_stream(), p))
        .collect();
    rows.push((
        INTAKE_LOG,
        event_types::APPLICATION_SUBMITTED,
        "a".into(),
        submitted(main_form(), "user-1").encode_to_vec(),
    ));
    rows.push((
        EFILE_LOG,
        event_types::DOCUMENT_FILED,
        "d".into(),
        filed(
            efile::DocumentType::DecisionLetter,
            efile::Channel::Generated,
        )
        .encode_to_vec(),
    ));
    let booked = appointment::AppointmentBooked {
        terms: terms(appointment::AppointmentChannel::Phone),
        place: place(1),
        ..Default::default()
    };
    let invited = appointment::AppointmentInvited {
        terms: terms(appointment::AppointmentChannel::Phone),
        place: place(1),
        ..Default::default()
    };
    let moved = appointment::AppointmentRescheduled {
        released: place(1),
        taken: place(2),
        by: None,
    };
    let cancelled = appointment::AppointmentCancelled {
        released: place(1),
        ..Default::default()
    };
    for (t, p) in [
        (event_types::APPOINTMENT_BOOKED, booked.encode_to_vec()),
        (event_types::APPOINTMENT_INVITED, invited.encode_to_vec()),
        (
            event_types::APPOINTMENT_REMINDER_DUE,
            reminder("user-1").encode_to_vec(),
        ),
        (event_types::APPOINTMENT_RESCHEDULED, moved.encode_to_vec()),
        (
            event_types::APPOINTMENT_CANCELLED,
            cancelled.encode_to_vec(),
        ),
    ] {
        rows.push((APPOINTMENT_LOG, t, appointment_stream(), p));
    }
    rows
}
