//! Why a token, a configuration or a JWKS fetch was refused.
//!
//! Three error types for three audiences: [`TokenError`] goes to the authentication layer (and,
//! through [`TokenError::reason`], into the read-access log), [`OidcError`] stops a service at
//! start-up, [`JwksError`] explains to an operator why the issuer's keys could not be fetched.
//! None of them ever carries a token or a claim's value: they name settings and reasons only.

use std::sync::Arc;

/// Why an access token was refused. Messages never contain the token or its claims' values.
#[derive(Debug, Clone, thiserror::Error)]
pub enum TokenError {
    /// Not a compact JWS of three base64url parts with a JSON header and payload, larger than
    /// the size cap, or with a claim of the wrong type.
    #[error("the access token is malformed")]
    Malformed,
    /// The header's `alg` is not in the allow-list (`none` and HMAC never are).
    #[error("the token's signature algorithm is not allowed")]
    AlgorithmNotAllowed,
    /// The header's `alg` does not fit the issuer's key for its `kid` (e.g. ES384 for a P-256 key).
    #[error("the token's signature algorithm does not fit the issuer's key")]
    AlgorithmKeyMismatch,
    /// The token is not an access token (e.g. a Keycloak ID token or logout token).
    #[error("the token is not an access token")]
    WrongTokenType,
    /// No key of the issuer's JWKS has the token's `kid`, or the token names no `kid` while the
    /// JWKS holds more than one key.
    #[error("the token's signing key is unknown")]
    UnknownKey,
    /// The signature does not verify with the issuer's key.
    #[error("the token's signature is invalid")]
    BadSignature,
    /// `iss` is missing or not the configured issuer.
    #[error("the token was issued by another issuer")]
    WrongIssuer,
    /// `aud` is missing or does not contain this service's audience.
    #[error("the token is meant for another audience")]
    WrongAudience,
    /// The token has no `exp`: tokens without an end are refused.
    #[error("the token has no expiry")]
    MissingExpiry,
    /// `exp` lies in the past by more than the leeway.
    #[error("the token has expired")]
    Expired,
    /// `nbf` lies in the future by more than the leeway.
    #[error("the token is not yet valid")]
    NotYetValid,
    /// The configured tenant claim is absent.
    #[error("the token names no tenant")]
    MissingTenant,
    /// The tenant claim is not a valid tenant id (or names several tenants).
    #[error("the token's tenant is not a valid tenant id")]
    InvalidTenant,
    /// None of the role claims holds a role this platform knows.
    #[error("the token grants no known role")]
    NoKnownRole,
    /// `sub` is absent.
    #[error("the token names no subject")]
    MissingSubject,
    /// `sub` is not 1 to 128 visible ASCII characters.
    #[error("the token's subject must be 1 to 128 visible ASCII characters")]
    InvalidSubject,
    /// The client claim is present but not 1 to 128 visible ASCII characters.
    #[error("the token's client must be 1 to 128 visible ASCII characters")]
    InvalidClient,
    /// The issuer's keys could not be fetched (and no usable cached keys exist).
    #[error("the issuer's signing keys are unavailable")]
    JwksUnavailable(#[source] Arc<JwksError>),
}

impl TokenError {
    /// A fixed, content-free code for the read-access log and metrics, e.g. `token_expired`.
    pub fn reason(&self) -> &'static str {
        match self {
            TokenError::Malformed => "token_malformed",
            TokenError::AlgorithmNotAllowed => "token_algorithm_not_allowed",
            TokenError::AlgorithmKeyMismatch => "token_algorithm_key_mismatch",
            TokenError::WrongTokenType => "token_wrong_type",
            TokenError::UnknownKey => "token_unknown_key",
            TokenError::BadSignature => "token_bad_signature",
            TokenError::WrongIssuer => "token_wrong_issuer",
            TokenError::WrongAudience => "token_wrong_audience",
            TokenError::MissingExpiry => "token_missing_exp",
            TokenError::Expired => "token_expired",
            TokenError::NotYetValid => "token_not_yet_valid",
            TokenError::MissingTenant => "token_missing_tenant",
            TokenError::InvalidTenant => "token_invalid_tenant",
            TokenError::NoKnownRole => "token_no_known_role",
            TokenError::MissingSubject => "token_missing_subject",
            TokenError::InvalidSubject => "token_invalid_subject",
            TokenError::InvalidClient => "token_invalid_client",
            TokenError::JwksUnavailable(_) => "jwks_unavailable",
        }
    }

    /// Whether the fault lies with the issuer's availability rather than the token: the layer
    /// may answer `UNAVAILABLE` instead of `UNAUTHENTICATED`, so clients retry instead of
    /// asking the user to log in again.
    pub fn is_issuer_unavailable(&self) -> bool {
        matches!(self, TokenError::JwksUnavailable(_))
    }
}

