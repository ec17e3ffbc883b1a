//! The submission aggregate as a decider: `decide_submit` and `evolve`, both pure.
//!
//! A submission is keyed by the client's submission id within a tenant. Submitting the same
//! application or notice twice is one submission (the second answer repeats the first); reusing
//! a submission id for different content (another form, another case) is refused.

use chrono::{DateTime, Utc};
use jobcenter_proto::intake::v1 as proto;
use uuid::Uuid;

use super::forms::Form;
use super::values::SubmissionId;

/// Fixed namespace of application ids (UUIDv5 over `tenant ":" submission_id`).
pub const APPLICATION_NAMESPACE: Uuid = Uuid::from_u128(0x6a0b_5c1e_7d2f_4e38_9a41_c3b2_d1e0_f9a8);

/// Event type of [`Event::ApplicationSubmitted`] in the log.
pub const APPLICATION_SUBMITTED: &str = "intake.ApplicationSubmitted";
/// Schema version of [`Event::ApplicationSubmitted`].
pub const APPLICATION_SUBMITTED_VERSION: i32 = 1;

/// The application id of a tenant's submission: deterministic, so a retry finds the same stream.
pub fn application_id(tenant_id: &str, submission_id: SubmissionId) -> Uuid {
    Uuid::new_v5(
        &APPLICATION_NAMESPACE,
        format!("{tenant_id}:{submission_id}").as_bytes(),
    )
}

/// The stream of an application: `application-<uuid>` (no personal data).
pub fn stream_id(application_id: Uuid) -> String {
    format!("application-{application_id}")
}

/// Intent: accept this application or notice, received at `received_at`.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmitApplication {
    pub tenant_id: String,
    pub submission_id: SubmissionId,
    /// The validated form in canonical form.
    pub form: Form,
    /// The case the submitter named.
    pub case_id: Option<Uuid>,
    /// Plausibility warnings (messages in German), recorded for the caseworker.
    pub warnings: Vec<proto::PlausibilityWarning>,
    /// Version of the definition the form was validated against.
    pub form_version: u32,
    /// The legal moment of receipt, taken at the edge.
    pub received_at: DateTime<Utc>,
    /// The authenticated caller's pseudonymous subject: the submission's owner.
    pub submitted_by: String,
    /// The applicant's own account, when the applicant submits for themselves.
    pub applicant_account: Option<String>,
}

/// What happened to a submission. The payload is the proto message of `events.proto`,
/// because that message is the recorded form of the event.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    ApplicationSubmitted(proto::ApplicationSubmitted),
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// The submission id was already used for an application with other content.
    #[error("submission_id was used for a different application")]
    SubmissionIdReused,
}

/// Where a submission stands, folded from its events.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum SubmissionState {
    /// Nothing recorded.
    #[default]
    NotSubmitted,
    /// Accepted as recorded.
    Submitted(Box<proto::ApplicationSubmitted>),
}

/// Decides what a submission command records.
///
/// An empty list means "already accepted with the same content": the caller answers from the
/// recorded state.
pub fn decide_submit(
    state: &SubmissionState,
    cmd: SubmitApplication,
) -> Result<Vec<Event>, Rejection> {
    let form = cmd.form.to_event();
    let case_id = cmd.case_id.map(|c| c.to_string()).unwrap_or_default();
    match state {
        SubmissionState::NotSubmitted => {
            let id = application_id(&cmd.tenant_id, cmd.submission_id);
            Ok(vec![Event::ApplicationSubmitted(
                proto::ApplicationSubmitted {
                    application_id: id.to_string(),
                    submission_id: cmd.submission_id.to_string(),
                    form: Some(form),
                    received_at: Some(timestamp(cmd.received_at)),
                    submitted_by: cmd.submitted_by,
                    applicant_account: cmd.applicant_account.unwrap_or_default(),
                    case_id,
                    warnings: cmd.warnings,
                    form_version: cmd.form_version,
                },
            )])
        }
        SubmissionState::Submitted(recorded) => {
            // A retry is the same content from the same caller; another caller reusing the id
            // learns only that it is taken, never the recorded submission. Warnings are not
            // compared: they depend on the day, and the first answer stands.
            if recorded.form.as_ref() == Some(&form)
                && recorded.case_id == case_id
                && recorded.submitted_by == cmd.submitted_by
            {
                Ok(Vec::new())
            } else {
                Err(Rejection::SubmissionIdReused)
            }
        }
    }
}

/// Applies one event to the state.
pub fn evolve(state: SubmissionState, event: &Event) -> SubmissionState {
    match (state, event) {
        // The first acceptance is the record; a later one cannot exist (NoStream), ignore it.
        (SubmissionState::NotSubmitted, Event::ApplicationSubmitted(e)) => {
            SubmissionState::Submitted(Box::new(e.clone()))
        }
        (s @ SubmissionState::Submitted(_), _) => s,
    }
}

/// A UTC time as a protobuf timestamp.
pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or_default(),
    }
}
