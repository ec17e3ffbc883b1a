//! The gRPC server end to end on port 0: health, reflection, development identities, the
//! health-only port, start-up checks, shutdown and drain.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use http::uri::PathAndQuery;
use platform::caller::{CallerContext, ROLES_HEADER, SUBJECT_HEADER, TENANT_HEADER};
use platform::config::ServerConfig;
use platform::grpc::{GrpcServer, HealthHandle};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tonic::body::Body;
use tonic::server::NamedService;
use tonic::service::Routes;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_prost::ProstCodec;

/// A hand-written gRPC service with two unary methods taking and returning `Empty`:
/// `Whoami` answers the caller's tenant in metadata, `Slow` never finishes in time.
#[derive(Clone)]
struct Probe;

impl NamedService for Probe {
    const NAME: &'static str = "jobcenter.test.v1.Probe";
}

impl tower::Service<http::Request<Body>> for Probe {
    type Response = http::Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<'static, Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(ProstCodec::<(), ()>::default());
            Ok(match request.uri().path() {
                "/jobcenter.test.v1.Probe/Whoami" => grpc.unary(Method::Whoami, request).await,
                "/jobcenter.test.v1.Probe/Slow" => grpc.unary(Method::Slow, request).await,
                _ => Status::unimplemented("no such method").into_http(),
            })
        })
    }
}

enum Method {
    Whoami,
    Slow,
}

impl tonic::server::UnaryService<()> for Method {
    type Response = ();
    type Future = BoxFuture<'static, Result<tonic::Response<()>, Status>>;

    fn call(&mut self, request: tonic::Request<()>) -> Self::Future {
        let caller = CallerContext::from_request(&request);
        let slow = matches!(self, Method::Slow);
        Box::pin(async move {
            let caller = caller?;
            if slow {
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
            let mut response = tonic::Response::new(());
            let tenant = caller
                .tenant_id
                .as_str()
                .parse()
                .map_err(|_| Status::internal("tenant"))?;
            response.metadata_mut().insert("x-tenant", tenant);
            Ok(response)
        })
    }
}

struct Running {
    address: SocketAddr,
    health: HealthHandle,
    cancel: CancellationToken,
    server: JoinHandle<Result<(), platform::grpc::ServeError>>,
}

async fn start(drain_timeout_ms: u64) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let address = listener.local_addr().expect("local address");
    // Development mode: plaintext and development identities, as in the local demo.
    let cfg = ServerConfig {
        drain_timeout_ms,
        ..ServerConfig::development()
    };
    let server = GrpcServer::new(&cfg, tonic_health::pb::FILE_DESCRIPTOR_SET);
    let health = server.health();
    let cancel = CancellationToken::new();
    let server = tokio::spawn(server.serve(listener, Routes::new(Probe), cancel.clone()));
    Running {
        address,
        health,
        cancel,
        server,
    }
}

async fn channel(address: SocketAddr) -> Channel {
    Channel::from_shared(format!("http://{address}"))
        .expect("uri")
        .connect()
        .await
        .expect("connect")
}

async fn check(channel: &Channel, service: &str) -> Result<ServingStatus, Status> {
    let response = HealthClient::new(channel.clone())
        .check(HealthCheckRequest {
            service: service.to_owned(),
        })
        .await?;
    Ok(response.into_inner().status())
}

async fn call(
    channel: &Channel,
    method: &'static str,
    identity: Option<(&str, &str, &str)>,
) -> Result<tonic::Response<()>, Status> {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(e.to_string()))?;
    let mut request = tonic::Request::new(());
    if let Some((tenant, subject, roles)) = identity {
        let metadata = request.metadata_mut();
        metadata.insert(TENANT_HEADER, tenant.parse().expect("ascii"));
        metadata.insert(SUBJECT_HEADER, subject.parse().expect("ascii"));
        metadata.insert(ROLES_HEADER, roles.parse().expect("ascii"));
    }
    grpc.unary(
        request,
        PathAndQuery::from_static(method),
        ProstCodec::<(), ()>::default(),
    )
    .await
}

#[tokio::test]
async fn health_is_serving_only_after_ready_and_not_serving_after_cancel() {
    let running = start(2_000).await;
    let channel = channel(running.address).await;

    // Up, but its dependencies are not ready yet.
    assert_eq!(
        check(&channel, "").await.expect("check"),
        ServingStatus::NotServing
    );

    running.health.set_serving::<Probe>().await;
    assert_eq!(
        check(&channel, "").await.expect("check"),
        ServingStatus::Serving
    );
    assert_eq!(
        check(&channel, Probe::NAME).await.expect("check"),
        ServingStatus::Serving
    );

    let mut watch = HealthClient::new(channel.clone())
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("watch")
        .into_inner();
    let first = watch.message().await.expect("stream").expect("a status");
    assert_eq!(first.status(), ServingStatus::Serving);

    let cancelled_at = Instant::now();
    running.cancel.cancel();
    let next = tokio::time::timeout(Duration::from_secs(2), watch.message())
        .await
        .expect("a status change in time")
        .expect("stream")
        .expect("a status");
    assert_eq!(next.status(), ServingStatus::NotServing);
    drop(watch);

    let result = tokio::time::timeout(Duration::from_secs(5), running.server)
        .await
        .expect("server stops")
        .expect("task not panicked");
    assert!(result.is_ok(), "{result:?}");
    assert!(cancelled_at.elapsed() < Duration::from_secs(3));

    // Readiness reported after shutdown began does not flip health back.
    running.health.set_serving::<Probe>().await;
    assert!(
        TcpListener::bind(running.address).await.is_ok(),
        "listener closed"
    );
}

