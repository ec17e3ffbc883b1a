//! What an applicant reads about a submission: the status in plain words and the warnings, in
//! the requested language.

use chrono::{DateTime, Utc};
use jobcenter_proto::intake::v1 as proto;

use super::forms::{self, Form, FormKind, rules::TenantRules};
use super::i18n::{self, Language};
use super::values::legal_day;

/// The kind of a recorded submission (events before the oneof carry a main application).
pub fn kind_of(event: &proto::ApplicationSubmitted) -> Option<FormKind> {
    event.form.as_ref().map(|f| Form::from_event(f).kind())
}

/// The status text of a received submission.
pub fn status_text(
    kind: Option<FormKind>,
    received_at: Option<DateTime<Utc>>,
    warned: bool,
    language: Language,
) -> String {
    let kind = kind.unwrap_or(FormKind::Main);
    let date = received_at
        .map(legal_day)
        .map_or_else(String::new, |d| match language {
            Language::German => d.format("%d.%m.%Y").to_string(),
            Language::English => d.format("%-d %B %Y").to_string(),
        });
    let key = if kind.opens_case() {
        "status.received.case"
    } else {
        "status.received"
    };
    let kind_name = i18n::text(language, &format!("kind.{}", kind.root()), &[]);
    let mut text = i18n::text(language, key, &[("kind", kind_name), ("date", date)]);
    if warned {
        text.push(' ');
        text.push_str(&i18n::text(language, "status.warnings", &[]));
    }
    text
}

/// The recorded warnings in `language`. They were recorded in German; for another language the
/// recorded form is checked again as of its day of receipt and each recorded warning takes the
/// text of the same rule at the same field (the recorded German text when a rule has changed
/// since).
pub fn warnings_in(
    event: &proto::ApplicationSubmitted,
    received_at: Option<DateTime<Utc>>,
    tenant: &TenantRules,
    language: Language,
) -> Vec<proto::PlausibilityWarning> {
    if language == Language::German || event.warnings.is_empty() {
        return event.warnings.clone();
    }
    let again = match (event.form.as_ref(), received_at) {
        (Some(form), Some(at)) => {
            forms::check(&Form::from_event(form), legal_day(at), tenant).warnings
        }
        _ => Vec::new(),
    };
    event
        .warnings
        .iter()
        .map(|recorded| {
            again
                .iter()
                .find(|f| f.field == recorded.field && f.rule == recorded.rule)
                .map_or_else(|| recorded.clone(), |f| super::warning(f, language))
        })
        .collect()
}
