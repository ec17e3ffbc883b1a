//! The plaintext port that answers only `grpc.health.v1`.
//!
//! The kubelet's gRPC probe cannot present a client certificate nor speak TLS, and a health
//! status holds no social data, so this port speaks plaintext. It serves nothing else: any
//! other method is `UNIMPLEMENTED`. It shares the main port's [`HealthHandle`]'s statuses, so
//! both ports report the same readiness, and it drains with the main port on shutdown.
//!
//! [`HealthHandle`]: super::HealthHandle

use std::time::Duration;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::transport::Server;
use tonic_health::pb::health_server::HealthServer;
use tonic_health::server::{HealthReporter, HealthService};

use crate::auth::tls::Acceptor;

/// A health request is a service name; nothing larger is ever needed.
const MAX_MESSAGE_BYTES: usize = 4 * 1024;
/// Probes are few; a misbehaving client gets no more than this per connection.
const CONCURRENCY_PER_CONNECTION: usize = 8;
/// Probes answer at once; `Watch` streams are bounded by the drain on shutdown.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A health-only server on `listener`, until `shutdown` fires. The returned accept task owns
/// the listener; it ends when the server stops accepting or `stop_accepting` fires.
pub(crate) fn serve(
    listener: TcpListener,
    reporter: HealthReporter,
    shutdown: CancellationToken,
    stop_accepting: CancellationToken,
) -> (
    impl Future<Output = Result<(), tonic::transport::Error>> + Send,
    JoinHandle<()>,
) {
    let (incoming, accept) = Acceptor::plaintext().spawn(listener, stop_accepting);
    let health = HealthServer::new(HealthService::from_health_reporter(reporter))
        .max_decoding_message_size(MAX_MESSAGE_BYTES);
    let server = Server::builder()
        .timeout(TIMEOUT)
        .concurrency_limit_per_connection(CONCURRENCY_PER_CONNECTION)
        .add_service(health)
        .serve_with_incoming_shutdown(incoming, shutdown.cancelled_owned());
    (server, accept)
}
