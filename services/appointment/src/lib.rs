//! The appointment service: calendars, free slots, booking, invitations (Meldetermin),
//! cancellation, rescheduling, attendance and calendar files.
//!
//! [`Application::build`] connects PostgreSQL and NATS, installs the service's log (schema
//! `appointment`, log name `appointment`), its read-access log (`appointment_access`) and its
//! place counts (`appointment.slot_places`) through the owner role ([`install`]; or, without an
//! owner URL, checks that a migration job did), and prepares the gRPC server.
//! [`Application::run_until_stopped`] runs, until the token fires: the gRPC server
//! (`jobcenter.appointment.v1.AppointmentService`, with health and reflection) and the relay of
//! the log to JetStream (`EV_APPOINTMENT`, events `appointment.<MessageName>`), which the case
//! and notification services consume; also the reminder scheduler ([`reminders`]), which
//! appends each due reminder to its appointment's stream once; and the read models
//! ([`projections`]: the appointments as they stand, from this log, and the case directory,
//! from the case log `EV_CASE`). See `docs/appointment/service.md`.
//!
//! The pure domain is [`domain`] (`docs/appointment/domain.md`); the command path is
//! [`commands`].

// Stricter than the workspace: every public item of the service is documented.
#![warn(missing_docs)]

pub mod api;
pub mod authorization;
pub mod calendars;
pub mod clock;
pub mod commands;
pub mod consistency;
pub mod domain;
pub mod error;
pub mod events;
pub mod migrations;
pub mod projections;
pub mod reminders;
pub mod slot_places;

use std::sync::Arc;
use std::time::Duration;

use eventlog::relay::{Relay, RelayConfig};
use eventlog::{EventLog, EventLogOptions};
use jobcenter_proto::appointment::v1::appointment_service_server::AppointmentServiceServer;
use platform::config::{DatabaseConfig, NatsConfig, ServerConfig, TelemetryConfig};
use platform::grpc::GrpcServer;
use projection::ProjectionRunner;
use serde::Deserialize;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;

use crate::calendars::{CalendarSettings, Calendars};
use crate::clock::{Clock, SystemClock};
use crate::commands::AppointmentCommands;
use crate::projections::appointment_view::AppointmentView;
use crate::projections::case_directory::CaseDirectory;

/// PostgreSQL schema of the service's log and place counts.
pub const SCHEMA: &str = "appointment";
/// PostgreSQL schema of the service's read-access log (never relayed).
pub const ACCESS_SCHEMA: &str = "appointment_access";
/// Name of the log in position tokens (`appointment:<tx>:<pos>`) and on the bus
/// (`EV_APPOINTMENT`, subjects `ev.appointment.<tenant>.<partition>`).
pub const LOG_NAME: &str = "appointment";
/// The service whose log the case directory follows (`EV_CASE`).
pub const CASE_SERVICE: &str = "case";
/// Environment prefix of the settings.
pub const ENV_PREFIX: &str = "JC_APPOINTMENT_";
/// The default gRPC port.
pub const DEFAULT_GRPC_PORT: u16 = 50054;

