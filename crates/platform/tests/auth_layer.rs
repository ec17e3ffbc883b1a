//! The authentication layer on its own (tower, no sockets but the test issuer's JWKS): which
//! credential counts in which mode, what the client learns, and that every refusal reaches the
//! `RefusalRecorder` exactly once, before the answer.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use http::{HeaderValue, Request, Response};
use platform::audit::{Refusal, RefusalRecorder, RefusedCall};
use platform::auth::AuthenticationLayer;
use platform::auth::layer::UNAUTHENTICATED_MESSAGE;
use platform::auth::oidc::{OidcConfig, TokenValidator};
use platform::auth::tls::{CertificateError, ClientCertificate, ConnectionInfo};
use platform::caller::{ROLES_HEADER, SUBJECT_HEADER, TENANT_HEADER};
use platform::config::SecurityMode;
use platform::{Authentication, CallerContext, Role, TenantId};
use test_identities::issuer::{DevIssuer, Forgery};
use tonic::body::Body;
use tonic::{Code, Status};
use tower::{Layer, ServiceExt};

const RPC: &str = "/jobcenter.case.v1.CaseService/GetCase";
const AUDIENCE: &str = "jobcenter-case";

/// Keeps every refused call; optionally takes its time, like a database write.
#[derive(Clone, Default)]
struct Recording {
    calls: Arc<Mutex<Vec<RefusedCall>>>,
    delay: Duration,
}

impl Recording {
    fn calls(&self) -> Vec<RefusedCall> {
        self.calls.lock().expect("not poisoned").clone()
    }
}

impl RefusalRecorder for Recording {
    fn record(&self, call: RefusedCall) -> BoxFuture<'static, ()> {
        let calls = self.calls.clone();
        let delay = self.delay;
        Box::pin(async move {
            tokio::time::sleep(delay).await;
            calls.lock().expect("not poisoned").push(call);
        })
    }
}

/// What the handler behind the layer saw.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seen {
    Caller(CallerContext),
    NoCaller,
}

/// Runs one call through the layer; `Ok(seen)` if it reached the handler.
async fn call(layer: &AuthenticationLayer, request: Request<Body>) -> Result<Seen, Status> {
    let seen = Arc::new(Mutex::new(None));
    let handler = {
        let seen = seen.clone();
        tower::service_fn(move |request: Request<Body>| {
            let caller = request.extensions().get::<CallerContext>().cloned();
            *seen.lock().expect("not poisoned") = Some(match caller {
                Some(caller) => Seen::Caller(caller),
                None => Seen::NoCaller,
            });
            async { Ok::<_, std::convert::Infallible>(Response::new(Body::empty())) }
        })
    };
    let response = layer
        .layer(handler)
        .oneshot(request)
        .await
        .expect("infallible");
    if let Some(status) = Status::from_header_map(response.headers()) {
        assert!(
            seen.lock().expect("not poisoned").is_none(),
            "a refused call reached the handler"
        );
        return Err(status);
    }
    Ok(seen
        .lock()
        .expect("not poisoned")
        .clone()
        .expect("the handler ran"))
}

fn peer() -> SocketAddr {
    "192.0.2.7:40000".parse().expect("address")
}

/// A request to `path` on a connection from [`peer`], optionally with a client certificate.
fn request(
    path: &str,
    headers: &[(&str, &str)],
    certificate: Option<Result<CallerContext, CertificateError>>,
) -> Request<Body> {
    let mut request = Request::builder()
        .uri(path)
        .body(Body::empty())
        .expect("request");
    for (key, value) in headers {
        request.headers_mut().insert(
            http::HeaderName::from_bytes(key.as_bytes()).expect("name"),
            HeaderValue::from_str(value).expect("value"),
        );
    }
    request.extensions_mut().insert(ConnectionInfo {
        remote_addr: Some(peer()),
        local_addr: None,
        tls: certificate.is_some(),
        client_certificate: certificate.map(|identity| {
            Arc::new(ClientCertificate {
                chain: Vec::new(),
                identity,
            })
        }),
    });
    request
}

