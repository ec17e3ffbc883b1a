//! What can go wrong when recording or reading the read-access log.
//!
//! Messages name fields, streams and versions, never values: the log's own errors must not
//! carry the personal data it is kept to protect.

/// A failure of the read-access log.
#[derive(Debug, thiserror::Error)]
pub enum AccessLogError {
    /// The service name is not 1 to 64 characters of `a-z`, `0-9`, `_` and `-`.
    #[error("invalid service name: expected 1 to 64 characters of a-z, 0-9, '_' and '-'")]
    InvalidServiceName,
    /// A field of a record is not what the log accepts (the field is named, its value is not).
    #[error("the record's field `{0}` is invalid")]
    InvalidRecord(&'static str),
    /// The record could not be encoded.
    #[error("the record could not be encoded")]
    Encode(#[source] serde_json::Error),
    /// The record was not written within the configured time (it may still be written).
    #[error("the record was not written in time")]
    Timeout,
    /// The event log refused or failed.
    #[error("the event log failed")]
    Log(#[from] eventlog::EventLogError),
    /// The event log failed to append the record.
    #[error("the record could not be appended")]
    Append(#[from] eventlog::AppendError),
    /// A stored record could not be decoded.
    #[error("stored record {stream_id} version {version} is unreadable")]
    Decode {
        /// Its stream.
        stream_id: String,
        /// Its version.
        version: i32,
        /// Why.
        #[source]
        source: DecodeError,
    },
    /// A query's period is empty, reversed, or longer than allowed.
    #[error("the period must start before it ends and span at most {max_days} days")]
    InvalidPeriod {
        /// The longest period accepted, in days.
        max_days: i64,
    },
    /// A page token does not belong to the queried period.
    #[error("the page token does not belong to this query")]
    InvalidPageToken,
}

/// Why a stored record could not be decoded.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// The event is not a read-access record (or of a schema version this code does not know).
    #[error("unexpected event type or schema version")]
    UnexpectedEvent,
    /// The payload is not the record's JSON.
    #[error("the payload is not a record")]
    Json(#[from] serde_json::Error),
    /// A field holds a value that is not allowed.
    #[error("the field `{0}` holds an invalid value")]
    Field(&'static str),
}

/// `error` and its sources as one line, for logs (the log's errors carry no personal data).
pub(crate) fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
