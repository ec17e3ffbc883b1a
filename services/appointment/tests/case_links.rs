//! Appointments of a case: an applicant books onto their own case only, staff onto a case of
//! their jobcenter that this service knows (from the case log) and that is open; the booking
//! then belongs to the case's responsible caseworker and shows in their day. A refusal books
//! nothing.

mod harness;

use harness::*;
use jobcenter_proto::appointment::v1 as proto;
use tonic::Code;

/// A first meeting on Tuesday at `hour`:00 on `case`, waiting for the directory to know it.
fn on_case(case: &OpenedCase, hour: u32) -> proto::BookAppointmentRequest {
    proto::BookAppointmentRequest {
        case_id: case.case_id.clone(),
        min_case_position: Some(case.position.clone()),
        ..self_booking(FIRST_MEETING, berlin(tuesday(), hour, 0))
    }
}

#[tokio::test]
async fn an_applicant_books_a_first_meeting_for_their_case_and_it_is_in_the_caseworkers_day() {
    let mut app = spawn_app().await;
    let cases = case_log(&app).await;
    // The main application opened the case and the assignment rules gave it to cw-7.
    let case = cases.open(TENANT, "applicant-1", "cw-7").await;
    let booked = app
        .client
        .book_appointment(as_applicant(on_case(&case, 9), "applicant-1"))
        .await
        .expect("booked onto their own case")
        .into_inner();
    let position = booked.position.expect("a position");
    let appointment = booked.appointment.expect("an appointment");
    assert_eq!(appointment.case_id, case.case_id);
    assert_eq!(appointment.origin, proto::Origin::SelfService as i32);
    // Nobody holds it: it is the case's responsible caseworker's.
    assert_eq!(appointment.caseworker, "");
    assert_eq!(appointment.responsible_caseworker, "cw-7");

    let tuesdays = day_of(&mut app, "cw-7", tuesday(), Some(&position)).await;
    assert_eq!(tuesdays, std::slice::from_ref(&appointment));
    assert_eq!(tuesdays[0].applicant_subject, "applicant-1");
    assert_eq!(
        tuesdays[0].kind,
        proto::AppointmentKind::FirstMeeting as i32
    );
    assert!(day_of(&mut app, "cw-1", tuesday(), None).await.is_empty());
    assert!(
        day_of(&mut app, "cw-7", day(2030, 5, 15), None)
            .await
            .is_empty()
    );
    assert_eq!(
        upcoming_of(&mut app, "applicant-1", Some(&position)).await,
        std::slice::from_ref(&appointment)
    );
    assert!(upcoming_of(&mut app, "applicant-2", None).await.is_empty());
    // GetAppointment tells the same.
    assert_eq!(
        get(&mut app, &appointment.appointment_id).await,
        appointment
    );
}

#[tokio::test]
async fn an_applicant_cannot_book_onto_another_applicants_an_unknown_or_another_tenants_case() {
    let mut app = spawn_app().await;
    let cases = case_log(&app).await;
    let theirs = cases.open(TENANT, "applicant-2", "cw-7").await;
    let elsewhere = cases.open(OTHER_TENANT, "applicant-1", "cw-7").await;
    let paper = cases.open(TENANT, "", "cw-7").await;
    for case in [&theirs, &elsewhere, &paper] {
        let refused = app
            .client
            .book_appointment(as_applicant(on_case(case, 9), "applicant-1"))
            .await
            .expect_err("not their case");
        assert_eq!(refused.code(), Code::NotFound);
    }
    let mut unknown = on_case(&theirs, 9);
    unknown.case_id = uuid::Uuid::new_v4().to_string();
    let refused = app
        .client
        .book_appointment(as_applicant(unknown, "applicant-1"))
        .await
        .expect_err("no such case");
    assert_eq!(refused.code(), Code::NotFound);
    assert_eq!(all_events(&app).await, 0);
    assert_eq!(slot_rows(&app).await, 0);
}

