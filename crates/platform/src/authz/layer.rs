//! The tower layer that enforces the policies before any handler runs.

use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, Either};
use http::{Request, Response};
use tonic::Status;
use tonic::body::Body;
use tower::{Layer, Service};

use super::policy::{Decision, RpcPolicy, Scope};
use crate::audit::{Refusal, RefusedCall, SharedRefusalRecorder, refuse};
use crate::caller::CallerContext;

/// An authenticated caller whom the policy allowed to make this call, with the scope the
/// policy grants. Put into the request extensions by [`AuthorizationLayer`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    /// Who is calling.
    pub caller: CallerContext,
    /// What the call may reach within the caller's tenant.
    pub scope: Scope,
    /// The RPC's full method path, e.g. `/jobcenter.case.v1.CaseService/GetCase` (tonic does
    /// not tell a handler which method it serves; the read-access log needs it).
    pub rpc: String,
}

impl Authorized {
    /// The authorized caller of `request`, or `PERMISSION_DENIED` when no authorization layer
    /// ran (a wiring mistake must not open the service).
    #[allow(clippy::result_large_err)]
    pub fn from_request<T>(request: &tonic::Request<T>) -> Result<Authorized, Status> {
        request
            .extensions()
            .get::<Authorized>()
            .cloned()
            .ok_or_else(|| Status::permission_denied("the call was not authorized"))
    }

    /// Whether the caller may reach an object of its tenant owned by `owner` (the subject
    /// recorded when the object was created).
    pub fn may_reach(&self, owner: &str) -> bool {
        match self.scope {
            Scope::Tenant => true,
            Scope::Own => self.caller.subject == owner,
        }
    }
}

/// Enforces [`RpcPolicy`] tables on every call (deny by default).
#[derive(Clone)]
pub struct AuthorizationLayer {
    policies: Arc<[RpcPolicy]>,
    recorder: SharedRefusalRecorder,
}

impl std::fmt::Debug for AuthorizationLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationLayer")
            .field("policies", &self.policies)
            .finish_non_exhaustive()
    }
}

impl AuthorizationLayer {
    /// A layer enforcing `policies` (one per service served), reporting refusals to `recorder`.
    pub fn new(policies: Vec<RpcPolicy>, recorder: SharedRefusalRecorder) -> Self {
        Self {
            policies: policies.into(),
            recorder,
        }
    }
}

impl<S> Layer<S> for AuthorizationLayer {
    type Service = Authorization<S>;
    fn layer(&self, inner: S) -> Self::Service {
        Authorization {
            inner,
            policies: self.policies.clone(),
            recorder: self.recorder.clone(),
        }
    }
}

/// The service made by [`AuthorizationLayer`].
#[derive(Clone)]
pub struct Authorization<S> {
    inner: S,
    policies: Arc<[RpcPolicy]>,
    recorder: SharedRefusalRecorder,
}

impl<S> std::fmt::Debug for Authorization<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorization").finish_non_exhaustive()
    }
}

/// What the layer does with one call.
enum Verdict {
    Pass,
    Allow(Authorized),
    /// Refused before any caller was known: a wiring mistake, nothing to record for whom.
    Unauthenticated,
    Deny,
}

fn judge(policies: &[RpcPolicy], request: &Request<Body>) -> Verdict {
    let path = request.uri().path();
    // Health probes and reflection need no identity, so no policy either.
    if crate::auth::is_exempt(path) {
        return Verdict::Pass;
    }
    let Some(caller) = request.extensions().get::<CallerContext>() else {
        return Verdict::Unauthenticated;
    };
    let decision = policies
        .iter()
        .find_map(|policy| {
            policy
                .method_of(path)
                .map(|method| policy.decide(method, caller))
        })
        .unwrap_or(Decision::NotInPolicy);
    match decision {
        Decision::Allow(scope) => Verdict::Allow(Authorized {
            caller: caller.clone(),
            scope,
            rpc: path.to_owned(),
        }),
        Decision::Deny => Verdict::Deny,
        Decision::NotInPolicy => {
            // Deny by default: an RPC without an entry is a gap in the table, not an open door.
            tracing::error!(
                rpc = path,
                "call refused: the RPC has no authorization entry"
            );
            Verdict::Deny
        }
    }
}

