//! The validator: evaluates a form definition against a submission's answers.
//!
//! For each question in order, for each concrete answer at its path, the question's checks run
//! in order (required first, then the answer type's format, then the rest); the first error at
//! an answer ends its checks, so a missing date does not also get "must lie in the past".
//! Then the attachments the definition asks for under their conditions. Nothing here knows a
//! particular form: what is checked is the definition's data, and what needs code is a named
//! rule ([`super::rules`]).

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use regex::Regex;

use super::answers::Value;
use super::model::{
    AnswerType, Check, CheckKind, Condition, FormDef, Key, Operator, Question, Severity,
};
use super::rules::RuleContext;
use crate::domain::values::calendar_date;

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Concrete path of the field, e.g. `main_application.incomes[1].kind`.
    pub field: String,
    /// Id of the rule, as rendered in the definition.
    pub rule: String,
    /// Error or warning.
    pub severity: Severity,
    /// Message key.
    pub message: Key,
    /// Values of the message's placeholders.
    pub params: Vec<(&'static str, String)>,
}

/// Every finding of `def` on `root` (the answers), in question order, attachments last.
pub fn validate(def: &FormDef, root: &Value, ctx: &RuleContext<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for question in def.questions() {
        for (path, value) in root.resolve(question.field) {
            for check in question.all_checks() {
                if check.when.is_some_and(|c| !holds(root, &c)) {
                    continue;
                }
                let found = run(question, &check, &path, value, ctx);
                let stop = found.iter().any(|f| f.severity == Severity::Error);
                findings.extend(found);
                if stop {
                    break;
                }
            }
        }
    }
    if let Some(field) = def.attachments_field {
        let announced = match root.at(field) {
            Value::Choices(v) => v.as_slice(),
            _ => &[],
        };
        for attachment in def.attachments {
            let asked = attachment.when.is_none_or(|c| holds(root, &c));
            if asked && !announced.contains(&attachment.kind.number) {
                findings.push(Finding {
                    field: field.to_owned(),
                    rule: attachment.rule_id(),
                    severity: attachment.severity,
                    message: attachment.message,
                    params: Vec::new(),
                });
            }
        }
    }
    findings
}

/// Whether condition `c` holds on the answers (for `[]` paths: for any element).
pub fn holds(root: &Value, c: &Condition) -> bool {
    root.resolve(c.field)
        .into_iter()
        .any(|(_, value)| match (&c.op, value) {
            (Operator::EqualsAny(opts), Value::Choice(n)) => opts.iter().any(|o| o.number == *n),
            (Operator::ContainsAny(opts), Value::Choices(v)) => {
                opts.iter().any(|o| v.contains(&o.number))
            }
            (Operator::IsTrue, Value::Bool(b)) => *b,
            (Operator::IsPositive, Value::Money(cents)) => *cents > 0,
            _ => false,
        })
}

