//! The OIDC settings as written by an operator ([`OidcConfig`]) and as the validator uses them
//! ([`Settings`]): parsed once at start-up, so a bad setting stops the service instead of
//! letting tokens through (or refusing all of them) at run time.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use jsonwebtoken::Algorithm;
use serde::Deserialize;

use super::claims::ClaimPath;
use super::error::OidcError;

/// Largest accepted clock leeway: beyond a few minutes, `exp` would stop meaning much.
pub const MAX_LEEWAY_SECS: u64 = 300;

/// How access tokens of one OIDC issuer are validated for one service (the `oidc` section).
///
/// Every field has a default; `issuer` and `audience` must be set for a validator to be built.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OidcConfig {
    /// The issuer URL, compared exactly with the token's `iss` (for Keycloak
    /// `https://<host>/realms/<realm>`). `https://` required, `http://` only for loopback hosts.
    /// Default: none (required).
    pub issuer: Option<String>,
    /// This service's audience (its client id in the issuer): the token's `aud` must contain it.
    /// Default: none (required).
    pub audience: Option<String>,
    /// Where the issuer's JWKS is served. Default: none, i.e. OIDC discovery
    /// (`<issuer>/.well-known/openid-configuration` → `jwks_uri`).
    pub jwks_url: Option<String>,
    /// Signature algorithms accepted (the token's `alg` must be listed and fit its key).
    /// `none` and `HS256`/`HS384`/`HS512` are refused as a configuration error.
    /// Default `["RS256", "PS256", "ES256", "EdDSA"]`.
    pub algorithms: Vec<String>,
    /// Clock skew tolerated on `exp` and `nbf`, in seconds (at most 300). Default 30.
    pub leeway_secs: u64,
    /// Dotted path of the claim naming the tenant, e.g. `tenant` or `jobcenter.tenant`.
    /// Default `tenant`.
    pub tenant_claim: String,
    /// Dotted paths of claims holding role names; a segment `{audience}` stands for
    /// [`Self::audience`]. Unknown role names are ignored; at least one known role is required.
    /// Default `["realm_access.roles", "resource_access.{audience}.roles"]` (Keycloak's layout).
    pub roles_claims: Vec<String>,
    /// Dotted path of the claim naming the client software; if absent, `client_id`, else
    /// `unknown`. Default `azp`.
    pub client_claim: String,
    /// How often the JWKS is refreshed, in seconds (1 to 86400). Default 300.
    pub jwks_refresh_secs: u64,
    /// A token with an unknown `kid` triggers a refetch at most this often, in ms
    /// (0 to 3600000). Default 10000.
    pub jwks_min_refetch_ms: u64,
    /// How long cached keys stay in use while refreshes fail, in seconds (at least
    /// `jwks_refresh_secs`, at most 604800). Default 3600.
    pub jwks_max_age_secs: u64,
    /// Timeout of one fetch of the discovery document or the JWKS, in ms (100 to 60000).
    /// Default 5000.
    pub fetch_timeout_ms: u64,
    /// A PEM file of extra CA certificates trusted for the issuer's https, in addition to the
    /// system trust store. Default: none.
    pub ca_file: Option<PathBuf>,
}

impl Default for OidcConfig {
    fn default() -> Self {
        Self {
            issuer: None,
            audience: None,
            jwks_url: None,
            algorithms: ["RS256", "PS256", "ES256", "EdDSA"]
                .map(str::to_owned)
                .to_vec(),
            leeway_secs: 30,
            tenant_claim: "tenant".to_owned(),
            roles_claims: ["realm_access.roles", "resource_access.{audience}.roles"]
                .map(str::to_owned)
                .to_vec(),
            client_claim: "azp".to_owned(),
            jwks_refresh_secs: 300,
            jwks_min_refetch_ms: 10_000,
            jwks_max_age_secs: 3_600,
            fetch_timeout_ms: 5_000,
            ca_file: None,
        }
    }
}

impl OidcConfig {
    /// The defaults with `issuer` and `audience` set.
    pub fn new(issuer: impl Into<String>, audience: impl Into<String>) -> Self {
        Self {
            issuer: Some(issuer.into()),
            audience: Some(audience.into()),
            ..Self::default()
        }
    }
}

