//! What every service shares: configuration, telemetry, gRPC serving, caller context, shutdown,
//! and the connections to PostgreSQL and NATS.
//!
//! A service's `main` wires them in this order: [`config::load`], [`telemetry::init`],
//! [`shutdown::signal_token`], [`grpc::GrpcServer::new`] and spawn `serve` (health NOT_SERVING),
//! [`db::connect`] + [`db::wait_until_ready`] and [`nats::connect`], then mark the services
//! SERVING through [`grpc::HealthHandle`]; on the signal the server drains, tasks stop, and the
//! [`telemetry::TelemetryGuard`] flushes last.

pub mod audit;
pub mod auth;
pub mod authz;
mod backoff;
pub mod caller;
pub mod config;
pub mod db;
pub mod grpc;
pub mod limits;
pub mod nats;
pub mod shutdown;
pub mod status;
pub mod telemetry;

pub use caller::{Authentication, CallerContext, Role, TenantId};
pub use status::{FieldViolation, ToStatus};