/// Settings of the appointment service (environment `JC_APPOINTMENT_*`, nested with `__`, over
/// an optional TOML file; docs/appointment/service.md).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// gRPC server. Default address `127.0.0.1:50054`.
    pub server: ServerConfig,
    /// PostgreSQL.
    pub database: DatabaseConfig,
    /// NATS.
    pub nats: NatsConfig,
    /// Logs and traces.
    pub telemetry: TelemetryConfig,
    /// Every jobcenter's calendar (`calendars.tenants.<tenant id>`), the calendar-file sender
    /// and the reminder policy. Default: no calendars.
    pub calendars: CalendarSettings,
    /// How long a call with a position token waits for the read model, in ms. Default 5000.
    pub read_wait_timeout_ms: u64,
    /// The reminder scheduler: how often it looks for due reminders (`poll_ms`, default
    /// 30000) and how many appointments per look (`batch_size`, default 200).
    pub reminder_scheduler: reminders::SchedulerSettings,
    /// Path of an optional TOML file with these settings (`JC_APPOINTMENT_CONFIG_FILE`; only
    /// meaningful in the environment). Default none.
    pub config_file: Option<std::path::PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            server: ServerConfig {
                grpc_addr: std::net::SocketAddr::from((
                    std::net::Ipv4Addr::LOCALHOST,
                    DEFAULT_GRPC_PORT,
                )),
                ..ServerConfig::default()
            },
            database: DatabaseConfig::default(),
            nats: NatsConfig::default(),
            telemetry: TelemetryConfig::default(),
            calendars: CalendarSettings::default(),
            read_wait_timeout_ms: 5_000,
            reminder_scheduler: reminders::SchedulerSettings::default(),
            config_file: None,
        }
    }
}