/// Where the JWKS comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JwksSource {
    /// A configured JWKS URL.
    Url(http::Uri),
    /// The discovery document at this URL names it.
    Discovery(http::Uri),
}

/// [`OidcConfig`] checked and parsed: what the validator works with.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub issuer: String,
    pub audience: String,
    pub jwks: JwksSource,
    pub algorithms: Vec<Algorithm>,
    pub leeway_secs: u64,
    pub tenant_claim: ClaimPath,
    pub roles_claims: Vec<ClaimPath>,
    pub client_claim: ClaimPath,
    pub refresh: Duration,
    pub min_refetch: Duration,
    pub max_age: Duration,
    pub fetch_timeout: Duration,
    pub ca_file: Option<PathBuf>,
    /// Whether any URL involved uses https (so trust anchors are needed).
    pub needs_tls: bool,
}

impl Settings {
    /// Checks every setting of `config`.
    pub fn from_config(config: &OidcConfig) -> Result<Self, OidcError> {
        let issuer = config
            .issuer
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(OidcError::MissingIssuer)?
            .to_owned();
        let issuer_uri = parse_url(&issuer, "issuer")?;
        let audience = config
            .audience
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .ok_or(OidcError::MissingAudience)?
            .to_owned();
        let jwks = match config.jwks_url.as_deref().map(str::trim) {
            Some(url) if !url.is_empty() => JwksSource::Url(parse_url(url, "jwks_url")?),
            _ => {
                let discovery = format!(
                    "{}/.well-known/openid-configuration",
                    issuer.trim_end_matches('/')
                );
                JwksSource::Discovery(parse_url(&discovery, "issuer")?)
            }
        };
        let needs_tls = is_https(&issuer_uri)
            || matches!(&jwks, JwksSource::Url(uri) | JwksSource::Discovery(uri) if is_https(uri));

        let algorithms = parse_algorithms(&config.algorithms)?;
        if config.leeway_secs > MAX_LEEWAY_SECS {
            return Err(OidcError::LeewayTooLarge {
                max: MAX_LEEWAY_SECS,
            });
        }
        let path = |text: &str, setting| {
            ClaimPath::parse(text, &audience).ok_or(OidcError::InvalidClaimPath { setting })
        };
        let tenant_claim = path(&config.tenant_claim, "tenant_claim")?;
        let client_claim = path(&config.client_claim, "client_claim")?;
        if config.roles_claims.is_empty() {
            return Err(OidcError::NoRolesClaims);
        }
        let roles_claims = config
            .roles_claims
            .iter()
            .map(|text| path(text, "roles_claims"))
            .collect::<Result<Vec<_>, _>>()?;

        let refresh_secs = in_range(config.jwks_refresh_secs, "jwks_refresh_secs", 1, 86_400)?;
        let min_refetch_ms = in_range(
            config.jwks_min_refetch_ms,
            "jwks_min_refetch_ms",
            0,
            3_600_000,
        )?;
        let max_age_secs = in_range(
            config.jwks_max_age_secs,
            "jwks_max_age_secs",
            refresh_secs,
            604_800,
        )?;
        let fetch_timeout_ms = in_range(config.fetch_timeout_ms, "fetch_timeout_ms", 100, 60_000)?;

        Ok(Self {
            issuer,
            audience,
            jwks,
            algorithms,
            leeway_secs: config.leeway_secs,
            tenant_claim,
            roles_claims,
            client_claim,
            refresh: Duration::from_secs(refresh_secs),
            min_refetch: Duration::from_millis(min_refetch_ms),
            max_age: Duration::from_secs(max_age_secs),
            fetch_timeout: Duration::from_millis(fetch_timeout_ms),
            ca_file: config.ca_file.clone(),
            needs_tls,
        })
    }
}

fn in_range(value: u64, setting: &'static str, min: u64, max: u64) -> Result<u64, OidcError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(OidcError::OutOfRange { setting, min, max })
    }
}

