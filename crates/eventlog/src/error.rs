//! What can go wrong.

use std::sync::Arc;

use crate::model::ExpectedVersion;

/// A failure of the event log itself (not of a single command's expectations).
#[derive(Debug, thiserror::Error)]
pub enum EventLogError {
    /// The schema name is not `[a-z_][a-z0-9_]*` (at most 63 bytes).
    #[error("invalid schema name {schema:?}: expected [a-z_][a-z0-9_]*")]
    InvalidSchema {
        /// The rejected name.
        schema: String,
    },
    /// The database roles the log's policies and grants name do not exist (a DBA creates them
    /// before the first install: docs/security/row-level-security.md).
    #[error("database roles missing: {roles:?}")]
    MissingRoles {
        /// The missing roles' names.
        roles: Vec<String>,
    },
    /// PostgreSQL refused or the connection failed.
    #[error("database operation failed")]
    Database(#[from] sqlx::Error),
    /// A group-committed call failed for all the commands gathered into it.
    #[error("group commit failed")]
    GroupCommit(#[source] Arc<sqlx::Error>),
    /// The group commit task has stopped.
    #[error("the group commit task has stopped")]
    Closed,
    /// An event's metadata could not be encoded as JSON.
    #[error("event metadata could not be encoded")]
    EncodeMetadata(#[source] serde_json::Error),
    /// A stored event's metadata is not valid metadata JSON.
    #[error("stored metadata of {stream_id} version {version} is unreadable")]
    DecodeMetadata {
        /// The stream of the event.
        stream_id: String,
        /// The version of the event.
        version: i32,
        /// Why it is unreadable.
        #[source]
        source: serde_json::Error,
    },
    /// The append function returned something this code does not understand (a schema installed
    /// by another version of this crate?).
    #[error("unexpected result from the append function: {0}")]
    UnexpectedResult(&'static str),
}

/// Why one command was not appended.
#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    /// The stream's version is not the expected one (gRPC `ABORTED`).
    #[error(
        "version conflict on stream {stream_id}: expected {expected}, stream is at version {actual}"
    )]
    Conflict {
        /// The stream.
        stream_id: String,
        /// What the command expected.
        expected: ExpectedVersion,
        /// The stream's version (0 if it has no events).
        actual: i32,
    },
    /// The command id was used before by another command: on another stream or by another
    /// tenant (event ids derive from command ids and are unique in the log). Nothing appended;
    /// the caller chose an id that is not its own (gRPC `ALREADY_EXISTS` or `INVALID_ARGUMENT`).
    #[error("command id {command_id} is already used by a command on another stream")]
    CommandIdTaken {
        /// The stream this command was for.
        stream_id: String,
        /// The command id.
        command_id: uuid::Uuid,
    },
    /// The log failed.
    #[error("append failed")]
    Database(#[from] EventLogError),
}

impl AppendError {
    /// True for a version conflict.
    pub fn is_conflict(&self) -> bool {
        matches!(self, AppendError::Conflict { .. })
    }
}