impl Config {
    /// What is wrong with these settings, if anything (checked when the service starts): every
    /// calendar problem with its full path.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.calendars.problems();
        problems.extend(self.reminder_scheduler.problems());
        problems
    }
}

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// PostgreSQL is unreachable or refuses the roles.
    #[error("database unavailable")]
    Database(#[from] platform::db::DbError),
    /// The settings make no sense (every problem listed).
    #[error("invalid settings:\n  {}", .0.join("\n  "))]
    Settings(Vec<String>),
    /// `appointment migrate` needs the owner role's URL.
    #[error("no owner URL configured (JC_APPOINTMENT_DATABASE__OWNER_URL)")]
    NoOwnerUrl,
    /// The service's tables could not be installed.
    #[error("migrating the service's tables failed")]
    Migrate(#[from] sqlx::Error),
    /// NATS is unreachable.
    #[error("NATS unavailable")]
    Nats(#[from] platform::nats::NatsError),
    /// The JetStream stream could not be created.
    #[error("JetStream stream could not be prepared")]
    Stream(#[from] eventlog::wire::EnsureStreamError),
    /// The read-access log could not be installed or opened.
    #[error("read-access log unavailable")]
    AccessLog(#[from] access_log::AccessLogError),
    /// The event log could not be installed or opened.
    #[error("event log could not be installed")]
    EventLog(#[from] eventlog::EventLogError),
    /// The listener has no local address.
    #[error("listener has no address")]
    Listener(#[source] std::io::Error),
    /// The gRPC server failed.
    #[error("gRPC server failed")]
    Serve(#[from] platform::grpc::ServeError),
    /// The relay to JetStream failed.
    #[error("relay failed")]
    Relay(#[from] eventlog::relay::RelayError),
    /// A read model's checkpoints could not be installed, or its projection failed.
    #[error("projection failed")]
    Projection(#[from] projection::ProjectionError),
    /// A task of the service panicked or was aborted.
    #[error("a service task ended abnormally")]
    Task(#[from] tokio::task::JoinError),
}

/// What the running service needs in PostgreSQL; checked at start when it does not install it.
pub const RELATIONS: &[&str] = &[
    "appointment.events",
    "appointment.slot_places",
    "appointment.reminder_schedule",
    "appointment.appointment_view",
    "appointment.case_directory",
    "appointment.projection_checkpoints",
    "appointment_access.events",
];

/// Creates or updates everything the service keeps in PostgreSQL, with row-level security and
/// grants, through the owner role's pool. Idempotent: run at every start when an owner URL is
/// configured, or once per release by `appointment migrate`.
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
    reminders: reminders::ReminderScheduler,
}

impl Application {
    /// Installs through the owner role (`config.database.owner_url`) and closes that
    /// connection: what a migration job runs (`appointment migrate`).
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

    /// Same as [`Application::build`], with the time taken from `clock` (tests set it, so
    /// that booking windows, notice periods and attendance do not depend on the day they run).
    pub async fn build_with_clock(
        config: Config,
        listener: TcpListener,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartError> {
        let port = listener.local_addr().map_err(StartError::Listener)?.port();
        // A misconfigured server or calendar stops here, before anything is connected.
        let mut server = GrpcServer::new(&config.server, jobcenter_proto::FILE_DESCRIPTOR_SET);
        server.check()?;
        let problems = config.problems();
        if !problems.is_empty() {
            return Err(StartError::Settings(problems));
        }
        let calendars = Arc::new(Calendars::from_settings(&config.calendars));
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
        // The stream exists before anyone consumes it (the case service may start first), and
        // the case log's before the case directory follows it (the case service may start
        // later).
        eventlog::wire::ensure_stream(&js, LOG_NAME).await?;
        eventlog::wire::ensure_stream(&js, CASE_SERVICE).await?;
        let access = access_log::AccessLog::new(pools.worker.clone(), ACCESS_SCHEMA, LOG_NAME)?;
        let server = server
            .with_refusal_recorder(Arc::new(access.clone()))
            .with_authorization(vec![authorization::POLICY]);
        let reminders = reminders::ReminderScheduler::new(
            log.clone(),
            calendars.clone(),
            clock.clone(),
            config.reminder_scheduler,
        );
        let commands = AppointmentCommands::new(log.clone(), calendars.clone(), clock.clone());
        let api = api::AppointmentApi::new(api::Parts {
            pool: pools.api.clone(),
            log: log.clone(),
            access,
            commands,
            calendars,
            clock,
            wait_timeout: Duration::from_millis(config.read_wait_timeout_ms),
        });
        let routes = Routes::new(
            AppointmentServiceServer::new(api)
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
            reminders,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The service's log (for tests and tools).
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// Runs the server and the relay until `cancel` fires; then drains and stops.
    pub async fn run_until_stopped(self, cancel: CancellationToken) -> Result<(), StartError> {
        let health = self.server.health();
        let tasks = cancel.child_token();
        let relay = Relay::new(
            self.log.clone(),
            self.js.clone(),
            RelayConfig::new(LOG_NAME),
        );
        let relay = tokio::spawn(relay.run(tasks.clone()));
        let view = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            LOG_NAME,
            AppointmentView,
        );
        let view = tokio::spawn(view.run(tasks.clone()));
        let directory = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            CASE_SERVICE,
            CaseDirectory,
        );
        let directory = tokio::spawn(directory.run(tasks.clone()));
        let reminders = tokio::spawn(self.reminders.run(tasks.clone()));
        let serve = tokio::spawn(
            self.server
                .serve(self.listener, self.routes, cancel.clone()),
        );
        health
            .set_serving::<AppointmentServiceServer<api::AppointmentApi>>()
            .await;

        let served = serve.await;
        tasks.cancel();
        // Both tasks are awaited; the first failure (a panic included) is the outcome.
        let mut result = served
            .map_err(StartError::from)
            .and_then(|r| r.map_err(StartError::from));
        for (name, task) in [
            (projections::appointment_view::NAME, view),
            (projections::case_directory::NAME, directory),
        ] {
            let outcome = task
                .await
                .map_err(StartError::from)
                .and_then(|r| r.map_err(StartError::from));
            if let Err(error) = &outcome {
                tracing::error!(task = name, %error, "task failed");
            }
            result = result.and(outcome);
        }
        // The scheduler retries its own failures; only a panic ends it with an error.
        if let Err(error) = reminders.await {
            tracing::error!(task = "reminder_scheduler", %error, "task failed");
            result = result.and(Err(StartError::from(error)));
        }
        let relayed = relay
            .await
            .map_err(StartError::from)
            .and_then(|r| r.map_err(StartError::from));
        if let Err(error) = &relayed {
            tracing::error!(task = "relay", %error, "task failed");
        }
        result.and(relayed)
    }
}

#[cfg(test)]
mod config_tests;
