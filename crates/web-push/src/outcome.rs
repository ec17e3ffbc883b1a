//! What a push service's answer means for the caller: delivered, subscription gone, give up,
//! or try again later.
//!
//! Reasons are meant for events and logs, so they never contain the endpoint URL (it
//! identifies a person's device), keys, or the push service's response body.

use std::time::Duration;

/// The push service accepted the message (201 Created, or 202 Accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushAccepted {
    /// The HTTP status.
    pub status: u16,
}

impl PushAccepted {
    /// What happened, in words without personal data, e.g. "push service 201".
    pub fn reason(&self) -> String {
        format!("push service {}", self.status)
    }
}

/// Why a message was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PushError {
    /// The subscription no longer exists (404, 410): the caller removes it.
    #[error("subscription gone: {reason}")]
    Gone {
        /// What happened, without personal data.
        reason: String,
    },
    /// Retrying the same request will not help (e.g. 400, 413, a refused VAPID key, a too
    /// large payload).
    #[error("permanent failure: {reason}")]
    Permanent {
        /// What happened, without personal data.
        reason: String,
    },
    /// Worth another attempt later (429, 5xx, network failure, timeout).
    #[error("temporary failure: {reason}")]
    Retryable {
        /// What happened, without personal data.
        reason: String,
        /// How long the push service asked us to wait (`Retry-After` in seconds), if it did.
        retry_after: Option<Duration>,
    },
}

impl PushError {
    /// What happened, without personal data.
    pub fn reason(&self) -> &str {
        match self {
            Self::Gone { reason } | Self::Permanent { reason } | Self::Retryable { reason, .. } => {
                reason
            }
        }
    }

    pub(crate) fn permanent(reason: impl Into<String>) -> Self {
        Self::Permanent {
            reason: reason.into(),
        }
    }

    pub(crate) fn retryable(reason: impl Into<String>) -> Self {
        Self::Retryable {
            reason: reason.into(),
            retry_after: None,
        }
    }
}

/// The outcome of a push service's HTTP status; `retry_after` from its `Retry-After` header.
pub fn classify(status: u16, retry_after: Option<Duration>) -> Result<PushAccepted, PushError> {
    let reason = format!("push service answered {status}");
    match status {
        201 | 202 => Ok(PushAccepted { status }),
        404 | 410 => Err(PushError::Gone { reason }),
        // Request Timeout, Too Many Requests, and every server error pass with time.
        408 | 429 | 500..=599 => Err(PushError::Retryable {
            reason,
            retry_after,
        }),
        // 400 (malformed), 401/403 (VAPID key refused or not the subscription's key),
        // 413 (too large), other 4xx: the same request fails again. Any other status (a 2xx
        // without the promised semantics, a redirect, which is not followed) is no delivery.
        _ => Err(PushError::Permanent { reason }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_outcomes() {
        assert_eq!(classify(201, None), Ok(PushAccepted { status: 201 }));
        assert_eq!(classify(202, None), Ok(PushAccepted { status: 202 }));
        for gone in [404, 410] {
            assert!(matches!(classify(gone, None), Err(PushError::Gone { .. })));
        }
        for permanent in [400, 401, 403, 413, 200, 301] {
            assert!(
                matches!(classify(permanent, None), Err(PushError::Permanent { .. })),
                "{permanent}"
            );
        }
        for retry in [408, 429, 500, 502, 503] {
            assert!(
                matches!(classify(retry, None), Err(PushError::Retryable { .. })),
                "{retry}"
            );
        }
    }

    #[test]
    fn retry_after_is_kept_and_reasons_name_the_status() {
        let wait = Some(Duration::from_secs(30));
        let error = classify(429, wait).expect_err("429");
        assert_eq!(
            error,
            PushError::Retryable {
                reason: "push service answered 429".into(),
                retry_after: wait
            }
        );
        assert_eq!(
            classify(410, None).expect_err("gone").reason(),
            "push service answered 410"
        );
    }
}
