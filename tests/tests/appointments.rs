//! Appointments end to end through the real binaries: an applicant submits a main application,
//! books the first meeting for their case online, and the booking appears in the case's
//! caseworker's day and on the case's timeline; the calendar file of the booking is valid.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use chrono::{Datelike, Days};
use jobcenter_proto::appointment::v1 as appointment_pb;
use jobcenter_proto::case::v1 as case_pb;
use jobcenter_proto::common::v1 as common;
use system_tests::{Caller, Person, System, calendar};
use uuid::Uuid;

const TENANT: &str = "jc-essen";
const APPLICANT: &str = "applicant-appointments";
const CASEWORKER: &str = "caseworker-appointments";

fn staff<T>(message: T) -> tonic::Request<T> {
    Caller::dev(TENANT, CASEWORKER, "caseworker").request(message)
}

fn applicant<T>(message: T) -> tonic::Request<T> {
    Caller::dev(TENANT, APPLICANT, "applicant").request(message)
}

fn date(day: chrono::NaiveDate) -> Option<common::Date> {
    Some(common::Date {
        year: day.year(),
        month: i32::try_from(day.month()).unwrap(),
        day: i32::try_from(day.day()).unwrap(),
    })
}

fn berlin_day(ts: &prost_types::Timestamp) -> chrono::NaiveDate {
    chrono::DateTime::from_timestamp(ts.seconds, 0)
        .unwrap()
        .with_timezone(&chrono_tz::Europe::Berlin)
        .date_naive()
}

/// Calls `attempt` until it answers something other than NOT_FOUND (another service learns of
/// a case from the case log a moment later), for at most 30 s.
async fn once_known<T, F, Fut>(what: &str, mut attempt: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, tonic::Status>>,
{
    for _ in 0..300 {
        match attempt().await {
            Ok(value) => return value,
            Err(status) if status.code() == tonic::Code::NotFound => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(status) => panic!("{what}: {status:?}"),
        }
    }
    panic!("{what}: still NOT_FOUND after 30 s")
}

#[tokio::test]
async fn an_applicant_books_the_first_meeting_and_it_is_in_the_caseworkers_day_and_on_the_case() {
    let system = System::development().await.expect("system");
    let mut intake = system.intake(None).await.unwrap();
    let mut cases = system.cases(None).await.unwrap();
    let mut appointments = system.appointments(None).await.unwrap();

    // The applicant applies online; the case opens and is given to the caseworker.
    let submitted = intake
        .submit_application(applicant(
            Person::erika().submission(&Uuid::new_v4().to_string()),
        ))
        .await
        .expect("submit")
        .into_inner();
    let case = cases
        .find_case_by_application(staff(case_pb::FindCaseByApplicationRequest {
            application_id: submitted.submission.unwrap().application_id,
            min_position: submitted.position,
        }))
        .await
        .expect("case opened")
        .into_inner()
        .case
        .unwrap();
    cases
        .assign_case(
            Caller::dev(TENANT, "teamlead-appointments", "team-lead").request(
                case_pb::AssignCaseRequest {
                    command: Some(case_pb::CaseCommand {
                        case_id: case.case_id.clone(),
                        command_id: Uuid::new_v4().to_string(),
                        expected_version: None,
                    }),
                    caseworker: CASEWORKER.into(),
                    team: "team-leistung".into(),
                },
            ),
        )
        .await
        .expect("assigned");

    // The applicant looks for a first meeting in the coming weeks and books the first free one.
    let first_day = chrono::Utc::now().date_naive() + Days::new(3);
    let slot = appointments
        .search_availability(applicant(appointment_pb::SearchAvailabilityRequest {
            office_id: calendar::office_id(TENANT),
            appointment_type_id: calendar::first_meeting_type(TENANT),
            first_day: date(first_day),
            last_day: date(first_day + Days::new(20)),
        }))
        .await
        .expect("free slots")
        .into_inner()
        .slots
        .into_iter()
        .next()
        .expect("a free first meeting within three weeks");
    let command_id = Uuid::new_v4().to_string();
    let booked = once_known("the applicant books for their case", || {
        let mut appointments = appointments.clone();
        let request = appointment_pb::BookAppointmentRequest {
            command_id: command_id.clone(),
            office_id: slot.office_id.clone(),
            appointment_type_id: slot.appointment_type_id.clone(),
            start: slot.start,
            channel: appointment_pb::AppointmentChannel::InPerson as i32,
            case_id: case.case_id.clone(),
            ..Default::default()
        };
        async move { appointments.book_appointment(applicant(request)).await }
    })
    .await
    .into_inner();
    let appointment = booked.appointment.unwrap();
    assert_eq!(appointment.case_id, case.case_id);
    assert_eq!(
        appointment.status(),
        appointment_pb::AppointmentStatus::Booked
    );
    assert_eq!(appointment.reference.len(), 11, "{}", appointment.reference);

    // It is in the caseworker's day. The day follows the case's responsible caseworker, which
    // the appointment service learns from the case log: the assignment may reach it after the
    // booking, so the day is asked again until it has (the position names only the booking).
    let start = slot.start.unwrap();
    let mut day = appointment_pb::GetCaseworkerDayResponse::default();
    for _ in 0..100 {
        day = appointments
            .get_caseworker_day(staff(appointment_pb::GetCaseworkerDayRequest {
                caseworker_subject: CASEWORKER.into(),
                day: date(berlin_day(&start)),
                min_position: booked.position.clone(),
            }))
            .await
            .expect("the caseworker's day")
            .into_inner();
        if !day.appointments.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        day.appointments
            .iter()
            .map(|a| (a.appointment_id.as_str(), a.reference.as_str()))
            .collect::<Vec<_>>(),
        [(
            appointment.appointment_id.as_str(),
            appointment.reference.as_str()
        )]
    );

    // And on the case's timeline, with its reference.
    let mut noted = None;
    for _ in 0..300 {
        let timeline = cases
            .get_case_timeline(staff(case_pb::GetCaseTimelineRequest {
                case_id: case.case_id.clone(),
                page_size: 100,
                page_token: String::new(),
            }))
            .await
            .expect("timeline")
            .into_inner();
        noted = timeline
            .entries
            .into_iter()
            .find(|entry| entry.description.contains(&appointment.reference));
        if noted.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let noted = noted.expect("the booking on the case's timeline");
    assert!(
        noted.description.contains("booked"),
        "{}",
        noted.description
    );

    // The applicant's calendar file names the same time.
    let file = appointments
        .get_appointment_calendar_file(applicant(
            appointment_pb::GetAppointmentCalendarFileRequest {
                appointment_id: appointment.appointment_id.clone(),
                language: "de".into(),
            },
        ))
        .await
        .expect("calendar file")
        .into_inner();
    let text = String::from_utf8(file.content).unwrap();
    let dtstart = chrono::DateTime::from_timestamp(start.seconds, 0)
        .unwrap()
        .format("DTSTART:%Y%m%dT%H%M%SZ")
        .to_string();
    assert!(text.contains(&dtstart), "{text}");
    assert!(
        text.contains(&format!("UID:{}@", appointment.appointment_id)),
        "{text}"
    );
}
