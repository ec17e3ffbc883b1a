//! A small OIDC issuer: own signing keys, JWKS on loopback, tokens minted on demand.
//!
//! [`DevIssuer`] serves what a validator fetches from a real issuer (Keycloak), over plain
//! HTTP on a loopback address:
//!
//! - `GET /.well-known/openid-configuration`: the discovery document (`issuer`, `jwks_uri`);
//! - `GET /jwks`: the published public keys.
//!
//! Tokens come from [`DevIssuer::token`] (valid ones, in Keycloak's claim layout) and
//! [`TokenBuilder::forge`] (the attacks a validator must refuse). [`DevIssuer::rotate`] makes
//! a new current key, keeping or dropping the old one from the JWKS; [`DevIssuer::set_available`]
//! makes the JWKS answer 503, as an issuer outage would. The server stops when the issuer is
//! dropped or [`DevIssuer::shutdown`] is awaited.
//!
//! [`DevIssuer::serve_tls`] serves the same over https, with a certificate from the test CA,
//! to prove that a validator checks the issuer's certificate against its trust anchors.
//!
//! For tests and local runs only: nothing here is hardened for production.

mod key;
mod token;

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use http::{Method, Request, Response, StatusCode, header};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub use key::{KEY_FILE, SigningKey};
pub use token::{
    DEFAULT_AUDIENCES, DEFAULT_TTL_SECS, Forgery, KEYCLOAK_DEFAULT_ROLES, TokenBuilder,
};

/// Path of the discovery document.
pub const DISCOVERY_PATH: &str = "/.well-known/openid-configuration";
/// Path of the JWKS.
pub const JWKS_PATH: &str = "/jwks";

