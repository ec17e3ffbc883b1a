//! A caseworker's day and an applicant's upcoming appointments, read from the read model:
//! an appointment belongs to whoever holds it, else to its case's responsible caseworker; an
//! assignment or a case's reassignment moves it between days, a cancellation takes it out, a
//! reschedule moves it to its new day. The read model rebuilt from the log equals the live one.

mod harness;

use appointment::projections::appointment_view::AppointmentView;
use harness::*;
use jobcenter_proto::appointment::v1 as proto;
use jobcenter_proto::common::v1 as common;
use projection::Projection;
use tonic::Code;

/// Caseworker `cw-7` of a case of applicant-1 books a first meeting on it for Tuesday at
/// `hour`:`minute`; the appointment and where it was committed.
async fn booked_on(
    app: &mut TestApp,
    case: &OpenedCase,
    hour: u32,
    minute: u32,
) -> (proto::Appointment, common::Position) {
    let request = proto::BookAppointmentRequest {
        applicant_subject: "applicant-1".into(),
        case_id: case.case_id.clone(),
        min_case_position: Some(case.position.clone()),
        ..self_booking(FIRST_MEETING, berlin(tuesday(), hour, minute))
    };
    let booked = app
        .client
        .book_appointment(as_subject(request, TENANT, "cw-7", "caseworker"))
        .await
        .expect("booked")
        .into_inner();
    (
        booked.appointment.expect("an appointment"),
        booked.position.expect("a position"),
    )
}

fn assign(appointment_id: &str, caseworker: &str) -> proto::AssignAppointmentRequest {
    proto::AssignAppointmentRequest {
        command_id: uuid::Uuid::new_v4().to_string(),
        appointment_id: appointment_id.to_owned(),
        caseworker_subject: caseworker.to_owned(),
    }
}

#[tokio::test]
async fn an_assignment_moves_the_appointment_from_one_caseworkers_day_to_anothers() {
    let mut app = spawn_app().await;
    let cases = case_log(&app).await;
    let case = cases.open(TENANT, "applicant-1", "cw-7").await;
    let (first, _) = booked_on(&mut app, &case, 9, 0).await;
    let (second, at) = booked_on(&mut app, &case, 10, 0).await;
    assert_eq!(
        references(&day_of(&mut app, "cw-7", tuesday(), Some(&at)).await),
        [first.reference.clone(), second.reference.clone()]
    );

    // A caseworker takes appointments, only a team lead gives them to someone else.
    let refused = app
        .client
        .assign_appointment(as_subject(
            assign(&first.appointment_id, "cw-8"),
            TENANT,
            "cw-7",
            "caseworker",
        ))
        .await
        .expect_err("a caseworker gives nothing away");
    assert_eq!(refused.code(), Code::PermissionDenied);
    let given = app
        .client
        .assign_appointment(as_subject(
            assign(&first.appointment_id, "cw-8"),
            TENANT,
            "lead-1",
            "caseworker,team_lead",
        ))
        .await
        .expect("the team lead gives it to cw-8")
        .into_inner();
    let moved = given.appointment.expect("an appointment");
    assert_eq!(moved.caseworker, "cw-8");
    assert_eq!(moved.responsible_caseworker, "cw-8");
    let at = given.position.expect("a position");
    assert_eq!(
        references(&day_of(&mut app, "cw-8", tuesday(), Some(&at)).await),
        [first.reference.as_str()]
    );
    assert_eq!(
        references(&day_of(&mut app, "cw-7", tuesday(), None).await),
        [second.reference.as_str()]
    );

    // cw-9 takes the second one themselves.
    let taken = app
        .client
        .assign_appointment(as_subject(
            assign(&second.appointment_id, ""),
            TENANT,
            "cw-9",
            "caseworker",
        ))
        .await
        .expect("cw-9 takes it")
        .into_inner();
    let at = taken.position.expect("a position");
    assert_eq!(
        references(&day_of(&mut app, "cw-9", tuesday(), Some(&at)).await),
        [second.reference.as_str()]
    );
    assert!(day_of(&mut app, "cw-7", tuesday(), None).await.is_empty());

    // A case reassigned takes along the appointments nobody holds, not those held.
    let (third, _) = booked_on(&mut app, &case, 11, 0).await;
    let reassigned = cases.reassign(TENANT, &case.case_id, "cw-5").await;
    let cw5 = day_of(&mut app, "cw-5", tuesday(), Some(&reassigned)).await;
    assert_eq!(references(&cw5), [third.reference.as_str()]);
    assert_eq!(cw5[0].responsible_caseworker, "cw-5");
    assert_eq!(
        references(&day_of(&mut app, "cw-8", tuesday(), None).await),
        [first.reference]
    );
    assert_eq!(
        count_events(&app, "appointment.AppointmentAssigned").await,
        2,
        "the case's caseworker is resolved when read, not recorded"
    );
}

