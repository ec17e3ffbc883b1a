//! The gRPC server in production mode over real TLS on port 0, with a test CA made here:
//! the mTLS matrix, tokens over TLS, the plaintext health-only port, and the start-up checks.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::future::BoxFuture;
use http::uri::PathAndQuery;
use platform::audit::{Refusal, RefusalRecorder, RefusedCall};
use platform::auth::oidc::OidcConfig;
use platform::auth::tls::HandshakeFailures;
use platform::caller::{CallerContext, ROLES_HEADER, SUBJECT_HEADER, TENANT_HEADER};
use platform::config::{SecurityMode, ServerConfig, TlsConfig};
use platform::grpc::{GrpcServer, HealthHandle, SecurityConfigError, ServeError};
use tempfile::TempDir;
use test_identities::ca::{CertificateFiles, IssuedCertificate, Profile, TestCa};
use test_identities::issuer::DevIssuer;
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

const TRUST_DOMAIN: &str = "jobcenter.test";
const AUDIENCE: &str = "jobcenter-case";
const WHOAMI: &str = "/jobcenter.test.v1.Probe/Whoami";

/// A service whose one method answers the caller in metadata and counts its calls.
#[derive(Clone, Default)]
struct Probe {
    calls: Arc<AtomicUsize>,
}

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
        let calls = self.calls.clone();
        Box::pin(async move {
            let mut grpc = tonic::server::Grpc::new(ProstCodec::<(), ()>::default());
            Ok(match request.uri().path() {
                WHOAMI => grpc.unary(Whoami(calls), request).await,
                _ => Status::unimplemented("no such method").into_http(),
            })
        })
    }
}

struct Whoami(Arc<AtomicUsize>);

impl tonic::server::UnaryService<()> for Whoami {
    type Response = ();
    type Future = BoxFuture<'static, Result<tonic::Response<()>, Status>>;

    fn call(&mut self, request: tonic::Request<()>) -> Self::Future {
        self.0.fetch_add(1, Ordering::SeqCst);
        let caller = CallerContext::from_request(&request);
        let peer = request.remote_addr().map(|addr| addr.ip().to_string());
        Box::pin(async move {
            let caller = caller?;
            let roles = caller
                .roles
                .iter()
                .map(|role| role.as_str())
                .collect::<Vec<_>>()
                .join(",");
            let mut response = tonic::Response::new(());
            let pairs = [
                ("x-tenant", caller.tenant_id.as_str().to_owned()),
                ("x-subject", caller.subject),
                ("x-roles", roles),
                ("x-client", caller.client),
                (
                    "x-authentication",
                    caller.authentication.as_str().to_owned(),
                ),
                ("x-peer", peer.unwrap_or_default()),
            ];
            for (key, value) in pairs {
                let value = value.parse().map_err(|_| Status::internal("metadata"))?;
                response.metadata_mut().insert(key, value);
            }
            Ok(response)
        })
    }
}

/// Keeps every refused call.
#[derive(Clone, Default)]
struct Recording(Arc<Mutex<Vec<RefusedCall>>>);

impl Recording {
    fn reasons(&self) -> Vec<&'static str> {
        self.0
            .lock()
            .expect("not poisoned")
            .iter()
            .map(|call| match call.refusal {
                Refusal::Unauthenticated { reason } => reason,
                ref other => panic!("unexpected refusal {other:?}"),
            })
            .collect()
    }
}

impl RefusalRecorder for Recording {
    fn record(&self, call: RefusedCall) -> BoxFuture<'static, ()> {
        self.0.lock().expect("not poisoned").push(call);
        Box::pin(async {})
    }
}

/// A CA, the server's certificate and the CA file, in a temporary directory.
struct Pki {
    _dir: TempDir,
    ca: TestCa,
    server: CertificateFiles,
    ca_file: PathBuf,
}

fn pki() -> Pki {
    let dir = TempDir::new().expect("temporary directory");
    let ca = TestCa::new(TRUST_DOMAIN).expect("ca");
    let server = ca
        .server_certificate()
        .expect("server certificate")
        .write(dir.path(), "server")
        .expect("write server certificate");
    let ca_file = ca.write_cert(dir.path(), "partner-ca").expect("write ca");
    Pki {
        _dir: dir,
        ca,
        server,
        ca_file,
    }
}

