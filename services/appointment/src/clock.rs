//! Where the service learns the time. The domain takes `now` as a value; this is the edge that
//! supplies it: the system clock in production, a clock the test sets in tests (booking
//! windows, notice periods and attendance all depend on it, and tests must not depend on the
//! day they run).

use chrono::{DateTime, Utc};

/// The source of "now".
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Now.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}
