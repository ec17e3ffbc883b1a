//! Where submissions land: a second main application of the same account joins its open case,
//! notices attach to the applicant's case or the named one, a submission naming no case of the
//! tenant is kept as unfiled, and matters are decided once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use chrono::Days;
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as intake;
use jobcenter_proto::intake::v1::submit_application_request::Form;
use tonic::Code;
use uuid::Uuid;

use harness::{TestApp, as_caller, as_subject, find, spawn_app, submit_as};

const TENANT: &str = "jc-essen";

fn day(n_ago: u64) -> Option<common::Date> {
    let today = case::domain::dates::legal_day(chrono::Utc::now());
    Some(case::domain::dates::to_proto(
        today.checked_sub_days(Days::new(n_ago)).unwrap(),
    ))
}

fn sick_note() -> Form {
    let applicant = harness::application("Mustermann").applicant;
    Form::SickNote(intake::SickNote {
        person: applicant,
        certificate: intake::CertificateKind::First as i32,
        incapacity_from: day(1),
        incapacity_until: day(0),
        issued_on: day(1),
        attachments: vec![intake::AttachmentKind::IncapacityCertificate as i32],
    })
}

fn change_notice() -> Form {
    Form::ChangeNotice(intake::ChangeNotice {
        changes: vec![intake::ChangeKind::Address as i32],
        changed_on: day(1),
        details: "Umzug in eine neue Wohnung".into(),
        new_address: Some(common::Address {
            street: "Rüttenscheider Straße".into(),
            house_number: "3".into(),
            postal_code: "45128".into(),
            city: "Essen".into(),
        }),
        attachments: vec![intake::AttachmentKind::RentalContract as i32],
        ..Default::default()
    })
}

/// Submits `form` for the case `case_id` (may be empty) as `subject` with `roles`; returns the
/// application id and the position.
async fn send(
    app: &mut TestApp,
    subject: &str,
    roles: &str,
    form: Form,
    case_id: &str,
) -> (String, common::Position) {
    let response = app
        .intake
        .submit_application(as_subject(
            intake::SubmitApplicationRequest {
                submission_id: Uuid::new_v4().to_string(),
                form: Some(form),
                case_id: case_id.into(),
                ..Default::default()
            },
            TENANT,
            subject,
            roles,
        ))
        .await
        .expect("accepted by intake")
        .into_inner();
    (
        response.submission.unwrap().application_id,
        response.position.unwrap(),
    )
}

#[tokio::test]
async fn a_second_main_application_of_the_same_account_joins_the_open_case() {
    let mut app = spawn_app().await;
    let (first, at) = submit_as(&mut app, TENANT, "applicant-j", "Mustermann").await;
    let case = find(&mut app, TENANT, &first, &at).await;
    let (second, at) = submit_as(&mut app, TENANT, "applicant-j", "Mustermann").await;
    let joined = find(&mut app, TENANT, &second, &at).await;
    assert_eq!(joined.case_id, case.case_id);
    assert_eq!(joined.application_ids, vec![first, second]);

    // Once that case is closed, the next main application opens a new one.
    app.cases
        .close_case(as_caller(
            proto::CloseCaseRequest {
                command: Some(proto::CaseCommand {
                    case_id: case.case_id.clone(),
                    command_id: Uuid::new_v4().to_string(),
                    expected_version: None,
                }),
                reason: proto::CloseReason::MovedAway as i32,
            },
            TENANT,
            "caseworker",
        ))
        .await
        .expect("closed");
    let (third, at) = submit_as(&mut app, TENANT, "applicant-j", "Mustermann").await;
    let new_case = find(&mut app, TENANT, &third, &at).await;
    assert_ne!(new_case.case_id, case.case_id);
}