/// Production mode: TLS with the server certificate, client certificates from the test CA.
fn production(pki: &Pki) -> ServerConfig {
    ServerConfig {
        drain_timeout_ms: 2_000,
        tls: TlsConfig {
            cert_file: Some(pki.server.cert_file.clone()),
            key_file: Some(pki.server.key_file.clone()),
            client_ca_file: Some(pki.ca_file.clone()),
            trust_domain: Some(TRUST_DOMAIN.to_owned()),
            ..TlsConfig::default()
        },
        ..ServerConfig::default()
    }
}

struct Running {
    address: SocketAddr,
    health_address: SocketAddr,
    health: HealthHandle,
    failures: HandshakeFailures,
    recorder: Recording,
    probe: Probe,
    cancel: CancellationToken,
    server: JoinHandle<Result<(), ServeError>>,
}

async fn start(cfg: ServerConfig) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let health_listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    let health_address = health_listener.local_addr().expect("address");
    let recorder = Recording::default();
    let mut server = GrpcServer::new(&cfg, tonic_health::pb::FILE_DESCRIPTOR_SET)
        .with_refusal_recorder(Arc::new(recorder.clone()))
        .with_health_listener(health_listener);
    server.check().expect("valid security configuration");
    let health = server.health();
    let failures = server.handshake_failures();
    let probe = Probe::default();
    let cancel = CancellationToken::new();
    let server = tokio::spawn(server.serve(listener, Routes::new(probe.clone()), cancel.clone()));
    Running {
        address,
        health_address,
        health,
        failures,
        recorder,
        probe,
        cancel,
        server,
    }
}

impl Running {
    async fn stop(self) {
        self.cancel.cancel();
        let result = tokio::time::timeout(Duration::from_secs(5), self.server)
            .await
            .expect("the server stops")
            .expect("not panicked");
        assert!(result.is_ok(), "{result:?}");
    }

