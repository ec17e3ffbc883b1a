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
    let client = IntakeServiceClient::connect(format!("http://127.0.0.1:{port}"))
        .await
        .expect("connect");
    TestApp {
        client,
        db,
        cancel,
        _nats: nats,
    }
}

fn as_caller<T>(message: T, tenant: &str) -> Request<T> {
    let mut request = Request::new(message);
    let md = request.metadata_mut();
    md.insert("x-jc-tenant", tenant.parse().unwrap());
    md.insert("x-jc-subject", "portal-test".parse().unwrap());
    md.insert("x-jc-roles", "applicant".parse().unwrap());
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
