//! The continuation application (Weiterbewilligungsantrag): what changed, the current address,
//! incomes and account.

use super::FormKind;
use super::common::{self, address_section, attachments_section};
use super::model::{
    AnswerType, Attachment, Check, Condition, FormDef, Operator, Question, Section, Severity,
};
use super::options;

const CHANGED: Condition = Condition {
    field: "continuation_application.changes_since_last_application",
    op: Operator::IsTrue,
};

/// The definition.
pub const DEFINITION: FormDef = FormDef {
    kind: FormKind::Continuation,
    version: 1,
    title: "form.continuation_application",
    sections: &[
        Section {
            id: "changes",
            title: "section.changes",
            questions: &[
                Question::new(
                    "continuation_application.changes_since_last_application",
                    "label.continuation.changes",
                    AnswerType::Boolean,
                    common::NONE,
                )
                .help("help.continuation.changes"),
                Question::new(
                    "continuation_application.change_details",
                    "label.continuation.change_details",
                    AnswerType::LongText,
                    &[
                        Check::required_when(CHANGED),
                        Check::max_length(common::MAX_LONG_TEXT_CHARS),
                    ],
                ),
            ],
        },
        address_section!(
            "address",
            "section.address",
            "continuation_application.address",
            "label.address",
            common::REQUIRED
        ),
        Section {
            id: "incomes",
            title: "section.incomes",
            questions: &[
                Question::new(
                    "continuation_application.incomes",
                    "label.incomes",
                    AnswerType::List,
                    &[Check::max_items(50)],
                )
                .help("help.incomes"),
                Question::new(
                    "continuation_application.incomes[].kind",
                    "label.income.kind",
                    AnswerType::Choice(options::INCOMES),
                    common::CHOICE,
                ),
                Question::new(
                    "continuation_application.incomes[].monthly_amount",
                    "label.income.monthly_amount",
                    AnswerType::Money,
                    common::MONTHLY_INCOME,
                ),
                Question::new(
                    "continuation_application.incomes[].member_index",
                    "label.member_index",
                    AnswerType::Integer,
                    &[Check::max(30)],
                )
                .help("help.member_index"),
            ],
        },
        Section {
            id: "payment",
            title: "section.payment",
            questions: &[Question::new(
                "continuation_application.iban",
                "label.iban",
                AnswerType::Text,
                common::IBAN,
            )
            .help("help.continuation.iban")],
        },
        attachments_section!("continuation_application.attachments"),
    ],
    attachments_field: Some("continuation_application.attachments"),
    attachments: &[
        Attachment {
            kind: options::PAYSLIP,
            when: Some(Condition {
                field: "continuation_application.incomes[].kind",
                op: Operator::EqualsAny(&[options::EMPLOYMENT]),
            }),
            severity: Severity::Warning,
            message: "msg.attachment.payslip",
        },
        Attachment {
            kind: options::PROOF_OF_CHANGE,
            when: Some(CHANGED),
            severity: Severity::Warning,
            message: "msg.attachment.proof_of_change",
        },
    ],
};
