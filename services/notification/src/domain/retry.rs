//! When a failed delivery is tried again: exponential back-off with a cap, and a dead letter
//! after the last attempt or at once for a permanent failure (docs/notification/service.md,
//! "Exactly once, retries, dead letters").

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Deserializer};

/// How the outbox retries a failed delivery. In the service configuration (all fields
/// optional; the defaults retry after 30 s, 2 min, 8 min, 32 min, about 2 h, then every 6 h,
/// and give up after the 8th attempt, about 15 hours after the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RetryPolicy {
    /// `first_delay_ms`: the wait after the first failed attempt, in milliseconds
    /// (default 30000).
    #[serde(rename = "first_delay_ms", deserialize_with = "millis")]
    pub first_delay: Duration,
    /// `factor`: each further wait is this many times the one before (default 4; 0 counts
    /// as 1).
    pub factor: u32,
    /// `max_delay_ms`: no wait is longer than this, in milliseconds (default 21600000,
    /// 6 hours).
    #[serde(rename = "max_delay_ms", deserialize_with = "millis")]
    pub max_delay: Duration,
    /// `max_attempts`: attempts in all, the first included; the delivery is dead-lettered when
    /// the last one fails (default 8; 0 counts as 1).
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first_delay: Duration::from_secs(30),
            factor: 4,
            max_delay: Duration::from_secs(6 * 60 * 60),
            max_attempts: 8,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this time.
    RetryAt(DateTime<Utc>),
    /// Dead-letter the delivery.
    GiveUp,
}

impl RetryPolicy {
    /// What follows the failure of attempt `attempt` (1 = the first) at `now`. A `permanent`
    /// failure (an address that cannot exist, a subscription the push service says is gone)
    /// gives up at once: retrying cannot help.
    pub fn after_failure(&self, attempt: u32, now: DateTime<Utc>, permanent: bool) -> AfterFailure {
        if permanent || attempt >= self.max_attempts.max(1) {
            return AfterFailure::GiveUp;
        }
        let delay = TimeDelta::from_std(self.delay(attempt)).unwrap_or(TimeDelta::MAX);
        AfterFailure::RetryAt(
            now.checked_add_signed(delay)
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        )
    }

    /// The wait after the failure of attempt `attempt` (1 = the first; 0 counts as 1):
    /// `first_delay × factor^(attempt − 1)`, at most `max_delay`.
    pub fn delay(&self, attempt: u32) -> Duration {
        if self.first_delay.is_zero() {
            return Duration::ZERO;
        }
        let steps = attempt.saturating_sub(1);
        let grown = self
            .factor
            .max(1)
            .checked_pow(steps)
            .and_then(|multiple| self.first_delay.checked_mul(multiple))
            .unwrap_or(Duration::MAX);
        grown.min(self.max_delay)
    }
}

/// A duration given in whole milliseconds.
fn millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    u64::deserialize(deserializer).map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).expect("a valid instant")
    }

    #[test]
    fn delays_grow_fourfold_from_thirty_seconds_up_to_six_hours() {
        let policy = RetryPolicy::default();
        let minutes: Vec<u64> = (1..=8).map(|a| policy.delay(a).as_secs()).collect();
        assert_eq!(
            minutes,
            vec![30, 120, 480, 1920, 7680, 21600, 21600, 21600],
            "30 s, 2 min, 8 min, 32 min, 128 min, then the 6 h cap"
        );
    }

    #[test]
    fn a_failure_before_the_last_attempt_retries_after_its_delay() {
        let policy = RetryPolicy::default();
        for attempt in 1..8 {
            let expected = now() + TimeDelta::from_std(policy.delay(attempt)).expect("small");
            assert_eq!(
                policy.after_failure(attempt, now(), false),
                AfterFailure::RetryAt(expected),
                "attempt {attempt}"
            );
        }
    }

    #[test]
    fn the_last_attempt_gives_up() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.after_failure(8, now(), false), AfterFailure::GiveUp);
        assert_eq!(policy.after_failure(9, now(), false), AfterFailure::GiveUp);
        let once = RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        };
        assert_eq!(once.after_failure(1, now(), false), AfterFailure::GiveUp);
    }

    #[test]
    fn a_permanent_failure_gives_up_at_once() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.after_failure(1, now(), true), AfterFailure::GiveUp);
    }

    #[test]
    fn odd_settings_neither_overflow_nor_retry_forever() {
        let huge = RetryPolicy {
            first_delay: Duration::from_secs(u64::MAX / 2),
            factor: u32::MAX,
            max_delay: Duration::MAX,
            max_attempts: u32::MAX,
        };
        assert_eq!(huge.delay(1000), Duration::MAX);
        assert_eq!(
            huge.after_failure(5, now(), false),
            AfterFailure::RetryAt(DateTime::<Utc>::MAX_UTC)
        );
        let zero = RetryPolicy {
            factor: 0,
            max_attempts: 0,
            ..RetryPolicy::default()
        };
        assert_eq!(zero.delay(3), Duration::from_secs(30));
        assert_eq!(zero.after_failure(1, now(), false), AfterFailure::GiveUp);
    }

    #[test]
    fn the_policy_reads_milliseconds_and_defaults_what_is_missing() {
        let policy: RetryPolicy =
            serde_json::from_str(r#"{"first_delay_ms": 1500, "max_attempts": 3}"#)
                .expect("valid settings");
        assert_eq!(
            policy,
            RetryPolicy {
                first_delay: Duration::from_millis(1500),
                max_attempts: 3,
                ..RetryPolicy::default()
            }
        );
        let defaults: RetryPolicy = serde_json::from_str("{}").expect("empty settings");
        assert_eq!(defaults, RetryPolicy::default());
    }
}