#[tokio::test]
async fn staff_book_and_invite_only_onto_an_open_known_case_of_their_jobcenter_and_applicant() {
    let mut app = spawn_app().await;
    let cases = case_log(&app).await;
    let case = cases.open(TENANT, "applicant-1", "cw-7").await;
    let elsewhere = cases.open(OTHER_TENANT, "applicant-1", "cw-7").await;
    let on_behalf = |case: &OpenedCase| proto::BookAppointmentRequest {
        applicant_subject: "applicant-1".into(),
        ..on_case(case, 9)
    };
    let mut unknown = on_behalf(&case);
    unknown.case_id = uuid::Uuid::new_v4().to_string();
    for (request, what) in [
        (unknown, "unknown"),
        (on_behalf(&elsewhere), "another tenant's"),
    ] {
        let refused = app
            .client
            .book_appointment(as_caseworker(request))
            .await
            .expect_err(what);
        assert_eq!(refused.code(), Code::NotFound, "{what}");
    }
    let invite = |case: &OpenedCase, applicant: &str| proto::InviteToAppointmentRequest {
        command_id: uuid::Uuid::new_v4().to_string(),
        case_id: case.case_id.clone(),
        applicant_subject: applicant.into(),
        office_id: OFFICE.to_string(),
        appointment_type_id: MELDETERMIN.to_string(),
        start: Some(timestamp(berlin(tuesday(), 10, 0))),
        channel: proto::AppointmentChannel::InPerson as i32,
        video_link: String::new(),
        min_case_position: Some(case.position.clone()),
    };
    let refused = app
        .client
        .invite_to_appointment(as_caseworker(invite(&elsewhere, "applicant-1")))
        .await
        .expect_err("another tenant's case");
    assert_eq!(refused.code(), Code::NotFound);
    // The case is applicant-1's: staff cannot book it for someone else.
    let mut stranger = on_behalf(&case);
    stranger.applicant_subject = "applicant-2".into();
    let refused = app
        .client
        .book_appointment(as_caseworker(stranger))
        .await
        .expect_err("not the case's applicant");
    assert_eq!(violated_fields(&refused), ["applicant_subject"]);
    let refused = app
        .client
        .invite_to_appointment(as_caseworker(invite(&case, "applicant-2")))
        .await
        .expect_err("not the case's applicant");
    assert_eq!(violated_fields(&refused), ["applicant_subject"]);
    // A position token must be one, of the case log.
    let mut garbled = on_behalf(&case);
    garbled.min_case_position = Some(jobcenter_proto::common::v1::Position {
        token: "case:nonsense".into(),
    });
    let refused = app
        .client
        .book_appointment(as_caseworker(garbled))
        .await
        .expect_err("not a token");
    assert_eq!(violated_fields(&refused), ["min_case_position.token"]);
    let mut own_log = on_behalf(&case);
    own_log.min_case_position = Some(jobcenter_proto::common::v1::Position {
        token: "appointment:1:1".into(),
    });
    let refused = app
        .client
        .book_appointment(as_caseworker(own_log))
        .await
        .expect_err("not the case log");
    assert_eq!(violated_fields(&refused), ["min_case_position.token"]);
    assert_eq!(all_events(&app).await, 0);

    // A closed case takes no appointment.
    let closed = cases.close(TENANT, &case.case_id).await;
    let mut late = on_behalf(&case);
    late.min_case_position = Some(closed.clone());
    let refused = app
        .client
        .book_appointment(as_caseworker(late))
        .await
        .expect_err("the case is closed");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    let mut late_invitation = invite(&case, "applicant-1");
    late_invitation.min_case_position = Some(closed);
    let refused = app
        .client
        .invite_to_appointment(as_caseworker(late_invitation))
        .await
        .expect_err("the case is closed");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(all_events(&app).await, 0);
    assert_eq!(slot_rows(&app).await, 0);

    // A case from paper has no account: staff book it for the applicant they name.
    let paper = cases.open(TENANT, "", "cw-7").await;
    let booked = app
        .client
        .book_appointment(as_caseworker(on_behalf(&paper)))
        .await
        .expect("booked onto the paper case")
        .into_inner()
        .appointment
        .expect("an appointment");
    assert_eq!(booked.responsible_caseworker, "cw-7");
}
