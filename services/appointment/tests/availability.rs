//! Free slots: none on a public holiday; bad input named field by field, an unknown office
//! not found; nothing changes.

mod harness;

use appointment::domain::holidays::{FederalState, holiday_on};
use harness::*;
use jobcenter_proto::appointment::v1 as proto;
use jobcenter_proto::common::v1::Date;
use tonic::Code;

fn date(day: chrono::NaiveDate) -> Date {
    use chrono::Datelike;
    Date {
        year: day.year(),
        month: day.month() as i32,
        day: day.day() as i32,
    }
}

fn search(
    kind: &str,
    first: chrono::NaiveDate,
    last: chrono::NaiveDate,
) -> proto::SearchAvailabilityRequest {
    proto::SearchAvailabilityRequest {
        office_id: OFFICE.to_string(),
        appointment_type_id: kind.to_owned(),
        first_day: Some(date(first)),
        last_day: Some(date(last)),
    }
}

#[tokio::test]
async fn the_week_of_ascension_day_has_slots_on_every_working_day_but_the_holiday() {
    let mut app = spawn_app().await;
    let (monday, holiday, friday) = (day(2030, 5, 27), day(2030, 5, 30), day(2030, 5, 31));
    assert!(holiday_on(holiday, FederalState::NorthRhineWestphalia).is_some());
    let slots = app
        .client
        .search_availability(as_applicant(
            search(&FIRST_MEETING.to_string(), monday, friday),
            "applicant-1",
        ))
        .await
        .expect("searched")
        .into_inner()
        .slots;
    let days: std::collections::BTreeSet<i32> = slots
        .iter()
        .map(|slot| slot.local_date.as_ref().expect("day").day)
        .collect();
    assert_eq!(days.into_iter().collect::<Vec<_>>(), [27, 28, 29, 31]);
    // Monday 08:00–12:00 in half hours: eight slots, the first at 08:00 Berlin, three places.
    let first = &slots[0];
    assert_eq!(first.local_start, "08:00");
    assert_eq!(instant(&first.start), berlin(monday, 8, 0));
    assert_eq!(first.places_left, 3);
    assert_eq!(
        slots
            .iter()
            .filter(|s| s.local_date.as_ref().expect("day").day == 27)
            .count(),
        8
    );
}

#[tokio::test]
async fn a_taken_place_shows_and_applicants_see_only_their_window() {
    let mut app = spawn_app().await;
    book_first_meeting(&mut app, "applicant-1", berlin(tuesday(), 9, 0))
        .await
        .expect("booked");
    let tuesday_slots = |slots: &[proto::FreeSlot]| -> Vec<(String, i32)> {
        slots
            .iter()
            .filter(|s| s.local_date.as_ref().expect("day").day == 14)
            .map(|s| (s.local_start.clone(), s.places_left))
            .take(3)
            .collect()
    };
    let for_applicant = app
        .client
        .search_availability(as_applicant(
            search(&FIRST_MEETING.to_string(), day(2030, 5, 6), tuesday()),
            "applicant-2",
        ))
        .await
        .expect("searched")
        .into_inner()
        .slots;
    assert_eq!(
        tuesday_slots(&for_applicant),
        [
            ("08:00".to_owned(), 3),
            ("08:30".to_owned(), 3),
            ("09:00".to_owned(), 2)
        ]
    );
    // Within the 24-hour lead: nothing on Monday 6 May, nothing before Tuesday 7 May 08:00.
    let earliest = instant(&for_applicant[0].start);
    assert_eq!(earliest, berlin(day(2030, 5, 7), 8, 30));
    // Staff see every slot that has not begun (from Monday 08:30, the one at 08:00 has).
    let for_staff = app
        .client
        .search_availability(as_caseworker(search(
            &FIRST_MEETING.to_string(),
            day(2030, 5, 6),
            tuesday(),
        )))
        .await
        .expect("searched")
        .into_inner()
        .slots;
    assert_eq!(instant(&for_staff[0].start), berlin(day(2030, 5, 6), 8, 30));
    // The Meldetermin type is not for applicants to see.
    let hidden = app
        .client
        .search_availability(as_applicant(
            search(&MELDETERMIN.to_string(), tuesday(), tuesday()),
            "applicant-2",
        ))
        .await
        .expect_err("hidden");
    assert_eq!(hidden.code(), Code::NotFound);
}

