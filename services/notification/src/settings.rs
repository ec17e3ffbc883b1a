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
            config_file: None,
        }
    }
}

impl Config {
    /// What is wrong with these settings, if anything (checked when the service starts): every
    /// problem with its full path.
    pub fn problems(&self) -> Vec<String> {
        self.tenants
            .iter()
            .flat_map(|(id, tenant)| tenant.problems(&format!("tenants.{id}")))
            .collect()
    }

    /// The settings of `tenant`: its own, or the defaults.
    pub fn tenant(&self, tenant: &str) -> TenantSettings {
        self.tenants.get(tenant).cloned().unwrap_or_default()
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
