//! A browser's push subscription, checked once when it enters the system.
//!
//! A [`Subscription`] can only exist valid ("parse, don't validate"): an endpoint the sender
//! may call, the user agent's P-256 public key as a point on the curve, and a 16-byte auth
//! secret. The endpoint URL identifies a person's device, so it is never shown in `Debug`
//! output or error messages.

use std::net::IpAddr;

use p256::PublicKey;
use reqwest::Url;

use crate::keys::{POINT_LEN, decode_base64url};

/// Length of the user agent's authentication secret.
pub const AUTH_LEN: usize = 16;
/// Longest endpoint URL accepted (push services' URLs are a few hundred characters).
pub const MAX_ENDPOINT_LEN: usize = 2048;

/// Which endpoint URLs are acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EndpointPolicy {
    /// Only `https` URLs (production: push services are public https endpoints).
    #[default]
    HttpsOnly,
    /// `https`, or plain `http` to a loopback IP address (tests and local runs with a push
    /// endpoint on this machine).
    AllowLoopbackHttp,
}

impl EndpointPolicy {
    /// The policy for a flag as configured: `allow_loopback_http`.
    pub fn from_allow_loopback_http(allow: bool) -> Self {
        if allow {
            Self::AllowLoopbackHttp
        } else {
            Self::HttpsOnly
        }
    }

    /// Checks `endpoint` and returns it parsed.
    pub fn check(self, endpoint: &str) -> Result<Url, SubscriptionError> {
        if endpoint.len() > MAX_ENDPOINT_LEN {
            return Err(SubscriptionError::EndpointTooLong);
        }
        let url = Url::parse(endpoint).map_err(|_| SubscriptionError::EndpointNotUrl)?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(SubscriptionError::EndpointNotUrl);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(SubscriptionError::EndpointCredentials);
        }
        match url.scheme() {
            "https" => Ok(url),
            "http" if self == Self::AllowLoopbackHttp && is_loopback(&url) => Ok(url),
            _ => Err(SubscriptionError::EndpointNotHttps),
        }
    }
}

/// Whether the URL's host is a loopback IP literal (`127.0.0.0/8`, `::1`). Names such as
/// `localhost` are not accepted: what they resolve to is not ours to know here.
fn is_loopback(url: &Url) -> bool {
    url.host_str()
        .map(|host| host.trim_start_matches('[').trim_end_matches(']'))
        .and_then(|host| host.parse::<IpAddr>().ok())
        .is_some_and(|ip| ip.is_loopback())
}

/// Why a subscription was refused; each names the field at fault ([`SubscriptionError::field`]).
#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum SubscriptionError {
    /// The endpoint is not an absolute URL with a host.
    #[error("endpoint: not an absolute URL")]
    EndpointNotUrl,
    /// The endpoint is longer than [`MAX_ENDPOINT_LEN`].
    #[error("endpoint: longer than {MAX_ENDPOINT_LEN} characters")]
    EndpointTooLong,
    /// The endpoint is not https (nor allowed loopback http).
    #[error("endpoint: must be an https URL")]
    EndpointNotHttps,
    /// The endpoint carries a user name or password.
    #[error("endpoint: must not carry credentials")]
    EndpointCredentials,
    /// The p256dh key is not base64url.
    #[error("p256dh: not base64url")]
    P256dhNotBase64Url,
    /// The p256dh key is not an uncompressed point (65 bytes starting with 0x04).
    #[error("p256dh: must be an uncompressed P-256 point of {POINT_LEN} bytes")]
    P256dhLength,
    /// The p256dh bytes are not a point on P-256.
    #[error("p256dh: not a point on the P-256 curve")]
    P256dhNotOnCurve,
    /// The auth secret is not base64url.
    #[error("auth: not base64url")]
    AuthNotBase64Url,
    /// The auth secret is not 16 bytes.
    #[error("auth: must be {AUTH_LEN} bytes")]
    AuthLength,
}

