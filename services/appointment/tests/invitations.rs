//! A Meldetermin by invitation, with its notice of consequences; attendance after the start;
//! a no-show without a reason asks the case's caseworker to assess it.

mod harness;

use harness::*;
use jobcenter_proto::appointment::v1 as proto;
use tonic::Code;

fn invitation(
    case_id: &str,
    start: chrono::DateTime<chrono::Utc>,
) -> proto::InviteToAppointmentRequest {
    proto::InviteToAppointmentRequest {
        command_id: uuid::Uuid::new_v4().to_string(),
        case_id: case_id.to_owned(),
        applicant_subject: "applicant-1".into(),
        office_id: OFFICE.to_string(),
        appointment_type_id: MELDETERMIN.to_string(),
        start: Some(timestamp(start)),
        channel: proto::AppointmentChannel::InPerson as i32,
        video_link: String::new(),
        min_case_position: None,
    }
}

/// An invitation on `case` (of "applicant-1"), waiting for the case directory to know it.
fn invitation_on(
    case: &OpenedCase,
    start: chrono::DateTime<chrono::Utc>,
) -> proto::InviteToAppointmentRequest {
    proto::InviteToAppointmentRequest {
        min_case_position: Some(case.position.clone()),
        ..invitation(&case.case_id, start)
    }
}

fn attendance(appointment_id: &str, attended: bool) -> proto::RecordAttendanceRequest {
    proto::RecordAttendanceRequest {
        command_id: uuid::Uuid::new_v4().to_string(),
        appointment_id: appointment_id.to_owned(),
        attended,
        reason: String::new(),
    }
}

#[tokio::test]
async fn a_missed_meldetermin_without_reason_requests_an_assessment_on_the_case() {
    let mut app = spawn_app().await;
    let case = case_log(&app)
        .await
        .open(TENANT, "applicant-1", "cw-1")
        .await;
    let case_id = case.case_id.clone();
    let start = berlin(day(2030, 5, 15), 10, 0);
    let invited = app
        .client
        .invite_to_appointment(as_caseworker(invitation_on(&case, start)))
        .await
        .expect("invited")
        .into_inner();
    let appointment = invited.appointment.expect("appointment");
    assert_eq!(appointment.status, proto::AppointmentStatus::Invited as i32);
    assert_eq!(appointment.origin, proto::Origin::Invitation as i32);
    assert_eq!(appointment.caseworker, "cw-1");
    let german = invited.german.expect("the German letter");
    assert_eq!(german.language, "de");
    assert!(
        german.notice.contains("Mittwoch, 15. Mai 2030"),
        "{}",
        german.notice
    );
    assert!(german.notice.contains("10:00 Uhr"));
    assert!(german.body.contains(&appointment.reference));
    assert_eq!(invited.english.expect("the English letter").language, "en");

    // Before the start nothing can be recorded.
    let early = app
        .client
        .record_attendance(as_caseworker(attendance(
            &appointment.appointment_id,
            false,
        )))
        .await
        .expect_err("not started yet");
    assert_eq!(early.code(), Code::FailedPrecondition);
    // The applicant cannot cancel a Meldetermin: they tell the jobcenter their reason.
    let binding = app
        .client
        .cancel_appointment(as_applicant(
            proto::CancelAppointmentRequest {
                command_id: uuid::Uuid::new_v4().to_string(),
                appointment_id: appointment.appointment_id.clone(),
                reason: "krank".into(),
            },
            "applicant-1",
        ))
        .await
        .expect_err("binding");
    assert_eq!(binding.code(), Code::FailedPrecondition);

    app.clock.set(start + chrono::TimeDelta::minutes(45));
    let missed = app
        .client
        .record_attendance(as_caseworker(attendance(
            &appointment.appointment_id,
            false,
        )))
        .await
        .expect("recorded")
        .into_inner();
    assert!(missed.assessment_requested);
    assert_eq!(
        missed.appointment.expect("appointment").status,
        proto::AppointmentStatus::Missed as i32
    );
    let twice = app
        .client
        .record_attendance(as_caseworker(attendance(&appointment.appointment_id, true)))
        .await
        .expect_err("recorded once");
    assert_eq!(twice.code(), Code::FailedPrecondition);

    let stream = app
        .log
        .read_stream(
            &format!("appointment-{}", appointment.appointment_id),
            0,
            100,
        )
        .await
        .expect("the stream");
    let types: Vec<&str> = stream.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(
        types,
        [
            "appointment.AppointmentInvited",
            "appointment.AppointmentMissed",
            "appointment.MissedAppointmentAssessmentRequested",
        ]
    );
    // Every event carries the case, so the case service takes it onto the case.
    for event in &stream {
        assert_eq!(event.metadata.case_id.as_deref(), Some(case_id.as_str()));
        assert_eq!(event.tenant_id, TENANT);
    }
    let request = <proto::MissedAppointmentAssessmentRequested as prost::Message>::decode(
        stream[2].payload.as_slice(),
    )
    .expect("payload");
    assert_eq!(request.case_id, case_id);
    assert!(request.invitation);
    assert_eq!(instant(&request.missed_start), start);
}

