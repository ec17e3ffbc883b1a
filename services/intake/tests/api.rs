//! The intake service over gRPC, against a real PostgreSQL and a real NATS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as proto;
use proto::submit_application_request::Form;
use support::{as_caller, as_subject, events_in_log, main_application, spawn_app};
use tonic::Code;

fn valid_request(submission_id: &str) -> proto::SubmitApplicationRequest {
    support::submit(submission_id, Form::MainApplication(main_application()))
}

fn main_mut(request: &mut proto::SubmitApplicationRequest) -> &mut proto::MainApplication {
    match request.form.as_mut() {
        Some(Form::MainApplication(m)) => m,
        _ => panic!("a main application"),
    }
}

const SID: &str = "0b6f2a4e-9d1c-4c7a-8e3f-5a2b1c0d9e8f";

#[tokio::test]
async fn a_submitted_application_can_be_read_back() {
    let mut app = spawn_app().await;
    let response = app
        .client
        .submit_application(as_caller(valid_request(SID), "jc-essen"))
        .await
        .expect("submit")
        .into_inner();
    let submission = response.submission.expect("submission");
    assert_eq!(submission.submission_id, SID);
    assert_eq!(submission.status, proto::SubmissionStatus::Received as i32);
    let token = response.position.expect("position").token;
    assert!(token.starts_with("intake:"), "{token}");

    let got = app
        .client
        .get_submission(as_caller(
            proto::GetSubmissionRequest {
                submission_id: SID.into(),
                ..Default::default()
            },
            "jc-essen",
        ))
        .await
        .expect("get")
        .into_inner()
        .submission
        .expect("submission");
    assert_eq!(got, submission);
    // German unless the request asks for another language.
    assert!(
        got.status_text.contains("eingegangen"),
        "{}",
        got.status_text
    );
    assert!(got.warnings.is_empty());
    assert_eq!(got.form_version, 1);
}

#[tokio::test]
async fn a_repeated_submission_gets_the_same_answer_and_one_event() {
    let mut app = spawn_app().await;
    let first = app
        .client
        .submit_application(as_caller(valid_request(SID), "jc-essen"))
        .await
        .expect("first")
        .into_inner();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let second = app
        .client
        .submit_application(as_caller(valid_request(SID), "jc-essen"))
        .await
        .expect("second")
        .into_inner();
    assert_eq!(first, second);
    assert_eq!(events_in_log(&app).await, 1);
}

#[tokio::test]
async fn a_reused_submission_id_with_other_content_is_refused() {
    let mut app = spawn_app().await;
    app.client
        .submit_application(as_caller(valid_request(SID), "jc-essen"))
        .await
        .expect("first");
    let mut other = valid_request(SID);
    main_mut(&mut other).iban = String::new();
    let status = app
        .client
        .submit_application(as_caller(other, "jc-essen"))
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::AlreadyExists);
    assert_eq!(
        status.message(),
        "submission_id was used for a different application"
    );
    assert_eq!(events_in_log(&app).await, 1);
}

#[tokio::test]
async fn invalid_input_is_refused_with_field_paths_and_nothing_recorded() {
    let mut app = spawn_app().await;
    let mut bad = valid_request(SID);
    {
        let application = main_mut(&mut bad);
        application.household_members[0]
            .person
            .as_mut()
            .unwrap()
            .birth_date = Some(common::Date {
            year: 2099,
            month: 1,
            day: 1,
        });
        application.address.as_mut().unwrap().postal_code = "123".into();
        application.iban = "DE00 0000".into();
    }
    let status = app
        .client
        .submit_application(as_caller(bad, "jc-essen"))
        .await
        .expect_err("invalid");
    assert_eq!(status.code(), Code::InvalidArgument);
    let fields: Vec<String> = platform::status::field_violations(&status)
        .into_iter()
        .map(|v| v.field)
        .collect();
    assert_eq!(
        fields,
        vec![
            "main_application.household_members[0].person.birth_date",
            "main_application.address.postal_code",
            "main_application.iban",
        ]
    );
    assert_eq!(events_in_log(&app).await, 0);
}

#[tokio::test]
async fn another_tenants_submission_is_not_found() {
    let mut app = spawn_app().await;
    app.client
        .submit_application(as_caller(valid_request(SID), "jc-essen"))
        .await
        .expect("submit");
    let status = app
        .client
        .get_submission(as_caller(
            proto::GetSubmissionRequest {
                submission_id: SID.into(),
                ..Default::default()
            },
            "jc-bochum",
        ))
        .await
        .expect_err("not found");
    assert_eq!(status.code(), Code::NotFound);
}

