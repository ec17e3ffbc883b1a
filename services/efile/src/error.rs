//! The E-Akte's errors and their one mapping to gRPC status.

use platform::status;
use tonic::Status;

use crate::blobs::BlobError;
use crate::domain::document::Refusal;
use crate::domain::metadata::Violation;

/// Everything a call to the E-Akte can fail with.
#[derive(Debug, thiserror::Error)]
pub enum EfileError {
    /// Request fields are invalid (all of them named).
    #[error("the request is invalid")]
    Invalid(Vec<Violation>),
    /// No such document or case for the caller (another tenant's, or not the applicant's own).
    #[error("not found")]
    NotFound,
    /// The command does not fit where the document stands.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The command id names another command of the log (ids are scoped per tenant and stream
    /// before they reach the log, so this is a collision or a bug).
    #[error("the command id is taken by another command")]
    CommandIdTaken,
    /// The document changed since the version the command expected.
    #[error("the document was changed concurrently; reload it and decide again")]
    Conflict,
    /// The read model did not reach the requested position in time.
    #[error("read model not yet caught up")]
    NotCaughtUp,
    /// Stored content does not match its recorded hash, or is missing.
    #[error("the stored content does not match its record")]
    DataLoss,
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
    /// A recorded document cannot be folded (its stream does not begin with a filing).
    #[error("recorded document is unreadable")]
    Unreadable,
    /// The blob store failed.
    #[error("blob store failure")]
    Blob(#[source] BlobError),
    /// The export package could not be written.
    #[error("the export package could not be written")]
    Export(#[source] xdomea::ExportError),
}

impl EfileError {
    /// One invalid `field`.
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        EfileError::Invalid(vec![Violation::new(field, description)])
    }
}

impl From<Violation> for EfileError {
    fn from(violation: Violation) -> Self {
        EfileError::Invalid(vec![violation])
    }
}

impl From<Vec<Violation>> for EfileError {
    fn from(violations: Vec<Violation>) -> Self {
        EfileError::Invalid(violations)
    }
}

impl From<BlobError> for EfileError {
    fn from(error: BlobError) -> Self {
        match error {
            BlobError::NotFound => EfileError::DataLoss,
            other => EfileError::Blob(other),
        }
    }
}

impl From<eventlog::AppendError> for EfileError {
    fn from(error: eventlog::AppendError) -> Self {
        match error {
            eventlog::AppendError::Conflict { .. } => EfileError::Conflict,
            eventlog::AppendError::CommandIdTaken { .. } => EfileError::CommandIdTaken,
            eventlog::AppendError::Database(e) => EfileError::Log(e),
        }
    }
}

impl platform::ToStatus for EfileError {
    fn to_status(&self) -> Status {
        match self {
            EfileError::Invalid(violations) => status::invalid_argument(
                "the request is invalid",
                violations
                    .iter()
                    .map(|v| status::FieldViolation::new(v.field.clone(), v.description.clone()))
                    .collect(),
            ),
            EfileError::NotFound | EfileError::Refused(Refusal::NotFiled) => {
                status::not_found("no such document or case")
            }
            EfileError::Refused(refusal) => status::failed_precondition(refusal.to_string()),
            EfileError::Conflict => status::aborted(self.to_string()),
            EfileError::CommandIdTaken => Status::already_exists(self.to_string()),
            EfileError::NotCaughtUp => status::unavailable(self.to_string()),
            EfileError::DataLoss => {
                tracing::error!("stored document content is missing or does not match its hash");
                Status::data_loss(self.to_string())
            }
            EfileError::Database(_)
            | EfileError::Log(_)
            | EfileError::Projection(_)
            | EfileError::Decode(_)
            | EfileError::Unreadable
            | EfileError::Blob(_)
            | EfileError::Export(_) => status::internal(self),
        }
    }
}

impl From<EfileError> for Status {
    fn from(error: EfileError) -> Self {
        platform::ToStatus::to_status(&error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_violation_reaches_the_client_as_a_field_violation() {
        let status: Status = EfileError::Invalid(vec![
            Violation::new("header.tags[0]", "unknown"),
            Violation::new("header.file_name", "too long"),
        ])
        .into();
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        let fields: Vec<String> = status::field_violations(&status)
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(fields, ["header.tags[0]", "header.file_name"]);
    }

    #[test]
    fn refusals_map_to_their_codes() {
        let code = |e: EfileError| Status::from(e).code();
        assert_eq!(code(Refusal::NotFiled.into()), tonic::Code::NotFound);
        assert_eq!(
            code(Refusal::Deleted.into()),
            tonic::Code::FailedPrecondition
        );
        assert_eq!(
            code(Refusal::HoldAlreadyPlaced.into()),
            tonic::Code::FailedPrecondition
        );
        assert_eq!(code(BlobError::NotFound.into()), tonic::Code::DataLoss);
        assert_eq!(code(EfileError::Conflict), tonic::Code::Aborted);
    }
}
