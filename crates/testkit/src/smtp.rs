//! An SMTP sink per test: a real SMTP server on a loopback port that accepts mail and keeps it
//! for the test to read.
//!
//! The notification service sends e-mail hints through a relay; tests prove that path over real
//! sockets and a real SMTP dialogue, not a mocked transport. The sink speaks what a relay in
//! front of it would need: greeting, EHLO (with 8BITMIME, and STARTTLS and AUTH PLAIN when
//! configured), HELO, MAIL, RCPT, DATA with dot-unstuffing, RSET, NOOP, QUIT, optionally
//! implicit TLS. [`SmtpSink::fail_next`] makes it refuse `MAIL FROM` with a chosen code, to test
//! retries and dead letters. [`ReceivedMail`] decodes headers and bodies with its own small
//! MIME reader, independent of the sending code.
//!
//! The listener binds port 0 and is kept: no race between picking a port and binding it.

mod mime;
mod session;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

use crate::TestkitError;

/// How the sink behaves; [`Default`]: plain SMTP with 8BITMIME, no TLS, no authentication.
#[derive(Debug, Clone)]
pub struct SinkOptions {
    /// Announce 8BITMIME in the EHLO reply.
    pub eight_bit_mime: bool,
    /// Offer TLS with this certificate.
    pub tls: Option<SinkTls>,
    /// Require AUTH PLAIN with these credentials before `MAIL FROM` (announced only once the
    /// connection is protected when `tls` is set).
    pub credentials: Option<SinkCredentials>,
}

impl Default for SinkOptions {
    fn default() -> Self {
        Self {
            eight_bit_mime: true,
            tls: None,
            credentials: None,
        }
    }
}

/// The sink's certificate and how TLS starts.
#[derive(Debug, Clone)]
pub struct SinkTls {
    /// Certificate chain (PEM), e.g. from `test_identities::TestCa::server_certificate`.
    pub cert_pem: String,
    /// Its private key (PEM).
    pub key_pem: String,
    /// TLS from the first byte (port 465 style) instead of STARTTLS.
    pub implicit: bool,
}

/// The user and password AUTH PLAIN must present.
#[derive(Debug, Clone)]
pub struct SinkCredentials {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
}

/// One accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`), without brackets.
    pub from: String,
    /// The envelope recipients (`RCPT TO`), without brackets.
    pub to: Vec<String>,
    /// The raw message after dot-unstuffing, CRLF line ends (UTF-8, lossy).
    pub data: String,
    /// The parameters after `MAIL FROM:<…>`, e.g. `BODY=8BITMIME`.
    pub mail_parameters: Vec<String>,
    /// Whether the message came over TLS.
    pub tls: bool,
    /// The AUTH PLAIN user, if the client authenticated.
    pub authenticated_as: Option<String>,
}

impl ReceivedMail {
    /// The first header field called `name` (case-insensitive), unfolded, not decoded.
    pub fn header(&self, name: &str) -> Option<String> {
        mime::header(&self.data, name)
    }

    /// All header fields in order, unfolded, not decoded.
    pub fn headers(&self) -> Vec<(String, String)> {
        mime::headers(&self.data)
    }

    /// The first header field called `name` with RFC 2047 encoded words decoded.
    pub fn decoded_header(&self, name: &str) -> Option<String> {
        self.header(name).map(|value| mime::decode_words(&value))
    }

    /// The body with its Content-Transfer-Encoding (quoted-printable, base64, 7bit, 8bit)
    /// undone, CRLF line ends.
    pub fn body(&self) -> String {
        mime::body(&self.data)
    }
}

/// [`SmtpSink::wait_for`] gave up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected {expected} mails, the sink received {received} in time")]
pub struct SinkTimeout {
    /// How many were awaited.
    pub expected: usize,
    /// How many had arrived.
    pub received: usize,
}

/// State shared between the sink handle and its connections.
#[derive(Debug)]
struct Shared {
    state: Mutex<State>,
    /// The number of received mails, for waiting without polling.
    count: watch::Sender<usize>,
}

#[derive(Debug, Default)]
struct State {
    received: Vec<ReceivedMail>,
    /// The code for the next `MAIL FROM`s, and how many more to refuse.
    failure: Option<(u16, usize)>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panicking connection task must not hide the mail from the test.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn record(&self, mail: ReceivedMail) {
        let count = {
            let mut state = self.lock();
            state.received.push(mail);
            state.received.len()
        };
        self.count.send_replace(count);
    }

    /// The injected failure for this `MAIL FROM`, if one is due.
    fn take_failure(&self) -> Option<u16> {
        let mut state = self.lock();
        let (code, remaining) = state.failure.as_mut()?;
        let code = *code;
        *remaining -= 1;
        if *remaining == 0 {
            state.failure = None;
        }
        Some(code)
    }
}

/// A running SMTP sink on `127.0.0.1`, stopped (with its connections) when dropped.
#[derive(Debug)]
pub struct SmtpSink {
    port: u16,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl SmtpSink {
    /// A plain sink with 8BITMIME ([`SinkOptions::default`]).
    pub async fn start() -> Result<Self, TestkitError> {
        Self::start_with(SinkOptions::default()).await
    }

    /// A sink with the given options.
    pub async fn start_with(options: SinkOptions) -> Result<Self, TestkitError> {
        let acceptor = options.tls.as_ref().map(acceptor).transpose()?;
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let port = listener.local_addr()?.port();
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            count: watch::Sender::new(0),
        });
        let config = Arc::new(session::Config { options, acceptor });
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&shared), config));
        Ok(Self { port, shared, task })
    }

    /// The port it listens on (host `127.0.0.1`).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The messages accepted so far, oldest first.
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.shared.lock().received.clone()
    }

    /// Waits until at least `n` messages arrived; returns all of them.
    pub async fn wait_for(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<ReceivedMail>, SinkTimeout> {
        let mut count = self.shared.count.subscribe();
        match tokio::time::timeout(timeout, count.wait_for(|count| *count >= n)).await {
            Ok(Ok(_)) => Ok(self.received()),
            _ => Err(SinkTimeout {
                expected: n,
                received: self.received().len(),
            }),
        }
    }

    /// Answers the next `times` `MAIL FROM` commands with `code` (e.g. 451 or 550) instead of
    /// accepting them.
    pub fn fail_next(&self, code: u16, times: usize) {
        self.shared.lock().failure = (times > 0).then_some((code, times));
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        // Aborting the accept loop drops its JoinSet, which aborts every connection.
        self.task.abort();
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, config: Arc<session::Config>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(session::serve(stream, Arc::clone(&shared), Arc::clone(&config)));
                }
                Err(error) => tracing::warn!(%error, "smtp sink: accept failed"),
            },
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

fn acceptor(tls: &SinkTls) -> Result<TlsAcceptor, TestkitError> {
    let invalid =
        |what: &str| TestkitError::Io(std::io::Error::other(format!("smtp sink TLS: {what}")));
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(tls.cert_pem.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(|_| invalid("bad certificate PEM"))?;
    let key = PrivateKeyDer::from_pem_slice(tls.key_pem.as_bytes())
        .map_err(|_| invalid("bad key PEM"))?;
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|_| invalid("protocol versions"))?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|_| invalid("certificate and key do not match"))?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}
