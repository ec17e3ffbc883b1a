//! Layered configuration: serde defaults, then an optional TOML file, then environment variables.
//!
//! Every service has one environment prefix (for example `JC_INTAKE_`); nested keys are separated
//! by `__`, so `JC_INTAKE_SERVER__GRPC_ADDR=0.0.0.0:50051` sets `server.grpc_addr`. This is the only
//! place in the platform that reads the process environment: everything else receives its
//! settings as values, which keeps tests free of `std::env::set_var`.
//!
//! The reusable sections below ([`ServerConfig`], [`DatabaseConfig`], [`NatsConfig`],
//! [`TelemetryConfig`]) document each setting with its default. Secrets (the database URL with its
//! password) come from the environment or a file and are redacted from `Debug` output.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// Why configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A configuration file was named but does not exist.
    #[error("configuration file {0} does not exist")]
    FileMissing(PathBuf),
    /// A source could not be read or a value did not fit its setting.
    #[error("invalid configuration")]
    Invalid(#[source] Box<figment::Error>),
}

impl From<figment::Error> for ConfigError {
    fn from(error: figment::Error) -> Self {
        ConfigError::Invalid(Box::new(error))
    }
}

/// The figment behind [`load`]: serde defaults (from `#[serde(default)]` on `T`), then the TOML
/// `file` if given, then environment variables starting with `env_prefix` (nested with `__`).
///
/// Use this to add further sources before extracting.
pub fn figment(env_prefix: &str, file: Option<&Path>) -> Result<Figment, ConfigError> {
    let mut figment = Figment::new();
    if let Some(path) = file {
        if !path.is_file() {
            return Err(ConfigError::FileMissing(path.to_path_buf()));
        }
        figment = figment.merge(Toml::file_exact(path));
    }
    Ok(figment.merge(Env::prefixed(env_prefix).split("__")))
}

/// Loads `T` from its serde defaults, the optional TOML `file` and the environment variables
/// with `env_prefix` (later sources win).
pub fn load<T: DeserializeOwned>(env_prefix: &str, file: Option<&Path>) -> Result<T, ConfigError> {
    Ok(figment(env_prefix, file)?.extract()?)
}

/// The gRPC server: where it listens and how it treats its callers.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on. Default `127.0.0.1:50051`.
    pub grpc_addr: SocketAddr,
    /// How long in-flight calls may run after shutdown began, in ms. Default 10000.
    pub drain_timeout_ms: u64,
    /// Server-side deadline for a unary call (and for a stream's first response), in ms.
    /// A shorter `grpc-timeout` from the client wins. Default 30000.
    pub request_timeout_ms: u64,
    /// Largest accepted request message, in bytes. Default 4 MiB.
    pub max_message_bytes: usize,
    /// Concurrent HTTP/2 streams per connection. Default 256.
    pub max_concurrent_streams: u32,
    /// Requests handled concurrently per connection; more wait. Default 256.
    pub concurrency_limit_per_connection: usize,
    /// Accept development identities from `x-jc-*` metadata (see [`crate::caller`]).
    /// Default `true` until OIDC/mTLS exist; with `false` every call is `UNAUTHENTICATED`.
    pub dev_identities: bool,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            grpc_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 50051)),
            drain_timeout_ms: 10_000,
            request_timeout_ms: 30_000,
            max_message_bytes: 4 * 1024 * 1024,
            max_concurrent_streams: 256,
            concurrency_limit_per_connection: 256,
            dev_identities: true,
        }
    }
}

impl ServerConfig {
    /// [`Self::drain_timeout_ms`] as a duration.
    pub fn drain_timeout(&self) -> Duration {
        Duration::from_millis(self.drain_timeout_ms)
    }

    /// [`Self::request_timeout_ms`] as a duration.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }
}

/// The PostgreSQL pool of a service (see [`crate::db`]).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// Connection URL (a secret: it may hold the password). Default
    /// `postgres://localhost:5432/jobcenter`.
    pub url: String,
    /// Pool size. Default 10.
    pub max_connections: u32,
    /// How long to wait for a free pooled connection, in ms. Default 5000.
    pub acquire_timeout_ms: u64,
    /// `statement_timeout` set on every connection, in ms (0 = none). Default 30000.
    pub statement_timeout_ms: u64,
    /// `idle_in_transaction_session_timeout` on every connection, in ms (0 = none); it keeps an
    /// abandoned transaction from holding back the log's read horizon. Default 60000.
    pub idle_in_transaction_timeout_ms: u64,
    /// How long [`crate::db::wait_until_ready`] keeps retrying at start-up, in ms. Default 30000.
    pub ready_timeout_ms: u64,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "postgres://localhost:5432/jobcenter".to_owned(),
            max_connections: 10,
            acquire_timeout_ms: 5_000,
            statement_timeout_ms: 30_000,
            idle_in_transaction_timeout_ms: 60_000,
            ready_timeout_ms: 30_000,
        }
    }
}

