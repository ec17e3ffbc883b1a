//! Appointments on the case (docs/casework/appointments.md): bookings and their changes are
//! noted on the case's timeline with what the case knows of them, once each; a no-show without
//! a reason opens one assessment task for the case's caseworker, which AssessMissedAppointment
//! closes; nothing crosses from one jobcenter to another.
//!
//! Runs without the appointment service: the test installs its event log in the test database,
//! relays it into NATS, and appends the `appointment.*` events itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use jobcenter_proto::appointment::v1 as appointment;
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::common::v1 as common;
use tonic::Code;
use uuid::Uuid;

use harness::{
    TestApp, TestClock, append_appointment_event, appointment_log, appointments_reactor_reached,
    as_caller, as_subject, case_command, count_events, eventually, fallback_rule, find,
    list_all_tasks, set_rules, spawn_app, spawn_app_with_clock, submit_as, timeline_of,
};

const TENANT: &str = "jc-essen";
const OTHER_TENANT: &str = "jc-bochum";
const CASEWORKER: &str = "cw-termine";
const NOTED: &str = "case.AppointmentNoted";

/// 2030-03-04 08:00 UTC: Monday, 09:00 in Berlin (winter time).
const MONDAY_0900: i64 = 1_898_841_600;
/// 2030-03-06 09:00 UTC: Wednesday, 10:00 in Berlin.
const WEDNESDAY_1000: i64 = MONDAY_0900 + 2 * 86_400 + 3_600;

fn ts(seconds: i64) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp { seconds, nanos: 0 })
}

fn place(start: i64) -> Option<appointment::Place> {
    Some(appointment::Place {
        office_id: "5f0c6c0e-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
        appointment_type_id: "6a1d7d1f-8f0a-4a57-9d7e-1f3c2b9a0b11".into(),
        start: ts(start),
        end: ts(start + 1_800),
    })
}

fn terms(
    id: Uuid,
    case_id: &str,
    reference: &str,
    kind: appointment::AppointmentKind,
) -> Option<appointment::Terms> {
    Some(appointment::Terms {
        appointment_id: id.to_string(),
        reference: reference.into(),
        applicant_subject: "applicant-1".into(),
        case_id: case_id.into(),
        kind: kind as i32,
        channel: appointment::AppointmentChannel::InPerson as i32,
        video_link: String::new(),
    })
}

/// The applicant's online booking of a first meeting on Monday at 09:00.
fn booked(id: Uuid, case_id: &str) -> appointment::AppointmentBooked {
    appointment::AppointmentBooked {
        terms: terms(
            id,
            case_id,
            "K7MX4-QTR9B",
            appointment::AppointmentKind::FirstMeeting,
        ),
        place: place(MONDAY_0900),
        origin: appointment::Origin::SelfService as i32,
        booked_by: String::new(),
    }
}

/// A caseworker's invitation to a Meldetermin on Monday at 09:00.
fn invited(id: Uuid, case_id: &str) -> appointment::AppointmentInvited {
    appointment::AppointmentInvited {
        terms: terms(
            id,
            case_id,
            "M3LDT-RMN7X",
            appointment::AppointmentKind::Meldetermin,
        ),
        place: place(MONDAY_0900),
        invited_by: CASEWORKER.into(),
        german: None,
        english: None,
    }
}

fn missed() -> appointment::AppointmentMissed {
    appointment::AppointmentMissed {
        reason: String::new(),
        recorded_by: CASEWORKER.into(),
    }
}

fn assessment_requested(
    id: Uuid,
    case_id: &str,
) -> appointment::MissedAppointmentAssessmentRequested {
    appointment::MissedAppointmentAssessmentRequested {
        case_id: case_id.into(),
        appointment_id: id.to_string(),
        kind: appointment::AppointmentKind::Meldetermin as i32,
        invitation: true,
        missed_start: ts(MONDAY_0900),
    }
}

