//! Readiness as `grpc.health.v1` reports it.
//!
//! The overall status (service name `""`, which Kubernetes probes ask for) starts NOT_SERVING
//! when the server starts and turns SERVING only when the service marks itself ready, after its
//! database and NATS are reachable. On shutdown every status turns NOT_SERVING and stays so.

use std::collections::BTreeSet;
use std::sync::Arc;

use tokio::sync::Mutex;
use tonic::server::NamedService;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

/// The overall server status name in `grpc.health.v1`.
const OVERALL: &str = "";

#[derive(Debug, Default)]
struct State {
    /// Every service name given a status through this handle.
    names: BTreeSet<String>,
    /// Whether any service was marked serving.
    ready: bool,
    /// Shutdown began: statuses stay NOT_SERVING.
    stopping: bool,
}

/// Handle to set health statuses; cheap to clone and share with start-up tasks.
#[derive(Debug, Clone)]
pub struct HealthHandle {
    reporter: HealthReporter,
    state: Arc<Mutex<State>>,
}

impl HealthHandle {
    pub(crate) fn new() -> Self {
        Self {
            reporter: HealthReporter::new(),
            state: Arc::default(),
        }
    }

    pub(crate) fn reporter(&self) -> HealthReporter {
        self.reporter.clone()
    }

    /// Marks the gRPC service `S` and the server as a whole SERVING.
    ///
    /// Call it only once the service's dependencies (database, NATS) are ready; ignored after
    /// shutdown began.
    pub async fn set_serving<S: NamedService>(&self) {
        self.set_service_serving(S::NAME).await;
    }

    /// Marks the service named `name` (e.g. `jobcenter.intake.v1.IntakeService`) and the server
    /// as a whole SERVING; ignored after shutdown began.
    pub async fn set_service_serving(&self, name: &str) {
        let mut state = self.state.lock().await;
        if state.stopping {
            return;
        }
        state.ready = true;
        state.names.insert(name.to_owned());
        self.reporter
            .set_service_status(name, ServingStatus::Serving)
            .await;
        self.reporter
            .set_service_status(OVERALL, ServingStatus::Serving)
            .await;
    }

    /// Marks the gRPC service `S` NOT_SERVING (e.g. while a dependency is lost); the overall
    /// status is left as it is.
    pub async fn set_not_serving<S: NamedService>(&self) {
        self.set_service_not_serving(S::NAME).await;
    }

    /// Marks the service named `name` NOT_SERVING; the overall status is left as it is.
    pub async fn set_service_not_serving(&self, name: &str) {
        let mut state = self.state.lock().await;
        state.names.insert(name.to_owned());
        self.reporter
            .set_service_status(name, ServingStatus::NotServing)
            .await;
    }

    /// At server start: the overall status is NOT_SERVING until a service is marked ready.
    pub(crate) async fn starting(&self) {
        let state = self.state.lock().await;
        if !state.ready {
            self.reporter
                .set_service_status(OVERALL, ServingStatus::NotServing)
                .await;
        }
    }

    /// At shutdown: every status NOT_SERVING, for good.
    pub async fn set_all_not_serving(&self) {
        let mut state = self.state.lock().await;
        state.stopping = true;
        for name in state.names.iter().map(String::as_str).chain([OVERALL]) {
            self.reporter
                .set_service_status(name, ServingStatus::NotServing)
                .await;
        }
    }
}
