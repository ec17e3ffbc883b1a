//! OIDC access tokens (JWT), validated against the issuer's JWKS.
//!
//! A [`TokenValidator`] checks a bearer token of one issuer for one service (audience) and
//! answers with the [`CallerContext`] it stands for, or a [`TokenError`] naming the reason:
//!
//! 1. header: a compact JWS, `alg` on the allow-list (`none` and HMAC never are), no `crit`,
//!    `typ` of an access token ([`header`]);
//! 2. key: by `kid` from the cached JWKS, refetched when the issuer rotates ([`keys`]); the
//!    token's `alg` must be one the key may verify, and symmetric keys are never used ([`jwks`]);
//! 3. signature, then `iss` (exact), `aud` (contains this service), `exp` (required) and `nbf`
//!    with the configured leeway (jsonwebtoken);
//! 4. claims: tenant, roles (Keycloak's layout by default), subject and client ([`claims`]).
//!
//! Construction reads files only (CA certificates); keys are fetched on first need. Call
//! [`TokenValidator::spawn_refresh`] at start-up to fetch them ahead of the first call and keep
//! them fresh in the background; without it, a token finding the keys stale refreshes them.
//! See `docs/security/oidc.md` for the settings and the Keycloak set-up.

mod claims;
mod config;
mod error;
mod fetch;
mod header;
mod jwks;
mod keys;

use std::sync::Arc;

use jsonwebtoken::Validation;
use jsonwebtoken::errors::ErrorKind;
use serde_json::{Map, Value};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub use claims::AUDIENCE_PLACEHOLDER;
pub use config::{MAX_LEEWAY_SECS, OidcConfig};
pub use error::{JwksError, OidcError, TokenError};
pub use fetch::MAX_BODY_BYTES as MAX_JWKS_BYTES;
pub use header::MAX_TOKEN_BYTES;

use crate::caller::CallerContext;
use claims::ClaimMapping;
use config::Settings;
use keys::KeyCache;

/// Validates bearer tokens of one issuer for one audience. Cheap to clone (shared cache).
#[derive(Debug, Clone)]
pub struct TokenValidator {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    settings: Settings,
    mapping: ClaimMapping,
    keys: KeyCache,
}

impl TokenValidator {
    /// A validator for `config`. Checks every setting and reads `ca_file`; no network access.
    pub fn new(config: OidcConfig) -> Result<TokenValidator, OidcError> {
        let settings = Settings::from_config(&config)?;
        let mapping = ClaimMapping {
            tenant: settings.tenant_claim.clone(),
            roles: settings.roles_claims.clone(),
            client: settings.client_claim.clone(),
        };
        let keys = KeyCache::new(&settings)?;
        Ok(TokenValidator {
            inner: Arc::new(Inner {
                settings,
                mapping,
                keys,
            }),
        })
    }

    /// The issuer whose tokens are accepted.
    pub fn issuer(&self) -> &str {
        &self.inner.settings.issuer
    }

    /// The audience a token must name.
    pub fn audience(&self) -> &str {
        &self.inner.settings.audience
    }

    /// The caller a valid `token` (without the `Bearer ` prefix) stands for.
    pub async fn validate(&self, token: &str) -> Result<CallerContext, TokenError> {
        let settings = &self.inner.settings;
        let header = header::read(token, &settings.algorithms)?;
        let key = self.inner.keys.key_for(header.kid.as_deref()).await?;
        if !key.algorithms.contains(&header.alg) {
            return Err(TokenError::AlgorithmKeyMismatch);
        }

        let mut validation = Validation::new(header.alg);
        validation.leeway = settings.leeway_secs;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        validation.set_issuer(&[&settings.issuer]);
        validation.set_audience(&[&settings.audience]);
        // jsonwebtoken skips the issuer and audience checks when the claim is absent.
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let data = jsonwebtoken::decode::<Map<String, Value>>(token, &key.key, &validation)
            .map_err(|error| map_jwt_error(error.kind()))?;

        // jsonwebtoken also accepts an array `iss` naming the issuer among others; RFC 7519
        // knows only a string, and "exact" means exact.
        if data.claims.get("iss").and_then(Value::as_str) != Some(settings.issuer.as_str()) {
            return Err(TokenError::WrongIssuer);
        }
        // Keycloak marks its tokens: `Bearer` for access tokens, `ID`, `Refresh`, ... otherwise.
        if let Some(Value::String(typ)) = data.claims.get("typ")
            && !typ.eq_ignore_ascii_case("bearer")
        {
            return Err(TokenError::WrongTokenType);
        }
        self.inner.mapping.caller(&data.claims)
    }

