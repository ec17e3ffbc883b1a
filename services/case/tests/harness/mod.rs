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
    spawn_app_configured(|_| {}).await
}

/// Like [`spawn_app`], with the case service's settings changed by `configure` first.
pub async fn spawn_app_configured(configure: impl FnOnce(&mut case::Config)) -> TestApp {
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
    configure(&mut case_config);
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
        ..Default::default()
    }
}

/// Submits for `tenant`; returns (application id, position token).
/// Submits for `tenant` as a new applicant account each time (one household each: a second main
/// application of the same account joins the account's open case).
pub async fn submit(app: &mut TestApp, tenant: &str, family: &str) -> (String, common::Position) {
    let applicant = format!("applicant-{}", uuid::Uuid::new_v4());
    submit_as(app, tenant, &applicant, family).await
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
                form: Some(intake::submit_application_request::Form::MainApplication(
                    application(family),
                )),
                ..Default::default()
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

/// The case service alone (no intake) with a client of its feed, for tests that append to the
/// case log directly as the reactor would.
pub struct FeedApp {
    pub feed: jobcenter_proto::case::v1::case_feed_service_client::CaseFeedServiceClient<Channel>,
    pub log: eventlog::EventLog,
    pub db: TestDatabase,
    pub cancel: CancellationToken,
    /// Ends when the service has stopped.
    pub stopped: tokio::task::JoinHandle<Result<(), case::StartError>>,
    pub nats: TestNats,
}

impl Drop for FeedApp {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// Starts the case service with the feed settings `feed`.
pub async fn spawn_feed_app(feed: case::feed::FeedConfig) -> FeedApp {
    let db = TestDatabase::create().await.expect("test database");
    let nats = TestNats::start().await.expect("test nats");
    let cancel = CancellationToken::new();
    let mut config = case::Config::default();
    config.server.mode = platform::config::SecurityMode::Development;
    config.database = database_config(&db);
    config.nats.url = nats.url().to_owned();
    config.feed = feed;
    let app = case::Application::build(config, listener().await)
        .await
        .expect("case");
    let port = app.port();
    let log = app.log().clone();
    let stopped = tokio::spawn(app.run_until_stopped(cancel.clone()));
    FeedApp {
        feed: jobcenter_proto::case::v1::case_feed_service_client::CaseFeedServiceClient::connect(
            format!("http://127.0.0.1:{port}"),
        )
        .await
        .unwrap(),
        log,
        db,
        cancel,
        stopped,
        nats,
    }
}

/// A clock a test sets and moves forward (tests of deadlines).
#[derive(Debug)]
pub struct TestClock(std::sync::Mutex<chrono::NaiveDate>);

impl TestClock {
    /// A clock showing the real today (in Berlin), as the submissions' receipt times do.
    pub fn today() -> std::sync::Arc<TestClock> {
        std::sync::Arc::new(TestClock(std::sync::Mutex::new(
            case::domain::dates::legal_day(chrono::Utc::now()),
        )))
    }

    /// The day it shows.
    pub fn get(&self) -> chrono::NaiveDate {
        *self.0.lock().unwrap()
    }

    /// Shows `day` from now on.
    pub fn set(&self, day: chrono::NaiveDate) {
        *self.0.lock().unwrap() = day;
    }

    /// Moves `days` forward.
    pub fn advance(&self, days: u64) {
        let mut today = self.0.lock().unwrap();
        *today = today.checked_add_days(chrono::Days::new(days)).unwrap();
    }
}

impl case::domain::dates::Clock for TestClock {
    fn today(&self) -> chrono::NaiveDate {
        self.get()
    }
}

/// How often the deadline watcher looks in tests, in ms.
pub const TEST_DEADLINE_POLL_MS: u64 = 100;

/// A case service process of a test that can be stopped and started again on the same
/// database and NATS (a restart).
pub struct CaseProcess {
    pub cancel: CancellationToken,
    pub task: tokio::task::JoinHandle<Result<(), case::StartError>>,
    pub port: u16,
}

/// Starts a case service with `clock` on `db` and `nats`, stopped by `parent` or its own token.
pub async fn start_case(
    db: &TestDatabase,
    nats: &TestNats,
    clock: std::sync::Arc<TestClock>,
    parent: &CancellationToken,
) -> CaseProcess {
    let mut config = case::Config::default();
    config.server.mode = platform::config::SecurityMode::Development;
    config.database = database_config(db);
    config.nats.url = nats.url().to_owned();
    config.deadline_poll_ms = TEST_DEADLINE_POLL_MS;
    let app = case::Application::build_with_clock(config, listener().await, clock)
        .await
        .expect("case");
    let port = app.port();
    let cancel = parent.child_token();
    let task = tokio::spawn(app.run_until_stopped(cancel.clone()));
    CaseProcess { cancel, task, port }
}

/// The test app with a settable clock and a case service that can be restarted.
pub struct ClockedApp {
    pub app: TestApp,
    pub clock: std::sync::Arc<TestClock>,
    pub case: CaseProcess,
}

/// Like [`spawn_app`], with the case service's days from `clock` and its deadline watcher
/// looking every [`TEST_DEADLINE_POLL_MS`].
pub async fn spawn_app_with_clock(clock: std::sync::Arc<TestClock>) -> ClockedApp {
    let db = TestDatabase::create().await.expect("test database");
    let nats = TestNats::start().await.expect("test nats");
    let cancel = CancellationToken::new();
    let mut intake_config = ::intake::Config::default();
    intake_config.server.mode = platform::config::SecurityMode::Development;
    intake_config.database = database_config(&db);
    intake_config.nats.url = nats.url().to_owned();
    let intake_app = ::intake::Application::build(intake_config, listener().await)
        .await
        .expect("intake");
    let intake_port = intake_app.port();
    tokio::spawn(intake_app.run_until_stopped(cancel.clone()));
    let case = start_case(&db, &nats, clock.clone(), &cancel).await;
    let log = eventlog::EventLog::with_options(
        db.worker_pool().clone(),
        case::SCHEMA,
        eventlog::EventLogOptions {
            log_name: Some(case::LOG_NAME.to_owned()),
            ..Default::default()
        },
    )
    .expect("case log");
    let app = TestApp {
        intake: IntakeServiceClient::connect(format!("http://127.0.0.1:{intake_port}"))
            .await
            .unwrap(),
        cases: CaseServiceClient::connect(format!("http://127.0.0.1:{}", case.port))
            .await
            .unwrap(),
        log,
        db,
        cancel,
        nats,
    };
    ClockedApp { app, clock, case }
}

impl ClockedApp {
    /// Stops the case service (waiting until it has stopped) and starts a new one on the same
    /// database, NATS and clock.
    pub async fn restart_case(&mut self) {
        self.stop_case().await;
        self.start_case_again().await;
    }

    /// Stops the case service and waits until it has stopped.
    pub async fn stop_case(&mut self) {
        self.case.cancel.cancel();
        (&mut self.case.task)
            .await
            .expect("the case service stopped")
            .expect("the case service stopped cleanly");
    }

    /// Starts a new case service on the same database, NATS and clock (after [`Self::stop_case`]).
    pub async fn start_case_again(&mut self) {
        self.case = start_case(
            &self.app.db,
            &self.app.nats,
            self.clock.clone(),
            &self.app.cancel,
        )
        .await;
        self.app.cases = CaseServiceClient::connect(format!("http://127.0.0.1:{}", self.case.port))
            .await
            .unwrap();
    }
}

/// Polls `check` until it returns `Some`, for at most 15 s (the reactors and projections run
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

/// A rule assigning surnames from `from` to `to` to `caseworker` in `team`.
pub fn surname_rule(
    id: &str,
    from: &str,
    to: &str,
    caseworker: &str,
    team: &str,
) -> proto::AssignmentRule {
    proto::AssignmentRule {
        rule_id: id.into(),
        r#match: Some(proto::assignment_rule::Match::Surname(
            proto::SurnameRange {
                from: from.into(),
                to: to.into(),
            },
        )),
        caseworker: caseworker.into(),
        team: team.into(),
    }
}

