//! The error type of projections and their runner.

use eventlog::EventLogError;
use eventlog::wire::WireError;

/// What went wrong in a projection, its runner, checkpoint or rebuild.
#[derive(Debug, thiserror::Error)]
pub enum ProjectionError {
    /// A schema name that is not a plain lower-case SQL identifier.
    #[error("invalid schema name {0:?}")]
    InvalidSchema(String),
    /// The checkpoint table is missing or out of the role's reach: [`crate::install`] has not
    /// run (as the owner role) before the runner or rebuild.
    #[error("{table} is not installed")]
    NotInstalled {
        /// The missing table.
        table: String,
    },
    /// A PostgreSQL request failed.
    #[error("database request failed")]
    Database(#[from] sqlx::Error),
    /// Reading the event log failed (rebuild).
    #[error("reading the event log failed")]
    Log(#[from] EventLogError),
    /// A JetStream request failed.
    #[error("JetStream request failed: {op}")]
    Nats {
        /// What the runner was doing.
        op: &'static str,
        /// The client's error.
        #[source]
        source: async_nats::Error,
    },
    /// A message of the stream is not a relayed event.
    #[error("message is not a relayed event")]
    Wire(#[from] WireError),
    /// A log position does not fit the checkpoint table's bigint columns.
    #[error("log position out of range")]
    PositionOutOfRange,
    /// The stream does not hold what the checkpoint says it held (it was recreated or
    /// trimmed); the runner re-reads it from the start, skipping what it already applied.
    #[error("stream does not match the checkpoint at sequence {sequence}")]
    StreamMismatch {
        /// Stream sequence recorded with the checkpoint.
        sequence: u64,
    },
    /// The message stream of the consumer ended.
    #[error("the JetStream consumer stopped delivering")]
    ConsumerEnded,
    /// The runner stopped on purpose after a commit (test hook for crash-safety tests).
    #[error("runner stopped after commit by request")]
    InjectedCrash,
    /// A projection could not apply an event (e.g. an undecodable payload).
    #[error("projection failed to apply an event")]
    Apply(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl ProjectionError {
    pub(crate) fn nats(op: &'static str, source: impl Into<async_nats::Error>) -> Self {
        Self::Nats {
            op,
            source: source.into(),
        }
    }
}
