//! The intake domain: pure parsing, decisions and folds, no I/O.

pub mod application;
pub mod iban;
pub mod submission;
pub mod values;
pub mod violation;

#[cfg(test)]
mod tests;

pub use application::MainApplication;
pub use submission::{
    Event, Rejection, SubmissionState, SubmitApplication, application_id, decide_submit, evolve,
    stream_id,
};
pub use values::SubmissionId;
pub use violation::{FieldPath, FieldViolation, Violations};

use chrono::NaiveDate;
use jobcenter_proto::intake::v1 as proto;

/// A submission request parsed into domain values.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSubmission {
    pub submission_id: SubmissionId,
    pub application: MainApplication,
}

/// Parses a `SubmitApplicationRequest` as of `today`, collecting every violation.
pub fn parse_submit_request(
    req: &proto::SubmitApplicationRequest,
    today: NaiveDate,
) -> Result<ParsedSubmission, Vec<FieldViolation>> {
    let mut v = Violations::new();
    let submission_id = v.keep(SubmissionId::parse(
        &req.submission_id,
        &FieldPath::root("submission_id"),
    ));
    let application = MainApplication::parse(
        req.main_application.as_ref(),
        today,
        &FieldPath::root("main_application"),
        &mut v,
    );
    match (submission_id, application) {
        (Some(submission_id), Some(application)) if v.is_empty() => Ok(ParsedSubmission {
            submission_id,
            application,
        }),
        _ => Err(v.into_vec()),
    }
}