#[tokio::test]
async fn a_notice_attaches_to_the_own_or_the_named_case_and_is_decided_once() {
    let mut app = spawn_app().await;
    let (main, at) = submit_as(&mut app, TENANT, "applicant-n", "Mustermann").await;
    let case = find(&mut app, TENANT, &main, &at).await;

    // The applicant names no case: their own is found.
    let (note, at) = send(&mut app, "applicant-n", "applicant", sick_note(), "").await;
    let found = find(&mut app, TENANT, &note, &at).await;
    assert_eq!(found.case_id, case.case_id);

    // A caseworker enters a paper change notice for the named case.
    let (paper, at) = send(
        &mut app,
        "cw-1",
        "caseworker",
        change_notice(),
        &case.case_id,
    )
    .await;
    let found = find(&mut app, TENANT, &paper, &at).await;
    assert_eq!(
        found.application_ids,
        vec![main, note.clone(), paper.clone()]
    );

    let decide = |id: &str| {
        as_caller(
            proto::DecideMatterRequest {
                command: Some(proto::CaseCommand {
                    case_id: case.case_id.clone(),
                    command_id: Uuid::new_v4().to_string(),
                    expected_version: None,
                }),
                application_id: id.into(),
                outcome: proto::MatterOutcome::Processed as i32,
                note: "Zeitraum erfasst".into(),
            },
            TENANT,
            "caseworker",
        )
    };
    // The sick note was processed by the platform as it was filed (tests/sick_notes.rs).
    let done = app
        .cases
        .decide_matter(decide(&note))
        .await
        .expect_err("processed already");
    assert_eq!(done.code(), Code::FailedPrecondition);
    app.cases
        .decide_matter(decide(&paper))
        .await
        .expect("processed");
    let twice = app
        .cases
        .decide_matter(decide(&paper))
        .await
        .expect_err("twice");
    assert_eq!(twice.code(), Code::FailedPrecondition);
    let unknown = app
        .cases
        .decide_matter(decide(&Uuid::new_v4().to_string()))
        .await
        .expect_err("not on this case");
    assert_eq!(unknown.code(), Code::FailedPrecondition);

    let timeline = app
        .cases
        .get_case_timeline(as_caller(
            proto::GetCaseTimelineRequest {
                case_id: case.case_id.clone(),
                ..Default::default()
            },
            TENANT,
            "caseworker",
        ))
        .await
        .expect("timeline")
        .into_inner();
    let words: Vec<&str> = timeline
        .entries
        .iter()
        .map(|e| e.description.as_str())
        .filter(|d| {
            d.starts_with("Sick note") || d.starts_with("Change notice") || d.starts_with("Matter")
        })
        .collect();
    assert_eq!(words.len(), 4, "{words:?}");
    assert!(words[0].starts_with("Sick note"), "{words:?}");
    assert!(words[1].ends_with("processed"), "{words:?}");
    assert!(words[2].starts_with("Change notice"), "{words:?}");
    assert!(words[3].ends_with("processed"), "{words:?}");
}

#[tokio::test]
async fn a_submission_naming_no_case_of_the_tenant_is_kept_unfiled() {
    let mut app = spawn_app().await;
    // Another tenant's case id is no case here either.
    let (other_main, at) = submit_as(&mut app, "jc-bochum", "applicant-b", "Andere").await;
    let other = find(&mut app, "jc-bochum", &other_main, &at).await;
    let (unfiled, at) = send(&mut app, "cw-1", "caseworker", sick_note(), &other.case_id).await;

    // The case service has passed the submission (its reactor checkpoint) without a case.
    let status = app
        .cases
        .find_case_by_application(as_caller(
            proto::FindCaseByApplicationRequest {
                application_id: unfiled.clone(),
                min_position: Some(at),
            },
            TENANT,
            "caseworker",
        ))
        .await
        .expect_err("on no case");
    assert_eq!(status.code(), Code::NotFound);
    let rows: Vec<(String, Uuid, String)> =
        sqlx::query_as("SELECT tenant_id, application_id, reason FROM cases.unfiled_submissions")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, TENANT);
    assert_eq!(rows[0].1.to_string(), unfiled);
    // The other tenant's case is untouched.
    let events = app
        .log
        .read_stream(&format!("case-{}", other.case_id), 0, 100)
        .await
        .unwrap();
    assert!(events.iter().all(|e| e.event_type != "case.MatterAttached"));
}

