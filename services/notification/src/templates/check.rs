//! Checks a bundle when it is loaded, so a bad template fails the start of the service (or the
//! loading of a tenant's overrides), not a message to an applicant weeks later: every message
//! exists, uses only its own arguments (following references to other messages, which see the
//! same arguments), and calls only functions and references messages and terms that exist.
//!
//! Fluent would otherwise fall back silently in two places: a selector whose function is
//! unknown picks the default variant, and a variable inside a term is never reported.

use std::collections::BTreeSet;

use fluent_bundle::FluentResource;
use fluent_syntax::ast::{
    CallArguments, Entry, Expression, InlineExpression, Pattern, PatternElement,
};

use super::bundle::{Bundle, FUNCTIONS};
use super::catalog::allowed_variables;
use super::error::TemplateError;

/// What a message's pattern refers to, following message references.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct References {
    /// Variables (`$name`), without the `$`.
    pub variables: BTreeSet<String>,
    /// Functions called.
    pub functions: BTreeSet<String>,
    /// Messages referred to that the bundle does not have.
    pub missing_messages: BTreeSet<String>,
    /// Terms referred to that the bundle does not have.
    pub missing_terms: BTreeSet<String>,
}

/// Checks messages `ids` of `bundle`: they exist and refer only to what they may.
/// `terms` are the terms the bundle's resources define; `file` names where the messages come
/// from in errors.
pub(crate) fn check_messages<'a>(
    bundle: &Bundle,
    terms: &BTreeSet<String>,
    language: &str,
    file: &str,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<(), TemplateError> {
    for id in ids {
        let message = bundle
            .get_message(id)
            .ok_or_else(|| TemplateError::MissingMessage {
                language: language.to_owned(),
                id: id.to_owned(),
            })?;
        let pattern = message
            .value()
            .ok_or_else(|| TemplateError::MissingMessage {
                language: language.to_owned(),
                id: id.to_owned(),
            })?;
        let allowed = allowed_variables(id).unwrap_or_default();
        let refs = references(bundle, terms, pattern);
        if let Some(variable) = refs
            .variables
            .iter()
            .find(|v| !allowed.contains(&v.as_str()))
        {
            return Err(TemplateError::UnknownVariable {
                file: file.to_owned(),
                language: language.to_owned(),
                id: id.to_owned(),
                variable: variable.clone(),
            });
        }
        let problem = if let Some(function) = refs
            .functions
            .iter()
            .find(|f| !FUNCTIONS.contains(&f.as_str()))
        {
            Some(format!("unknown function {function}()"))
        } else if let Some(missing) = refs.missing_messages.first() {
            Some(format!("reference to a missing message {missing}"))
        } else {
            refs.missing_terms
                .first()
                .map(|missing| format!("reference to a missing term -{missing}"))
        };
        if let Some(problem) = problem {
            return Err(TemplateError::Invalid {
                file: file.to_owned(),
                details: format!("message {id} ({language}): {problem}"),
            });
        }
    }
    Ok(())
}

/// Everything `pattern` refers to, with the patterns of referenced messages (they are resolved
/// with the same arguments). Terms see only the arguments of their call, so only those count.
pub(crate) fn references(
    bundle: &Bundle,
    terms: &BTreeSet<String>,
    pattern: &Pattern<&str>,
) -> References {
    let mut walk = Walk {
        bundle: Some((bundle, terms)),
        refs: References::default(),
        visited: BTreeSet::new(),
    };
    walk.pattern(pattern);
    walk.refs
}

/// What `pattern` refers to directly, without a bundle (message references are not followed).
#[cfg(test)]
pub(crate) fn direct_references(pattern: &Pattern<&str>) -> References {
    let mut walk = Walk {
        bundle: None,
        refs: References::default(),
        visited: BTreeSet::new(),
    };
    walk.pattern(pattern);
    walk.refs
}

struct Walk<'b> {
    /// The bundle to follow message references in, and its terms; `None`: do not follow.
    bundle: Option<(&'b Bundle, &'b BTreeSet<String>)>,
    refs: References,
    /// Messages already followed (Fluent allows cycles in the syntax; they fail at render).
    visited: BTreeSet<String>,
}

impl Walk<'_> {
    fn pattern(&mut self, pattern: &Pattern<&str>) {
        for element in &pattern.elements {
            if let PatternElement::Placeable { expression } = element {
                self.expression(expression);
            }
        }
    }

    fn expression(&mut self, expression: &Expression<&str>) {
        match expression {
            Expression::Inline(inline) => self.inline(inline),
            Expression::Select { selector, variants } => {
                self.inline(selector);
                for variant in variants {
                    self.pattern(&variant.value);
                }
            }
        }
    }

    fn inline(&mut self, inline: &InlineExpression<&str>) {
        match inline {
            InlineExpression::StringLiteral { .. } | InlineExpression::NumberLiteral { .. } => {}
            InlineExpression::VariableReference { id } => {
                self.refs.variables.insert(id.name.to_owned());
            }
            InlineExpression::FunctionReference { id, arguments } => {
                self.refs.functions.insert(id.name.to_owned());
                self.arguments(arguments);
            }
            InlineExpression::TermReference { id, arguments, .. } => {
                if let Some(arguments) = arguments {
                    self.arguments(arguments);
                }
                if let Some((_, terms)) = self.bundle
                    && !terms.contains(id.name)
                {
                    self.refs.missing_terms.insert(id.name.to_owned());
                }
            }
            InlineExpression::MessageReference { id, .. } => self.message(id.name),
            InlineExpression::Placeable { expression } => self.expression(expression),
        }
    }

    fn arguments(&mut self, arguments: &CallArguments<&str>) {
        for positional in &arguments.positional {
            self.inline(positional);
        }
        for named in &arguments.named {
            self.inline(&named.value);
        }
    }

    fn message(&mut self, id: &str) {
        let Some((bundle, _)) = self.bundle else {
            return;
        };
        if !self.visited.insert(id.to_owned()) {
            return;
        }
        let Some(message) = bundle.get_message(id) else {
            self.refs.missing_messages.insert(id.to_owned());
            return;
        };
        // A reference may name an attribute; follow them all, to be on the safe side.
        if let Some(value) = message.value() {
            self.pattern(value);
        }
        for attribute in message.attributes() {
            self.pattern(attribute.value());
        }
    }
}

/// The ids of the terms the resources define (the bundle API offers no term lookup).
pub(crate) fn term_ids<'a>(
    resources: impl IntoIterator<Item = &'a FluentResource>,
) -> BTreeSet<String> {
    resources
        .into_iter()
        .flat_map(|resource| resource.entries())
        .filter_map(|entry| match entry {
            Entry::Term(term) => Some(term.id.name.to_owned()),
            _ => None,
        })
        .collect()
}

/// The ids of the messages in a file. An id no code asks for is refused: in an override it is
/// most likely a typo that would leave the embedded wording in place unnoticed, in an embedded
/// file a leftover whose text would never be shown.
pub(crate) fn known_message_ids(
    file: &str,
    resource: &FluentResource,
) -> Result<Vec<String>, TemplateError> {
    let mut ids = Vec::new();
    for entry in resource.entries() {
        if let Entry::Message(message) = entry {
            let id = message.id.name;
            if allowed_variables(id).is_none() {
                return Err(TemplateError::Invalid {
                    file: file.to_owned(),
                    details: format!("unknown message id {id}"),
                });
            }
            ids.push(id.to_owned());
        }
    }
    Ok(ids)
}
