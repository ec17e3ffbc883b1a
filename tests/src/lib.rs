//! What the whole-system tests in `tests/tests/` share: a stand-in OpenTelemetry collector
//! ([`otlp_sink`]).

pub mod otlp_sink;
