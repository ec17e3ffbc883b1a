//! Which messages exist and which arguments each may use: the contract between the code that
//! composes messages and the .ftl files (services/notification/templates/<lang>/messages.ftl).
//!
//! Every file must define every message listed here, and a message may only use the
//! variables listed for it. The hints for e-mail and push may use the portal address and
//! nothing else: they leave the protected mailbox, so they must carry no personal data
//! (docs/notification/service.md, "Channels and consent").

use crate::domain::Topic;

/// The subject of the e-mail hint ("you have a new message"); only `$portal_url`.
pub const HINT_SUBJECT: &str = "hint-subject";
/// The text of the e-mail hint; only `$portal_url`.
pub const HINT_BODY: &str = "hint-body";
/// The title of a push message; only `$portal_url`.
pub const PUSH_TITLE: &str = "push-title";
/// The text of a push message; only `$portal_url`.
pub const PUSH_BODY: &str = "push-body";
/// The salutation that opens a printed letter (bodies carry none).
pub const LETTER_SALUTATION: &str = "letter-salutation";
/// The closing of a printed letter, with the jobcenter's name.
pub const LETTER_CLOSING: &str = "letter-closing";

/// The messages beside the topics' subjects and bodies.
pub const EXTRA_MESSAGES: [&str; 6] = [
    HINT_SUBJECT,
    HINT_BODY,
    PUSH_TITLE,
    PUSH_BODY,
    LETTER_SALUTATION,
    LETTER_CLOSING,
];

/// The jobcenter's name as it should appear in a text ("Jobcenter Musterstadt").
pub const JOBCENTER: &str = "jobcenter";
/// The address of the jobcenter's portal, the only argument of the hints.
pub const PORTAL_URL: &str = "portal_url";

/// The arguments a topic's messages may use, besides `jobcenter` (see [`topic_arguments`]).
fn topic_specific(topic: Topic) -> &'static [&'static str] {
    const APPOINTMENT: &[&str] = &["start", "reference", "channel", "video_link", "office"];
    match topic {
        Topic::SubmissionReceived => &["kind", "received_at"],
        Topic::DocumentsRequested => &["documents", "due"],
        Topic::DocumentsDueSoon => &["due"],
        Topic::DecisionIssued => &[],
        Topic::ObjectionReceived => &["filed_on"],
        Topic::ObjectionFiled => &["filed_on", "late"],
        Topic::SickNoteRecorded => &["from", "until"],
        Topic::SickNoteNeedsReview => &[],
        Topic::DecisionOverdue => &["limit"],
        Topic::AppointmentBooked | Topic::AppointmentInvited | Topic::AppointmentReminder => {
            APPOINTMENT
        }
        Topic::AppointmentRescheduled | Topic::AppointmentCancelled => &["start", "reference"],
        Topic::Reply => &["text"],
    }
}

/// The arguments a topic's subject and body may use, `jobcenter` included. Code composing a
/// message gives all of them (an unused one is harmless, a missing one is an error).
pub fn topic_arguments(topic: Topic) -> Vec<&'static str> {
    let mut names = vec![JOBCENTER];
    names.extend_from_slice(topic_specific(topic));
    names
}

/// The arguments a message may use; `None` for an id no code asks for.
pub(crate) fn allowed_variables(id: &str) -> Option<Vec<&'static str>> {
    match id {
        HINT_SUBJECT | HINT_BODY | PUSH_TITLE | PUSH_BODY => Some(vec![PORTAL_URL]),
        LETTER_SALUTATION | LETTER_CLOSING => Some(vec![JOBCENTER]),
        _ => Topic::ALL
            .into_iter()
            .find(|topic| id == subject_id(*topic) || id == body_id(*topic))
            .map(topic_arguments),
    }
}

/// Every message id each language file must define.
pub(crate) fn required_ids() -> Vec<String> {
    Topic::ALL
        .into_iter()
        .flat_map(|topic| [subject_id(topic), body_id(topic)])
        .chain(EXTRA_MESSAGES.into_iter().map(str::to_owned))
        .collect()
}

/// The id of a topic's subject message.
pub(crate) fn subject_id(topic: Topic) -> String {
    format!("{}-subject", topic.template_id())
}

/// The id of a topic's body message.
pub(crate) fn body_id(topic: Topic) -> String {
    format!("{}-body", topic.template_id())
}

/// The template files compiled into the binary: (language, file name, source).
pub(crate) const EMBEDDED: [(&str, &str, &str); 6] = [
    (
        "de",
        "templates/de/messages.ftl",
        include_str!("../../templates/de/messages.ftl"),
    ),
    (
        "en",
        "templates/en/messages.ftl",
        include_str!("../../templates/en/messages.ftl"),
    ),
    (
        "uk",
        "templates/uk/messages.ftl",
        include_str!("../../templates/uk/messages.ftl"),
    ),
    (
        "ar",
        "templates/ar/messages.ftl",
        include_str!("../../templates/ar/messages.ftl"),
    ),
    (
        "tr",
        "templates/tr/messages.ftl",
        include_str!("../../templates/tr/messages.ftl"),
    ),
    (
        "ru",
        "templates/ru/messages.ftl",
        include_str!("../../templates/ru/messages.ftl"),
    ),
];
