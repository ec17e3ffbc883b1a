//! Tests of the definitions as a whole: translations complete, every question a field of the
//! proto, every proto field asked, patterns valid.

mod agreement;
mod cases;
pub mod samples;

use std::collections::BTreeSet;

use prost::Message;
use prost_types::field_descriptor_proto::{Label, Type};
use prost_types::{DescriptorProto, FileDescriptorSet};

use super::answers::{Value, answers};
use super::model::{AnswerType, CheckKind, FormDef, Key};
use super::rules::TenantRules;
use super::{FormKind, definition};
use crate::domain::i18n::{self, Language};
use crate::form_render::render;

/// Every message key a definition uses.
fn keys_of(def: &FormDef) -> Vec<Key> {
    let mut keys = vec![def.title];
    for s in def.sections {
        keys.push(s.title);
        for q in s.questions {
            keys.push(q.label);
            keys.extend(q.help);
            keys.extend(q.answer.options().iter().map(|o| o.label));
            keys.extend(q.all_checks().map(|c| c.message));
        }
    }
    for a in def.attachments {
        keys.push(a.message);
        keys.push(a.kind.label);
    }
    keys
}

/// Keys used outside the definitions (status texts, request messages).
fn other_keys() -> Vec<String> {
    let mut keys: Vec<String> = [
        "status.received",
        "status.received.case",
        "status.warnings",
        "msg.form.missing",
        "msg.case_id.uuid",
        "msg.case_id.main_application",
        "msg.case_id.required",
        "msg.language",
    ]
    .iter()
    .map(|k| (*k).to_owned())
    .collect();
    keys.extend(FormKind::ALL.iter().map(|k| format!("kind.{}", k.root())));
    keys
}

#[test]
fn every_text_of_every_form_exists_in_every_language() {
    let mut missing = Vec::new();
    let mut used: BTreeSet<String> = other_keys().into_iter().collect();
    used.extend(
        FormKind::ALL
            .into_iter()
            .flat_map(|k| keys_of(definition(k)))
            .map(str::to_owned),
    );
    for language in Language::ALL {
        for key in &used {
            if i18n::lookup(language, key).is_none() {
                missing.push(format!("{}: {key}", language.tag()));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "missing translations:\n{}",
        missing.join("\n")
    );
    // And nothing in the tables that no one uses.
    let unused: Vec<&str> = Language::German
        .entries()
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !used.contains(*k))
        .collect();
    assert!(unused.is_empty(), "unused keys: {unused:?}");
}

#[test]
fn every_form_renders_completely_in_every_language() {
    let tenant = TenantRules {
        postal_code_prefixes: vec!["451".into()],
        ..TenantRules::default()
    };
    for language in Language::ALL {
        for kind in FormKind::ALL {
            let form = render(definition(kind), language, &tenant);
            assert_eq!(form.language, language.tag());
            assert!(!form.title.is_empty());
            let mut texts = vec![form.title.clone()];
            for s in &form.sections {
                texts.push(s.title.clone());
                for q in &s.questions {
                    texts.push(q.label.clone());
                    texts.extend(q.options.iter().map(|o| o.label.clone()));
                    texts.extend(q.rules.iter().map(|r| r.message.clone()));
                    assert!(q.field.starts_with(&form.root_field), "{}", q.field);
                }
            }
            texts.extend(form.attachments.iter().map(|a| a.message.clone()));
            for text in texts {
                // A text equal to its key was not found; the only placeholder left is one a
                // finding fills in (the days an absence adds up to).
                assert!(
                    !text.is_empty() && !text.starts_with("msg."),
                    "{kind:?}: {text}"
                );
                assert!(
                    !text.replace("{days}", "").contains('{'),
                    "{kind:?} {language:?}: {text}"
                );
            }
        }
    }
}

#[test]
fn every_pattern_compiles() {
    for kind in FormKind::ALL {
        for q in definition(kind).questions() {
            for c in q.checks {
                if let CheckKind::Pattern(p) = c.kind {
                    assert!(regex::Regex::new(p).is_ok(), "{p}");
                }
            }
        }
    }
}

#[test]
fn fields_are_unique_within_a_form() {
    for kind in FormKind::ALL {
        let fields: Vec<&str> = definition(kind).questions().map(|q| q.field).collect();
        let unique: BTreeSet<&str> = fields.iter().copied().collect();
        assert_eq!(fields.len(), unique.len(), "{kind:?}");
        assert_eq!(definition(kind).kind, kind);
    }
}

fn descriptors() -> FileDescriptorSet {
    FileDescriptorSet::decode(jobcenter_proto::FILE_DESCRIPTOR_SET).unwrap_or_default()
}

fn message<'a>(set: &'a FileDescriptorSet, full_name: &str) -> Option<&'a DescriptorProto> {
    let name = full_name.trim_start_matches('.');
    set.file.iter().find_map(|f| {
        let package = f.package();
        f.message_type
            .iter()
            .find(|m| format!("{package}.{}", m.name()) == name)
    })
}