/// A rule assigning postal codes starting with `prefix`.
pub fn postal_rule(id: &str, prefix: &str, caseworker: &str, team: &str) -> proto::AssignmentRule {
    proto::AssignmentRule {
        rule_id: id.into(),
        r#match: Some(proto::assignment_rule::Match::PostalCodePrefix(
            prefix.into(),
        )),
        caseworker: caseworker.into(),
        team: team.into(),
    }
}

/// A catch-all rule.
pub fn fallback_rule(id: &str, caseworker: &str, team: &str) -> proto::AssignmentRule {
    proto::AssignmentRule {
        rule_id: id.into(),
        r#match: Some(proto::assignment_rule::Match::Fallback(true)),
        caseworker: caseworker.into(),
        team: team.into(),
    }
}

/// Sets `tenant`'s rules as a team lead and waits until the rules read model (which the
/// `assign` reactor reads) has them; returns the rules as read back.
pub async fn set_rules(
    app: &mut TestApp,
    tenant: &str,
    rules: Vec<proto::AssignmentRule>,
) -> Vec<proto::AssignmentRule> {
    let position = app
        .cases
        .set_assignment_rules(as_subject(
            proto::SetAssignmentRulesRequest {
                command_id: uuid::Uuid::new_v4().to_string(),
                rules,
            },
            tenant,
            "lead-1",
            "team-lead",
        ))
        .await
        .expect("set rules")
        .into_inner()
        .position;
    app.cases
        .get_assignment_rules(as_subject(
            proto::GetAssignmentRulesRequest {
                min_position: position,
            },
            tenant,
            "lead-1",
            "team-lead",
        ))
        .await
        .expect("get rules")
        .into_inner()
        .rules
}

