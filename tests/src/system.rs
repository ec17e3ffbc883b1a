//! The whole platform for one test: a fresh database, a private NATS server, and the `intake`,
//! `case`, `efile`, `appointment` and `notification` binaries (the E-Akte's blobs in a temporary
//! directory; an SMTP sink and a push endpoint the notification service delivers to) — in
//! development mode (plaintext, development identities) or production mode (TLS, tokens of a
//! test issuer, partner certificates of a test CA, a health port).

use std::net::SocketAddr;

use jobcenter_proto::appointment::v1::appointment_service_client::AppointmentServiceClient;
use jobcenter_proto::case::v1::case_service_client::CaseServiceClient;
use jobcenter_proto::efile::v1::efile_service_client::EfileServiceClient;
use jobcenter_proto::intake::v1::intake_service_client::IntakeServiceClient;
use jobcenter_proto::notification::v1::notification_service_client::NotificationServiceClient;
use test_identities::ca::IssuedCertificate;
use testkit::push::PushEndpoint;
use testkit::smtp::SmtpSink;
use testkit::{TestDatabase, TestNats};
use tonic::transport::Channel;

use crate::HarnessError;
use crate::identities::Identities;
use crate::notifications::NotificationFiles;
use crate::service::{Service, ServiceProcess, Settings};

/// How the services are secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Security {
    /// `server.mode = development`: plaintext, development identities trusted.
    #[default]
    Development,
    /// `server.mode = production` with [`Identities`]: TLS, tokens, partner certificates.
    Production,
}

/// How to start a [`System`].
#[derive(Debug, Clone, Default)]
pub struct SystemOptions {
    /// Development or production mode.
    pub security: Security,
    /// Settings for every service, applied last (e.g. `TELEMETRY__LOG_FILTER`).
    pub settings: Settings,
}

/// A running platform; everything stops when it is dropped.
pub struct System {
    intake: ServiceProcess,
    case: ServiceProcess,
    efile: ServiceProcess,
    appointment: ServiceProcess,
    notification: ServiceProcess,
    /// The E-Akte's blob store (local file system).
    blobs: tempfile::TempDir,
    /// The appointment service's settings file (the calendars, [`crate::calendar`]); kept
    /// until the system is dropped.
    _calendars: tempfile::TempDir,
    /// The notification service's settings and VAPID key ([`crate::notifications`]).
    notification_files: NotificationFiles,
    /// The relay the notification service sends e-mail hints through.
    smtp: SmtpSink,
    /// A browser's push service, for an applicant to subscribe with.
    push: PushEndpoint,
    identities: Option<Identities>,
    nats: TestNats,
    db: TestDatabase,
}

impl std::fmt::Debug for System {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("System")
            .field("intake", &self.intake)
            .field("case", &self.case)
            .field("efile", &self.efile)
            .field("appointment", &self.appointment)
            .field("notification", &self.notification)
            .field("database", &self.db.name())
            .finish_non_exhaustive()
    }
}

impl System {
    /// Every service in development mode.
    pub async fn development() -> Result<System, HarnessError> {
        System::start(SystemOptions::default()).await
    }

    /// Every service in production mode, with fresh test identities.
    pub async fn production() -> Result<System, HarnessError> {
        System::start(SystemOptions {
            security: Security::Production,
            ..SystemOptions::default()
        })
        .await
    }

    /// Starts a database, NATS, an SMTP sink, a push endpoint and every service as `options`
    /// say.
    pub async fn start(options: SystemOptions) -> Result<System, HarnessError> {
        let db = TestDatabase::create().await?;
        let nats = TestNats::start().await?;
        let identities = match options.security {
            Security::Development => None,
            Security::Production => Some(Identities::new().await?),
        };
        let settings = |service: Service| {
            let mode = match &identities {
                None => Settings::new().set("SERVER__MODE", "development"),
                Some(identities) => identities.settings(service),
            };
            mode.merged(&options.settings)
        };
        let intake =
            ServiceProcess::start(Service::Intake, &db, &nats, &settings(Service::Intake)).await?;
        let case =
            ServiceProcess::start(Service::Case, &db, &nats, &settings(Service::Case)).await?;
        let blobs = tempfile::tempdir().map_err(HarnessError::Io)?;
        let efile_settings = Settings::new()
            .set("BLOBS__LOCAL_ROOT", blobs.path().display().to_string())
            .merged(&settings(Service::Efile));
        let efile = ServiceProcess::start(Service::Efile, &db, &nats, &efile_settings).await?;
        let calendars = tempfile::tempdir().map_err(HarnessError::Io)?;
        let calendar_file = calendars.path().join("appointment.toml");
        std::fs::write(&calendar_file, crate::calendar::settings_toml())
            .map_err(HarnessError::Io)?;
        let appointment_settings = Settings::new()
            .set("CONFIG_FILE", calendar_file.display().to_string())
            .merged(&settings(Service::Appointment));
        let appointment =
            ServiceProcess::start(Service::Appointment, &db, &nats, &appointment_settings).await?;
        let smtp = SmtpSink::start().await?;
        let push = PushEndpoint::start().await?;
        let notification_files = NotificationFiles::write(smtp.port())?;
        let notification_settings = Settings::new()
            .set(
                "CONFIG_FILE",
                notification_files.config_file().display().to_string(),
            )
            .merged(&settings(Service::Notification));
        let notification =
            ServiceProcess::start(Service::Notification, &db, &nats, &notification_settings)
                .await?;
        Ok(System {
            intake,
            case,
            efile,
            appointment,
            notification,
            blobs,
            _calendars: calendars,
            notification_files,
            smtp,
            push,
            identities,
            nats,
            db,
        })
    }