#[test]
fn every_question_is_a_field_of_the_proto_with_a_fitting_type() {
    let set = descriptors();
    let request = message(&set, "jobcenter.intake.v1.SubmitApplicationRequest");
    assert!(request.is_some(), "descriptor of SubmitApplicationRequest");
    for kind in FormKind::ALL {
        for q in definition(kind).questions() {
            let mut at = request;
            let mut field = None;
            for segment in q.field.split('.') {
                let (name, each) = match segment.strip_suffix("[]") {
                    Some(n) => (n, true),
                    None => (segment, false),
                };
                let f = at.and_then(|m| m.field.iter().find(|f| f.name() == name));
                assert!(f.is_some(), "{}: no field {name}", q.field);
                if each {
                    assert_eq!(f.map(|f| f.label()), Some(Label::Repeated), "{}", q.field);
                }
                at = f.and_then(|f| message(&set, f.type_name()));
                field = f;
            }
            let Some(field) = field else { continue };
            let repeated = field.label() == Label::Repeated;
            let fits = match q.answer {
                AnswerType::Text | AnswerType::LongText => field.r#type() == Type::String,
                AnswerType::Date => field.type_name() == ".jobcenter.common.v1.Date",
                AnswerType::Money => field.type_name() == ".jobcenter.common.v1.Money",
                AnswerType::Boolean => field.r#type() == Type::Bool,
                AnswerType::Integer => matches!(field.r#type(), Type::Uint32 | Type::Int32),
                AnswerType::Choice(_) => field.r#type() == Type::Enum && !repeated,
                AnswerType::MultipleChoice(_) => field.r#type() == Type::Enum && repeated,
                AnswerType::Group => field.r#type() == Type::Message && !repeated,
                AnswerType::List => field.r#type() == Type::Message && repeated,
            };
            assert!(
                fits,
                "{}: {:?} does not fit {:?}",
                q.field,
                q.answer,
                field.r#type()
            );
        }
    }
}

/// Walks an answers group against its proto message: the same field names, recursively.
fn same_fields(set: &FileDescriptorSet, value: &Value, message_name: &str, path: &str) {
    let Value::Group(fields) = value else { return };
    let Some(descriptor) = message(set, message_name) else {
        panic!("{path}: no descriptor {message_name}");
    };
    let in_tree: BTreeSet<&str> = fields.iter().map(|(n, _)| *n).collect();
    let in_proto: BTreeSet<&str> = descriptor.field.iter().map(|f| f.name()).collect();
    assert_eq!(in_tree, in_proto, "{path}");
    for (name, child) in fields {
        let Some(f) = descriptor.field.iter().find(|f| f.name() == *name) else {
            continue;
        };
        match child {
            Value::Group(_) => same_fields(set, child, f.type_name(), &format!("{path}.{name}")),
            Value::List(items) => {
                for item in items {
                    same_fields(set, item, f.type_name(), &format!("{path}.{name}[]"));
                }
            }
            _ => {}
        }
    }
}

#[test]
fn the_answers_of_a_form_are_exactly_the_fields_of_its_message() {
    let set = descriptors();
    for kind in FormKind::ALL {
        let root = answers(&samples::sample(kind));
        let Value::Group(top) = &root else {
            panic!("answers are a group");
        };
        let request = message(&set, "jobcenter.intake.v1.SubmitApplicationRequest");
        let Some(field) = request.and_then(|m| m.field.iter().find(|f| f.name() == top[0].0))
        else {
            panic!("{kind:?}: no request field {}", top[0].0);
        };
        same_fields(&set, &top[0].1, field.type_name(), top[0].0);
    }
}

#[test]
fn every_answer_of_a_sample_is_asked_by_a_question() {
    fn walk(value: &Value, path: String, out: &mut Vec<String>) {
        match value {
            Value::Group(fields) => {
                for (name, child) in fields {
                    let p = if path.is_empty() {
                        (*name).to_owned()
                    } else {
                        format!("{path}.{name}")
                    };
                    out.push(p.clone());
                    walk(child, p, out);
                }
            }
            Value::List(items) => {
                for item in items {
                    walk(item, format!("{path}[]"), out);
                }
            }
            _ => {}
        }
    }
    for kind in FormKind::ALL {
        let mut paths = Vec::new();
        walk(&answers(&samples::sample(kind)), String::new(), &mut paths);
        let def = definition(kind);
        for p in paths.into_iter().filter(|p| p.contains('.')) {
            assert!(def.question(&p).is_some(), "{kind:?}: {p} is not asked");
        }
    }
}
