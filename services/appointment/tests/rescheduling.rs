//! Rescheduling is one step: the new place taken and the old released together, or nothing.

mod harness;

use harness::*;
use jobcenter_proto::appointment::v1 as proto;
use tonic::Code;

fn move_to(
    appointment_id: &str,
    start: chrono::DateTime<chrono::Utc>,
) -> proto::RescheduleAppointmentRequest {
    proto::RescheduleAppointmentRequest {
        command_id: uuid::Uuid::new_v4().to_string(),
        appointment_id: appointment_id.to_owned(),
        start: Some(timestamp(start)),
    }
}

#[tokio::test]
async fn a_move_to_a_full_slot_changes_nothing_and_a_move_to_a_free_one_moves_both_counts() {
    let mut app = spawn_app().await;
    let (nine, half_past, ten) = (
        berlin(tuesday(), 9, 0),
        berlin(tuesday(), 9, 30),
        berlin(tuesday(), 10, 0),
    );
    let mine = book_first_meeting(&mut app, "applicant-1", nine)
        .await
        .expect("booked");
    for n in 0..3 {
        book_first_meeting(&mut app, &format!("other-{n}"), half_past)
            .await
            .expect("booked");
    }
    let events_before = all_events(&app).await;

    let refused = app
        .client
        .reschedule_appointment(as_applicant(
            move_to(&mine.appointment_id, half_past),
            "applicant-1",
        ))
        .await
        .expect_err("the target is full");
    assert_eq!(refused.code(), Code::Aborted);
    assert_eq!(instant(&alternatives(&refused)[0].start), ten);
    // Nothing changed: still at nine, holding its place; the full slot still holds three.
    let unchanged = get(&mut app, &mine.appointment_id).await;
    assert_eq!(unchanged, mine);
    assert_eq!(taken(&app, FIRST_MEETING, nine).await, 1);
    assert_eq!(taken(&app, FIRST_MEETING, half_past).await, 3);
    assert_eq!(all_events(&app).await, events_before);

    let moved = app
        .client
        .reschedule_appointment(as_applicant(
            move_to(&mine.appointment_id, ten),
            "applicant-1",
        ))
        .await
        .expect("moved")
        .into_inner()
        .appointment
        .expect("appointment");
    assert_eq!(instant(&moved.place.as_ref().expect("place").start), ten);
    assert_eq!(moved.reference, mine.reference);
    assert_eq!(moved.appointment_id, mine.appointment_id);
    assert_eq!(moved.reschedules, 1);
    assert_eq!(moved.status, proto::AppointmentStatus::Booked as i32);
    assert_eq!(taken(&app, FIRST_MEETING, nine).await, 0);
    assert_eq!(taken(&app, FIRST_MEETING, ten).await, 1);
    assert_eq!(taken(&app, FIRST_MEETING, half_past).await, 3);
    assert_eq!(
        count_events(&app, "appointment.AppointmentRescheduled").await,
        1
    );
    assert_eq!(all_events(&app).await, events_before + 1);
    assert_eq!(get(&mut app, &mine.appointment_id).await, moved);
}

#[tokio::test]
async fn an_applicant_cannot_move_or_cancel_after_the_notice_period_but_the_jobcenter_can() {
    let mut app = spawn_app().await;
    let nine = berlin(tuesday(), 9, 0);
    let mine = book_first_meeting(&mut app, "applicant-1", nine)
        .await
        .expect("booked");
    // Twelve hours before: inside the 24-hour notice period.
    app.clock.set(nine - chrono::TimeDelta::hours(12));
    let refused = app
        .client
        .reschedule_appointment(as_applicant(
            move_to(&mine.appointment_id, berlin(tuesday(), 11, 0)),
            "applicant-1",
        ))
        .await
        .expect_err("too late for the applicant");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    let no_reason = app
        .client
        .cancel_appointment(as_caseworker(proto::CancelAppointmentRequest {
            command_id: uuid::Uuid::new_v4().to_string(),
            appointment_id: mine.appointment_id.clone(),
            reason: String::new(),
        }))
        .await
        .expect_err("the jobcenter gives a reason");
    assert_eq!(violated_fields(&no_reason), ["reason"]);
    let cancelled = app
        .client
        .cancel_appointment(as_caseworker(proto::CancelAppointmentRequest {
            command_id: uuid::Uuid::new_v4().to_string(),
            appointment_id: mine.appointment_id.clone(),
            reason: "Sachbearbeiterin erkrankt".into(),
        }))
        .await
        .expect("the jobcenter cancels")
        .into_inner()
        .appointment
        .expect("appointment");
    assert_eq!(cancelled.reason, "Sachbearbeiterin erkrankt");
    assert_eq!(taken(&app, FIRST_MEETING, nine).await, 0);
}

#[tokio::test]
async fn concurrent_cancellations_of_one_appointment_release_its_place_once() {
    let mut app = spawn_app().await;
    let nine = berlin(tuesday(), 9, 0);
    let mine = book_first_meeting(&mut app, "applicant-1", nine)
        .await
        .expect("booked");
    book_first_meeting(&mut app, "applicant-2", nine)
        .await
        .expect("booked");
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(10));
    let mut calls = Vec::new();
    for n in 0..10 {
        let mut client = app.client.clone();
        let barrier = barrier.clone();
        let request = as_subject(
            proto::CancelAppointmentRequest {
                command_id: uuid::Uuid::new_v4().to_string(),
                appointment_id: mine.appointment_id.clone(),
                reason: format!("Absage {n}"),
            },
            TENANT,
            &format!("cw-{n}"),
            "caseworker",
        );
        calls.push(tokio::spawn(async move {
            barrier.wait().await;
            client.cancel_appointment(request).await
        }));
    }
    let mut cancelled = 0;
    for call in calls {
        match call.await.expect("ran") {
            Ok(_) => cancelled += 1,
            // Lost the race: the appointment changed meanwhile, or is already cancelled.
            Err(status) => assert!(
                matches!(status.code(), Code::Aborted | Code::FailedPrecondition),
                "{status:?}"
            ),
        }
    }
    assert_eq!(cancelled, 1);
    // The other applicant's place is still counted.
    assert_eq!(taken(&app, FIRST_MEETING, nine).await, 1);
    assert_eq!(
        count_events(&app, "appointment.AppointmentCancelled").await,
        1
    );
}
