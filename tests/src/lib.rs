//! What the whole-system tests in `tests/tests/` share: the real service binaries as processes
//! ([`service`], [`binaries`], [`capture`]), the whole platform in development or production
//! mode ([`system`], [`identities`]), callers ([`caller`]), raw gRPC calls ([`raw_grpc`]), the
//! read-access log as an auditor reads it ([`access_records`]), applications to submit
//! ([`fixtures`]), the jobcenters' appointment calendar ([`calendar`]), the notification
//! service's settings ([`notifications`]) and a stand-in OpenTelemetry collector
//! ([`otlp_sink`]).

pub mod access_records;
pub mod binaries;
pub mod calendar;
pub mod caller;
pub mod capture;
pub mod fixtures;
pub mod identities;
pub mod notifications;
pub mod otlp_sink;
/// Raw gRPC calls (the same helpers the services' own tests use).
pub use testkit::raw_grpc;
pub mod service;
pub mod system;

pub use caller::Caller;
pub use fixtures::Person;
pub use service::{Service, ServiceProcess, Settings};
pub use system::{Security, System, SystemOptions};

/// Why the harness could not set up, start, call or stop something.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The service binaries could not be located.
    #[error("service binaries: {0}")]
    Binaries(&'static str),
    /// Building the service binaries failed (the first failure, for every later test too).
    #[error("building the service binaries failed: {0}")]
    Build(String),
    /// Spawning, signalling or waiting for a process, or writing a file, failed.
    #[error("i/o error")]
    Io(#[source] std::io::Error),
    /// A service exited or stalled before it listened; the log's last lines tell why.
    #[error("{binary} did not start listening; its log ends with:\n{log}")]
    NotListening {
        /// The binary.
        binary: &'static str,
        /// The last lines of its output.
        log: String,
    },
    /// A "listening" log line without a usable address.
    #[error("no address in the log line {0}")]
    LogLine(String),
    /// A service did not stop within the timeout after SIGTERM, or could not be signalled.
    #[error("{0} did not stop after SIGTERM")]
    Stop(&'static str),
    /// A service stopped with a failure.
    #[error("{binary} exited with {status}")]
    Exit {
        /// The binary.
        binary: &'static str,
        /// Its exit status.
        status: String,
    },
    /// The test database or NATS server could not be set up.
    #[error("test infrastructure unavailable")]
    Testkit(#[from] testkit::TestkitError),
    /// The test CA or issuer failed.
    #[error("test identities")]
    Identities(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// No URI can be made of a service's address.
    #[error("no URI for the address {0}")]
    Address(std::net::SocketAddr),
    /// A channel could not connect.
    #[error("could not connect")]
    Connect(#[source] tonic::transport::Error),
    /// Something needs production mode's identities, or a certificate, in development mode.
    #[error("only in production mode")]
    NotProduction,
    /// A database query failed.
    #[error("database query failed")]
    Database(#[from] sqlx::Error),
    /// A read-access record is not the documented JSON.
    #[error("a read-access record does not decode: {0}")]
    Record(String),
}

impl HarnessError {
    fn identities(error: impl std::error::Error + Send + Sync + 'static) -> HarnessError {
        HarnessError::Identities(Box::new(error))
    }
}
