//! Forms: one definition per kind of submission, as data, and the validator that evaluates them.
//!
//! The definitions ([`definition`]) are what `GetFormDefinition` renders and what
//! [`check`] validates a submission against: one source of truth. Checks that need code are
//! named rules ([`rules::RuleId`]), referenced by id in the definitions and implemented beside
//! the ids.

pub mod answers;
mod common;
pub mod model;
pub mod options;
pub mod rules;
pub mod validate;

mod absence;
mod change;
mod continuation;
mod education;
mod main_application;
mod one_off;
mod sick_note;

#[cfg(test)]
pub mod tests;

use chrono::NaiveDate;
use jobcenter_proto::intake::v1 as proto;

use self::model::FormDef;
use self::rules::{RuleContext, TenantRules};
use self::validate::Finding;
use super::iban::Iban;
use super::violation::FieldPath;

/// The kinds of submission, one form each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FormKind {
    /// Main application (Hauptantrag).
    Main,
    /// Continuation application (Weiterbewilligungsantrag).
    Continuation,
    /// One-off benefit or loan (§ 24).
    OneOff,
    /// Education and participation (§ 28).
    Education,
    /// Sick note.
    SickNote,
    /// Notice of absence.
    Absence,
    /// Change notice.
    Change,
}

impl FormKind {
    /// Every kind.
    pub const ALL: [FormKind; 7] = [
        FormKind::Main,
        FormKind::Continuation,
        FormKind::OneOff,
        FormKind::Education,
        FormKind::SickNote,
        FormKind::Absence,
        FormKind::Change,
    ];

    /// The request field the form fills, also its id in texts and the export.
    pub const fn root(self) -> &'static str {
        match self {
            FormKind::Main => "main_application",
            FormKind::Continuation => "continuation_application",
            FormKind::OneOff => "one_off_benefit_application",
            FormKind::Education => "education_participation_application",
            FormKind::SickNote => "sick_note",
            FormKind::Absence => "absence_notice",
            FormKind::Change => "change_notice",
        }
    }

    /// The proto kind.
    pub fn to_proto(self) -> proto::SubmissionKind {
        match self {
            FormKind::Main => proto::SubmissionKind::MainApplication,
            FormKind::Continuation => proto::SubmissionKind::ContinuationApplication,
            FormKind::OneOff => proto::SubmissionKind::OneOffBenefitApplication,
            FormKind::Education => proto::SubmissionKind::EducationParticipationApplication,
            FormKind::SickNote => proto::SubmissionKind::SickNote,
            FormKind::Absence => proto::SubmissionKind::AbsenceNotice,
            FormKind::Change => proto::SubmissionKind::ChangeNotice,
        }
    }

    /// The kind of a proto kind; `None` for unspecified or unknown numbers.
    pub fn from_proto(kind: i32) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.to_proto() as i32 == kind)
    }

    /// Whether the submission opens a case (only a main application does).
    pub fn opens_case(self) -> bool {
        self == FormKind::Main
    }
}

/// The definition of a kind.
pub fn definition(kind: FormKind) -> &'static FormDef {
    match kind {
        FormKind::Main => &main_application::DEFINITION,
        FormKind::Continuation => &continuation::DEFINITION,
        FormKind::OneOff => &one_off::DEFINITION,
        FormKind::Education => &education::DEFINITION,
        FormKind::SickNote => &sick_note::DEFINITION,
        FormKind::Absence => &absence::DEFINITION,
        FormKind::Change => &change::DEFINITION,
    }
}

/// A submitted form: the proto message of its kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Form {
    Main(proto::MainApplication),
    Continuation(proto::ContinuationApplication),
    OneOff(proto::OneOffBenefitApplication),
    Education(proto::EducationParticipationApplication),
    SickNote(proto::SickNote),
    Absence(proto::AbsenceNotice),
    Change(proto::ChangeNotice),
}

impl Form {
    /// Its kind.
    pub fn kind(&self) -> FormKind {
        match self {
            Form::Main(_) => FormKind::Main,
            Form::Continuation(_) => FormKind::Continuation,
            Form::OneOff(_) => FormKind::OneOff,
            Form::Education(_) => FormKind::Education,
            Form::SickNote(_) => FormKind::SickNote,
            Form::Absence(_) => FormKind::Absence,
            Form::Change(_) => FormKind::Change,
        }
    }

