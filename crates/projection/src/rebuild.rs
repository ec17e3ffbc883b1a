//! Rebuild a read model from the PostgreSQL log (the auditors' replay).

use eventlog::{EventLog, LogPosition};
use sqlx::PgPool;

use crate::checkpoint::{self, Stored};
use crate::{Projection, ProjectionError};

/// Events read from the log per round trip during a rebuild.
const BATCH: i64 = 1000;

/// What a [`rebuild()`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RebuildReport {
    /// Events applied.
    pub events: u64,
    /// The checkpoint after the rebuild: the last position applied.
    pub position: LogPosition,
}

/// In one transaction: reset the projection, apply the whole log in commit order and set its
/// checkpoint to the last position. A runner of the same projection waits on the checkpoint
/// row meanwhile and afterwards skips what the rebuild applied. Run it as the worker role, with
/// the checkpoint table installed ([`crate::install`]).
pub async fn rebuild<P: Projection + ?Sized>(
    pool: &PgPool,
    log: &EventLog,
    checkpoint_schema: &str,
    projection: &P,
) -> Result<RebuildReport, ProjectionError> {
    checkpoint::require_installed(pool, checkpoint_schema).await?;
    let mut tx = pool.begin().await?;
    checkpoint::lock(&mut tx, checkpoint_schema, projection.name()).await?;
    projection.reset(&mut tx).await?;
    let mut at = LogPosition::START;
    let mut events = 0u64;
    loop {
        let batch = log.read_all(at, BATCH).await?;
        let Some(last) = batch.last() else { break };
        at = last.position;
        for event in &batch {
            projection.apply(&mut tx, event).await?;
        }
        events += batch.len() as u64;
    }
    // The stream sequence is unknown here; the runner then re-reads the stream from its start
    // and skips everything up to this position.
    let stored = Stored { at, sequence: None };
    checkpoint::store(&mut tx, checkpoint_schema, projection.name(), stored).await?;
    tx.commit().await?;
    projection.after_commit();
    Ok(RebuildReport {
        events,
        position: at,
    })
}
