//! The test harness of the case service: a real intake and case service in-process, against a
//! fresh database and a private NATS server, with development identities.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::case::v1::case_service_client::CaseServiceClient;
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as intake;
use jobcenter_proto::intake::v1::intake_service_client::IntakeServiceClient;
use testkit::{TestDatabase, TestNats};
use tokio_util::sync::CancellationToken;
use tonic::Request;
use tonic::transport::Channel;

pub struct TestApp {
    pub intake: IntakeServiceClient<Channel>,
    pub cases: CaseServiceClient<Channel>,
    pub log: eventlog::EventLog,
    pub db: TestDatabase,
    pub cancel: CancellationToken,
    pub nats: TestNats,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

pub async fn listener() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()
}

pub async fn spawn_app() -> TestApp {
    let db = TestDatabase::create().await.expect("test database");
    let nats = TestNats::start().await.expect("test nats");
    let cancel = CancellationToken::new();

    let mut intake_config = ::intake::Config::default();
    // Plaintext and development identities (`x-jc-*` metadata), as in the local demo.
    intake_config.server.mode = platform::config::SecurityMode::Development;
    intake_config.database = database_config(&db);
    intake_config.nats.url = nats.url().to_owned();
    let intake_app = ::intake::Application::build(intake_config, listener().await)
        .await
        .expect("intake");
    let intake_port = intake_app.port();
    tokio::spawn(intake_app.run_until_stopped(cancel.clone()));

    let mut case_config = case::Config::default();
    case_config.server.mode = platform::config::SecurityMode::Development;
    case_config.database = database_config(&db);
    case_config.nats.url = nats.url().to_owned();
    let case_app = case::Application::build(case_config, listener().await)
        .await
        .expect("case");
    let case_port = case_app.port();
    let log = case_app.log().clone();
    tokio::spawn(case_app.run_until_stopped(cancel.clone()));

    TestApp {
        intake: IntakeServiceClient::connect(format!("http://127.0.0.1:{intake_port}"))
            .await
            .unwrap(),
        cases: CaseServiceClient::connect(format!("http://127.0.0.1:{case_port}"))
            .await
            .unwrap(),
        log,
        db,
        cancel,
        nats,
    }
}

/// The service's three database roles in the test's database.
pub fn database_config(db: &TestDatabase) -> platform::config::DatabaseConfig {
    platform::config::DatabaseConfig {
        owner_url: Some(db.owner_url().to_owned()),
        api_url: db.api_url().to_owned(),
        worker_url: db.worker_url().to_owned(),
        ..Default::default()
    }
}

pub fn as_caller<T>(message: T, tenant: &str, roles: &str) -> Request<T> {
    as_subject(message, tenant, "tester", roles)
}

/// `message` from `subject` of `tenant` with `roles` (development identity metadata).
pub fn as_subject<T>(message: T, tenant: &str, subject: &str, roles: &str) -> Request<T> {
    let mut request = Request::new(message);
    let md = request.metadata_mut();
    md.insert("x-jc-tenant", tenant.parse().unwrap());
    md.insert("x-jc-subject", subject.parse().unwrap());
    md.insert("x-jc-roles", roles.parse().unwrap());
    request
}

pub fn application(family: &str) -> intake::MainApplication {
    intake::MainApplication {
        applicant: Some(intake::Person {
            given_name: "Erika".into(),
            family_name: family.into(),
            birth_date: Some(common::Date {
                year: 1985,
                month: 4,
                day: 12,
            }),
        }),
        household_members: vec![intake::HouseholdMember {
            person: Some(intake::Person {
                given_name: "Max".into(),
                family_name: family.into(),
                birth_date: Some(common::Date {
                    year: 2015,
                    month: 6,
                    day: 1,
                }),
            }),
            relationship: intake::Relationship::Child as i32,
        }],
        address: Some(common::Address {
            street: "Kettwiger Straße".into(),
            house_number: "1".into(),
            postal_code: "45127".into(),
            city: "Essen".into(),
        }),
        incomes: vec![],
        housing_costs: None,
        iban: String::new(),
    }
}

/// Submits for `tenant`; returns (application id, position token).
pub async fn submit(app: &mut TestApp, tenant: &str, family: &str) -> (String, common::Position) {
    submit_as(app, tenant, "tester", family).await
}

/// Submits for `tenant` as the applicant `subject`; returns (application id, position token).
pub async fn submit_as(
    app: &mut TestApp,
    tenant: &str,
    subject: &str,
    family: &str,
) -> (String, common::Position) {
    let response = app
        .intake
        .submit_application(as_subject(
            intake::SubmitApplicationRequest {
                submission_id: uuid::Uuid::new_v4().to_string(),
                main_application: Some(application(family)),
            },
            tenant,
            subject,
            "applicant",
        ))
        .await
        .expect("submit")
        .into_inner();
    (
        response.submission.unwrap().application_id,
        response.position.unwrap(),
    )
}

pub async fn find(
    app: &mut TestApp,
    tenant: &str,
    application_id: &str,
    at: &common::Position,
) -> proto::Case {
    app.cases
        .find_case_by_application(as_caller(
            proto::FindCaseByApplicationRequest {
                application_id: application_id.into(),
                min_position: Some(at.clone()),
            },
            tenant,
            "caseworker",
        ))
        .await
        .expect("find")
        .into_inner()
        .case
        .unwrap()
}