/// The allow-list, refusing `none` and every symmetric algorithm outright.
fn parse_algorithms(names: &[String]) -> Result<Vec<Algorithm>, OidcError> {
    let mut algorithms = Vec::new();
    for name in names {
        let name = name.trim();
        let upper = name.to_ascii_uppercase();
        if upper == "NONE" || upper.starts_with("HS") {
            return Err(OidcError::AlgorithmRefused(name.to_owned()));
        }
        let algorithm: Algorithm = name
            .parse()
            .map_err(|_| OidcError::UnsupportedAlgorithm(name.to_owned()))?;
        if !algorithms.contains(&algorithm) {
            algorithms.push(algorithm);
        }
    }
    if algorithms.is_empty() {
        return Err(OidcError::NoAlgorithms);
    }
    Ok(algorithms)
}

/// Parses an absolute http(s) URL; plain http only for loopback hosts.
pub(crate) fn parse_url(text: &str, setting: &'static str) -> Result<http::Uri, OidcError> {
    let uri: http::Uri = text
        .parse()
        .map_err(|_| OidcError::InvalidUrl { setting })?;
    match check_url(&uri) {
        UrlCheck::Ok => Ok(uri),
        UrlCheck::Invalid => Err(OidcError::InvalidUrl { setting }),
        UrlCheck::Insecure => Err(OidcError::InsecureUrl { setting }),
    }
}

/// The verdict on a URL: fine, not a usable absolute URL, or plain http to a remote host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UrlCheck {
    Ok,
    Invalid,
    Insecure,
}

/// Checks scheme, host and user info of `uri`.
pub(crate) fn check_url(uri: &http::Uri) -> UrlCheck {
    let Some(authority) = uri.authority() else {
        return UrlCheck::Invalid;
    };
    // User info in a URL is a classic way to disguise the real host.
    if authority.as_str().contains('@') || authority.host().is_empty() {
        return UrlCheck::Invalid;
    }
    match uri.scheme_str() {
        Some("https") => UrlCheck::Ok,
        Some("http") if is_loopback(authority.host()) => UrlCheck::Ok,
        Some("http") => UrlCheck::Insecure,
        _ => UrlCheck::Invalid,
    }
}

fn is_https(uri: &http::Uri) -> bool {
    uri.scheme_str() == Some("https")
}

