//! The server's security set-up, checked and loaded from [`ServerConfig`] before anything
//! listens: a production server without TLS or without any way to authenticate callers does not
//! start, with an error that names the settings to fix.

use crate::auth::oidc::{OidcError, TokenValidator};
use crate::auth::tls::{
    Acceptor, HandshakeFailures, InvalidTrustDomain, TlsFiles, TlsSetupError, TrustDomain,
    server_config,
};
use crate::config::{SecurityMode, ServerConfig};

/// Why the server's security configuration is unusable.
#[derive(Debug, thiserror::Error)]
pub enum SecurityConfigError {
    /// Production mode without a server certificate.
    #[error(
        "production mode requires TLS on the gRPC port: set server.tls.cert_file and \
         server.tls.key_file (server.mode = \"development\" allows plaintext for local runs)"
    )]
    TlsRequired,
    /// Only one of the certificate and the key is set.
    #[error("server.tls.cert_file and server.tls.key_file must be set together")]
    IncompleteTls,
    /// Production mode with neither tokens nor client certificates.
    #[error(
        "production mode requires a way to authenticate callers: set server.oidc (access \
         tokens) or server.tls.client_ca_file (client certificates), or both"
    )]
    NoAuthentication,
    /// A client CA without TLS on the port.
    #[error("server.tls.client_ca_file needs server.tls.cert_file and server.tls.key_file")]
    ClientCaWithoutTls,
    /// Client certificates required without a CA to verify them.
    #[error("server.tls.require_client_certificate needs server.tls.client_ca_file")]
    RequiredWithoutClientCa,
    /// A client CA without a trust domain to read certificates in.
    #[error("server.tls.client_ca_file needs server.tls.trust_domain")]
    TrustDomainMissing,
    /// The trust domain is not a valid SPIFFE trust domain.
    #[error("invalid server.tls.trust_domain")]
    TrustDomain(#[source] InvalidTrustDomain),
    /// A handshake timeout of zero would refuse every connection.
    #[error("server.tls.handshake_timeout_ms must be greater than 0")]
    HandshakeTimeout,
    /// The certificate, key or client CA files are unusable.
    #[error("the TLS configuration could not be loaded")]
    Tls(#[source] TlsSetupError),
    /// The OIDC settings are invalid.
    #[error("invalid server.oidc")]
    Oidc(#[source] OidcError),
}

/// What the server needs to secure its port: how to accept connections, how to check tokens.
#[derive(Debug)]
pub(crate) struct Security {
    pub(crate) acceptor: Acceptor,
    pub(crate) tokens: Option<TokenValidator>,
}

impl Security {
    /// Checks `cfg` and loads its files; `failures` counts the failed handshakes.
    pub(crate) fn load(
        cfg: &ServerConfig,
        failures: HandshakeFailures,
    ) -> Result<Security, SecurityConfigError> {
        let tls = &cfg.tls;
        let production = cfg.mode == SecurityMode::Production;
        let files = match (&tls.cert_file, &tls.key_file) {
            (Some(cert_file), Some(key_file)) => Some((cert_file, key_file)),
            (None, None) => None,
            _ => return Err(SecurityConfigError::IncompleteTls),
        };
        if production && files.is_none() {
            return Err(SecurityConfigError::TlsRequired);
        }
        if production && cfg.oidc.is_none() && tls.client_ca_file.is_none() {
            return Err(SecurityConfigError::NoAuthentication);
        }
        if tls.client_ca_file.is_some() && files.is_none() {
            return Err(SecurityConfigError::ClientCaWithoutTls);
        }
        if tls.require_client_certificate && tls.client_ca_file.is_none() {
            return Err(SecurityConfigError::RequiredWithoutClientCa);
        }
        let trust_domain = match (&tls.client_ca_file, &tls.trust_domain) {
            (Some(_), None) => return Err(SecurityConfigError::TrustDomainMissing),
            (_, Some(domain)) => {
                Some(TrustDomain::parse(domain).map_err(SecurityConfigError::TrustDomain)?)
            }
            (None, None) => None,
        };
        if tls.handshake_timeout_ms == 0 {
            return Err(SecurityConfigError::HandshakeTimeout);
        }

        let tokens = cfg
            .oidc
            .clone()
            .map(TokenValidator::new)
            .transpose()
            .map_err(SecurityConfigError::Oidc)?;
        let acceptor = match files {
            Some((cert_file, key_file)) => {
                let config = server_config(&TlsFiles {
                    cert_file,
                    key_file,
                    client_ca_file: tls.client_ca_file.as_deref(),
                    require_client_certificate: tls.require_client_certificate,
                })
                .map_err(SecurityConfigError::Tls)?;
                Acceptor::tls(config, trust_domain, tls.handshake_timeout())
            }
            None => Acceptor::plaintext(),
        }
        .with_failure_counter(failures);

        if !production {
            warn_development_mode(acceptor.is_tls());
        }
        Ok(Security { acceptor, tokens })
    }
}

/// The banner no one should miss in a log of a development-mode server.
fn warn_development_mode(tls: bool) {
    tracing::warn!(
        tls,
        "**************** DEVELOPMENT MODE ****************\n\
         Callers are trusted by their x-jc-tenant, x-jc-subject and x-jc-roles metadata \
         WITHOUT ANY PROOF, so anyone who can reach this port can act as any caseworker of any \
         jobcenter and read social data{}. Never run this outside a test or a local demo: set \
         server.mode = \"production\" with TLS and OIDC or client certificates.",
        if tls {
            ""
        } else {
            ", and the port speaks plaintext"
        }
    );
}
