//! The channels as the settings configure them: push with the VAPID key from its file, e-mail
//! hints through the SMTP relay, letters always.

use std::time::Duration;

use web_push::{EndpointPolicy, SenderSettings, VapidKey, WebPushSender};

use super::email::EmailChannel;
use super::letter::LetterChannel;
use super::push::PushChannel;
use super::{Channels, Texts};
use crate::settings::{EmailSettings, PushSettings};

/// Why the channels could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The VAPID key file could not be read.
    #[error("the VAPID key file {path} cannot be read")]
    KeyFile {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The VAPID key is not a P-256 private key in base64url.
    #[error("the VAPID key is not a base64url P-256 private key")]
    Key(#[source] web_push::KeyError),
    /// The push sender could not be built.
    #[error("the push sender cannot be configured")]
    Sender(#[source] web_push::SenderError),
    /// The SMTP relay settings are unusable.
    #[error("the e-mail relay cannot be configured")]
    Mail(#[source] mail_hint::MailError),
}

/// The channels, and the VAPID public key browsers subscribe with when push is on.
pub fn channels(
    push: &PushSettings,
    email: &EmailSettings,
    texts: Texts,
) -> Result<(Channels, Option<String>), SetupError> {
    let (push_channel, push_key) = match (push.enabled, &push.vapid_private_key_file) {
        (true, Some(path)) => {
            let text = std::fs::read_to_string(path).map_err(|source| SetupError::KeyFile {
                path: path.display().to_string(),
                source,
            })?;
            let key = VapidKey::from_base64url(text.trim()).map_err(SetupError::Key)?;
            let public = key.public_key_base64url();
            let settings = SenderSettings {
                request_timeout: Duration::from_millis(push.request_timeout_ms.max(1)),
                allow_loopback_http: push.allow_loopback_http,
                ..SenderSettings::new(push.subject.clone())
            };
            let sender = WebPushSender::new(key, &settings).map_err(SetupError::Sender)?;
            let policy = EndpointPolicy::from_allow_loopback_http(push.allow_loopback_http);
            (
                Some(PushChannel::new(sender, policy, texts.clone())),
                Some(public),
            )
        }
        // `problems()` refuses push enabled without a key before this runs.
        _ => (None, None),
    };
    let email_channel = if email.enabled {
        let sender =
            mail_hint::MailHintSender::new(email.smtp.clone()).map_err(SetupError::Mail)?;
        Some(EmailChannel::new(sender, texts.clone()))
    } else {
        None
    };
    Ok((
        Channels {
            push: push_channel,
            email: email_channel,
            letter: LetterChannel::new(texts),
        },
        push_key,
    ))
}
