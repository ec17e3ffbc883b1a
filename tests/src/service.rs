//! One real service binary as a child process: configured only through its environment
//! variables, its logs captured whole, its bound addresses read from its first log lines, and
//! stopped the way Kubernetes stops it (SIGTERM, then wait).
//!
//! The environment is cleared first, so nothing of the developer's shell (a stray
//! `JC_CASE_…`) changes what a test runs. Each service listens on port 0 (and its health port,
//! if asked for, too); the harness reads the addresses from the JSON log lines
//! "health-only plaintext port listening" and "gRPC server listening".

use std::net::SocketAddr;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use testkit::{TestDatabase, TestNats};
use tokio::process::{Child, Command};

use crate::HarnessError;
use crate::capture::LogCapture;

/// How long a service may take from spawn to listening.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a service may take to stop after SIGTERM.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections of each of a service's pools (api, worker) in the tests.
const POOL_SIZE: u32 = 4;

/// The platform's services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Service {
    /// `services/intake`.
    Intake,
    /// `services/case`.
    Case,
    /// `services/efile`.
    Efile,
    /// `services/appointment`.
    Appointment,
    /// `services/notification`.
    Notification,
}

impl Service {
    /// All, in start order (case consumes what intake publishes, the E-Akte what case does; the
    /// appointment service's events are taken onto the case by the case service; the
    /// notification service follows all four logs, and the case service its log).
    pub const ALL: [Service; 5] = [
        Service::Intake,
        Service::Case,
        Service::Efile,
        Service::Appointment,
        Service::Notification,
    ];

    /// The binary's name.
    pub fn binary(self) -> &'static str {
        match self {
            Service::Intake => "intake",
            Service::Case => "case",
            Service::Efile => "efile",
            Service::Appointment => "appointment",
            Service::Notification => "notification",
        }
    }

    /// The environment prefix of its settings, e.g. `JC_INTAKE_`.
    pub fn env_prefix(self) -> &'static str {
        match self {
            Service::Intake => intake::ENV_PREFIX,
            Service::Case => case::ENV_PREFIX,
            Service::Efile => efile::ENV_PREFIX,
            Service::Appointment => appointment::ENV_PREFIX,
            Service::Notification => notification::ENV_PREFIX,
        }
    }

    /// The schema of its event log.
    pub fn event_schema(self) -> &'static str {
        match self {
            Service::Intake => intake::SCHEMA,
            Service::Case => case::SCHEMA,
            Service::Efile => efile::SCHEMA,
            Service::Appointment => appointment::SCHEMA,
            Service::Notification => notification::SCHEMA,
        }
    }

    /// The schema of its read-access log.
    pub fn access_schema(self) -> &'static str {
        match self {
            Service::Intake => intake::ACCESS_SCHEMA,
            Service::Case => case::ACCESS_SCHEMA,
            Service::Efile => efile::ACCESS_SCHEMA,
            Service::Appointment => appointment::ACCESS_SCHEMA,
            Service::Notification => notification::ACCESS_SCHEMA,
        }
    }

    /// The full name of its gRPC service, e.g. `jobcenter.case.v1.CaseService`.
    pub fn grpc_service(self) -> &'static str {
        self.policy().service
    }

    /// Its authorization table.
    pub fn policy(self) -> platform::authz::RpcPolicy {
        match self {
            Service::Intake => intake::authorization::POLICY,
            Service::Case => case::authorization::POLICY,
            Service::Efile => efile::authorization::POLICY,
            Service::Appointment => appointment::authorization::POLICY,
            Service::Notification => notification::authorization::POLICY,
        }
    }

    /// Its OIDC audience in the tests (its client id at the issuer).
    pub fn audience(self) -> &'static str {
        match self {
            Service::Intake => "jobcenter-intake",
            Service::Case => "jobcenter-case",
            Service::Efile => "jobcenter-efile",
            Service::Appointment => "jobcenter-appointment",
            Service::Notification => "jobcenter-notification",
        }
    }

    /// Every authorization table of the gRPC services it serves (its main one first).
    pub fn policies(self) -> &'static [platform::authz::RpcPolicy] {
        match self {
            Service::Intake => &[intake::authorization::POLICY],
            Service::Case => &[
                case::authorization::POLICY,
                case::authorization::FEED_POLICY,
            ],
            Service::Efile => &[efile::authorization::POLICY],
            Service::Appointment => &[appointment::authorization::POLICY],
            Service::Notification => &[notification::authorization::POLICY],
        }
    }

    /// The service serving the gRPC service named `grpc_service`, if it is one of ours.
    pub fn serving(grpc_service: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|service| {
            service
                .policies()
                .iter()
                .any(|policy| policy.service == grpc_service)
        })
    }
}

/// Settings of one service as environment variables without the prefix, nested with `__`
/// (`SERVER__MODE` becomes `JC_CASE_SERVER__MODE`). Later entries win.
#[derive(Debug, Clone, Default)]
pub struct Settings(Vec<(String, String)>);

impl Settings {
    /// No settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `key` (e.g. `SERVER__MODE`) to `value`.
    pub fn set(mut self, key: &str, value: impl Into<String>) -> Self {
        self.0.push((key.to_owned(), value.into()));
        self
    }

