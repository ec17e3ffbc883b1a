//! Message templates (Project Fluent), per tenant and language.
//!
//! The wording of every message lives in `services/notification/templates/<lang>/messages.ftl`
//! (compiled in), one pair `<template_id>-subject` / `<template_id>-body` per [`Topic`] plus the
//! hints for e-mail and push and the frame of a letter ([`catalog`]). A jobcenter may replace
//! any of them with its own wording in `<dir>/<tenant>/<lang>/messages.ftl`; what it leaves out
//! falls back to the embedded text of the same language.
//!
//! Everything is checked when loaded: each language has every message, each message uses only
//! the arguments it is given (the e-mail and push hints only the portal address, so no personal
//! data leaves the mailbox), each file parses. Rendering never returns half a message: any
//! Fluent error is a [`TemplateError`] naming the language and message.
//!
//! Bodies carry neither salutation nor closing: a letter frames the body with
//! `letter-salutation` and `letter-closing`, the mailbox shows it as it is.

mod bundle;
pub mod catalog;
mod check;
mod error;
mod format;
mod language;
mod overrides;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use fluent_bundle::FluentResource;

use crate::domain::{Args, Topic};
use bundle::Bundle;

pub use catalog::topic_arguments;
pub use error::TemplateError;
pub use language::{Direction, LANGUAGES, direction_of};

/// A topic's message, rendered for one recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The subject: one line.
    pub subject: String,
    /// The text, lines separated by `\n`.
    pub body: String,
    /// The language it is written in ("de", "ar", ...).
    pub language: String,
    /// Which way the text runs.
    pub direction: Direction,
}

/// All templates: the embedded ones of every language and the tenants' overrides. Built once at
/// start and shared (`Send + Sync`); rendering takes `&self`.
pub struct Templates {
    /// Per language: the embedded file and the bundle made of it alone.
    embedded: BTreeMap<&'static str, Layered>,
    /// Per (tenant, language) with overrides: the override files (later ones win) and the
    /// bundle of the embedded file with them on top.
    tenants: HashMap<(String, &'static str), Layered>,
}

/// A bundle and the resources it was built from (to add more overrides later).
struct Layered {
    resources: Vec<Arc<FluentResource>>,
    bundle: Bundle,
}

impl Templates {
    /// The templates compiled into the binary, checked: every language has every message and
    /// each message uses only its own arguments.
    pub fn embedded() -> Result<Templates, TemplateError> {
        Self::from_sources(
            catalog::EMBEDDED
                .iter()
                .map(|(language, file, source)| (*language, *file, (*source).to_owned())),
        )
    }

    /// Templates from (language, file name, source) for each of [`LANGUAGES`]; the embedded
    /// files in production, altered copies in tests.
    fn from_sources(
        sources: impl IntoIterator<Item = (&'static str, &'static str, String)>,
    ) -> Result<Templates, TemplateError> {
        let mut embedded = BTreeMap::new();
        for (language, file, source) in sources {
            let resource = bundle::parse(file, source)?;
            let bundle = bundle::build(language, &resource, &[]);
            let terms = check::term_ids([resource.as_ref()]);
            let required = catalog::required_ids();
            check::check_messages(
                &bundle,
                &terms,
                language,
                file,
                required.iter().map(String::as_str),
            )?;
            check::known_message_ids(file, &resource)?;
            embedded.insert(
                language,
                Layered {
                    resources: vec![resource],
                    bundle,
                },
            );
        }
        if let Some(language) = LANGUAGES.iter().find(|l| !embedded.contains_key(*l)) {
            return Err(TemplateError::Invalid {
                file: format!("templates/{language}/messages.ftl"),
                details: "no template file for this language".to_owned(),
            });
        }
        Ok(Templates {
            embedded,
            tenants: HashMap::new(),
        })
    }

