//! The accept loop of the gRPC port: TCP connections in, [`Connection`]s out, with the TLS
//! handshake done here rather than inside tonic.
//!
//! Owning the handshake makes its failures observable: each is logged with the peer's address
//! and a fixed reason (never certificate contents) and counted ([`HandshakeFailures`]). It also
//! lets the verified client certificate be read once per connection and handed to the tower
//! layers in [`ConnectionInfo`](super::ConnectionInfo). Handshakes run in their own tasks with a
//! timeout, so a slow or silent client never holds up the accept loop.

use std::collections::BTreeMap;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::Stream;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

use super::connection::{ClientCertificate, Connection};
use super::spiffe::{CertificateError, TrustDomain, caller_from_certificate};

/// Accepted connections waiting for the server to take them.
const BACKLOG: usize = 64;
/// Pause after a failed `accept` (e.g. out of file descriptors), so the loop does not spin.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// The pseudo-RPC under which failed TLS handshakes are recorded (no RPC was reached).
pub const HANDSHAKE_RPC: &str = "/_tls/handshake";

/// How many TLS handshakes of a server failed, in total and by reason (shared, cheap to
/// clone).
#[derive(Debug, Clone, Default)]
pub struct HandshakeFailures(Arc<Counts>);

#[derive(Debug, Default)]
struct Counts {
    total: AtomicU64,
    by_reason: Mutex<BTreeMap<&'static str, u64>>,
}

impl HandshakeFailures {
    /// Failed handshakes so far.
    pub fn count(&self) -> u64 {
        self.0.total.load(Ordering::Acquire)
    }

    /// Failed handshakes so far with `reason` (e.g. `client_certificate_expired`).
    pub fn count_of(&self, reason: &str) -> u64 {
        self.0
            .by_reason
            .lock()
            .map_or(0, |counts| counts.get(reason).copied().unwrap_or(0))
    }

    fn record(&self, reason: &'static str) {
        if let Ok(mut counts) = self.0.by_reason.lock() {
            *counts.entry(reason).or_default() += 1;
        }
        // Counted last, so that a reader seeing the total also sees the reason.
        self.0.total.fetch_add(1, Ordering::Release);
    }
}

/// How the accept loop turns TCP connections into [`Connection`]s.
#[derive(Clone)]
pub struct Acceptor {
    tls: Option<TlsAcceptor>,
    trust_domain: Option<TrustDomain>,
    handshake_timeout: Duration,
    failures: HandshakeFailures,
    recorder: Option<crate::audit::SharedRefusalRecorder>,
}

impl std::fmt::Debug for Acceptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Acceptor")
            .field("tls", &self.tls.is_some())
            .field("trust_domain", &self.trust_domain)
            .field("handshake_timeout", &self.handshake_timeout)
            .finish()
    }
}

impl Acceptor {
    /// Plaintext connections, no handshake.
    pub fn plaintext() -> Self {
        Self {
            tls: None,
            trust_domain: None,
            handshake_timeout: Duration::ZERO,
            failures: HandshakeFailures::default(),
            recorder: None,
        }
    }

    /// TLS connections with `config`; client certificates are read in `trust_domain`.
    pub fn tls(
        config: Arc<rustls::ServerConfig>,
        trust_domain: Option<TrustDomain>,
        handshake_timeout: Duration,
    ) -> Self {
        Self {
            tls: Some(TlsAcceptor::from(config)),
            trust_domain,
            handshake_timeout,
            failures: HandshakeFailures::default(),
            recorder: None,
        }
    }

    /// Counts failed handshakes in `failures` (e.g. a counter the server handed out earlier).
    pub fn with_failure_counter(mut self, failures: HandshakeFailures) -> Self {
        self.failures = failures;
        self
    }

    /// Reports failed handshakes (but connections closed before a ClientHello: probes and
    /// scans) to `recorder`, as refused calls of the pseudo-RPC [`HANDSHAKE_RPC`].
    pub fn with_refusal_recorder(mut self, recorder: crate::audit::SharedRefusalRecorder) -> Self {
        self.recorder = Some(recorder);
        self
    }

    /// Whether connections are TLS.
    pub fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// The counter of this acceptor's failed handshakes.
    pub fn failures(&self) -> HandshakeFailures {
        self.failures.clone()
    }

