//! Serving gRPC: TLS, authentication, health, reflection, limits, and an orderly, bounded
//! shutdown.
//!
//! A service builds its `tonic::service::Routes` and hands them to [`GrpcServer::serve`] with a
//! listener it bound itself (port 0 in tests) and a [`CancellationToken`]. The server adds
//! `grpc.health.v1` (see [`HealthHandle`]) and `grpc.reflection.v1` from the service's encoded
//! `FileDescriptorSet`, and wraps the routes in the platform's stack ([`stack`]): a trace span,
//! authentication, then the service's own layers ([`GrpcServer::with_layer`]).
//!
//! Security comes from [`ServerConfig`] (`docs/security/transport.md`): in production mode the
//! port speaks TLS only (rustls, our own acceptor so that failed handshakes are logged and
//! counted) and callers authenticate by OIDC token or client certificate; the server refuses to
//! start otherwise. Development mode allows plaintext and development identities, with a loud
//! warning. An optional plaintext port serves only health, for the kubelet
//! ([`GrpcServer::with_health_listener`] or `health_addr`).
//!
//! On cancellation: every health status turns NOT_SERVING, the listeners close, in-flight calls
//! drain for at most `drain_timeout_ms`, then `serve` returns. Streaming handlers should watch
//! the same token, or they hold the drain until its timeout.
//!
//! Limits: request deadline (`request_timeout_ms`, a shorter client `grpc-timeout` wins),
//! HTTP/2 concurrent streams and a concurrency limit per connection, HTTP/2 keep-alive, TLS
//! handshake timeout. The largest request message is tonic's decoding limit, per generated
//! service: set it with `FooServer::new(api).max_decoding_message_size(cfg.max_message_bytes)`
//! (tonic's default is also 4 MiB). HTTP/2 pins a client to one pod behind a plain Kubernetes
//! Service: clients balance on their side or go through a gRPC-aware proxy.

mod health;
mod health_port;
mod security;
pub mod stack;

pub use health::HealthHandle;
pub use security::SecurityConfigError;
pub use stack::{BoxError, GrpcService};

use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::body::Body;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic_health::pb::health_server::HealthServer;
use tonic_health::server::HealthService;
use tower::{Layer, Service};

