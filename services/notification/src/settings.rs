//! The settings of the notification service (environment `JC_NOTIFICATION_*`, nested with
//! `__`, over an optional TOML file; every setting with its default in
//! docs/notification/service.md, "Settings").

use std::collections::BTreeMap;

use platform::config::{DatabaseConfig, NatsConfig, ServerConfig, TelemetryConfig};
use serde::Deserialize;

use crate::templates::LANGUAGES;

/// The default gRPC port.
pub const DEFAULT_GRPC_PORT: u16 = 50055;

/// Settings of the notification service.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// gRPC server. Default address `127.0.0.1:50055`.
    pub server: ServerConfig,
    /// PostgreSQL.
    pub database: DatabaseConfig,
    /// NATS.
    pub nats: NatsConfig,
    /// Logs and traces.
    pub telemetry: TelemetryConfig,
    /// How long a call with a position token waits for the read model, in ms. Default 5000.
    pub read_wait_timeout_ms: u64,
    /// Each jobcenter's settings (`tenants.<tenant id>`). A tenant without an entry gets
    /// [`TenantSettings::default`]. Default: none.
    pub tenants: BTreeMap<String, TenantSettings>,
    /// Web Push to the applicants' app ([`PushSettings`]). Default off.
    pub push: PushSettings,
    /// E-mail hints ([`EmailSettings`]). Default off.
    pub email: EmailSettings,
    /// The outbox worker: polling, leases and the retry policy ([`OutboxSettings`]).
    pub outbox: OutboxSettings,
    /// A directory of tenant template overrides (`<dir>/<tenant>/<lang>/messages.ftl`, any
    /// subset of messages; docs/notification/templates.md). Default none: the built-in texts.
    pub templates_dir: Option<std::path::PathBuf>,
    /// Path of an optional TOML file with these settings (`JC_NOTIFICATION_CONFIG_FILE`; only
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
            read_wait_timeout_ms: 5_000,
            tenants: BTreeMap::new(),
            push: PushSettings::default(),
            email: EmailSettings::default(),
            outbox: OutboxSettings::default(),
            templates_dir: None,
            config_file: None,
        }
    }
}

impl Config {
    /// What is wrong with these settings, if anything (checked when the service starts): every
    /// problem with its full path.
    pub fn problems(&self) -> Vec<String> {
        let mut problems: Vec<String> = self
            .tenants
            .iter()
            .flat_map(|(id, tenant)| tenant.problems(&format!("tenants.{id}")))
            .collect();
        problems.extend(self.push.problems());
        problems
    }

    /// The settings of `tenant`: its own, or the defaults.
    pub fn tenant(&self, tenant: &str) -> TenantSettings {
        self.tenants.get(tenant).cloned().unwrap_or_default()
    }
}

/// Web Push (RFC 8030/8291/8292) to the applicants' app.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PushSettings {
    /// Whether push hints are sent. Default false.
    pub enabled: bool,
    /// File holding the VAPID private key (the raw P-256 scalar, base64url, as
    /// `jobcenterctl vapid-key` writes it); required when enabled. Default none.
    pub vapid_private_key_file: Option<std::path::PathBuf>,
    /// The contact the push services see in the VAPID token (`mailto:` or `https:`). Default
    /// "mailto:postfach@jobcenter.invalid".
    pub subject: String,
    /// Hosts a subscription's endpoint may name (a leading `*.` allows subdomains): the browser
    /// vendors' push services. Anything else is refused at registration, so an applicant cannot
    /// make the service post to internal hosts. Default: fcm.googleapis.com,
    /// updates.push.services.mozilla.com, *.push.apple.com, *.notify.windows.com.
    pub allowed_hosts: Vec<String>,
    /// Accept `http://` endpoints on loopback addresses (tests only). Default false.
    pub allow_loopback_http: bool,
    /// Timeout of one push request, in ms. Default 10000.
    pub request_timeout_ms: u64,
}

impl Default for PushSettings {
    fn default() -> Self {
        Self {
            enabled: false,
            vapid_private_key_file: None,
            subject: "mailto:postfach@jobcenter.invalid".to_owned(),
            allowed_hosts: [
                "fcm.googleapis.com",
                "updates.push.services.mozilla.com",
                "*.push.apple.com",
                "*.notify.windows.com",
            ]
            .map(str::to_owned)
            .to_vec(),
            allow_loopback_http: false,
            request_timeout_ms: 10_000,
        }
    }
}

impl PushSettings {
    /// What is wrong with these settings.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.enabled && self.vapid_private_key_file.is_none() {
            problems.push("push.vapid_private_key_file is required when push is enabled".into());
        }
        if !web_push::is_valid_subject(&self.subject) {
            problems.push("push.subject must be a mailto: or https: URI".into());
        }
        problems
    }

    /// Which endpoints applicants may register.
    pub fn endpoint_rules(&self) -> crate::domain::profile::EndpointRules {
        crate::domain::profile::EndpointRules {
            allowed_hosts: self.allowed_hosts.clone(),
            allow_loopback_http: self.allow_loopback_http,
        }
    }
}

