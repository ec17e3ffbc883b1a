//! The sick note (Arbeitsunfähigkeitsbescheinigung): who, first or follow-up certificate, from,
//! expected until, issued on. There is no question for a diagnosis, by design: the jobcenter
//! must not learn it.

use super::FormKind;
use super::common::{self, attachments_section, person_section};
use super::model::{AnswerType, Attachment, Check, FormDef, Question, Section, Severity};
use super::options;
use super::rules::RuleId;

/// The definition.
pub const DEFINITION: FormDef = FormDef {
    kind: FormKind::SickNote,
    version: 1,
    title: "form.sick_note",
    sections: &[
        person_section!(
            "person",
            "section.sick_person",
            "sick_note.person",
            "label.sick_person",
            common::BIRTH_DATE
        ),
        Section {
            id: "certificate",
            title: "section.certificate",
            questions: &[
                Question::new(
                    "sick_note.certificate",
                    "label.sick_note.certificate",
                    AnswerType::Choice(options::CERTIFICATES),
                    common::CHOICE,
                ),
                Question::new(
                    "sick_note.incapacity_from",
                    "label.sick_note.incapacity_from",
                    AnswerType::Date,
                    &[
                        Check::required(),
                        Check::date_window(Some(-365), Some(0), "msg.sick_note.start"),
                        Check::rule(RuleId::SickNoteReportedLate),
                    ],
                ),
                Question::new(
                    "sick_note.incapacity_until",
                    "label.sick_note.incapacity_until",
                    AnswerType::Date,
                    &[
                        Check::required(),
                        Check::not_before("sick_note.incapacity_from", "msg.period.order"),
                        Check::date_window(None, Some(365), "msg.date.within_a_year"),
                    ],
                ),
                Question::new(
                    "sick_note.issued_on",
                    "label.sick_note.issued_on",
                    AnswerType::Date,
                    &[
                        Check::required(),
                        Check::date_window(Some(-365), Some(0), "msg.sick_note.issued_on"),
                    ],
                ),
            ],
        },
        attachments_section!("sick_note.attachments"),
    ],
    attachments_field: Some("sick_note.attachments"),
    attachments: &[Attachment {
        // The notice is the certificate: without it there is nothing to prove the incapacity.
        kind: options::INCAPACITY_CERTIFICATE,
        when: None,
        severity: Severity::Error,
        message: "msg.attachment.incapacity_certificate",
    }],
};
