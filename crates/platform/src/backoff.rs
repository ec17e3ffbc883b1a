//! Retrying a start-up dependency with capped exponential backoff until a deadline.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

const FIRST_DELAY: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_secs(2);

/// Runs `attempt` until it succeeds or `timeout` has passed; returns the last error then.
pub(crate) async fn retry<T, E, F, Fut>(
    what: &str,
    timeout: Duration,
    mut attempt: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: std::error::Error,
{
    let deadline = Instant::now() + timeout;
    let mut delay = FIRST_DELAY;
    loop {
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(error) => {
                let now = Instant::now();
                if now >= deadline {
                    return Err(error);
                }
                tracing::warn!(dependency = what, %error, retry_in_ms = delay.as_millis() as u64, "not ready yet");
                tokio::time::sleep(delay.min(deadline - now)).await;
                delay = (delay * 2).min(MAX_DELAY);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("down")]
    struct Down;

    #[tokio::test(start_paused = true)]
    async fn retries_until_success() {
        let mut calls = 0;
        let result = retry("test", Duration::from_secs(10), || {
            calls += 1;
            let ok = calls >= 3;
            async move { if ok { Ok(calls) } else { Err(Down) } }
        })
        .await;
        assert_eq!(result.ok(), Some(3));
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_at_the_deadline() {
        let started = Instant::now();
        let result: Result<(), Down> =
            retry("test", Duration::from_secs(5), || async { Err(Down) }).await;
        assert!(result.is_err());
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_secs(5) && waited < Duration::from_secs(6),
            "{waited:?}"
        );
    }
}