    /// Fetches the keys now and then every `jwks_refresh_secs` until `cancel` fires. A failed
    /// fetch is logged (the keys already cached stay in use up to `jwks_max_age_secs`).
    pub fn spawn_refresh(&self, cancel: CancellationToken) -> JoinHandle<()> {
        let validator = self.clone();
        tokio::spawn(async move {
            let interval = validator.inner.keys.refresh_interval();
            loop {
                // Failures are logged inside; the next round tries again.
                let _ = validator.inner.keys.refresh_now().await;
                tokio::select! {
                    () = cancel.cancelled() => break,
                    () = tokio::time::sleep(interval) => {}
                }
            }
        })
    }

    /// Fetches the issuer's keys now (at most every `jwks_min_refetch_ms`), e.g. at start-up
    /// to find a misconfigured issuer before the first call does.
    pub async fn refresh_keys(&self) -> Result<(), TokenError> {
        self.inner.keys.refresh_now().await
    }
}

/// jsonwebtoken's verdict as a [`TokenError`].
fn map_jwt_error(kind: &ErrorKind) -> TokenError {
    match kind {
        ErrorKind::InvalidSignature
        | ErrorKind::InvalidEcdsaKey
        | ErrorKind::InvalidEddsaKey
        | ErrorKind::InvalidRsaKey(_)
        | ErrorKind::InvalidKeyFormat => TokenError::BadSignature,
        ErrorKind::InvalidAlgorithm | ErrorKind::UnsupportedAlgorithm => {
            TokenError::AlgorithmKeyMismatch
        }
        ErrorKind::ExpiredSignature => TokenError::Expired,
        ErrorKind::ImmatureSignature => TokenError::NotYetValid,
        ErrorKind::InvalidIssuer => TokenError::WrongIssuer,
        ErrorKind::InvalidAudience => TokenError::WrongAudience,
        ErrorKind::MissingRequiredClaim(claim) => match claim.as_str() {
            "exp" => TokenError::MissingExpiry,
            "iss" => TokenError::WrongIssuer,
            "aud" => TokenError::WrongAudience,
            _ => TokenError::Malformed,
        },
        _ => TokenError::Malformed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonwebtoken_errors_map_to_specific_reasons() {
        let cases = [
            (ErrorKind::InvalidSignature, "token_bad_signature"),
            (ErrorKind::ExpiredSignature, "token_expired"),
            (ErrorKind::ImmatureSignature, "token_not_yet_valid"),
            (ErrorKind::InvalidIssuer, "token_wrong_issuer"),
            (ErrorKind::InvalidAudience, "token_wrong_audience"),
            (
                ErrorKind::MissingRequiredClaim("exp".into()),
                "token_missing_exp",
            ),
            (
                ErrorKind::MissingRequiredClaim("iss".into()),
                "token_wrong_issuer",
            ),
            (
                ErrorKind::MissingRequiredClaim("aud".into()),
                "token_wrong_audience",
            ),
            (ErrorKind::InvalidAlgorithm, "token_algorithm_key_mismatch"),
            (ErrorKind::InvalidToken, "token_malformed"),
            (
                ErrorKind::InvalidClaimFormat("nbf".into()),
                "token_malformed",
            ),
        ];
        for (kind, reason) in cases {
            assert_eq!(map_jwt_error(&kind).reason(), reason, "{kind:?}");
        }
    }

    #[test]
    fn construction_checks_the_config_without_network() {
        let validator = TokenValidator::new(OidcConfig::new(
            "https://id.example.invalid/realms/jc",
            "jobcenter-case",
        ))
        .expect("valid config");
        assert_eq!(validator.issuer(), "https://id.example.invalid/realms/jc");
        assert_eq!(validator.audience(), "jobcenter-case");
        assert!(matches!(
            TokenValidator::new(OidcConfig::default()),
            Err(OidcError::MissingIssuer)
        ));
    }
}
