//! One way to turn service errors into `tonic::Status`.
//!
//! Invalid input gets `INVALID_ARGUMENT` with `google.rpc.BadRequest` field violations that a
//! client can read back with `tonic_types::StatusExt::get_details_bad_request`. Concurrency
//! conflicts are `ABORTED`, illegal transitions `FAILED_PRECONDITION`, another tenant's object
//! `NOT_FOUND`. Internal errors are logged here and answered with a generic message: no internals
//! (SQL, hostnames, stack traces) reach a client.
//!
//! Each service implements [`ToStatus`] once for its error enum, using the helpers below.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldViolation {
    /// Path of the field in the request, e.g. `applicant.address.postal_code`.
    pub field: String,
    /// What is wrong, without echoing the value (it may be personal data).
    pub description: String,
}

impl FieldViolation {
    /// A violation of `field`.
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
    }
}

/// `INVALID_ARGUMENT` carrying the violations as `google.rpc.BadRequest` details.
pub fn invalid_argument(message: impl Into<String>, violations: Vec<FieldViolation>) -> Status {
    let violations: Vec<tonic_types::FieldViolation> = violations
        .into_iter()
        .map(|v| tonic_types::FieldViolation::new(v.field, v.description))
        .collect();
    Status::with_error_details(
        Code::InvalidArgument,
        message,
        ErrorDetails::with_bad_request(violations),
    )
}

/// The field violations carried by `status`, if any.
pub fn field_violations(status: &Status) -> Vec<FieldViolation> {
    status
        .get_details_bad_request()
        .map(|bad_request| {
            bad_request
                .field_violations
                .into_iter()
                .map(|v| FieldViolation::new(v.field, v.description))
                .collect()
        })
        .unwrap_or_default()
}

/// `NOT_FOUND`: the object does not exist, or belongs to another tenant.
pub fn not_found(message: impl Into<String>) -> Status {
    Status::not_found(message)
}

/// `ABORTED`: a concurrency conflict (e.g. an unexpected stream version); the client may retry.
pub fn aborted(message: impl Into<String>) -> Status {
    Status::aborted(message)
}

/// `FAILED_PRECONDITION`: the object is not in a state that allows this command.
pub fn failed_precondition(message: impl Into<String>) -> Status {
    Status::failed_precondition(message)
}

/// `UNAVAILABLE`: a dependency is down for now; the client may retry with backoff.
pub fn unavailable(message: impl Into<String>) -> Status {
    Status::unavailable(message)
}

/// `INTERNAL` with a generic message; the error chain is logged, never sent to the client.
///
/// The log carries the error's `Display` chain: error types must keep personal data out of it.
pub fn internal(error: &(dyn std::error::Error + 'static)) -> Status {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    tracing::error!(error = %chain, "internal error answered as INTERNAL");
    Status::internal("internal error")
}

/// Maps an error to the `Status` a client sees. Implement once per service error enum.
pub trait ToStatus {
    /// The status for this error.
    fn to_status(&self) -> Status;
}

impl ToStatus for Status {
    fn to_status(&self) -> Status {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_reads_the_field_violations_back() {
        let status = invalid_argument(
            "the application is incomplete",
            vec![
                FieldViolation::new("applicant.birth_date", "must be in the past"),
                FieldViolation::new("bank_account.iban", "is not a valid IBAN"),
            ],
        );
        assert_eq!(status.code(), Code::InvalidArgument);
        assert_eq!(status.message(), "the application is incomplete");

        // Through the wire format: what a remote client decodes.
        let wire = Status::from_header_map(&status.clone().into_http::<()>().headers().clone())
            .expect("status in headers");
        let bad_request = wire.get_details_bad_request().expect("BadRequest details");
        assert_eq!(bad_request.field_violations.len(), 2);
        assert_eq!(
            bad_request.field_violations[0].field,
            "applicant.birth_date"
        );
        assert_eq!(
            bad_request.field_violations[1].description,
            "is not a valid IBAN"
        );
        assert_eq!(field_violations(&wire).len(), 2);
    }

    #[derive(Debug, thiserror::Error)]
    #[error("connection to db-7.internal:5432 refused")]
    struct Leaky;

    #[test]
    fn internal_errors_do_not_leak_their_detail() {
        let status = internal(&Leaky);
        assert_eq!(status.code(), Code::Internal);
        assert!(!status.message().contains("db-7"));
    }

    #[test]
    fn helpers_use_the_agreed_codes() {
        assert_eq!(not_found("x").code(), Code::NotFound);
        assert_eq!(aborted("x").code(), Code::Aborted);
        assert_eq!(failed_precondition("x").code(), Code::FailedPrecondition);
        assert_eq!(unavailable("x").code(), Code::Unavailable);
    }
}
