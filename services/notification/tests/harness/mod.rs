//! The test harness of the notification service: the service in process against a fresh
//! database and a private NATS server, development identities, and the logs of the services it
//! follows (case, E-Akte) installed in the test's database and relayed into the test's NATS, so
//! tests open cases and file documents by appending those services' events themselves.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use jobcenter_proto::notification::v1 as proto;
use jobcenter_proto::notification::v1::notification_service_client::NotificationServiceClient;
use testkit::{TestDatabase, TestNats};
use tokio_util::sync::CancellationToken;
use tonic::Request;
use tonic::transport::Channel as GrpcChannel;
use uuid::Uuid;

mod logs;
#[allow(unused_imports)]
pub use logs::{ForeignLog, OpenedCase, appointment_log, case_log, efile_log, intake_log};

/// The tenant the tests work in, and another one.
pub const TENANT: &str = "jc-post-a";
pub const OTHER_TENANT: &str = "jc-post-b";

pub struct TestApp {
    pub client: NotificationServiceClient<GrpcChannel>,
    /// The service's log (worker role).
    pub log: eventlog::EventLog,
    pub db: TestDatabase,
    pub nats: TestNats,
    pub cancel: CancellationToken,
    /// The push service the app's subscriptions point to (decrypts what it receives).
    pub push: testkit::push::PushEndpoint,
    /// The SMTP relay e-mail hints go to.
    pub smtp: testkit::smtp::SmtpSink,
    /// Holds the VAPID key file.
    pub keys: tempfile::TempDir,
}

/// The outbox's retry policy in the tests: quick, three attempts.
pub fn test_retry() -> notification::domain::retry::RetryPolicy {
    notification::domain::retry::RetryPolicy {
        first_delay: std::time::Duration::from_millis(100),
        factor: 2,
        max_delay: std::time::Duration::from_millis(400),
        max_attempts: 3,
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.cancel.cancel();
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

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The app with the tests' settings changed by `configure` before it starts.
pub async fn spawn_app_with(configure: impl FnOnce(&mut notification::Config)) -> TestApp {
    let db = TestDatabase::create().await.expect("test database");
    let nats = TestNats::start().await.expect("test nats");
    let push = testkit::push::PushEndpoint::start()
        .await
        .expect("push endpoint");
    let smtp = testkit::smtp::SmtpSink::start().await.expect("smtp sink");
    let keys = tempfile::tempdir().expect("key directory");
    let key_file = keys.path().join("vapid.key");
    let key = web_push::VapidKey::generate().expect("a VAPID key");
    std::fs::write(&key_file, key.to_base64url_private()).expect("key file");
    let cancel = CancellationToken::new();
    let mut config = notification::Config::default();
    config.push.enabled = true;
    config.push.vapid_private_key_file = Some(key_file);
    config.push.allow_loopback_http = true;
    config.push.allowed_hosts.push("push.example.org".into());
    config.email.enabled = true;
    config.email.smtp.port = smtp.port();
    config.outbox.poll_ms = 50;
    config.outbox.retry = test_retry();
    config.server.mode = platform::config::SecurityMode::Development;
    config.database = database_config(&db);
    config.nats.url = nats.url().to_owned();
    config.tenants.insert(
        TENANT.to_owned(),
        notification::TenantSettings {
            name: "Jobcenter Essen".into(),
            portal_url: "https://portal.jobcenter-essen.test".into(),
            languages: vec!["de".into(), "en".into(), "ar".into()],
        },
    );
    configure(&mut config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app = notification::Application::build(config, listener)
        .await
        .expect("notification service");
    let port = app.port();
    let log = app.log().clone();
    tokio::spawn(app.run_until_stopped(cancel.clone()));
    TestApp {
        client: NotificationServiceClient::connect(format!("http://127.0.0.1:{port}"))
            .await
            .unwrap(),
        log,
        db,
        nats,
        cancel,
        push,
        smtp,
        keys,
    }
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

/// `message` from applicant `subject` of [`TENANT`].
pub fn as_applicant<T>(message: T, subject: &str) -> Request<T> {
    as_subject(message, TENANT, subject, "applicant")
}

/// `message` from caseworker `cw-1` of [`TENANT`].
pub fn as_caseworker<T>(message: T) -> Request<T> {
    as_subject(message, TENANT, "cw-1", "caseworker")
}

/// `message` from the print service of [`TENANT`].
pub fn as_print_service<T>(message: T) -> Request<T> {
    as_subject(message, TENANT, "print-centre", "service")
}

/// Events of `event_type` in the log (administrator's view: every tenant).
pub async fn count_events(app: &TestApp, event_type: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM notification.events WHERE event_type = $1")
        .bind(event_type)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// Every event in the log.
pub async fn all_events(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM notification.events")
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

/// The field paths of an INVALID_ARGUMENT's violations.
pub fn violated_fields(status: &tonic::Status) -> Vec<String> {
    platform::status::field_violations(status)
        .into_iter()
        .map(|v| v.field)
        .collect()
}

/// Applicant `subject` consents to the mailbox; the position of the consent.
pub async fn consent_to_mailbox(app: &mut TestApp, subject: &str) -> proto::GiveConsentResponse {
    app.client
        .give_consent(as_applicant(
            proto::GiveConsentRequest {
                account: String::new(),
                channel: proto::Channel::Mailbox as i32,
                wording_version: "2026-11".into(),
            },
            subject,
        ))
        .await
        .expect("consent given")
        .into_inner()
}

/// A message from applicant `subject` about `case_id` with `attachments`, a fresh request id.
pub fn message_about(case_id: &str, attachments: &[String]) -> proto::SendMessageRequest {
    proto::SendMessageRequest {
        request_id: Uuid::new_v4().to_string(),
        case_id: case_id.to_owned(),
        subject: "Frage zum Bescheid".into(),
        body: "Guten Tag, anbei der Mietvertrag.".into(),
        attachment_document_ids: attachments.to_vec(),
        in_reply_to: String::new(),
        min_position: None,
    }
}

/// Applicant `subject`'s mailbox after `position` (newest first).
pub async fn mailbox(
    app: &mut TestApp,
    subject: &str,
    position: Option<jobcenter_proto::common::v1::Position>,
) -> proto::ListMailboxResponse {
    app.client
        .list_mailbox(as_applicant(
            proto::ListMailboxRequest {
                min_position: position,
                ..Default::default()
            },
            subject,
        ))
        .await
        .expect("mailbox")
        .into_inner()
}

/// Polls `check` until it returns `Some`, for at most 15 s (the relay and projections run
/// asynchronously); panics with `what` otherwise.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