/// A case of `tenant`, assigned to [`CASEWORKER`] by the tenant's rules.
async fn assigned_case(app: &mut TestApp, tenant: &str, account: &str) -> proto::Case {
    set_rules(
        app,
        tenant,
        vec![fallback_rule("all", CASEWORKER, "team-1")],
    )
    .await;
    let (main, at) = submit_as(app, tenant, account, "Mustermann").await;
    let case_id = find(app, tenant, &main, &at).await.case_id;
    let cases = app.cases.clone();
    let tenant = tenant.to_owned();
    eventually("the case assigned by the rules", || {
        let mut cases = cases.clone();
        let case_id = case_id.clone();
        let tenant = tenant.clone();
        async move {
            let case = cases
                .get_case(as_caller(
                    proto::GetCaseRequest {
                        case_id,
                        min_position: None,
                    },
                    &tenant,
                    "caseworker",
                ))
                .await
                .ok()?
                .into_inner()
                .case?;
            (case.assigned_caseworker == CASEWORKER).then_some(case)
        }
    })
    .await
}

/// The caseworker's open assessment tasks for appointment `id`, once the tasks read model has
/// applied `at` (when given).
async fn assessment_tasks(
    app: &mut TestApp,
    id: Uuid,
    at: Option<common::Position>,
) -> Vec<proto::Task> {
    list_all_tasks(
        app,
        TENANT,
        CASEWORKER,
        "caseworker",
        proto::ListTasksRequest {
            min_position: at,
            ..Default::default()
        },
    )
    .await
    .expect("own queue")
    .into_iter()
    .filter(|task| {
        task.kind == proto::TaskKind::AssessMissedAppointment as i32
            && task.application_id == id.to_string()
    })
    .collect()
}

