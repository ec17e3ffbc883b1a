//! A stand-in OpenTelemetry collector: accepts OTLP/gRPC trace exports on loopback and keeps
//! the raw request bytes, so a test can search everything the services exported (strings sit
//! in protobuf as plain UTF-8) without decoding the OTLP schema.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures::future::BoxFuture;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tonic::body::Body;
use tonic::server::{Grpc, NamedService, UnaryService};
use tonic::{Request, Response, Status};

use testkit::raw_grpc::RawCodec;

/// The OTLP trace service's export method.
const EXPORT: &str = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

/// A running sink; stops when dropped.
#[derive(Debug)]
pub struct OtlpSink {
    endpoint: String,
    received: Arc<Mutex<Vec<Bytes>>>,
    stop: CancellationToken,
}

impl OtlpSink {
    /// Starts a sink on a kernel-chosen loopback port.
    pub async fn start() -> std::io::Result<OtlpSink> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = CancellationToken::new();
        let service = Sink {
            received: received.clone(),
        };
        let incoming = tonic::transport::server::TcpIncoming::from(listener);
        let shutdown = stop.clone();
        tokio::spawn(async move {
            let result = tonic::transport::Server::builder()
                .add_service(service)
                .serve_with_incoming_shutdown(incoming, shutdown.cancelled_owned())
                .await;
            if let Err(error) = result {
                eprintln!("OTLP sink stopped: {error}");
            }
        });
        Ok(OtlpSink {
            endpoint,
            received,
            stop,
        })
    }

    /// The endpoint to configure as the services' `otlp_endpoint`.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Every export request received so far, concatenated.
    pub fn received(&self) -> Vec<u8> {
        self.received
            .lock()
            .map(|parts| parts.iter().flat_map(|part| part.iter().copied()).collect())
            .unwrap_or_default()
    }

    /// How many export requests arrived.
    pub fn exports(&self) -> usize {
        self.received.lock().map(|parts| parts.len()).unwrap_or(0)
    }
}

impl Drop for OtlpSink {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

#[derive(Clone)]
struct Sink {
    received: Arc<Mutex<Vec<Bytes>>>,
}

impl NamedService for Sink {
    const NAME: &'static str = "opentelemetry.proto.collector.trace.v1.TraceService";
}

impl tower::Service<http::Request<Body>> for Sink {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let received = self.received.clone();
        Box::pin(async move {
            if request.uri().path() != EXPORT {
                return Ok(Status::unimplemented("only trace export").into_http());
            }
            let mut grpc = Grpc::new(RawCodec);
            Ok(grpc.unary(Keep { received }, request).await)
        })
    }
}

/// Keeps the raw request and answers an empty `ExportTraceServiceResponse`.
struct Keep {
    received: Arc<Mutex<Vec<Bytes>>>,
}

impl UnaryService<Bytes> for Keep {
    type Response = Bytes;
    type Future = BoxFuture<'static, Result<Response<Bytes>, Status>>;

    fn call(&mut self, request: Request<Bytes>) -> Self::Future {
        if let Ok(mut parts) = self.received.lock() {
            parts.push(request.into_inner());
        }
        Box::pin(async { Ok(Response::new(Bytes::new())) })
    }
}
