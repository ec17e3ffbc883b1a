//! The applicant's messages on the case (docs/casework/messages.md): what the case remembers of
//! the messages an applicant writes to the jobcenter about it, and the decisions on the two ways
//! they reach the case.
//!
//! - A message the applicant sent is noted on the case ([`decide_note`]), once per message, also
//!   on a closed case: the applicant may write after closing, and someone must answer. The note
//!   opens a task for the case's caseworker.
//! - A caseworker's reply to a noted message is recorded ([`decide_answer`]), which closes that
//!   task. A reply to a message the case never noted (a message of the jobcenter's, one about
//!   another case) records nothing, and so does every reply after the first.
//!
//! Pure: the `messages` reactor converts the notification service's events into these commands
//! and executes the events through `commands::CaseCommands`.

use std::collections::BTreeMap;

use jobcenter_proto::case::v1 as proto;

use super::case::Case;
use super::events::Event;

/// Where one of the applicant's messages stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MessageState {
    /// Noted, and no reply yet: the task is open.
    #[default]
    Unanswered,
    /// A caseworker replied.
    Answered,
}

/// What the case knows of one of the applicant's messages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    /// The subject line the applicant wrote.
    pub subject: String,
    pub state: MessageState,
}

/// The applicant's messages the case noted, by message id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Messages {
    pub known: BTreeMap<String, Known>,
}

impl Messages {
    /// Folds one event of the case.
    pub fn evolve(&mut self, event: &Event) {
        match event {
            Event::ApplicantMessageNoted(e) => {
                self.known.entry(e.message_id.clone()).or_insert(Known {
                    subject: e.subject.clone(),
                    state: MessageState::Unanswered,
                });
            }
            Event::ApplicantMessageAnswered(e) => {
                if let Some(known) = self.known.get_mut(&e.message_id) {
                    known.state = MessageState::Answered;
                }
            }
            _ => {}
        }
    }
}

/// What noting an applicant's message records: the note, on an open or a closed case; nothing
/// when the message has no id or was noted before (the notification service sending the same
/// message twice opens no second task).
pub fn decide_note(case: &Case, noted: proto::ApplicantMessageNoted) -> Vec<Event> {
    if noted.message_id.is_empty() || case.messages.known.contains_key(&noted.message_id) {
        return Vec::new();
    }
    vec![Event::ApplicantMessageNoted(noted)]
}

/// What a caseworker's reply records: the answer to a noted, unanswered message, completed with
/// the subject the case noted; nothing otherwise.
pub fn decide_answer(case: &Case, answered: proto::ApplicantMessageAnswered) -> Vec<Event> {
    match case.messages.known.get(&answered.message_id) {
        Some(known) if known.state == MessageState::Unanswered => {
            vec![Event::ApplicantMessageAnswered(
                proto::ApplicantMessageAnswered {
                    subject: known.subject.clone(),
                    ..answered
                },
            )]
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests;
