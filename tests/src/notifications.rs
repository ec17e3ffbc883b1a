//! The notification service's settings for the test jobcenters: each jobcenter's name and
//! portal, Web Push signed with a VAPID key made for the system (loopback `http://` endpoints
//! allowed, so [`testkit::push::PushEndpoint`] can play the browser's push service), e-mail
//! hints to the system's [`testkit::smtp::SmtpSink`], and an outbox worker that looks for due
//! deliveries every 200 ms, so a test waits for a push or a mail a moment, not seconds.
//!
//! The settings are a TOML file (`JC_NOTIFICATION_CONFIG_FILE`): tenant ids hold hyphens, which
//! environment variable names do not.

use std::path::{Path, PathBuf};

use crate::HarnessError;

/// The jobcenters with settings: the same as those with a calendar.
pub const TENANTS: [&str; 5] = crate::calendar::TENANTS;

/// The name messages and letters of `tenant` sign with, e.g. "Jobcenter Essen" for `jc-essen`.
pub fn jobcenter_name(tenant: &str) -> String {
    let place = tenant.strip_prefix("jc-").unwrap_or(tenant);
    let mut chars = place.chars();
    let capitalised: String = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    format!("Jobcenter {capitalised}")
}

/// The portal the e-mail and push hints of `tenant` point to.
pub fn portal_url(tenant: &str) -> String {
    format!("https://portal.{tenant}.invalid")
}

/// The sender of the e-mail hints.
pub const MAIL_FROM: &str = "Jobcenter <postfach@system-tests.invalid>";

/// How often the outbox worker looks for due deliveries in the tests, in ms.
pub const OUTBOX_POLL_MS: u64 = 200;

/// The settings file's text: push signed with the key in `vapid_key_file`, e-mail through the
/// SMTP server on `127.0.0.1:smtp_port`.
pub fn settings_toml(vapid_key_file: &Path, smtp_port: u16) -> String {
    let mut toml = format!(
        r#"[push]
enabled = true
vapid_private_key_file = {key}
subject = "mailto:postfach@system-tests.invalid"
allowed_hosts = ["fcm.googleapis.com", "updates.push.services.mozilla.com", "*.push.apple.com", "*.notify.windows.com"]
allow_loopback_http = true
request_timeout_ms = 5000

[email]
enabled = true

[email.smtp]
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from = "{MAIL_FROM}"
timeout_ms = 5000

[outbox]
poll_ms = {OUTBOX_POLL_MS}
"#,
        // A TOML basic string: the path quoted and escaped by the JSON rules TOML shares.
        key = serde_json::Value::String(vapid_key_file.display().to_string()),
    );
    for tenant in TENANTS {
        toml.push_str(&format!(
            "\n[tenants.{tenant}]\nname = \"{}\"\nportal_url = \"{}\"\nlanguages = [\"de\", \"en\", \"uk\", \"ar\", \"tr\", \"ru\"]\n",
            jobcenter_name(tenant),
            portal_url(tenant),
        ));
    }
    toml
}

/// The settings written into a directory that lives as long as the system.
#[derive(Debug)]
pub struct NotificationFiles {
    dir: tempfile::TempDir,
    vapid_public_key: String,
}

impl NotificationFiles {
    /// A fresh VAPID key and the settings naming it and the SMTP sink on `smtp_port`.
    pub fn write(smtp_port: u16) -> Result<NotificationFiles, HarnessError> {
        let dir = tempfile::tempdir().map_err(HarnessError::Io)?;
        let key = web_push::VapidKey::generate()
            .map_err(|error| HarnessError::Io(std::io::Error::other(error.to_string())))?;
        let key_file = dir.path().join("vapid-private-key");
        std::fs::write(&key_file, key.to_base64url_private()).map_err(HarnessError::Io)?;
        std::fs::write(
            dir.path().join("notification.toml"),
            settings_toml(&key_file, smtp_port),
        )
        .map_err(HarnessError::Io)?;
        Ok(NotificationFiles {
            dir,
            vapid_public_key: key.public_key_base64url(),
        })
    }

    /// The settings file (`JC_NOTIFICATION_CONFIG_FILE`).
    pub fn config_file(&self) -> PathBuf {
        self.dir.path().join("notification.toml")
    }

    /// The VAPID public key the service signs pushes with (base64url): what `GetPushKey`
    /// answers, and the `k=` a push endpoint sees.
    pub fn vapid_public_key(&self) -> &str {
        &self.vapid_public_key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobcenters_are_named_after_their_place() {
        assert_eq!(jobcenter_name("jc-essen"), "Jobcenter Essen");
        assert_eq!(jobcenter_name("jc-musterstadt"), "Jobcenter Musterstadt");
    }

    #[test]
    fn the_settings_are_the_notification_service_s_and_valid() {
        let files = NotificationFiles::write(2525).expect("written");
        let config: notification::Config =
            platform::config::load(notification::ENV_PREFIX, Some(&files.config_file()))
                .expect("loads");
        assert!(config.problems().is_empty(), "{:?}", config.problems());
        assert_eq!(config.tenants.len(), TENANTS.len());
        assert_eq!(config.tenant("jc-essen").name, "Jobcenter Essen");
        assert!(config.push.enabled && config.push.allow_loopback_http);
        assert!(config.email.enabled);
        assert_eq!(config.email.smtp.port, 2525);
        assert_eq!(config.outbox.poll_ms, OUTBOX_POLL_MS);
        let key = std::fs::read_to_string(config.push.vapid_private_key_file.expect("key file"))
            .expect("key");
        assert_eq!(
            web_push::VapidKey::from_base64url(&key)
                .expect("a key")
                .public_key_base64url(),
            files.vapid_public_key()
        );
    }
}