    /// Accepts on `listener` until `cancel` fires or the stream is dropped. The returned task
    /// owns the listener: once it has finished, the port is closed.
    pub fn spawn(
        self,
        listener: TcpListener,
        cancel: CancellationToken,
    ) -> (
        impl Stream<Item = Result<Connection, io::Error>> + Send + 'static,
        JoinHandle<()>,
    ) {
        let (tx, mut rx) = mpsc::channel(BACKLOG);
        let task = tokio::spawn(self.accept_loop(listener, tx, cancel));
        let stream = futures::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|c| c.map(Ok)));
        (stream, task)
    }

    async fn accept_loop(
        self,
        listener: TcpListener,
        tx: mpsc::Sender<Connection>,
        cancel: CancellationToken,
    ) {
        loop {
            let accepted = tokio::select! {
                () = cancel.cancelled() => break,
                () = tx.closed() => break,
                accepted = listener.accept() => accepted,
            };
            let (stream, peer) = match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::select! {
                        () = cancel.cancelled() => break,
                        () = tokio::time::sleep(ACCEPT_ERROR_PAUSE) => continue,
                    }
                }
            };
            // Small gRPC frames must not wait for Nagle's algorithm.
            let _ = stream.set_nodelay(true);
            match &self.tls {
                None => {
                    if tx.send(Connection::plain(stream, peer)).await.is_err() {
                        break;
                    }
                }
                Some(tls) => {
                    tokio::spawn(
                        self.clone()
                            .handshake(tls.clone(), stream, peer, tx.clone()),
                    );
                }
            }
        }
        tracing::debug!("accept loop stopped; the listener is closed");
    }

    async fn handshake(
        self,
        tls: TlsAcceptor,
        stream: TcpStream,
        peer: SocketAddr,
        tx: mpsc::Sender<Connection>,
    ) {
        let reason = match tokio::time::timeout(self.handshake_timeout, tls.accept(stream)).await {
            Ok(Ok(stream)) => {
                let client_certificate = self.client_certificate(&stream);
                // The server may have stopped meanwhile; the connection is then dropped.
                let _ = tx
                    .send(Connection::tls(stream, peer, client_certificate))
                    .await;
                return;
            }
            Ok(Err(error)) => failure_reason(&error),
            Err(_) => "handshake_timeout",
        };
        self.failures.record(reason);
        if reason == "connection_closed" {
            // Port scans and TCP probes close before a ClientHello: count, but do not shout.
            tracing::debug!(%peer, reason, "TLS handshake failed");
        } else {
            tracing::warn!(%peer, reason, "TLS handshake failed");
            // A refused certificate is an authentication failure: on record like the others.
            if let Some(recorder) = &self.recorder {
                recorder
                    .record(crate::audit::RefusedCall {
                        rpc: HANDSHAKE_RPC.to_owned(),
                        caller: None,
                        peer: Some(peer),
                        refusal: crate::audit::Refusal::Unauthenticated { reason },
                    })
                    .await;
            }
        }
    }

    fn client_certificate(
        &self,
        stream: &tokio_rustls::server::TlsStream<TcpStream>,
    ) -> Option<ClientCertificate> {
        let chain = stream.get_ref().1.peer_certificates()?;
        let leaf = chain.first()?;
        let identity = match &self.trust_domain {
            Some(trust_domain) => caller_from_certificate(leaf, trust_domain),
            // Client certificates are only asked for with a trust domain configured.
            None => Err(CertificateError::WrongTrustDomain),
        };
        Some(ClientCertificate {
            chain: chain.iter().map(|c| c.clone().into_owned()).collect(),
            identity,
        })
    }
}

/// A fixed, content-free reason for a failed handshake.
fn failure_reason(error: &io::Error) -> &'static str {
    use rustls::CertificateError as Cert;
    let Some(tls) = error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    else {
        return match error.kind() {
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::BrokenPipe => "connection_closed",
            _ => "io_error",
        };
    };
    match tls {
        rustls::Error::NoCertificatesPresented => "client_certificate_missing",
        rustls::Error::InvalidCertificate(cert) => match cert {
            Cert::Expired | Cert::ExpiredContext { .. } => "client_certificate_expired",
            Cert::NotValidYet | Cert::NotValidYetContext { .. } => {
                "client_certificate_not_yet_valid"
            }
            Cert::UnknownIssuer => "client_certificate_unknown_issuer",
            Cert::InvalidPurpose | Cert::InvalidPurposeContext { .. } => {
                "client_certificate_wrong_usage"
            }
            Cert::BadSignature => "client_certificate_bad_signature",
            Cert::Revoked => "client_certificate_revoked",
            _ => "client_certificate_invalid",
        },
        rustls::Error::NoApplicationProtocol => "no_h2_alpn",
        rustls::Error::PeerIncompatible(_) => "peer_incompatible",
        rustls::Error::AlertReceived(_) => "peer_sent_alert",
        rustls::Error::InvalidMessage(_)
        | rustls::Error::InappropriateMessage { .. }
        | rustls::Error::InappropriateHandshakeMessage { .. } => "not_tls",
        _ => "tls_error",
    }
}