/// The findings of one check on one answer.
fn run(
    question: &Question,
    check: &Check,
    path: &str,
    value: &Value,
    ctx: &RuleContext<'_>,
) -> Vec<Finding> {
    let finding = |params: Vec<(&'static str, String)>| Finding {
        field: path.to_owned(),
        rule: check.kind.rule_id().to_owned(),
        severity: check.severity,
        message: check.message,
        params,
    };
    if check.kind == CheckKind::Required {
        return if value.is_missing() {
            vec![finding(Vec::new())]
        } else {
            Vec::new()
        };
    }
    // Only "required" speaks about a missing answer.
    if value.is_missing() {
        return Vec::new();
    }
    let failed = |ok: bool, params: Vec<(&'static str, String)>| {
        if ok {
            Vec::new()
        } else {
            vec![finding(params)]
        }
    };
    match check.kind {
        CheckKind::Required => Vec::new(),
        CheckKind::Format => failed(well_formed(&question.answer, value), Vec::new()),
        CheckKind::MaxLength(n) => {
            let ok = match value {
                Value::Text(s) => s.chars().count() <= n as usize,
                _ => true,
            };
            failed(ok, vec![("limit", n.to_string())])
        }
        CheckKind::MaxItems(n) => {
            let len = match value {
                Value::List(v) => v.len(),
                Value::Choices(v) => v.len(),
                _ => 0,
            };
            failed(len <= n as usize, vec![("limit", n.to_string())])
        }
        CheckKind::Min(n) | CheckKind::Max(n) => {
            let number = match value {
                Value::Money(c) | Value::Int(c) => *c,
                _ => return Vec::new(),
            };
            let ok = match check.kind {
                CheckKind::Min(_) => number >= n,
                _ => number <= n,
            };
            failed(ok, vec![("limit", limit_text(&question.answer, n))])
        }
        CheckKind::Pattern(pattern) => match value {
            Value::Text(s) => failed(matches(pattern, s), Vec::new()),
            _ => Vec::new(),
        },
        CheckKind::DateWindow { min_days, max_days } => {
            let Some(date) = calendar_date(value) else {
                return Vec::new();
            };
            let days = (date - ctx.today).num_days();
            let ok = min_days.is_none_or(|m| days >= i64::from(m))
                && max_days.is_none_or(|m| days <= i64::from(m));
            let mut params = Vec::new();
            if let Some(m) = min_days {
                params.push(("min_days", m.unsigned_abs().to_string()));
            }
            if let Some(m) = max_days {
                params.push(("max_days", m.unsigned_abs().to_string()));
            }
            failed(ok, params)
        }
        CheckKind::DateNotBefore(other) => {
            match (calendar_date(value), calendar_date(ctx.root.at(other))) {
                (Some(date), Some(earliest)) => failed(date >= earliest, Vec::new()),
                _ => Vec::new(),
            }
        }
        CheckKind::Rule(id) => id
            .check(ctx, path, value)
            .into_iter()
            .map(|hit| {
                let mut params = id.message_params(ctx.tenant);
                params.extend(hit.params);
                Finding {
                    field: hit.field,
                    rule: id.as_str().to_owned(),
                    severity: check.severity,
                    message: check.message,
                    params,
                }
            })
            .collect(),
    }
}

/// The format check of an answer type.
fn well_formed(answer: &AnswerType, value: &Value) -> bool {
    match (answer, value) {
        (AnswerType::Text, Value::Text(s)) => !s.chars().any(char::is_control),
        (AnswerType::LongText, Value::Text(s)) => !s
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')),
        (AnswerType::Date, v) => calendar_date(v).is_some(),
        (AnswerType::Choice(opts), Value::Choice(n)) => opts.iter().any(|o| o.number == *n),
        (AnswerType::MultipleChoice(opts), Value::Choices(v)) => {
            v.iter().all(|n| opts.iter().any(|o| o.number == *n))
        }
        _ => true,
    }
}

/// A bound as people read it: euros for amounts, the number otherwise.
pub fn limit_text(answer: &AnswerType, n: i64) -> String {
    match answer {
        AnswerType::Money if n % 100 == 0 => (n / 100).to_string(),
        AnswerType::Money => format!("{}.{:02}", n / 100, (n % 100).abs()),
        _ => n.to_string(),
    }
}

/// Compiled patterns, by their text (the definitions hold a handful).
static PATTERNS: LazyLock<Mutex<HashMap<&'static str, Option<Regex>>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

/// Whether `text` matches `pattern`. A pattern that does not compile matches nothing (a test
/// compiles every pattern of every definition, so this cannot ship).
pub fn matches(pattern: &'static str, text: &str) -> bool {
    let mut cache = match PATTERNS.lock() {
        Ok(cache) => cache,
        Err(poisoned) => poisoned.into_inner(),
    };
    cache
        .entry(pattern)
        .or_insert_with(|| Regex::new(pattern).ok())
        .as_ref()
        .is_some_and(|re| re.is_match(text))
}