/// Every page of ListTasks for `request` as `subject` with `roles`, or the first error.
pub async fn list_all_tasks(
    app: &mut TestApp,
    tenant: &str,
    subject: &str,
    roles: &str,
    request: proto::ListTasksRequest,
) -> Result<Vec<proto::Task>, tonic::Status> {
    let mut tasks = Vec::new();
    let mut request = request;
    loop {
        let page = app
            .cases
            .list_tasks(as_subject(request.clone(), tenant, subject, roles))
            .await?
            .into_inner();
        tasks.extend(page.tasks);
        if page.next_page_token.is_empty() {
            return Ok(tasks);
        }
        request.page_token = page.next_page_token;
        request.min_position = None;
    }
}

/// `subject`'s own queue (as a caseworker).
pub async fn own_queue(app: &mut TestApp, tenant: &str, subject: &str) -> Vec<proto::Task> {
    list_all_tasks(
        app,
        tenant,
        subject,
        "caseworker",
        proto::ListTasksRequest::default(),
    )
    .await
    .expect("own queue")
}

/// The command fields for a case, with a fresh command id.
pub fn case_command(case_id: &str) -> Option<proto::CaseCommand> {
    Some(proto::CaseCommand {
        case_id: case_id.into(),
        command_id: uuid::Uuid::new_v4().to_string(),
        expected_version: None,
    })
}

/// Events of `event_type` in the stream of case `case_id` (read as the worker role).
pub async fn count_events(app: &TestApp, case_id: &str, event_type: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM cases.events WHERE stream_id = $1 AND event_type = $2")
        .bind(format!("case-{case_id}"))
        .bind(event_type)
        .fetch_one(app.db.worker_pool())
        .await
        .unwrap()
}

/// The E-Akte's log name, service name and JetStream stream (`EV_EFILE`), as the case service
/// consumes it.
pub const EFILE: &str = "efile";

