//! The append-only event log in PostgreSQL: append, read in commit order, verify, relay to JetStream.
//!
//! Each writing service keeps its log in a schema of its own ([`EventLog::install`]): one table
//! `events`, refused UPDATE, DELETE and TRUNCATE by a trigger, and a plpgsql function `append` that
//! appends many commands in one round trip, each with its own outcome (a version conflict of one
//! never fails the others). Every event carries a SHA-256 hash chained over its stream
//! ([`compute_hash`]); [`EventLog::verify`] recomputes every chain.
//!
//! After appends commit, the log notifies the channel `<schema>_events`
//! ([`EventLog::notify_channel`]) to wake the relay, coalesced and outside the appending
//! transaction; callers of [`EventLog::append_in`] call [`EventLog::notify_appended`] after their
//! commit.
//!
//! Row-level security walls the tenants off inside the database: the install enables and forces
//! it on `events`, with policies for the platform's [`roles`]. The request path reads through
//! [`EventLog::read_stream_in`] in a transaction of the api role that names its tenant
//! ([`TENANT_SETTING`]); the log writer and the relay run as the worker role, which sees all.
//!
//! Readers follow the log in commit order with [`EventLog::read_all`], which only returns events
//! below the transaction horizon, so a reader that continues from the last position it got sees
//! every committed event exactly once. [`EventLog::read_tenant_in`] does the same for one
//! tenant's slice, on the request path.

pub mod relay;
pub mod wire;

mod append;
mod error;
mod group_commit;
mod hash;
mod model;
mod notify;
mod position;
mod read;
mod schema;
mod verify;

use std::fmt;
use std::sync::Arc;

use sqlx::{PgConnection, PgPool};

pub use error::{AppendError, EventLogError};
pub use group_commit::GroupCommitConfig;
pub use hash::{GENESIS_HASH, HashInput, compute_hash};
pub use model::{
    AppendCommand, AppendOutcome, EVENT_ID_NAMESPACE, EventMetadata, ExpectedVersion, NewEvent,
    RecordedEvent, TenantEvents, event_id, scoped_command_id,
};
pub use position::{LogPosition, ParsePositionTokenError, PositionToken};
pub use schema::{INSTALL_LOCK, MAX_SCHEMA_LEN, TENANT_SETTING, roles, validate_schema};
pub use verify::{BreakReason, BrokenLink, MAX_LISTED_BREAKS, VerifyReport};

use append::EncodedCommand;
use group_commit::GroupCommitter;
use notify::Notifier;
use schema::Statements;

/// Options of an [`EventLog`] beyond pool and schema.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventLogOptions {
    /// The log's name in consistency tokens (`<log>:<tx_id>:<position>`); the schema name if `None`.
    pub log_name: Option<String>,
    /// How concurrent appends are gathered.
    pub group_commit: GroupCommitConfig,
}

/// A service's event log: a pool, the schema holding the log, and the log's name. Cheap to clone;
/// clones share one group commit task.
#[derive(Clone)]
pub struct EventLog {
    inner: Arc<Inner>,
}

struct Inner {
    pool: PgPool,
    schema: String,
    log_name: String,
    statements: Statements,
    committer: GroupCommitter,
    notifier: Arc<Notifier>,
}

impl fmt::Debug for EventLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventLog")
            .field("schema", &self.inner.schema)
            .field("log_name", &self.inner.log_name)
            .finish_non_exhaustive()
    }
}

impl EventLog {
    /// Creates or updates the log's tables and functions in `schema` (idempotent).
    pub async fn install(pool: &PgPool, schema: &str) -> Result<(), EventLogError> {
        schema::install(pool, schema).await
    }

    /// A log in `schema` (installed with [`EventLog::install`]), named like the schema. Needs no
    /// runtime: the group commit task starts with the first [`EventLog::append`].
    pub fn new(pool: PgPool, schema: &str) -> Result<Self, EventLogError> {
        Self::with_options(pool, schema, EventLogOptions::default())
    }

    /// Like [`EventLog::new`], with options.
    pub fn with_options(
        pool: PgPool,
        schema: &str,
        options: EventLogOptions,
    ) -> Result<Self, EventLogError> {
        validate_schema(schema)?;
        let statements = Statements::new(schema);
        let notifier = Arc::new(Notifier::new(pool.clone(), format!("{schema}_events")));
        let committer = GroupCommitter::new(
            pool.clone(),
            Arc::from(statements.append.as_str()),
            options.group_commit,
            notifier.clone(),
        );
        Ok(EventLog {
            inner: Arc::new(Inner {
                pool,
                schema: schema.to_owned(),
                log_name: options.log_name.unwrap_or_else(|| schema.to_owned()),
                statements,
                committer,
                notifier,
            }),
        })
    }

    /// The schema holding the log.
    pub fn schema(&self) -> &str {
        &self.inner.schema
    }

    /// The log's name in consistency tokens.
    pub fn log_name(&self) -> &str {
        &self.inner.log_name
    }

    /// The pool.
    pub fn pool(&self) -> &PgPool {
        &self.inner.pool
    }

