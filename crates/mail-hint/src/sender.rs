//! [`MailHintSender`]: settings checked once, then one SMTP session per hint.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use tracing::Instrument;

use crate::body::TransferEncoding;
use crate::error::MailError;
use crate::message::{HintMail, Sender};
use crate::settings::{Security, SmtpSettings};
use crate::smtp::{self, Credentials, Envelope, Relay};
use crate::tls;

/// Sends e-mail hints through the configured relay. Cheap to clone; every
/// [`send`](Self::send) opens its own connection, so clones may send concurrently.
#[derive(Clone)]
pub struct MailHintSender {
    relay: Arc<Relay>,
    sender: Arc<Sender>,
}

impl std::fmt::Debug for MailHintSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailHintSender")
            .field("host", &self.relay.host)
            .field("port", &self.relay.port)
            .field("security", &self.relay.security)
            .finish_non_exhaustive()
    }
}

impl MailHintSender {
    /// Checks the settings and prepares TLS; reads `ca_file` and the system's CAs when TLS is
    /// configured, opens no connection. Every problem is [`MailError::Invalid`].
    pub fn new(settings: SmtpSettings) -> Result<Self, MailError> {
        if settings.host.trim().is_empty() {
            return Err(MailError::invalid("host", "is empty"));
        }
        let sender = Sender::parse(&settings.from)?;
        check_hello_name(&settings.hello_name)?;
        if settings.timeout_ms == 0 {
            return Err(MailError::invalid(
                "timeout_ms",
                "must be greater than zero",
            ));
        }
        let credentials = credentials(&settings)?;
        let tls = match settings.security {
            Security::None => None,
            Security::StartTls | Security::Tls => {
                let name = ServerName::try_from(settings.host.clone())
                    .map_err(|_| MailError::invalid("host", "not a host name or IP address"))?;
                Some((tls::connector(settings.ca_file.as_deref())?, name))
            }
        };
        Ok(Self {
            relay: Arc::new(Relay {
                host: settings.host,
                port: settings.port,
                security: settings.security,
                hello_name: settings.hello_name,
                timeout: Duration::from_millis(settings.timeout_ms),
                tls,
                credentials,
            }),
            sender: Arc::new(sender),
        })
    }

    /// Sends one hint. [`MailError::Invalid`] when a field is malformed (nothing sent);
    /// [`MailError::Transient`] for 4xx replies, connection failures and timeouts;
    /// [`MailError::Permanent`] when the relay refuses the message with 5xx.
    pub async fn send(&self, mail: &HintMail) -> Result<(), MailError> {
        let checked = mail.check()?;
        let envelope = Envelope {
            sender: &self.sender.address,
            recipient: &checked.recipient,
        };
        let render = |eight_bit_mime: bool| {
            let encoding = checked.transfer_encoding(eight_bit_mime);
            let message = checked.render(&self.sender, chrono::Utc::now(), encoding);
            (message, encoding == TransferEncoding::EightBit)
        };
        // Ids only: the Message-ID is a UUID, the address stays out of traces.
        let span = tracing::info_span!(
            "smtp.send",
            relay = %self.relay.host,
            port = self.relay.port,
            message_id = %mail.message_id,
        );
        let result = smtp::deliver(&self.relay, &envelope, render)
            .instrument(span.clone())
            .await;
        if let Err(error) = &result {
            span.in_scope(|| tracing::warn!(%error, "e-mail hint not sent"));
        }
        result
    }
}

/// An EHLO argument: a domain or address literal, ASCII without spaces.
fn check_hello_name(name: &str) -> Result<(), MailError> {
    if !name.is_empty() && name.len() <= 255 && name.chars().all(|c| c.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(MailError::invalid(
            "hello_name",
            "must be a host name of printable ASCII without spaces",
        ))
    }
}

/// Both or neither of user and password; only over TLS; no NUL (the AUTH PLAIN separator).
fn credentials(settings: &SmtpSettings) -> Result<Option<Credentials>, MailError> {
    match (&settings.username, &settings.password) {
        (None, None) => Ok(None),
        (Some(username), Some(password)) => {
            if settings.security == Security::None {
                return Err(MailError::invalid(
                    "security",
                    "credentials are only sent over TLS: set starttls or tls",
                ));
            }
            if username.is_empty() || username.contains('\0') || password.contains('\0') {
                return Err(MailError::invalid(
                    "username",
                    "user must be non-empty; neither may contain NUL",
                ));
            }
            Ok(Some(Credentials {
                username: username.clone(),
                password: password.clone(),
            }))
        }
        (Some(_), None) => Err(MailError::invalid(
            "password",
            "a username needs a password",
        )),
        (None, Some(_)) => Err(MailError::invalid(
            "username",
            "a password needs a username",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invalid_field(settings: SmtpSettings) -> &'static str {
        match MailHintSender::new(settings) {
            Err(MailError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[test]
    fn defaults_make_a_sender() {
        assert!(MailHintSender::new(SmtpSettings::default()).is_ok());
    }

    #[test]
    fn malformed_settings_are_refused_with_their_field() {
        let base = SmtpSettings::default;
        assert_eq!(
            invalid_field(SmtpSettings {
                host: " ".into(),
                ..base()
            }),
            "host"
        );
        assert_eq!(
            invalid_field(SmtpSettings {
                from: "Jobcenter".into(),
                ..base()
            }),
            "from"
        );
        assert_eq!(
            invalid_field(SmtpSettings {
                hello_name: "my host".into(),
                ..base()
            }),
            "hello_name"
        );
        assert_eq!(
            invalid_field(SmtpSettings {
                timeout_ms: 0,
                ..base()
            }),
            "timeout_ms"
        );
        assert_eq!(
            invalid_field(SmtpSettings {
                username: Some("u".into()),
                ..base()
            }),
            "password"
        );
    }

    #[test]
    fn credentials_over_plain_text_are_refused() {
        let settings = SmtpSettings {
            username: Some("u".into()),
            password: Some("p".into()),
            ..SmtpSettings::default()
        };
        assert_eq!(invalid_field(settings), "security");
    }

    #[test]
    fn an_unreadable_ca_file_is_refused() {
        let settings = SmtpSettings {
            security: Security::StartTls,
            ca_file: Some("/nonexistent/ca.pem".into()),
            ..SmtpSettings::default()
        };
        assert_eq!(invalid_field(settings), "ca_file");
    }
}