impl SubscriptionError {
    /// The field at fault, as the browser's `PushSubscription` names it: `endpoint`,
    /// `p256dh` or `auth` (for a `google.rpc.BadRequest` field violation).
    pub fn field(&self) -> &'static str {
        match self {
            Self::EndpointNotUrl
            | Self::EndpointTooLong
            | Self::EndpointNotHttps
            | Self::EndpointCredentials => "endpoint",
            Self::P256dhNotBase64Url | Self::P256dhLength | Self::P256dhNotOnCurve => "p256dh",
            Self::AuthNotBase64Url | Self::AuthLength => "auth",
        }
    }
}

/// A checked push subscription.
#[derive(Clone, PartialEq, Eq)]
pub struct Subscription {
    endpoint: Url,
    p256dh: [u8; POINT_LEN],
    ua_public: PublicKey,
    auth: [u8; AUTH_LEN],
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The origin names the push service (e.g. fcm.googleapis.com), not the person.
        f.debug_struct("Subscription")
            .field("push_service", &self.origin())
            .finish_non_exhaustive()
    }
}

impl Subscription {
    /// A subscription from the browser's `PushSubscription` JSON fields: the endpoint URL
    /// and the `p256dh` and `auth` keys in base64url (padding optional).
    pub fn new(
        endpoint: &str,
        p256dh_base64url: &str,
        auth_base64url: &str,
        policy: EndpointPolicy,
    ) -> Result<Self, SubscriptionError> {
        let url = policy.check(endpoint)?;
        let p256dh =
            decode_base64url(p256dh_base64url).ok_or(SubscriptionError::P256dhNotBase64Url)?;
        let auth = decode_base64url(auth_base64url).ok_or(SubscriptionError::AuthNotBase64Url)?;
        Self::from_checked_url(url, &p256dh, &auth)
    }

    /// A subscription from raw key bytes (as stored in `PushSubscriptionRegistered`).
    pub fn from_raw(
        endpoint: &str,
        p256dh: &[u8],
        auth: &[u8],
        policy: EndpointPolicy,
    ) -> Result<Self, SubscriptionError> {
        Self::from_checked_url(policy.check(endpoint)?, p256dh, auth)
    }

    fn from_checked_url(
        endpoint: Url,
        p256dh: &[u8],
        auth: &[u8],
    ) -> Result<Self, SubscriptionError> {
        let p256dh: [u8; POINT_LEN] = p256dh
            .try_into()
            .map_err(|_| SubscriptionError::P256dhLength)?;
        if p256dh[0] != 0x04 {
            return Err(SubscriptionError::P256dhLength);
        }
        let ua_public =
            PublicKey::from_sec1_bytes(&p256dh).map_err(|_| SubscriptionError::P256dhNotOnCurve)?;
        let auth: [u8; AUTH_LEN] = auth.try_into().map_err(|_| SubscriptionError::AuthLength)?;
        Ok(Self {
            endpoint,
            p256dh,
            ua_public,
            auth,
        })
    }

    /// The endpoint URL (personal data: it identifies a device; never log it).
    pub fn endpoint(&self) -> &str {
        self.endpoint.as_str()
    }

    /// The endpoint, parsed.
    pub fn endpoint_url(&self) -> &Url {
        &self.endpoint
    }

    /// The push service's origin, `scheme://host[:port]`: the VAPID audience. It names the
    /// push service, not the device, so it may be logged.
    pub fn origin(&self) -> String {
        self.endpoint.origin().ascii_serialization()
    }

    /// The user agent's public key (uncompressed point).
    pub fn p256dh(&self) -> &[u8; POINT_LEN] {
        &self.p256dh
    }

    /// The user agent's authentication secret.
    pub fn auth(&self) -> &[u8; AUTH_LEN] {
        &self.auth
    }

