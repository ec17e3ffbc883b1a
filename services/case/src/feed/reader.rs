//! Reading the next batch of a tenant's case events for the feed.
//!
//! Each batch is read in its own short transaction of the api role for the caller's tenant
//! (`platform::db::begin_for_tenant`): row-level security shows that tenant's rows only, and the
//! query names the tenant too (`EventLog::read_tenant_in`, on the tenant index). Events are read
//! below the transaction horizon (ARCHITECTURE §3.3), so continuing from the batch's `reached`
//! neither skips nor repeats one.

use eventlog::{EventLog, LogPosition, RecordedEvent};
use jobcenter_proto::case::v1 as proto;
use platform::TenantId;
use sqlx::PgPool;
use uuid::Uuid;

use super::token;
use crate::domain::{self, timeline};

/// The prefix of a case's stream (`domain::stream_id`). The log also holds per-tenant streams
/// that are not cases (assignment rules, staff absences): those are not in the feed.
const CASE_STREAM_PREFIX: &str = "case-";

/// Reads one tenant's case events.
#[derive(Debug, Clone)]
pub struct Reader {
    pool: PgPool,
    log: EventLog,
    tenant: TenantId,
    batch_size: i64,
}

/// One batch: the events to deliver and where the next read continues.
#[derive(Debug)]
pub struct Batch {
    /// The tenant's case events, in commit order.
    pub events: Vec<proto::CaseFeedEvent>,
    /// The cases they belong to, each once.
    pub cases: Vec<Uuid>,
    /// Everything of the tenant up to here is in this batch or an earlier one.
    pub reached: LogPosition,
    /// The read stopped at its limit: more may follow at once.
    pub full: bool,
}

impl Reader {
    /// A reader of `tenant`'s events in `log` through `pool` (the api role's), at most
    /// `batch_size` per read.
    pub fn new(pool: PgPool, log: EventLog, tenant: TenantId, batch_size: u32) -> Self {
        Reader {
            pool,
            log,
            tenant,
            batch_size: i64::from(batch_size.max(1)),
        }
    }

    /// The tenant's case events after `after`.
    pub async fn read(&self, after: LogPosition) -> Result<Batch, eventlog::EventLogError> {
        let mut tx = platform::db::begin_for_tenant(&self.pool, &self.tenant).await?;
        let read = self
            .log
            .read_tenant_in(&mut tx, self.tenant.as_str(), after, self.batch_size)
            .await?;
        // Read only: dropping the transaction rolls it back.
        drop(tx);
        let full = i64::try_from(read.events.len()).unwrap_or(i64::MAX) >= self.batch_size;
        let mut cases = Vec::new();
        let mut events = Vec::with_capacity(read.events.len());
        for event in read.events {
            // Row-level security and the query hold the tenant; this keeps the feed closed
            // should either ever fail.
            if event.tenant_id != self.tenant.as_str() {
                continue;
            }
            let Some(case_id) = case_of(&event.stream_id) else {
                continue;
            };
            if !cases.contains(&case_id) {
                cases.push(case_id);
            }
            events.push(self.to_proto(case_id, event));
        }
        Ok(Batch {
            events,
            cases,
            reached: read.reached,
            full,
        })
    }

    /// The resume token of `at` for this reader's tenant.
    pub fn token(&self, at: LogPosition) -> String {
        token::encode(&self.tenant, self.log.log_name(), at)
    }

    fn to_proto(&self, case_id: Uuid, event: RecordedEvent) -> proto::CaseFeedEvent {
        let description = timeline::describe_recorded(&event.event_type, &event.payload)
            .unwrap_or_else(|error| {
                // The payload goes out as recorded; only the words are missing.
                tracing::warn!(
                    event_id = %event.event_id,
                    %error,
                    "feed: recorded payload does not decode; described neutrally"
                );
                timeline::describe_unknown(&event.event_type)
            });
        proto::CaseFeedEvent {
            event_id: event.event_id.to_string(),
            case_id: case_id.to_string(),
            version: event.version,
            resume_token: self.token(event.position),
            event_type: event.event_type,
            schema_version: event.schema_version,
            recorded_at: Some(domain::to_timestamp(event.recorded_at)),
            payload: event.payload,
            description,
        }
    }
}

/// The case whose stream is `stream_id`, if it is a case's stream.
fn case_of(stream_id: &str) -> Option<Uuid> {
    stream_id
        .strip_prefix(CASE_STREAM_PREFIX)
        .and_then(|id| Uuid::parse_str(id).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_case_streams_name_a_case() {
        let case = Uuid::new_v4();
        assert_eq!(case_of(&domain::stream_id(case)), Some(case));
        assert_eq!(case_of("assignment-rules-jc-essen"), None);
        assert_eq!(case_of("staff-jc-essen"), None);
        assert_eq!(case_of("case-not-a-uuid"), None);
    }
}