/// The E-Akte's event log without the E-Akte: installed in the test's database (schema and log
/// name `efile`) and relayed into the test's NATS as the efile service would, so tests append
/// the E-Akte's events themselves. The relay stops with the app.
pub async fn efile_log(app: &TestApp) -> eventlog::EventLog {
    service_log(app, EFILE).await
}

/// Another service's event log without that service: installed in the test's database (schema
/// and log name `service`) and relayed into the test's NATS (`EV_<SERVICE>`) as the service
/// would, so tests append its events themselves. The relay stops with the app.
pub async fn service_log(app: &TestApp, service: &str) -> eventlog::EventLog {
    eventlog::EventLog::install(app.db.owner_pool(), service)
        .await
        .expect("service log installed");
    let log = eventlog::EventLog::new(app.db.worker_pool().clone(), service).expect("service log");
    let js = async_nats::jetstream::new(
        async_nats::connect(app.nats.url())
            .await
            .expect("nats connect"),
    );
    eventlog::wire::ensure_stream(&js, service)
        .await
        .expect("service stream");
    let relay =
        eventlog::relay::Relay::new(log.clone(), js, eventlog::relay::RelayConfig::new(service));
    tokio::spawn(relay.run(app.cancel.child_token()));
    log
}

/// Appends `read` as an `efile.SickNoteRead` of `tenant` to the stream of its document
/// (`document-<id>`, at whatever version comes next); returns where it landed.
pub async fn append_sick_note_read(
    efile: &eventlog::EventLog,
    tenant: &str,
    read: &jobcenter_proto::efile::v1::SickNoteRead,
) -> eventlog::AppendOutcome {
    efile
        .append(eventlog::AppendCommand {
            command_id: uuid::Uuid::new_v4(),
            stream_id: format!("document-{}", read.document_id),
            tenant_id: tenant.to_owned(),
            expected: eventlog::ExpectedVersion::Any,
            events: vec![eventlog::NewEvent {
                event_type: "efile.SickNoteRead".to_owned(),
                schema_version: 1,
                payload: prost::Message::encode_to_vec(read),
                metadata: eventlog::EventMetadata {
                    actor: Some("efile".to_owned()),
                    case_id: Some(read.case_id.clone()),
                    ..Default::default()
                },
            }],
        })
        .await
        .expect("sick note read appended")
}

/// Waits until the case service's `sick_notes` reactor has taken in the E-Akte's log up to
/// `at` (its checkpoint), for at most 15 s.
pub async fn sick_notes_reactor_reached(app: &TestApp, at: eventlog::LogPosition) {
    let reached = projection::wait_for(
        app.db.worker_pool(),
        case::SCHEMA,
        case::reactors::sick_notes::NAME,
        at,
        std::time::Duration::from_secs(15),
    )
    .await
    .expect("checkpoint readable");
    assert!(reached, "the sick_notes reactor did not reach {at:?}");
}

/// The appointment service's log name, service name and JetStream stream (`EV_APPOINTMENT`), as
/// the case service consumes it.
pub const APPOINTMENT: &str = "appointment";

/// The appointment service's event log without the appointment service (see [`service_log`]).
pub async fn appointment_log(app: &TestApp) -> eventlog::EventLog {
    service_log(app, APPOINTMENT).await
}

/// Appends `payload` as `appointment.<event_type>` of `tenant` to the stream of appointment
/// `appointment_id` (`appointment-<id>`, at whatever version comes next), with `case_id` in its
/// metadata as the appointment service writes it; returns where it landed.
pub async fn append_appointment_event(
    log: &eventlog::EventLog,
    tenant: &str,
    appointment_id: uuid::Uuid,
    case_id: Option<&str>,
    event_type: &str,
    payload: &impl prost::Message,
) -> eventlog::AppendOutcome {
    log.append(eventlog::AppendCommand {
        command_id: uuid::Uuid::new_v4(),
        stream_id: format!("appointment-{appointment_id}"),
        tenant_id: tenant.to_owned(),
        expected: eventlog::ExpectedVersion::Any,
        events: vec![eventlog::NewEvent {
            event_type: format!("appointment.{event_type}"),
            schema_version: 1,
            payload: payload.encode_to_vec(),
            metadata: eventlog::EventMetadata {
                actor: Some("appointment".to_owned()),
                case_id: case_id.map(str::to_owned),
                ..Default::default()
            },
        }],
    })
    .await
    .expect("appointment event appended")
}

