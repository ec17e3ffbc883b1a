//! The intake service over gRPC, against a real PostgreSQL and a real NATS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use intake::{Application, Config};
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as proto;
use jobcenter_proto::intake::v1::intake_service_client::IntakeServiceClient;
use testkit::{TestDatabase, TestNats};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;
use tonic::{Code, Request};

struct TestApp {
    client: IntakeServiceClient<Channel>,
    address: String,
    db: TestDatabase,
    cancel: CancellationToken,
    _nats: TestNats,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

async fn spawn_app() -> TestApp {
    let db = TestDatabase::create().await.expect("test database");
    let nats = TestNats::start().await.expect("test nats");
    let mut config = Config::default();
    // Plaintext and development identities (`x-jc-*` metadata), as in the local demo.
    config.server.mode = platform::config::SecurityMode::Development;
    config.database.owner_url = Some(db.owner_url().to_owned());
    config.database.api_url = db.api_url().to_owned();
    config.database.worker_url = db.worker_url().to_owned();
    config.nats.url = nats.url().to_owned();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = Application::build(config, listener).await.expect("build");
    let port = app.port();
    let cancel = CancellationToken::new();
    tokio::spawn(app.run_until_stopped(cancel.clone()));
    let address = format!("http://127.0.0.1:{port}");
    let client = IntakeServiceClient::connect(address.clone())
        .await
        .expect("connect");
    TestApp {
        client,
        address,
        db,
        cancel,
        _nats: nats,
    }
}

fn as_caller<T>(message: T, tenant: &str) -> Request<T> {
    as_subject(message, tenant, "portal-test", "applicant")
}

/// `message` from `subject` of `tenant` with `roles` (development identity metadata).
fn as_subject<T>(message: T, tenant: &str, subject: &str, roles: &str) -> Request<T> {
    let mut request = Request::new(message);
    let md = request.metadata_mut();
    md.insert("x-jc-tenant", tenant.parse().unwrap());
    md.insert("x-jc-subject", subject.parse().unwrap());
    md.insert("x-jc-roles", roles.parse().unwrap());
    request
}

fn valid_request(submission_id: &str) -> proto::SubmitApplicationRequest {
    let date = |y, m, d| {
        Some(common::Date {
            year: y,
            month: m,
            day: d,
        })
    };
    proto::SubmitApplicationRequest {
        submission_id: submission_id.into(),
        main_application: Some(proto::MainApplication {
            applicant: Some(proto::Person {
                given_name: "Erika".into(),
                family_name: "Mustermann".into(),
                birth_date: date(1985, 4, 12),
            }),
            household_members: vec![proto::HouseholdMember {
                person: Some(proto::Person {
                    given_name: "Max".into(),
                    family_name: "Mustermann".into(),
                    birth_date: date(2015, 6, 1),
                }),
                relationship: proto::Relationship::Child as i32,
            }],
            address: Some(common::Address {
                street: "Kettwiger Straße".into(),
                house_number: "12a".into(),
                postal_code: "45127".into(),
                city: "Essen".into(),
            }),
            incomes: vec![],
            housing_costs: Some(proto::HousingCosts {
                base_rent: Some(common::Money { cents: 45_000 }),
                heating: None,
                utilities: None,
            }),
            iban: "DE89 3704 0044 0532 0130 00".into(),
        }),
    }
}

async fn events_in_log(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM intake.events")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
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
            },
            "jc-essen",
        ))
        .await
        .expect("get")
        .into_inner()
        .submission
        .expect("submission");
    assert_eq!(got, submission);
    assert!(got.status_text.contains("received"));
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
    other.main_application.as_mut().unwrap().iban = String::new();
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
        let application = bad.main_application.as_mut().unwrap();
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
    if let Some(app) = big.main_application.as_mut() {
        app.iban = "X".repeat(5 * 1024 * 1024);
    }
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
