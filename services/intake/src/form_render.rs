//! Renders a form definition of the domain as the proto `FormDefinition` in one language, with
//! the caller's jobcenter's rule parameters: what `GetFormDefinition` returns.

use jobcenter_proto::intake::v1 as proto;

use crate::domain::forms::model::{
    AnswerType, Check, CheckKind, Condition, FormDef, Operator, Question, Severity,
};
use crate::domain::forms::rules::TenantRules;
use crate::domain::forms::validate::limit_text;
use crate::domain::i18n::{self, Language};

/// The definition `def` in `language` for a jobcenter with `tenant` parameters.
pub fn render(def: &FormDef, language: Language, tenant: &TenantRules) -> proto::FormDefinition {
    let say = |key: &str| i18n::text(language, key, &[]);
    proto::FormDefinition {
        kind: def.kind.to_proto() as i32,
        version: def.version,
        language: language.tag().to_owned(),
        title: say(def.title),
        root_field: def.kind.root().to_owned(),
        sections: def
            .sections
            .iter()
            .map(|s| proto::FormSection {
                id: s.id.to_owned(),
                title: say(s.title),
                questions: s
                    .questions
                    .iter()
                    .map(|q| question(q, language, tenant))
                    .collect(),
            })
            .collect(),
        attachments: def
            .attachments
            .iter()
            .map(|a| proto::AttachmentRequirement {
                attachment: a.kind.id.to_owned(),
                number: a.kind.number,
                label: say(a.kind.label),
                when: a.when.as_ref().map(condition),
                severity: severity(a.severity) as i32,
                message: say(a.message),
                field: def.attachments_field.unwrap_or_default().to_owned(),
                rule_id: a.rule_id(),
            })
            .collect(),
    }
}

fn question(q: &Question, language: Language, tenant: &TenantRules) -> proto::FormQuestion {
    proto::FormQuestion {
        field: q.field.to_owned(),
        label: i18n::text(language, q.label, &[]),
        help: q
            .help
            .map(|h| i18n::text(language, h, &[]))
            .unwrap_or_default(),
        answer_type: answer_type(&q.answer) as i32,
        options: q
            .answer
            .options()
            .iter()
            .map(|o| proto::AnswerOption {
                value: o.id.to_owned(),
                number: o.number,
                label: i18n::text(language, o.label, &[]),
            })
            .collect(),
        rules: q
            .all_checks()
            .map(|c| rule(q, &c, language, tenant))
            .collect(),
    }
}

/// One check as a validation rule, its message filled in as the validator would.
fn rule(
    q: &Question,
    c: &Check,
    language: Language,
    tenant: &TenantRules,
) -> proto::ValidationRule {
    use proto::RuleKind as K;
    let mut r = proto::ValidationRule {
        rule_id: c.kind.rule_id().to_owned(),
        severity: severity(c.severity) as i32,
        when: c.when.as_ref().map(condition),
        ..Default::default()
    };
    let mut params: Vec<(&str, String)> = Vec::new();
    let kind = match c.kind {
        CheckKind::Required => K::Required,
        CheckKind::Format => K::Format,
        CheckKind::MaxLength(n) => {
            r.limit = n.into();
            params.push(("limit", n.to_string()));
            K::MaxLength
        }
        CheckKind::MaxItems(n) => {
            r.limit = n.into();
            params.push(("limit", n.to_string()));
            K::MaxItems
        }
        CheckKind::Min(n) | CheckKind::Max(n) => {
            r.limit = n;
            params.push(("limit", limit_text(&q.answer, n)));
            if matches!(c.kind, CheckKind::Min(_)) {
                K::Min
            } else {
                K::Max
            }
        }
        CheckKind::Pattern(p) => {
            r.pattern = p.to_owned();
            K::Pattern
        }
        CheckKind::DateWindow { min_days, max_days } => {
            r.min_days_from_today = min_days;
            r.max_days_from_today = max_days;
            if let Some(m) = min_days {
                params.push(("min_days", m.unsigned_abs().to_string()));
            }
            if let Some(m) = max_days {
                params.push(("max_days", m.unsigned_abs().to_string()));
            }
            K::DateWindow
        }
        CheckKind::DateNotBefore(other) => {
            r.other_field = other.to_owned();
            K::DateNotBefore
        }
        CheckKind::Rule(id) => {
            r.parameters = id.parameters(tenant);
            params = id.message_params(tenant);
            // Placeholders known only per finding (e.g. the days an absence adds up to) stay
            // as they are in the template.
            K::Custom
        }
    };
    r.kind = kind as i32;
    r.message = i18n::text(language, c.message, &params);
    r
}

fn condition(c: &Condition) -> proto::Condition {
    let (operator, values): (proto::ConditionOperator, Vec<String>) = match c.op {
        Operator::EqualsAny(opts) => (
            proto::ConditionOperator::EqualsAny,
            opts.iter().map(|o| o.id.to_owned()).collect(),
        ),
        Operator::ContainsAny(opts) => (
            proto::ConditionOperator::ContainsAny,
            opts.iter().map(|o| o.id.to_owned()).collect(),
        ),
        Operator::IsTrue => (proto::ConditionOperator::IsTrue, Vec::new()),
        Operator::IsPositive => (proto::ConditionOperator::IsPositive, Vec::new()),
    };
    proto::Condition {
        field: c.field.to_owned(),
        operator: operator as i32,
        values,
    }
}

fn severity(s: Severity) -> proto::Severity {
    match s {
        Severity::Error => proto::Severity::Error,
        Severity::Warning => proto::Severity::Warning,
    }
}

fn answer_type(a: &AnswerType) -> proto::AnswerType {
    match a {
        AnswerType::Text => proto::AnswerType::Text,
        AnswerType::LongText => proto::AnswerType::LongText,
        AnswerType::Date => proto::AnswerType::Date,
        AnswerType::Money => proto::AnswerType::Money,
        AnswerType::Boolean => proto::AnswerType::Boolean,
        AnswerType::Choice(_) => proto::AnswerType::Choice,
        AnswerType::MultipleChoice(_) => proto::AnswerType::MultipleChoice,
        AnswerType::Integer => proto::AnswerType::Integer,
        AnswerType::Group => proto::AnswerType::Group,
        AnswerType::List => proto::AnswerType::List,
    }
}
