//! Read-your-writes: wait until a read model has applied a client's position token.
//!
//! A token names its log (`<log>:<tx>:<pos>`), and each log feeds one read model here: a
//! command of this service (`notification:…`) the profiles or the mailbox (the call says which
//! one it reads), the case log the case contacts, the E-Akte's log the documents (an
//! attachment's upload), the intake log the postal addresses and the appointment log the
//! appointment contacts. A call names the logs whose tokens it accepts ([`Follows`]); any other
//! is INVALID_ARGUMENT on the token's field.
//!
//! The wait is bounded (default 5 s, `read_wait_timeout_ms`); when it runs out the call fails
//! with `UNAVAILABLE` "read model not yet caught up" rather than answering from a stale view.
//! Checkpoints are positions, no tenant's data: the api role reads them outside the request's
//! tenant transaction, so a waiting request does not pin a pooled connection in an open
//! transaction.

use std::time::Duration;

use eventlog::PositionToken;
use jobcenter_proto::common::v1 as common;
use sqlx::PgPool;

use crate::error::NotificationError;

/// A log a call accepts tokens of, and the read model (projection name) that then must have
/// applied the position.
pub type Follows = &'static [(&'static str, &'static str)];

/// Waits for `position` (absent or empty: no wait); see the module comment.
pub async fn wait_for_position(
    pool: &PgPool,
    position: Option<&common::Position>,
    field: &'static str,
    follows: Follows,
    timeout: Duration,
) -> Result<(), NotificationError> {
    let Some(token) = position.map(|p| p.token.as_str()).filter(|t| !t.is_empty()) else {
        return Ok(());
    };
    let token: PositionToken = token
        .parse()
        .map_err(|_| NotificationError::invalid(field, "not a position token"))?;
    let Some((_, read_model)) = follows.iter().find(|(log, _)| *log == token.log) else {
        return Err(NotificationError::invalid(
            field,
            "a position of a log this call does not follow",
        ));
    };
    if token.at == eventlog::LogPosition::START {
        // The answer of a command that found nothing to record in an empty stream.
        return Ok(());
    }
    if projection::wait_for(pool, crate::SCHEMA, read_model, token.at, timeout).await? {
        Ok(())
    } else {
        Err(NotificationError::NotCaughtUp)
    }
}
