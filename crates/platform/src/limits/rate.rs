//! A request rate per tenant (token bucket), so that one jobcenter's burst cannot exhaust the
//! installation that dozens share.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::{BoxFuture, Either};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use http::{Request, Response};
use serde::Deserialize;
use tonic::Status;
use tonic::body::Body;
use tower::{Layer, Service};

use crate::audit::{Refusal, RefusedCall, SharedRefusalRecorder, refuse};
use crate::caller::{CallerContext, TenantId};

/// The per-tenant request rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Sustained calls per second per tenant, across all its callers; 0 disables the limit.
    /// Default 500.
    pub per_tenant_per_second: u32,
    /// Calls a tenant may make at once above the sustained rate. Default 1000.
    pub burst: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            per_tenant_per_second: 500,
            burst: 1000,
        }
    }
}

impl RateLimitConfig {
    /// The token-bucket quota, or `None` when the limit is disabled.
    fn quota(self) -> Option<Quota> {
        let rate = NonZeroU32::new(self.per_tenant_per_second)?;
        let burst = NonZeroU32::new(self.burst.max(self.per_tenant_per_second)).unwrap_or(rate);
        Some(Quota::per_second(rate).allow_burst(burst))
    }
}

/// Refuses calls above a tenant's rate with `RESOURCE_EXHAUSTED` (and records the refusal).
/// Calls without an authenticated caller (health, reflection) are not counted.
#[derive(Clone)]
pub struct TenantRateLimitLayer {
    limiter: Option<Arc<DefaultKeyedRateLimiter<TenantId>>>,
    recorder: SharedRefusalRecorder,
}

impl std::fmt::Debug for TenantRateLimitLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantRateLimitLayer")
            .field("enabled", &self.limiter.is_some())
            .finish_non_exhaustive()
    }
}

impl TenantRateLimitLayer {
    /// A layer enforcing `config`, reporting refusals to `recorder`.
    pub fn new(config: RateLimitConfig, recorder: SharedRefusalRecorder) -> Self {
        Self {
            limiter: config.quota().map(|q| Arc::new(RateLimiter::keyed(q))),
            recorder,
        }
    }
}

impl<S> Layer<S> for TenantRateLimitLayer {
    type Service = TenantRateLimit<S>;
    fn layer(&self, inner: S) -> Self::Service {
        TenantRateLimit {
            inner,
            limiter: self.limiter.clone(),
            recorder: self.recorder.clone(),
        }
    }
}

/// The service made by [`TenantRateLimitLayer`].
#[derive(Clone)]
pub struct TenantRateLimit<S> {
    inner: S,
    limiter: Option<Arc<DefaultKeyedRateLimiter<TenantId>>>,
    recorder: SharedRefusalRecorder,
}

impl<S> std::fmt::Debug for TenantRateLimit<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantRateLimit").finish_non_exhaustive()
    }
}

impl<S> Service<Request<Body>> for TenantRateLimit<S>
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

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        let (Some(limiter), Some(caller)) = (
            self.limiter.as_ref(),
            request.extensions().get::<CallerContext>(),
        ) else {
            return Either::Left(self.inner.call(request));
        };
        if limiter.check_key(&caller.tenant_id).is_ok() {
            return Either::Left(self.inner.call(request));
        }
        Either::Right(refuse(
            self.recorder.clone(),
            RefusedCall::of(&request, Refusal::RateLimited),
            Status::resource_exhausted("too many requests for this jobcenter; retry later"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use tower::ServiceExt;

    use super::*;
    use crate::audit::TraceRefusals;
    use crate::caller::{Authentication, Role};

    fn request(tenant: Option<&str>) -> Request<Body> {
        let mut request = Request::builder()
            .uri("/jobcenter.test.v1.Things/GetThing")
            .body(Body::empty())
            .expect("request");
        if let Some(tenant) = tenant {
            request.extensions_mut().insert(CallerContext {
                tenant_id: TenantId::parse(tenant).expect("valid"),
                subject: "s".to_owned(),
                roles: vec![Role::Caseworker],
                client: "test".to_owned(),
                authentication: Authentication::Development,
            });
        }
        request
    }

    async fn code(layer: &TenantRateLimitLayer, request: Request<Body>) -> tonic::Code {
        let inner = tower::service_fn(|_request: Request<Body>| async {
            Ok::<_, std::convert::Infallible>(Status::ok("").into_http())
        });
        let response = layer
            .layer(inner)
            .oneshot(request)
            .await
            .expect("infallible");
        Status::from_header_map(response.headers()).map_or(tonic::Code::Ok, |s| s.code())
    }

    #[tokio::test]
    async fn a_tenant_over_its_burst_is_refused_while_others_are_served() {
        let config = RateLimitConfig {
            per_tenant_per_second: 1,
            burst: 3,
        };
        let layer = TenantRateLimitLayer::new(config, Arc::new(TraceRefusals));
        for _ in 0..3 {
            assert_eq!(code(&layer, request(Some("jc-a"))).await, tonic::Code::Ok);
        }
        assert_eq!(
            code(&layer, request(Some("jc-a"))).await,
            tonic::Code::ResourceExhausted
        );
        assert_eq!(code(&layer, request(Some("jc-b"))).await, tonic::Code::Ok);
        // Calls without a caller (health probes) are never limited.
        for _ in 0..10 {
            assert_eq!(code(&layer, request(None)).await, tonic::Code::Ok);
        }
    }

    #[tokio::test]
    async fn zero_disables_the_limit() {
        let config = RateLimitConfig {
            per_tenant_per_second: 0,
            burst: 0,
        };
        let layer = TenantRateLimitLayer::new(config, Arc::new(TraceRefusals));
        for _ in 0..50 {
            assert_eq!(code(&layer, request(Some("jc-a"))).await, tonic::Code::Ok);
        }
    }
}
