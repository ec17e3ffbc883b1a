//! Telemetry initialisation installs a process-wide subscriber, so it is tested in its own binary.

use std::time::Duration;

use platform::config::{LogFormat, TelemetryConfig};
use platform::telemetry::{self, TelemetryError};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_installs_tracing_with_trace_context_and_shuts_down() {
    let cfg = TelemetryConfig {
        // Nothing listens there: exporting fails quietly, the service keeps running.
        otlp_endpoint: Some("http://127.0.0.1:1".to_owned()),
        log_format: LogFormat::Json,
        log_filter: "info,platform=debug".to_owned(),
    };
    let guard = telemetry::init("platform-test", &cfg).expect("first init");

    let span = tracing::info_span!("command");
    let traceparent = span.in_scope(telemetry::current_traceparent);
    let traceparent = traceparent.expect("spans carry W3C trace context");
    assert_eq!(traceparent.len(), 55, "{traceparent}");
    assert!(traceparent.starts_with("00-"));

    let again = telemetry::init("platform-test", &TelemetryConfig::default());
    assert!(matches!(again, Err(TelemetryError::AlreadyInitialised(_))));

    let shutdown = tokio::task::spawn_blocking(move || guard.shutdown());
    let result = tokio::time::timeout(Duration::from_secs(20), shutdown)
        .await
        .expect("shutdown is bounded")
        .expect("not panicked");
    // An unreachable collector may make the final export fail; shutting down must still finish.
    let _ = result;
}

#[test]
fn an_invalid_filter_is_refused() {
    let cfg = TelemetryConfig {
        log_filter: "[[[".to_owned(),
        ..TelemetryConfig::default()
    };
    assert!(matches!(
        telemetry::init("platform-test", &cfg),
        Err(TelemetryError::InvalidFilter(_))
    ));
}
