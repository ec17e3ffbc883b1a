//! The service as it runs: [`Application::build`] connects PostgreSQL and NATS, installs the
//! service's log (schema `notification`, log name `notification`), its read-access log
//! (`notification_access`), its read models, the outbox and the print queue through the owner
//! role ([`install`]; or, without an owner URL, checks that a migration job did), and prepares
//! the gRPC server. [`Application::run_until_stopped`] runs, until the token fires: the gRPC
//! server (`jobcenter.notification.v1.NotificationService`, with health and reflection), the
//! relay of the log to JetStream (`EV_NOTIFICATION`), the read models over the own log
//! ([`crate::projections`]) and the projections of the logs it follows ([`crate::sources`]:
//! `EV_CASE`, `EV_INTAKE`, `EV_EFILE`, `EV_APPOINTMENT`).

use std::sync::Arc;
use std::time::Duration;

use eventlog::relay::{Relay, RelayConfig};
use eventlog::{EventLog, EventLogOptions};
use jobcenter_proto::notification::v1::notification_service_server::NotificationServiceServer;
use platform::grpc::GrpcServer;
use projection::{Projection, ProjectionError, ProjectionRunner};
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;

use crate::api::{self, NotificationApi};
use crate::commands::NotificationCommands;
use crate::compose::Composer;
use crate::delivery::{OutboxWorker, Texts, setup};
use crate::domain::planning::Offered;
use crate::projections::{mailbox::Mailbox, profiles::Profiles};
use crate::settings::Config;
use crate::sources::{appointment, case, efile, intake};
use crate::{ACCESS_SCHEMA, LOG_NAME, SCHEMA, authorization, migrations};

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// PostgreSQL is unreachable or refuses the roles.
    #[error("database unavailable")]
    Database(#[from] platform::db::DbError),
    /// The settings make no sense (every problem listed).
    #[error("invalid settings:\n  {}", .0.join("\n  "))]
    Settings(Vec<String>),
    /// `notification migrate` needs the owner role's URL.
    #[error("no owner URL configured (JC_NOTIFICATION_DATABASE__OWNER_URL)")]
    NoOwnerUrl,
    /// The service's tables could not be installed.
    #[error("migrating the service's tables failed")]
    Migrate(#[from] sqlx::Error),
    /// NATS is unreachable.
    #[error("NATS unavailable")]
    Nats(#[from] platform::nats::NatsError),
    /// A JetStream stream could not be created.
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
    Projection(#[from] ProjectionError),
    /// A task of the service panicked or was aborted.
    #[error("a service task ended abnormally")]
    Task(#[from] tokio::task::JoinError),
    /// The message templates (built-in or a tenant's overrides) do not load.
    #[error("message templates do not load")]
    Templates(#[from] crate::templates::TemplateError),
    /// A delivery channel (push, e-mail) cannot be set up from its settings.
    #[error("a delivery channel cannot be set up")]
    Channels(#[from] crate::delivery::setup::SetupError),
}

/// The built-in templates with the tenants' overrides from `dir`, if any.
pub fn load_templates(
    dir: Option<&std::path::Path>,
) -> Result<crate::templates::Templates, crate::templates::TemplateError> {
    let templates = crate::templates::Templates::embedded()?;
    match dir {
        Some(dir) => templates.with_overrides(dir),
        None => Ok(templates),
    }
}

/// What the running service needs in PostgreSQL; checked at start when it does not install it.
pub const RELATIONS: &[&str] = &[
    "notification.events",
    "notification.profiles",
    "notification.push_subscriptions",
    "notification.messages",
    "notification.deliveries",
    "notification.case_contacts",
    "notification.postal_addresses",
    "notification.appointment_contacts",
    "notification.documents",
    "notification.outbox",
    "notification.print_jobs",
    "notification.projection_checkpoints",
    "notification_access.events",
];

/// The logs of other services the notification service follows (`EV_<LOG>`).
pub const FOLLOWED_LOGS: [&str; 4] = [
    case::SOURCE_LOG,
    intake::SOURCE_LOG,
    efile::SOURCE_LOG,
    appointment::SOURCE_LOG,
];

/// Creates or updates everything the service keeps in PostgreSQL, with row-level security and
/// grants, through the owner role's pool. Idempotent: run at every start when an owner URL is
/// configured, or once per release by `notification migrate`.
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
    composer: Composer,
    outbox: OutboxWorker,
}

impl Application {
    /// Installs through the owner role (`config.database.owner_url`) and closes that
    /// connection: what a migration job runs (`notification migrate`).
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
        // A misconfigured server or tenant stops here, before anything is connected.
        let mut server = GrpcServer::new(&config.server, jobcenter_proto::FILE_DESCRIPTOR_SET);
        server.check()?;
        let problems = config.problems();
        if !problems.is_empty() {
            return Err(StartError::Settings(problems));
        }
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
        // The streams exist before anyone consumes them (the case service may start first, or
        // later than this one).
        eventlog::wire::ensure_stream(&js, LOG_NAME).await?;
        for followed in FOLLOWED_LOGS {
            eventlog::wire::ensure_stream(&js, followed).await?;
        }
        let templates = Arc::new(load_templates(config.templates_dir.as_deref())?);
        let tenants = Arc::new(config.tenants.clone());
        let texts = Texts {
            templates: templates.clone(),
            tenants: tenants.clone(),
        };
        let (channels, push_key) = setup::channels(&config.push, &config.email, texts)?;
        let offered = Offered {
            push: channels.push.is_some(),
            email: channels.email.is_some(),
        };
        let outbox = OutboxWorker::new(log.clone(), channels, config.outbox.clone());
        let access = access_log::AccessLog::new(pools.worker.clone(), ACCESS_SCHEMA, LOG_NAME)?;
        let server = server
            .with_refusal_recorder(Arc::new(access.clone()))
            .with_authorization(vec![authorization::POLICY]);
        let api = NotificationApi::new(api::Parts {
            pool: pools.api.clone(),
            log: log.clone(),
            access,
            commands: NotificationCommands::new(
                log.clone(),
                templates.clone(),
                tenants.clone(),
                offered,
            ),
            tenants: tenants.clone(),
            push_key,
            push_endpoints: config.push.endpoint_rules(),
            wait_timeout: Duration::from_millis(config.read_wait_timeout_ms),
        });
        let routes = Routes::new(
            NotificationServiceServer::new(api)
                .max_decoding_message_size(config.server.max_message_bytes),
        );
        let composer = Composer::new(log.clone(), templates, tenants, offered);
        Ok(Self {
            listener,
            port,
            worker: pools.worker,
            log,
            js,
            server,
            routes,
            composer,
            outbox,
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

    /// A runner of `projection` over the log `source`, spawned until `cancel` fires.
    fn spawn_projection<P: Projection>(
        &self,
        source: &str,
        projection: P,
        cancel: CancellationToken,
    ) -> JoinHandle<Result<(), ProjectionError>> {
        let runner = ProjectionRunner::new(
            self.worker.clone(),
            self.js.clone(),
            SCHEMA,
            source,
            projection,
        );
        tokio::spawn(runner.run(cancel))
    }

    /// Runs the server, the relay and the projections until `cancel` fires; then drains and
    /// stops.
    pub async fn run_until_stopped(self, cancel: CancellationToken) -> Result<(), StartError> {
        let health = self.server.health();
        let tasks = cancel.child_token();
        let relay = Relay::new(
            self.log.clone(),
            self.js.clone(),
            RelayConfig::new(LOG_NAME),
        );
        let relay = tokio::spawn(relay.run(tasks.clone()));
        let composer = self.composer.clone();
        let projections = vec![
            (
                crate::projections::profiles::NAME,
                self.spawn_projection(LOG_NAME, Profiles, tasks.clone()),
            ),
            (
                crate::projections::mailbox::NAME,
                self.spawn_projection(LOG_NAME, Mailbox, tasks.clone()),
            ),
            (
                case::NAME,
                self.spawn_projection(
                    case::SOURCE_LOG,
                    case::CaseSource::new(composer.clone()),
                    tasks.clone(),
                ),
            ),
            (
                intake::NAME,
                self.spawn_projection(
                    intake::SOURCE_LOG,
                    intake::IntakeSource::new(composer.clone()),
                    tasks.clone(),
                ),
            ),
            (
                efile::NAME,
                self.spawn_projection(
                    efile::SOURCE_LOG,
                    efile::EfileSource::new(composer.clone()),
                    tasks.clone(),
                ),
            ),
            (
                appointment::NAME,
                self.spawn_projection(
                    appointment::SOURCE_LOG,
                    appointment::AppointmentSource::new(composer),
                    tasks.clone(),
                ),
            ),
        ];
        // The outbox worker sends what the composer and the commands enqueued.
        let outbox = tokio::spawn(self.outbox.run(tasks.clone()));
        let serve = tokio::spawn(
            self.server
                .serve(self.listener, self.routes, cancel.clone()),
        );
        health
            .set_serving::<NotificationServiceServer<NotificationApi>>()
            .await;

        let served = serve.await;
        tasks.cancel();
        // Every task is awaited; the first failure (a panic included) is the outcome.
        let mut result = served
            .map_err(StartError::from)
            .and_then(|r| r.map_err(StartError::from));
        for (name, task) in projections {
            let outcome = task
                .await
                .map_err(StartError::from)
                .and_then(|r| r.map_err(StartError::from));
            if let Err(error) = &outcome {
                tracing::error!(task = name, %error, "task failed");
            }
            result = result.and(outcome);
        }
        if let Err(error) = outbox.await {
            tracing::error!(task = "outbox", %error, "task failed");
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
