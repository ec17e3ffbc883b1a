//! An office's utilisation: places offered (the calendar's slots: none on a public holiday or
//! a closure) against places taken (booked or invited, not cancelled) per day and type.

mod harness;

use appointment::domain::calendar::Closure;
use appointment::domain::ids::AppointmentTypeId;
use chrono::NaiveDate;
use harness::*;
use jobcenter_proto::appointment::v1 as proto;
use tonic::Code;

/// Wednesday 12 June 2030: the office is closed for a staff meeting.
fn closed_day() -> NaiveDate {
    day(2030, 6, 12)
}

fn request(first: NaiveDate, last: NaiveDate) -> proto::GetOfficeUtilisationRequest {
    proto::GetOfficeUtilisationRequest {
        office_id: OFFICE.to_string(),
        first_day: Some(date(first)),
        last_day: Some(date(last)),
        min_position: None,
    }
}

/// (offered, taken) of `kind` on `on`.
fn places(rows: &[proto::DailyUtilisation], on: NaiveDate, kind: AppointmentTypeId) -> (i32, i32) {
    let row = rows
        .iter()
        .find(|row| row.day == Some(date(on)) && row.appointment_type_id == kind.to_string())
        .expect("a row for every day and type");
    (row.places_offered, row.places_taken)
}

/// Staff book a first meeting for `applicant` at `start` in `tenant`.
async fn book(
    app: &mut TestApp,
    tenant: &str,
    applicant: &str,
    start: chrono::DateTime<chrono::Utc>,
) -> proto::BookAppointmentResponse {
    app.client
        .book_appointment(as_subject(
            proto::BookAppointmentRequest {
                applicant_subject: applicant.into(),
                ..self_booking(FIRST_MEETING, start)
            },
            tenant,
            "cw-1",
            "caseworker",
        ))
        .await
        .expect("booked")
        .into_inner()
}

#[tokio::test]
async fn utilisation_counts_offered_and_taken_places_around_a_holiday_and_a_closure() {
    let mut app = spawn_app_with(|config| {
        let calendar = config
            .calendars
            .tenants
            .get_mut(TENANT)
            .expect("the tenant's calendar");
        calendar.closures.push(Closure {
            office: Some(OFFICE),
            first_day: closed_day(),
            last_day: closed_day(),
            reason: "Personalversammlung".into(),
        });
    })
    .await;
    let cases = case_log(&app).await;
    let case = cases.open(TENANT, "applicant-1", "cw-1").await;
    let (tuesday, thursday) = (day(2030, 6, 11), day(2030, 6, 13));
    book(&mut app, TENANT, "applicant-1", berlin(tuesday, 9, 0)).await;
    book(&mut app, TENANT, "applicant-2", berlin(tuesday, 9, 0)).await;
    // Another jobcenter's bookings are its own.
    book(&mut app, OTHER_TENANT, "applicant-9", berlin(tuesday, 9, 0)).await;
    let invited = app
        .client
        .invite_to_appointment(as_caseworker(proto::InviteToAppointmentRequest {
            command_id: uuid::Uuid::new_v4().to_string(),
            case_id: case.case_id.clone(),
            applicant_subject: "applicant-1".into(),
            office_id: OFFICE.to_string(),
            appointment_type_id: MELDETERMIN.to_string(),
            start: Some(timestamp(berlin(tuesday, 10, 0))),
            channel: proto::AppointmentChannel::InPerson as i32,
            video_link: String::new(),
            min_case_position: Some(case.position.clone()),
        }))
        .await
        .expect("invited")
        .into_inner();
    let thursdays = book(&mut app, TENANT, "applicant-3", berlin(thursday, 9, 0)).await;
    let cancelled = app
        .client
        .cancel_appointment(as_caseworker(proto::CancelAppointmentRequest {
            command_id: uuid::Uuid::new_v4().to_string(),
            appointment_id: thursdays.appointment.expect("appointment").appointment_id,
            reason: "Termin nicht mehr nötig".into(),
        }))
        .await
        .expect("cancelled")
        .into_inner();
    assert!(invited.position.is_some());

    // Monday 10 June 2030 is Pfingstmontag, a public holiday in North Rhine-Westphalia.
    let rows = app
        .client
        .get_office_utilisation(as_subject(
            proto::GetOfficeUtilisationRequest {
                min_position: cancelled.position,
                ..request(day(2030, 6, 10), day(2030, 6, 14))
            },
            TENANT,
            "lead-1",
            "team_lead",
        ))
        .await
        .expect("the utilisation")
        .into_inner()
        .days;
    // Five days, three types each, by day then in the calendar's order.
    assert_eq!(rows.len(), 15);
    assert_eq!(rows[0].day, Some(date(day(2030, 6, 10))));
    assert_eq!(rows[0].appointment_type_id, FIRST_MEETING.to_string());
    assert_eq!(rows[1].appointment_type_id, COUNSELLING.to_string());
    assert_eq!(rows[2].appointment_type_id, MELDETERMIN.to_string());
    for kind in [FIRST_MEETING, COUNSELLING, MELDETERMIN] {
        assert_eq!(places(&rows, day(2030, 6, 10), kind), (0, 0), "holiday");
        assert_eq!(places(&rows, closed_day(), kind), (0, 0), "closure");
    }
    // Tuesday: 08–12 and 13–16 give 14 half-hour slots (3 places each for a first meeting,
    // 1 for a Meldetermin) and 7 hour-long counselling slots.
    assert_eq!(places(&rows, tuesday, FIRST_MEETING), (42, 2));
    assert_eq!(places(&rows, tuesday, COUNSELLING), (7, 0));
    assert_eq!(places(&rows, tuesday, MELDETERMIN), (14, 1));
    // Thursday's booking was cancelled; Friday has the morning only.
    assert_eq!(places(&rows, thursday, FIRST_MEETING), (42, 0));
    assert_eq!(places(&rows, day(2030, 6, 14), FIRST_MEETING), (24, 0));
    let share = rows
        .iter()
        .find(|row| {
            row.day == Some(date(tuesday)) && row.appointment_type_id == FIRST_MEETING.to_string()
        })
        .expect("Tuesday's first meetings")
        .share;
    assert!((share - 2.0 / 42.0).abs() < 1e-9, "{share}");
}

