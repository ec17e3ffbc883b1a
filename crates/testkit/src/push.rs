//! A push service endpoint for tests, playing the browser's push service and the browser.
//!
//! [`PushEndpoint::start`] serves one subscription's endpoint over plain HTTP on `127.0.0.1`
//! and holds the user agent's keys ([`PushEndpoint::p256dh_base64url`],
//! [`PushEndpoint::auth_base64url`]), so a test registers it like a browser would. Every POST
//! is checked as a push service checks it (VAPID signature, audience, expiry, `TTL`,
//! `aes128gcm`, at most 4096 bytes) and then decrypted as the browser would decrypt it, with
//! code of its own (`push/decrypt.rs`, `push/vapid.rs`), never the sender's. What arrives is
//! recorded as a [`ReceivedPush`]; what was refused, with its reason, in
//! [`PushEndpoint::failures`].
//!
//! [`PushEndpoint::respond_with`] injects push service failures: e.g. 500 twice then the
//! normal 201, or 410 forever (`times = usize::MAX`) for an ended subscription.

mod decrypt;
mod vapid;

use std::collections::VecDeque;
use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http::{HeaderMap, Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use p256::elliptic_curve::sec1::ToEncodedPoint as _;
use ring::rand::{SecureRandom, SystemRandom};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use self::decrypt::UaKeys;
use crate::TestkitError;

/// The largest body a push service accepts (RFC 8291 §4).
pub const MAX_BODY_LEN: usize = 4096;

/// One message the endpoint accepted, decrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedPush {
    /// The decrypted payload.
    pub plaintext: Vec<u8>,
    /// The `TTL` header (seconds).
    pub ttl: u32,
    /// The `Urgency` header, if sent.
    pub urgency: Option<String>,
    /// The `Topic` header, if sent.
    pub topic: Option<String>,
    /// The VAPID JWT's `sub`.
    pub vapid_subject: String,
    /// The VAPID public key (`k=`, base64url).
    pub vapid_key: String,
}

/// Why [`PushEndpoint::wait_for`] gave up.
#[derive(Debug, thiserror::Error)]
#[error("{received} of {wanted} push messages arrived in time; refused: {failures:?}")]
pub struct WaitTimeout {
    /// How many were wanted.
    pub wanted: usize,
    /// How many arrived.
    pub received: usize,
    /// Why requests were refused meanwhile.
    pub failures: Vec<String>,
}

/// An injected answer: `status` for the next `times` requests.
#[derive(Debug)]
struct Injected {
    status: u16,
    times: usize,
}

#[derive(Debug, Default)]
struct Record {
    received: Vec<ReceivedPush>,
    failures: Vec<String>,
    injected: VecDeque<Injected>,
    requests: usize,
}

struct Shared {
    origin: String,
    path: String,
    keys: UaKeys,
    record: Mutex<Record>,
    arrived: watch::Sender<usize>,
}

impl Shared {
    fn record(&self) -> MutexGuard<'_, Record> {
        // Every update leaves the record consistent, so a poisoned lock is still usable.
        self.record
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A running push endpoint for one subscription. Dropping it stops the server.
pub struct PushEndpoint {
    shared: Arc<Shared>,
    addr: SocketAddr,
    cancel: CancellationToken,
    server: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for PushEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushEndpoint")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl PushEndpoint {
    /// Binds `127.0.0.1` on a free port, makes fresh user agent keys and serves.
    pub async fn start() -> Result<Self, TestkitError> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let rng = SystemRandom::new();
        let keys = ua_keys(&rng)?;
        let mut id = [0u8; 16];
        rng.fill(&mut id).map_err(|_| random_failed())?;
        let (arrived, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            origin: format!("http://{addr}"),
            path: format!("/push/v1/{}", URL_SAFE_NO_PAD.encode(id)),
            keys,
            record: Mutex::new(Record::default()),
            arrived,
        });
        let cancel = CancellationToken::new();
        let server = tokio::spawn(accept_loop(listener, Arc::clone(&shared), cancel.clone()));
        Ok(Self {
            shared,
            addr,
            cancel,
            server: Some(server),
        })
    }

    /// The subscription's endpoint URL, e.g. `http://127.0.0.1:40123/push/v1/<id>`.
    pub fn endpoint_url(&self) -> String {
        format!("{}{}", self.shared.origin, self.shared.path)
    }

    /// The origin, `http://127.0.0.1:<port>`: the VAPID audience expected.
    pub fn origin(&self) -> &str {
        &self.shared.origin
    }

    /// The user agent's public key (`p256dh`), base64url.
    pub fn p256dh_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.shared.keys.public)
    }

    /// The user agent's auth secret, base64url.
    pub fn auth_base64url(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.shared.keys.auth)
    }

    /// The messages accepted so far, in arrival order.
    pub fn received(&self) -> Vec<ReceivedPush> {
        self.shared.record().received.clone()
    }

    /// Why requests were refused (bad signature, undecryptable body, ...), in order.
    pub fn failures(&self) -> Vec<String> {
        self.shared.record().failures.clone()
    }

    /// How many requests arrived, injected failures included.
    pub fn requests(&self) -> usize {
        self.shared.record().requests
    }

    /// Waits until at least `n` messages were accepted; returns all accepted so far.
    pub async fn wait_for(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<ReceivedPush>, WaitTimeout> {
        let mut arrived = self.shared.arrived.subscribe();
        let reached = tokio::time::timeout(timeout, arrived.wait_for(|count| *count >= n)).await;
        match reached {
            Ok(Ok(_)) => Ok(self.received()),
            _ => {
                let record = self.shared.record();
                Err(WaitTimeout {
                    wanted: n,
                    received: record.received.len(),
                    failures: record.failures.clone(),
                })
            }
        }
    }

    /// Answers the next `times` requests with `status` (after earlier injections are used up)
    /// without accepting them; `usize::MAX` means for ever.
    pub fn respond_with(&self, status: u16, times: usize) {
        if times > 0 {
            self.shared
                .record()
                .injected
                .push_back(Injected { status, times });
        }
    }

    /// Stops accepting, closes open connections and waits until the server has stopped.
    pub async fn shutdown(mut self) {
        self.cancel.cancel();
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for PushEndpoint {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

fn random_failed() -> TestkitError {
    TestkitError::Io(std::io::Error::other("the system random generator failed"))
}

/// A fresh user agent key pair and auth secret, as a browser makes per subscription.
fn ua_keys(rng: &SystemRandom) -> Result<UaKeys, TestkitError> {
    // A random 32-byte string is a valid scalar but with probability ~2^-32; retry then.
    for _ in 0..4 {
        let mut scalar = [0u8; 32];
        rng.fill(&mut scalar).map_err(|_| random_failed())?;
        if let Ok(secret) = p256::SecretKey::from_slice(&scalar) {
            let encoded = secret.public_key().to_encoded_point(false);
            let public: [u8; 65] = encoded.as_bytes().try_into().map_err(|_| random_failed())?;
            let mut auth = [0u8; 16];
            rng.fill(&mut auth).map_err(|_| random_failed())?;
            return Ok(UaKeys {
                secret,
                public,
                auth,
            });
        }
    }
    Err(random_failed())
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, cancel: CancellationToken) {
    let connections = TaskTracker::new();
    loop {
        let stream = tokio::select! {
            () = cancel.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A failed accept concerns one connection; the pause keeps a persistent
                // failure from spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        connections.spawn(serve_connection(
            stream,
            Arc::clone(&shared),
            cancel.clone(),
        ));
    }
    connections.close();
    connections.wait().await;
}

async fn serve_connection(stream: TcpStream, shared: Arc<Shared>, cancel: CancellationToken) {
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, Infallible>(respond(&shared, request).await) }
    });
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        () = cancel.cancelled() => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

