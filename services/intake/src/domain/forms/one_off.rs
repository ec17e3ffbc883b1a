//! One-off benefits and loans (§ 24 SGB II): first furnishing, clothing, pregnancy and birth,
//! therapeutic equipment, loans.

use super::FormKind;
use super::common::{self, attachments_section};
use super::model::{
    AnswerType, Attachment, Check, Condition, FormDef, Operator, Question, Section, Severity,
};
use super::options;

/// Largest plausible one-off cost: 20,000 euro, in cents.
pub const MAX_COST: i64 = 2_000_000;

const PREGNANCY: Condition = Condition {
    field: "one_off_benefit_application.kind",
    op: Operator::EqualsAny(&[options::PREGNANCY_BIRTH]),
};

/// The definition.
pub const DEFINITION: FormDef = FormDef {
    kind: FormKind::OneOff,
    version: 1,
    title: "form.one_off_benefit_application",
    sections: &[
        Section {
            id: "need",
            title: "section.need",
            questions: &[
                Question::new(
                    "one_off_benefit_application.kind",
                    "label.one_off.kind",
                    AnswerType::Choice(options::ONE_OFF_KINDS),
                    common::CHOICE,
                ),
                Question::new(
                    "one_off_benefit_application.reason",
                    "label.one_off.reason",
                    AnswerType::LongText,
                    &[
                        Check::required(),
                        Check::max_length(common::MAX_LONG_TEXT_CHARS),
                    ],
                )
                .help("help.one_off.reason"),
                Question::new(
                    "one_off_benefit_application.estimated_cost",
                    "label.one_off.estimated_cost",
                    AnswerType::Money,
                    &[Check::required(), Check::min(0), Check::max(MAX_COST)],
                ),
                Question::new(
                    "one_off_benefit_application.expected_birth_date",
                    "label.one_off.expected_birth_date",
                    AnswerType::Date,
                    &[
                        Check::required_when(PREGNANCY),
                        // At most a pregnancy ahead (40 weeks), at most a year after the birth.
                        Check::date_window(
                            Some(-365),
                            Some(280),
                            "msg.one_off.expected_birth_date",
                        )
                        .when(PREGNANCY),
                    ],
                ),
            ],
        },
        attachments_section!("one_off_benefit_application.attachments"),
    ],
    attachments_field: Some("one_off_benefit_application.attachments"),
    attachments: &[
        Attachment {
            kind: options::COST_ESTIMATE,
            when: Some(Condition {
                field: "one_off_benefit_application.kind",
                op: Operator::EqualsAny(&[options::THERAPEUTIC_EQUIPMENT, options::LOAN]),
            }),
            severity: Severity::Warning,
            message: "msg.attachment.cost_estimate",
        },
        Attachment {
            kind: options::MATERNITY_RECORD,
            when: Some(PREGNANCY),
            severity: Severity::Warning,
            message: "msg.attachment.maternity_record",
        },
    ],
};
