//! The notice of absence (Ortsabwesenheit, § 7b SGB II): from, to, where (optional), why.

use super::FormKind;
use super::common;
use super::model::{AnswerType, Check, Condition, FormDef, Operator, Question, Section};
use super::options;
use super::rules::RuleId;

/// The definition.
pub const DEFINITION: FormDef = FormDef {
    kind: FormKind::Absence,
    version: 1,
    title: "form.absence_notice",
    sections: &[
        Section {
            id: "period",
            title: "section.absence_period",
            questions: &[
                Question::new(
                    "absence_notice.absent_from",
                    "label.absence.absent_from",
                    AnswerType::Date,
                    &[
                        Check::required(),
                        Check::date_window(None, Some(365), "msg.date.within_a_year"),
                        // Approval is needed in advance; a late notice is still recorded.
                        Check::date_window(Some(0), None, "msg.absence.in_advance").warning(),
                    ],
                ),
                Question::new(
                    "absence_notice.absent_until",
                    "label.absence.absent_until",
                    AnswerType::Date,
                    &[
                        Check::required(),
                        Check::not_before("absence_notice.absent_from", "msg.period.order"),
                        Check::date_window(None, Some(730), "msg.date.within_two_years"),
                        Check::rule(RuleId::AbsenceYearlyLimit),
                    ],
                ),
                Question::new(
                    "absence_notice.destination",
                    "label.absence.destination",
                    AnswerType::Text,
                    &[Check::max_length(common::MAX_TEXT_CHARS)],
                ),
                Question::new(
                    "absence_notice.days_already_absent_this_year",
                    "label.absence.days_already",
                    AnswerType::Integer,
                    &[Check::max(366)],
                )
                .help("help.absence.days_already"),
            ],
        },
        Section {
            id: "reason",
            title: "section.absence_reason",
            questions: &[
                Question::new(
                    "absence_notice.reason",
                    "label.absence.reason",
                    AnswerType::Choice(options::ABSENCE_REASONS),
                    common::CHOICE,
                ),
                Question::new(
                    "absence_notice.reason_details",
                    "label.absence.reason_details",
                    AnswerType::LongText,
                    &[
                        Check::required_when(Condition {
                            field: "absence_notice.reason",
                            op: Operator::EqualsAny(&[options::OTHER_REASON]),
                        }),
                        Check::max_length(common::MAX_LONG_TEXT_CHARS),
                    ],
                ),
            ],
        },
    ],
    attachments_field: None,
    attachments: &[],
};