    /// The service process of `service`.
    pub fn process(&self, service: Service) -> &ServiceProcess {
        match service {
            Service::Intake => &self.intake,
            Service::Case => &self.case,
            Service::Efile => &self.efile,
            Service::Appointment => &self.appointment,
            Service::Notification => &self.notification,
        }
    }

    /// The gRPC address of `service`.
    pub fn address(&self, service: Service) -> SocketAddr {
        self.process(service).address()
    }

    /// The database (its `pool()` is the administrator's, for inspecting what the services did).
    pub fn db(&self) -> &TestDatabase {
        &self.db
    }

    /// The NATS server.
    pub fn nats(&self) -> &TestNats {
        &self.nats
    }

    /// The test CA and issuer, in production mode.
    pub fn identities(&self) -> Result<&Identities, HarnessError> {
        self.identities.as_ref().ok_or(HarnessError::NotProduction)
    }

    /// A channel to `service`: plaintext in development mode; TLS trusting the test CA in
    /// production mode, presenting `client` (a certificate is refused in development mode).
    pub async fn channel(
        &self,
        service: Service,
        client: Option<&IssuedCertificate>,
    ) -> Result<Channel, HarnessError> {
        let address = self.address(service);
        match (&self.identities, client) {
            (Some(identities), client) => identities.channel(address, client).await,
            (None, None) => Channel::from_shared(format!("http://{address}"))
                .map_err(|_| HarnessError::Address(address))?
                .connect()
                .await
                .map_err(HarnessError::Connect),
            (None, Some(_)) => Err(HarnessError::NotProduction),
        }
    }

    /// An intake client (see [`Self::channel`]).
    pub async fn intake(
        &self,
        client: Option<&IssuedCertificate>,
    ) -> Result<IntakeServiceClient<Channel>, HarnessError> {
        Ok(IntakeServiceClient::new(
            self.channel(Service::Intake, client).await?,
        ))
    }

    /// A case client (see [`Self::channel`]).
    pub async fn cases(
        &self,
        client: Option<&IssuedCertificate>,
    ) -> Result<CaseServiceClient<Channel>, HarnessError> {
        Ok(CaseServiceClient::new(
            self.channel(Service::Case, client).await?,
        ))
    }

    /// An E-Akte client (see [`Self::channel`]).
    pub async fn efile(
        &self,
        client: Option<&IssuedCertificate>,
    ) -> Result<EfileServiceClient<Channel>, HarnessError> {
        Ok(EfileServiceClient::new(
            self.channel(Service::Efile, client).await?,
        ))
    }

    /// An appointment client (see [`Self::channel`]).
    pub async fn appointments(
        &self,
        client: Option<&IssuedCertificate>,
    ) -> Result<AppointmentServiceClient<Channel>, HarnessError> {
        Ok(AppointmentServiceClient::new(
            self.channel(Service::Appointment, client).await?,
        ))
    }

    /// A notification client (see [`Self::channel`]).
    pub async fn notifications(
        &self,
        client: Option<&IssuedCertificate>,
    ) -> Result<NotificationServiceClient<Channel>, HarnessError> {
        Ok(NotificationServiceClient::new(
            self.channel(Service::Notification, client).await?,
        ))
    }

    /// The SMTP relay the notification service sends its e-mail hints to: what arrived.
    pub fn smtp_sink(&self) -> &SmtpSink {
        &self.smtp
    }

    /// A browser's push service and the browser in one: register its
    /// [`PushEndpoint::endpoint_url`] with its keys, then read what arrived, decrypted.
    pub fn push_endpoint(&self) -> &PushEndpoint {
        &self.push
    }

    /// The VAPID public key the notification service signs its pushes with (base64url).
    pub fn vapid_public_key(&self) -> &str {
        self.notification_files.vapid_public_key()
    }

    /// The E-Akte's blob directory.
    pub fn blob_root(&self) -> &std::path::Path {
        self.blobs.path()
    }

    /// Stops the services with SIGTERM (consumers first: notifications, appointments, the
    /// E-Akte, then case, then intake) and waits until they exited and their logs are complete.
    /// Fails if one exits unsuccessfully.
    pub async fn stop(&mut self) -> Result<(), HarnessError> {
        for process in [
            &mut self.notification,
            &mut self.appointment,
            &mut self.efile,
            &mut self.case,
            &mut self.intake,
        ] {
            let status = process.stop().await?;
            if !status.success() {
                return Err(HarnessError::Exit {
                    binary: process.service().binary(),
                    status: status.to_string(),
                });
            }
        }
        Ok(())
    }
}