#[tokio::test]
async fn a_cancellation_leaves_the_day_and_the_upcoming_list_and_a_reschedule_moves_the_day() {
    let mut app = spawn_app().await;
    let cases = case_log(&app).await;
    let case = cases.open(TENANT, "applicant-1", "cw-7").await;
    let (kept, _) = booked_on(&mut app, &case, 9, 0).await;
    let (dropped, _) = booked_on(&mut app, &case, 9, 30).await;
    let (moved, at) = booked_on(&mut app, &case, 10, 0).await;
    assert_eq!(
        references(&upcoming_of(&mut app, "applicant-1", Some(&at)).await),
        [&kept, &dropped, &moved].map(|a| a.reference.clone())
    );

    let cancelled = app
        .client
        .cancel_appointment(as_applicant(
            proto::CancelAppointmentRequest {
                command_id: uuid::Uuid::new_v4().to_string(),
                appointment_id: dropped.appointment_id.clone(),
                reason: String::new(),
            },
            "applicant-1",
        ))
        .await
        .expect("cancelled")
        .into_inner();
    let wednesday = day(2030, 5, 15);
    let rescheduled = app
        .client
        .reschedule_appointment(as_subject(
            proto::RescheduleAppointmentRequest {
                command_id: uuid::Uuid::new_v4().to_string(),
                appointment_id: moved.appointment_id.clone(),
                start: Some(timestamp(berlin(wednesday, 11, 0))),
            },
            TENANT,
            "cw-7",
            "caseworker",
        ))
        .await
        .expect("moved")
        .into_inner();
    let at = rescheduled.position.expect("a position");
    assert_eq!(
        references(&day_of(&mut app, "cw-7", tuesday(), Some(&at)).await),
        [kept.reference.as_str()]
    );
    let wednesdays = day_of(&mut app, "cw-7", wednesday, None).await;
    assert_eq!(references(&wednesdays), [moved.reference.as_str()]);
    assert_eq!(
        instant(&wednesdays[0].place.as_ref().expect("a place").start),
        berlin(wednesday, 11, 0)
    );
    assert_eq!(wednesdays[0].reschedules, 1);
    let upcoming = upcoming_of(&mut app, "applicant-1", cancelled.position.as_ref()).await;
    assert_eq!(
        references(&upcoming),
        [kept.reference.clone(), moved.reference.clone()]
    );

    // Once the first has begun it is no longer upcoming, and it stays in the day attended.
    app.clock.set(berlin(tuesday(), 9, 5));
    let attended = app
        .client
        .record_attendance(as_caseworker(proto::RecordAttendanceRequest {
            command_id: uuid::Uuid::new_v4().to_string(),
            appointment_id: kept.appointment_id.clone(),
            attended: true,
            reason: String::new(),
        }))
        .await
        .expect("recorded")
        .into_inner();
    assert_eq!(
        references(&upcoming_of(&mut app, "applicant-1", attended.position.as_ref()).await),
        [moved.reference.as_str()]
    );
    let tuesdays = day_of(&mut app, "cw-7", tuesday(), None).await;
    assert_eq!(
        tuesdays[0].status,
        proto::AppointmentStatus::Attended as i32
    );

    // Staff list a case's upcoming appointments, or an applicant's.
    let of_case = app
        .client
        .list_my_appointments(as_caseworker(proto::ListMyAppointmentsRequest {
            case_id: case.case_id.clone(),
            ..Default::default()
        }))
        .await
        .expect("the case's")
        .into_inner()
        .appointments;
    assert_eq!(references(&of_case), [moved.reference.as_str()]);
    let of_applicant = app
        .client
        .list_my_appointments(as_caseworker(proto::ListMyAppointmentsRequest {
            applicant_subject: "applicant-1".into(),
            ..Default::default()
        }))
        .await
        .expect("the applicant's")
        .into_inner()
        .appointments;
    assert_eq!(of_applicant, of_case);
}

