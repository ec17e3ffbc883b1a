//! What the intake integration tests share: the service on a random port against a fresh
//! database and NATS, caller identities, and a valid submission of every kind dated from today.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use chrono::{Duration, NaiveDate, Utc};
use intake::plausibility::{PlausibilityConfig, TenantPlausibility};
use intake::{Application, Config};
use jobcenter_proto::common::v1 as common;
use jobcenter_proto::intake::v1 as proto;
use jobcenter_proto::intake::v1::intake_service_client::IntakeServiceClient;
use proto::submit_application_request::Form;
use testkit::{TestDatabase, TestNats};
use tokio_util::sync::CancellationToken;
use tonic::Request;
use tonic::transport::Channel;

pub struct TestApp {
    pub client: IntakeServiceClient<Channel>,
    pub address: String,
    pub db: TestDatabase,
    cancel: CancellationToken,
    _nats: TestNats,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The service with default settings.
pub async fn spawn_app() -> TestApp {
    spawn_with(PlausibilityConfig::default()).await
}

/// The service where `jc-essen` accepts only postal codes starting with 451.
pub async fn spawn_with_essen_area() -> TestApp {
    spawn_with(PlausibilityConfig {
        tenants: vec![TenantPlausibility {
            tenant: "jc-essen".into(),
            postal_code_prefixes: vec!["451".into()],
            absence_days_per_year: None,
        }],
        ..PlausibilityConfig::default()
    })
    .await
}

pub async fn spawn_with(plausibility: PlausibilityConfig) -> TestApp {
    let db = TestDatabase::create().await.expect("test database");
    let nats = TestNats::start().await.expect("test nats");
    let mut config = Config::default();
    // Plaintext and development identities (`x-jc-*` metadata), as in the local demo.
    config.server.mode = platform::config::SecurityMode::Development;
    config.database.owner_url = Some(db.owner_url().to_owned());
    config.database.api_url = db.api_url().to_owned();
    config.database.worker_url = db.worker_url().to_owned();
    config.nats.url = nats.url().to_owned();
    config.plausibility = plausibility;
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

pub fn as_caller<T>(message: T, tenant: &str) -> Request<T> {
    as_subject(message, tenant, "portal-test", "applicant")
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

pub async fn events_in_log(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM intake.events")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// The recorded events' payloads, oldest first.
pub async fn recorded(app: &TestApp) -> Vec<proto::ApplicationSubmitted> {
    use prost::Message;
    let payloads: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT payload FROM intake.events ORDER BY global_position")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    payloads
        .iter()
        .map(|p| proto::ApplicationSubmitted::decode(p.as_slice()).unwrap())
        .collect()
}

/// The field paths of an INVALID_ARGUMENT.
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    platform::status::field_violations(status)
        .into_iter()
        .map(|v| v.field)
        .collect()
}

/// Today in Germany (the service's day of receipt), moved by `days`.
pub fn day(days: i64) -> Option<common::Date> {
    use chrono::Datelike;
    let d: NaiveDate = intake::domain::values::legal_day(Utc::now()) + Duration::days(days);
    Some(common::Date {
        year: d.year(),
        month: i32::try_from(d.month()).unwrap(),
        day: i32::try_from(d.day()).unwrap(),
    })
}

pub fn date(year: i32, month: i32, day: i32) -> Option<common::Date> {
    Some(common::Date { year, month, day })
}

pub fn person(given: &str, family: &str, birth: Option<common::Date>) -> Option<proto::Person> {
    Some(proto::Person {
        given_name: given.into(),
        family_name: family.into(),
        birth_date: birth,
    })
}

pub fn address(postal_code: &str) -> Option<common::Address> {
    Some(common::Address {
        street: "Kettwiger Straße".into(),
        house_number: "12a".into(),
        postal_code: postal_code.into(),
        city: "Essen".into(),
    })
}

pub fn main_application() -> proto::MainApplication {
    proto::MainApplication {
        applicant: person("Erika", "Mustermann", date(1985, 4, 12)),
        household_members: vec![proto::HouseholdMember {
            person: person("Max", "Mustermann", date(2015, 6, 1)),
            relationship: proto::Relationship::Child as i32,
        }],
        address: address("45127"),
        incomes: vec![],
        housing_costs: Some(proto::HousingCosts {
            base_rent: Some(common::Money { cents: 45_000 }),
            heating: None,
            utilities: None,
        }),
        iban: "DE89 3704 0044 0532 0130 00".into(),
        assets: vec![],
        attachments: vec![proto::AttachmentKind::RentalContract as i32],
    }
}

/// A valid submission of every kind, none with warnings: (kind, form).
pub fn every_kind() -> Vec<(proto::SubmissionKind, Form)> {
    use proto::SubmissionKind as K;
    vec![
        (
            K::MainApplication,
            Form::MainApplication(main_application()),
        ),
        (
            K::ContinuationApplication,
            Form::ContinuationApplication(proto::ContinuationApplication {
                changes_since_last_application: false,
                address: address("45127"),
                ..Default::default()
            }),
        ),
        (
            K::OneOffBenefitApplication,
            Form::OneOffBenefitApplication(proto::OneOffBenefitApplication {
                kind: proto::OneOffBenefitKind::FirstFurnishing as i32,
                reason: "Erstbezug nach Trennung".into(),
                estimated_cost: Some(common::Money { cents: 120_000 }),
                ..Default::default()
            }),
        ),
        (
            K::EducationParticipationApplication,
            Form::EducationParticipationApplication(proto::EducationParticipationApplication {
                child: person("Max", "Mustermann", date(2015, 6, 1)),
                kind: proto::EducationBenefitKind::SchoolTrip as i32,
                institution: "Grundschule am Stadtgarten".into(),
                amount: Some(common::Money { cents: 25_000 }),
                period_from: day(7),
                period_until: day(10),
                attachments: vec![proto::AttachmentKind::SchoolConfirmation as i32],
            }),
        ),
        (K::SickNote, Form::SickNote(sick_note())),
        (
            K::AbsenceNotice,
            Form::AbsenceNotice(proto::AbsenceNotice {
                absent_from: day(10),
                absent_until: day(17),
                destination: "Hamburg".into(),
                reason: proto::AbsenceReason::Holiday as i32,
                reason_details: String::new(),
                days_already_absent_this_year: 0,
            }),
        ),
        (
            K::ChangeNotice,
            Form::ChangeNotice(proto::ChangeNotice {
                changes: vec![proto::ChangeKind::BankAccount as i32],
                changed_on: day(0),
                details: "Neues Konto".into(),
                new_iban: "GB82 WEST 1234 5698 7654 32".into(),
                ..Default::default()
            }),
        ),
    ]
}

pub fn sick_note() -> proto::SickNote {
    proto::SickNote {
        person: person("Erika", "Mustermann", date(1985, 4, 12)),
        certificate: proto::CertificateKind::First as i32,
        incapacity_from: day(-1),
        incapacity_until: day(5),
        issued_on: day(-1),
        attachments: vec![proto::AttachmentKind::IncapacityCertificate as i32],
    }
}

/// A request submitting `form` as `submission_id`.
pub fn submit(submission_id: &str, form: Form) -> proto::SubmitApplicationRequest {
    proto::SubmitApplicationRequest {
        submission_id: submission_id.into(),
        form: Some(form),
        ..Default::default()
    }
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
