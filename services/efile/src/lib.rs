//! The E-Akte: documents of a case, filed, versioned, tagged, kept and found.
//!
//! [`Application::build`] connects PostgreSQL and NATS, installs the E-Akte's log (schema
//! `efile`, log name `efile`), its read-access log and read models through the owner role
//! ([`install`]; or, without an owner URL, checks that a migration job did), opens the blob
//! store ([`blobs`]) and prepares the gRPC server. [`Application::run_until_stopped`] runs,
//! until the token fires: the gRPC server (`jobcenter.efile.v1.EfileService`), the relay of the
//! E-Akte's log to JetStream, the `documents` projection (E-Akte log → `efile.documents`,
//! `efile.document_versions`), the `case_directory` projection (case log → which cases exist,
//! whose they are, when they closed), the periodic deletion run ([`retention`]), the blob
//! sweep ([`sweeper`]), the sick-note automation ([`reactors`]: scans read by OCR, forms filed
//! as records) and the decision letters ([`reactors::decision_letters`]: every decision the case
//! service issues filed as a letter). See `docs/efile/documents.md` and `docs/efile/sick-notes.md`.

pub mod api;
pub mod authorization;
pub mod blobs;
pub mod commands;
pub mod consistency;
pub mod domain;
pub mod error;
pub mod migrations;
pub mod projections;
pub mod reactors;
pub mod retention;
pub mod sweeper;

use std::sync::Arc;
use std::time::Duration;

use eventlog::relay::{Relay, RelayConfig};
use eventlog::{EventLog, EventLogOptions};
use jobcenter_proto::efile::v1::efile_service_server::EfileServiceServer;
use platform::config::{DatabaseConfig, NatsConfig, ServerConfig, TelemetryConfig};
use platform::grpc::GrpcServer;
use projection::ProjectionRunner;
use serde::Deserialize;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;

use crate::blobs::{BlobConfig, BlobStore};
use crate::domain::dates::{Clock, SystemClock};
use crate::domain::rules::TenantFilingRules;
use crate::projections::case_directory::CaseDirectory;
use crate::projections::documents::Documents;
use crate::reactors::decision_letters::DecisionLettersReactor;
use crate::reactors::form_sick_notes::FormSickNotesReactor;
use crate::reactors::sick_note_reader::SickNoteReaderReactor;
use crate::retention::Retention;
use crate::sweeper::Sweeper;

/// PostgreSQL schema of the E-Akte's log, read models and checkpoints.
pub const SCHEMA: &str = "efile";
/// PostgreSQL schema of the E-Akte's read-access log (never relayed).
pub const ACCESS_SCHEMA: &str = "efile_access";
/// Name of the E-Akte's log in position tokens (`efile:<tx>:<pos>`) and on the bus (`EV_EFILE`).
pub const LOG_NAME: &str = "efile";
/// The service whose log the case directory follows.
pub const CASE_SERVICE: &str = "case";
/// Environment prefix of the settings.
pub const ENV_PREFIX: &str = "JC_EFILE_";

/// Settings of the E-Akte (environment `JC_EFILE_*`, nested with `__`; docs/efile/documents.md).
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
    /// How long a call with a position token waits for the read model, in ms. Default 5000.
    pub read_wait_timeout_ms: u64,
    /// Where document content is stored (`JC_EFILE_BLOBS__*`, docs/efile/blobs.md). Default: the
    /// local directory `.local/efile-blobs`.
    pub blobs: BlobConfig,
    /// The largest document (each version) in bytes. Default 20 MiB.
    pub max_document_bytes: u64,
    /// Tag vocabulary and retention rules: `filing.default` and jobcenters configured apart in
    /// `filing.tenants.<tenant id>`. Default: [`domain::rules`].
    pub filing: TenantFilingRules,
    /// How often the deletion run looks for documents due, in ms (it also runs once at start).
    /// Default 3600000 (hourly).
    pub retention_poll_ms: u64,
    /// How often the blob store is swept, in ms. Default 21600000 (every six hours).
    pub sweep_poll_ms: u64,
    /// How old an unreferenced blob must be before it is deleted, in hours. Default 24.
    pub blob_grace_hours: u64,
    /// The OCR of scanned sick notes (`JC_EFILE_SICK_NOTE_READER__*`: `tesseract`, `pdftoppm`,
    /// `language` "deu", `timeout_ms` 30000, `max_concurrent` 2). Checked at start.
    pub sick_note_reader: sick_note_reader::ReaderConfig,
    /// Path of an optional TOML file with these settings (`JC_EFILE_CONFIG_FILE`; only
    /// meaningful in the environment). Default none.
    pub config_file: Option<std::path::PathBuf>,
}

