//! Fluent bundles: parsing a file, stacking a tenant's overrides on the embedded messages,
//! and formatting one message with every Fluent error turned into a [`TemplateError`].

use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use super::error::TemplateError;
use super::language::{Direction, direction_of, identifier};

/// A bundle that can be shared between threads; resources are shared between the embedded
/// bundle of a language and every tenant's bundle of it.
pub(crate) type Bundle = FluentBundle<Arc<FluentResource>>;

/// The function templates use to ask whether an optional text argument is given:
/// `{ PRESENT($office) -> [yes] ... *[no] ... }` (Fluent cannot match an empty string).
pub(crate) const PRESENT: &str = "PRESENT";

/// Functions a template may call: ours and Fluent's built-ins.
pub(crate) const FUNCTIONS: [&str; 2] = [PRESENT, "NUMBER"];

/// Parses a file; a syntax error names the file and the line.
pub(crate) fn parse(file: &str, source: String) -> Result<Arc<FluentResource>, TemplateError> {
    match FluentResource::try_new(source) {
        Ok(resource) => {
            no_duplicate_ids(file, &resource)?;
            Ok(Arc::new(resource))
        }
        Err((resource, errors)) => {
            // The line where the broken entry starts: the parser notices a missing `}` only
            // where the text ends, which may be lines further down.
            let line = errors
                .first()
                .map(|error| {
                    let start = error.slice.as_ref().map_or(error.pos.start, |s| s.start);
                    line_of(resource.source(), start)
                })
                .unwrap_or(1);
            let details = errors
                .iter()
                .map(|error| {
                    format!(
                        "line {}: {error}",
                        line_of(resource.source(), error.pos.start)
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            Err(TemplateError::Syntax {
                file: file.to_owned(),
                line,
                details,
            })
        }
    }
}

/// A bundle for `language` from the embedded file and then, each replacing messages of the
/// ones before, a tenant's override files.
pub(crate) fn build(
    language: &'static str,
    embedded: &Arc<FluentResource>,
    overrides: &[Arc<FluentResource>],
) -> Bundle {
    let mut bundle = Bundle::new_concurrent(vec![identifier(language)]);
    // Isolation marks (FSI/PDI) keep a left-to-right value (a date, a URL) from scrambling
    // right-to-left text; in left-to-right texts they would only show up as stray characters
    // in PDFs and e-mails.
    bundle.set_use_isolating(direction_of(language) == Direction::Rtl);
    // A fresh bundle has no functions, and the embedded resource was checked for duplicate
    // ids when parsed, so these cannot fail; overriding keeps even that impossible.
    let _ = bundle.add_builtins();
    let _ = bundle.add_function(PRESENT, present);
    bundle.add_resource_overriding(Arc::clone(embedded));
    for resource in overrides {
        bundle.add_resource_overriding(Arc::clone(resource));
    }
    bundle
}

/// Formats message `id`; any Fluent error (a missing argument, an unresolved reference) fails
/// the whole message.
pub(crate) fn format(
    bundle: &Bundle,
    language: &str,
    id: &str,
    args: &FluentArgs<'_>,
) -> Result<String, TemplateError> {
    let pattern = bundle
        .get_message(id)
        .and_then(|message| message.value())
        .ok_or_else(|| TemplateError::MissingMessage {
            language: language.to_owned(),
            id: id.to_owned(),
        })?;
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(args), &mut errors);
    if errors.is_empty() {
        Ok(text.into_owned())
    } else {
        Err(TemplateError::Render {
            language: language.to_owned(),
            id: id.to_owned(),
            details: errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        })
    }
}

/// `PRESENT($x)`: "yes" when the text is not blank, "no" otherwise (also for a missing
/// argument, which Fluent reports as an error on its own).
fn present<'a>(positional: &[FluentValue<'a>], _named: &FluentArgs) -> FluentValue<'a> {
    let given = match positional.first() {
        Some(FluentValue::String(text)) => !text.trim().is_empty(),
        Some(FluentValue::Number(_)) => true,
        _ => false,
    };
    FluentValue::from(if given { "yes" } else { "no" })
}

/// Fluent's parser accepts a message defined twice (the last one wins); in a template file
/// that is a mistake, so it is refused.
fn no_duplicate_ids(file: &str, resource: &FluentResource) -> Result<(), TemplateError> {
    use fluent_syntax::ast::Entry;
    let mut seen = std::collections::HashSet::new();
    for entry in resource.entries() {
        let id = match entry {
            Entry::Message(message) => message.id.name.to_owned(),
            Entry::Term(term) => format!("-{}", term.id.name),
            _ => continue,
        };
        if !seen.insert(id.clone()) {
            return Err(TemplateError::Invalid {
                file: file.to_owned(),
                details: format!("{id} is defined twice"),
            });
        }
    }
    Ok(())
}

fn line_of(source: &str, offset: usize) -> usize {
    let end = offset.min(source.len());
    source.as_bytes()[..end]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}