    /// Waits until the handshake failure counter reaches `count`.
    async fn wait_for_handshake_failures(&self, count: u64) {
        let waited = tokio::time::timeout(Duration::from_secs(5), async {
            while self.failures.count() < count {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
        .await;
        assert!(
            waited.is_ok(),
            "expected {count} failed handshakes, saw {}",
            self.failures.count()
        );
    }
}

/// Calls `Whoami` with optional bearer token and development metadata.
async fn whoami(
    channel: &Channel,
    token: Option<&str>,
    dev: bool,
) -> Result<tonic::Response<()>, Status> {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready()
        .await
        .map_err(|e| Status::unavailable(e.to_string()))?;
    let mut request = tonic::Request::new(());
    let metadata = request.metadata_mut();
    if let Some(token) = token {
        let value = format!("Bearer {token}").parse().expect("ascii");
        metadata.insert("authorization", value);
    }
    if dev {
        metadata.insert(TENANT_HEADER, "jc-essen".parse().expect("ascii"));
        metadata.insert(SUBJECT_HEADER, "cw-1".parse().expect("ascii"));
        metadata.insert(ROLES_HEADER, "caseworker".parse().expect("ascii"));
    }
    grpc.unary(
        request,
        PathAndQuery::from_static(WHOAMI),
        ProstCodec::<(), ()>::default(),
    )
    .await
}

/// Connects presenting `client` and calls `Whoami`; a failed connect is a refusal too.
async fn whoami_with(
    pki: &Pki,
    address: SocketAddr,
    client: Option<&IssuedCertificate>,
) -> Result<tonic::Response<()>, Status> {
    let channel = pki
        .ca
        .channel(address, client)
        .await
        .map_err(|error| Status::unavailable(format!("connect: {error}")))?;
    whoami(&channel, None, false).await
}

fn text<'a>(response: &'a tonic::Response<()>, key: &str) -> &'a str {
    response
        .metadata()
        .get(key)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn partner_and_service_certificates_authenticate_with_tenant_role_and_principal() {
    let pki = pki();
    let running = start(production(&pki)).await;

    let partner = pki
        .ca
        .partner_certificate("jc-essen", "fachverfahren-1")
        .expect("certificate");
    let response = whoami_with(&pki, running.address, Some(&partner))
        .await
        .expect("accepted");
    assert_eq!(text(&response, "x-tenant"), "jc-essen");
    assert_eq!(text(&response, "x-roles"), "partner-system");
    assert_eq!(text(&response, "x-subject"), "partner/fachverfahren-1");
    assert_eq!(text(&response, "x-client"), "partner/fachverfahren-1");
    assert_eq!(text(&response, "x-authentication"), "certificate");
    // Handlers see the peer as with tonic's own transport.
    assert_eq!(text(&response, "x-peer"), "127.0.0.1");

    let service = pki
        .ca
        .service_certificate("jc-bochum", "case")
        .expect("certificate");
    let response = whoami_with(&pki, running.address, Some(&service))
        .await
        .expect("accepted");
    assert_eq!(text(&response, "x-tenant"), "jc-bochum");
    assert_eq!(text(&response, "x-roles"), "service");
    assert_eq!(text(&response, "x-subject"), "service/case");

    assert_eq!(running.failures.count(), 0);
    assert!(running.recorder.reasons().is_empty());
    running.stop().await;
}

#[tokio::test]
async fn bad_client_certificates_are_refused_at_the_handshake() {
    let pki = pki();
    let running = start(production(&pki)).await;
    let other_ca = TestCa::new(TRUST_DOMAIN).expect("another ca");
    let id = pki.ca.partner_id("jc-essen", "fv");
    // The other CA has the same name as the partner CA: webpki finds the partner CA as
    // issuer and refuses the signature.
    let cases = [
        (
            pki.ca.self_signed_certificate("jc-essen", "fv"),
            "client_certificate_unknown_issuer",
        ),
        (
            other_ca.partner_certificate("jc-essen", "fv"),
            "client_certificate_bad_signature",
        ),
        (
            pki.ca.client_certificate(&id, Profile::expired()),
            "client_certificate_expired",
        ),
        (
            pki.ca.client_certificate(&id, Profile::not_yet_valid()),
            "client_certificate_not_yet_valid",
        ),
        (
            pki.ca.client_certificate(&id, Profile::wrong_usage()),
            "client_certificate_wrong_usage",
        ),
    ];
    let mut expected = Vec::new();
    for (failures, (certificate, reason)) in (1..).zip(cases) {
        let certificate = certificate.expect("certificate");
        let result = whoami_with(&pki, running.address, Some(&certificate)).await;
        let status = result.expect_err(reason);
        assert_ne!(status.code(), Code::Ok, "{reason}");
        running.wait_for_handshake_failures(failures).await;
        assert_eq!(running.failures.count_of(reason), 1, "{reason}");
        expected.push(reason);
    }
    assert_eq!(running.probe.calls.load(Ordering::SeqCst), 0);
    // Each refused certificate is an authentication failure on record, under the handshake's
    // pseudo-RPC, with the peer and no caller (recorded right after it is counted).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while running.recorder.reasons().len() < expected.len() && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(running.recorder.reasons(), expected);
    for call in running.recorder.0.lock().expect("not poisoned").iter() {
        assert_eq!(call.rpc, platform::auth::tls::HANDSHAKE_RPC);
        assert!(call.caller.is_none() && call.peer.is_some());
    }
    running.stop().await;
}

#[tokio::test]
async fn calls_without_an_acceptable_identity_are_unauthenticated_and_recorded() {
    let pki = pki();
    let running = start(production(&pki)).await;

    let wrong_domain = pki
        .ca
        .wrong_trust_domain_certificate("other.test", "jc-essen", "fv")
        .expect("certificate");
    let status = whoami_with(&pki, running.address, Some(&wrong_domain))
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::Unauthenticated);
    assert_eq!(status.message(), "invalid or missing credentials");

    let without_certificate = pki.ca.channel(running.address, None).await.expect("tls");
    let status = whoami(&without_certificate, None, false)
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::Unauthenticated);

    // Production mode does not trust development metadata.
    let status = whoami(&without_certificate, None, true)
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::Unauthenticated);

    assert_eq!(
        running.recorder.reasons(),
        [
            "certificate_wrong_trust_domain",
            "missing_credentials",
            "development_identity_refused"
        ]
    );
    assert_eq!(running.probe.calls.load(Ordering::SeqCst), 0);
    assert_eq!(running.failures.count(), 0);
    running.stop().await;
}

#[tokio::test]
async fn a_server_requiring_client_certificates_refuses_clients_without_one() {
    let pki = pki();
    let mut cfg = production(&pki);
    cfg.tls.require_client_certificate = true;
    let running = start(cfg).await;

    let result = whoami_with(&pki, running.address, None).await;
    assert_ne!(result.expect_err("refused").code(), Code::Ok);
    running.wait_for_handshake_failures(1).await;
    assert_eq!(running.failures.count_of("client_certificate_missing"), 1);

    let partner = pki
        .ca
        .partner_certificate("jc-essen", "fv")
        .expect("certificate");
    whoami_with(&pki, running.address, Some(&partner))
        .await
        .expect("accepted");
    running.stop().await;
}