impl<S> Service<Request<Body>> for Authorization<S>
where
    S: Service<Request<Body>, Response = Response<Body>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Either<S::Future, BoxFuture<'static, Result<Response<Body>, S::Error>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<Body>) -> Self::Future {
        match judge(&self.policies, &request) {
            Verdict::Pass => Either::Left(self.inner.call(request)),
            Verdict::Allow(authorized) => {
                request.extensions_mut().insert(authorized);
                Either::Left(self.inner.call(request))
            }
            Verdict::Unauthenticated => Either::Right(Box::pin(futures::future::ready(Ok(
                Status::unauthenticated("no authenticated caller").into_http(),
            )))),
            Verdict::Deny => Either::Right(refuse(
                self.recorder.clone(),
                RefusedCall::of(&request, Refusal::PermissionDenied),
                Status::permission_denied("the caller's roles do not allow this call"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use tower::ServiceExt;

    use super::*;
    use crate::audit::RefusalRecorder;
    use crate::authz::{Grant, RpcRule};
    use crate::caller::{Authentication, Role, TenantId};

    const POLICY: RpcPolicy = RpcPolicy {
        service: "jobcenter.test.v1.Things",
        rules: &[RpcRule {
            method: "GetThing",
            grants: &[Grant::own(Role::Applicant), Grant::tenant(Role::Caseworker)],
            reads_social_data: true,
        }],
    };

    #[derive(Default)]
    struct Recorded(Mutex<Vec<RefusedCall>>);

    impl RefusalRecorder for Arc<Recorded> {
        fn record(&self, call: RefusedCall) -> BoxFuture<'static, ()> {
            if let Ok(mut calls) = self.0.lock() {
                calls.push(call);
            }
            Box::pin(async {})
        }
    }

    fn caller(roles: &[Role]) -> CallerContext {
        CallerContext {
            tenant_id: TenantId::parse("jc-1").expect("valid"),
            subject: "s-1".to_owned(),
            roles: roles.to_vec(),
            client: "test".to_owned(),
            authentication: Authentication::Development,
        }
    }

    /// Calls the layer over an inner service that answers 200 with the scope it saw (or none).
    async fn call(
        path: &str,
        caller: Option<CallerContext>,
    ) -> (tonic::Code, Option<Authorized>, Vec<RefusedCall>) {
        let recorded = Arc::new(Recorded::default());
        let seen = Arc::new(Mutex::new(None));
        let inner = {
            let seen = seen.clone();
            tower::service_fn(move |request: Request<Body>| {
                let seen = seen.clone();
                async move {
                    if let Ok(mut seen) = seen.lock() {
                        *seen = request.extensions().get::<Authorized>().cloned();
                    }
                    Ok::<_, std::convert::Infallible>(Status::ok("").into_http())
                }
            })
        };
        let layer = AuthorizationLayer::new(vec![POLICY], Arc::new(recorded.clone()));
        let mut request = Request::builder()
            .uri(path)
            .body(Body::empty())
            .expect("request");
        if let Some(caller) = caller {
            request.extensions_mut().insert(caller);
        }
        let response = layer
            .layer(inner)
            .oneshot(request)
            .await
            .expect("infallible");
        let code =
            Status::from_header_map(response.headers()).map_or(tonic::Code::Ok, |s| s.code());
        let seen = seen.lock().expect("lock").clone();
        let calls = recorded.0.lock().expect("lock").clone();
        (code, seen, calls)
    }

    #[tokio::test]
    async fn an_allowed_call_reaches_the_handler_with_its_scope() {
        let (code, seen, refused) = call(
            "/jobcenter.test.v1.Things/GetThing",
            Some(caller(&[Role::Applicant])),
        )
        .await;
        assert_eq!(code, tonic::Code::Ok);
        let seen = seen.expect("authorized");
        assert_eq!(seen.scope, Scope::Own);
        assert_eq!(seen.rpc, "/jobcenter.test.v1.Things/GetThing");
        assert!(seen.may_reach("s-1") && !seen.may_reach("s-2"));
        assert!(refused.is_empty());
    }

    #[tokio::test]
    async fn a_role_without_a_grant_is_refused_and_recorded_once() {
        let (code, seen, refused) = call(
            "/jobcenter.test.v1.Things/GetThing",
            Some(caller(&[Role::Operator])),
        )
        .await;
        assert_eq!(code, tonic::Code::PermissionDenied);
        assert!(seen.is_none());
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].refusal, Refusal::PermissionDenied);
        assert_eq!(refused[0].rpc, "/jobcenter.test.v1.Things/GetThing");
    }

    #[tokio::test]
    async fn rpcs_without_an_entry_are_refused() {
        let (code, seen, refused) = call(
            "/jobcenter.test.v1.Things/DeleteEverything",
            Some(caller(&Role::ALL)),
        )
        .await;
        assert_eq!(code, tonic::Code::PermissionDenied);
        assert!(seen.is_none());
        assert_eq!(refused.len(), 1);
    }

    #[tokio::test]
    async fn health_passes_and_an_unauthenticated_call_is_refused() {
        let (code, _, refused) = call("/grpc.health.v1.Health/Check", None).await;
        assert_eq!(code, tonic::Code::Ok);
        assert!(refused.is_empty());
        let (code, seen, _) = call("/jobcenter.test.v1.Things/GetThing", None).await;
        assert_eq!(code, tonic::Code::Unauthenticated);
        assert!(seen.is_none());
    }
}