async fn unfiled_list(
    app: &mut TestApp,
    tenant: &str,
    at: Option<common::Position>,
) -> Vec<proto::UnfiledSubmission> {
    app.cases
        .list_unfiled_submissions(as_caller(
            proto::ListUnfiledSubmissionsRequest {
                min_position: at,
                ..Default::default()
            },
            tenant,
            "caseworker",
        ))
        .await
        .expect("list unfiled")
        .into_inner()
        .submissions
}

#[tokio::test]
async fn the_team_sees_unfiled_submissions_and_files_them_by_hand() {
    let mut app = spawn_app().await;
    let (main, at) = submit_as(&mut app, TENANT, "applicant-u", "Mustermann").await;
    let case = find(&mut app, TENANT, &main, &at).await;
    let (other_main, at) = submit_as(&mut app, TENANT, "applicant-v", "Beispiel").await;
    let other_case = find(&mut app, TENANT, &other_main, &at).await;
    // A paper sick note with a mistyped case number.
    let (stray, at) = send(
        &mut app,
        "cw-1",
        "caseworker",
        sick_note(),
        &Uuid::new_v4().to_string(),
    )
    .await;
    let listed = unfiled_list(&mut app, TENANT, Some(at)).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].application_id, stray);
    assert_eq!(listed[0].kind, proto::MatterKind::SickNote as i32);
    assert!(listed[0].reason.contains("does not exist"), "{listed:?}");
    // Another jobcenter sees none of it.
    assert!(unfiled_list(&mut app, "jc-bochum", None).await.is_empty());

    let file = |case_id: &str, application_id: &str, command_id: &str| {
        as_caller(
            proto::FileSubmissionRequest {
                command: Some(proto::CaseCommand {
                    case_id: case_id.into(),
                    command_id: command_id.into(),
                    expected_version: None,
                }),
                application_id: application_id.into(),
            },
            TENANT,
            "caseworker",
        )
    };
    let command_id = Uuid::new_v4().to_string();
    let filed = app
        .cases
        .file_submission(file(&case.case_id, &stray, &command_id))
        .await
        .expect("filed")
        .into_inner()
        .result
        .unwrap();
    let holder = find(&mut app, TENANT, &stray, filed.position.as_ref().unwrap()).await;
    assert_eq!(holder.case_id, case.case_id);
    // Filed by hand, the sick note is recorded as the filing reactor would have recorded it.
    let recorded = app
        .cases
        .list_incapacities(as_caller(
            proto::ListIncapacitiesRequest {
                case_id: case.case_id.clone(),
                min_position: filed.position.clone(),
            },
            TENANT,
            "caseworker",
        ))
        .await
        .expect("incapacities")
        .into_inner()
        .incapacities;
    assert_eq!(recorded.len(), 1);
    assert_eq!(recorded[0].record_id, stray);
    assert_eq!(recorded[0].source, proto::IncapacitySource::Form as i32);
    assert_eq!(recorded[0].incapacity_from, day(1));
    assert!(recorded[0].automatic);
    assert!(
        unfiled_list(&mut app, TENANT, filed.position.clone())
            .await
            .is_empty()
    );

    // A retry is answered with the first result; another case cannot take it any more.
    let retry = app
        .cases
        .file_submission(file(&case.case_id, &stray, &command_id))
        .await
        .expect("retry")
        .into_inner()
        .result
        .unwrap();
    assert_eq!(retry, filed);
    let status = app
        .cases
        .file_submission(file(
            &other_case.case_id,
            &stray,
            &Uuid::new_v4().to_string(),
        ))
        .await
        .expect_err("already filed");
    assert_eq!(status.code(), Code::FailedPrecondition);
    // What is no unfiled submission (here: the main application) cannot be filed by hand.
    let status = app
        .cases
        .file_submission(file(
            &case.case_id,
            &other_main,
            &Uuid::new_v4().to_string(),
        ))
        .await
        .expect_err("not unfiled");
    assert_eq!(status.code(), Code::InvalidArgument);
    assert_eq!(
        platform::status::field_violations(&status)[0].field,
        "application_id"
    );
}
