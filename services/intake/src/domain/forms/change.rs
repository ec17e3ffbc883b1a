//! The change notice (Veränderungsmitteilung): what changed, since when, details, and the new
//! address, account, income or housing costs the change brings.

use super::FormKind;
use super::common::{self, address_section, attachments_section, housing_section};
use super::model::{
    AnswerType, Attachment, Check, Condition, FormDef, Operator, Question, Section, Severity,
};
use super::options;

const fn contains(opts: &'static [super::model::Opt]) -> Condition {
    Condition {
        field: "change_notice.changes",
        op: Operator::ContainsAny(opts),
    }
}

/// The definition.
pub const DEFINITION: FormDef = FormDef {
    kind: FormKind::Change,
    version: 1,
    title: "form.change_notice",
    sections: &[
        Section {
            id: "change",
            title: "section.change",
            questions: &[
                Question::new(
                    "change_notice.changes",
                    "label.change.changes",
                    AnswerType::MultipleChoice(options::CHANGES),
                    &[Check::required(), Check::max_items(6)],
                ),
                Question::new(
                    "change_notice.changed_on",
                    "label.change.changed_on",
                    AnswerType::Date,
                    &[
                        Check::required(),
                        Check::date_window(None, Some(92), "msg.change.too_far_ahead"),
                        // Changes must be reported at once; a late report is still recorded.
                        Check::date_window(Some(-92), None, "msg.change.reported_late").warning(),
                    ],
                ),
                Question::new(
                    "change_notice.details",
                    "label.change.details",
                    AnswerType::LongText,
                    &[
                        Check::required(),
                        Check::max_length(common::MAX_LONG_TEXT_CHARS),
                    ],
                ),
            ],
        },
        address_section!(
            "new_address",
            "section.new_address",
            "change_notice.new_address",
            "label.new_address",
            &[Check::required_when(contains(&[options::CHANGE_ADDRESS]))]
        ),
        Section {
            id: "new_account_and_income",
            title: "section.new_account_and_income",
            questions: &[
                Question::new(
                    "change_notice.new_iban",
                    "label.iban",
                    AnswerType::Text,
                    &[
                        Check::required_when(contains(&[options::CHANGE_BANK_ACCOUNT])),
                        Check::rule(super::rules::RuleId::IbanChecksum),
                    ],
                ),
                Question::new(
                    "change_notice.new_monthly_income",
                    "label.change.new_monthly_income",
                    AnswerType::Money,
                    &[
                        Check::required_when(contains(&[options::CHANGE_INCOME])),
                        Check::min(0),
                        Check::max(common::MAX_MONTHLY_INCOME),
                    ],
                ),
            ],
        },
        housing_section!(
            "new_housing_costs",
            "section.new_housing_costs",
            "change_notice.new_housing_costs",
            &[Check::required_when(contains(&[
                options::CHANGE_HOUSING_COSTS
            ]))]
        ),
        attachments_section!("change_notice.attachments"),
    ],
    attachments_field: Some("change_notice.attachments"),
    attachments: &[
        Attachment {
            kind: options::PAYSLIP,
            when: Some(contains(&[options::CHANGE_INCOME])),
            severity: Severity::Warning,
            message: "msg.attachment.payslip",
        },
        Attachment {
            kind: options::RENTAL_CONTRACT,
            when: Some(contains(&[
                options::CHANGE_ADDRESS,
                options::CHANGE_HOUSING_COSTS,
            ])),
            severity: Severity::Warning,
            message: "msg.attachment.rental_contract",
        },
    ],
};