#[tokio::test]
async fn reads_and_assignment_refuse_bad_input_other_tenants_and_the_wrong_roles() {
    let mut app = spawn_app().await;
    let cases = case_log(&app).await;
    let case = cases.open(TENANT, "applicant-1", "cw-7").await;
    let (booked, at) = booked_on(&mut app, &case, 9, 0).await;

    let invalid = app
        .client
        .get_caseworker_day(as_caseworker(proto::GetCaseworkerDayRequest {
            caseworker_subject: "cw 7".into(),
            day: None,
            min_position: Some(common::Position {
                token: "garbage".into(),
            }),
        }))
        .await
        .expect_err("invalid");
    assert_eq!(violated_fields(&invalid), ["day", "caseworker_subject"]);
    let bad_token = app
        .client
        .get_caseworker_day(as_caseworker(proto::GetCaseworkerDayRequest {
            day: Some(date(tuesday())),
            min_position: Some(common::Position {
                token: "intake:1:1".into(),
            }),
            ..Default::default()
        }))
        .await
        .expect_err("a log the read does not follow");
    assert_eq!(violated_fields(&bad_token), ["min_position.token"]);
    let nobody = app
        .client
        .list_my_appointments(as_caseworker(proto::ListMyAppointmentsRequest::default()))
        .await
        .expect_err("whose?");
    assert_eq!(violated_fields(&nobody), ["applicant_subject"]);
    let someone_else = app
        .client
        .list_my_appointments(as_applicant(
            proto::ListMyAppointmentsRequest {
                applicant_subject: "applicant-2".into(),
                case_id: "no-uuid".into(),
                ..Default::default()
            },
            "applicant-1",
        ))
        .await
        .expect_err("not theirs to list");
    assert_eq!(
        violated_fields(&someone_else),
        ["case_id", "applicant_subject"]
    );
    let bad_assign = app
        .client
        .assign_appointment(as_caseworker(proto::AssignAppointmentRequest {
            command_id: "x".into(),
            appointment_id: "y".into(),
            caseworker_subject: "two words".into(),
        }))
        .await
        .expect_err("invalid");
    assert_eq!(
        violated_fields(&bad_assign),
        ["command_id", "appointment_id", "caseworker_subject"]
    );

    // Another jobcenter sees nothing of this one.
    let stranger = |request| as_subject(request, OTHER_TENANT, "cw-7", "caseworker,team_lead");
    let theirs = app
        .client
        .get_caseworker_day(stranger(proto::GetCaseworkerDayRequest {
            day: Some(date(tuesday())),
            min_position: Some(at.clone()),
            ..Default::default()
        }))
        .await
        .expect("their own day")
        .into_inner();
    assert!(theirs.appointments.is_empty());
    let not_theirs = app
        .client
        .list_my_appointments(as_subject(
            proto::ListMyAppointmentsRequest {
                case_id: case.case_id.clone(),
                ..Default::default()
            },
            OTHER_TENANT,
            "cw-9",
            "caseworker",
        ))
        .await
        .expect_err("another jobcenter's case");
    assert_eq!(not_theirs.code(), Code::NotFound);
    let not_theirs = app
        .client
        .assign_appointment(as_subject(
            assign(&booked.appointment_id, ""),
            OTHER_TENANT,
            "cw-9",
            "caseworker",
        ))
        .await
        .expect_err("another jobcenter's appointment");
    assert_eq!(not_theirs.code(), Code::NotFound);

    // Roles: applicants neither read days nor assign; auditors and operators read no day.
    for (roles, subject) in [
        ("applicant", "applicant-1"),
        ("auditor", "aud-1"),
        ("operator", "op-1"),
    ] {
        let denied = app
            .client
            .get_caseworker_day(as_subject(
                proto::GetCaseworkerDayRequest {
                    caseworker_subject: "cw-7".into(),
                    day: Some(date(tuesday())),
                    ..Default::default()
                },
                TENANT,
                subject,
                roles,
            ))
            .await
            .expect_err("staff only");
        assert_eq!(denied.code(), Code::PermissionDenied, "{roles}");
    }
    let denied = app
        .client
        .assign_appointment(as_applicant(
            assign(&booked.appointment_id, ""),
            "applicant-1",
        ))
        .await
        .expect_err("staff only");
    assert_eq!(denied.code(), Code::PermissionDenied);
    assert_eq!(all_events(&app).await, 1);
    assert_eq!(get(&mut app, &booked.appointment_id).await, booked);
}