/// Waits until the case service's `appointments` reactor has taken in the appointment log up
/// to `at` (its checkpoint), for at most 15 s.
pub async fn appointments_reactor_reached(app: &TestApp, at: eventlog::LogPosition) {
    let reached = projection::wait_for(
        app.db.worker_pool(),
        case::SCHEMA,
        case::reactors::appointments::NAME,
        at,
        std::time::Duration::from_secs(15),
    )
    .await
    .expect("checkpoint readable");
    assert!(reached, "the appointments reactor did not reach {at:?}");
}

/// The descriptions of the case's timeline entries of `event_type`, in order (as a caseworker
/// of `tenant` reads them).
pub async fn timeline_of(
    app: &mut TestApp,
    tenant: &str,
    case_id: &str,
    event_type: &str,
) -> Result<Vec<String>, tonic::Status> {
    let mut descriptions = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = app
            .cases
            .get_case_timeline(as_caller(
                proto::GetCaseTimelineRequest {
                    case_id: case_id.into(),
                    page_size: 0,
                    page_token,
                },
                tenant,
                "caseworker",
            ))
            .await?
            .into_inner();
        descriptions.extend(
            page.entries
                .into_iter()
                .filter(|entry| entry.event_type == event_type)
                .map(|entry| entry.description),
        );
        if page.next_page_token.is_empty() {
            return Ok(descriptions);
        }
        page_token = page.next_page_token;
    }
}

/// The notification service's log name, service name and JetStream stream (`EV_NOTIFICATION`),
/// as the case service consumes it.
pub const NOTIFICATION: &str = "notification";

/// The notification service's event log without the notification service (see
/// [`service_log`]).
pub async fn notification_log(app: &TestApp) -> eventlog::EventLog {
    service_log(app, NOTIFICATION).await
}

/// Appends `payload` as `notification.<event_type>` of `tenant` to the stream of message
/// `message_id` (`message-<id>`, at whatever version comes next) with the command id
/// `command_id` (the same id again is the same append); returns where it landed.
pub async fn append_notification_event(
    log: &eventlog::EventLog,
    tenant: &str,
    message_id: uuid::Uuid,
    command_id: uuid::Uuid,
    event_type: &str,
    payload: &impl prost::Message,
) -> eventlog::AppendOutcome {
    log.append(eventlog::AppendCommand {
        command_id,
        stream_id: format!("message-{message_id}"),
        tenant_id: tenant.to_owned(),
        expected: eventlog::ExpectedVersion::Any,
        events: vec![eventlog::NewEvent {
            event_type: format!("notification.{event_type}"),
            schema_version: 1,
            payload: payload.encode_to_vec(),
            metadata: eventlog::EventMetadata {
                actor: Some("notification".to_owned()),
                ..Default::default()
            },
        }],
    })
    .await
    .expect("notification event appended")
}

/// Waits until the case service's `messages` reactor has taken in the notification log up to
/// `at` (its checkpoint), for at most 15 s.
pub async fn messages_reactor_reached(app: &TestApp, at: eventlog::LogPosition) {
    let reached = projection::wait_for(
        app.db.worker_pool(),
        case::SCHEMA,
        case::reactors::messages::NAME,
        at,
        std::time::Duration::from_secs(15),
    )
    .await
    .expect("checkpoint readable");
    assert!(reached, "the messages reactor did not reach {at:?}");
}
