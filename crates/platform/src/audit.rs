//! Calls refused before they reach a handler, handed to whoever keeps the read-access log.
//!
//! The authentication, authorization and rate-limit layers live in this crate, the read-access
//! log in its own crate (`access-log`), which depends on this one. This trait is the seam: a
//! layer that refuses a call describes it as a [`RefusedCall`] and awaits
//! [`RefusalRecorder::record`] before it answers, so that a refusal is on record by the time the
//! caller learns of it.

use std::net::SocketAddr;
use std::sync::Arc;

use futures::future::BoxFuture;
use tonic::Status;
use tonic::body::Body;

use crate::caller::CallerContext;

/// Why a call was refused before its handler ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No valid credentials (`UNAUTHENTICATED`); `reason` is a fixed, content-free code such as
    /// `token_expired` or `missing_credentials`.
    Unauthenticated { reason: &'static str },
    /// Authenticated, but no role of the caller may call this RPC (`PERMISSION_DENIED`).
    PermissionDenied,
    /// The tenant's request rate was exceeded (`RESOURCE_EXHAUSTED`).
    RateLimited,
}

impl Refusal {
    /// A short lowercase name for logs and the read-access log.
    pub fn as_str(&self) -> &'static str {
        match self {
            Refusal::Unauthenticated { .. } => "unauthenticated",
            Refusal::PermissionDenied => "permission_denied",
            Refusal::RateLimited => "rate_limited",
        }
    }
}

/// One refused call: which RPC, who (if known), from where, and why. Never request content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedCall {
    /// The full gRPC method path, e.g. `/jobcenter.case.v1.CaseService/GetCase`.
    pub rpc: String,
    /// The authenticated caller, when authentication succeeded.
    pub caller: Option<CallerContext>,
    /// The peer's socket address, when known.
    pub peer: Option<SocketAddr>,
    /// Why the call was refused.
    pub refusal: Refusal,
}

impl RefusedCall {
    /// The refusal of `request`: its path, and the caller and peer address that the layers
    /// before put into its extensions (none before authentication).
    pub fn of<B>(request: &http::Request<B>, refusal: Refusal) -> Self {
        let extensions = request.extensions();
        RefusedCall {
            rpc: request.uri().path().to_owned(),
            caller: extensions.get::<CallerContext>().cloned(),
            peer: extensions
                .get::<tonic::transport::server::TcpConnectInfo>()
                .and_then(|info| info.remote_addr()),
            refusal,
        }
    }
}

/// Records `call` with `recorder`, then answers `status`: a refusal is on record before the
/// caller learns of it. The one way the platform's layers refuse a call.
pub fn refuse<E: Send + 'static>(
    recorder: SharedRefusalRecorder,
    call: RefusedCall,
    status: Status,
) -> BoxFuture<'static, Result<http::Response<Body>, E>> {
    Box::pin(async move {
        recorder.record(call).await;
        Ok(status.into_http())
    })
}

/// Records refused calls (implemented by the read-access log).
pub trait RefusalRecorder: Send + Sync + 'static {
    /// Records `call`. A recorder that cannot write logs the failure itself: the call is
    /// refused either way.
    fn record(&self, call: RefusedCall) -> BoxFuture<'static, ()>;
}

/// A recorder that only traces refusals (tests and tools without a read-access log).
#[derive(Debug, Clone, Copy, Default)]
pub struct TraceRefusals;

impl RefusalRecorder for TraceRefusals {
    fn record(&self, call: RefusedCall) -> BoxFuture<'static, ()> {
        tracing::info!(rpc = %call.rpc, refusal = call.refusal.as_str(), "call refused");
        Box::pin(async {})
    }
}

/// A shared recorder.
pub type SharedRefusalRecorder = Arc<dyn RefusalRecorder>;