impl fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &"<redacted>")
            .field("max_connections", &self.max_connections)
            .field("acquire_timeout_ms", &self.acquire_timeout_ms)
            .field("statement_timeout_ms", &self.statement_timeout_ms)
            .field(
                "idle_in_transaction_timeout_ms",
                &self.idle_in_transaction_timeout_ms,
            )
            .field("ready_timeout_ms", &self.ready_timeout_ms)
            .finish()
    }
}

/// The NATS connection of a service (see [`crate::nats`]).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NatsConfig {
    /// Server URL(s), comma separated (a secret if it holds credentials). Default
    /// `nats://127.0.0.1:4222`.
    pub url: String,
    /// How long [`crate::nats::connect`] keeps retrying the first connect, in ms. Default 30000.
    pub ready_timeout_ms: u64,
}

impl Default for NatsConfig {
    fn default() -> Self {
        Self {
            url: "nats://127.0.0.1:4222".to_owned(),
            ready_timeout_ms: 30_000,
        }
    }
}

impl fmt::Debug for NatsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NatsConfig")
            .field("url", &"<redacted>")
            .field("ready_timeout_ms", &self.ready_timeout_ms)
            .finish()
    }
}

/// Output format of the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines (default).
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Logs and traces (see [`crate::telemetry`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelemetryConfig {
    /// OTLP/gRPC collector endpoint, e.g. `http://otel-collector:4317`. Default none: no export.
    pub otlp_endpoint: Option<String>,
    /// `text` or `json`. Default `text`.
    pub log_format: LogFormat,
    /// `tracing` filter directives (`EnvFilter` syntax). Default `info`.
    pub log_filter: String,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            otlp_endpoint: None,
            log_format: LogFormat::Text,
            log_filter: "info".to_owned(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment::Jail's closures return figment::Error
mod tests {
    use super::*;

    #[derive(Debug, Default, Deserialize)]
    #[serde(default)]
    struct TestConfig {
        server: ServerConfig,
        database: DatabaseConfig,
        nats: NatsConfig,
        telemetry: TelemetryConfig,
    }

    #[test]
    fn defaults_apply_without_file_or_environment() {
        figment::Jail::expect_with(|_jail| {
            let cfg: TestConfig = load("JC_TEST_", None).map_err(|e| e.to_string())?;
            assert_eq!(cfg.server, ServerConfig::default());
            assert_eq!(cfg.server.grpc_addr.to_string(), "127.0.0.1:50051");
            assert_eq!(cfg.server.drain_timeout_ms, 10_000);
            assert_eq!(cfg.telemetry.log_filter, "info");
            assert_eq!(cfg.nats, NatsConfig::default());
            assert_eq!(cfg.database, DatabaseConfig::default());
            Ok(())
        });
    }

    #[test]
    fn environment_overrides_file_overrides_default() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "service.toml",
                r#"
                [server]
                grpc_addr = "0.0.0.0:6000"
                drain_timeout_ms = 500

                [telemetry]
                log_format = "json"
                log_filter = "debug"
                "#,
            )?;
            jail.set_env("JC_TEST_SERVER__GRPC_ADDR", "0.0.0.0:7000");
            jail.set_env("JC_TEST_DATABASE__MAX_CONNECTIONS", "3");
            jail.set_env("JC_TEST_TELEMETRY__OTLP_ENDPOINT", "http://collector:4317");
            jail.set_env("OTHER_SERVER__GRPC_ADDR", "0.0.0.0:8000");

            let cfg: TestConfig =
                load("JC_TEST_", Some(Path::new("service.toml"))).map_err(|e| e.to_string())?;
            // environment over file
            assert_eq!(cfg.server.grpc_addr.to_string(), "0.0.0.0:7000");
            // file over default
            assert_eq!(cfg.server.drain_timeout_ms, 500);
            assert_eq!(cfg.telemetry.log_format, LogFormat::Json);
            assert_eq!(cfg.telemetry.log_filter, "debug");
            // environment over default
            assert_eq!(cfg.database.max_connections, 3);
            assert_eq!(
                cfg.telemetry.otlp_endpoint.as_deref(),
                Some("http://collector:4317")
            );
            // default where nothing is set
            assert_eq!(cfg.server.request_timeout_ms, 30_000);
            assert_eq!(cfg.nats.url, "nats://127.0.0.1:4222");
            Ok(())
        });
    }

    #[test]
    fn a_named_file_that_is_missing_is_an_error() {
        figment::Jail::expect_with(|_jail| {
            let result = load::<TestConfig>("JC_TEST_", Some(Path::new("missing.toml")));
            assert!(matches!(result, Err(ConfigError::FileMissing(_))));
            Ok(())
        });
    }

    #[test]
    fn a_value_of_the_wrong_type_is_an_error() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("JC_TEST_SERVER__GRPC_ADDR", "not an address");
            let result = load::<TestConfig>("JC_TEST_", None);
            assert!(matches!(result, Err(ConfigError::Invalid(_))));
            Ok(())
        });
    }

    #[test]
    fn debug_output_hides_the_database_url() {
        let cfg = DatabaseConfig {
            url: "postgres://app:secret@db/jc".to_owned(),
            ..DatabaseConfig::default()
        };
        assert!(!format!("{cfg:?}").contains("secret"));
    }
}
