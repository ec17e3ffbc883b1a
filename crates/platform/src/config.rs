//! Layered configuration: serde defaults, then an optional TOML file, then environment variables.
//!
//! Every service has one environment prefix (for example `JC_INTAKE_`); nested keys are separated
//! by `__`, so `JC_INTAKE_SERVER__GRPC_ADDR=0.0.0.0:50051` sets `server.grpc_addr`. This is the only
//! place in the platform that reads the process environment: everything else receives its
//! settings as values, which keeps tests free of `std::env::set_var`.
//!
//! The reusable sections below ([`ServerConfig`], [`DatabaseConfig`], [`NatsConfig`],
//! [`TelemetryConfig`]) document each setting with its default. Secrets (the database URLs with
//! their passwords) come from the environment or a file and are redacted from `Debug` output.

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

/// The gRPC server: where it listens, how it proves itself and how it authenticates callers.
///
/// See `docs/security/transport.md` for every setting and the certificate profiles.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address to listen on. Default `127.0.0.1:50051`.
    pub grpc_addr: SocketAddr,
    /// Address of a plaintext port that serves only `grpc.health.v1`, for probes that cannot
    /// present certificates (the kubelet). Default none: no such port.
    pub health_addr: Option<SocketAddr>,
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
    /// `production` or `development`. Default `production`: TLS on the gRPC port and at least
    /// one of `oidc` or `tls.client_ca_file` are required, or the server refuses to start.
    pub mode: SecurityMode,
    /// TLS of the gRPC port and client certificates (mTLS).
    pub tls: TlsConfig,
    /// OIDC access tokens accepted as `authorization: Bearer <jwt>`. Default none: no tokens.
    pub oidc: Option<crate::auth::oidc::OidcConfig>,
    /// The request rate per tenant (see [`crate::limits::RateLimitConfig`]). Default 500/s,
    /// bursts of 1000.
    pub rate_limit: crate::limits::RateLimitConfig,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            grpc_addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 50051)),
            health_addr: None,
            drain_timeout_ms: 10_000,
            request_timeout_ms: 30_000,
            max_message_bytes: 4 * 1024 * 1024,
            max_concurrent_streams: 256,
            concurrency_limit_per_connection: 256,
            mode: SecurityMode::Production,
            tls: TlsConfig::default(),
            oidc: None,
            rate_limit: crate::limits::RateLimitConfig::default(),
        }
    }
}

impl ServerConfig {
    /// The defaults in development mode: plaintext, development identities accepted.
    /// For tests and the local demo only.
    pub fn development() -> Self {
        Self {
            mode: SecurityMode::Development,
            ..Self::default()
        }
    }

    /// [`Self::drain_timeout_ms`] as a duration.
    pub fn drain_timeout(&self) -> Duration {
        Duration::from_millis(self.drain_timeout_ms)
    }

    /// [`Self::request_timeout_ms`] as a duration.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }
}

/// How strictly the server treats its transport and its callers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SecurityMode {
    /// TLS required; callers authenticate by token or client certificate only (default).
    #[default]
    Production,
    /// Plaintext allowed, and development identities (`x-jc-tenant`, `x-jc-subject`,
    /// `x-jc-roles` metadata) are trusted without proof. Never outside tests and local demos.
    Development,
}

/// TLS of the gRPC port (rustls) and the client certificates it accepts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM file with the server's certificate chain, leaf first. Default none (then the port
    /// speaks plaintext, allowed only in development mode).
    pub cert_file: Option<PathBuf>,
    /// PEM file with the server's private key (PKCS#8, PKCS#1 or SEC1). Default none.
    pub key_file: Option<PathBuf>,
    /// PEM file with the CA certificate(s) that issue partner and service client certificates.
    /// Default none: client certificates are not asked for.
    pub client_ca_file: Option<PathBuf>,
    /// Refuse connections without a client certificate at the handshake. Default `false`, so
    /// that callers with only a token can connect.
    pub require_client_certificate: bool,
    /// The SPIFFE trust domain of client certificates (`spiffe://<trust_domain>/tenant/..`).
    /// Required with `client_ca_file`. Default none.
    pub trust_domain: Option<String>,
    /// How long a TLS handshake may take, in ms. Default 10000.
    pub handshake_timeout_ms: u64,
}

impl Default for TlsConfig {
    fn default() -> Self {
        Self {
            cert_file: None,
            key_file: None,
            client_ca_file: None,
            require_client_certificate: false,
            trust_domain: None,
            handshake_timeout_ms: 10_000,
        }
    }
}

impl TlsConfig {
    /// [`Self::handshake_timeout_ms`] as a duration.
    pub fn handshake_timeout(&self) -> Duration {
        Duration::from_millis(self.handshake_timeout_ms)
    }
}