const DEV_CASEWORKER: [(&str, &str); 3] = [
    (TENANT_HEADER, "jc-essen"),
    (SUBJECT_HEADER, "cw-1"),
    (ROLES_HEADER, "caseworker"),
];

fn partner(tenant: &str) -> CallerContext {
    CallerContext {
        tenant_id: TenantId::parse(tenant).expect("tenant"),
        subject: "partner/fv-1".to_owned(),
        roles: vec![Role::PartnerSystem],
        client: "partner/fv-1".to_owned(),
        authentication: Authentication::Certificate,
    }
}

/// Asserts `result` is the generic `UNAUTHENTICATED` and exactly one new record says `reason`.
fn assert_refused(result: Result<Seen, Status>, recorder: &Recording, reason: &str) {
    let status = result.expect_err("refused");
    assert_eq!(status.code(), Code::Unauthenticated, "{reason}: {status:?}");
    assert_eq!(status.message(), UNAUTHENTICATED_MESSAGE, "{reason}");
    let calls = recorder.calls();
    let last = calls.last().expect("a record");
    assert_eq!(last_reason(last), reason);
    assert_eq!(last.rpc, RPC);
    assert_eq!(last.peer, Some(peer()));
    assert_eq!(last.caller, None);
}

fn last_reason(call: &RefusedCall) -> &'static str {
    match call.refusal {
        Refusal::Unauthenticated { reason } => reason,
        ref other => panic!("not an authentication refusal: {other:?}"),
    }
}

fn layer(
    mode: SecurityMode,
    tokens: Option<TokenValidator>,
    recorder: &Recording,
) -> AuthenticationLayer {
    AuthenticationLayer::new(mode, tokens, Arc::new(recorder.clone()))
}

async fn issuer_and_validator() -> (DevIssuer, TokenValidator) {
    let issuer = DevIssuer::start().await.expect("issuer");
    let config = OidcConfig {
        jwks_min_refetch_ms: 0,
        ..OidcConfig::new(issuer.issuer_url(), AUDIENCE)
    };
    let validator = TokenValidator::new(config).expect("validator");
    (issuer, validator)
}

#[tokio::test]
async fn development_metadata_is_accepted_in_development_mode_only() {
    let recorder = Recording::default();
    let development = layer(SecurityMode::Development, None, &recorder);
    let seen = call(&development, request(RPC, &DEV_CASEWORKER, None))
        .await
        .expect("accepted");
    let Seen::Caller(caller) = seen else {
        panic!("no caller");
    };
    assert_eq!(caller.tenant_id.as_str(), "jc-essen");
    assert_eq!(caller.subject, "cw-1");
    assert_eq!(caller.roles, vec![Role::Caseworker]);
    assert_eq!(caller.authentication, Authentication::Development);
    assert!(recorder.calls().is_empty());

    let production = layer(SecurityMode::Production, None, &recorder);
    let result = call(&production, request(RPC, &DEV_CASEWORKER, None)).await;
    assert_refused(result, &recorder, "development_identity_refused");
    assert_eq!(recorder.calls().len(), 1);
}

#[tokio::test]
async fn invalid_development_metadata_is_refused_without_saying_why() {
    let recorder = Recording::default();
    let development = layer(SecurityMode::Development, None, &recorder);
    let bad = [
        (TENANT_HEADER, "JC ESSEN"),
        (SUBJECT_HEADER, "cw-1"),
        (ROLES_HEADER, "caseworker"),
    ];
    let result = call(&development, request(RPC, &bad, None)).await;
    assert_refused(result, &recorder, "development_identity_invalid");
    assert_eq!(recorder.calls().len(), 1);
}

#[tokio::test]
async fn calls_without_credentials_are_refused_and_recorded_exactly_once() {
    for mode in [SecurityMode::Production, SecurityMode::Development] {
        let recorder = Recording::default();
        let result = call(&layer(mode, None, &recorder), request(RPC, &[], None)).await;
        assert_refused(result, &recorder, "missing_credentials");
        assert_eq!(recorder.calls().len(), 1, "{mode:?}");
    }
}

