//! Reading a stream, and the whole log in commit order below the transaction horizon.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgExecutor, PgPool, Row};

use crate::error::EventLogError;
use crate::model::{EventMetadata, RecordedEvent, TenantEvents};
use crate::position::LogPosition;

/// The events of a stream after `after_version`, in version order, at most `limit`, through
/// `executor` (the log's pool, or a caller's tenant-scoped transaction).
pub(crate) async fn read_stream<'e, E: PgExecutor<'e>>(
    executor: E,
    sql: &str,
    stream_id: &str,
    after_version: i32,
    limit: i64,
) -> Result<Vec<RecordedEvent>, EventLogError> {
    let rows = sqlx::query(sql)
        .bind(stream_id)
        .bind(after_version)
        .bind(limit.max(0))
        .fetch_all(executor)
        .await?;
    rows.iter().map(decode_event).collect()
}

/// The events after `after` in `(tx_id, global_position)` order, only those below the transaction
/// horizon (every transaction with a smaller id has ended), at most `limit`.
///
/// A reader that continues from the position of the last event it got sees every committed event
/// exactly once and never one that is rolled back: positions below the horizon are final.
pub(crate) async fn read_all(
    pool: &PgPool,
    sql: &str,
    after: LogPosition,
    limit: i64,
) -> Result<Vec<RecordedEvent>, EventLogError> {
    let rows = sqlx::query(sql)
        .bind(i64::try_from(after.tx_id).unwrap_or(i64::MAX))
        .bind(after.position)
        .bind(limit.max(0))
        .fetch_all(pool)
        .await?;
    rows.iter().map(decode_event).collect()
}

/// The events of `tenant` after `after` in commit order, below the transaction horizon, at most
/// `limit`, on `conn` (a tenant-scoped transaction of the api role, where row-level security
/// shows that tenant only; the SQL filters by tenant as well). See [`TenantEvents::reached`].
pub(crate) async fn read_tenant(
    conn: &mut PgConnection,
    sql: &str,
    tenant: &str,
    after: LogPosition,
    limit: i64,
) -> Result<TenantEvents, EventLogError> {
    let limit = limit.max(0);
    let rows = sqlx::query(sql)
        .bind(tenant)
        .bind(i64::try_from(after.tx_id).unwrap_or(i64::MAX))
        .bind(after.position)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    let mut horizon: i64 = 0;
    let mut events = Vec::with_capacity(rows.len());
    for row in &rows {
        horizon = row.try_get(HORIZON_COLUMN)?;
        // The one row without an event when none is below the horizon.
        if row.try_get::<Option<i64>, _>(0)?.is_some() {
            events.push(decode_event(row)?);
        }
    }
    let full = limit > 0 && i64::try_from(events.len()).unwrap_or(i64::MAX) >= limit;
    let reached = match events.last() {
        Some(last) if full => last.position,
        _ => LogPosition::new(u64::try_from(horizon).unwrap_or(0), 0).max(after),
    };
    Ok(TenantEvents { events, reached })
}

/// The column after `schema::EVENT_COLUMNS` in the tenant read: the horizon (`xmin`).
const HORIZON_COLUMN: usize = 13;

/// Decodes a row of `schema::EVENT_COLUMNS`.
pub(crate) fn decode_event(row: &PgRow) -> Result<RecordedEvent, EventLogError> {
    let position: i64 = row.try_get(0)?;
    let tx_id: i64 = row.try_get(1)?;
    let stream_id: String = row.try_get(3)?;
    let version: i32 = row.try_get(4)?;
    let metadata_bytes: Vec<u8> = row.try_get(9)?;
    let metadata: EventMetadata = serde_json::from_slice(&metadata_bytes).map_err(|source| {
        EventLogError::DecodeMetadata {
            stream_id: stream_id.clone(),
            version,
            source,
        }
    })?;
    Ok(RecordedEvent {
        position: LogPosition {
            tx_id: u64::try_from(tx_id).unwrap_or(0),
            position,
        },
        event_id: row.try_get(2)?,
        stream_id,
        version,
        tenant_id: row.try_get(5)?,
        event_type: row.try_get(6)?,
        schema_version: row.try_get(7)?,
        payload: row.try_get(8)?,
        metadata,
        recorded_at: row.try_get(10)?,
        prev_hash: row.try_get(11)?,
        hash: row.try_get(12)?,
    })
}
