//! Fetching the issuer's discovery document and JWKS over HTTPS (rustls with ring).
//!
//! Every fetch is bounded: one timeout for connect, request and body, and a cap on the body's
//! size, so a slow or hostile endpoint cannot hold a validator or fill its memory. Redirects
//! are not followed: the configured (or discovered) URL is the one trusted.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde::Deserialize;

use super::config::{Settings, UrlCheck, check_url};
use super::error::{JwksError, OidcError};

/// Largest discovery document or JWKS accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// An HTTP(S) client for one issuer.
#[derive(Clone)]
pub struct Fetcher {
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    timeout: Duration,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The part of an OpenID Provider's metadata the validator needs.
#[derive(Debug, Deserialize)]
struct Discovery {
    issuer: String,
    jwks_uri: String,
}

impl Fetcher {
    /// A client trusting the system's CAs plus `settings.ca_file`. Reads files, no network.
    pub fn new(settings: &Settings) -> Result<Self, OidcError> {
        let mut roots = RootCertStore::empty();
        // Unreadable system certificates are not fatal: an internal issuer may rely on
        // `ca_file` alone (distroless images carry no CA bundle).
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        if let Some(path) = &settings.ca_file {
            let pem = std::fs::read(path).map_err(OidcError::CaFile)?;
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
                .collect::<Result<_, _>>()
                .map_err(|_| OidcError::CaFileEmpty)?;
            if certs.is_empty() {
                return Err(OidcError::CaFileEmpty);
            }
            for cert in certs {
                roots.add(cert).map_err(|_| OidcError::CaFileEmpty)?;
            }
        }
        if settings.needs_tls && roots.is_empty() {
            return Err(OidcError::NoTrustAnchors);
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(OidcError::Tls)?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            // Plain http is allowed by the URL checks for loopback hosts only.
            .https_or_http()
            .enable_http1()
            .build();
        let client = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Self {
            client,
            timeout: settings.fetch_timeout,
        })
    }

    /// The JWKS URL named by the discovery document at `discovery`, after checking that the
    /// document speaks for `issuer` (OpenID Connect Discovery §4.3).
    pub async fn discover(
        &self,
        discovery: &http::Uri,
        issuer: &str,
    ) -> Result<http::Uri, JwksError> {
        let body = self.get(discovery).await?;
        let document: Discovery =
            serde_json::from_slice(&body).map_err(|error| JwksError::Json("discovery", error))?;
        if document.issuer != issuer {
            return Err(JwksError::IssuerMismatch);
        }
        let uri: http::Uri = document
            .jwks_uri
            .parse()
            .map_err(|_| JwksError::InsecureJwksUri)?;
        match check_url(&uri) {
            UrlCheck::Ok => Ok(uri),
            UrlCheck::Invalid | UrlCheck::Insecure => Err(JwksError::InsecureJwksUri),
        }
    }

    /// GET `uri`, expecting 200 and a body of at most [`MAX_BODY_BYTES`].
    pub async fn get(&self, uri: &http::Uri) -> Result<Bytes, JwksError> {
        tokio::time::timeout(self.timeout, self.get_unbounded(uri))
            .await
            .map_err(|_| JwksError::Timeout)?
    }

    async fn get_unbounded(&self, uri: &http::Uri) -> Result<Bytes, JwksError> {
        let request = http::Request::get(uri.clone())
            .header(http::header::ACCEPT, "application/json")
            .body(Empty::new())
            .map_err(JwksError::Request)?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(JwksError::Transport)?;
        if response.status() != http::StatusCode::OK {
            return Err(JwksError::Status(response.status().as_u16()));
        }
        let collected = Limited::new(response.into_body(), MAX_BODY_BYTES)
            .collect()
            .await
            .map_err(|error| {
                if error.is::<http_body_util::LengthLimitError>() {
                    JwksError::TooLarge(MAX_BODY_BYTES)
                } else {
                    JwksError::Body(error)
                }
            })?;
        Ok(collected.to_bytes())
    }
}
