//! The tower stack around a service's routes, in the order a call passes it:
//!
//! 1. [`GrpcTraceLayer`]: one span per call (so refusals are traced too);
//! 2. [`AuthenticationLayer`]: a [`crate::CallerContext`] in the extensions, or `UNAUTHENTICATED`;
//! 3. the service's own layers, in the order given to [`super::GrpcServer::with_layer`]
//!    (authorization, per-tenant rate limits, ...): they can rely on an authenticated caller;
//! 4. the routes (health, reflection, the service's handlers).
//!
//! The service's layers are stored type-erased, so adding one does not change the type of
//! `GrpcServer`.

use std::convert::Infallible;
use std::sync::Arc;

use http::{Request, Response};
use tonic::body::Body;
use tonic::service::Routes;
use tower::util::BoxCloneService;
use tower::{Layer, Service, ServiceExt};

use crate::auth::AuthenticationLayer;
use crate::auth::layer::Authenticate;
use crate::telemetry::{GrpcTrace, GrpcTraceLayer};

/// An error of a layer or handler (tonic turns it into a status).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What a service's own layer wraps, and what it must produce: a cloneable HTTP service.
pub type GrpcService = BoxCloneService<Request<Body>, Response<Body>, BoxError>;

/// A service's own layer, type-erased.
pub(crate) type ExtraLayer = Arc<dyn Fn(GrpcService) -> GrpcService + Send + Sync>;

/// Erases `layer`'s type.
pub(crate) fn erase<L>(layer: L) -> ExtraLayer
where
    L: Layer<GrpcService> + Send + Sync + 'static,
    L::Service: Service<Request<Body>, Response = Response<Body>> + Clone + Send + 'static,
    <L::Service as Service<Request<Body>>>::Future: Send + 'static,
    <L::Service as Service<Request<Body>>>::Error: Into<BoxError> + 'static,
{
    Arc::new(move |inner| BoxCloneService::new(layer.layer(inner).map_err(Into::into)))
}

/// The platform's layers around the routes (see the module documentation).
#[derive(Clone)]
pub(crate) struct PlatformStack {
    pub(crate) authentication: AuthenticationLayer,
    pub(crate) extra: Vec<ExtraLayer>,
}

impl Layer<Routes> for PlatformStack {
    type Service = GrpcTrace<Authenticate<GrpcService>>;

    fn layer(&self, routes: Routes) -> Self::Service {
        let routes =
            ServiceExt::<Request<Body>>::map_err(routes, |never: Infallible| -> BoxError {
                match never {}
            });
        let mut service = BoxCloneService::new(routes);
        // The first layer given is the outermost of the service's own layers.
        for layer in self.extra.iter().rev() {
            service = layer(service);
        }
        GrpcTraceLayer.layer(self.authentication.layer(service))
    }
}
