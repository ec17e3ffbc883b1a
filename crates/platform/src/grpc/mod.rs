//! Serving gRPC: health, reflection, identity, limits, and an orderly, bounded shutdown.
//!
//! A service builds its `tonic::service::Routes` and hands them to [`GrpcServer::serve`] with a
//! listener it bound itself (port 0 in tests) and a [`CancellationToken`]. The server adds
//! `grpc.health.v1` (see [`HealthHandle`]) and `grpc.reflection.v1` from the service's encoded
//! `FileDescriptorSet`, wraps every call in a trace span ([`GrpcTraceLayer`]) and, while
//! development identities are enabled, the [`DevIdentityLayer`].
//!
//! On cancellation: every health status turns NOT_SERVING, the listener closes, in-flight calls
//! drain for at most `drain_timeout_ms`, then `serve` returns. Streaming handlers should watch
//! the same token, or they hold the drain until its timeout.
//!
//! Limits: request deadline (`request_timeout_ms`, a shorter client `grpc-timeout` wins),
//! HTTP/2 concurrent streams and a concurrency limit per connection, HTTP/2 keep-alive. The
//! largest request message is tonic's decoding limit, per generated service: set it with
//! `FooServer::new(api).max_decoding_message_size(cfg.max_message_bytes)` (tonic's default is
//! also 4 MiB). HTTP/2 pins a client to one pod behind a plain Kubernetes Service: clients
//! balance on their side or go through a gRPC-aware proxy.

mod health;

pub use health::HealthHandle;

use std::time::Duration;

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::service::Routes;
use tonic::transport::Server;
use tonic::transport::server::TcpIncoming;
use tonic_health::pb::health_server::HealthServer;
use tonic_health::server::HealthService;
use tower::ServiceBuilder;

use crate::caller::DevIdentityLayer;
use crate::config::ServerConfig;
use crate::telemetry::GrpcTraceLayer;

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("could not read the listener's address")]
    Listener(#[source] std::io::Error),
    #[error("invalid file descriptor set for server reflection")]
    Reflection(#[source] tonic_reflection::server::Error),
    #[error("the gRPC server failed")]
    Transport(#[source] tonic::transport::Error),
}

/// A gRPC server with the platform's health, reflection, identity, tracing and limits.
#[derive(Debug)]
pub struct GrpcServer {
    cfg: ServerConfig,
    descriptor_set: &'static [u8],
    health: HealthHandle,
}

impl GrpcServer {
    /// A server configured by `cfg`, reflecting the services in `descriptor_set` (an encoded
    /// `google.protobuf.FileDescriptorSet`, e.g. from `tonic_prost_build::configure()
    /// .file_descriptor_set_path`).
    pub fn new(cfg: &ServerConfig, descriptor_set: &'static [u8]) -> Self {
        Self {
            cfg: cfg.clone(),
            descriptor_set,
            health: HealthHandle::new(),
        }
    }

    /// The handle to mark services SERVING once their dependencies are ready.
    pub fn health(&self) -> HealthHandle {
        self.health.clone()
    }

    /// Serves `routes` on `listener` until `cancel` is cancelled, then drains and returns.
    ///
    /// Returns `Ok` also when the drain timed out (logged as a warning): calls still running
    /// then are abandoned.
    pub async fn serve(
        self,
        listener: TcpListener,
        routes: Routes,
        cancel: CancellationToken,
    ) -> Result<(), ServeError> {
        let address = listener.local_addr().map_err(ServeError::Listener)?;
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

        let identity = self.cfg.dev_identities.then(DevIdentityLayer::new);
        if identity.is_none() {
            tracing::warn!(
                "development identities are disabled and no other authentication exists yet: \
                 every call except health and reflection is refused"
            );
        }
        let layers = ServiceBuilder::new()
            .layer(GrpcTraceLayer)
            .option_layer(identity);

        let incoming = TcpIncoming::from(listener).with_nodelay(Some(true));
        let router = Server::builder()
            .timeout(self.cfg.request_timeout())
            .concurrency_limit_per_connection(self.cfg.concurrency_limit_per_connection)
            .max_concurrent_streams(self.cfg.max_concurrent_streams)
            .http2_keepalive_interval(Some(Duration::from_secs(30)))
            .http2_keepalive_timeout(Some(Duration::from_secs(10)))
            .layer(layers)
            .add_routes(routes);

        self.health.starting().await;
        let signal = {
            let cancel = cancel.clone();
            let health = self.health.clone();
            async move {
                cancel.cancelled().await;
                tracing::info!("shutdown: health NOT_SERVING, closing the listener, draining");
                health.set_all_not_serving().await;
            }
        };
        tracing::info!(%address, "gRPC server listening");
        let serve = router.serve_with_incoming_shutdown(incoming, signal);
        tokio::pin!(serve);

        let drain = self.cfg.drain_timeout();
        let drain_deadline = async {
            cancel.cancelled().await;
            tokio::time::sleep(drain).await;
        };
        tokio::select! {
            result = &mut serve => {
                result.map_err(ServeError::Transport)?;
                tracing::info!(%address, "gRPC server stopped");
            }
            () = drain_deadline => {
                tracing::warn!(
                    %address,
                    drain_timeout_ms = self.cfg.drain_timeout_ms,
                    "drain timeout elapsed: abandoning calls still in flight"
                );
            }
        }
        Ok(())
    }
}
