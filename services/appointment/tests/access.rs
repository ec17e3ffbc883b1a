//! Who may book what, and who sees which appointment: self-service only for what applicants
//! may book, inside their window; an applicant sees only their own; another tenant nothing.
//! A refusal changes nothing.

mod harness;

use harness::*;
use jobcenter_proto::appointment::v1 as proto;
use tonic::Code;

#[tokio::test]
async fn self_service_is_refused_for_a_meldetermin_and_outside_the_booking_window() {
    let mut app = spawn_app().await;
    let meldetermin = app
        .client
        .book_appointment(as_applicant(
            self_booking(MELDETERMIN, berlin(tuesday(), 9, 0)),
            "applicant-1",
        ))
        .await
        .expect_err("by invitation only");
    assert_eq!(meldetermin.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&meldetermin), ["appointment_type_id"]);

    // The test starts on Monday 08:00: Tuesday 08:00 is exactly the 24-hour lead, too soon.
    let too_soon = book_first_meeting(&mut app, "applicant-1", berlin(day(2030, 5, 7), 8, 0))
        .await
        .expect_err("too soon");
    assert_eq!(violated_fields(&too_soon), ["start"]);
    // The horizon is 42 days: Tuesday 18 June is 43 days ahead.
    let too_far = book_first_meeting(&mut app, "applicant-1", berlin(day(2030, 6, 18), 9, 0))
        .await
        .expect_err("too far ahead");
    assert_eq!(violated_fields(&too_far), ["start"]);
    // Not a slot of the type: 09:10 is between two.
    let between = book_first_meeting(&mut app, "applicant-1", berlin(tuesday(), 9, 10))
        .await
        .expect_err("no such slot");
    assert_eq!(violated_fields(&between), ["start"]);

    // A caseworker books a Meldetermin neither: it is set by invitation.
    let mut on_behalf = self_booking(MELDETERMIN, berlin(tuesday(), 9, 0));
    on_behalf.applicant_subject = "applicant-1".into();
    let staff = app
        .client
        .book_appointment(as_caseworker(on_behalf))
        .await
        .expect_err("invitation required");
    assert_eq!(violated_fields(&staff), ["appointment_type_id"]);

    assert_eq!(all_events(&app).await, 0);
    assert_eq!(slot_rows(&app).await, 0);
}

#[tokio::test]
async fn an_appointment_is_seen_by_its_applicant_and_staff_only() {
    let mut app = spawn_app().await;
    let mine = book_first_meeting(&mut app, "applicant-1", berlin(tuesday(), 9, 0))
        .await
        .expect("booked");
    let own = app
        .client
        .get_appointment(as_applicant(
            proto::GetAppointmentRequest {
                appointment_id: mine.appointment_id.clone(),
            },
            "applicant-1",
        ))
        .await
        .expect("their own")
        .into_inner();
    assert_eq!(own.appointment.as_ref(), Some(&mine));
    assert_eq!(mine.origin, proto::Origin::SelfService as i32);
    assert_eq!(mine.applicant_subject, "applicant-1");

    let someone_else = app
        .client
        .get_appointment(as_applicant(
            proto::GetAppointmentRequest {
                appointment_id: mine.appointment_id.clone(),
            },
            "applicant-2",
        ))
        .await
        .expect_err("not theirs");
    assert_eq!(someone_else.code(), Code::NotFound);
    let cancel = app
        .client
        .cancel_appointment(as_applicant(
            proto::CancelAppointmentRequest {
                command_id: uuid::Uuid::new_v4().to_string(),
                appointment_id: mine.appointment_id.clone(),
                reason: String::new(),
            },
            "applicant-2",
        ))
        .await
        .expect_err("not theirs");
    assert_eq!(cancel.code(), Code::NotFound);

    for (roles, subject) in [("caseworker", "cw-9"), ("applicant", "applicant-1")] {
        let stranger = app
            .client
            .get_appointment(as_subject(
                proto::GetAppointmentRequest {
                    appointment_id: mine.appointment_id.clone(),
                },
                OTHER_TENANT,
                subject,
                roles,
            ))
            .await
            .expect_err("another tenant's");
        assert_eq!(stranger.code(), Code::NotFound, "{roles}");
    }
    let stranger_cancels = app
        .client
        .cancel_appointment(as_subject(
            proto::CancelAppointmentRequest {
                command_id: uuid::Uuid::new_v4().to_string(),
                appointment_id: mine.appointment_id.clone(),
                reason: "x".into(),
            },
            OTHER_TENANT,
            "cw-9",
            "caseworker",
        ))
        .await
        .expect_err("another tenant's");
    assert_eq!(stranger_cancels.code(), Code::NotFound);
    assert_eq!(get(&mut app, &mine.appointment_id).await, mine);
    assert_eq!(all_events(&app).await, 1);

    // Staff book on an applicant's behalf, naming the applicant.
    let mut on_behalf = self_booking(FIRST_MEETING, berlin(tuesday(), 9, 0));
    on_behalf.applicant_subject = "applicant-3".into();
    let booked = app
        .client
        .book_appointment(as_caseworker(on_behalf.clone()))
        .await
        .expect("booked on behalf")
        .into_inner()
        .appointment
        .expect("appointment");
    assert_eq!(booked.origin, proto::Origin::BookedByStaff as i32);
    assert_eq!(booked.applicant_subject, "applicant-3");
    on_behalf.command_id = uuid::Uuid::new_v4().to_string();
    on_behalf.applicant_subject.clear();
    let nobody = app
        .client
        .book_appointment(as_caseworker(on_behalf))
        .await
        .expect_err("whom for?");
    assert_eq!(violated_fields(&nobody), ["applicant_subject"]);
}
