//! Nobody is double-booked: the database has the last word on a slot's places, under real
//! concurrency, and a freed place can be booked again.

mod harness;

use std::sync::Arc;

use harness::*;
use tonic::Code;

#[tokio::test]
async fn fifty_applicants_racing_for_three_places_leave_three_booked_and_47_with_alternatives() {
    let app = spawn_app().await;
    let start = berlin(tuesday(), 9, 0);
    // All 50 calls are in flight together: each waits at the barrier, then sends.
    let barrier = Arc::new(tokio::sync::Barrier::new(50));
    let mut calls = Vec::new();
    for n in 0..50 {
        let mut client = app.client.clone();
        let barrier = barrier.clone();
        calls.push(tokio::spawn(async move {
            let request = as_applicant(
                self_booking(FIRST_MEETING, start),
                &format!("applicant-{n}"),
            );
            barrier.wait().await;
            client.book_appointment(request).await
        }));
    }
    let mut booked = Vec::new();
    let mut refused = Vec::new();
    for call in calls {
        match call.await.expect("the call ran") {
            Ok(response) => booked.push(response.into_inner()),
            Err(status) => refused.push(status),
        }
    }
    assert_eq!(booked.len(), 3, "refusals: {refused:?}");
    assert_eq!(refused.len(), 47);
    for status in &refused {
        assert_eq!(status.code(), Code::Aborted, "{status:?}");
        let offered = alternatives(status);
        assert_eq!(offered.len(), 5, "the rules' five alternatives");
        for slot in &offered {
            assert!(instant(&slot.start) > start, "only later slots are offered");
            assert_eq!(slot.appointment_type_id, FIRST_MEETING.to_string());
            assert!(slot.places_left >= 1);
        }
        assert_eq!(instant(&offered[0].start), start + half_hour());
    }
    let mut references: Vec<&str> = booked
        .iter()
        .map(|b| {
            b.appointment
                .as_ref()
                .expect("appointment")
                .reference
                .as_str()
        })
        .collect();
    references.sort_unstable();
    references.dedup();
    assert_eq!(references.len(), 3);
    assert_eq!(taken(&app, FIRST_MEETING, start).await, 3);
    assert_eq!(count_events(&app, "appointment.AppointmentBooked").await, 3);
    assert_eq!(all_events(&app).await, 3);
}

#[tokio::test]
async fn a_cancellation_frees_the_place_for_the_next_applicant() {
    let mut app = spawn_app().await;
    let start = berlin(tuesday(), 10, 0);
    let mut first = None;
    for n in 0..3 {
        let booked = book_first_meeting(&mut app, &format!("applicant-{n}"), start)
            .await
            .expect("booked");
        first.get_or_insert(booked);
    }
    let refused = book_first_meeting(&mut app, "applicant-4", start)
        .await
        .expect_err("the slot is full");
    assert_eq!(refused.code(), Code::Aborted);
    assert_eq!(taken(&app, FIRST_MEETING, start).await, 3);

    let first = first.expect("booked");
    let cancelled = app
        .client
        .cancel_appointment(as_applicant(
            jobcenter_proto::appointment::v1::CancelAppointmentRequest {
                command_id: uuid::Uuid::new_v4().to_string(),
                appointment_id: first.appointment_id.clone(),
                reason: String::new(),
            },
            "applicant-0",
        ))
        .await
        .expect("cancelled")
        .into_inner()
        .appointment
        .expect("appointment");
    assert_eq!(
        cancelled.status,
        jobcenter_proto::appointment::v1::AppointmentStatus::Cancelled as i32
    );
    assert_eq!(taken(&app, FIRST_MEETING, start).await, 2);

    book_first_meeting(&mut app, "applicant-4", start)
        .await
        .expect("the freed place is booked");
    assert_eq!(taken(&app, FIRST_MEETING, start).await, 3);
    assert_eq!(
        count_events(&app, "appointment.AppointmentCancelled").await,
        1
    );
}

#[tokio::test]
async fn a_retried_booking_answers_the_first_and_takes_one_place_even_when_retries_race() {
    let mut app = spawn_app().await;
    let start = berlin(tuesday(), 11, 0);
    let request = self_booking(FIRST_MEETING, start);
    let first = app
        .client
        .book_appointment(as_applicant(request.clone(), "applicant-1"))
        .await
        .expect("booked")
        .into_inner();
    let again = app
        .client
        .book_appointment(as_applicant(request, "applicant-1"))
        .await
        .expect("the retry answers")
        .into_inner();
    assert_eq!(first.appointment, again.appointment);
    assert_eq!(first.position, again.position);
    assert_eq!(taken(&app, FIRST_MEETING, start).await, 1);

    // Five copies of one new command at once: one booking, one place.
    let later = start + half_hour();
    let racing = self_booking(FIRST_MEETING, later);
    let mut calls = Vec::new();
    for _ in 0..5 {
        let mut client = app.client.clone();
        let request = as_applicant(racing.clone(), "applicant-2");
        calls.push(tokio::spawn(async move {
            client.book_appointment(request).await
        }));
    }
    let mut ids = Vec::new();
    for call in calls {
        let answer = call
            .await
            .expect("ran")
            .expect("every copy answers the booking");
        ids.push(
            answer
                .into_inner()
                .appointment
                .expect("appointment")
                .appointment_id,
        );
    }
    ids.dedup();
    assert_eq!(ids.len(), 1);
    assert_eq!(taken(&app, FIRST_MEETING, later).await, 1);
    assert_eq!(count_events(&app, "appointment.AppointmentBooked").await, 2);

    // The same command id from another applicant names nothing of theirs.
    let stolen = app
        .client
        .book_appointment(as_applicant(racing, "applicant-3"))
        .await
        .expect_err("not theirs");
    assert_eq!(stolen.code(), Code::NotFound);
}

#[tokio::test]
async fn the_database_refuses_a_place_a_concurrent_transaction_took_first() {
    use appointment::domain::slots::SlotKey;
    use appointment::slot_places::{self, Applied};
    let app = spawn_app().await;
    let key = SlotKey {
        office: OFFICE,
        appointment_type: MELDETERMIN,
        start: berlin(tuesday(), 9, 0),
    };
    // The first transaction takes the only place and holds its row until it commits.
    let pool = app.db.worker_pool().clone();
    let mut first = pool.begin().await.expect("begin");
    let took = slot_places::apply(&mut first, TENANT, vec![(key, 1)], 1)
        .await
        .expect("applied");
    assert_eq!(took, Applied::Done);
    // The second decided on the same stale count (nothing taken) and now waits on the row.
    let second = tokio::spawn(async move {
        let mut tx = pool.begin().await.expect("begin");
        slot_places::apply(&mut tx, TENANT, vec![(key, 1)], 1)
            .await
            .expect("applied")
    });
    first.commit().await.expect("committed");
    assert_eq!(second.await.expect("ran"), Applied::Full(key));
    assert_eq!(taken(&app, MELDETERMIN, key.start).await, 1);
}
