//! The definitions and the validator agree: what a definition says is required (under its
//! condition) is exactly what the validator refuses when missing, the attachments it asks for
//! are exactly those it warns or refuses about, and the named rules the definitions list are
//! exactly the rules implemented.

use std::collections::BTreeSet;

use super::samples::{sample, today};
use crate::domain::forms::answers::{Value, answers};
use crate::domain::forms::model::{AnswerType, CheckKind, Condition, Operator, Severity};
use crate::domain::forms::rules::{RuleContext, RuleId, TenantRules};
use crate::domain::forms::validate::{Finding, validate};
use crate::domain::forms::{FormKind, definition};

/// The value at `path` to change; `name[]` steps into the first element.
fn slot<'a>(root: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut at = root;
    for segment in path.split('.') {
        let (name, first) = match segment.strip_suffix("[]") {
            Some(name) => (name, true),
            None => (segment, false),
        };
        at = at.field_mut(name)?;
        if first {
            at = match at {
                Value::List(items) => items.first_mut()?,
                _ => return None,
            };
        }
    }
    Some(at)
}

/// A missing answer of the question's type.
fn missing(answer: &AnswerType) -> Value {
    match answer {
        AnswerType::Text | AnswerType::LongText => Value::Text(String::new()),
        AnswerType::Choice(_) => Value::Choice(0),
        AnswerType::MultipleChoice(_) => Value::Choices(Vec::new()),
        AnswerType::List => Value::List(Vec::new()),
        _ => Value::Absent,
    }
}

/// The answer that makes `c` hold (`true`) or not, given the options of its question.
fn answer_for(c: &Condition, holds: bool, options: &[crate::domain::forms::model::Opt]) -> Value {
    let other = |opts: &[crate::domain::forms::model::Opt]| {
        options
            .iter()
            .find(|o| !opts.contains(o))
            .map_or(0, |o| o.number)
    };
    match (c.op, holds) {
        (Operator::EqualsAny(opts), true) => Value::Choice(opts[0].number),
        (Operator::EqualsAny(opts), false) => Value::Choice(other(opts)),
        (Operator::ContainsAny(opts), true) => Value::Choices(vec![opts[0].number]),
        (Operator::ContainsAny(opts), false) => Value::Choices(vec![other(opts)]),
        (Operator::IsTrue, h) => Value::Bool(h),
        (Operator::IsPositive, true) => Value::Money(100),
        (Operator::IsPositive, false) => Value::Money(0),
    }
}

fn run(kind: FormKind, root: &Value) -> Vec<Finding> {
    let tenant = TenantRules::default();
    let ctx = RuleContext {
        today: today(),
        tenant: &tenant,
        root,
    };
    validate(definition(kind), root, &ctx)
}

/// `root` with condition `c` made true or false.
fn with_condition(kind: FormKind, root: &Value, c: &Condition, holds: bool) -> Value {
    let def = definition(kind);
    let options = def
        .question(c.field)
        .map_or(&[][..], |q| q.answer.options());
    let mut changed = root.clone();
    let target = slot(&mut changed, c.field);
    assert!(
        target.is_some(),
        "{:?}: the sample has no answer at {}",
        kind,
        c.field
    );
    if let Some(v) = target {
        *v = answer_for(c, holds, options);
    }
    changed
}

#[test]
fn a_required_answer_is_refused_when_missing_exactly_under_its_condition() {
    let mut tested = 0;
    for kind in FormKind::ALL {
        let base = answers(&sample(kind));
        for q in definition(kind).questions() {
            for check in q.checks.iter().filter(|c| c.kind == CheckKind::Required) {
                let situations: Vec<(Value, bool)> = match &check.when {
                    None => vec![(base.clone(), true)],
                    Some(c) => vec![
                        (with_condition(kind, &base, c, true), true),
                        (with_condition(kind, &base, c, false), false),
                    ],
                };
                for (mut root, holds) in situations {
                    let Some(v) = slot(&mut root, q.field) else {
                        panic!("{kind:?}: the sample has no answer at {}", q.field);
                    };
                    *v = missing(&q.answer);
                    let concrete = q.field.replace("[]", "[0]");
                    let refused = run(kind, &root).iter().any(|f| {
                        f.field == concrete && f.rule == "required" && f.severity == Severity::Error
                    });
                    assert_eq!(
                        refused, holds,
                        "{kind:?} {} (condition holds: {holds})",
                        q.field
                    );
                    tested += 1;
                }
            }
        }
    }
    assert!(tested > 60, "only {tested} situations tested");
}

#[test]
fn an_attachment_is_asked_for_exactly_under_its_condition() {
    for kind in FormKind::ALL {
        let def = definition(kind);
        let base = answers(&sample(kind));
        for a in def.attachments {
            let Some(field) = def.attachments_field else {
                panic!("{kind:?} asks for attachments without a field for them");
            };
            let situations = match &a.when {
                None => vec![(base.clone(), true)],
                Some(c) => vec![
                    (with_condition(kind, &base, c, true), true),
                    (with_condition(kind, &base, c, false), false),
                ],
            };
            for (root, holds) in situations {
                for announced in [false, true] {
                    let mut root = root.clone();
                    if let Some(Value::Choices(list)) = slot(&mut root, field) {
                        list.retain(|n| *n != a.kind.number);
                        if announced {
                            list.push(a.kind.number);
                        }
                    }
                    let asked = run(kind, &root).iter().any(|f| {
                        f.field == field && f.rule == a.rule_id() && f.severity == a.severity
                    });
                    assert_eq!(
                        asked,
                        holds && !announced,
                        "{kind:?} {} (condition {holds}, announced {announced})",
                        a.rule_id()
                    );
                }
            }
        }
    }
}

#[test]
fn the_named_rules_in_the_definitions_are_exactly_the_implemented_ones() {
    let listed: BTreeSet<RuleId> = FormKind::ALL
        .into_iter()
        .flat_map(|k| definition(k).questions())
        .flat_map(|q| q.checks.iter())
        .filter_map(|c| match c.kind {
            CheckKind::Rule(id) => Some(id),
            _ => None,
        })
        .collect();
    let implemented: BTreeSet<RuleId> = RuleId::ALL.into_iter().collect();
    assert_eq!(listed, implemented);
    let ids: BTreeSet<&str> = RuleId::ALL.iter().map(|r| r.as_str()).collect();
    assert_eq!(ids.len(), RuleId::ALL.len(), "two rules share an id");
}

#[test]
fn every_sample_is_accepted_without_findings() {
    for kind in FormKind::ALL {
        let found = run(kind, &answers(&sample(kind)));
        assert!(found.is_empty(), "{kind:?}: {found:?}");
    }
}
