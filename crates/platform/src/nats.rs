//! The NATS client every service uses.
//!
//! The first connect is retried with capped exponential backoff (the server may start after the
//! service, e.g. in a Pod or a test); once connected, async-nats reconnects by itself, forever.

use std::time::Duration;

use crate::backoff::retry;
use crate::config::NatsConfig;

/// Why NATS could not be reached.
#[derive(Debug, thiserror::Error)]
pub enum NatsError {
    #[error("NATS not reachable after {waited:?}")]
    NotReady {
        waited: Duration,
        #[source]
        source: async_nats::ConnectError,
    },
}

/// Connects to `cfg.url`, retrying the first connect for up to `ready_timeout_ms`.
pub async fn connect(cfg: &NatsConfig) -> Result<async_nats::Client, NatsError> {
    let timeout = Duration::from_millis(cfg.ready_timeout_ms);
    retry("nats", timeout, || {
        let options = async_nats::ConnectOptions::new()
            .connection_timeout(Duration::from_secs(2))
            .max_reconnects(None);
        async_nats::connect_with_options(cfg.url.clone(), options)
    })
    .await
    .map_err(|source| NatsError::NotReady {
        waited: timeout,
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_unreachable_server_is_reported_after_the_timeout() {
        let cfg = NatsConfig {
            url: "nats://127.0.0.1:1".to_owned(),
            ready_timeout_ms: 300,
        };
        assert!(matches!(
            connect(&cfg).await,
            Err(NatsError::NotReady { .. })
        ));
    }
}