/// Default of [`Config::max_document_bytes`]: 20 MiB.
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 20 * 1024 * 1024;

impl Default for Config {
    fn default() -> Self {
        Self {
            server: ServerConfig {
                grpc_addr: std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, 50053)),
                ..ServerConfig::default()
            },
            database: DatabaseConfig::default(),
            nats: NatsConfig::default(),
            telemetry: TelemetryConfig::default(),
            read_wait_timeout_ms: 5_000,
            blobs: BlobConfig::default(),
            max_document_bytes: DEFAULT_MAX_DOCUMENT_BYTES,
            filing: TenantFilingRules::default(),
            retention_poll_ms: 3_600_000,
            sweep_poll_ms: 21_600_000,
            blob_grace_hours: 24,
            sick_note_reader: sick_note_reader::ReaderConfig::default(),
            config_file: None,
        }
    }
}

impl Config {
    /// What is wrong with these settings, if anything (checked when the service starts).
    pub fn problems(&self) -> Vec<String> {
        let mut problems = self.filing.problems();
        if self.max_document_bytes == 0 {
            problems.push("max_document_bytes must be at least 1".to_owned());
        }
        if self.retention_poll_ms == 0 {
            problems.push("retention_poll_ms must be at least 1".to_owned());
        }
        if self.sweep_poll_ms == 0 {
            problems.push("sweep_poll_ms must be at least 1".to_owned());
        }
        problems
    }

