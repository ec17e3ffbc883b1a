//! Where an accepted submission goes: a main application opens a case (or joins the open case
//! of the same applicant account), every other kind attaches to an existing case as a matter;
//! a sick note carries its form's period along, for the platform to record
//! (`sick_notes::decide_form`). Pure: the reactor looks the case up and executes what this
//! decides.

use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::intake::v1 as intake;
use jobcenter_proto::intake::v1::application_submitted::Form;
use uuid::Uuid;

use super::sick_notes::FormSickNote;
use super::{OpenCase, Rejection, dates};

/// How to find the case a matter belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseHint {
    /// The case the submitter named.
    Case(Uuid),
    /// The newest open case of the applicant's own account.
    Account(String),
}

/// What to do with an accepted submission.
#[derive(Debug, Clone, PartialEq)]
pub enum Filing {
    /// Open a case, unless the applicant's account has an open one (`join`): then attach the
    /// application to that one.
    Open {
        open: OpenCase,
        join: Option<String>,
        matter: proto::MatterAttached,
    },
    /// Attach the matter to the case found by the hint; a sick note with its form's period.
    Attach {
        hint: CaseHint,
        matter: proto::MatterAttached,
        sick_note: Option<FormSickNote>,
    },
}

/// The kind of matter a submitted form is.
pub fn matter_kind(form: &Form) -> proto::MatterKind {
    match form {
        Form::MainApplication(_) => proto::MatterKind::MainApplication,
        Form::ContinuationApplication(_) => proto::MatterKind::ContinuationApplication,
        Form::OneOffBenefitApplication(_) => proto::MatterKind::OneOffBenefit,
        Form::EducationParticipationApplication(_) => proto::MatterKind::EducationParticipation,
        Form::SickNote(_) => proto::MatterKind::SickNote,
        Form::AbsenceNotice(_) => proto::MatterKind::AbsenceNotice,
        Form::ChangeNotice(_) => proto::MatterKind::ChangeNotice,
    }
}

/// What a sick-note form states (never a diagnosis: the form has none).
pub fn form_sick_note(form: &intake::SickNote) -> FormSickNote {
    let day =
        |d: &Option<jobcenter_proto::common::v1::Date>| d.as_ref().and_then(dates::from_proto);
    FormSickNote {
        incapacity_from: day(&form.incapacity_from),
        incapacity_until: day(&form.incapacity_until),
        issued_on: day(&form.issued_on),
        certificate: certificate(form.certificate),
    }
}

/// Intake's certificate kind as the case records it.
pub fn certificate(kind: i32) -> proto::SickNoteCertificate {
    match intake::CertificateKind::try_from(kind).unwrap_or_default() {
        intake::CertificateKind::First => proto::SickNoteCertificate::First,
        intake::CertificateKind::FollowUp => proto::SickNoteCertificate::FollowUp,
        intake::CertificateKind::Unspecified => proto::SickNoteCertificate::Unspecified,
    }
}

/// Intake's plausibility warnings as the caseworker reads them on the case ("field: message").
pub fn warning_lines(event: &intake::ApplicationSubmitted) -> Vec<String> {
    event
        .warnings
        .iter()
        .map(|w| format!("{}: {}", w.field, w.message))
        .collect()
}

/// Decides where `event` goes.
pub fn file(event: &intake::ApplicationSubmitted) -> Result<Filing, Rejection> {
    let form = event
        .form
        .as_ref()
        .ok_or(Rejection::Incomplete("the form"))?;
    let matter = proto::MatterAttached {
        application_id: event.application_id.clone(),
        kind: matter_kind(form) as i32,
        received_at: event.received_at,
        warnings: warning_lines(event),
    };
    if let Form::MainApplication(_) = form {
        let open = OpenCase::from_submitted(event)?;
        let join = Some(event.applicant_account.clone()).filter(|a| !a.is_empty());
        return Ok(Filing::Open { open, join, matter });
    }
    let hint = if !event.case_id.is_empty() {
        CaseHint::Case(
            Uuid::parse_str(&event.case_id)
                .map_err(|_| Rejection::Incomplete("a valid case id"))?,
        )
    } else if !event.applicant_account.is_empty() {
        CaseHint::Account(event.applicant_account.clone())
    } else {
        return Err(Rejection::Incomplete("the case it belongs to"));
    };
    let sick_note = match form {
        Form::SickNote(note) => Some(form_sick_note(note)),
        _ => None,
    };
    Ok(Filing::Attach {
        hint,
        matter,
        sick_note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sick_note(case_id: &str, account: &str) -> intake::ApplicationSubmitted {
        intake::ApplicationSubmitted {
            application_id: Uuid::new_v4().to_string(),
            form: Some(Form::SickNote(intake::SickNote {
                certificate: intake::CertificateKind::FollowUp as i32,
                incapacity_from: Some(jobcenter_proto::common::v1::Date {
                    year: 2026,
                    month: 12,
                    day: 1,
                }),
                ..Default::default()
            })),
            case_id: case_id.into(),
            applicant_account: account.into(),
            warnings: vec![intake::PlausibilityWarning {
                field: "sick_note.incapacity_until".into(),
                rule: "r".into(),
                message: "lang".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_notice_attaches_to_the_named_case_or_else_to_the_applicants_own() {
        let case = Uuid::new_v4();
        let Ok(Filing::Attach {
            hint,
            matter,
            sick_note: Some(form),
        }) = file(&sick_note(&case.to_string(), "acc"))
        else {
            panic!("attach")
        };
        assert_eq!(hint, CaseHint::Case(case));
        assert_eq!(form.certificate, proto::SickNoteCertificate::FollowUp);
        assert_eq!(
            form.incapacity_from,
            chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        );
        assert_eq!(form.incapacity_until, None);
        assert_eq!(matter.kind, proto::MatterKind::SickNote as i32);
        assert_eq!(
            matter.warnings,
            vec!["sick_note.incapacity_until: lang".to_owned()]
        );
        let Ok(Filing::Attach { hint, .. }) = file(&sick_note("", "acc")) else {
            panic!("attach")
        };
        assert_eq!(hint, CaseHint::Account("acc".into()));
    }

    #[test]
    fn a_notice_without_any_way_to_its_case_is_rejected() {
        assert_eq!(
            file(&sick_note("", "")),
            Err(Rejection::Incomplete("the case it belongs to"))
        );
        assert!(file(&sick_note("not-a-uuid", "acc")).is_err());
    }
}