    pub(crate) fn ua_public(&self) -> &PublicKey {
        &self.ua_public
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P256DH: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
    const ENDPOINT: &str = "https://push.example.net/wpush/v2/gAAAAABk";

    fn refused(
        endpoint: &str,
        p256dh: &str,
        auth: &str,
        policy: EndpointPolicy,
    ) -> SubscriptionError {
        Subscription::new(endpoint, p256dh, auth, policy).expect_err("refused")
    }

    #[test]
    fn a_browser_subscription_is_accepted() {
        let sub =
            Subscription::new(ENDPOINT, P256DH, AUTH, EndpointPolicy::HttpsOnly).expect("valid");
        assert_eq!(sub.endpoint(), ENDPOINT);
        assert_eq!(sub.origin(), "https://push.example.net");
        assert_eq!(sub.auth().len(), 16);
        let padded = Subscription::new(
            ENDPOINT,
            P256DH,
            "BTBZMqHH6r4Tts7J_aSIgg==",
            EndpointPolicy::HttpsOnly,
        )
        .expect("padding is tolerated");
        assert_eq!(padded, sub);
    }

    #[test]
    fn endpoint_errors_name_the_endpoint() {
        let https = EndpointPolicy::HttpsOnly;
        for (endpoint, expected) in [
            ("not a url", SubscriptionError::EndpointNotUrl),
            (
                "http://push.example.net/x",
                SubscriptionError::EndpointNotHttps,
            ),
            (
                "http://127.0.0.1:8080/x",
                SubscriptionError::EndpointNotHttps,
            ),
            (
                "ftp://push.example.net/x",
                SubscriptionError::EndpointNotHttps,
            ),
            (
                "https://user:pw@push.example.net/x",
                SubscriptionError::EndpointCredentials,
            ),
        ] {
            let error = refused(endpoint, P256DH, AUTH, https);
            assert_eq!(error, expected, "{endpoint}");
            assert_eq!(error.field(), "endpoint");
        }
        let long = format!("https://push.example.net/{}", "a".repeat(MAX_ENDPOINT_LEN));
        assert_eq!(
            refused(&long, P256DH, AUTH, https),
            SubscriptionError::EndpointTooLong
        );
    }

    #[test]
    fn loopback_http_only_when_allowed_and_only_to_loopback_addresses() {
        let allow = EndpointPolicy::AllowLoopbackHttp;
        for ok in [
            "http://127.0.0.1:4000/p",
            "http://[::1]:4000/p",
            "https://push.example.net/p",
        ] {
            Subscription::new(ok, P256DH, AUTH, allow).expect(ok);
        }
        for bad in [
            "http://localhost:4000/p",
            "http://10.0.0.1/p",
            "http://push.example.net/p",
        ] {
            assert_eq!(
                refused(bad, P256DH, AUTH, allow),
                SubscriptionError::EndpointNotHttps,
                "{bad}"
            );
        }
    }

    #[test]
    fn key_errors_name_their_field() {
        let https = EndpointPolicy::HttpsOnly;
        let cases = [
            (
                refused(ENDPOINT, "***", AUTH, https),
                SubscriptionError::P256dhNotBase64Url,
            ),
            (
                refused(ENDPOINT, &P256DH[..40], AUTH, https),
                SubscriptionError::P256dhLength,
            ),
            (
                refused(ENDPOINT, &"A".repeat(87), AUTH, https),
                SubscriptionError::P256dhLength,
            ),
            (
                refused(ENDPOINT, P256DH, "***", https),
                SubscriptionError::AuthNotBase64Url,
            ),
            (
                refused(ENDPOINT, P256DH, "BTBZMqHH6r4Tts7J", https),
                SubscriptionError::AuthLength,
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(error, expected);
        }
        assert_eq!(SubscriptionError::P256dhLength.field(), "p256dh");
        assert_eq!(SubscriptionError::AuthLength.field(), "auth");
    }

    #[test]
    fn a_point_off_the_curve_is_refused() {
        let mut point = [0u8; POINT_LEN];
        point[0] = 0x04;
        point[1] = 1;
        let error = Subscription::from_raw(
            ENDPOINT,
            &point,
            &[7u8; AUTH_LEN],
            EndpointPolicy::HttpsOnly,
        )
        .expect_err("off curve");
        assert_eq!(error, SubscriptionError::P256dhNotOnCurve);
        assert_eq!(error.field(), "p256dh");
    }

    #[test]
    fn neither_debug_nor_errors_show_the_endpoint() {
        let sub =
            Subscription::new(ENDPOINT, P256DH, AUTH, EndpointPolicy::HttpsOnly).expect("valid");
        assert!(!format!("{sub:?}").contains("gAAAAABk"));
        let error = refused(
            "http://push.example.net/secret-device",
            P256DH,
            AUTH,
            EndpointPolicy::HttpsOnly,
        );
        assert!(!error.to_string().contains("secret-device"));
    }
}
