//! The main application (Hauptantrag): applicant, household, address, income, assets, housing
//! costs, account and proofs.

use super::FormKind;
use super::common::{self, address_section, attachments_section, housing_section};
use super::model::{
    AnswerType, Attachment, Check, Condition, FormDef, Operator, Question, Section, Severity,
};
use super::options;
use super::rules::RuleId;

/// The definition.
pub const DEFINITION: FormDef = FormDef {
    kind: FormKind::Main,
    version: 1,
    title: "form.main_application",
    sections: &[
        Section {
            id: "applicant",
            title: "section.applicant",
            questions: &[
                Question::new(
                    "main_application.applicant",
                    "label.applicant",
                    AnswerType::Group,
                    common::REQUIRED,
                ),
                Question::new(
                    "main_application.applicant.given_name",
                    "label.person.given_name",
                    AnswerType::Text,
                    common::NAME,
                ),
                Question::new(
                    "main_application.applicant.family_name",
                    "label.person.family_name",
                    AnswerType::Text,
                    common::NAME,
                ),
                Question::new(
                    "main_application.applicant.birth_date",
                    "label.person.birth_date",
                    AnswerType::Date,
                    &[
                        Check::required(),
                        Check::date_window(
                            Some(common::OLDEST_BIRTH_DAYS),
                            Some(-1),
                            "msg.birth_date.past",
                        ),
                        Check::rule(RuleId::ApplicantMinAge),
                        Check::rule(RuleId::ApplicantRetirementAge),
                    ],
                ),
            ],
        },
        Section {
            id: "household",
            title: "section.household",
            questions: &[
                Question::new(
                    "main_application.household_members",
                    "label.household_members",
                    AnswerType::List,
                    &[
                        Check::max_items(20),
                        Check::rule(RuleId::HouseholdUniqueMembers),
                        Check::rule(RuleId::HouseholdOnePartner),
                        Check::rule(RuleId::HouseholdChildYounger),
                    ],
                )
                .help("help.household_members"),
                Question::new(
                    "main_application.household_members[].person",
                    "label.member",
                    AnswerType::Group,
                    common::REQUIRED,
                ),
                Question::new(
                    "main_application.household_members[].person.given_name",
                    "label.person.given_name",
                    AnswerType::Text,
                    common::NAME,
                ),
                Question::new(
                    "main_application.household_members[].person.family_name",
                    "label.person.family_name",
                    AnswerType::Text,
                    common::NAME,
                ),
                Question::new(
                    "main_application.household_members[].person.birth_date",
                    "label.person.birth_date",
                    AnswerType::Date,
                    common::BIRTH_DATE,
                ),
                Question::new(
                    "main_application.household_members[].relationship",
                    "label.relationship",
                    AnswerType::Choice(options::RELATIONSHIPS),
                    common::CHOICE,
                ),
            ],
        },
        address_section!(
            "address",
            "section.address",
            "main_application.address",
            "label.address",
            common::REQUIRED
        ),
        Section {
            id: "incomes",
            title: "section.incomes",
            questions: &[
                Question::new(
                    "main_application.incomes",
                    "label.incomes",
                    AnswerType::List,
                    &[Check::max_items(50)],
                )
                .help("help.incomes"),
                Question::new(
                    "main_application.incomes[].kind",
                    "label.income.kind",
                    AnswerType::Choice(options::INCOMES),
                    common::CHOICE,
                ),
                Question::new(
                    "main_application.incomes[].monthly_amount",
                    "label.income.monthly_amount",
                    AnswerType::Money,
                    common::MONTHLY_INCOME,
                ),
                Question::new(
                    "main_application.incomes[].member_index",
                    "label.member_index",
                    AnswerType::Integer,
                    &[Check::rule(RuleId::HouseholdMemberIndex)],
                )
                .help("help.member_index"),
            ],
        },
        Section {
            id: "assets",
            title: "section.assets",
            questions: &[
                Question::new(
                    "main_application.assets",
                    "label.assets",
                    AnswerType::List,
                    &[Check::max_items(50)],
                ),
                Question::new(
                    "main_application.assets[].kind",
                    "label.asset.kind",
                    AnswerType::Choice(options::ASSETS),
                    common::CHOICE,
                ),
                Question::new(
                    "main_application.assets[].value",
                    "label.asset.value",
                    AnswerType::Money,
                    &[
                        Check::required(),
                        Check::min(0),
                        Check::max(common::MAX_ASSET),
                    ],
                ),
                Question::new(
                    "main_application.assets[].member_index",
                    "label.member_index",
                    AnswerType::Integer,
                    &[Check::rule(RuleId::HouseholdMemberIndex)],
                )
                .help("help.member_index"),
            ],
        },
        housing_section!(
            "housing",
            "section.housing",
            "main_application.housing_costs",
            common::NONE
        ),
        Section {
            id: "payment",
            title: "section.payment",
            questions: &[Question::new(
                "main_application.iban",
                "label.iban",
                AnswerType::Text,
                common::IBAN,
            )
            .help("help.iban")],
        },
        attachments_section!("main_application.attachments"),
    ],
    attachments_field: Some("main_application.attachments"),
    attachments: &[
        // Proofs may follow later (duty to cooperate); refusing the application would cost the
        // applicant the date of receipt, so a missing announcement only warns.
        Attachment {
            kind: options::PAYSLIP,
            when: Some(Condition {
                field: "main_application.incomes[].kind",
                op: Operator::EqualsAny(&[options::EMPLOYMENT]),
            }),
            severity: Severity::Warning,
            message: "msg.attachment.payslip",
        },
        Attachment {
            kind: options::RENTAL_CONTRACT,
            when: Some(Condition {
                field: "main_application.housing_costs.base_rent",
                op: Operator::IsPositive,
            }),
            severity: Severity::Warning,
            message: "msg.attachment.rental_contract",
        },
        Attachment {
            kind: options::BANK_STATEMENT,
            when: Some(Condition {
                field: "main_application.assets[].kind",
                op: Operator::EqualsAny(&[options::BANK_BALANCE, options::SAVINGS]),
            }),
            severity: Severity::Warning,
            message: "msg.attachment.bank_statement",
        },
    ],
};