/// E-mail hints: a content-free "you have a new message" sent over SMTP.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EmailSettings {
    /// Whether e-mail hints are sent. Default false.
    pub enabled: bool,
    /// The SMTP relay (`email.smtp.host`, `port`, `security` none|starttls|tls, `username`,
    /// `password`, `from`, `hello_name`, `timeout_ms`, `ca_file`; defaults in
    /// crates/mail-hint: 127.0.0.1:25 without TLS).
    pub smtp: mail_hint::SmtpSettings,
}

/// The outbox worker.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboxSettings {
    /// How often the worker looks for due deliveries, in ms. Default 1000.
    pub poll_ms: u64,
    /// How many deliveries one pass takes at most. Default 50.
    pub batch_size: u32,
    /// How long a taken delivery is reserved for its worker, in ms (another replica takes it
    /// over after this). Default 120000.
    pub lease_ms: u64,
    /// Retries with back-off (`outbox.retry.first_delay_ms`, `factor`, `max_delay_ms`,
    /// `max_attempts`; defaults 30 s, x4, 6 h, 8).
    pub retry: crate::domain::retry::RetryPolicy,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        Self {
            poll_ms: 1_000,
            batch_size: 50,
            lease_ms: 120_000,
            retry: crate::domain::retry::RetryPolicy::default(),
        }
    }
}

/// One jobcenter's settings.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TenantSettings {
    /// The jobcenter's name as messages and letters show it ("Jobcenter Essen"). Default
    /// "Ihr Jobcenter".
    pub name: String,
    /// The portal's address, for the hints (e-mail, push) that point to the mailbox. Default
    /// empty (the hint names no address).
    pub portal_url: String,
    /// The languages applicants may choose for their messages (each one with templates:
    /// de, en, uk, ar, tr, ru); German must be among them (letters are German). Default
    /// `["de", "en"]`.
    pub languages: Vec<String>,
}

impl Default for TenantSettings {
    fn default() -> Self {
        Self {
            name: "Ihr Jobcenter".to_owned(),
            portal_url: String::new(),
            languages: vec!["de".to_owned(), "en".to_owned()],
        }
    }
}

impl TenantSettings {
    /// What is wrong with these settings at `path`.
    pub fn problems(&self, path: &str) -> Vec<String> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(format!("{path}.name must not be empty"));
        }
        if !self.portal_url.is_empty() && !self.portal_url.starts_with("https://") {
            problems.push(format!("{path}.portal_url must be an https URL"));
        }
        if !self.languages.iter().any(|language| language == "de") {
            problems.push(format!(
                "{path}.languages must include \"de\" (letters are German)"
            ));
        }
        for (index, language) in self.languages.iter().enumerate() {
            if !LANGUAGES.contains(&language.as_str()) {
                problems.push(format!(
                    "{path}.languages[{index}]: no templates in {language:?} (known: {})",
                    LANGUAGES.join(", ")
                ));
            } else if self.languages[..index].contains(language) {
                problems.push(format!("{path}.languages[{index}]: listed twice"));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ESSEN: &str = r#"
read_wait_timeout_ms = 2000

[tenants.jc-essen]
name = "Jobcenter Essen"
portal_url = "https://portal.jobcenter-essen.de"
languages = ["de", "en", "uk", "ar"]

[tenants.jc-bochum]
name = "Jobcenter Bochum"
"#;

    fn load(text: &str) -> Result<Config, platform::config::ConfigError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("notification.toml");
        std::fs::write(&path, text).expect("written");
        platform::config::load("JC_NOTIFICATION_TEST_NOTHING_", Some(&path))
    }

    #[test]
    fn a_jobcenter_comes_from_the_file_and_others_get_the_defaults() {
        let config = load(ESSEN).expect("loads");
        assert!(config.problems().is_empty(), "{:?}", config.problems());
        assert_eq!(config.server.grpc_addr.port(), DEFAULT_GRPC_PORT);
        assert_eq!(config.read_wait_timeout_ms, 2000);
        let essen = config.tenant("jc-essen");
        assert_eq!(essen.name, "Jobcenter Essen");
        assert_eq!(essen.languages, ["de", "en", "uk", "ar"]);
        // Left out: the defaults.
        assert_eq!(config.tenant("jc-bochum").languages, ["de", "en"]);
        assert_eq!(config.tenant("jc-elsewhere"), TenantSettings::default());
    }

    #[test]
    fn misspelt_or_senseless_settings_are_refused_with_their_paths() {
        assert!(load(&ESSEN.replace("portal_url", "portal_link")).is_err());
        let config = load(
            &ESSEN
                .replace(
                    "[\"de\", \"en\", \"uk\", \"ar\"]",
                    "[\"en\", \"fr\", \"en\"]",
                )
                .replace("https://portal", "http://portal"),
        )
        .expect("loads");
        assert_eq!(
            config.problems(),
            [
                "tenants.jc-essen.portal_url must be an https URL",
                "tenants.jc-essen.languages must include \"de\" (letters are German)",
                "tenants.jc-essen.languages[1]: no templates in \"fr\" (known: de, en, uk, ar, tr, ru)",
                "tenants.jc-essen.languages[2]: listed twice",
            ]
        );
    }
}