#[tokio::test]
async fn the_same_submission_id_in_two_tenants_is_two_applications() {
    let mut app = spawn_app().await;
    let a = app
        .client
        .submit_application(as_caller(valid_request(SID), "jc-essen"))
        .await
        .expect("a")
        .into_inner();
    let b = app
        .client
        .submit_application(as_caller(valid_request(SID), "jc-bochum"))
        .await
        .expect("b")
        .into_inner();
    assert_ne!(
        a.submission.unwrap().application_id,
        b.submission.unwrap().application_id
    );
    assert_eq!(events_in_log(&app).await, 2);
}

#[tokio::test]
async fn a_submission_is_visible_to_its_submitter_and_staff_only() {
    let mut app = spawn_app().await;
    let id = uuid::Uuid::new_v4().to_string();
    app.client
        .submit_application(as_subject(
            valid_request(&id),
            "jc-essen",
            "applicant-1",
            "applicant",
        ))
        .await
        .expect("submitted");
    let get = |subject: &str, roles: &str| {
        as_subject(
            proto::GetSubmissionRequest {
                submission_id: id.clone(),
                ..Default::default()
            },
            "jc-essen",
            subject,
            roles,
        )
    };
    app.client
        .get_submission(get("applicant-1", "applicant"))
        .await
        .expect("the submitter reads it");
    app.client
        .get_submission(get("cw-1", "caseworker"))
        .await
        .expect("a caseworker of the jobcenter reads it");
    let status = app
        .client
        .get_submission(get("applicant-2", "applicant"))
        .await
        .expect_err("another applicant");
    assert_eq!(status.code(), Code::NotFound);
    let status = app
        .client
        .get_submission(get("partner/other", "partner-system"))
        .await
        .expect_err("a partner system that did not submit it");
    assert_eq!(status.code(), Code::NotFound);

    // Another applicant reusing the id learns only that it is taken, not the submission.
    let status = app
        .client
        .submit_application(as_subject(
            valid_request(&id),
            "jc-essen",
            "applicant-2",
            "applicant",
        ))
        .await
        .expect_err("the id is taken");
    assert_eq!(status.code(), Code::AlreadyExists);
    assert!(!status.message().contains(&id));
    assert_eq!(events_in_log(&app).await, 1);
}

#[tokio::test]
async fn oversized_and_malformed_messages_are_refused_and_the_service_keeps_serving() {
    use bytes::Bytes;
    use prost::Message;

    let mut app = spawn_app().await;
    let channel = tonic::transport::Endpoint::from_shared(app.address.clone())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let submit = "/jobcenter.intake.v1.IntakeService/SubmitApplication";
    let raw = |bytes: Vec<u8>| as_caller(Bytes::from(bytes), "jc-essen");

    // Over the 4 MiB limit: refused before decoding.
    let mut big = valid_request(&uuid::Uuid::new_v4().to_string());
    main_mut(&mut big).iban = "X".repeat(5 * 1024 * 1024);
    let status = testkit::raw_grpc::unary(channel.clone(), submit, raw(big.encode_to_vec()))
        .await
        .expect_err("too large");
    // tonic answers a message over the decoding limit with OUT_OF_RANGE (the limit is named,
    // nothing else); clients treat it like RESOURCE_EXHAUSTED.
    assert!(
        matches!(status.code(), Code::OutOfRange | Code::ResourceExhausted),
        "{status:?}"
    );

    // Not protobuf, and a string that is not UTF-8: refused, with no internals in the answer.
    let not_utf8 = vec![0x0a, 0x03, 0xff, 0xfe, 0xfd];
    for bytes in [vec![0xff; 64], not_utf8] {
        let status = testkit::raw_grpc::unary(channel.clone(), submit, raw(bytes))
            .await
            .expect_err("malformed");
        assert_ne!(status.code(), Code::Ok);
        let message = status.message().to_lowercase();
        for internal in ["select", "insert", "sql", "/src/", "panicked", ".rs:"] {
            assert!(!message.contains(internal), "{message}");
        }
    }
    assert_eq!(events_in_log(&app).await, 0);

    // The service still serves.
    app.client
        .submit_application(as_caller(
            valid_request(&uuid::Uuid::new_v4().to_string()),
            "jc-essen",
        ))
        .await
        .expect("still serving");
}