    /// The form of a request.
    pub fn from_request(form: &proto::submit_application_request::Form) -> Self {
        use proto::submit_application_request::Form as F;
        match form {
            F::MainApplication(m) => Form::Main(m.clone()),
            F::ContinuationApplication(m) => Form::Continuation(m.clone()),
            F::OneOffBenefitApplication(m) => Form::OneOff(m.clone()),
            F::EducationParticipationApplication(m) => Form::Education(m.clone()),
            F::SickNote(m) => Form::SickNote(m.clone()),
            F::AbsenceNotice(m) => Form::Absence(m.clone()),
            F::ChangeNotice(m) => Form::Change(m.clone()),
        }
    }

    /// The form of a recorded event.
    pub fn from_event(form: &proto::application_submitted::Form) -> Self {
        use proto::application_submitted::Form as F;
        match form {
            F::MainApplication(m) => Form::Main(m.clone()),
            F::ContinuationApplication(m) => Form::Continuation(m.clone()),
            F::OneOffBenefitApplication(m) => Form::OneOff(m.clone()),
            F::EducationParticipationApplication(m) => Form::Education(m.clone()),
            F::SickNote(m) => Form::SickNote(m.clone()),
            F::AbsenceNotice(m) => Form::Absence(m.clone()),
            F::ChangeNotice(m) => Form::Change(m.clone()),
        }
    }

    /// The form as recorded in the event.
    pub fn to_event(&self) -> proto::application_submitted::Form {
        use proto::application_submitted::Form as F;
        match self {
            Form::Main(m) => F::MainApplication(m.clone()),
            Form::Continuation(m) => F::ContinuationApplication(m.clone()),
            Form::OneOff(m) => F::OneOffBenefitApplication(m.clone()),
            Form::Education(m) => F::EducationParticipationApplication(m.clone()),
            Form::SickNote(m) => F::SickNote(m.clone()),
            Form::Absence(m) => F::AbsenceNotice(m.clone()),
            Form::Change(m) => F::ChangeNotice(m.clone()),
        }
    }

    /// The form as a request carries it (tests and clients build requests this way).
    pub fn to_request(&self) -> proto::submit_application_request::Form {
        use proto::submit_application_request::Form as F;
        match self.to_event() {
            proto::application_submitted::Form::MainApplication(m) => F::MainApplication(m),
            proto::application_submitted::Form::ContinuationApplication(m) => {
                F::ContinuationApplication(m)
            }
            proto::application_submitted::Form::OneOffBenefitApplication(m) => {
                F::OneOffBenefitApplication(m)
            }
            proto::application_submitted::Form::EducationParticipationApplication(m) => {
                F::EducationParticipationApplication(m)
            }
            proto::application_submitted::Form::SickNote(m) => F::SickNote(m),
            proto::application_submitted::Form::AbsenceNotice(m) => F::AbsenceNotice(m),
            proto::application_submitted::Form::ChangeNotice(m) => F::ChangeNotice(m),
        }
    }

    /// The canonical form recorded in the log, of a form that passed [`check`]: IBANs without
    /// spaces in upper case; a main application's housing costs with every amount (0 when not
    /// given), as recorded before the definitions existed.
    pub fn canonical(mut self) -> Self {
        fn iban(s: &mut String) {
            if let Ok(i) = Iban::parse(s, &FieldPath::root("iban")) {
                *s = i.as_str().to_owned();
            }
        }
        match &mut self {
            Form::Main(m) => {
                iban(&mut m.iban);
                let h = m.housing_costs.get_or_insert_with(Default::default);
                let zero = jobcenter_proto::common::v1::Money { cents: 0 };
                for amount in [&mut h.base_rent, &mut h.heating, &mut h.utilities] {
                    amount.get_or_insert(zero);
                }
            }
            Form::Continuation(m) => iban(&mut m.iban),
            Form::Change(m) => iban(&mut m.new_iban),
            _ => {}
        }
        self
    }
}

/// What [`check`] found: errors refuse the submission, warnings are recorded with it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    /// Failed checks of severity error.
    pub errors: Vec<Finding>,
    /// Failed checks of severity warning.
    pub warnings: Vec<Finding>,
}

/// Validates `form` against its kind's definition as of `today` (the day of receipt), with the
/// jobcenter's rule parameters.
pub fn check(form: &Form, today: NaiveDate, tenant: &TenantRules) -> Findings {
    let root = answers::answers(form);
    let ctx = RuleContext {
        today,
        tenant,
        root: &root,
    };
    let (errors, warnings) = validate::validate(definition(form.kind()), &root, &ctx)
        .into_iter()
        .partition(|f| f.severity == model::Severity::Error);
    Findings { errors, warnings }
}
