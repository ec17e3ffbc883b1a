//! Online applications and notices, validated and accepted idempotently.
//!
//! [`Application::build`] connects PostgreSQL and NATS, installs the event log in schema
//! `intake` through the owner role ([`install`]; or, without an owner URL, checks that a
//! migration job did) and prepares the gRPC server; [`Application::run_until_stopped`] serves
//! and relays the log to JetStream until the cancellation token fires. Reads of submissions go
//! through the api role, one tenant per transaction; the log writer and the relay work as the
//! worker role (`docs/security/row-level-security.md`).

pub mod api;
pub mod authorization;
pub mod domain;
pub mod error;
pub mod form_render;
pub mod plausibility;
pub mod submissions;

use std::sync::Arc;

use access_log::AccessLog;
use eventlog::EventLog;
use eventlog::relay::{Relay, RelayConfig};
use jobcenter_proto::intake::v1::intake_service_server::IntakeServiceServer;
use platform::config::{DatabaseConfig, NatsConfig, ServerConfig, TelemetryConfig};
use platform::grpc::GrpcServer;
use serde::Deserialize;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;

/// PostgreSQL schema of the intake log.
pub const SCHEMA: &str = "intake";
/// PostgreSQL schema of the intake service's read-access log (never relayed).
pub const ACCESS_SCHEMA: &str = "intake_access";
/// Service name of the log on the bus (`EV_INTAKE`, `ev.intake.>`).
pub const SERVICE: &str = "intake";
/// Environment prefix of the settings.
pub const ENV_PREFIX: &str = "JC_INTAKE_";

/// Settings of the intake service (environment `JC_INTAKE_*`, nested with `__`).
#[derive(Debug, Clone, Default, Deserialize)]
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
    /// Per-jobcenter settings of the plausibility checks (postal-code area, absence limit).
    pub plausibility: plausibility::PlausibilityConfig,
    /// Path of an optional TOML file with these settings (`JC_INTAKE_CONFIG_FILE`; only
    /// meaningful in the environment). Default none.
    pub config_file: Option<std::path::PathBuf>,
}

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("database unavailable")]
    Database(#[from] platform::db::DbError),
    /// `intake migrate` needs the owner role's URL.
    #[error("no owner URL configured (JC_INTAKE_DATABASE__OWNER_URL)")]
    NoOwnerUrl,
    #[error("NATS unavailable")]
    Nats(#[from] platform::nats::NatsError),
    #[error("event log could not be installed")]
    EventLog(#[from] eventlog::EventLogError),
    #[error("read-access log unavailable")]
    AccessLog(#[from] access_log::AccessLogError),
    /// The plausibility settings cannot be right.
    #[error("invalid configuration")]
    Plausibility(#[from] plausibility::PlausibilityConfigError),
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
pub const RELATIONS: &[&str] = &["intake.events", "intake_access.events"];

/// Creates or updates everything the intake service keeps in PostgreSQL (its event log, with
/// row-level security and grants) through the owner role's pool. Idempotent: run at every start
/// when an owner URL is configured, or once per release by `intake migrate`.
pub async fn install(owner: &PgPool) -> Result<(), StartError> {
    EventLog::install(owner, SCHEMA).await?;
    AccessLog::install(owner, ACCESS_SCHEMA).await?;
    Ok(())
}

/// The built service, ready to run.
pub struct Application {
    listener: TcpListener,
    port: u16,
    server: GrpcServer,
    routes: Routes,
    relay: Relay,
}

impl Application {
    /// Installs through the owner role (`config.database.owner_url`) and closes that
    /// connection: what a migration job runs (`intake migrate`).
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
        let port = listener.local_addr().map_err(StartError::Listener)?.port();
        config.plausibility.check()?;
        // A misconfigured server (no TLS in production, unreadable certificates) stops here,
        // before anything is connected.
        let mut server = GrpcServer::new(&config.server, jobcenter_proto::FILE_DESCRIPTOR_SET);
        server.check()?;
        // With an owner URL the service installs itself (local runs, tests); without one a
        // migration job has, and the service only checks.
        let pools = platform::db::install_and_connect(
            &config.database,
            |owner| async move { install(&owner).await },
            RELATIONS,
        )
        .await?;
        let access = AccessLog::new(pools.worker.clone(), ACCESS_SCHEMA, SERVICE)?;
        let log = EventLog::new(pools.worker, SCHEMA)?;
        let nats = platform::nats::connect(&config.nats).await?;
        let relay = Relay::new(
            log.clone(),
            async_nats::jetstream::new(nats),
            RelayConfig::new(SERVICE),
        );
        let server = server
            .with_refusal_recorder(Arc::new(access.clone()))
            .with_authorization(vec![authorization::POLICY]);
        let api = IntakeServiceServer::new(api::IntakeApi::new(
            log,
            pools.api,
            access,
            Arc::new(config.plausibility.clone()),
        ))
        .max_decoding_message_size(config.server.max_message_bytes);
        let routes = Routes::new(api);
        Ok(Self {
            listener,
            port,
            server,
            routes,
            relay,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves and relays until `cancel` fires; then drains and stops the relay.
    pub async fn run_until_stopped(self, cancel: CancellationToken) -> Result<(), StartError> {
        let health = self.server.health();
        let relay_cancel = cancel.child_token();
        let relay = tokio::spawn(self.relay.run(relay_cancel.clone()));
        let serve = tokio::spawn(
            self.server
                .serve(self.listener, self.routes, cancel.clone()),
        );
        // Database and NATS were reached in `build`: the service is ready.
        health
            .set_serving::<IntakeServiceServer<api::IntakeApi>>()
            .await;
        let served = serve.await;
        relay_cancel.cancel();
        let relayed = relay.await;
        // Both tasks have ended; the server's outcome comes first, a panic is an error too.
        served??;
        relayed??;
        Ok(())
    }
}
