//! Read-your-writes: wait until a read model has applied a client's position token.
//!
//! - `efile:<tx>:<pos>` (what an upload or a document command answered): wait for the
//!   `documents` checkpoint.
//! - `case:<tx>:<pos>` (a position of the case log, e.g. what the case service answered when
//!   the case opened or closed): wait for the `case_directory` checkpoint.
//!
//! The wait is bounded (default 5 s); when it runs out the call fails with `UNAVAILABLE` "read
//! model not yet caught up" rather than answering from a stale view. Checkpoints are positions,
//! no tenant's data: the api role reads them outside the request's tenant transaction, so a
//! waiting request does not pin a pooled connection in an open transaction.

use std::time::Duration;

use eventlog::PositionToken;
use sqlx::PgPool;

use crate::error::EfileError;
use crate::projections::{case_directory, documents};

/// Waits for `token` (empty: no wait); see the module comment.
pub async fn wait_for_token(
    pool: &PgPool,
    token: Option<&str>,
    field: &'static str,
    timeout: Duration,
) -> Result<(), EfileError> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(());
    };
    let token: PositionToken = token
        .parse()
        .map_err(|_| EfileError::invalid(field, "not a position token"))?;
    let read_model = match token.log.as_str() {
        crate::LOG_NAME => documents::NAME,
        crate::CASE_SERVICE => case_directory::NAME,
        _ => {
            return Err(EfileError::invalid(
                field,
                "a position of a log this service does not read",
            ));
        }
    };
    if projection::wait_for(pool, crate::SCHEMA, read_model, token.at, timeout).await? {
        Ok(())
    } else {
        Err(EfileError::NotCaughtUp)
    }
}
