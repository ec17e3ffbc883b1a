//! Logs and traces: one initialisation for every service.
//!
//! [`init`] installs a `tracing` subscriber (an `EnvFilter`, text or JSON lines on stdout) and an
//! OpenTelemetry layer, and sets the W3C TraceContext propagator globally. Spans are exported by
//! OTLP/gRPC in batches only when an endpoint is configured; without one, spans still get trace
//! ids, so trace context received from a caller keeps travelling into event metadata and NATS
//! headers (ARCHITECTURE §5) even through a service that exports nothing.
//!
//! Trace context crosses process boundaries through [`propagation`]: gRPC metadata
//! ([`extract_context`], [`inject_context`]), and the plain `traceparent` string stored in event
//! metadata ([`current_traceparent`], [`context_from_traceparent`]). [`GrpcTraceLayer`] opens one
//! span per incoming call. Fields hold ids and codes, never names or other personal data.

mod grpc_trace;
pub mod propagation;

pub use grpc_trace::{GrpcTrace, GrpcTraceLayer};
pub use propagation::{
    client_interceptor, context_from_traceparent, current_traceparent, extract_context,
    inject_context, set_parent_from_metadata, set_parent_from_traceparent,
};

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

use crate::config::{LogFormat, TelemetryConfig};

/// Why telemetry could not be set up or shut down.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("invalid log filter")]
    InvalidFilter(#[source] tracing_subscriber::filter::ParseError),
    #[error("an OTLP endpoint is configured but init was called outside a tokio runtime")]
    NoRuntime,
    #[error("could not build the OTLP span exporter")]
    Exporter(#[source] opentelemetry_otlp::ExporterBuildError),
    #[error("a global tracing subscriber is already installed")]
    AlreadyInitialised(#[source] tracing_subscriber::util::TryInitError),
    #[error("could not flush and shut down the tracer provider")]
    Shutdown(#[source] opentelemetry_sdk::error::OTelSdkError),
}

/// Keeps the tracer provider alive; flushes and shuts it down on [`Self::shutdown`] or drop.
///
/// Hold it in `main` until the servers and tasks have stopped, so telemetry is flushed last.
#[must_use = "dropping the guard shuts telemetry down"]
#[derive(Debug)]
pub struct TelemetryGuard {
    provider: Option<SdkTracerProvider>,
}

impl TelemetryGuard {
    /// Exports the spans still buffered and stops the exporter.
    ///
    /// Blocks the calling thread for at most the exporter timeout; call it from `main` after the
    /// servers stopped (in a multi-threaded runtime, or outside the runtime).
    pub fn shutdown(mut self) -> Result<(), TelemetryError> {
        match self.provider.take() {
            Some(provider) => provider.shutdown().map_err(TelemetryError::Shutdown),
            None => Ok(()),
        }
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Some(provider) = self.provider.take()
            && let Err(error) = provider.shutdown()
        {
            // The subscriber may be the thing that failed; stderr is the last resort.
            eprintln!("telemetry shutdown failed: {error}");
        }
    }
}

/// Installs logging and tracing for `service_name` as configured.
///
/// With `otlp_endpoint` set, call it inside the tokio runtime (the gRPC exporter needs one).
/// Fails if a global subscriber is already installed.
pub fn init(service_name: &str, cfg: &TelemetryConfig) -> Result<TelemetryGuard, TelemetryError> {
    let filter = EnvFilter::try_new(&cfg.log_filter).map_err(TelemetryError::InvalidFilter)?;

    let resource = Resource::builder()
        .with_service_name(service_name.to_owned())
        .build();
    let mut builder = SdkTracerProvider::builder().with_resource(resource);
    if let Some(endpoint) = cfg.otlp_endpoint.as_deref() {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(TelemetryError::NoRuntime);
        }
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .with_endpoint(endpoint)
            .build()
            .map_err(TelemetryError::Exporter)?;
        builder = builder.with_batch_exporter(exporter);
    }
    let provider = builder.build();
    let tracer = provider.tracer(service_name.to_owned());

    let fmt_layer = match cfg.log_format {
        LogFormat::Text => tracing_subscriber::fmt::layer().boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .flatten_event(true)
            .boxed(),
    };
    // The exporter's own HTTP/2 stack must not feed spans back into the exporter.
    let exporter_internals = Targets::new()
        .with_default(LevelFilter::TRACE)
        .with_targets(
            [
                "h2",
                "hyper",
                "hyper_util",
                "tonic",
                "tower",
                "opentelemetry",
                "opentelemetry_sdk",
                "opentelemetry_otlp",
            ]
            .map(|target| (target, LevelFilter::OFF)),
        );
    let otel_layer = tracing_opentelemetry::layer()
        .with_tracer(tracer)
        .with_error_records_to_exceptions(false)
        .with_filter(exporter_internals);

    tracing_subscriber::registry()
        .with(filter)
        .with(fmt_layer)
        .with(otel_layer)
        .try_init()
        .map_err(TelemetryError::AlreadyInitialised)?;

    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    opentelemetry::global::set_tracer_provider(provider.clone());

    tracing::info!(
        service = service_name,
        otlp_export = cfg.otlp_endpoint.is_some(),
        "telemetry initialised"
    );
    Ok(TelemetryGuard {
        provider: Some(provider),
    })
}
