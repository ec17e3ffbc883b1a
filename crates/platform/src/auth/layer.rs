//! The authentication tower layer: every call but health and reflection gets a
//! [`CallerContext`] in its request extensions, or is answered `UNAUTHENTICATED` before it
//! reaches a handler.
//!
//! Which credential counts is described in [`super::credentials`]. A client certificate and a
//! token on the same call: the token's user is the caller (their roles, their subject) acting
//! through the certificate's system, which becomes the caller's `client`; both must name the
//! same tenant, else the call is refused. A certificate never adds its role to a user's.
//!
//! Every refusal is handed to the [`RefusalRecorder`](crate::audit::RefusalRecorder) with a
//! fixed reason code and awaited before the answer goes out. The client learns only "invalid or
//! missing credentials" — the reason stays in the record — except when the issuer's keys are
//! unreachable: that is `UNAVAILABLE`, so that clients retry instead of asking their user to log
//! in again.

use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use http::{Request, Response};
use tonic::Status;
use tonic::body::Body;
use tower::{Layer, Service};

use super::credentials::Credentials;
use super::oidc::TokenValidator;
use super::tls::{ClientCertificate, ConnectionInfo};
use crate::audit::{Refusal, RefusedCall, SharedRefusalRecorder, refuse};
use crate::caller::CallerContext;
use crate::config::SecurityMode;

/// Paths that need no identity: health probes and server reflection.
pub const EXEMPT_PREFIXES: [&str; 3] = [
    "/grpc.health.v1.Health/",
    "/grpc.reflection.v1.ServerReflection/",
    "/grpc.reflection.v1alpha.ServerReflection/",
];

/// The message of every `UNAUTHENTICATED` answer: no detail that would help an attacker.
pub const UNAUTHENTICATED_MESSAGE: &str = "invalid or missing credentials";

/// Whether a call to `path` needs no identity.
pub fn is_exempt(path: &str) -> bool {
    EXEMPT_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

/// Tower layer that authenticates every call (see the module documentation).
#[derive(Clone)]
pub struct AuthenticationLayer {
    authenticator: Arc<Authenticator>,
}

struct Authenticator {
    mode: SecurityMode,
    tokens: Option<TokenValidator>,
    recorder: SharedRefusalRecorder,
}

impl std::fmt::Debug for AuthenticationLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthenticationLayer")
            .field("mode", &self.authenticator.mode)
            .field("tokens", &self.authenticator.tokens.is_some())
            .finish()
    }
}

impl AuthenticationLayer {
    /// Authenticates by client certificate (when the connection has one), by bearer token when
    /// `tokens` is given, and — in development `mode` only — by development identity metadata.
    /// Refusals go to `recorder`.
    pub fn new(
        mode: SecurityMode,
        tokens: Option<TokenValidator>,
        recorder: SharedRefusalRecorder,
    ) -> Self {
        Self {
            authenticator: Arc::new(Authenticator {
                mode,
                tokens,
                recorder,
            }),
        }
    }
}

impl<S> Layer<S> for AuthenticationLayer {
    type Service = Authenticate<S>;
    fn layer(&self, inner: S) -> Self::Service {
        Authenticate {
            inner,
            authenticator: self.authenticator.clone(),
        }
    }
}

/// The service made by [`AuthenticationLayer`].
#[derive(Clone)]
pub struct Authenticate<S> {
    inner: S,
    authenticator: Arc<Authenticator>,
}

impl<S> std::fmt::Debug for Authenticate<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authenticate").finish_non_exhaustive()
    }
}

impl<S> Service<Request<Body>> for Authenticate<S>
where
    S: Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Response<Body>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<Body>) -> Self::Future {
        let info = ConnectionInfo::from_extensions(request.extensions()).cloned();
        if let Some(info) = &info {
            // So that handlers may ask `tonic::Request::remote_addr` as with tonic's transport.
            request.extensions_mut().insert(info.tcp());
        }
        if is_exempt(request.uri().path()) {
            return Box::pin(self.inner.call(request));
        }
        // The clone is not yet ready; the ready one serves this call (tower's usual swap).
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let authenticator = self.authenticator.clone();
        let credentials = Credentials::read(authenticator.mode, request.headers(), info.as_ref());
        Box::pin(async move {
            match authenticator.authenticate(credentials).await {
                Ok(caller) => {
                    request.extensions_mut().insert(caller);
                    inner.call(request).await
                }
                Err(refused) => {
                    let reason = refused.reason;
                    tracing::debug!(rpc = request.uri().path(), reason, "call refused");
                    let call = RefusedCall::of(&request, Refusal::Unauthenticated { reason });
                    refuse(authenticator.recorder.clone(), call, refused.status()).await
                }
            }
        })
    }
}

/// Why a call was not authenticated.
struct Refused {
    reason: &'static str,
    unavailable: bool,
}

impl Refused {
    fn because(reason: &'static str) -> Self {
        Self {
            reason,
            unavailable: false,
        }
    }

    fn status(&self) -> Status {
        if self.unavailable {
            Status::unavailable("the identity provider is unavailable; retry later")
        } else {
            Status::unauthenticated(UNAUTHENTICATED_MESSAGE)
        }
    }
}

impl Authenticator {
    async fn authenticate(&self, credentials: Credentials) -> Result<CallerContext, Refused> {
        match credentials {
            Credentials::Token { token, certificate } => {
                let Some(tokens) = &self.tokens else {
                    return Err(Refused::because("token_not_accepted"));
                };
                let user = tokens.validate(&token).await.map_err(|error| Refused {
                    reason: error.reason(),
                    unavailable: error.is_issuer_unavailable(),
                })?;
                match certificate {
                    Some(certificate) => through_system(user, &certificate),
                    None => Ok(user),
                }
            }
            Credentials::Certificate(certificate) => certificate
                .identity
                .clone()
                .map_err(|error| Refused::because(error.reason())),
            Credentials::Development(identity) => {
                identity.map_err(|_| Refused::because("development_identity_invalid"))
            }
            Credentials::MalformedAuthorization => Err(Refused::because("malformed_authorization")),
            Credentials::DevelopmentRefused => {
                Err(Refused::because("development_identity_refused"))
            }
            Credentials::Missing => Err(Refused::because("missing_credentials")),
        }
    }
}

/// A token's `user` calling through the system a client `certificate` names.
fn through_system(
    mut user: CallerContext,
    certificate: &ClientCertificate,
) -> Result<CallerContext, Refused> {
    let system = certificate
        .identity
        .as_ref()
        .map_err(|error| Refused::because(error.reason()))?;
    if system.tenant_id != user.tenant_id {
        return Err(Refused::because("certificate_token_tenant_mismatch"));
    }
    user.client = system.client.clone();
    Ok(user)
}
