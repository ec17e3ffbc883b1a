//! The intake service's errors and their one mapping to gRPC status.

use platform::status;
use tonic::Status;

use crate::domain::FieldViolation;

/// Everything a call to the intake service can fail with.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The request is invalid; every violation is listed.
    #[error("the request is invalid")]
    Invalid(Vec<FieldViolation>),
    /// The submission id already belongs to an application with other content.
    #[error("submission_id was used for a different application")]
    SubmissionIdReused,
    /// No such submission for the caller's tenant.
    #[error("submission not found")]
    NotFound,
    /// The stream changed between two reads (should not happen for a write-once stream).
    #[error("concurrent change of the submission; retry")]
    Conflict,
    /// The event log failed.
    #[error("event log failure")]
    Log(#[from] eventlog::EventLogError),
    /// A recorded event could not be read back.
    #[error("recorded event is unreadable")]
    Decode(#[from] prost::DecodeError),
}

impl From<eventlog::AppendError> for IntakeError {
    fn from(error: eventlog::AppendError) -> Self {
        match error {
            // Application ids derive from tenant and submission id: another stream's use of
            // one is as impossible as a conflict is rare; both are answered ABORTED.
            eventlog::AppendError::Conflict { .. }
            | eventlog::AppendError::CommandIdTaken { .. } => IntakeError::Conflict,
            eventlog::AppendError::Database(e) => IntakeError::Log(e),
        }
    }
}

impl platform::ToStatus for IntakeError {
    fn to_status(&self) -> Status {
        match self {
            IntakeError::Invalid(violations) => status::invalid_argument(
                "the application is invalid",
                violations
                    .iter()
                    .map(|v| status::FieldViolation::new(v.field.clone(), v.description.clone()))
                    .collect(),
            ),
            IntakeError::SubmissionIdReused => Status::already_exists(self.to_string()),
            IntakeError::NotFound => status::not_found("no such submission"),
            IntakeError::Conflict => status::aborted(self.to_string()),
            IntakeError::Log(_) | IntakeError::Decode(_) => status::internal(self),
        }
    }
}

impl From<IntakeError> for Status {
    fn from(error: IntakeError) -> Self {
        platform::ToStatus::to_status(&error)
    }
}
