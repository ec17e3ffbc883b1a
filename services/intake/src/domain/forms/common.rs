//! Checks and conditions that several definitions share, so a limit is written once.

use super::model::Check;

/// Longest name, street or city, in characters.
pub const MAX_TEXT_CHARS: u32 = 200;
/// Longest free text (reasons, details), in characters.
pub const MAX_LONG_TEXT_CHARS: u32 = 2000;
/// Oldest plausible birth date: about 130 years back, in days.
pub const OLDEST_BIRTH_DAYS: i32 = -47_500;
/// Largest monthly income: 100,000 euro, in cents.
pub const MAX_MONTHLY_INCOME: i64 = 10_000_000;
/// Largest monthly housing cost item: 10,000 euro, in cents.
pub const MAX_HOUSING_COST: i64 = 1_000_000;
/// Largest asset: 10,000,000 euro, in cents.
pub const MAX_ASSET: i64 = 1_000_000_000;
/// A German postal code: five digits.
pub const POSTAL_CODE_PATTERN: &str = "^[0-9]{5}$";

/// A required name or other short text.
pub const NAME: &[Check] = &[Check::required(), Check::max_length(MAX_TEXT_CHARS)];
/// A required date of birth in the past.
pub const BIRTH_DATE: &[Check] = &[
    Check::required(),
    Check::date_window(Some(OLDEST_BIRTH_DAYS), Some(-1), "msg.birth_date.past"),
];
/// A required group (message).
pub const REQUIRED: &[Check] = &[Check::required()];
/// No checks beyond the answer type's format.
pub const NONE: &[Check] = &[];
/// A required choice.
pub const CHOICE: &[Check] = &[Check::required()];
/// An optional monthly housing cost item.
pub const HOUSING_COST: &[Check] = &[Check::min(0), Check::max(MAX_HOUSING_COST)];
/// A required monthly income.
pub const MONTHLY_INCOME: &[Check] = &[
    Check::required(),
    Check::min(0),
    Check::max(MAX_MONTHLY_INCOME),
];
/// A required postal code.
pub const POSTAL_CODE: &[Check] = &[
    Check::required(),
    Check::pattern(POSTAL_CODE_PATTERN, "msg.postal_code.pattern"),
    Check::rule(super::rules::RuleId::PostalCodeInArea),
];
/// An optional IBAN.
pub const IBAN: &[Check] = &[Check::rule(super::rules::RuleId::IbanChecksum)];
/// The announced attachments.
pub const ATTACHMENTS: &[Check] = &[Check::max_items(20)];

/// A section asking for an address at `$root` (a path literal), e.g. `main_application.address`;
/// `$checks` are the checks of the address as a whole (required, or required under a condition).
macro_rules! address_section {
    ($id:literal, $title:literal, $root:literal, $label:literal, $checks:expr) => {
        Section {
            id: $id,
            title: $title,
            questions: &[
                Question::new($root, $label, AnswerType::Group, $checks),
                Question::new(
                    concat!($root, ".street"),
                    "label.address.street",
                    AnswerType::Text,
                    common::NAME,
                ),
                Question::new(
                    concat!($root, ".house_number"),
                    "label.address.house_number",
                    AnswerType::Text,
                    &[Check::required(), Check::max_length(20)],
                ),
                Question::new(
                    concat!($root, ".postal_code"),
                    "label.address.postal_code",
                    AnswerType::Text,
                    common::POSTAL_CODE,
                ),
                Question::new(
                    concat!($root, ".city"),
                    "label.address.city",
                    AnswerType::Text,
                    common::NAME,
                ),
            ],
        }
    };
}
pub(crate) use address_section;

/// A section asking for a person at `$root`, e.g. `sick_note.person`; `$birth` are the checks
/// of the birth date.
macro_rules! person_section {
    ($id:literal, $title:literal, $root:literal, $label:literal, $birth:expr) => {
        Section {
            id: $id,
            title: $title,
            questions: &[
                Question::new($root, $label, AnswerType::Group, common::REQUIRED),
                Question::new(
                    concat!($root, ".given_name"),
                    "label.person.given_name",
                    AnswerType::Text,
                    common::NAME,
                ),
                Question::new(
                    concat!($root, ".family_name"),
                    "label.person.family_name",
                    AnswerType::Text,
                    common::NAME,
                ),
                Question::new(
                    concat!($root, ".birth_date"),
                    "label.person.birth_date",
                    AnswerType::Date,
                    $birth,
                ),
            ],
        }
    };
}
pub(crate) use person_section;

/// A section asking for monthly housing costs at `$root`; `$checks` are those of the group.
macro_rules! housing_section {
    ($id:literal, $title:literal, $root:literal, $checks:expr) => {
        Section {
            id: $id,
            title: $title,
            questions: &[
                Question::new($root, "label.housing", AnswerType::Group, $checks),
                Question::new(
                    concat!($root, ".base_rent"),
                    "label.housing.base_rent",
                    AnswerType::Money,
                    common::HOUSING_COST,
                )
                .help("help.housing.base_rent"),
                Question::new(
                    concat!($root, ".heating"),
                    "label.housing.heating",
                    AnswerType::Money,
                    common::HOUSING_COST,
                ),
                Question::new(
                    concat!($root, ".utilities"),
                    "label.housing.utilities",
                    AnswerType::Money,
                    common::HOUSING_COST,
                ),
            ],
        }
    };
}
pub(crate) use housing_section;

/// A section with the announced attachments at `$field`.
macro_rules! attachments_section {
    ($field:literal) => {
        Section {
            id: "attachments",
            title: "section.attachments",
            questions: &[Question::new(
                $field,
                "label.attachments",
                AnswerType::MultipleChoice(options::ATTACHMENTS),
                common::ATTACHMENTS,
            )
            .help("help.attachments")],
        }
    };
}
pub(crate) use attachments_section;
