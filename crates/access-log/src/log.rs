//! The log itself: an [`EventLog`] in a schema of its own, one record per event.
//!
//! Reusing the event log gives the read-access log everything it must have without a second
//! implementation: a SHA-256 chain per stream, an append-only trigger, group commit, and
//! [`EventLog::verify`]. The schema is separate from the service's own log (e.g. `cases_access`
//! next to `cases`) and no relay is ever started for it, so records never reach NATS nor any
//! projection.

use std::sync::Arc;
use std::time::Duration;

use eventlog::{AppendCommand, EventLog, EventMetadata, ExpectedVersion, NewEvent, VerifyReport};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AccessLogError;
use crate::record::{AccessRecord, is_code};
use crate::stream::{stream_id, tenant_key};
use crate::wire;

/// How long [`AccessLog::record`] waits for the database by default.
pub const DEFAULT_RECORD_TIMEOUT: Duration = Duration::from_secs(5);

/// A service's read-access log. Cheap to clone; clones share one group commit task.
#[derive(Debug, Clone)]
pub struct AccessLog {
    pub(crate) log: EventLog,
    pub(crate) service: Arc<str>,
    record_timeout: Duration,
}

impl AccessLog {
    /// Creates or updates the log's tables in `schema` (idempotent). Run it with the pool of the
    /// role that owns the schema (the migration role), not the service's.
    pub async fn install(owner_pool: &PgPool, schema: &str) -> Result<(), AccessLogError> {
        EventLog::install(owner_pool, schema).await?;
        Ok(())
    }

    /// The log in `schema` (installed with [`AccessLog::install`]), written through
    /// `worker_pool` for the service `service` (1 to 64 characters of `a-z`, `0-9`, `_`, `-`;
    /// stored in every record). Needs no runtime until the first record.
    pub fn new(worker_pool: PgPool, schema: &str, service: &str) -> Result<Self, AccessLogError> {
        if !is_code(service, 64) {
            return Err(AccessLogError::InvalidServiceName);
        }
        Ok(AccessLog {
            log: EventLog::new(worker_pool, schema)?,
            service: Arc::from(service),
            record_timeout: DEFAULT_RECORD_TIMEOUT,
        })
    }

    /// The same log, waiting at most `timeout` for a record to be written
    /// ([`DEFAULT_RECORD_TIMEOUT`] unless set). A read waits this long at worst when the
    /// database is stuck, then fails.
    pub fn with_record_timeout(mut self, timeout: Duration) -> Self {
        self.record_timeout = timeout;
        self
    }

    /// The service named in every record.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The event log holding the records (for tools that read it raw).
    pub fn event_log(&self) -> &EventLog {
        &self.log
    }

    /// Writes `record` to its tenant's stream of the day. Durable when it returns `Ok`
    /// (committed with the pool's `synchronous_commit`); on `Err` the caller must fail the read.
    ///
    /// Appended with expected version "any" through group commit: concurrent records of one
    /// tenant share one database call instead of queueing for the stream's lock one by one.
    /// After a timeout the record may still be written: the log may hold a record of a read
    /// whose answer the caller never got, never the reverse.
    pub async fn record(&self, record: AccessRecord) -> Result<(), AccessLogError> {
        record.validate()?;
        let payload = wire::encode(&self.service, &record).map_err(AccessLogError::Encode)?;
        let tenant = record.tenant.as_ref();
        let command = AppendCommand {
            // Every call is a new record: a random command id, so no two records share event ids.
            command_id: Uuid::new_v4(),
            stream_id: stream_id(tenant, record.at.date_naive()),
            tenant_id: tenant_key(tenant).to_owned(),
            expected: ExpectedVersion::Any,
            events: vec![NewEvent {
                event_type: wire::EVENT_TYPE.to_owned(),
                schema_version: wire::SCHEMA_VERSION,
                payload,
                metadata: EventMetadata::default(),
            }],
        };
        match tokio::time::timeout(self.record_timeout, self.log.append(command)).await {
            Ok(appended) => appended.map(|_| ()).map_err(AccessLogError::from),
            Err(_) => Err(AccessLogError::Timeout),
        }
    }

    /// Recomputes the hash chain of every stream in the log and reports broken links (an
    /// edited, deleted or reordered record).
    pub async fn verify(&self) -> Result<VerifyReport, AccessLogError> {
        Ok(self.log.verify().await?)
    }
}
