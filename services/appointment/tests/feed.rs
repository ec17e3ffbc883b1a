//! A caseworker's calendar feed: their appointments from 14 days back to 90 days ahead, read
//! back by an independent parser (the `ical` crate), with no applicant in it.

mod harness;

use std::collections::BTreeSet;
use std::io::BufReader;

use chrono::{DateTime, Utc};
use harness::*;
use jobcenter_proto::appointment::v1 as proto;

/// Staff book a first meeting at `start` on `case` for applicant-1; the appointment.
async fn book(app: &mut TestApp, case: &OpenedCase, start: DateTime<Utc>) -> proto::Appointment {
    app.client
        .book_appointment(as_caseworker(proto::BookAppointmentRequest {
            applicant_subject: "applicant-1".into(),
            case_id: case.case_id.clone(),
            min_case_position: Some(case.position.clone()),
            ..self_booking(FIRST_MEETING, start)
        }))
        .await
        .expect("booked")
        .into_inner()
        .appointment
        .expect("an appointment")
}

/// The feed of `caseworker` as `reader` (roles `roles`) reads it, parsed: the calendar's
/// name and the UID of every event.
async fn feed(
    app: &mut TestApp,
    reader: &str,
    roles: &str,
    caseworker: &str,
    after: Option<&jobcenter_proto::common::v1::Position>,
) -> (String, String, BTreeSet<String>) {
    let answer = app
        .client
        .get_caseworker_calendar_feed(as_subject(
            proto::GetCaseworkerCalendarFeedRequest {
                caseworker_subject: caseworker.into(),
                min_position: after.cloned(),
            },
            TENANT,
            reader,
            roles,
        ))
        .await
        .expect("the feed")
        .into_inner();
    assert_eq!(answer.media_type, "text/calendar; charset=utf-8");
    let text = String::from_utf8(answer.content).expect("UTF-8");
    let calendar = ical::IcalParser::new(BufReader::new(text.as_bytes()))
        .next()
        .expect("a calendar")
        .expect("a valid iCalendar stream");
    let name = calendar
        .properties
        .iter()
        .find(|p| p.name == "X-WR-CALNAME")
        .and_then(|p| p.value.clone())
        .expect("a calendar name");
    let uids = calendar
        .events
        .iter()
        .map(|event| {
            event
                .properties
                .iter()
                .find(|p| p.name == "UID")
                .and_then(|p| p.value.clone())
                .expect("a UID")
        })
        .collect();
    (text, name, uids)
}

fn uid(appointment: &proto::Appointment) -> String {
    format!("{}@{UID_DOMAIN}", appointment.appointment_id)
}

#[tokio::test]
async fn the_caseworkers_feed_parses_and_holds_exactly_their_appointments() {
    let mut app = spawn_app().await;
    let cases = case_log(&app).await;
    let case = cases.open(TENANT, "applicant-1", "cw-7").await;
    let others = cases.open(TENANT, "applicant-1", "cw-8").await;
    // Booked while the test's clock says Monday 6 May 2030.
    let too_old = book(&mut app, &case, berlin(day(2030, 5, 7), 9, 0)).await;
    let recent = book(&mut app, &case, berlin(tuesday(), 9, 0)).await;
    let ahead = book(&mut app, &case, berlin(day(2030, 8, 20), 9, 0)).await;
    let too_far = book(&mut app, &case, berlin(day(2030, 9, 10), 9, 0)).await;
    let cancelled = book(&mut app, &case, berlin(day(2030, 6, 19), 9, 0)).await;
    let given_away = book(&mut app, &case, berlin(day(2030, 6, 19), 9, 30)).await;
    let of_cw8 = book(&mut app, &others, berlin(tuesday(), 10, 0)).await;
    let taken_over = book(&mut app, &others, berlin(tuesday(), 10, 30)).await;
    app.client
        .cancel_appointment(as_caseworker(proto::CancelAppointmentRequest {
            command_id: uuid::Uuid::new_v4().to_string(),
            appointment_id: cancelled.appointment_id.clone(),
            reason: "verlegt auf Wunsch".into(),
        }))
        .await
        .expect("cancelled");
    let assign = |appointment: &proto::Appointment, to: &str| proto::AssignAppointmentRequest {
        command_id: uuid::Uuid::new_v4().to_string(),
        appointment_id: appointment.appointment_id.clone(),
        caseworker_subject: to.into(),
    };
    app.client
        .assign_appointment(as_subject(
            assign(&given_away, "cw-8"),
            TENANT,
            "lead-1",
            "team_lead",
        ))
        .await
        .expect("given to cw-8");
    let last = app
        .client
        .assign_appointment(as_subject(
            assign(&taken_over, ""),
            TENANT,
            "cw-7",
            "caseworker",
        ))
        .await
        .expect("taken over by cw-7")
        .into_inner()
        .position;

    // Saturday 25 May: 14 days back is 11 May, 90 days ahead is 23 August.
    app.clock.set(berlin(day(2030, 5, 25), 12, 0));
    let (text, name, uids) = feed(&mut app, "cw-7", "caseworker", "", last.as_ref()).await;
    assert_eq!(
        uids,
        [&recent, &ahead, &taken_over]
            .map(uid)
            .into_iter()
            .collect::<BTreeSet<_>>()
    );
    for left_out in [&too_old, &too_far, &cancelled, &given_away, &of_cw8] {
        assert!(!text.contains(&left_out.appointment_id));
    }
    assert!(name.starts_with("Termine"), "{name}");
    assert!(!text.contains("applicant-1"), "no applicant in the feed");
    assert!(text.contains(&recent.reference));
    for line in text.split_terminator("\r\n") {
        assert!(line.len() <= 75, "a folded line: {line}");
    }

    // A team lead reads cw-8's feed.
    let (_, _, of_cw8_feed) = feed(&mut app, "lead-1", "team_lead", "cw-8", None).await;
    assert_eq!(
        of_cw8_feed,
        [&given_away, &of_cw8]
            .map(uid)
            .into_iter()
            .collect::<BTreeSet<_>>()
    );
}
