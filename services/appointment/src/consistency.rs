//! Read-your-writes: wait until a read model has applied a client's position token.
//!
//! - `appointment:<tx>:<pos>` (what a command of this service answered): wait for the
//!   `appointment_view` checkpoint.
//! - `case:<tx>:<pos>` (a position of the case log, e.g. what the case service answered when
//!   the case opened or was reassigned): wait for the `case_directory` checkpoint.
//!
//! The wait is bounded (default 5 s, `read_wait_timeout_ms`); when it runs out the call fails
//! with `UNAVAILABLE` "read model not yet caught up" rather than answering from a stale view.
//! Checkpoints are positions, no tenant's data: the api role reads them outside the request's
//! tenant transaction, so a waiting request does not pin a pooled connection in an open
//! transaction. (The E-Akte's `consistency` module does the same for its read models.)

use std::time::Duration;

use eventlog::PositionToken;
use jobcenter_proto::common::v1 as common;
use sqlx::PgPool;

use crate::error::AppointmentError;
use crate::projections::{appointment_view, case_directory};

/// Which logs a token may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    /// Only the case log (a booking waits for the case directory).
    CaseLog,
    /// The appointment log or the case log (the reads).
    Either,
}

/// Waits for `position` (absent or empty: no wait); see the module comment. A token that is
/// malformed or names a log `accepted` does not allow is INVALID_ARGUMENT on `field`.
pub async fn wait_for_position(
    pool: &PgPool,
    position: Option<&common::Position>,
    field: &'static str,
    accepted: Accepted,
    timeout: Duration,
) -> Result<(), AppointmentError> {
    let Some(token) = position.map(|p| p.token.as_str()).filter(|t| !t.is_empty()) else {
        return Ok(());
    };
    let token: PositionToken = token
        .parse()
        .map_err(|_| AppointmentError::invalid(field, "not a position token"))?;
    let read_model = match (token.log.as_str(), accepted) {
        (crate::LOG_NAME, Accepted::Either) => appointment_view::NAME,
        (crate::CASE_SERVICE, _) => case_directory::NAME,
        _ => {
            return Err(AppointmentError::invalid(
                field,
                "a position of a log this read does not follow",
            ));
        }
    };
    if projection::wait_for(pool, crate::SCHEMA, read_model, token.at, timeout).await? {
        Ok(())
    } else {
        Err(AppointmentError::NotCaughtUp)
    }
}