/// Why the OIDC configuration was refused (at start-up, before any network access).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// `issuer` is not set.
    #[error("oidc.issuer is required")]
    MissingIssuer,
    /// `audience` is not set or empty.
    #[error("oidc.audience is required")]
    MissingAudience,
    /// A URL setting is not an absolute `https://` or `http://` URL with a host.
    #[error("oidc.{setting} is not an absolute http(s) URL without user info")]
    InvalidUrl {
        /// The setting's name.
        setting: &'static str,
    },
    /// A URL setting uses plain `http://` for a host that is not loopback.
    #[error("oidc.{setting} must use https (plain http is allowed for loopback hosts only)")]
    InsecureUrl {
        /// The setting's name.
        setting: &'static str,
    },
    /// `none` or an HMAC algorithm was configured: they would let anyone who knows the public
    /// key (or no key at all) forge tokens.
    #[error("oidc.algorithms must not contain {0}: only asymmetric algorithms are allowed")]
    AlgorithmRefused(String),
    /// An algorithm name this validator does not know.
    #[error("oidc.algorithms contains the unsupported algorithm {0}")]
    UnsupportedAlgorithm(String),
    /// The algorithm allow-list is empty.
    #[error("oidc.algorithms must name at least one algorithm")]
    NoAlgorithms,
    /// `leeway_secs` is larger than allowed.
    #[error("oidc.leeway_secs must be at most {max}")]
    LeewayTooLarge {
        /// The largest allowed leeway in seconds.
        max: u64,
    },
    /// A claim path is empty or has an empty segment.
    #[error("oidc.{setting} holds an invalid claim path (dot-separated, no empty segments)")]
    InvalidClaimPath {
        /// The setting's name.
        setting: &'static str,
    },
    /// `roles_claims` is empty.
    #[error("oidc.roles_claims must name at least one claim")]
    NoRolesClaims,
    /// An interval setting is out of its range.
    #[error("oidc.{setting} must be between {min} and {max}")]
    OutOfRange {
        /// The setting's name.
        setting: &'static str,
        /// Smallest allowed value.
        min: u64,
        /// Largest allowed value.
        max: u64,
    },
    /// `ca_file` could not be read.
    #[error("oidc.ca_file cannot be read")]
    CaFile(#[source] std::io::Error),
    /// `ca_file` holds no usable certificate.
    #[error("oidc.ca_file holds no usable PEM certificate")]
    CaFileEmpty,
    /// The issuer uses https but neither the system trust store nor `ca_file` gave a trust anchor.
    #[error(
        "no trust anchor for the issuer's https: install the system CA bundle or set oidc.ca_file"
    )]
    NoTrustAnchors,
    /// The TLS client could not be configured.
    #[error("the TLS client for the issuer cannot be configured")]
    Tls(#[source] rustls::Error),
}

/// Why the issuer's discovery document or JWKS could not be fetched or used.
#[derive(Debug, thiserror::Error)]
pub enum JwksError {
    /// The HTTP request could not be built (a URL that parsed at start-up but not as a request).
    #[error("the request to the issuer cannot be built")]
    Request(#[source] http::Error),
    /// Connecting or talking HTTP failed.
    #[error("the issuer cannot be reached")]
    Transport(#[source] hyper_util::client::legacy::Error),
    /// The issuer did not answer in time.
    #[error("the issuer did not answer within the fetch timeout")]
    Timeout,
    /// The issuer answered with a status other than 200.
    #[error("the issuer answered HTTP {0}")]
    Status(u16),
    /// The body was larger than the cap.
    #[error("the issuer's answer exceeds {0} bytes")]
    TooLarge(usize),
    /// Reading the body failed.
    #[error("the issuer's answer could not be read")]
    Body(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The body is not the expected JSON document.
    #[error("the issuer's answer is not a valid {0} document")]
    Json(&'static str, #[source] serde_json::Error),
    /// The discovery document names another issuer than the configured one.
    #[error("the discovery document names another issuer than oidc.issuer")]
    IssuerMismatch,
    /// The discovery document's `jwks_uri` is not an https (or loopback http) URL.
    #[error("the discovery document's jwks_uri is not an https URL (http only for loopback)")]
    InsecureJwksUri,
    /// The JWKS holds no key usable with the allowed algorithms.
    #[error("the JWKS holds no signing key usable with oidc.algorithms")]
    NoUsableKey,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_distinct_snake_case_codes() {
        let errors = [
            TokenError::Malformed,
            TokenError::AlgorithmNotAllowed,
            TokenError::AlgorithmKeyMismatch,
            TokenError::WrongTokenType,
            TokenError::UnknownKey,
            TokenError::BadSignature,
            TokenError::WrongIssuer,
            TokenError::WrongAudience,
            TokenError::MissingExpiry,
            TokenError::Expired,
            TokenError::NotYetValid,
            TokenError::MissingTenant,
            TokenError::InvalidTenant,
            TokenError::NoKnownRole,
            TokenError::MissingSubject,
            TokenError::InvalidSubject,
            TokenError::InvalidClient,
            TokenError::JwksUnavailable(Arc::new(JwksError::Timeout)),
        ];
        let mut reasons: Vec<_> = errors.iter().map(TokenError::reason).collect();
        for reason in &reasons {
            assert!(
                reason.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{reason}"
            );
        }
        reasons.sort_unstable();
        reasons.dedup();
        assert_eq!(reasons.len(), errors.len());
        assert!(errors.last().is_some_and(TokenError::is_issuer_unavailable));
        assert!(!TokenError::Expired.is_issuer_unavailable());
    }
}
