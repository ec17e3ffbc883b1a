//! Delivering one encrypted, VAPID-signed message to a push service (RFC 8030 §5).
//!
//! The client speaks https with rustls and the ring provider (the only crypto provider of
//! this platform), trusting the system's CAs; plain http only to loopback addresses when the
//! settings allow it (tests). Redirects are not followed (a push service does not redirect,
//! and the Authorization header must not travel elsewhere) and no proxy is taken from the
//! environment: one is used only when configured.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, RETRY_AFTER};
use rustls::RootCertStore;

use crate::encrypt::{EncryptError, encrypt};
use crate::options::PushOptions;
use crate::outcome::{PushAccepted, PushError, classify};
use crate::subscription::{EndpointPolicy, Subscription};
use crate::vapid::{VapidKey, expiry_from_now, is_valid_subject};

/// The default for [`SenderSettings::request_timeout`].
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// How the sender reaches push services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenderSettings {
    /// The VAPID contact (`sub`): a `mailto:` or `https:` URI the push service's operator
    /// can reach us at. Required.
    pub subject: String,
    /// Bound on one request: connect, send, and the answer's status (default 10 s).
    pub request_timeout: Duration,
    /// Allow plain `http` endpoints on loopback addresses (tests and local runs only;
    /// default false).
    pub allow_loopback_http: bool,
    /// An outbound proxy URL for all requests (default none; the environment is not read).
    pub proxy: Option<String>,
}

impl SenderSettings {
    /// Settings with the given VAPID contact and the defaults otherwise.
    pub fn new(subject: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            allow_loopback_http: false,
            proxy: None,
        }
    }

    /// The endpoint policy these settings imply.
    pub fn endpoint_policy(&self) -> EndpointPolicy {
        EndpointPolicy::from_allow_loopback_http(self.allow_loopback_http)
    }
}

/// Why a sender could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SenderError {
    /// The VAPID subject is neither `mailto:` nor `https:`.
    #[error("the VAPID subject must be a mailto: or https: URI")]
    Subject,
    /// The proxy setting is not a usable URL.
    #[error("the proxy URL is not valid")]
    Proxy(#[source] reqwest::Error),
    /// rustls refused the configuration.
    #[error("TLS cannot be configured")]
    Tls(#[source] rustls::Error),
    /// reqwest refused the configuration.
    #[error("the HTTP client cannot be built")]
    Client(#[source] reqwest::Error),
}

/// Sends Web Push messages with one VAPID key. Cheap to clone.
#[derive(Debug, Clone)]
pub struct WebPushSender {
    client: reqwest::Client,
    key: Arc<VapidKey>,
    subject: Arc<str>,
    policy: EndpointPolicy,
}

impl WebPushSender {
    /// A sender signing with `key`. Reads the system's CA certificates, no network.
    pub fn new(key: VapidKey, settings: &SenderSettings) -> Result<Self, SenderError> {
        if !is_valid_subject(&settings.subject) {
            return Err(SenderError::Subject);
        }
        Ok(Self {
            client: http_client(settings)?,
            key: Arc::new(key),
            subject: Arc::from(settings.subject.as_str()),
            policy: settings.endpoint_policy(),
        })
    }

    /// The VAPID public key (base64url): what browsers subscribe with.
    pub fn public_key_base64url(&self) -> String {
        self.key.public_key_base64url()
    }

    /// Encrypts `payload` for `subscription` and posts it to the subscription's push service.
    pub async fn send(
        &self,
        subscription: &Subscription,
        payload: &[u8],
        options: &PushOptions,
    ) -> Result<PushAccepted, PushError> {
        // The subscription was checked when made, perhaps under another policy (a test's).
        self.policy
            .check(subscription.endpoint())
            .map_err(|error| PushError::permanent(error.to_string()))?;
        let body = encrypt(payload, subscription).map_err(|error| match error {
            EncryptError::TooLarge { .. } | EncryptError::Crypto => {
                PushError::permanent(error.to_string())
            }
            EncryptError::Random => PushError::retryable(error.to_string()),
        })?;
        let audience = subscription.origin();
        let authorization = self
            .key
            .authorization(&audience, &self.subject, expiry_from_now())
            .map_err(|_| PushError::retryable("the VAPID token could not be signed"))?;

        let mut request = self
            .client
            .post(subscription.endpoint_url().clone())
            .header(CONTENT_ENCODING, "aes128gcm")
            .header(CONTENT_TYPE, "application/octet-stream")
            .header("TTL", options.ttl_seconds.to_string())
            .header("Urgency", options.urgency.as_str())
            .header(AUTHORIZATION, authorization)
            .body(body);
        if let Some(topic) = &options.topic {
            request = request.header("Topic", topic.as_str());
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => {
                let reason = transport_reason(&error, subscription);
                tracing::debug!(push_service = %audience, %reason, "push request failed");
                return Err(PushError::retryable(reason));
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        tracing::debug!(push_service = %audience, status, "push service answered");
        classify(status, retry_after)
    }
}

/// The HTTP client: rustls with ring and the system's CAs, bounded, no redirects.
fn http_client(settings: &SenderSettings) -> Result<reqwest::Client, SenderError> {
    let mut roots = RootCertStore::empty();
    // Unreadable system certificates are not fatal here: loopback tests need none, and a
    // push to a real service then fails its handshake with a clear, retryable reason.
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    let mut tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(SenderError::Tls)?
    .with_root_certificates(roots)
    .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];

    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(settings.request_timeout)
        .connect_timeout(settings.request_timeout)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy();
    if let Some(proxy) = &settings.proxy {
        builder = builder.proxy(reqwest::Proxy::all(proxy).map_err(SenderError::Proxy)?);
    }
    builder.build().map_err(SenderError::Client)
}

/// A reason for a failed request without the URL: reqwest's own message names the URL, its
/// causes (connect, TLS, I/O errors) do not; a cause that would is left out all the same.
fn transport_reason(error: &reqwest::Error, subscription: &Subscription) -> String {
    let what = if error.is_timeout() {
        "push service did not answer in time"
    } else if error.is_connect() {
        "push service unreachable"
    } else {
        "push request failed"
    };
    let mut cause = std::error::Error::source(error);
    let mut innermost = None;
    while let Some(error) = cause {
        innermost = Some(error.to_string());
        cause = error.source();
    }
    match innermost {
        Some(detail) if !names_endpoint(&detail, subscription) => format!("{what}: {detail}"),
        _ => what.to_owned(),
    }
}

/// Whether `text` contains the endpoint URL or its path (the device-specific part).
fn names_endpoint(text: &str, subscription: &Subscription) -> bool {
    let path = subscription.endpoint_url().path();
    text.contains(subscription.endpoint()) || (path.len() > 1 && text.contains(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sender_needs_a_mailto_or_https_subject() {
        let key = VapidKey::generate().expect("key");
        let error = WebPushSender::new(key, &SenderSettings::new("ops@example.org"))
            .expect_err("no scheme");
        assert!(matches!(error, SenderError::Subject));
    }

    #[test]
    fn the_sender_publishes_its_vapid_public_key() {
        let key = VapidKey::generate().expect("key");
        let public = key.public_key_base64url();
        let sender = WebPushSender::new(key, &SenderSettings::new("mailto:ops@example.org"))
            .expect("sender");
        assert_eq!(sender.public_key_base64url(), public);
    }
}