#[tokio::test]
async fn the_tls_port_refuses_plaintext() {
    let pki = pki();
    let running = start(production(&pki)).await;
    let plaintext = Channel::from_shared(format!("http://{}", running.address))
        .expect("uri")
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(2))
        .connect()
        .await;
    if let Ok(channel) = plaintext {
        let result = HealthClient::new(channel)
            .check(HealthCheckRequest::default())
            .await;
        assert!(result.is_err(), "plaintext was answered: {result:?}");
    }
    running.wait_for_handshake_failures(1).await;
    assert_eq!(running.failures.count_of("not_tls"), 1);
    running.stop().await;
}

#[tokio::test]
async fn tokens_authenticate_over_tls_alone_or_through_a_certified_system() {
    let pki = pki();
    let issuer = DevIssuer::start().await.expect("issuer");
    let mut cfg = production(&pki);
    cfg.oidc = Some(OidcConfig {
        jwks_min_refetch_ms: 0,
        ..OidcConfig::new(issuer.issuer_url(), AUDIENCE)
    });
    let running = start(cfg).await;
    let token = issuer
        .token()
        .tenant("jc-essen")
        .subject("user-4711")
        .roles(&["caseworker"])
        .audience(AUDIENCE)
        .sign()
        .expect("token");

    let without_certificate = pki.ca.channel(running.address, None).await.expect("tls");
    let response = whoami(&without_certificate, Some(&token), false)
        .await
        .expect("accepted");
    assert_eq!(text(&response, "x-subject"), "user-4711");
    assert_eq!(text(&response, "x-roles"), "caseworker");
    assert_eq!(text(&response, "x-client"), "jobcenter-web");
    assert_eq!(text(&response, "x-authentication"), "token");

    let portal = pki
        .ca
        .service_certificate("jc-essen", "portal")
        .expect("certificate");
    let certified = pki
        .ca
        .channel(running.address, Some(&portal))
        .await
        .expect("mtls");
    let response = whoami(&certified, Some(&token), false)
        .await
        .expect("accepted");
    assert_eq!(text(&response, "x-subject"), "user-4711");
    assert_eq!(text(&response, "x-roles"), "caseworker");
    assert_eq!(text(&response, "x-client"), "service/portal");

    let expired = issuer
        .token()
        .tenant("jc-essen")
        .audience(AUDIENCE)
        .expires_in(-3600)
        .sign()
        .expect("token");
    let status = whoami(&without_certificate, Some(&expired), false)
        .await
        .expect_err("refused");
    assert_eq!(status.code(), Code::Unauthenticated);
    assert_eq!(running.recorder.reasons(), ["token_expired"]);
    running.stop().await;
}

#[tokio::test]
async fn the_plaintext_health_port_serves_only_health_and_drains_with_the_server() {
    let pki = pki();
    let running = start(production(&pki)).await;
    let plaintext = Channel::from_shared(format!("http://{}", running.health_address))
        .expect("uri")
        .connect()
        .await
        .expect("plaintext connect");

    let check = |channel: Channel| async move {
        HealthClient::new(channel)
            .check(HealthCheckRequest::default())
            .await
            .map(|response| response.into_inner().status())
    };
    assert_eq!(
        check(plaintext.clone()).await.expect("health"),
        ServingStatus::NotServing
    );
    running.health.set_serving::<Probe>().await;
    assert_eq!(
        check(plaintext.clone()).await.expect("health"),
        ServingStatus::Serving
    );
    // The TLS port answers health too, without a client certificate.
    let tls = pki.ca.channel(running.address, None).await.expect("tls");
    assert_eq!(check(tls).await.expect("health"), ServingStatus::Serving);

    // Nothing else is served in plaintext, even with credentials that would pass on TLS.
    let status = whoami(&plaintext, None, true).await.expect_err("refused");
    assert_eq!(status.code(), Code::Unimplemented);
    let reflection =
        tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient::new(
            plaintext.clone(),
        )
        .server_reflection_info(futures::stream::empty())
        .await;
    assert_eq!(reflection.expect_err("refused").code(), Code::Unimplemented);
    assert_eq!(running.probe.calls.load(Ordering::SeqCst), 0);

    let (address, health_address) = (running.address, running.health_address);
    running.stop().await;
    for port in [address, health_address] {
        assert!(TcpListener::bind(port).await.is_ok(), "{port} still open");
    }
}