#[tokio::test]
async fn bad_input_is_named_field_by_field_and_an_unknown_office_is_not_found() {
    let mut app = spawn_app().await;
    let too_long = app
        .client
        .search_availability(as_caseworker(search(
            &FIRST_MEETING.to_string(),
            day(2030, 5, 6),
            day(2030, 7, 7),
        )))
        .await
        .map(|_| ())
        .expect_err("63 days");
    assert_eq!(too_long.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&too_long), ["last_day"]);
    let backwards = app
        .client
        .search_availability(as_caseworker(search(
            &FIRST_MEETING.to_string(),
            day(2030, 5, 6),
            day(2030, 5, 5),
        )))
        .await
        .expect_err("ends before it starts");
    assert_eq!(violated_fields(&backwards), ["last_day"]);
    let garbage = app
        .client
        .search_availability(as_caseworker(proto::SearchAvailabilityRequest {
            office_id: "office".into(),
            appointment_type_id: String::new(),
            first_day: Some(Date {
                year: 2030,
                month: 2,
                day: 30,
            }),
            last_day: None,
        }))
        .await
        .expect_err("garbage");
    assert_eq!(
        violated_fields(&garbage),
        ["office_id", "appointment_type_id", "first_day", "last_day"]
    );
    let unknown_office = app
        .client
        .search_availability(as_caseworker(proto::SearchAvailabilityRequest {
            office_id: uuid::Uuid::new_v4().to_string(),
            ..search(&FIRST_MEETING.to_string(), tuesday(), tuesday())
        }))
        .await
        .expect_err("no such office");
    assert_eq!(unknown_office.code(), Code::NotFound);

    let bad_booking = app
        .client
        .book_appointment(as_caseworker(proto::BookAppointmentRequest {
            command_id: "retry-1".into(),
            office_id: "x".into(),
            appointment_type_id: FIRST_MEETING.to_string(),
            start: None,
            channel: 0,
            applicant_subject: "applicant-1".into(),
            case_id: "case-7".into(),
            video_link: "http://insecure.example/room".into(),
            min_case_position: None,
        }))
        .await
        .expect_err("garbage");
    assert_eq!(
        violated_fields(&bad_booking),
        [
            "command_id",
            "office_id",
            "start",
            "channel",
            "case_id",
            "video_link"
        ]
    );
    let mut elsewhere = self_booking(FIRST_MEETING, berlin(tuesday(), 9, 0));
    elsewhere.office_id = uuid::Uuid::new_v4().to_string();
    let unknown = app
        .client
        .book_appointment(as_applicant(elsewhere, "applicant-1"))
        .await
        .expect_err("no such office");
    assert_eq!(unknown.code(), Code::NotFound);
    let no_calendar = app
        .client
        .book_appointment(as_subject(
            self_booking(FIRST_MEETING, berlin(tuesday(), 9, 0)),
            "jc-ohne-kalender",
            "applicant-1",
            "applicant",
        ))
        .await
        .expect_err("a jobcenter without a calendar offers nothing");
    assert_eq!(no_calendar.code(), Code::NotFound);
    let empty = app
        .client
        .get_calendar(as_subject(
            proto::GetCalendarRequest {},
            "jc-ohne-kalender",
            "applicant-1",
            "applicant",
        ))
        .await
        .expect("an empty calendar")
        .into_inner();
    assert!(empty.offices.is_empty() && empty.appointment_types.is_empty());

    assert_eq!(all_events(&app).await, 0);
    assert_eq!(slot_rows(&app).await, 0);
}

#[tokio::test]
async fn applicants_see_the_types_they_may_book_and_staff_see_all() {
    let mut app = spawn_app().await;
    let for_applicant = app
        .client
        .get_calendar(as_applicant(proto::GetCalendarRequest {}, "applicant-1"))
        .await
        .expect("calendar")
        .into_inner();
    let ids: Vec<&str> = for_applicant
        .appointment_types
        .iter()
        .map(|t| t.appointment_type_id.as_str())
        .collect();
    assert_eq!(ids, [FIRST_MEETING.to_string(), COUNSELLING.to_string()]);
    assert_eq!(for_applicant.offices[0].office_id, OFFICE.to_string());
    assert_eq!(
        for_applicant.appointment_types[0].office_ids,
        [OFFICE.to_string()]
    );
    assert_eq!(for_applicant.self_service_horizon_days, 42);
    let for_staff = app
        .client
        .get_calendar(as_caseworker(proto::GetCalendarRequest {}))
        .await
        .expect("calendar")
        .into_inner();
    assert_eq!(for_staff.appointment_types.len(), 3);
}
