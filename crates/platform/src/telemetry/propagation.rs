//! W3C trace context across process boundaries: gRPC metadata, HTTP headers and the plain
//! `traceparent` string kept in event metadata and NATS headers.
//!
//! These helpers always speak W3C TraceContext, whether or not [`super::init`] ran, so they
//! behave the same in tests. Without an OpenTelemetry layer in the subscriber there is no
//! current trace: [`current_traceparent`] returns `None` and injection adds nothing.

use std::collections::HashMap;

use opentelemetry::Context;
use opentelemetry::propagation::{Extractor, Injector, TextMapPropagator};
use opentelemetry::trace::TraceContextExt;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The W3C header and metadata key.
pub const TRACEPARENT: &str = "traceparent";

struct MetadataExtractor<'a>(&'a MetadataMap);

impl Extractor for MetadataExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }
    fn keys(&self) -> Vec<&str> {
        self.0
            .keys()
            .filter_map(|key| match key {
                tonic::metadata::KeyRef::Ascii(key) => Some(key.as_str()),
                tonic::metadata::KeyRef::Binary(_) => None,
            })
            .collect()
    }
}

struct MetadataInjector<'a>(&'a mut MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        if let (Ok(key), Ok(value)) = (
            MetadataKey::from_bytes(key.as_bytes()),
            MetadataValue::try_from(value),
        ) {
            self.0.insert(key, value);
        }
    }
}

pub(crate) struct HeaderExtractor<'a>(pub(crate) &'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }
    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(http::HeaderName::as_str).collect()
    }
}

/// The remote trace context carried in `metadata` (empty context if none or invalid).
pub fn extract_context(metadata: &MetadataMap) -> Context {
    TraceContextPropagator::new().extract(&MetadataExtractor(metadata))
}

/// Writes the current span's trace context into outgoing `metadata`.
pub fn inject_context(metadata: &mut MetadataMap) {
    let context = tracing::Span::current().context();
    TraceContextPropagator::new().inject_context(&context, &mut MetadataInjector(metadata));
}

/// Client interceptor that adds the current trace context to every outgoing call:
/// `MyClient::with_interceptor(channel, platform::telemetry::client_interceptor)`.
#[allow(clippy::result_large_err)]
pub fn client_interceptor(
    mut request: tonic::Request<()>,
) -> Result<tonic::Request<()>, tonic::Status> {
    inject_context(request.metadata_mut());
    Ok(request)
}

/// Makes the trace context in `metadata` the parent of `span`, if there is a valid one.
pub fn set_parent_from_metadata(span: &tracing::Span, metadata: &MetadataMap) {
    set_parent_if_valid(span, extract_context(metadata));
}

/// The `traceparent` of the current span, for event metadata and NATS headers.
pub fn current_traceparent() -> Option<String> {
    let context = tracing::Span::current().context();
    let mut carrier = HashMap::new();
    TraceContextPropagator::new().inject_context(&context, &mut carrier);
    carrier.remove(TRACEPARENT)
}

/// The remote context of a stored `traceparent` string (empty context if invalid).
pub fn context_from_traceparent(traceparent: &str) -> Context {
    let carrier = HashMap::from([(TRACEPARENT.to_owned(), traceparent.to_owned())]);
    TraceContextPropagator::new().extract(&carrier)
}

/// Makes a stored `traceparent` the parent of `span` (e.g. when applying a consumed event).
pub fn set_parent_from_traceparent(span: &tracing::Span, traceparent: &str) {
    set_parent_if_valid(span, context_from_traceparent(traceparent));
}

pub(crate) fn set_parent_if_valid(span: &tracing::Span, context: Context) {
    if context.span().span_context().is_valid() {
        // Fails only when the span is disabled or already started elsewhere: nothing to do then.
        let _ = span.set_parent(context);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::TracerProvider as _;
    use tracing_subscriber::layer::SubscriberExt;

    const PARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    fn with_otel<R>(f: impl FnOnce() -> R) -> R {
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
        tracing::subscriber::with_default(subscriber, f)
    }

    #[test]
    fn no_traceparent_without_a_trace() {
        assert_eq!(current_traceparent(), None);
        let mut metadata = MetadataMap::new();
        inject_context(&mut metadata);
        assert!(metadata.get(TRACEPARENT).is_none());
    }

    #[test]
    fn a_remote_parent_flows_from_metadata_to_event_metadata_and_on() {
        with_otel(|| {
            let mut incoming = MetadataMap::new();
            incoming.insert(TRACEPARENT, PARENT.parse().expect("ascii"));

            let span = tracing::info_span!("handler");
            set_parent_from_metadata(&span, &incoming);
            let _entered = span.enter();

            let traceparent = current_traceparent().expect("a current trace");
            assert!(traceparent.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
            assert!(!traceparent.contains("00f067aa0ba902b7"), "a child span id");

            let mut outgoing = MetadataMap::new();
            inject_context(&mut outgoing);
            assert_eq!(
                outgoing.get(TRACEPARENT).and_then(|v| v.to_str().ok()),
                Some(traceparent.as_str())
            );

            let consumer = tracing::info_span!("apply");
            set_parent_from_traceparent(&consumer, &traceparent);
            let _entered = consumer.enter();
            let downstream = current_traceparent().expect("a current trace");
            assert!(downstream.starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
        });
    }

    #[test]
    fn garbage_traceparents_are_ignored() {
        let context = context_from_traceparent("not-a-traceparent");
        assert!(!context.span().span_context().is_valid());
    }
}