/// Whether an error is the one a misconfiguration should give.
type IsExpected = fn(&SecurityConfigError) -> bool;

#[tokio::test]
async fn production_mode_refuses_to_start_without_tls_or_a_way_to_authenticate() {
    let pki = pki();
    let missing = PathBuf::from("/nonexistent/jc/tls.crt");
    let cases: Vec<(&str, ServerConfig, IsExpected, &str)> = vec![
        (
            "no TLS",
            ServerConfig::default(),
            |e| matches!(e, SecurityConfigError::TlsRequired),
            "server.tls.cert_file",
        ),
        (
            "no way to authenticate",
            ServerConfig {
                tls: TlsConfig {
                    client_ca_file: None,
                    trust_domain: None,
                    ..production(&pki).tls
                },
                ..ServerConfig::default()
            },
            |e| matches!(e, SecurityConfigError::NoAuthentication),
            "server.oidc",
        ),
        (
            "certificate without key",
            ServerConfig {
                tls: TlsConfig {
                    key_file: None,
                    ..production(&pki).tls
                },
                ..ServerConfig::default()
            },
            |e| matches!(e, SecurityConfigError::IncompleteTls),
            "server.tls.key_file",
        ),
        (
            "client CA without trust domain",
            ServerConfig {
                tls: TlsConfig {
                    trust_domain: None,
                    ..production(&pki).tls
                },
                ..ServerConfig::default()
            },
            |e| matches!(e, SecurityConfigError::TrustDomainMissing),
            "server.tls.trust_domain",
        ),
        (
            "invalid trust domain",
            ServerConfig {
                tls: TlsConfig {
                    trust_domain: Some("Jobcenter Test".to_owned()),
                    ..production(&pki).tls
                },
                ..ServerConfig::default()
            },
            |e| matches!(e, SecurityConfigError::TrustDomain(_)),
            "server.tls.trust_domain",
        ),
        (
            "required client certificates without CA",
            ServerConfig {
                tls: TlsConfig {
                    client_ca_file: None,
                    require_client_certificate: true,
                    ..production(&pki).tls
                },
                oidc: Some(OidcConfig::new("https://id.example/realms/jc", AUDIENCE)),
                ..ServerConfig::default()
            },
            |e| matches!(e, SecurityConfigError::RequiredWithoutClientCa),
            "server.tls.client_ca_file",
        ),
        (
            "missing certificate file",
            ServerConfig {
                tls: TlsConfig {
                    cert_file: Some(missing),
                    ..production(&pki).tls
                },
                ..ServerConfig::default()
            },
            |e| matches!(e, SecurityConfigError::Tls(_)),
            "TLS configuration",
        ),
        (
            "client CA on a plaintext port in development mode",
            ServerConfig {
                mode: SecurityMode::Development,
                tls: TlsConfig {
                    client_ca_file: Some(pki.ca_file.clone()),
                    trust_domain: Some(TRUST_DOMAIN.to_owned()),
                    ..TlsConfig::default()
                },
                ..ServerConfig::default()
            },
            |e| matches!(e, SecurityConfigError::ClientCaWithoutTls),
            "server.tls.cert_file",
        ),
    ];
    for (name, cfg, expected, named_setting) in cases {
        let mut server = GrpcServer::new(&cfg, tonic_health::pb::FILE_DESCRIPTOR_SET);
        let Err(ServeError::Security(error)) = server.check() else {
            panic!("{name}: started");
        };
        assert!(expected(&error), "{name}: {error:?}");
        assert!(
            error.to_string().contains(named_setting),
            "{name}: {error} does not name {named_setting}"
        );

        // `serve` refuses too, without answering on its listener.
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let server = GrpcServer::new(&cfg, tonic_health::pb::FILE_DESCRIPTOR_SET);
        let result = tokio::time::timeout(
            Duration::from_secs(5),
            server.serve(
                listener,
                Routes::new(Probe::default()),
                CancellationToken::new(),
            ),
        )
        .await
        .expect("serve returns at once");
        assert!(
            matches!(result, Err(ServeError::Security(_))),
            "{name}: {result:?}"
        );
    }
}