/// Waits until the caseworker's queue holds an assessment task for appointment `id`; returns
/// every such task.
async fn assessment_task_appears(app: &mut TestApp, id: Uuid) -> Vec<proto::Task> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let tasks = assessment_tasks(app, id, None).await;
        if !tasks.is_empty() {
            return tasks;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no assessment task for {id}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn assess(
    case_id: &str,
    appointment_id: &str,
    outcome: proto::MissedAppointmentOutcome,
    note: &str,
) -> proto::AssessMissedAppointmentRequest {
    proto::AssessMissedAppointmentRequest {
        command: case_command(case_id),
        appointment_id: appointment_id.into(),
        outcome: outcome as i32,
        note: note.into(),
    }
}

#[tokio::test]
async fn a_booking_its_reschedule_and_its_cancellation_appear_on_the_timeline_with_the_reference() {
    let mut app = spawn_app().await;
    let (main, at) = submit_as(&mut app, TENANT, "applicant-booking", "Mustermann").await;
    let case = find(&mut app, TENANT, &main, &at).await;
    let appointments = appointment_log(&app).await;
    let id = Uuid::new_v4();

    append_appointment_event(
        &appointments,
        TENANT,
        id,
        Some(&case.case_id),
        "AppointmentBooked",
        &booked(id, &case.case_id),
    )
    .await;
    append_appointment_event(
        &appointments,
        TENANT,
        id,
        Some(&case.case_id),
        "AppointmentRescheduled",
        &appointment::AppointmentRescheduled {
            released: place(MONDAY_0900),
            taken: place(WEDNESDAY_1000),
            by: Some(appointment::Party {
                staff_subject: String::new(),
            }),
        },
    )
    .await;
    let last = append_appointment_event(
        &appointments,
        TENANT,
        id,
        Some(&case.case_id),
        "AppointmentCancelled",
        &appointment::AppointmentCancelled {
            released: place(WEDNESDAY_1000),
            by: Some(appointment::Party {
                staff_subject: CASEWORKER.into(),
            }),
            reason: "Dienststelle geschlossen".into(),
        },
    )
    .await;
    appointments_reactor_reached(&app, last.position).await;

    let timeline = timeline_of(&mut app, TENANT, &case.case_id, NOTED)
        .await
        .expect("timeline");
    assert_eq!(
        timeline,
        vec![
            "Appointment K7MX4-QTR9B (first meeting, in person) booked by the applicant for \
             2030-03-04 09:00–09:30"
                .to_owned(),
            // The reschedule and the cancellation carry no terms: the case knew them.
            "Appointment K7MX4-QTR9B (first meeting, in person) moved by the applicant from \
             2030-03-04 09:00 to 2030-03-06 10:00–10:30"
                .to_owned(),
            "Appointment K7MX4-QTR9B (first meeting, in person) on 2030-03-06 10:00 cancelled by \
             the jobcenter: Dienststelle geschlossen"
                .to_owned(),
        ]
    );
}

#[tokio::test]
async fn a_redelivered_appointment_log_notes_each_change_once() {
    let mut clocked = spawn_app_with_clock(TestClock::today()).await;
    let (main, at) = submit_as(&mut clocked.app, TENANT, "applicant-again", "Mustermann").await;
    let case = find(&mut clocked.app, TENANT, &main, &at).await;
    let appointments = appointment_log(&clocked.app).await;
    let id = Uuid::new_v4();
    append_appointment_event(
        &appointments,
        TENANT,
        id,
        Some(&case.case_id),
        "AppointmentBooked",
        &booked(id, &case.case_id),
    )
    .await;
    let first = append_appointment_event(
        &appointments,
        TENANT,
        id,
        Some(&case.case_id),
        "AppointmentAttended",
        &appointment::AppointmentAttended {
            recorded_by: CASEWORKER.into(),
        },
    )
    .await;
    appointments_reactor_reached(&clocked.app, first.position).await;
    assert_eq!(count_events(&clocked.app, &case.case_id, NOTED).await, 2);

    // The reactor loses its checkpoint while the service is down: after the restart every
    // appointment event is delivered to it again, and one more arrives.
    clocked.stop_case().await;
    let forgotten = sqlx::query("DELETE FROM cases.projection_checkpoints WHERE name = $1")
        .bind(case::reactors::appointments::NAME)
        .execute(clocked.app.db.owner_pool())
        .await
        .expect("checkpoint deleted");
    assert_eq!(forgotten.rows_affected(), 1);
    clocked.start_case_again().await;
    let other = Uuid::new_v4();
    let last = append_appointment_event(
        &appointments,
        TENANT,
        other,
        Some(&case.case_id),
        "AppointmentBooked",
        &booked(other, &case.case_id),
    )
    .await;
    appointments_reactor_reached(&clocked.app, last.position).await;

    assert_eq!(count_events(&clocked.app, &case.case_id, NOTED).await, 3);
    let timeline = timeline_of(&mut clocked.app, TENANT, &case.case_id, NOTED)
        .await
        .expect("timeline");
    assert_eq!(timeline.len(), 3, "{timeline:?}");
    assert!(
        timeline[1].starts_with("The applicant attended appointment K7MX4-QTR9B"),
        "{timeline:?}"
    );
}

#[tokio::test]
async fn a_no_show_opens_one_assessment_task_which_the_assessment_closes() {
    let mut app = spawn_app().await;
    let case = assigned_case(&mut app, TENANT, "applicant-no-show").await;
    let appointments = appointment_log(&app).await;
    let id = Uuid::new_v4();
    append_appointment_event(
        &appointments,
        TENANT,
        id,
        Some(&case.case_id),
        "AppointmentInvited",
        &invited(id, &case.case_id),
    )
    .await;
    append_appointment_event(
        &appointments,
        TENANT,
        id,
        Some(&case.case_id),
        "AppointmentMissed",
        &missed(),
    )
    .await;
    // Requested, and the same request sent again (a second event): one task.
    for _ in 0..2 {
        append_appointment_event(
            &appointments,
            TENANT,
            id,
            Some(&case.case_id),
            "MissedAppointmentAssessmentRequested",
            &assessment_requested(id, &case.case_id),
        )
        .await;
    }
    let other = Uuid::new_v4();
    let last = append_appointment_event(
        &appointments,
        TENANT,
        other,
        Some(&case.case_id),
        "AppointmentAttended",
        &appointment::AppointmentAttended::default(),
    )
    .await;
    appointments_reactor_reached(&app, last.position).await;
    assert_eq!(
        count_events(
            &app,
            &case.case_id,
            "case.MissedAppointmentAssessmentRequested"
        )
        .await,
        1
    );
    let task = assessment_task_appears(&mut app, id).await;
    assert_eq!(task.len(), 1, "{task:?}");
    let task = &task[0];
    assert_eq!(task.case_id, case.case_id);
    assert_eq!(task.assignee, CASEWORKER);
    assert_eq!(task.priority, proto::TaskPriority::High as i32);
    assert_eq!(
        task.title,
        "Meldeversäumnis prüfen (§ 32 SGB II): Meldetermin M3LDT-RMN7X am 04.03.2030, 09:00 Uhr"
    );
    assert!(
        task.checklist
            .iter()
            .any(|item| item.starts_with("Anhören")),
        "{:?}",
        task.checklist
    );

    // Bad input: every field violation at once, nothing recorded, the task stays.
    let bad = app
        .cases
        .assess_missed_appointment(as_subject(
            assess(
                &case.case_id,
                "appointment-7",
                proto::MissedAppointmentOutcome::Unspecified,
                &"x".repeat(501),
            ),
            TENANT,
            CASEWORKER,
            "caseworker",
        ))
        .await
        .expect_err("invalid");
    assert_eq!(bad.code(), Code::InvalidArgument);
    let fields: Vec<String> = platform::status::field_violations(&bad)
        .into_iter()
        .map(|v| v.field)
        .collect();
    assert_eq!(fields, vec!["appointment_id", "outcome", "note"]);
    assert_eq!(
        count_events(&app, &case.case_id, "case.MissedAppointmentAssessed").await,
        0
    );

    // Another jobcenter cannot assess it: no such case there.
    let theirs = app
        .cases
        .assess_missed_appointment(as_caller(
            assess(
                &case.case_id,
                &id.to_string(),
                proto::MissedAppointmentOutcome::GoodReason,
                "",
            ),
            OTHER_TENANT,
            "caseworker",
        ))
        .await
        .expect_err("another tenant's case");
    assert_eq!(theirs.code(), Code::NotFound);

    // The caseworker assesses it; a retry with the same command id answers the same.
    let request = assess(
        &case.case_id,
        &id.to_string(),
        proto::MissedAppointmentOutcome::NoGoodReason,
        "Angehört am 10.03.; kein wichtiger Grund genannt",
    );
    let done = app
        .cases
        .assess_missed_appointment(as_subject(
            request.clone(),
            TENANT,
            CASEWORKER,
            "caseworker",
        ))
        .await
        .expect("assessed")
        .into_inner()
        .result
        .unwrap();
    let again = app
        .cases
        .assess_missed_appointment(as_subject(request, TENANT, CASEWORKER, "caseworker"))
        .await
        .expect("the same command again")
        .into_inner()
        .result
        .unwrap();
    assert_eq!(again, done);
    assert!(
        assessment_tasks(&mut app, id, done.position.clone())
            .await
            .is_empty()
    );
    assert_eq!(
        count_events(&app, &case.case_id, "case.MissedAppointmentAssessed").await,
        1
    );

    // A second assessment, and one nobody asked for, are refused.
    for (appointment_id, why) in [(id, "assessed before"), (Uuid::new_v4(), "never missed")] {
        let refused = app
            .cases
            .assess_missed_appointment(as_subject(
                assess(
                    &case.case_id,
                    &appointment_id.to_string(),
                    proto::MissedAppointmentOutcome::GoodReason,
                    "",
                ),
                TENANT,
                CASEWORKER,
                "caseworker",
            ))
            .await
            .expect_err(why);
        assert_eq!(refused.code(), Code::FailedPrecondition, "{why}");
    }
    assert_eq!(
        count_events(&app, &case.case_id, "case.MissedAppointmentAssessed").await,
        1
    );

    let requested = timeline_of(
        &mut app,
        TENANT,
        &case.case_id,
        "case.MissedAppointmentAssessmentRequested",
    )
    .await
    .expect("timeline");
    assert_eq!(
        requested,
        vec![
            "Missed appointment M3LDT-RMN7X (Meldetermin) on 2030-03-04 09:00 to be assessed by \
             a caseworker: hear the applicant, then decide whether § 32 SGB II applies"
                .to_owned()
        ]
    );
    let assessed = timeline_of(
        &mut app,
        TENANT,
        &case.case_id,
        "case.MissedAppointmentAssessed",
    )
    .await
    .expect("timeline");
    assert_eq!(
        assessed,
        vec!["Missed appointment M3LDT-RMN7X assessed by a caseworker: no good reason".to_owned()]
    );
    let noted = timeline_of(&mut app, TENANT, &case.case_id, NOTED)
        .await
        .expect("timeline");
    assert_eq!(
        noted,
        vec![
            "Invited to appointment M3LDT-RMN7X (Meldetermin, in person) for 2030-03-04 \
             09:00–09:30 with the notice of consequences (§ 32 SGB II)"
                .to_owned(),
            "The applicant missed appointment M3LDT-RMN7X (Meldetermin, in person) on 2030-03-04 \
             09:00 without giving a reason"
                .to_owned(),
            // Another appointment the case never heard of: noted with what its event carried.
            format!(
                "The applicant attended appointment {}",
                &other.to_string()[..8]
            ),
        ]
    );
}

#[tokio::test]
async fn events_of_another_jobcenter_or_for_an_unknown_case_are_passed_by_and_the_next_arrives() {
    let mut app = spawn_app().await;
    let (mine, at) = submit_as(&mut app, TENANT, "applicant-mine", "Mustermann").await;
    let mine = find(&mut app, TENANT, &mine, &at).await;
    let (theirs, at) = submit_as(&mut app, OTHER_TENANT, "applicant-theirs", "Mustermann").await;
    let theirs = find(&mut app, OTHER_TENANT, &theirs, &at).await;
    let appointments = appointment_log(&app).await;

    // Bochum's appointment log names Essen's case; Essen's names Bochum's; one names a case
    // nobody has; one names none; one is unreadable.
    let id = Uuid::new_v4();
    append_appointment_event(
        &appointments,
        OTHER_TENANT,
        id,
        Some(&mine.case_id),
        "AppointmentBooked",
        &booked(id, &mine.case_id),
    )
    .await;
    let id = Uuid::new_v4();
    append_appointment_event(
        &appointments,
        TENANT,
        id,
        Some(&theirs.case_id),
        "AppointmentBooked",
        &booked(id, &theirs.case_id),
    )
    .await;
    let id = Uuid::new_v4();
    let nobody = Uuid::new_v4().to_string();
    append_appointment_event(
        &appointments,
        TENANT,
        id,
        Some(&nobody),
        "MissedAppointmentAssessmentRequested",
        &assessment_requested(id, &nobody),
    )
    .await;
    let id = Uuid::new_v4();
    append_appointment_event(
        &appointments,
        TENANT,
        id,
        None,
        "AppointmentBooked",
        &booked(id, ""),
    )
    .await;
    append_appointment_event(
        &appointments,
        TENANT,
        Uuid::new_v4(),
        Some(&mine.case_id),
        "AppointmentMissed",
        &prost_types::Timestamp {
            // Field 1 as a number where AppointmentMissed has a text: no AppointmentMissed.
            seconds: 42,
            nanos: 0,
        },
    )
    .await;
    // Behind them, Essen's booking on Essen's case.
    let id = Uuid::new_v4();
    let last = append_appointment_event(
        &appointments,
        TENANT,
        id,
        Some(&mine.case_id),
        "AppointmentBooked",
        &booked(id, &mine.case_id),
    )
    .await;
    appointments_reactor_reached(&app, last.position).await;

    assert_eq!(count_events(&app, &theirs.case_id, NOTED).await, 0);
    let noted = timeline_of(&mut app, TENANT, &mine.case_id, NOTED)
        .await
        .expect("timeline");
    assert_eq!(noted.len(), 1, "{noted:?}");
    assert!(noted[0].contains("booked by the applicant"), "{noted:?}");
    assert!(
        timeline_of(&mut app, OTHER_TENANT, &theirs.case_id, NOTED)
            .await
            .expect("their own timeline")
            .is_empty()
    );
    // Neither jobcenter reaches the other's case through the timeline.
    let status = timeline_of(&mut app, OTHER_TENANT, &mine.case_id, NOTED)
        .await
        .expect_err("another tenant's case");
    assert_eq!(status.code(), Code::NotFound);
}