#[tokio::test]
async fn every_read_of_the_read_models_is_in_the_read_access_log_with_its_cases() {
    let mut app = spawn_app().await;
    let cases = case_log(&app).await;
    let case = cases.open(TENANT, "applicant-1", "cw-7").await;
    let (_, at) = booked_on(&mut app, &case, 9, 0).await;
    day_of(&mut app, "cw-7", tuesday(), Some(&at)).await;
    day_of(&mut app, "cw-1", tuesday(), None).await;
    upcoming_of(&mut app, "applicant-1", None).await;
    app.client
        .get_caseworker_calendar_feed(as_subject(
            proto::GetCaseworkerCalendarFeedRequest::default(),
            TENANT,
            "cw-7",
            "caseworker",
        ))
        .await
        .expect("the feed");

    let case_ref = access_log::ObjectRef::case(case.case_id.parse().expect("a UUID"));
    let records = access_records(&app).await;
    let days = records_of(&records, "GetCaseworkerDay");
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].subject.as_deref(), Some("cw-7"));
    assert_eq!(days[0].objects, [case_ref]);
    assert!(days[1].objects.is_empty(), "an empty day discloses no case");
    let lists = records_of(&records, "ListMyAppointments");
    assert_eq!(lists.len(), 1);
    assert_eq!(lists[0].objects, [case_ref]);
    let feeds = records_of(&records, "GetCaseworkerCalendarFeed");
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].objects, [case_ref]);
}

#[tokio::test]
async fn the_appointment_view_rebuilt_from_the_log_equals_the_live_one() {
    let mut app = spawn_app().await;
    let cases = case_log(&app).await;
    let case = cases.open(TENANT, "applicant-1", "cw-7").await;
    let (first, _) = booked_on(&mut app, &case, 9, 0).await;
    booked_on(&mut app, &case, 9, 30).await;
    let cancelled = app
        .client
        .cancel_appointment(as_caseworker(proto::CancelAppointmentRequest {
            command_id: uuid::Uuid::new_v4().to_string(),
            appointment_id: first.appointment_id.clone(),
            reason: "Antrag zurückgenommen".into(),
        }))
        .await
        .expect("cancelled")
        .into_inner();
    // Wait for the live read model to apply everything.
    upcoming_of(&mut app, "applicant-1", cancelled.position.as_ref()).await;
    let pool = app.db.worker_pool().clone();
    let digest = || {
        let pool = pool.clone();
        async move {
            let mut conn = pool.acquire().await.expect("a connection");
            AppointmentView.digest(&mut conn).await.expect("a digest")
        }
    };
    let live = digest().await;
    let report = projection::rebuild(&pool, &app.log, appointment::SCHEMA, &AppointmentView)
        .await
        .expect("rebuilt");
    assert!(report.events >= 3, "{report:?}");
    assert_eq!(digest().await, live);
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM appointment.appointment_view")
        .fetch_one(&pool)
        .await
        .expect("counted");
    assert_eq!(rows, 2);
}