    /// Adds tenant overrides from `<dir>/<tenant>/<lang>/messages.ftl` (any subset of messages;
    /// a missing message falls back to the embedded one of the same language). Each file is
    /// checked like the embedded ones; the first problem fails the whole load with the file's
    /// path. Called again, the new files go on top of the earlier overrides.
    pub fn with_overrides(mut self, dir: &Path) -> Result<Templates, TemplateError> {
        for file in overrides::read(dir)? {
            let Some(base) = self.embedded.get(file.language) else {
                continue; // read() only accepts languages of LANGUAGES, which all are embedded
            };
            let key = (file.tenant.clone(), file.language);
            let mut resources = match self.tenants.get(&key) {
                Some(earlier) => earlier.resources.clone(),
                None => base.resources.clone(),
            };
            resources.push(Arc::clone(&file.resource));
            let (first, rest) = resources
                .split_first()
                .ok_or_else(|| TemplateError::Invalid {
                    file: file.path.display().to_string(),
                    details: "no embedded templates to override".to_owned(),
                })?;
            let bundle = bundle::build(file.language, first, rest);
            let terms = check::term_ids(resources.iter().map(Arc::as_ref));
            check::check_messages(
                &bundle,
                &terms,
                file.language,
                &file.path.display().to_string(),
                file.message_ids.iter().map(String::as_str),
            )?;
            self.tenants.insert(key, Layered { resources, bundle });
        }
        Ok(self)
    }

    /// The languages templates exist in: de en uk ar tr ru.
    pub fn languages(&self) -> &[&'static str] {
        &LANGUAGES
    }

    /// A topic's subject and body for a tenant's recipient in `language` ("de", or a tag with a
    /// region such as "de-DE"). `args` are the topic's arguments ([`topic_arguments`]); one
    /// that a message uses but `args` lacks is an error.
    pub fn render(
        &self,
        tenant: &str,
        language: &str,
        topic: Topic,
        args: &Args,
    ) -> Result<Rendered, TemplateError> {
        let (language, bundle) = self.bundle(tenant, language)?;
        let fluent_args = format::fluent_args(language, args);
        let subject = bundle::format(bundle, language, &catalog::subject_id(topic), &fluent_args)?;
        let body = bundle::format(bundle, language, &catalog::body_id(topic), &fluent_args)?;
        Ok(Rendered {
            subject: one_line(&subject),
            body,
            language: language.to_owned(),
            direction: direction_of(language),
        })
    }

    /// One message by id: the hints (`hint-subject`, `hint-body`, `push-title`, `push-body`,
    /// given `portal_url`) and the frame of a letter (`letter-salutation`, `letter-closing`,
    /// given `jobcenter`); see [`catalog`] for the ids.
    pub fn render_message(
        &self,
        tenant: &str,
        language: &str,
        id: &str,
        args: &Args,
    ) -> Result<String, TemplateError> {
        let (language, bundle) = self.bundle(tenant, language)?;
        bundle::format(bundle, language, id, &format::fluent_args(language, args))
    }

    /// The canonical language and the bundle to render with: the tenant's if it has overrides
    /// in that language, the embedded one otherwise.
    fn bundle(
        &self,
        tenant: &str,
        language: &str,
    ) -> Result<(&'static str, &Bundle), TemplateError> {
        let unknown = || TemplateError::UnknownLanguage {
            language: language.to_owned(),
        };
        let language = language::canonical(language).ok_or_else(unknown)?;
        let layered = self
            .tenants
            .get(&(tenant.to_owned(), language))
            .or_else(|| self.embedded.get(language))
            .ok_or_else(unknown)?;
        Ok((language, &layered.bundle))
    }
}

impl fmt::Debug for Templates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut overridden: Vec<String> = self
            .tenants
            .keys()
            .map(|(tenant, language)| format!("{tenant}/{language}"))
            .collect();
        overridden.sort();
        f.debug_struct("Templates")
            .field("languages", &self.embedded.keys().collect::<Vec<_>>())
            .field("overrides", &overridden)
            .finish()
    }
}

/// A subject is one line: line breaks a translator (or a list argument) put in become spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