    /// These settings followed by `other`'s (which win).
    pub fn merged(mut self, other: &Settings) -> Self {
        self.0.extend(other.0.iter().cloned());
        self
    }

    fn iter(&self) -> impl Iterator<Item = &(String, String)> {
        self.0.iter()
    }
}

/// A running service process; killed when dropped, stopped gracefully by [`Self::stop`].
#[derive(Debug)]
pub struct ServiceProcess {
    service: Service,
    child: Child,
    address: SocketAddr,
    health_address: Option<SocketAddr>,
    logs: LogCapture,
    exit: Option<ExitStatus>,
}

impl ServiceProcess {
    /// Starts `service` against `db` (owner, api and worker roles) and `nats`, with JSON logs,
    /// the gRPC port on `127.0.0.1:0`, and `settings` on top. Returns once it listens.
    pub async fn start(
        service: Service,
        db: &TestDatabase,
        nats: &TestNats,
        settings: &Settings,
    ) -> Result<ServiceProcess, HarnessError> {
        let dir = crate::binaries::binary_dir().await?;
        // The three database roles: the owner installs at start, the api role reads one tenant
        // per transaction, the worker writes the log and runs relay and projections.
        let base = Settings::new()
            .set("DATABASE__OWNER_URL", db.owner_url())
            .set("DATABASE__API_URL", db.api_url())
            .set("DATABASE__WORKER_URL", db.worker_url())
            // Small pools: five services with the default ten per pool filled PostgreSQL's 100
            // connections with two systems running at once (nextest runs tests in parallel,
            // and other crates' tests share the server); a refused connection is an INTERNAL
            // answer. Two systems now need at most 2 x 5 x 2 x POOL_SIZE.
            .set("DATABASE__MAX_CONNECTIONS", POOL_SIZE.to_string())
            .set("NATS__URL", nats.url())
            .set("SERVER__GRPC_ADDR", "127.0.0.1:0")
            .set("TELEMETRY__LOG_FORMAT", "json")
            .set("TELEMETRY__LOG_FILTER", "info")
            .merged(settings);
        let mut command = Command::new(dir.join(service.binary()));
        command.env_clear().env("RUST_BACKTRACE", "1");
        for (key, value) in base.iter() {
            command.env(format!("{}{key}", service.env_prefix()), value);
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(HarnessError::Io)?;
        let (logs, mut lines) = LogCapture::attach(&mut child);
        let listening = tokio::time::timeout(START_TIMEOUT, async {
            let mut health_address = None;
            while let Some(line) = lines.recv().await {
                if line.contains("health-only plaintext port listening") {
                    health_address = Some(address_in(&line)?);
                } else if line.contains("gRPC server listening") {
                    return Ok(Some((address_in(&line)?, health_address)));
                }
            }
            Ok::<_, HarnessError>(None)
        })
        .await;
        let (address, health_address) = match listening {
            Ok(Ok(Some(addresses))) => addresses,
            Ok(Err(error)) => return Err(error),
            Ok(Ok(None)) | Err(_) => {
                let _ = child.start_kill();
                let _ = child.wait().await;
                let mut logs = logs;
                logs.finish().await;
                return Err(HarnessError::NotListening {
                    binary: service.binary(),
                    log: tail(&logs.text()),
                });
            }
        };
        Ok(ServiceProcess {
            service,
            child,
            address,
            health_address,
            logs,
            exit: None,
        })
    }

    /// Which service this is.
    pub fn service(&self) -> Service {
        self.service
    }

    /// The gRPC port's address.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The plaintext health port's address, when `SERVER__HEALTH_ADDR` was set.
    pub fn health_address(&self) -> Option<SocketAddr> {
        self.health_address
    }

    /// Everything the process wrote to stdout and stderr so far (complete after [`Self::stop`]).
    pub fn logs(&self) -> String {
        self.logs.text()
    }

    /// Sends SIGTERM, waits for the process to exit (so it drains and flushes telemetry) and for
    /// its output to close. Idempotent: a stopped service answers its first exit status.
    pub async fn stop(&mut self) -> Result<ExitStatus, HarnessError> {
        if let Some(status) = self.exit {
            return Ok(status);
        }
        if let Some(pid) = self.child.id() {
            let sent = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await
                .map_err(HarnessError::Io)?;
            if !sent.success() {
                return Err(HarnessError::Stop(self.service.binary()));
            }
        }
        let status = match tokio::time::timeout(STOP_TIMEOUT, self.child.wait()).await {
            Ok(status) => status.map_err(HarnessError::Io)?,
            Err(_) => {
                let _ = self.child.kill().await;
                return Err(HarnessError::Stop(self.service.binary()));
            }
        };
        self.logs.finish().await;
        self.exit = Some(status);
        Ok(status)
    }
}

/// The address field of a JSON log line (in `fields` with tracing-subscriber's layout).
fn address_in(line: &str) -> Result<SocketAddr, HarnessError> {
    let json: serde_json::Value =
        serde_json::from_str(line.trim()).map_err(|_| HarnessError::LogLine(line.to_owned()))?;
    json["fields"]["address"]
        .as_str()
        .or_else(|| json["address"].as_str())
        .and_then(|address| address.parse().ok())
        .ok_or_else(|| HarnessError::LogLine(line.to_owned()))
}

/// The last lines of a log, for an error message.
fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}
