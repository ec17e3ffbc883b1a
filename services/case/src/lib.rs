//! Cases of households: lifecycle, timeline, read models.
//!
//! [`Application::build`] connects PostgreSQL and NATS, installs the case log (schema `cases`,
//! log name `case`) and the read models through the owner role ([`install`]; or, without an
//! owner URL, checks that a migration job did), and prepares the gRPC server. Queries read
//! through the api role, one tenant per transaction; the log writer, relay, reactor and
//! projection work as the worker role (`docs/security/row-level-security.md`).
//! [`Application::run_until_stopped`] runs, until the token fires: the gRPC server, the relay of
//! the case log to JetStream, the `open_case` reactor (intake events → `case.CaseOpened`), the
//! `case_view` projection (case events → `cases.case_view`), and the work queue's part: the
//! `assign` reactor (a new case → `CaseAssigned` by the tenant's rules), the `tasks`,
//! `assignment_rules`, `absences` and `deadlines` projections and the deadline watcher
//! (`docs/casework/work-queue.md`, `docs/casework/assignment-and-deadlines.md`); and the sick
//! notes' part: the `sick_notes` reactor (the E-Akte's readings of scanned sick notes →
//! `IncapacityRecorded` or `SickNoteReviewRequested`) and the `incapacities` projection
//! (`docs/casework/sick-notes.md`); and the appointments' part: the `appointments` reactor (the
//! appointment service's bookings, changes and no-shows → `AppointmentNoted` and
//! `MissedAppointmentAssessmentRequested`, `docs/casework/appointments.md`); and the messages'
//! part: the `messages` reactor (the applicant's messages and the caseworkers' replies from the
//! notification service → `ApplicantMessageNoted` and `ApplicantMessageAnswered`,
//! `docs/casework/messages.md`). The same server
//! streams the case feed for partner systems ([`feed`], `jobcenter.case.v1.CaseFeedService`).

pub mod api;
pub mod authorization;
pub mod commands;
pub mod consistency;
pub mod domain;
pub mod error;
pub mod feed;
pub mod migrations;
pub mod projections;
pub mod reactors;

use std::sync::Arc;
use std::time::Duration;

use eventlog::relay::{Relay, RelayConfig};
use eventlog::{EventLog, EventLogOptions};
use jobcenter_proto::case::v1::case_feed_service_server::CaseFeedServiceServer;
use jobcenter_proto::case::v1::case_service_server::CaseServiceServer;
use platform::config::{DatabaseConfig, NatsConfig, ServerConfig, TelemetryConfig};
use platform::grpc::GrpcServer;
use projection::ProjectionRunner;
use serde::Deserialize;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;

use crate::domain::dates::{Clock, SystemClock};
use crate::projections::case_view::CaseView;
use crate::reactors::open_case::OpenCaseReactor;

/// PostgreSQL schema of the case log, the read models and the checkpoints.
pub const SCHEMA: &str = "cases";
/// PostgreSQL schema of the case service's read-access log (never relayed).
pub const ACCESS_SCHEMA: &str = "cases_access";
/// Name of the case log in position tokens (`case:<tx>:<pos>`) and on the bus (`EV_CASE`).
pub const LOG_NAME: &str = "case";
/// The service whose events the reactor consumes.
pub const INTAKE_SERVICE: &str = "intake";
/// Environment prefix of the settings.
pub const ENV_PREFIX: &str = "JC_CASE_";

