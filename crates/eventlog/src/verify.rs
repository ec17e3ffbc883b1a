//! Integrity verification: every stream's hash chain, recomputed in Rust.

use std::fmt;

use futures::TryStreamExt;
use sqlx::{PgPool, Row};
use uuid::Uuid;

use crate::error::EventLogError;
use crate::hash::{GENESIS_HASH, HashInput, compute_hash};

/// The most broken links a report lists (all are counted).
pub const MAX_LISTED_BREAKS: usize = 10_000;

/// The result of [`crate::EventLog::verify`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerifyReport {
    /// How many events were checked.
    pub events_checked: u64,
    /// How many streams were checked.
    pub streams_checked: u64,
    /// The events whose link in the chain is broken, in stream and version order (at most
    /// [`MAX_LISTED_BREAKS`]).
    pub broken: Vec<BrokenLink>,
    /// How many broken links were found, listed or not.
    pub broken_total: u64,
}

impl VerifyReport {
    /// True if every chain is intact.
    pub fn is_clean(&self) -> bool {
        self.broken_total == 0
    }
}

/// An event whose chain link does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The stream.
    pub stream_id: String,
    /// The event's version.
    pub version: i32,
    /// What does not hold.
    pub reason: BreakReason,
}

/// What does not hold for a [`BrokenLink`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BreakReason {
    /// The version does not follow the previous one (versions start at 1 without gaps).
    VersionGap {
        /// The version that should have come.
        expected: i32,
    },
    /// `prev_hash` is not the previous event's hash (or 32 zero bytes for version 1).
    PrevHashMismatch,
    /// The stored hash is not the hash of the stored event.
    HashMismatch,
}

impl fmt::Display for BreakReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BreakReason::VersionGap { expected } => {
                write!(f, "version gap: expected version {expected}")
            }
            BreakReason::PrevHashMismatch => {
                f.write_str("prev_hash differs from the previous event's hash")
            }
            BreakReason::HashMismatch => {
                f.write_str("stored hash differs from the recomputed hash")
            }
        }
    }
}

/// Streams every event in stream and version order and checks each link.
pub(crate) async fn verify(pool: &PgPool, sql: &str) -> Result<VerifyReport, EventLogError> {
    let mut report = VerifyReport::default();
    let mut rows = sqlx::query(sql).fetch(pool);
    let mut current_stream: Option<String> = None;
    let mut last_version = 0i32;
    let mut last_hash: Vec<u8> = Vec::new();
    while let Some(row) = rows.try_next().await? {
        let stream_id: &str = row.try_get(1)?;
        let version: i32 = row.try_get(2)?;
        if current_stream.as_deref() != Some(stream_id) {
            current_stream = Some(stream_id.to_owned());
            report.streams_checked += 1;
            last_version = 0;
            last_hash = GENESIS_HASH.to_vec();
        }
        let recorded_at: chrono::DateTime<chrono::Utc> = row.try_get(6)?;
        let prev_hash: &[u8] = row.try_get(9)?;
        let hash: &[u8] = row.try_get(10)?;
        let input = HashInput {
            event_id: row.try_get::<Uuid, _>(0)?,
            stream_id,
            version,
            tenant_id: row.try_get(3)?,
            event_type: row.try_get(4)?,
            schema_version: row.try_get(5)?,
            recorded_at_micros: recorded_at.timestamp_micros(),
            metadata: row.try_get(7)?,
            payload: row.try_get(8)?,
        };
        let mut breaks = Vec::new();
        if version != last_version + 1 {
            breaks.push(BreakReason::VersionGap {
                expected: last_version + 1,
            });
        }
        if prev_hash != last_hash.as_slice() {
            breaks.push(BreakReason::PrevHashMismatch);
        }
        if compute_hash(prev_hash, &input) != hash {
            breaks.push(BreakReason::HashMismatch);
        }
        for reason in breaks {
            report.broken_total += 1;
            if report.broken.len() < MAX_LISTED_BREAKS {
                report.broken.push(BrokenLink {
                    stream_id: stream_id.to_owned(),
                    version,
                    reason,
                });
            }
        }
        report.events_checked += 1;
        last_version = version;
        last_hash.clear();
        last_hash.extend_from_slice(hash);
    }
    Ok(report)
}