#[tokio::test]
async fn utilisation_refuses_bad_ranges_unknown_offices_and_applicants() {
    let mut app = spawn_app().await;
    let backwards = app
        .client
        .get_office_utilisation(as_caseworker(request(day(2030, 6, 14), day(2030, 6, 10))))
        .await
        .expect_err("ends before it starts");
    assert_eq!(violated_fields(&backwards), ["last_day"]);
    let too_long = app
        .client
        .get_office_utilisation(as_caseworker(request(day(2030, 6, 1), day(2030, 8, 2))))
        .await
        .expect_err("63 days");
    assert_eq!(violated_fields(&too_long), ["last_day"]);
    let garbage = app
        .client
        .get_office_utilisation(as_caseworker(proto::GetOfficeUtilisationRequest {
            office_id: "office".into(),
            ..Default::default()
        }))
        .await
        .expect_err("garbage");
    assert_eq!(
        violated_fields(&garbage),
        ["office_id", "first_day", "last_day"]
    );
    let mut elsewhere = request(day(2030, 6, 10), day(2030, 6, 14));
    elsewhere.office_id = uuid::Uuid::new_v4().to_string();
    let unknown = app
        .client
        .get_office_utilisation(as_caseworker(elsewhere))
        .await
        .expect_err("no such office");
    assert_eq!(unknown.code(), Code::NotFound);
    let applicant = app
        .client
        .get_office_utilisation(as_applicant(
            request(day(2030, 6, 10), day(2030, 6, 14)),
            "applicant-1",
        ))
        .await
        .expect_err("staff only");
    assert_eq!(applicant.code(), Code::PermissionDenied);
    let full_range = app
        .client
        .get_office_utilisation(as_caseworker(request(day(2030, 6, 1), day(2030, 8, 1))))
        .await
        .expect("62 days are allowed")
        .into_inner();
    assert_eq!(full_range.days.len(), 62 * 3);
}
