//! The intake domain: pure parsing, validation against the form definitions, decisions and
//! folds; no I/O.

pub mod export;
pub mod forms;
pub mod i18n;
pub mod iban;
pub mod status;
pub mod submission;
pub mod values;
pub mod violation;

#[cfg(test)]
mod tests;

pub use forms::rules::TenantRules;
pub use forms::{Form, FormKind};
pub use i18n::Language;
pub use submission::{
    Event, Rejection, SubmissionState, SubmitApplication, application_id, decide_submit, evolve,
    stream_id,
};
pub use values::SubmissionId;
pub use violation::{FieldPath, FieldViolation, Violations};

use chrono::NaiveDate;
use jobcenter_proto::intake::v1 as proto;
use uuid::Uuid;

use forms::validate::Finding;

/// Who submits: decides whether a case id must be named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitter {
    /// Applicants for themselves: their case is found by their account.
    Applicant,
    /// Staff or a partner system: they must name the case of a matter.
    OnBehalf,
}

/// A submission request validated and in canonical form.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSubmission {
    /// The idempotency key.
    pub submission_id: SubmissionId,
    /// The form, canonical.
    pub form: Form,
    /// The case named by the submitter.
    pub case_id: Option<Uuid>,
    /// Warnings to record with it.
    pub warnings: Vec<Finding>,
    /// The version of the definition it was validated against.
    pub form_version: u32,
}

/// The language of a request's texts, or the violation of its `language` field (in English:
/// the caller's language is unknown).
pub fn parse_language(tag: &str, path: &str) -> Result<Language, FieldViolation> {
    Language::parse(tag).map_err(|_| FieldViolation {
        field: path.to_owned(),
        description: i18n::text(
            Language::English,
            "msg.language",
            &[("languages", i18n::SUPPORTED.join(", "))],
        ),
    })
}

/// Validates a `SubmitApplicationRequest` received on `today` (the legal day of receipt) for a
/// jobcenter with `tenant` rule parameters; errors come back as violations in `language`.
pub fn parse_submit_request(
    req: &proto::SubmitApplicationRequest,
    today: NaiveDate,
    tenant: &TenantRules,
    submitter: Submitter,
    language: Language,
) -> Result<ParsedSubmission, Vec<FieldViolation>> {
    let mut v = Violations::new();
    let say = |key: &str| i18n::text(language, key, &[]);
    let submission_id = v.keep(SubmissionId::parse(
        &req.submission_id,
        &FieldPath::root("submission_id"),
    ));
    let form = req.form.as_ref().map(Form::from_request);
    let case_path = FieldPath::root("case_id");
    let case_id = if req.case_id.trim().is_empty() {
        None
    } else {
        match Uuid::parse_str(req.case_id.trim()) {
            Ok(id) => Some(id),
            Err(_) => {
                v.push(&case_path, say("msg.case_id.uuid"));
                None
            }
        }
    };
    let mut warnings = Vec::new();
    let mut form_version = 0;
    match &form {
        None => v.push(&FieldPath::root("form"), say("msg.form.missing")),
        Some(form) => {
            let kind = form.kind();
            if kind.opens_case() && case_id.is_some() {
                v.push(&case_path, say("msg.case_id.main_application"));
            }
            if !kind.opens_case()
                && submitter == Submitter::OnBehalf
                && req.case_id.trim().is_empty()
            {
                v.push(&case_path, say("msg.case_id.required"));
            }
            let findings = forms::check(form, today, tenant);
            for error in findings.errors {
                v.push(
                    &FieldPath::root(&error.field),
                    i18n::text(language, error.message, &error.params),
                );
            }
            warnings = findings.warnings;
            form_version = forms::definition(kind).version;
        }
    }
    match (submission_id, form) {
        (Some(submission_id), Some(form)) if v.is_empty() => Ok(ParsedSubmission {
            submission_id,
            form: form.canonical(),
            case_id,
            warnings,
            form_version,
        }),
        _ => Err(v.into_vec()),
    }
}

/// A warning as recorded in the event (message in German) or returned (message in `language`).
pub fn warning(finding: &Finding, language: Language) -> proto::PlausibilityWarning {
    proto::PlausibilityWarning {
        field: finding.field.clone(),
        rule: finding.rule.clone(),
        message: i18n::text(language, finding.message, &finding.params),
    }
}