#[tokio::test]
async fn calls_need_a_development_identity_but_probes_do_not() {
    let running = start(2_000).await;
    let channel = channel(running.address).await;

    let anonymous = call(&channel, "/jobcenter.test.v1.Probe/Whoami", None)
        .await
        .expect_err("refused");
    assert_eq!(anonymous.code(), Code::Unauthenticated);

    let bad_tenant = call(
        &channel,
        "/jobcenter.test.v1.Probe/Whoami",
        Some(("JC_KOELN", "u-1", "caseworker")),
    )
    .await;
    let bad_tenant = match bad_tenant {
        Err(status) => status,
        Ok(_) => panic!("an invalid tenant was accepted"),
    };
    assert_eq!(bad_tenant.code(), Code::Unauthenticated);

    let response = call(
        &channel,
        "/jobcenter.test.v1.Probe/Whoami",
        Some(("jc-koeln", "u-1", "caseworker,auditor")),
    )
    .await
    .expect("accepted");
    assert_eq!(
        response
            .metadata()
            .get("x-tenant")
            .and_then(|v| v.to_str().ok()),
        Some("jc-koeln")
    );

    // Health needs no identity.
    assert!(check(&channel, "").await.is_ok());
    running.cancel.cancel();
    let _ = running.server.await;
}

#[tokio::test]
async fn reflection_lists_the_services() {
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

    let running = start(2_000).await;
    let channel = channel(running.address).await;
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = ServerReflectionClient::new(channel)
        .server_reflection_info(futures::stream::iter([request]))
        .await
        .expect("reflection")
        .into_inner();
    let response = responses
        .message()
        .await
        .expect("stream")
        .expect("a response");
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("not a service list: {response:?}");
    };
    let names: Vec<_> = list.service.into_iter().map(|s| s.name).collect();
    assert!(
        names.contains(&"grpc.health.v1.Health".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"grpc.reflection.v1.ServerReflection".to_owned()),
        "{names:?}"
    );
    drop(responses);
    running.cancel.cancel();
    let _ = running.server.await;
}

#[tokio::test]
async fn shutdown_abandons_calls_that_outlast_the_drain_timeout() {
    let running = start(500).await;
    let channel = channel(running.address).await;
    running.health.set_serving::<Probe>().await;

    let slow = tokio::spawn({
        let channel = channel.clone();
        async move {
            call(
                &channel,
                "/jobcenter.test.v1.Probe/Slow",
                Some(("jc", "u-1", "applicant")),
            )
            .await
        }
    });
    // Let the slow call reach its handler.
    tokio::time::sleep(Duration::from_millis(200)).await;

    let cancelled_at = Instant::now();
    running.cancel.cancel();
    let result = tokio::time::timeout(Duration::from_secs(5), running.server)
        .await
        .expect("server stops within the drain timeout")
        .expect("task not panicked");
    let took = cancelled_at.elapsed();
    assert!(result.is_ok(), "{result:?}");
    assert!(
        took >= Duration::from_millis(450),
        "drained too early: {took:?}"
    );
    assert!(took < Duration::from_secs(2), "drain not bounded: {took:?}");
    slow.abort();
}

/// A service layer that notes, per call, its name and whether the caller was authenticated.
#[derive(Clone)]
struct Mark {
    name: &'static str,
    log: Arc<Mutex<Vec<(&'static str, bool)>>>,
}

impl<S> tower::Layer<S> for Mark {
    type Service = Marked<S>;
    fn layer(&self, inner: S) -> Self::Service {
        Marked {
            mark: self.clone(),
            inner,
        }
    }
}

#[derive(Clone)]
struct Marked<S> {
    mark: Mark,
    inner: S,
}

impl<S> tower::Service<http::Request<Body>> for Marked<S>
where
    S: tower::Service<http::Request<Body>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Body>) -> Self::Future {
        let authenticated = request.extensions().get::<CallerContext>().is_some();
        self.mark
            .log
            .lock()
            .expect("not poisoned")
            .push((self.mark.name, authenticated));
        self.inner.call(request)
    }
}

#[tokio::test]
async fn service_layers_run_after_authentication_in_the_order_given() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
    let address = listener.local_addr().expect("local address");
    let server = GrpcServer::new(
        &ServerConfig::development(),
        tonic_health::pb::FILE_DESCRIPTOR_SET,
    )
    .with_layer(Mark {
        name: "authorization",
        log: log.clone(),
    })
    .with_layer(Mark {
        name: "rate-limit",
        log: log.clone(),
    });
    let cancel = CancellationToken::new();
    let server = tokio::spawn(server.serve(listener, Routes::new(Probe), cancel.clone()));
    let channel = channel(address).await;

    let anonymous = call(&channel, "/jobcenter.test.v1.Probe/Whoami", None).await;
    assert_eq!(
        anonymous.expect_err("refused").code(),
        Code::Unauthenticated
    );
    assert!(
        log.lock().expect("not poisoned").is_empty(),
        "a refused call reached the service's layers"
    );

    call(
        &channel,
        "/jobcenter.test.v1.Probe/Whoami",
        Some(("jc", "u-1", "caseworker")),
    )
    .await
    .expect("accepted");
    assert_eq!(
        *log.lock().expect("not poisoned"),
        [("authorization", true), ("rate-limit", true)]
    );

    cancel.cancel();
    let result = server.await.expect("not panicked");
    assert!(result.is_ok(), "{result:?}");
}