use crate::audit::{SharedRefusalRecorder, TraceRefusals};
use crate::auth::AuthenticationLayer;
use crate::auth::tls::HandshakeFailures;
use crate::config::ServerConfig;
use security::Security;
use stack::{ExtraLayer, PlatformStack};

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("could not read the listener's address")]
    Listener(#[source] std::io::Error),
    #[error("could not bind the health port")]
    HealthListener(#[source] std::io::Error),
    #[error("the server's security configuration is unusable")]
    Security(#[from] SecurityConfigError),
    #[error("invalid file descriptor set for server reflection")]
    Reflection(#[source] tonic_reflection::server::Error),
    #[error("the gRPC server failed")]
    Transport(#[source] tonic::transport::Error),
}

/// A gRPC server with the platform's TLS, authentication, health, reflection, tracing and
/// limits.
pub struct GrpcServer {
    cfg: ServerConfig,
    descriptor_set: &'static [u8],
    health: HealthHandle,
    recorder: SharedRefusalRecorder,
    layers: Vec<ExtraLayer>,
    health_listener: Option<TcpListener>,
    handshake_failures: HandshakeFailures,
    security: Option<Security>,
}

impl std::fmt::Debug for GrpcServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcServer")
            .field("cfg", &self.cfg)
            .field("layers", &self.layers.len())
            .field("health_listener", &self.health_listener)
            .finish_non_exhaustive()
    }
}

impl GrpcServer {
    /// A server configured by `cfg`, reflecting the services in `descriptor_set` (an encoded
    /// `google.protobuf.FileDescriptorSet`, e.g. from `tonic_prost_build::configure()
    /// .file_descriptor_set_path`). The security settings are checked by [`Self::check`] or at
    /// the latest by [`Self::serve`].
    pub fn new(cfg: &ServerConfig, descriptor_set: &'static [u8]) -> Self {
        Self {
            cfg: cfg.clone(),
            descriptor_set,
            health: HealthHandle::new(),
            recorder: Arc::new(TraceRefusals),
            layers: Vec::new(),
            health_listener: None,
            handshake_failures: HandshakeFailures::default(),
            security: None,
        }
    }

    /// Checks the security settings and loads the certificate, key and CA files now, so that a
    /// misconfigured service fails at start-up before it connects to anything else.
    pub fn check(&mut self) -> Result<(), ServeError> {
        if self.security.is_none() {
            self.security = Some(Security::load(&self.cfg, self.handshake_failures.clone())?);
        }
        Ok(())
    }

    /// Hands refused calls (authentication failures, and refusals of the service's own layers
    /// that use the same recorder) to `recorder`, e.g. the read-access log. Default: traced only.
    pub fn with_refusal_recorder(mut self, recorder: SharedRefusalRecorder) -> Self {
        self.recorder = recorder;
        self
    }

    /// Adds a layer between authentication and the handlers, e.g. authorization or a
    /// per-tenant rate limit: it sees every call but health and reflection with a
    /// [`crate::CallerContext`] in its extensions. Layers run in the order they were added.
    pub fn with_layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<GrpcService> + Send + Sync + 'static,
        L::Service: Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
        <L::Service as Service<Request<Body>>>::Future: Send + 'static,
        <L::Service as Service<Request<Body>>>::Error: Into<BoxError> + 'static,
    {
        self.layers.push(stack::erase(layer));
        self
    }

    /// Authorizes every call by `policies` (one per service served; deny by default) and then
    /// limits each tenant's request rate (`rate_limit`), both reporting refusals to the
    /// recorder set with [`Self::with_refusal_recorder`] (set that first).
    pub fn with_authorization(self, policies: Vec<crate::authz::RpcPolicy>) -> Self {
        let authorization = crate::authz::AuthorizationLayer::new(policies, self.recorder.clone());
        let rate_limit =
            crate::limits::TenantRateLimitLayer::new(self.cfg.rate_limit, self.recorder.clone());
        self.with_layer(authorization).with_layer(rate_limit)
    }

    /// Serves the plaintext health-only port on `listener` (bind port 0 in tests); overrides
    /// `health_addr`.
    pub fn with_health_listener(mut self, listener: TcpListener) -> Self {
        self.health_listener = Some(listener);
        self
    }

    /// The handle to mark services SERVING once their dependencies are ready.
    pub fn health(&self) -> HealthHandle {
        self.health.clone()
    }

    /// The counter of failed TLS handshakes on the gRPC port.
    pub fn handshake_failures(&self) -> HandshakeFailures {
        self.handshake_failures.clone()
    }

    /// Serves `routes` on `listener` until `cancel` is cancelled, then drains and returns.
    ///
    /// Fails before serving if the security settings are unusable. Returns `Ok` also when the
    /// drain timed out (logged as a warning): calls still running then are abandoned.
    pub async fn serve(
        mut self,
        listener: TcpListener,
        routes: Routes,
        cancel: CancellationToken,
    ) -> Result<(), ServeError> {
        let security = match self.security.take() {
            Some(security) => security,
            None => Security::load(&self.cfg, self.handshake_failures.clone())?,
        };
        let address = listener.local_addr().map_err(ServeError::Listener)?;
        let health_listener = match (self.health_listener.take(), self.cfg.health_addr) {
            (Some(listener), _) => Some(listener),
            (None, Some(addr)) => Some(
                TcpListener::bind(addr)
                    .await
                    .map_err(ServeError::HealthListener)?,
            ),
            (None, None) => None,
        };
        let max_message = self.cfg.max_message_bytes;

        let reflection = tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(self.descriptor_set)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
            .build_v1()
            .map_err(ServeError::Reflection)?
            .max_decoding_message_size(max_message);
        let health = HealthServer::new(HealthService::from_health_reporter(self.health.reporter()))
            .max_decoding_message_size(max_message);
        let routes = routes.add_service(health).add_service(reflection);

        // Stops the key refresh and the health port on shutdown, and also when the server
        // fails uncancelled.
        let stopping = cancel.child_token();
        // The accept loops end when tonic drops their stream — after its shutdown signal ran,
        // so health turns NOT_SERVING first — or once the servers have ended.
        let stop_accepting = CancellationToken::new();
        // Keys are fetched now and kept fresh, so the first call does not wait for them.
        let refresh = security
            .tokens
            .as_ref()
            .map(|tokens| tokens.spawn_refresh(stopping.clone()));
        let stack = PlatformStack {
            authentication: AuthenticationLayer::new(
                self.cfg.mode,
                security.tokens.clone(),
                self.recorder.clone(),
            ),
            extra: std::mem::take(&mut self.layers),
        };

        let tls = security.acceptor.is_tls();
        let (incoming, accept) = security
            .acceptor
            .with_refusal_recorder(self.recorder.clone())
            .spawn(listener, stop_accepting.clone());
        let router = Server::builder()
            .timeout(self.cfg.request_timeout())
            .concurrency_limit_per_connection(self.cfg.concurrency_limit_per_connection)
            .max_concurrent_streams(self.cfg.max_concurrent_streams)
            .http2_keepalive_interval(Some(Duration::from_secs(30)))
            .http2_keepalive_timeout(Some(Duration::from_secs(10)))
            .layer(stack)
            .add_routes(routes);

        self.health.starting().await;
        let signal = {
            let cancel = cancel.clone();
            let health = self.health.clone();
            async move {
                cancel.cancelled().await;
                tracing::info!("shutdown: health NOT_SERVING, closing the listeners, draining");
                health.set_all_not_serving().await;
            }
        };
        let health_port = match health_listener {
            Some(listener) => {
                let health_address = listener.local_addr().map_err(ServeError::Listener)?;
                tracing::info!(address = %health_address, "health-only plaintext port listening");
                Some(health_port::serve(
                    listener,
                    self.health.reporter(),
                    stopping.clone(),
                    stop_accepting.clone(),
                ))
            }
            None => None,
        };
        tracing::info!(%address, tls, mode = ?self.cfg.mode, "gRPC server listening");

        let (health_server, health_accept) = match health_port {
            Some((server, accept)) => (Some(server), Some(accept)),
            None => (None, None),
        };
        let servers = async {
            let main = router.serve_with_incoming_shutdown(incoming, signal);
            let health = async {
                match health_server {
                    Some(server) => server.await,
                    None => Ok(()),
                }
            };
            // Either failing ends both; otherwise both drain on the same signal.
            tokio::try_join!(main, health).map(|((), ())| ())
        };
        tokio::pin!(servers);

        let drain = self.cfg.drain_timeout();
        let drain_deadline = async {
            cancel.cancelled().await;
            tokio::time::sleep(drain).await;
        };
        let outcome = tokio::select! {
            result = &mut servers => result.map_err(ServeError::Transport),
            () = drain_deadline => {
                tracing::warn!(
                    %address,
                    drain_timeout_ms = self.cfg.drain_timeout_ms,
                    "drain timeout elapsed: abandoning calls still in flight"
                );
                Ok(())
            }
        };
        // The listeners close when their accept loops end.
        stopping.cancel();
        stop_accepting.cancel();
        for task in [Some(accept), health_accept, refresh].into_iter().flatten() {
            let _ = task.await;
        }
        if outcome.is_ok() {
            tracing::info!(%address, "gRPC server stopped");
        }
        outcome
    }
}
