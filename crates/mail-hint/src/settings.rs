//! How to reach the relay (the provider's mail server), as part of a service's configuration.

use std::path::PathBuf;

use serde::Deserialize;

/// How the connection to the relay is protected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Security {
    /// Plain SMTP, for a relay on the same host or in the same pod only; credentials are
    /// refused in this mode.
    #[default]
    #[serde(rename = "none")]
    None,
    /// Plain connection upgraded with STARTTLS (RFC 3207), usually port 587; a relay that
    /// does not offer it gets nothing (no silent fallback to plain text).
    #[serde(rename = "starttls", alias = "start_tls")]
    StartTls,
    /// TLS from the first byte ("implicit TLS", RFC 8314), usually port 465.
    #[serde(rename = "tls")]
    Tls,
}

/// The relay and the sender. Every field has a default (see [`Default`]), so a configuration
/// names only what differs.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpSettings {
    /// Host name or IP address of the relay; also the name its certificate must carry.
    /// Default `127.0.0.1`.
    pub host: String,
    /// Default 25.
    pub port: u16,
    /// Default `none`; `starttls` or `tls` for any relay off the host.
    pub security: Security,
    /// User for AUTH PLAIN; none (the default) sends no AUTH.
    pub username: Option<String>,
    /// Password for AUTH PLAIN (take it from the environment or a secret file, never a
    /// checked-in file).
    pub password: Option<String>,
    /// The `From` mailbox, e.g. `Jobcenter Musterstadt <noreply@jobcenter-musterstadt.de>`;
    /// its address is also the envelope sender. Default `Jobcenter <noreply@jobcenter.invalid>`,
    /// which a real relay refuses: set it.
    pub from: String,
    /// The name we greet the relay with (EHLO). Default `localhost`.
    pub hello_name: String,
    /// Limit for connecting and for each reply of the relay, in milliseconds. Default 30000.
    pub timeout_ms: u64,
    /// An extra trust anchor (PEM) for a relay with a certificate from an internal CA; the
    /// system's CAs are always trusted. Default none.
    pub ca_file: Option<PathBuf>,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 25,
            security: Security::None,
            username: None,
            password: None,
            from: "Jobcenter <noreply@jobcenter.invalid>".to_owned(),
            hello_name: "localhost".to_owned(),
            timeout_ms: 30_000,
            ca_file: None,
        }
    }
}

/// Shows everything but the password.
impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .field("hello_name", &self.hello_name)
            .field("timeout_ms", &self.timeout_ms)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_configuration_takes_every_default() {
        let settings: SmtpSettings = serde_json::from_str("{}").expect("parses");
        assert_eq!(settings, SmtpSettings::default());
        assert_eq!(settings.host, "127.0.0.1");
        assert_eq!(settings.port, 25);
        assert_eq!(settings.security, Security::None);
    }

    #[test]
    fn security_modes_have_lower_case_names() {
        for (name, security) in [
            ("none", Security::None),
            ("starttls", Security::StartTls),
            ("start_tls", Security::StartTls),
            ("tls", Security::Tls),
        ] {
            let settings: SmtpSettings =
                serde_json::from_str(&format!(r#"{{"security": "{name}"}}"#)).expect(name);
            assert_eq!(settings.security, security);
        }
    }

    #[test]
    fn unknown_fields_are_refused() {
        let result = serde_json::from_str::<SmtpSettings>(r#"{"hostname": "mail"}"#);
        assert!(result.is_err());
    }

    #[test]
    fn debug_output_hides_the_password() {
        let settings = SmtpSettings {
            password: Some("geheim".to_owned()),
            ..SmtpSettings::default()
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("geheim"));
        assert!(shown.contains("<redacted>"));
    }
}
