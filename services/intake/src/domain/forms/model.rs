//! The vocabulary of form definitions: sections, questions, checks and conditions as plain
//! static data.
//!
//! A definition is data so that one description serves two readers: the portal renders it
//! (`GetFormDefinition`) and the validator evaluates it ([`super::validate`]). Texts are message
//! keys ([`crate::domain::i18n`]), never literal strings, so every language is complete or a test
//! fails.

use super::rules::RuleId;

/// A message key of the catalogs in [`crate::domain::i18n`].
pub type Key = &'static str;

/// How severe a failed check is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    /// Refuses the submission.
    Error,
    /// Accepted; recorded for the caseworker and returned.
    Warning,
}

/// One option of a choice: the proto enum number and a stable id (used in conditions, labels
/// and the export).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt {
    /// Stable id, e.g. `follow_up`.
    pub id: &'static str,
    /// The proto enum number.
    pub number: i32,
    /// Label key.
    pub label: Key,
}

/// What kind of answer a question takes. The type brings its own format check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerType {
    /// One line of text without control characters.
    Text,
    /// Several lines of text.
    LongText,
    /// A calendar date.
    Date,
    /// An amount in cents.
    Money,
    /// Yes or no.
    Boolean,
    /// One of the options.
    Choice(&'static [Opt]),
    /// Any number of the options.
    MultipleChoice(&'static [Opt]),
    /// A whole number.
    Integer,
    /// A message whose questions follow.
    Group,
    /// A list whose element questions follow under `<field>[]`.
    List,
}

impl AnswerType {
    /// The options of a choice; empty for other types.
    pub fn options(&self) -> &'static [Opt] {
        match self {
            AnswerType::Choice(o) | AnswerType::MultipleChoice(o) => o,
            _ => &[],
        }
    }

    /// The format check its answers must pass, with the message key, if the type has one.
    pub fn format_message(&self) -> Option<Key> {
        match self {
            AnswerType::Text => Some("msg.format.text"),
            AnswerType::LongText => Some("msg.format.long_text"),
            AnswerType::Date => Some("msg.format.date"),
            AnswerType::Choice(_) | AnswerType::MultipleChoice(_) => Some("msg.format.choice"),
            _ => None,
        }
    }
}

/// How a condition compares another answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// A choice is one of the options (any element's, in a list).
    EqualsAny(&'static [Opt]),
    /// A multiple choice contains one of the options.
    ContainsAny(&'static [Opt]),
    /// A yes/no answer is yes.
    IsTrue,
    /// An amount is greater than zero.
    IsPositive,
}

/// A condition on the answer at `field` (`[]` = any element).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Condition {
    /// The answer it depends on.
    pub field: &'static str,
    /// How it is compared.
    pub op: Operator,
}

/// What a check verifies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckKind {
    /// An answer is given.
    Required,
    /// The answer's type format (implied by the answer type, never written in a definition).
    Format,
    /// At most this many characters.
    MaxLength(u32),
    /// At most this many elements.
    MaxItems(u32),
    /// At least this number (amounts in cents).
    Min(i64),
    /// At most this number (amounts in cents).
    Max(i64),
    /// Matches the regular expression.
    Pattern(&'static str),
    /// Lies within these bounds in days from the day of receipt.
    DateWindow {
        /// Earliest, in days from today (negative = before).
        min_days: Option<i32>,
        /// Latest, in days from today.
        max_days: Option<i32>,
    },
    /// Not before the date at this field.
    DateNotBefore(&'static str),
    /// A named rule with its implementation in [`super::rules`].
    Rule(RuleId),
}

impl CheckKind {
    /// The rule id recorded in warnings and rendered in definitions.
    pub fn rule_id(&self) -> &'static str {
        match self {
            CheckKind::Required => "required",
            CheckKind::Format => "format",
            CheckKind::MaxLength(_) => "max_length",
            CheckKind::MaxItems(_) => "max_items",
            CheckKind::Min(_) => "min",
            CheckKind::Max(_) => "max",
            CheckKind::Pattern(_) => "pattern",
            CheckKind::DateWindow { .. } => "date_window",
            CheckKind::DateNotBefore(_) => "date_not_before",
            CheckKind::Rule(id) => id.as_str(),
        }
    }
}

/// One check of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Check {
    /// What it verifies.
    pub kind: CheckKind,
    /// Error or warning.
    pub severity: Severity,
    /// Applies only when this holds.
    pub when: Option<Condition>,
    /// The message key shown when it fails.
    pub message: Key,
}

impl Check {
    const fn new(kind: CheckKind, message: Key) -> Self {
        Self {
            kind,
            severity: Severity::Error,
            when: None,
            message,
        }
    }

    /// An answer is required.
    pub const fn required() -> Self {
        Self::new(CheckKind::Required, "msg.required")
    }