#[tokio::test]
async fn health_and_reflection_need_no_credentials_and_leave_no_record() {
    let recorder = Recording::default();
    let production = layer(SecurityMode::Production, None, &recorder);
    for path in [
        "/grpc.health.v1.Health/Check",
        "/grpc.health.v1.Health/Watch",
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    ] {
        let seen = call(&production, request(path, &[], None))
            .await
            .expect("exempt");
        assert_eq!(seen, Seen::NoCaller, "{path}");
    }
    assert!(recorder.calls().is_empty());
}

#[tokio::test]
async fn a_refusal_is_on_record_before_the_caller_learns_of_it() {
    let recorder = Recording {
        delay: Duration::from_millis(200),
        ..Recording::default()
    };
    let production = layer(SecurityMode::Production, None, &recorder);
    let result = call(&production, request(RPC, &[], None)).await;
    // `call` returns only once the response exists: the slow record must already be there.
    assert_refused(result, &recorder, "missing_credentials");
    assert_eq!(recorder.calls().len(), 1);
}

#[tokio::test]
async fn a_verified_certificate_authenticates_its_system() {
    let recorder = Recording::default();
    let production = layer(SecurityMode::Production, None, &recorder);
    let seen = call(
        &production,
        request(RPC, &DEV_CASEWORKER, Some(Ok(partner("jc-essen")))),
    )
    .await
    .expect("accepted");
    // The certificate counts; development metadata beside it is ignored.
    assert_eq!(seen, Seen::Caller(partner("jc-essen")));
    assert!(recorder.calls().is_empty());

    let result = call(
        &production,
        request(RPC, &[], Some(Err(CertificateError::WrongTrustDomain))),
    )
    .await;
    assert_refused(result, &recorder, "certificate_wrong_trust_domain");
    assert_eq!(recorder.calls().len(), 1);
}

#[tokio::test]
async fn a_valid_token_passes_with_its_callers_identity() {
    let (issuer, validator) = issuer_and_validator().await;
    let recorder = Recording::default();
    let production = layer(SecurityMode::Production, Some(validator), &recorder);
    let token = issuer
        .token()
        .tenant("jc-essen")
        .subject("user-4711")
        .roles(&["caseworker", "team-lead"])
        .audience(AUDIENCE)
        .sign()
        .expect("token");
    let bearer = format!("Bearer {token}");
    let seen = call(
        &production,
        request(RPC, &[("authorization", &bearer)], None),
    )
    .await
    .expect("accepted");
    let Seen::Caller(caller) = seen else {
        panic!("no caller");
    };
    assert_eq!(caller.tenant_id.as_str(), "jc-essen");
    assert_eq!(caller.subject, "user-4711");
    assert!(caller.has_role(Role::Caseworker) && caller.has_role(Role::TeamLead));
    assert_eq!(caller.client, "jobcenter-web");
    assert_eq!(caller.authentication, Authentication::Token);
    assert!(recorder.calls().is_empty());
}

