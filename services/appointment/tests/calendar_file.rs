//! The calendar file of a booking, read back by an independent parser (the `ical` crate).

mod harness;

use std::io::BufReader;

use harness::*;
use jobcenter_proto::appointment::v1 as proto;
use tonic::Code;

fn value<'a>(event: &'a ical::parser::ical::component::IcalEvent, name: &str) -> &'a str {
    event
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| p.value.as_deref())
        .unwrap_or_else(|| panic!("{name} is set"))
}

#[tokio::test]
async fn a_bookings_calendar_file_parses_and_names_its_start_end_and_uid() {
    let mut app = spawn_app().await;
    let booked = book_first_meeting(&mut app, "applicant-1", berlin(tuesday(), 9, 0))
        .await
        .expect("booked");
    let file = app
        .client
        .get_appointment_calendar_file(as_applicant(
            proto::GetAppointmentCalendarFileRequest {
                appointment_id: booked.appointment_id.clone(),
                language: String::new(),
            },
            "applicant-1",
        ))
        .await
        .expect("the file")
        .into_inner();
    assert_eq!(file.media_type, "text/calendar; charset=utf-8");
    assert_eq!(file.file_name, format!("termin-{}.ics", booked.reference));
    let text = String::from_utf8(file.content).expect("UTF-8");
    let calendars = ical::IcalParser::new(BufReader::new(text.as_bytes()))
        .collect::<Result<Vec<_>, _>>()
        .expect("a valid iCalendar stream");
    assert_eq!(calendars.len(), 1);
    let events = &calendars[0].events;
    assert_eq!(events.len(), 1);
    let event = &events[0];
    // 09:00 in Berlin in May is 07:00 UTC; the first meeting takes 30 minutes.
    assert_eq!(value(event, "DTSTART"), "20300514T070000Z");
    assert_eq!(value(event, "DTEND"), "20300514T073000Z");
    assert_eq!(
        value(event, "UID"),
        format!("{}@{UID_DOMAIN}", booked.appointment_id)
    );
    assert_eq!(value(event, "STATUS"), "CONFIRMED");
    assert!(value(event, "DESCRIPTION").contains(&booked.reference));

    let english = app
        .client
        .get_appointment_calendar_file(as_caseworker(proto::GetAppointmentCalendarFileRequest {
            appointment_id: booked.appointment_id.clone(),
            language: "en".into(),
        }))
        .await
        .expect("the file")
        .into_inner();
    let english = String::from_utf8(english.content).expect("UTF-8");
    let english = ical::IcalParser::new(BufReader::new(english.as_bytes()))
        .next()
        .expect("a calendar")
        .expect("valid");
    assert!(value(&english.events[0], "DESCRIPTION").contains("Booking reference"));
    let stranger = app
        .client
        .get_appointment_calendar_file(as_applicant(
            proto::GetAppointmentCalendarFileRequest {
                appointment_id: booked.appointment_id.clone(),
                language: String::new(),
            },
            "applicant-2",
        ))
        .await
        .expect_err("not theirs");
    assert_eq!(stranger.code(), Code::NotFound);
    let french = app
        .client
        .get_appointment_calendar_file(as_caseworker(proto::GetAppointmentCalendarFileRequest {
            appointment_id: booked.appointment_id,
            language: "fr".into(),
        }))
        .await
        .expect_err("no French");
    assert_eq!(violated_fields(&french), ["language"]);
}