    /// [`Self::blob_grace_hours`] as a duration.
    pub fn blob_grace(&self) -> Duration {
        Duration::from_secs(self.blob_grace_hours.saturating_mul(3600))
    }
}

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database unavailable")]
    Database(#[from] platform::db::DbError),
    /// A setting is out of its range (filing rules, limits).
    #[error("invalid settings: {0}")]
    Settings(String),
    /// `efile migrate` needs the owner role's URL.
    #[error("no owner URL configured (JC_EFILE_DATABASE__OWNER_URL)")]
    NoOwnerUrl,
    #[error("migrating the read models failed")]
    Migrate(#[from] sqlx::Error),
    #[error("blob store unavailable")]
    Blobs(#[from] blobs::BlobError),
    /// Tesseract, its language data or pdftoppm is missing.
    #[error("the sick-note reader cannot run")]
    Reader(#[from] sick_note_reader::ReadError),
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
    "efile.events",
    "efile.documents",
    "efile.document_versions",
    "efile.case_directory",
    "efile.projection_checkpoints",
    "efile_access.events",
];

/// Creates or updates everything the E-Akte keeps in PostgreSQL, with row-level security and
/// grants, through the owner role's pool. Idempotent: run at every start when an owner URL is
/// configured, or once per release by `efile migrate`.
pub async fn install(owner: &PgPool) -> Result<(), StartError> {
    EventLog::install(owner, SCHEMA).await?;
    access_log::AccessLog::install(owner, ACCESS_SCHEMA).await?;
    migrations::run(owner).await?;
    projection::install(owner, SCHEMA).await?;
    Ok(())
}

/// What the reactors need besides the log.
struct Reactors {
    reader: sick_note_reader::Reader,
    blobs: BlobStore,
    rules: Arc<TenantFilingRules>,
    max_document_bytes: u64,
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
    retention: Retention,
    sweeper: Sweeper,
    reactors: Reactors,
    retention_poll: Duration,
    sweep_poll: Duration,
}

impl Application {
    /// Installs through the owner role (`config.database.owner_url`) and closes that
    /// connection: what a migration job runs (`efile migrate`).
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

    /// Same as [`Application::build`], with the time taken from `clock` (tests of retention
    /// move it years ahead).
    pub async fn build_with_clock(
        config: Config,
        listener: TcpListener,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartError> {
        let port = listener.local_addr().map_err(StartError::Listener)?.port();
        // A misconfigured server or nonsense settings stop here, before anything is connected.
        let mut server = GrpcServer::new(&config.server, jobcenter_proto::FILE_DESCRIPTOR_SET);
        server.check()?;
        let problems = config.problems();
        if !problems.is_empty() {
            return Err(StartError::Settings(problems.join("; ")));
        }
        let blobs = BlobStore::from_config(&config.blobs)?;
        let reader = sick_note_reader::Reader::new(config.sick_note_reader.clone());
        reader.check().await?;
        let rules = Arc::new(config.filing.clone());
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
        // Both streams must exist before consumers attach (the case service may start later).
        eventlog::wire::ensure_stream(&js, CASE_SERVICE).await?;
        eventlog::wire::ensure_stream(&js, LOG_NAME).await?;
        let access = access_log::AccessLog::new(pools.worker.clone(), ACCESS_SCHEMA, LOG_NAME)?;
        let server = server
            .with_refusal_recorder(Arc::new(access.clone()))
            .with_authorization(vec![authorization::POLICY]);
        let commands = commands::DocumentCommands::new(log.clone());
        let (reactor_blobs, reactor_rules) = (blobs.clone(), rules.clone());
        let grace = config.blob_grace();
        let retention = Retention::new(
            pools.worker.clone(),
            commands.clone(),
            blobs.clone(),
            rules.clone(),
            clock.clone(),
            grace,
        );
        let sweeper = Sweeper::new(pools.worker.clone(), blobs.clone(), clock.clone(), grace);
        let api = api::EfileApi::new(api::Parts {
            pool: pools.api.clone(),
            log: log.clone(),
            access,
            wait_timeout: Duration::from_millis(config.read_wait_timeout_ms),
            commands,
            blobs,
            rules,
            max_document_bytes: config.max_document_bytes,
            clock,
            retention: retention.clone(),
        });
        let routes = Routes::new(
            EfileServiceServer::new(api).max_decoding_message_size(config.server.max_message_bytes),
        );
        Ok(Self {
            listener,
            port,
            worker: pools.worker,
            log,
            js,
            server,
            routes,
            retention,
            sweeper,
            reactors: Reactors {
                reader,
                blobs: reactor_blobs,
                rules: reactor_rules,
                max_document_bytes: config.max_document_bytes,
            },
            retention_poll: Duration::from_millis(config.retention_poll_ms),
            sweep_poll: Duration::from_millis(config.sweep_poll_ms),
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The E-Akte's log (for tests and tools).
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// The deletion run (for tests and tools; it also runs periodically).
    pub fn retention(&self) -> &Retention {
        &self.retention
    }

    /// The blob sweep (for tests and tools; it also runs periodically).
    pub fn sweeper(&self) -> &Sweeper {
        &self.sweeper
    }

    /// Runs server, relay, projections, deletion run and sweep until `cancel` fires; then
    /// drains and stops.
    pub async fn run_until_stopped(self, cancel: CancellationToken) -> Result<(), StartError> {
        let health = self.server.health();
        let tasks = cancel.child_token();
        let relay = Relay::new(
            self.log.clone(),
            self.js.clone(),
            RelayConfig::new(LOG_NAME),
        );
        let relay = tokio::spawn(relay.run(tasks.clone()));
        let documents = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            LOG_NAME,
            Documents,
        );
        let documents = tokio::spawn(documents.run(tasks.clone()));
        let directory = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            CASE_SERVICE,
            CaseDirectory,
        );
        let directory = tokio::spawn(directory.run(tasks.clone()));
        let commands = commands::DocumentCommands::new(self.log.clone());
        let reader = self.reactors.reader.clone();
        let scans = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            LOG_NAME,
            SickNoteReaderReactor::new(
                commands.clone(),
                self.reactors.blobs.clone(),
                self.reactors.reader,
                self.reactors.rules.clone(),
            ),
        );
        let scans = tokio::spawn(scans.run(tasks.clone()));
        let forms = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            CASE_SERVICE,
            FormSickNotesReactor::new(
                commands.clone(),
                self.reactors.blobs.clone(),
                self.reactors.rules.clone(),
                self.reactors.max_document_bytes,
            ),
        );
        let forms = tokio::spawn(forms.run(tasks.clone()));
        let decisions = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            CASE_SERVICE,
            DecisionLettersReactor::new(
                commands,
                self.reactors.blobs,
                self.reactors.rules,
                self.reactors.max_document_bytes,
            ),
        );
        let decisions = tokio::spawn(decisions.run(tasks.clone()));
        let retention = tokio::spawn(self.retention.run(tasks.clone(), self.retention_poll));
        let sweeper = tokio::spawn(self.sweeper.run(tasks.clone(), self.sweep_poll));
        let serve = tokio::spawn(
            self.server
                .serve(self.listener, self.routes, cancel.clone()),
        );
        health
            .set_serving::<EfileServiceServer<api::EfileApi>>()
            .await;

        let served = serve.await;
        tasks.cancel();
        // Reads not yet started fail at once (their batch is retried after a restart).
        reader.close();
        // Every task is awaited; the first failure (a panic included) is the outcome.
        let mut result = served
            .map_err(StartError::from)
            .and_then(|r| r.map_err(StartError::from));
        for (name, task) in [
            ("documents", documents),
            ("case_directory", directory),
            (reactors::sick_note_reader::NAME, scans),
            (reactors::form_sick_notes::NAME, forms),
            (reactors::decision_letters::NAME, decisions),
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
        for (name, task) in [("retention", retention), ("sweeper", sweeper)] {
            if let Err(error) = task.await {
                tracing::error!(task = name, %error, "task failed");
                result = result.and(Err(StartError::from(error)));
            }
        }
        let relayed = relay
            .await
            .map_err(StartError::from)
            .and_then(|r| r.map_err(StartError::from));
        result.and(relayed)
    }
}

#[cfg(test)]
mod config_tests {
    use super::*;

    #[test]
    fn filing_rules_come_from_the_file_per_jobcenter_and_nonsense_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("efile.toml");
        std::fs::write(
            &path,
            "max_document_bytes = 262144\n\
             [filing.default]\ntags = [\"miete\", \"kdu\"]\n\n\
             [filing.tenants.jc-musterstadt]\ntags = [\"einkommen\"]\n\
             [filing.tenants.jc-musterstadt.retention.payslip]\nstart = \"receipt\"\nyears = 3\n",
        )
        .expect("written");
        let config: Config =
            platform::config::load("JC_EFILE_TEST_NOTHING_", Some(&path)).expect("loads");
        assert_eq!(config.max_document_bytes, 262_144);
        assert_eq!(config.filing.of("jc-other").vocabulary(), ["kdu", "miete"]);
        let apart = config.filing.of("jc-musterstadt");
        assert_eq!(apart.rule(domain::types::DocumentType::Payslip).years, 3);
        assert!(config.problems().is_empty());

        std::fs::write(
            &path,
            "[filing.default.retention.diagnosis]\nstart = \"receipt\"\nyears = 3\n",
        )
        .expect("written");
        let unknown: Result<Config, _> =
            platform::config::load("JC_EFILE_TEST_NOTHING_", Some(&path));
        assert!(unknown.is_err(), "an unknown document type is refused");

        std::fs::write(&path, "[filing.default]\ntags = []\n").expect("written");
        let empty: Config =
            platform::config::load("JC_EFILE_TEST_NOTHING_", Some(&path)).expect("loads");
        assert_eq!(empty.problems(), ["filing.default.tags must not be empty"]);
    }
}