async fn respond(shared: &Shared, request: Request<Incoming>) -> Response<Full<Bytes>> {
    if let Some(status) = take_injected(shared) {
        return empty(status);
    }
    if request.method() != Method::POST {
        return empty(StatusCode::METHOD_NOT_ALLOWED);
    }
    if request.uri().path() != shared.path {
        return refuse(
            shared,
            StatusCode::NOT_FOUND,
            "no subscription at this path".into(),
        );
    }
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, 2 * MAX_BODY_LEN).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            return refuse(
                shared,
                StatusCode::PAYLOAD_TOO_LARGE,
                "body too large".into(),
            );
        }
    };
    match accept(shared, &parts.headers, &body) {
        Ok(push) => {
            let count = {
                let mut record = shared.record();
                record.received.push(push);
                record.received.len()
            };
            shared.arrived.send_replace(count);
            let mut response = empty(StatusCode::CREATED);
            if let Ok(location) = format!("/message/{count}").parse() {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response
        }
        Err((status, reason)) => refuse(shared, status, reason),
    }
}

/// The next injected status, if any, counting this request.
fn take_injected(shared: &Shared) -> Option<StatusCode> {
    let mut record = shared.record();
    record.requests += 1;
    let front = record.injected.front_mut()?;
    let status = front.status;
    // usize::MAX stands for ever: never used up.
    if front.times != usize::MAX {
        front.times -= 1;
        if front.times == 0 {
            record.injected.pop_front();
        }
    }
    Some(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
}

/// Checks a request as a push service and decrypts it as the browser.
fn accept(
    shared: &Shared,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<ReceivedPush, (StatusCode, String)> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    if body.len() > MAX_BODY_LEN {
        return Err((
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("body of {} bytes exceeds {MAX_BODY_LEN}", body.len()),
        ));
    }
    let signer = vapid::verify(
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok()),
        &shared.origin,
    )
    .map_err(|reason| (StatusCode::UNAUTHORIZED, reason))?;
    let ttl = text("ttl")
        .ok_or("no TTL header".to_owned())
        .and_then(|v| {
            v.parse::<u32>()
                .map_err(|_| format!("TTL {v:?} is not a number"))
        })
        .map_err(|reason| (StatusCode::BAD_REQUEST, reason))?;
    if text("content-encoding").as_deref() != Some("aes128gcm") {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Encoding is not aes128gcm".into(),
        ));
    }
    let plaintext =
        decrypt::decrypt(body, &shared.keys).map_err(|reason| (StatusCode::BAD_REQUEST, reason))?;
    Ok(ReceivedPush {
        plaintext,
        ttl,
        urgency: text("urgency"),
        topic: text("topic"),
        vapid_subject: signer.subject,
        vapid_key: signer.key,
    })
}

fn refuse(shared: &Shared, status: StatusCode, reason: String) -> Response<Full<Bytes>> {
    shared.record().failures.push(format!("{status}: {reason}"));
    empty(status)
}

fn empty(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}