/// The PostgreSQL connections of a service, one per database role (see [`crate::db`] and
/// `docs/security/row-level-security.md`). The URLs are secrets (they may hold passwords): set
/// them from the environment or a file; `Debug` shows only whether each is set.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// URL of the owner role (`jobcenter_owner`), which installs and migrates the service's
    /// schema at start and is closed afterwards. Default none: a migration job runs
    /// `<service> migrate` with it, and the service only checks that its tables are there.
    pub owner_url: Option<String>,
    /// URL of the api role (`jobcenter_api`): the request path, which reads one tenant's rows
    /// per transaction. Default `postgres://jobcenter_api@localhost:5432/jobcenter`.
    pub api_url: String,
    /// URL of the worker role (`jobcenter_worker`): the event log writer, the relay, projections
    /// and reactors, which handle every tenant. Default
    /// `postgres://jobcenter_worker@localhost:5432/jobcenter`.
    pub worker_url: String,
    /// Size of each pool (api and worker). Default 10.
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
            owner_url: None,
            api_url: "postgres://jobcenter_api@localhost:5432/jobcenter".to_owned(),
            worker_url: "postgres://jobcenter_worker@localhost:5432/jobcenter".to_owned(),
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
            .field("owner_url", &self.owner_url.as_ref().map(|_| "<redacted>"))
            .field("api_url", &"<redacted>")
            .field("worker_url", &"<redacted>")
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
    fn the_server_defaults_to_production_mode_and_reads_its_security_settings() {
        figment::Jail::expect_with(|jail| {
            let cfg: TestConfig = load("JC_TEST_", None).map_err(|e| e.to_string())?;
            assert_eq!(cfg.server.mode, SecurityMode::Production);
            assert_eq!(cfg.server.tls, TlsConfig::default());
            assert_eq!(cfg.server.tls.handshake_timeout_ms, 10_000);
            assert!(!cfg.server.tls.require_client_certificate);
            assert_eq!(cfg.server.oidc, None);
            assert_eq!(cfg.server.health_addr, None);

            jail.set_env("JC_TEST_SERVER__MODE", "development");
            jail.set_env("JC_TEST_SERVER__HEALTH_ADDR", "0.0.0.0:8081");
            jail.set_env("JC_TEST_SERVER__TLS__CERT_FILE", "/etc/jc/tls.crt");
            jail.set_env("JC_TEST_SERVER__TLS__KEY_FILE", "/etc/jc/tls.key");
            jail.set_env(
                "JC_TEST_SERVER__TLS__CLIENT_CA_FILE",
                "/etc/jc/partners.crt",
            );
            jail.set_env("JC_TEST_SERVER__TLS__REQUIRE_CLIENT_CERTIFICATE", "true");
            jail.set_env("JC_TEST_SERVER__TLS__TRUST_DOMAIN", "jobcenter.example");
            jail.set_env(
                "JC_TEST_SERVER__OIDC__ISSUER",
                "https://id.example/realms/jc",
            );
            let cfg: TestConfig = load("JC_TEST_", None).map_err(|e| e.to_string())?;
            assert_eq!(cfg.server.mode, SecurityMode::Development);
            assert_eq!(
                cfg.server.health_addr.map(|a| a.to_string()).as_deref(),
                Some("0.0.0.0:8081")
            );
            let tls = &cfg.server.tls;
            assert_eq!(tls.cert_file.as_deref(), Some(Path::new("/etc/jc/tls.crt")));
            assert_eq!(tls.key_file.as_deref(), Some(Path::new("/etc/jc/tls.key")));
            assert_eq!(
                tls.client_ca_file.as_deref(),
                Some(Path::new("/etc/jc/partners.crt"))
            );
            assert!(tls.require_client_certificate);
            assert_eq!(tls.trust_domain.as_deref(), Some("jobcenter.example"));
            assert_eq!(
                cfg.server.oidc.and_then(|oidc| oidc.issuer).as_deref(),
                Some("https://id.example/realms/jc")
            );

            jail.set_env("JC_TEST_SERVER__MODE", "insecure");
            assert!(matches!(
                load::<TestConfig>("JC_TEST_", None),
                Err(ConfigError::Invalid(_))
            ));
            Ok(())
        });
    }

    #[test]
    fn the_removed_dev_identities_flag_is_refused() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("JC_TEST_SERVER__DEV_IDENTITIES", "true");
            assert!(matches!(
                load::<TestConfig>("JC_TEST_", None),
                Err(ConfigError::Invalid(_))
            ));
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
    fn debug_output_hides_the_database_urls() {
        let cfg = DatabaseConfig {
            owner_url: Some("postgres://owner:secret-o@db/jc".to_owned()),
            api_url: "postgres://api:secret-a@db/jc".to_owned(),
            worker_url: "postgres://worker:secret-w@db/jc".to_owned(),
            ..DatabaseConfig::default()
        };
        let debug = format!("{cfg:?}");
        assert!(!debug.contains("secret"), "{debug}");
    }
}
