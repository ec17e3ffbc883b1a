//! The notification service's errors and their one mapping to gRPC status.
//!
//! Bad input is INVALID_ARGUMENT with a field violation per field (also a reference the
//! caller chose that does not fit, such as an attachment filed on another case); a message or
//! profile of another tenant, or another applicant's, is NOT_FOUND; a command the state does
//! not allow (no open case to write about) is FAILED_PRECONDITION; a concurrent change of the
//! same stream is ABORTED.

use platform::status::{self, FieldViolation};
use tonic::Status;

use crate::domain::profile::{FieldProblem, Rejection};
use crate::events::UnreadableEvent;

/// Everything a call to the notification service can fail with.
#[derive(Debug, thiserror::Error)]
pub enum NotificationError {
    /// Request fields are invalid (all of them named).
    #[error("the request is invalid")]
    Invalid(Vec<FieldViolation>),
    /// No such message, profile, subscription, case or print job for the caller.
    #[error("not found")]
    NotFound,
    /// The command needs a state that does not hold (the message says which).
    #[error("{0}")]
    Precondition(&'static str),
    /// Push is not configured in this installation.
    #[error("push is not configured")]
    PushNotConfigured,
    /// The stream changed between reading and appending (another command won).
    #[error("changed concurrently; reload and try again")]
    Conflict,
    /// The command id names another command of the log (ids are scoped per tenant and stream
    /// before they reach the log, so this is a collision or a bug).
    #[error("the request id is taken by another command")]
    CommandIdTaken,
    /// The read model did not reach the client's position in time.
    #[error("read model not yet caught up")]
    NotCaughtUp,
    /// PostgreSQL failed.
    #[error("database failure")]
    Database(#[from] sqlx::Error),
    /// The event log failed.
    #[error("event log failure")]
    Log(#[from] eventlog::EventLogError),
    /// A recorded event could not be read back.
    #[error("recorded event is unreadable")]
    Unreadable(#[from] UnreadableEvent),
    /// A read model's checkpoint could not be read.
    #[error("read model unavailable")]
    Projection(#[from] projection::ProjectionError),
    /// A message could not be rendered (the templates are checked at start, so a bug).
    #[error("message could not be rendered")]
    Template(#[from] crate::templates::TemplateError),
    /// A message could not be recorded.
    #[error("message could not be recorded")]
    Compose(#[from] crate::compose::ComposeError),
}

impl NotificationError {
    /// One invalid `field`.
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> Self {
        NotificationError::Invalid(vec![FieldViolation::new(field, description)])
    }
}

impl From<FieldProblem> for NotificationError {
    fn from(problem: FieldProblem) -> Self {
        NotificationError::invalid(problem.field, problem.problem.to_string())
    }
}

impl From<Vec<FieldProblem>> for NotificationError {
    fn from(problems: Vec<FieldProblem>) -> Self {
        NotificationError::Invalid(
            problems
                .into_iter()
                .map(|p| FieldViolation::new(p.field, p.problem.to_string()))
                .collect(),
        )
    }
}

impl From<Rejection> for NotificationError {
    fn from(rejection: Rejection) -> Self {
        match rejection {
            // Another applicant's subscription is as absent as one that never existed.
            Rejection::UnknownSubscription => NotificationError::NotFound,
        }
    }
}

impl From<eventlog::AppendError> for NotificationError {
    fn from(error: eventlog::AppendError) -> Self {
        match error {
            eventlog::AppendError::Conflict { .. } => NotificationError::Conflict,
            eventlog::AppendError::CommandIdTaken { .. } => NotificationError::CommandIdTaken,
            eventlog::AppendError::Database(e) => NotificationError::Log(e),
        }
    }
}

impl platform::ToStatus for NotificationError {
    fn to_status(&self) -> Status {
        match self {
            NotificationError::Invalid(violations) => {
                status::invalid_argument("the request is invalid", violations.clone())
            }
            NotificationError::NotFound => status::not_found("not found"),
            NotificationError::Precondition(_) | NotificationError::PushNotConfigured => {
                status::failed_precondition(self.to_string())
            }
            NotificationError::Conflict => status::aborted(self.to_string()),
            NotificationError::CommandIdTaken => Status::already_exists(self.to_string()),
            NotificationError::NotCaughtUp => status::unavailable(self.to_string()),
            NotificationError::Database(_)
            | NotificationError::Log(_)
            | NotificationError::Unreadable(_)
            | NotificationError::Projection(_)
            | NotificationError::Template(_)
            | NotificationError::Compose(_) => status::internal(self),
        }
    }
}

impl From<NotificationError> for Status {
    fn from(error: NotificationError) -> Self {
        platform::ToStatus::to_status(&error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::Command;
    use tonic::Code;

    #[test]
    fn each_error_has_its_code_and_field_problems_their_paths() {
        let code = |e: NotificationError| Status::from(e).code();
        assert_eq!(code(NotificationError::NotFound), Code::NotFound);
        assert_eq!(
            code(NotificationError::Precondition("no open case")),
            Code::FailedPrecondition
        );
        assert_eq!(
            code(NotificationError::PushNotConfigured),
            Code::FailedPrecondition
        );
        assert_eq!(code(NotificationError::Conflict), Code::Aborted);
        assert_eq!(code(NotificationError::NotCaughtUp), Code::Unavailable);
        assert_eq!(code(Rejection::UnknownSubscription.into()), Code::NotFound);
        let problem = Command::set_email_address("nope").expect_err("refused");
        let status = Status::from(NotificationError::from(problem));
        assert_eq!(status.code(), Code::InvalidArgument);
        let fields: Vec<String> = status::field_violations(&status)
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(fields, ["address"]);
    }

    #[test]
    fn push_not_configured_says_so() {
        let status = Status::from(NotificationError::PushNotConfigured);
        assert_eq!(status.message(), "push is not configured");
    }
}
