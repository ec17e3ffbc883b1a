//! Read-your-writes: wait until the read model has applied a client's position token.
//!
//! - `case:<tx>:<pos>` (a position in the case log): wait for the `case_view` checkpoint.
//! - `intake:<tx>:<pos>` (what SubmitApplication answered): wait for the `open_case` reactor's
//!   checkpoint to pass it, then for `case_view` to pass the case-log position the reactor had
//!   appended at by then (its effect of that intake event, or a later one).
//!
//! The whole wait is bounded (default 5 s); when it runs out the query fails with `UNAVAILABLE`
//! "read model not yet caught up", rather than answering from a stale view: a client that sent
//! a token asked for an answer that includes its write.
//!
//! The checkpoints and `cases.reactor_emitted` are positions, no tenant's data: the api role
//! reads them without a tenant, outside the query's tenant-scoped transaction, so a waiting
//! request does not pin a pooled connection in an open transaction for the whole wait.

use std::time::Duration;

use eventlog::PositionToken;
use sqlx::PgPool;
use tokio::time::Instant;

use crate::error::CaseError;
use crate::projections::case_view;
use crate::reactors::open_case;

/// Schema holding the checkpoints.
const CHECKPOINTS: &str = crate::SCHEMA;

/// Waits for `token` (empty: no wait); see the module comment.
pub async fn wait_for_token(
    pool: &PgPool,
    token: Option<&str>,
    field: &'static str,
    timeout: Duration,
) -> Result<(), CaseError> {
    wait_for_projection(pool, token, field, timeout, case_view::NAME).await
}

/// Same as [`wait_for_token`], for `read_model` (the name of a projection of the case log,
/// e.g. `tasks`) instead of `case_view`.
pub async fn wait_for_projection(
    pool: &PgPool,
    token: Option<&str>,
    field: &'static str,
    timeout: Duration,
    read_model: &str,
) -> Result<(), CaseError> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(());
    };
    let token: PositionToken = token
        .parse()
        .map_err(|_| CaseError::invalid(field, "not a position token"))?;
    let deadline = Instant::now() + timeout;
    let case_position = match token.log.as_str() {
        crate::LOG_NAME => Some(token.at),
        "intake" => {
            let reached =
                projection::wait_for(pool, CHECKPOINTS, open_case::NAME, token.at, timeout).await?;
            if !reached {
                return Err(CaseError::NotCaughtUp);
            }
            open_case::last_emitted(pool).await?
        }
        _ => {
            return Err(CaseError::invalid(
                field,
                "a position of a log this service does not read",
            ));
        }
    };
    if let Some(at) = case_position {
        let left = deadline.saturating_duration_since(Instant::now());
        if !projection::wait_for(pool, CHECKPOINTS, read_model, at, left).await? {
            return Err(CaseError::NotCaughtUp);
        }
    }
    Ok(())
}