/// Why the issuer could not start, load its key or sign.
#[derive(Debug, thiserror::Error)]
pub enum IssuerError {
    /// The key could not be generated or parsed.
    #[error("the signing key cannot be generated or read")]
    Key(#[source] rcgen::Error),
    /// The key is not an ECDSA P-256 key.
    #[error("the signing key is not an ECDSA P-256 key")]
    NotP256,
    /// Reading or writing the key directory, or binding the listener, failed.
    #[error("i/o error")]
    Io(#[source] std::io::Error),
    /// jsonwebtoken refused to sign.
    #[error("the token cannot be signed")]
    Sign(#[source] jsonwebtoken::errors::Error),
    /// A header or claims could not be serialised.
    #[error("the token cannot be serialised")]
    Json(#[source] serde_json::Error),
    /// A signed token did not have three parts (cannot happen with jsonwebtoken).
    #[error("a signed token has an unexpected shape")]
    Shape,
    /// The https certificate or key is not usable PEM.
    #[error("the https certificate or key is not valid PEM")]
    Pem,
    /// rustls refused the certificate and key.
    #[error("the https server cannot be configured")]
    Tls(#[source] rustls::Error),
}

/// What happens to the old key on [`DevIssuer::rotate`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OldKey {
    /// Stays in the JWKS: tokens it signed still verify (a graceful rotation).
    Keep,
    /// Leaves the JWKS: tokens it signed are refused once validators refresh.
    Drop,
}

/// The current key and every key the JWKS publishes (the current one included).
#[derive(Debug)]
struct KeyRing {
    current: SigningKey,
    published: Vec<SigningKey>,
}

#[derive(Debug)]
struct Shared {
    issuer_url: String,
    keys: Mutex<KeyRing>,
    available: AtomicBool,
    jwks_requests: AtomicUsize,
}

impl Shared {
    fn keys(&self) -> MutexGuard<'_, KeyRing> {
        // The ring is replaced whole under the lock, so a poisoned value is still consistent.
        self.keys
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A running development issuer. Dropping it stops the server.
#[derive(Debug)]
pub struct DevIssuer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    cancel: CancellationToken,
    server: Option<JoinHandle<()>>,
}

impl DevIssuer {
    /// An issuer with a fresh key on `127.0.0.1` and a free port.
    pub async fn start() -> Result<Self, IssuerError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(IssuerError::Io)?;
        Self::serve(listener, SigningKey::generate()?)
    }

    /// An issuer signing with `key`, serving on `listener` (bind it first, e.g. to port 0).
    /// The issuer URL is `http://<listener address>`. Must be called inside a Tokio runtime.
    pub fn serve(listener: TcpListener, key: SigningKey) -> Result<Self, IssuerError> {
        Self::serve_with(listener, key, None)
    }

    /// Like [`DevIssuer::serve`], over https with `cert_pem` (the chain, leaf first) and its
    /// `key_pem`; the issuer URL is `https://<listener address>`, so the certificate must name
    /// the listener's IP (the test CA's server certificates name `127.0.0.1` and `::1`).
    pub fn serve_tls(
        listener: TcpListener,
        key: SigningKey,
        cert_pem: &str,
        key_pem: &str,
    ) -> Result<Self, IssuerError> {
        let chain = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| IssuerError::Pem)?;
        let private =
            PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|_| IssuerError::Pem)?;
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(IssuerError::Tls)?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(IssuerError::Tls)?;
        Self::serve_with(listener, key, Some(TlsAcceptor::from(Arc::new(config))))
    }

    fn serve_with(
        listener: TcpListener,
        key: SigningKey,
        tls: Option<TlsAcceptor>,
    ) -> Result<Self, IssuerError> {
        let addr = listener.local_addr().map_err(IssuerError::Io)?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let shared = Arc::new(Shared {
            issuer_url: format!("{scheme}://{addr}"),
            keys: Mutex::new(KeyRing {
                current: key.clone(),
                published: vec![key],
            }),
            available: AtomicBool::new(true),
            jwks_requests: AtomicUsize::new(0),
        });
        let cancel = CancellationToken::new();
        let server = tokio::spawn(accept_loop(
            listener,
            tls,
            Arc::clone(&shared),
            cancel.clone(),
        ));
        Ok(Self {
            shared,
            addr,
            cancel,
            server: Some(server),
        })
    }

    /// The issuer URL (`iss`), e.g. `http://127.0.0.1:41234`.
    pub fn issuer_url(&self) -> &str {
        &self.shared.issuer_url
    }

    /// The JWKS URL.
    pub fn jwks_url(&self) -> String {
        format!("{}{JWKS_PATH}", self.shared.issuer_url)
    }

    /// The discovery document's URL.
    pub fn discovery_url(&self) -> String {
        format!("{}{DISCOVERY_PATH}", self.shared.issuer_url)
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The key new tokens are signed with.
    pub fn current_key(&self) -> SigningKey {
        self.shared.keys().current.clone()
    }

    /// The key ids the JWKS publishes now.
    pub fn published_kids(&self) -> Vec<String> {
        self.shared
            .keys()
            .published
            .iter()
            .map(|key| key.kid().to_owned())
            .collect()
    }

    /// Makes a fresh key current and publishes it; the old one stays or goes per `old`.
    /// Returns the new key.
    pub fn rotate(&self, old: OldKey) -> Result<SigningKey, IssuerError> {
        let new = SigningKey::generate()?;
        let mut ring = self.shared.keys();
        if old == OldKey::Drop {
            let retired = ring.current.kid().to_owned();
            ring.published.retain(|key| key.kid() != retired);
        }
        ring.published.push(new.clone());
        ring.current = new.clone();
        Ok(new)
    }

    /// Publishes `key` in the JWKS too (without making it current).
    pub fn publish(&self, key: &SigningKey) {
        let mut ring = self.shared.keys();
        if !ring.published.iter().any(|k| k.kid() == key.kid()) {
            ring.published.push(key.clone());
        }
    }

    /// With `false`, the JWKS and discovery endpoints answer 503 (an issuer outage).
    pub fn set_available(&self, available: bool) {
        self.shared.available.store(available, Ordering::SeqCst);
    }

    /// How many times the JWKS was requested (to observe caching and refetch throttling).
    pub fn jwks_requests(&self) -> usize {
        self.shared.jwks_requests.load(Ordering::SeqCst)
    }

    /// A builder for a valid token of this issuer, signed with the current key.
    pub fn token(&self) -> TokenBuilder {
        TokenBuilder::new(&self.shared.issuer_url, self.current_key())
    }

    /// Stops accepting, closes open connections and waits until the server has stopped.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for DevIssuer {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

async fn accept_loop(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    shared: Arc<Shared>,
    cancel: CancellationToken,
) {
    let connections = TaskTracker::new();
    loop {
        let stream = tokio::select! {
            () = cancel.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A failed accept (e.g. too many open files) concerns one connection only;
                // a short pause keeps a persistent failure from spinning.
                Err(_) => {
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let shared = Arc::clone(&shared);
        let cancel = cancel.clone();
        let tls = tls.clone();
        connections.spawn(async move {
            match tls {
                None => serve_connection(stream, shared, cancel).await,
                Some(acceptor) => {
                    let handshake = tokio::select! {
                        () = cancel.cancelled() => return,
                        handshake = acceptor.accept(stream) => handshake,
                    };
                    // A failed handshake (a client not trusting the test CA) ends this
                    // connection only.
                    if let Ok(stream) = handshake {
                        serve_connection(stream, shared, cancel).await;
                    }
                }
            }
        });
    }
    connections.close();
    connections.wait().await;
}

async fn serve_connection<I>(io: I, shared: Arc<Shared>, cancel: CancellationToken)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(respond(&shared, &request)) }
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        () = cancel.cancelled() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

fn respond(shared: &Shared, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    if request.method() != Method::GET {
        return status(StatusCode::METHOD_NOT_ALLOWED);
    }
    let path = request.uri().path();
    if path == JWKS_PATH {
        shared.jwks_requests.fetch_add(1, Ordering::SeqCst);
    }
    if !shared.available.load(Ordering::SeqCst) {
        return status(StatusCode::SERVICE_UNAVAILABLE);
    }
    let document = match path {
        DISCOVERY_PATH => json!({
            "issuer": shared.issuer_url,
            "jwks_uri": format!("{}{JWKS_PATH}", shared.issuer_url),
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["ES256"],
        }),
        JWKS_PATH => {
            let keys: Vec<_> = shared
                .keys()
                .published
                .iter()
                .map(SigningKey::jwk)
                .collect();
            json!({ "keys": keys })
        }
        _ => return status(StatusCode::NOT_FOUND),
    };
    let mut response = Response::new(Full::new(Bytes::from(document.to_string())));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = code;
    response
}