#[tokio::test]
async fn invalid_tokens_are_refused_each_recorded_once_with_its_reason() {
    let (issuer, validator) = issuer_and_validator().await;
    let recorder = Recording::default();
    let production = layer(SecurityMode::Production, Some(validator), &recorder);
    let valid = || issuer.token().tenant("jc-essen").audience(AUDIENCE);
    let cases = [
        (valid().expires_in(-3600).sign(), "token_expired"),
        (valid().not_before_in(3600).sign(), "token_not_yet_valid"),
        (
            valid().audience("jobcenter-intake").sign(),
            "token_wrong_audience",
        ),
        (
            valid().issuer("http://127.0.0.1:1").sign(),
            "token_wrong_issuer",
        ),
        (valid().without_tenant().sign(), "token_missing_tenant"),
        (
            valid().forge(Forgery::AlgNone),
            "token_algorithm_not_allowed",
        ),
        (
            valid().forge(Forgery::Hs256WithPublicKey),
            "token_algorithm_not_allowed",
        ),
        (valid().forge(Forgery::BadSignature), "token_bad_signature"),
        (valid().forge(Forgery::UnknownKeyId), "token_unknown_key"),
        (Ok("not-a-jwt".to_owned()), "token_malformed"),
    ];
    for (count, (token, reason)) in cases.into_iter().enumerate() {
        let bearer = format!("Bearer {}", token.expect("token"));
        let result = call(
            &production,
            request(RPC, &[("authorization", &bearer)], None),
        )
        .await;
        assert_refused(result, &recorder, reason);
        assert_eq!(recorder.calls().len(), count + 1, "{reason}");
    }
}

#[tokio::test]
async fn tokens_are_refused_when_no_issuer_is_configured_or_the_header_is_not_bearer() {
    let recorder = Recording::default();
    let development = layer(SecurityMode::Development, None, &recorder);
    let result = call(
        &development,
        request(RPC, &[("authorization", "Bearer a.b.c")], None),
    )
    .await;
    assert_refused(result, &recorder, "token_not_accepted");

    // A bad authorization header is not overlooked in favour of development metadata.
    let mut headers = DEV_CASEWORKER.to_vec();
    headers.push(("authorization", "Basic dXNlcjpwYXNz"));
    let result = call(&development, request(RPC, &headers, None)).await;
    assert_refused(result, &recorder, "malformed_authorization");
    assert_eq!(recorder.calls().len(), 2);
}

#[tokio::test]
async fn an_unreachable_issuer_answers_unavailable_and_is_recorded() {
    let (issuer, validator) = issuer_and_validator().await;
    issuer.set_available(false);
    let recorder = Recording::default();
    let production = layer(SecurityMode::Production, Some(validator), &recorder);
    let token = issuer.token().audience(AUDIENCE).sign().expect("token");
    let bearer = format!("Bearer {token}");
    let status = call(
        &production,
        request(RPC, &[("authorization", &bearer)], None),
    )
    .await
    .expect_err("refused");
    assert_eq!(status.code(), Code::Unavailable);
    let calls = recorder.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(last_reason(&calls[0]), "jwks_unavailable");
}

#[tokio::test]
async fn a_token_on_a_certified_connection_acts_through_the_certified_system() {
    let (issuer, validator) = issuer_and_validator().await;
    let recorder = Recording::default();
    let production = layer(SecurityMode::Production, Some(validator), &recorder);
    let token = issuer
        .token()
        .tenant("jc-essen")
        .subject("user-4711")
        .roles(&["applicant"])
        .audience(AUDIENCE)
        .sign()
        .expect("token");
    let bearer = format!("Bearer {token}");

    let seen = call(
        &production,
        request(
            RPC,
            &[("authorization", &bearer)],
            Some(Ok(partner("jc-essen"))),
        ),
    )
    .await
    .expect("accepted");
    let Seen::Caller(caller) = seen else {
        panic!("no caller");
    };
    // The user is the caller, with the user's roles only; the system is the client.
    assert_eq!(caller.subject, "user-4711");
    assert_eq!(caller.roles, vec![Role::Applicant]);
    assert_eq!(caller.client, "partner/fv-1");
    assert_eq!(caller.authentication, Authentication::Token);

    let result = call(
        &production,
        request(
            RPC,
            &[("authorization", &bearer)],
            Some(Ok(partner("jc-bochum"))),
        ),
    )
    .await;
    assert_refused(result, &recorder, "certificate_token_tenant_mismatch");

    let result = call(
        &production,
        request(
            RPC,
            &[("authorization", &bearer)],
            Some(Err(CertificateError::NoIdentity)),
        ),
    )
    .await;
    assert_refused(result, &recorder, "certificate_no_identity");
    assert_eq!(recorder.calls().len(), 2);
}