    /// The notification channel the append function notifies once per call (`<schema>_events`).
    pub fn notify_channel(&self) -> String {
        format!("{}_events", self.inner.schema)
    }

    /// A consistency token for a position in this log.
    pub fn token(&self, at: LogPosition) -> PositionToken {
        PositionToken::new(self.inner.log_name.clone(), at)
    }

    /// Appends one command. Group-committed: concurrent callers are gathered into one function
    /// call, each getting its own outcome. A retried command (same `command_id`) appends nothing
    /// and returns the first result with `duplicate = true`.
    pub async fn append(&self, cmd: AppendCommand) -> Result<AppendOutcome, AppendError> {
        let encoded = EncodedCommand::new(cmd)?;
        self.inner.committer.append(encoded).await
    }

    /// Many commands in one round trip (one transaction), each with its own outcome. `Err` only if
    /// the call as a whole failed.
    pub async fn append_many(
        &self,
        cmds: Vec<AppendCommand>,
    ) -> Result<Vec<Result<AppendOutcome, AppendError>>, EventLogError> {
        if cmds.is_empty() {
            return Ok(Vec::new());
        }
        let encoded = encode_all(cmds)?;
        let rows = append::call(&self.inner.pool, &self.inner.statements.append, &encoded).await?;
        self.inner.notifier.poke();
        Ok(append::outcomes(encoded, rows))
    }

    /// Wakes the relay soon (coalesced `NOTIFY` on [`EventLog::notify_channel`]). Call after
    /// committing a transaction that used [`EventLog::append_in`]; without it the relay finds the
    /// events at its next poll.
    pub fn notify_appended(&self) {
        self.inner.notifier.poke();
    }

    /// Same as [`EventLog::append_many`], inside the caller's transaction (reactors: their
    /// checkpoint and their appends commit together). The streams' locks are held until that
    /// transaction ends; take streams in a consistent order across calls to avoid deadlocks.
    /// After the commit, call [`EventLog::notify_appended`].
    pub async fn append_in(
        &self,
        conn: &mut PgConnection,
        cmds: Vec<AppendCommand>,
    ) -> Result<Vec<Result<AppendOutcome, AppendError>>, EventLogError> {
        if cmds.is_empty() {
            return Ok(Vec::new());
        }
        let encoded = encode_all(cmds)?;
        let rows = append::call(&mut *conn, &self.inner.statements.append, &encoded).await?;
        Ok(append::outcomes(encoded, rows))
    }

    /// The events of a stream after `after_version` (0 for all), in version order, at most `limit`.
    pub async fn read_stream(
        &self,
        stream_id: &str,
        after_version: i32,
        limit: i64,
    ) -> Result<Vec<RecordedEvent>, EventLogError> {
        read::read_stream(
            &self.inner.pool,
            &self.inner.statements.read_stream,
            stream_id,
            after_version,
            limit,
        )
        .await
    }

    /// Same as [`EventLog::read_stream`], on the caller's connection: the request path reads in
    /// a tenant-scoped transaction of the api role, where row-level security shows only the
    /// events of the tenant in [`TENANT_SETTING`] (another tenant's stream reads as empty).
    pub async fn read_stream_in(
        &self,
        conn: &mut PgConnection,
        stream_id: &str,
        after_version: i32,
        limit: i64,
    ) -> Result<Vec<RecordedEvent>, EventLogError> {
        read::read_stream(
            &mut *conn,
            &self.inner.statements.read_stream,
            stream_id,
            after_version,
            limit,
        )
        .await
    }

    /// The events after `after` in commit order, only below the transaction horizon
    /// (`pg_snapshot_xmin`): no gaps, no duplicates. Continue from the last event's position.
    pub async fn read_all(
        &self,
        after: LogPosition,
        limit: i64,
    ) -> Result<Vec<RecordedEvent>, EventLogError> {
        read::read_all(
            &self.inner.pool,
            &self.inner.statements.read_all,
            after,
            limit,
        )
        .await
    }

    /// The events of `tenant` after `after`, in commit order, only below the transaction horizon,
    /// at most `limit`, on the caller's connection: a tenant-scoped transaction of the api role
    /// (row-level security shows only that tenant; the query names the tenant too). Walks the
    /// `(tenant_id, tx_id, global_position)` index. Continue from [`TenantEvents::reached`]:
    /// no gaps, no duplicates, and a reader of a quiet tenant still moves up with the horizon.
    pub async fn read_tenant_in(
        &self,
        conn: &mut PgConnection,
        tenant: &str,
        after: LogPosition,
        limit: i64,
    ) -> Result<TenantEvents, EventLogError> {
        read::read_tenant(
            conn,
            &self.inner.statements.read_tenant,
            tenant,
            after,
            limit,
        )
        .await
    }

    /// Recomputes every stream's hash chain (streaming the log, in Rust) and reports broken links.
    pub async fn verify(&self) -> Result<VerifyReport, EventLogError> {
        verify::verify(&self.inner.pool, &self.inner.statements.verify).await
    }
}

fn encode_all(cmds: Vec<AppendCommand>) -> Result<Vec<EncodedCommand>, EventLogError> {
    cmds.into_iter().map(EncodedCommand::new).collect()
}
