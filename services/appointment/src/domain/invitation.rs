//! The letter that sets a Meldetermin (§ 32 SGB II): the invitation and its notice of the
//! consequences of missing it (Rechtsfolgenbelehrung), in German (binding) and English (a help),
//! with the date, time and place filled in.
//!
//! The notice is a legal text: a reduction for a missed appointment is lawful only if the
//! applicant was told the consequences in writing beforehand. The default wording below follows
//! § 32 SGB II as it stands (10 % of the standard need for one month, not with a good reason,
//! not in a case of exceptional hardship) in plain language; each jobcenter's legal department
//! may replace it with its own ([`InvitationTemplates`] per tenant, checked by
//! [`check_templates`]), and must review it when the law changes. The default text lives in
//! [`defaults`] and nowhere else. The invitation is recorded as sent in the `Invited` event.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::calendar::{AppointmentType, Channel, Office};
use super::local_time;
use super::reference::BookingReference;
use super::video_link::VideoLink;
use super::wording::{self, Language};

pub mod defaults;

/// The placeholders a template may use.
pub const PLACEHOLDERS: [&str; 5] = ["appointment", "date", "time", "place", "reference"];
/// The placeholders the notice must use: the applicant must learn which appointment it binds.
pub const REQUIRED_IN_NOTICE: [&str; 3] = ["date", "time", "place"];

/// The template of the letter in one language; `{date}` and the other [`PLACEHOLDERS`] are
/// filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LetterTemplate {
    /// The subject line.
    pub subject: String,
    /// The invitation itself.
    pub body: String,
    /// The notice of consequences.
    pub notice: String,
}

/// A jobcenter's templates in both languages; the default is [`defaults`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvitationTemplates {
    /// German: the binding text.
    pub german: LetterTemplate,
    /// English.
    pub english: LetterTemplate,
}

impl Default for InvitationTemplates {
    fn default() -> Self {
        Self {
            german: LetterTemplate {
                subject: defaults::SUBJECT_DE.to_owned(),
                body: defaults::BODY_DE.to_owned(),
                notice: defaults::NOTICE_DE.to_owned(),
            },
            english: LetterTemplate {
                subject: defaults::SUBJECT_EN.to_owned(),
                body: defaults::BODY_EN.to_owned(),
                notice: defaults::NOTICE_EN.to_owned(),
            },
        }
    }
}

/// The letter in one language, filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letter {
    /// Its language.
    pub language: Language,
    /// The subject line.
    pub subject: String,
    /// The invitation.
    pub body: String,
    /// The notice of consequences.
    pub notice: String,
}

/// The invitation as sent, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    /// German: the binding text.
    pub german: Letter,
    /// English.
    pub english: Letter,
}

/// What the letter is about.
#[derive(Debug, Clone, Copy)]
pub struct InvitationDetails<'a> {
    /// The appointment type.
    pub appointment_type: &'a AppointmentType,
    /// The office (its address, for an appointment in person).
    pub office: &'a Office,
    /// How it takes place.
    pub channel: Channel,
    /// The joining link of a video appointment.
    pub video_link: Option<&'a VideoLink>,
    /// When it starts.
    pub start: DateTime<Utc>,
    /// The booking reference.
    pub reference: BookingReference,
}

/// What is wrong with a template. `field` is its path, e.g. `german.notice`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// A `{name}` that is not one of [`PLACEHOLDERS`].
    #[error("{field}: unknown placeholder {{{name}}}")]
    UnknownPlaceholder {
        /// The template field.
        field: String,
        /// The placeholder's name.
        name: String,
    },
    /// A `{` without its `}`.
    #[error("{field}: a placeholder is not closed")]
    Unclosed {
        /// The template field.
        field: String,
    },
    /// The notice lacks a placeholder of [`REQUIRED_IN_NOTICE`].
    #[error("{field}: the notice must name the appointment's {{{name}}}")]
    Missing {
        /// The template field.
        field: String,
        /// The placeholder's name.
        name: String,
    },
}

/// Checks a jobcenter's templates before they are stored.
pub fn check_templates(templates: &InvitationTemplates) -> Result<(), TemplateError> {
    for (language, template) in [
        ("german", &templates.german),
        ("english", &templates.english),
    ] {
        for (name, text) in [
            ("subject", &template.subject),
            ("body", &template.body),
            ("notice", &template.notice),
        ] {
            placeholders(&format!("{language}.{name}"), text)?;
        }
        let used = placeholders(&format!("{language}.notice"), &template.notice)?;
        if let Some(missing) = REQUIRED_IN_NOTICE.iter().find(|name| !used.contains(name)) {
            return Err(TemplateError::Missing {
                field: format!("{language}.notice"),
                name: (*missing).to_owned(),
            });
        }
    }
    Ok(())
}

/// The invitation for `details` from `templates`.
pub fn render(
    templates: &InvitationTemplates,
    details: &InvitationDetails<'_>,
) -> Result<Invitation, TemplateError> {
    check_templates(templates)?;
    Ok(Invitation {
        german: letter(&templates.german, details, Language::German),
        english: letter(&templates.english, details, Language::English),
    })
}

fn letter(
    template: &LetterTemplate,
    details: &InvitationDetails<'_>,
    language: Language,
) -> Letter {
    let (date, time) = local_time::wall_clock(details.start);
    let values = [
        (
            "appointment",
            details.appointment_type.name(language).to_owned(),
        ),
        ("date", wording::date(date, language)),
        ("time", wording::time(time, language)),
        (
            "place",
            wording::place(
                details.channel,
                details.office,
                details.video_link,
                language,
            ),
        ),
        ("reference", details.reference.to_string()),
    ];
    let fill = |text: &str| fill(text, &values);
    Letter {
        language,
        subject: fill(&template.subject),
        body: fill(&template.body),
        notice: fill(&template.notice),
    }
}

/// The placeholders `text` uses, or what is wrong with them.
fn placeholders<'t>(field: &str, text: &'t str) -> Result<Vec<&'t str>, TemplateError> {
    let mut used = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| TemplateError::Unclosed {
            field: field.to_owned(),
        })?;
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(TemplateError::UnknownPlaceholder {
                field: field.to_owned(),
                name: name.to_owned(),
            });
        }
        used.push(name);
        rest = &after[close + 1..];
    }
    Ok(used)
}

/// `text` with each checked `{name}` replaced by its value.
fn fill(text: &str, values: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let name = &after[..close];
        if let Some((_, value)) = values.iter().find(|(n, _)| *n == name) {
            out.push_str(value);
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests;