/// Settings of the case service (environment `JC_CASE_*`, nested with `__`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// gRPC server.
    pub server: ServerConfig,
    /// PostgreSQL.
    pub database: DatabaseConfig,
    /// NATS.
    pub nats: NatsConfig,
    /// Logs and traces.
    pub telemetry: TelemetryConfig,
    /// How long a query with `min_position` waits for the read model, in ms. Default 5000.
    pub read_wait_timeout_ms: u64,
    /// The case feed for partner systems (`JC_CASE_FEED__*`).
    pub feed: feed::FeedConfig,
    /// How often the deadline watcher looks for due deadlines, in ms (it also looks once at
    /// start). Default 60000.
    pub deadline_poll_ms: u64,
    /// Most deadlines the watcher fires per look; a full batch is followed at once by the next.
    /// Default 500.
    pub deadline_batch: u32,
    /// The legal periods the lifecycle counts with: `periods.default` and jobcenters configured
    /// apart in `periods.tenants.<tenant id>` (docs/casework/lifecycle.md). Default: the law.
    pub periods: domain::periods::TenantPeriods,
    /// The confidence (1 to 100) from which a scanned sick note the E-Akte read is recorded
    /// without a caseworker; below it a caseworker confirms (docs/casework/sick-notes.md). One
    /// value for the installation: it calibrates the one OCR reader. Default 80.
    pub sick_note_confidence: u32,
    /// Path of an optional TOML file with these settings (`JC_CASE_CONFIG_FILE`; only
    /// meaningful in the environment). Default none.
    pub config_file: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            server: ServerConfig::default(),
            database: DatabaseConfig::default(),
            nats: NatsConfig::default(),
            telemetry: TelemetryConfig::default(),
            read_wait_timeout_ms: 5_000,
            feed: feed::FeedConfig::default(),
            deadline_poll_ms: 60_000,
            deadline_batch: 500,
            periods: domain::periods::TenantPeriods::default(),
            sick_note_confidence: domain::sick_notes::DEFAULT_CONFIDENCE,
            config_file: None,
        }
    }
}

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database unavailable")]
    Database(#[from] platform::db::DbError),
    /// A legal period is configured out of its range.
    #[error("invalid periods: {0}")]
    Periods(String),
    /// The sick-note confidence threshold is out of its range.
    #[error("invalid setting: {0}")]
    SickNoteConfidence(String),
    /// `case migrate` needs the owner role's URL.
    #[error("no owner URL configured (JC_CASE_DATABASE__OWNER_URL)")]
    NoOwnerUrl,
    #[error("migrating the read models failed")]
    Migrate(#[from] sqlx::Error),
    #[error("NATS unavailable")]
    Nats(#[from] platform::nats::NatsError),
    #[error("JetStream stream could not be prepared")]
    Stream(#[from] eventlog::wire::EnsureStreamError),
    #[error("read-access log unavailable")]
    AccessLog(#[from] access_log::AccessLogError),
    #[error("event log could not be installed")]
    EventLog(#[from] eventlog::EventLogError),
    #[error("projection set-up failed")]
    Projection(#[from] projection::ProjectionError),
    #[error("listener has no address")]
    Listener(#[source] std::io::Error),
    #[error("gRPC server failed")]
    Serve(#[from] platform::grpc::ServeError),
    #[error("relay failed")]
    Relay(#[from] eventlog::relay::RelayError),
    /// A task of the service panicked or was aborted.
    #[error("a service task ended abnormally")]
    Task(#[from] tokio::task::JoinError),
}

/// What the running service needs in PostgreSQL; checked at start when it does not install it.
pub const RELATIONS: &[&str] = &[
    "cases.events",
    "cases.case_view",
    "cases.reactor_emitted",
    "cases.account_cases",
    "cases.unfiled_submissions",
    "cases.projection_checkpoints",
    "cases.tasks",
    "cases.task_cases",
    "cases.assignment_rules",
    "cases.absences",
    "cases.deadlines",
    "cases.deadline_cases",
    "cases.incapacities",
    "cases_access.events",
];

/// Creates or updates everything the case service keeps in PostgreSQL, with row-level security
/// and grants, through the owner role's pool. Idempotent: run at every start when an owner URL
/// is configured, or once per release by `case migrate`.
pub async fn install(owner: &PgPool) -> Result<(), StartError> {
    EventLog::install(owner, SCHEMA).await?;
    access_log::AccessLog::install(owner, ACCESS_SCHEMA).await?;
    migrations::run(owner).await?;
    projection::install(owner, SCHEMA).await?;
    Ok(())
}

/// The built service, ready to run.
pub struct Application {
    listener: TcpListener,
    port: u16,
    worker: PgPool,
    log: EventLog,
    js: async_nats::jetstream::Context,
    server: GrpcServer,
    routes: Routes,
    clock: Arc<dyn Clock>,
    periods: Arc<domain::periods::TenantPeriods>,
    /// From which confidence a scanned sick note is recorded without a caseworker.
    sick_note_confidence: domain::sick_notes::ConfidenceThreshold,
    /// The deadline watcher's poll interval and batch.
    deadline_poll: Duration,
    deadline_batch: u32,
    /// Wakes the feed's subscriptions on new events; stops them on shutdown.
    feed_listener: feed::wake::Listener,
}

impl Application {
    /// Installs through the owner role (`config.database.owner_url`) and closes that
    /// connection: what a migration job runs (`case migrate`).
    pub async fn migrate(config: &Config) -> Result<(), StartError> {
        platform::db::install_as_owner(
            &config.database,
            |owner| async move { install(&owner).await },
        )
        .await?
        .ok_or(StartError::NoOwnerUrl)
    }

    /// Connects everything and prepares the server on `listener` (bind port 0 in tests).
    pub async fn build(config: Config, listener: TcpListener) -> Result<Self, StartError> {
        Self::build_with_clock(config, listener, Arc::new(SystemClock)).await
    }

    /// Same as [`Application::build`], with the days taken from `clock` (tests of deadlines
    /// move it forward).
    pub async fn build_with_clock(
        config: Config,
        listener: TcpListener,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartError> {
        let port = listener.local_addr().map_err(StartError::Listener)?.port();
        // A misconfigured server (no TLS in production, unreadable certificates) stops here,
        // before anything is connected.
        let mut server = GrpcServer::new(&config.server, jobcenter_proto::FILE_DESCRIPTOR_SET);
        server.check()?;
        let problems = config.periods.problems();
        if !problems.is_empty() {
            return Err(StartError::Periods(problems.join("; ")));
        }
        let periods = Arc::new(config.periods.clone());
        let sick_note_confidence =
            domain::sick_notes::ConfidenceThreshold::new(config.sick_note_confidence)
                .map_err(StartError::SickNoteConfidence)?;
        // With an owner URL the service installs itself (local runs, tests); without one a
        // migration job has, and the service only checks.
        let pools = platform::db::install_and_connect(
            &config.database,
            |owner| async move { install(&owner).await },
            RELATIONS,
        )
        .await?;
        let log = EventLog::with_options(
            pools.worker.clone(),
            SCHEMA,
            EventLogOptions {
                log_name: Some(LOG_NAME.to_owned()),
                ..EventLogOptions::default()
            },
        )?;
        let nats = platform::nats::connect(&config.nats).await?;
        let js = async_nats::jetstream::new(nats);
        // The streams must exist before consumers attach (intake, the E-Akte, the appointment
        // and the notification service may start later than us).
        eventlog::wire::ensure_stream(&js, INTAKE_SERVICE).await?;
        eventlog::wire::ensure_stream(&js, reactors::sick_notes::EFILE_SERVICE).await?;
        eventlog::wire::ensure_stream(&js, reactors::appointments::APPOINTMENT_SERVICE).await?;
        eventlog::wire::ensure_stream(&js, reactors::messages::NOTIFICATION_SERVICE).await?;
        eventlog::wire::ensure_stream(&js, LOG_NAME).await?;
        let access = access_log::AccessLog::new(pools.worker.clone(), ACCESS_SCHEMA, LOG_NAME)?;
        let server = server
            .with_refusal_recorder(std::sync::Arc::new(access.clone()))
            .with_authorization(vec![authorization::POLICY, authorization::FEED_POLICY]);
        let (feed_listener, wakeups) =
            feed::wake::Listener::new(pools.api.clone(), log.notify_channel());
        let feed = feed::CaseFeed::new(
            pools.api.clone(),
            log.clone(),
            access.clone(),
            wakeups,
            config.feed.clone(),
        );
        let api = api::CaseApi::new(
            pools.api.clone(),
            log.clone(),
            access,
            Duration::from_millis(config.read_wait_timeout_ms),
            commands::CaseCommands::new(log.clone(), periods.clone()),
            clock.clone(),
        );
        let routes = Routes::new(
            CaseServiceServer::new(api).max_decoding_message_size(config.server.max_message_bytes),
        )
        .add_service(
            CaseFeedServiceServer::new(feed)
                .max_decoding_message_size(config.server.max_message_bytes),
        );
        Ok(Self {
            listener,
            port,
            worker: pools.worker,
            log,
            js,
            server,
            routes,
            clock,
            periods,
            sick_note_confidence,
            deadline_poll: Duration::from_millis(config.deadline_poll_ms),
            deadline_batch: config.deadline_batch,
            feed_listener,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The case log (for tests and tools).
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// The command path the reactors and the watcher share with the API.
    fn commands(&self) -> commands::CaseCommands {
        commands::CaseCommands::new(self.log.clone(), self.periods.clone())
    }

    /// Runs server, relay, reactor and projection until `cancel` fires; then drains and stops.
    pub async fn run_until_stopped(self, cancel: CancellationToken) -> Result<(), StartError> {
        let health = self.server.health();
        let tasks = cancel.child_token();
        let relay = Relay::new(
            self.log.clone(),
            self.js.clone(),
            RelayConfig::new(LOG_NAME),
        );
        let relay = tokio::spawn(relay.run(tasks.clone()));
        let reactor = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            INTAKE_SERVICE,
            OpenCaseReactor::new(self.commands(), self.clock.clone()),
        );
        let reactor = tokio::spawn(reactor.run(tasks.clone()));
        let view = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            LOG_NAME,
            CaseView,
        );
        let view = tokio::spawn(view.run(tasks.clone()));
        let mut work_queue = self.spawn_work_queue(&tasks);
        work_queue.extend(self.spawn_sick_notes(&tasks));
        work_queue.push(self.spawn_appointments(&tasks));
        work_queue.push(self.spawn_messages(&tasks));
        // On `cancel` itself, not `tasks`: the feed's streams must end before the server's
        // drain can finish, and `tasks` is cancelled only after it.
        let feed_listener = tokio::spawn(self.feed_listener.run(cancel.clone()));
        let serve = tokio::spawn(
            self.server
                .serve(self.listener, self.routes, cancel.clone()),
        );
        health
            .set_serving::<CaseServiceServer<api::CaseApi>>()
            .await;
        health
            .set_serving::<CaseFeedServiceServer<feed::CaseFeed>>()
            .await;

        let served = serve.await;
        tasks.cancel();
        // Every task is awaited; the first failure (a panic included) is the outcome.
        let mut result = served
            .map_err(StartError::from)
            .and_then(|r| r.map_err(StartError::from));
        if let Err(error) = feed_listener.await {
            tracing::error!(task = "feed_listener", %error, "task failed");
            result = result.and(Err(StartError::from(error)));
        }
        let mut awaited = vec![("reactor", reactor), ("case_view", view)];
        awaited.extend(work_queue);
        for (name, task) in awaited {
            let outcome = task
                .await
                .map_err(StartError::from)
                .and_then(|r| r.map_err(StartError::from));
            if let Err(error) = &outcome {
                tracing::error!(task = name, %error, "task failed");
            }
            result = result.and(outcome);
        }
        let relayed = relay
            .await
            .map_err(StartError::from)
            .and_then(|r| r.map_err(StartError::from));
        result = result.and(relayed);
        result
    }
}

/// A task of the work queue's part of the service, as awaited at shutdown.
type WorkQueueTask = tokio::task::JoinHandle<Result<(), projection::ProjectionError>>;

impl Application {
    /// Spawns the work queue's reactor, projections and deadline watcher on `tasks`: the
    /// `assign` reactor (case opened → `CaseAssigned` by the tenant's rules), the `tasks`,
    /// `assignment_rules`, `absences` and `deadlines` projections, and the watcher.
    fn spawn_work_queue(&self, tasks: &CancellationToken) -> Vec<(&'static str, WorkQueueTask)> {
        let commands = self.commands();
        let assign = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            LOG_NAME,
            reactors::assign::AssignReactor::new(commands.clone(), self.clock.clone()),
        );
        let task_view = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            LOG_NAME,
            projections::tasks::Tasks,
        );
        let rules_view = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            LOG_NAME,
            projections::assignment_rules::AssignmentRules,
        );
        let absence_view = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            LOG_NAME,
            projections::absences::Absences,
        );
        let deadline_view = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            LOG_NAME,
            projections::deadlines::Deadlines::new(self.log.clone(), self.periods.clone()),
        );
        let watcher = reactors::deadline_watcher::DeadlineWatcher::new(
            self.worker.clone(),
            commands,
            self.clock.clone(),
            self.deadline_poll,
            self.deadline_batch,
        );
        let stop = tasks.clone();
        vec![
            ("assign", tokio::spawn(assign.run(tasks.clone()))),
            ("tasks", tokio::spawn(task_view.run(tasks.clone()))),
            (
                "assignment_rules",
                tokio::spawn(rules_view.run(tasks.clone())),
            ),
            ("absences", tokio::spawn(absence_view.run(tasks.clone()))),
            ("deadlines", tokio::spawn(deadline_view.run(tasks.clone()))),
            (
                "deadline_watcher",
                tokio::spawn(async move {
                    watcher.run(stop).await;
                    Ok(())
                }),
            ),
        ]
    }
}

impl Application {
    /// Spawns the sick notes' reactor (the E-Akte's readings → the cases) and the
    /// `incapacities` projection on `tasks`.
    fn spawn_sick_notes(&self, tasks: &CancellationToken) -> Vec<(&'static str, WorkQueueTask)> {
        let reactor = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            reactors::sick_notes::EFILE_SERVICE,
            reactors::sick_notes::SickNoteReactor::new(
                self.commands(),
                self.clock.clone(),
                self.sick_note_confidence,
            ),
        );
        let view = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            LOG_NAME,
            projections::incapacities::Incapacities,
        );
        vec![
            ("sick_notes", tokio::spawn(reactor.run(tasks.clone()))),
            ("incapacities", tokio::spawn(view.run(tasks.clone()))),
        ]
    }
}

impl Application {
    /// Spawns the appointments' reactor (the appointment service's events → the cases) on
    /// `tasks`.
    fn spawn_appointments(&self, tasks: &CancellationToken) -> (&'static str, WorkQueueTask) {
        let reactor = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            reactors::appointments::APPOINTMENT_SERVICE,
            reactors::appointments::AppointmentReactor::new(self.commands(), self.clock.clone()),
        );
        (
            reactors::appointments::NAME,
            tokio::spawn(reactor.run(tasks.clone())),
        )
    }
}

impl Application {
    /// Spawns the messages' reactor (the notification service's applicant messages and
    /// replies → the cases) on `tasks`.
    fn spawn_messages(&self, tasks: &CancellationToken) -> (&'static str, WorkQueueTask) {
        let reactor = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            reactors::messages::NOTIFICATION_SERVICE,
            reactors::messages::MessageReactor::new(self.commands(), self.clock.clone()),
        );
        (
            reactors::messages::NAME,
            tokio::spawn(reactor.run(tasks.clone())),
        )
    }
}

#[cfg(test)]
mod config_tests {
    use super::*;

    #[test]
    fn periods_come_from_the_file_per_jobcenter() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("case.toml");
        std::fs::write(
            &path,
            "[periods.default]\nobjection_months = 2\n\n\
             [periods.tenants.jc-musterstadt]\nnotification_days = 3\n",
        )
        .expect("written");
        // A prefix no environment variable has: only the file counts.
        let config: Config =
            platform::config::load("JC_CASE_TEST_NOTHING_", Some(&path)).expect("loads");
        assert_eq!(config.periods.of("jc-other").objection_months, 2);
        let apart = config.periods.of("jc-musterstadt");
        assert_eq!(apart.notification_days, 3);
        // A tenant's entry replaces the default as a whole: what it leaves out is the law's.
        assert_eq!(apart.objection_months, 1);
        assert!(config.periods.problems().is_empty());
    }

    #[tokio::test]
    async fn a_sick_note_confidence_out_of_range_stops_the_start() {
        let mut config = Config {
            sick_note_confidence: 0,
            ..Config::default()
        };
        // Plaintext, so that the server's own check passes and the threshold's is reached.
        config.server.mode = platform::config::SecurityMode::Development;
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("listener");
        let refused = Application::build(config, listener).await;
        assert!(
            matches!(refused, Err(StartError::SickNoteConfidence(_))),
            "{:?}",
            refused.err()
        );
    }
}