    /// An answer is required when `c` holds.
    pub const fn required_when(c: Condition) -> Self {
        Self::required().when(c)
    }

    /// At most `n` characters.
    pub const fn max_length(n: u32) -> Self {
        Self::new(CheckKind::MaxLength(n), "msg.max_length")
    }

    /// At most `n` elements.
    pub const fn max_items(n: u32) -> Self {
        Self::new(CheckKind::MaxItems(n), "msg.max_items")
    }

    /// At least `n` (cents for amounts).
    pub const fn min(n: i64) -> Self {
        Self::new(CheckKind::Min(n), "msg.min")
    }

    /// At most `n` (cents for amounts).
    pub const fn max(n: i64) -> Self {
        Self::new(CheckKind::Max(n), "msg.max")
    }

    /// Matches `pattern`; `message` says what is expected.
    pub const fn pattern(pattern: &'static str, message: Key) -> Self {
        Self::new(CheckKind::Pattern(pattern), message)
    }

    /// Within `min_days..=max_days` from the day of receipt.
    pub const fn date_window(min_days: Option<i32>, max_days: Option<i32>, message: Key) -> Self {
        Self::new(CheckKind::DateWindow { min_days, max_days }, message)
    }

    /// Not before the date at `field`.
    pub const fn not_before(field: &'static str, message: Key) -> Self {
        Self::new(CheckKind::DateNotBefore(field), message)
    }

    /// The named rule `id` (severity and message are the rule's).
    pub const fn rule(id: RuleId) -> Self {
        Self {
            kind: CheckKind::Rule(id),
            severity: id.severity(),
            when: None,
            message: id.message(),
        }
    }

    /// Only when `c` holds.
    pub const fn when(mut self, c: Condition) -> Self {
        self.when = Some(c);
        self
    }

    /// A warning instead of an error.
    pub const fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }
}

/// One question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    /// Full path, e.g. `main_application.incomes[].kind`.
    pub field: &'static str,
    /// Label key.
    pub label: Key,
    /// Help key, if any.
    pub help: Option<Key>,
    /// What it takes.
    pub answer: AnswerType,
    /// Its checks, in order (the format check of the type runs first, implied).
    pub checks: &'static [Check],
}

impl Question {
    /// A question without help text.
    pub const fn new(
        field: &'static str,
        label: Key,
        answer: AnswerType,
        checks: &'static [Check],
    ) -> Self {
        Self {
            field,
            label,
            help: None,
            answer,
            checks,
        }
    }

    /// With a help text.
    pub const fn help(mut self, help: Key) -> Self {
        self.help = Some(help);
        self
    }

    /// Every check the validator runs, in order: the implied format check first.
    pub fn all_checks(&self) -> impl Iterator<Item = Check> + '_ {
        let format = self.answer.format_message().map(|message| Check {
            kind: CheckKind::Format,
            severity: Severity::Error,
            when: None,
            message,
        });
        // Required comes before the format check: a missing answer has no format to check.
        let required = self
            .checks
            .iter()
            .copied()
            .filter(|c| c.kind == CheckKind::Required);
        let others = self
            .checks
            .iter()
            .copied()
            .filter(|c| c.kind != CheckKind::Required);
        required.chain(format).chain(others)
    }
}

/// A group of questions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// Stable id.
    pub id: &'static str,
    /// Title key.
    pub title: Key,
    /// Questions in order.
    pub questions: &'static [Question],
}

/// A document the applicant should announce under a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attachment {
    /// The attachment kind (an option of [`super::options::ATTACHMENTS`]).
    pub kind: Opt,
    /// When it is asked for; `None` = always.
    pub when: Option<Condition>,
    /// Error or warning when it is missing.
    pub severity: Severity,
    /// Message key when it is missing.
    pub message: Key,
}

impl Attachment {
    /// The rule id recorded in warnings: `attachment.<id>`.
    pub fn rule_id(&self) -> String {
        format!("attachment.{}", self.kind.id)
    }
}

/// A complete form definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormDef {
    /// Which form.
    pub kind: super::FormKind,
    /// Its version, recorded with each submission.
    pub version: u32,
    /// Title key.
    pub title: Key,
    /// The sections in order.
    pub sections: &'static [Section],
    /// Where attachments are announced (a multiple-choice question of the form).
    pub attachments_field: Option<&'static str>,
    /// Documents to announce.
    pub attachments: &'static [Attachment],
}

impl FormDef {
    /// Every question in order.
    pub fn questions(&self) -> impl Iterator<Item = &'static Question> + '_ {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    /// The question at `field`, if the form has it.
    pub fn question(&self, field: &str) -> Option<&'static Question> {
        self.questions().find(|q| q.field == field)
    }
}