/// `localhost` or a loopback IP literal (IPv6 in brackets).
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(config: &OidcConfig) -> Result<Settings, OidcError> {
        Settings::from_config(config)
    }

    fn base() -> OidcConfig {
        OidcConfig::new("https://id.example.de/realms/jc", "jobcenter-case")
    }

    #[test]
    fn the_defaults_use_discovery_and_keycloak_claims() {
        let parsed = settings(&base()).expect("valid");
        assert_eq!(
            parsed.jwks,
            JwksSource::Discovery(
                "https://id.example.de/realms/jc/.well-known/openid-configuration"
                    .parse()
                    .expect("uri")
            )
        );
        assert_eq!(
            parsed.algorithms,
            [
                Algorithm::RS256,
                Algorithm::PS256,
                Algorithm::ES256,
                Algorithm::EdDSA
            ]
        );
        assert_eq!(parsed.leeway_secs, 30);
        assert_eq!(parsed.roles_claims.len(), 2);
        assert_eq!(
            parsed.roles_claims[1].segments(),
            ["resource_access", "jobcenter-case", "roles"]
        );
        assert!(parsed.needs_tls);
    }

    #[test]
    fn issuer_and_audience_are_required() {
        assert!(matches!(
            settings(&OidcConfig::default()),
            Err(OidcError::MissingIssuer)
        ));
        let mut config = base();
        config.audience = Some("  ".into());
        assert!(matches!(settings(&config), Err(OidcError::MissingAudience)));
    }

    #[test]
    fn none_and_hmac_algorithms_are_a_configuration_error() {
        for refused in ["none", "NONE", "HS256", "HS384", "hs512"] {
            let mut config = base();
            config.algorithms = vec!["RS256".into(), refused.into()];
            assert!(
                matches!(settings(&config), Err(OidcError::AlgorithmRefused(_))),
                "{refused}"
            );
        }
        let mut config = base();
        config.algorithms = vec!["ES512".into()];
        assert!(matches!(
            settings(&config),
            Err(OidcError::UnsupportedAlgorithm(_))
        ));
        config.algorithms = vec![];
        assert!(matches!(settings(&config), Err(OidcError::NoAlgorithms)));
    }

    #[test]
    fn plain_http_is_allowed_for_loopback_hosts_only() {
        for ok in [
            "http://127.0.0.1:8080/realms/jc",
            "http://localhost:8080",
            "http://[::1]:9000",
            "https://keycloak.intern:8443/realms/jc",
        ] {
            let mut config = base();
            config.issuer = Some(ok.into());
            assert!(settings(&config).is_ok(), "{ok}");
        }
        let mut config = base();
        config.issuer = Some("http://keycloak.intern/realms/jc".into());
        assert!(matches!(
            settings(&config),
            Err(OidcError::InsecureUrl { setting: "issuer" })
        ));
        let mut config = base();
        config.jwks_url = Some("http://10.0.0.1/certs".into());
        assert!(matches!(
            settings(&config),
            Err(OidcError::InsecureUrl {
                setting: "jwks_url"
            })
        ));
        for invalid in [
            "ftp://id.example.de",
            "/realms/jc",
            "https://user@id.example.de",
        ] {
            let mut config = base();
            config.issuer = Some(invalid.into());
            assert!(
                matches!(settings(&config), Err(OidcError::InvalidUrl { .. })),
                "{invalid}"
            );
        }
    }

    #[test]
    fn a_configured_jwks_url_replaces_discovery() {
        let mut config = base();
        config.jwks_url =
            Some("https://id.example.de/realms/jc/protocol/openid-connect/certs".into());
        assert!(matches!(
            settings(&config).expect("valid").jwks,
            JwksSource::Url(_)
        ));
    }

    #[test]
    fn ranges_are_enforced() {
        let mut config = base();
        config.leeway_secs = MAX_LEEWAY_SECS + 1;
        assert!(matches!(
            settings(&config),
            Err(OidcError::LeewayTooLarge { .. })
        ));
        let mut config = base();
        config.jwks_refresh_secs = 0;
        assert!(matches!(
            settings(&config),
            Err(OidcError::OutOfRange {
                setting: "jwks_refresh_secs",
                ..
            })
        ));
        let mut config = base();
        config.jwks_max_age_secs = config.jwks_refresh_secs - 1;
        assert!(matches!(
            settings(&config),
            Err(OidcError::OutOfRange {
                setting: "jwks_max_age_secs",
                ..
            })
        ));
        let mut config = base();
        config.jwks_min_refetch_ms = 0;
        assert!(settings(&config).is_ok());
    }

    #[test]
    fn claim_paths_must_be_well_formed() {
        let mut config = base();
        config.tenant_claim = "jobcenter..tenant".into();
        assert!(matches!(
            settings(&config),
            Err(OidcError::InvalidClaimPath {
                setting: "tenant_claim"
            })
        ));
        let mut config = base();
        config.roles_claims = vec![];
        assert!(matches!(settings(&config), Err(OidcError::NoRolesClaims)));
    }

    #[test]
    fn the_config_deserializes_from_toml_with_defaults_and_refuses_unknown_keys() {
        use figment::Figment;
        use figment::providers::{Format, Toml};

        let config: OidcConfig = Figment::new()
            .merge(Toml::string(
                r#"
                issuer = "https://id.example.de/realms/jc"
                audience = "jobcenter-intake"
                tenant_claim = "jobcenter.tenant"
                "#,
            ))
            .extract()
            .expect("valid toml");
        assert_eq!(config.tenant_claim, "jobcenter.tenant");
        assert_eq!(config.leeway_secs, 30);
        assert_eq!(config.client_claim, "azp");

        let unknown: Result<OidcConfig, _> = Figment::new()
            .merge(Toml::string(r#"isuer = "https://typo.example""#))
            .extract();
        assert!(unknown.is_err());
    }
}
