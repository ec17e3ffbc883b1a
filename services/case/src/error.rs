//! The case service's errors and their one mapping to gRPC status.

use platform::status;
use tonic::Status;

/// Everything a call to the case service can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// A request field is invalid.
    #[error("the request is invalid")]
    Invalid {
        /// The field's path.
        field: &'static str,
        /// What is wrong.
        description: String,
    },
    /// Several request fields are invalid (each with what is wrong), reported together.
    #[error("the request is invalid")]
    InvalidFields(Vec<(&'static str, String)>),
    /// No such case for the caller's tenant.
    #[error("case not found")]
    NotFound,
    /// The command does not fit where the case stands.
    #[error(transparent)]
    Refused(#[from] crate::domain::case::CommandError),
    /// The submission is filed onto another case already.
    #[error("the submission is already filed onto another case")]
    AlreadyFiled,
    /// The command id names another command of the log (ids are scoped per tenant and stream
    /// before they reach the log, so this is a collision or a bug).
    #[error("the command id is taken by another command")]
    CommandIdTaken,
    /// The case changed since the version the command expected.
    #[error("the case was changed concurrently; reload it and decide again")]
    Conflict,
    /// The read model did not reach the requested position in time.
    #[error("read model not yet caught up")]
    NotCaughtUp,
    /// PostgreSQL failed.
    #[error("database failure")]
    Database(#[from] sqlx::Error),
    /// The event log failed.
    #[error("event log failure")]
    Log(#[from] eventlog::EventLogError),
    /// Waiting on a checkpoint failed.
    #[error("checkpoint failure")]
    Projection(#[from] projection::ProjectionError),
    /// A recorded event could not be read back.
    #[error("recorded event is unreadable")]
    Decode(#[from] prost::DecodeError),
}

impl CaseError {
    /// An invalid `field`.
    pub fn invalid(field: &'static str, description: impl Into<String>) -> Self {
        CaseError::Invalid {
            field,
            description: description.into(),
        }
    }
}

impl From<eventlog::AppendError> for CaseError {
    fn from(error: eventlog::AppendError) -> Self {
        match error {
            eventlog::AppendError::Conflict { .. } => CaseError::Conflict,
            eventlog::AppendError::CommandIdTaken { .. } => CaseError::CommandIdTaken,
            eventlog::AppendError::Database(e) => CaseError::Log(e),
        }
    }
}

impl platform::ToStatus for CaseError {
    fn to_status(&self) -> Status {
        match self {
            CaseError::Invalid { field, description } => status::invalid_argument(
                "the request is invalid",
                vec![status::FieldViolation::new(*field, description.clone())],
            ),
            CaseError::InvalidFields(violations) => status::invalid_argument(
                "the request is invalid",
                violations
                    .iter()
                    .map(|(field, description)| status::FieldViolation::new(*field, description))
                    .collect(),
            ),
            CaseError::NotFound => status::not_found("no such case"),
            CaseError::Refused(refusal) => status::failed_precondition(refusal.to_string()),
            CaseError::Conflict => status::aborted(self.to_string()),
            CaseError::AlreadyFiled => status::failed_precondition(self.to_string()),
            CaseError::CommandIdTaken => Status::already_exists(self.to_string()),
            CaseError::NotCaughtUp => status::unavailable(self.to_string()),
            CaseError::Database(_)
            | CaseError::Log(_)
            | CaseError::Projection(_)
            | CaseError::Decode(_) => status::internal(self),
        }
    }
}

impl From<CaseError> for Status {
    fn from(error: CaseError) -> Self {
        platform::ToStatus::to_status(&error)
    }
}