#[tokio::test]
async fn a_no_show_with_a_reason_or_an_attendance_requests_no_assessment() {
    let mut app = spawn_app().await;
    let case = case_log(&app)
        .await
        .open(TENANT, "applicant-1", "cw-1")
        .await;
    let (first, second) = (berlin(tuesday(), 8, 0), berlin(tuesday(), 8, 30));
    let mut ids = Vec::new();
    for start in [first, second] {
        let invited = app
            .client
            .invite_to_appointment(as_caseworker(invitation_on(&case, start)))
            .await
            .expect("invited")
            .into_inner();
        ids.push(invited.appointment.expect("appointment").appointment_id);
    }
    app.clock.set(second + chrono::TimeDelta::hours(1));
    let excused = app
        .client
        .record_attendance(as_caseworker(proto::RecordAttendanceRequest {
            reason: "Arbeitsunfähigkeitsbescheinigung liegt vor".into(),
            ..attendance(&ids[0], false)
        }))
        .await
        .expect("recorded")
        .into_inner();
    assert!(!excused.assessment_requested);
    let came = app
        .client
        .record_attendance(as_caseworker(attendance(&ids[1], true)))
        .await
        .expect("recorded")
        .into_inner();
    assert!(!came.assessment_requested);
    assert_eq!(
        came.appointment.expect("appointment").status,
        proto::AppointmentStatus::Attended as i32
    );
    assert_eq!(
        count_events(&app, "appointment.MissedAppointmentAssessmentRequested").await,
        0
    );
}

#[tokio::test]
async fn only_a_meldetermin_type_is_set_by_invitation_and_an_invitation_needs_a_case() {
    let mut app = spawn_app().await;
    let mut request = invitation("not-a-uuid", berlin(tuesday(), 9, 0));
    request.appointment_type_id = "also-not".into();
    request.applicant_subject.clear();
    let invalid = app
        .client
        .invite_to_appointment(as_caseworker(request))
        .await
        .expect_err("invalid");
    assert_eq!(
        violated_fields(&invalid),
        ["case_id", "applicant_subject", "appointment_type_id"]
    );
    let mut counselling = invitation(&uuid::Uuid::new_v4().to_string(), berlin(tuesday(), 9, 0));
    counselling.appointment_type_id = COUNSELLING.to_string();
    let not_binding = app
        .client
        .invite_to_appointment(as_caseworker(counselling))
        .await
        .expect_err("not a Meldetermin");
    assert_eq!(violated_fields(&not_binding), ["appointment_type_id"]);
    let applicant = app
        .client
        .invite_to_appointment(as_applicant(
            invitation(&uuid::Uuid::new_v4().to_string(), berlin(tuesday(), 9, 0)),
            "applicant-1",
        ))
        .await
        .expect_err("staff only");
    assert_eq!(applicant.code(), Code::PermissionDenied);
    assert_eq!(all_events(&app).await, 0);
}
