//! Takes the applicant's messages onto the cases (docs/casework/messages.md): a message an
//! applicant wrote about their case from the mailbox (`notification.MessageSent`) is noted on it
//! (`case.ApplicantMessageNoted`, which opens a task for the case's caseworker), and a
//! caseworker's reply to it (`notification.MessageComposed` with origin `reply`) is recorded as
//! its answer (`case.ApplicantMessageAnswered`, which closes the task).
//!
//! Runs as a projection over the notification service's log (source `notification`, JetStream
//! `EV_NOTIFICATION`), appending to the case log with `CaseCommands::execute_in` inside the
//! runner's batch transaction, so the append commits with the checkpoint. The command id is
//! derived from the notification event's id (and scoped by tenant and case like every command
//! id): a redelivery appends nothing twice. The case is the payload's `case_id` (the metadata's
//! when the payload lacks it); a message without one is none of the case service's business.
//! An event naming no case of its tenant is logged (ids only) and passed by: one bad event must
//! not stop every message behind it. Messages the jobcenter composed on a trigger, read
//! receipts and deliveries are not the case's business either.

use eventlog::RecordedEvent;
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::notification::v1 as notification;
use prost::Message;
use uuid::Uuid;

use super::foreign::{ForeignEvents, ForeignReactor};
pub use super::foreign::{Passed, Reaction};
use crate::domain::case::Command;
use crate::domain::to_timestamp;

/// Name of the reactor (its checkpoint key and actor `reactor:messages`).
pub const NAME: &str = "messages";
/// The service whose log the reactor consumes.
pub const NOTIFICATION_SERVICE: &str = "notification";

/// Event types of the notification log the reactor reacts to.
pub const MESSAGE_SENT: &str = "notification.MessageSent";
pub const MESSAGE_COMPOSED: &str = "notification.MessageComposed";

/// Fixed namespace of the reactor's command ids: UUIDv5(namespace, notification event id).
pub const MESSAGE_COMMAND_NAMESPACE: Uuid =
    Uuid::from_u128(0x71c4_0e9a_3b58_4d27_a6f1_d83e_25b0_c94a);

/// The command id of the reaction to notification event `notification_event_id`.
pub fn reaction_command_id(notification_event_id: Uuid) -> Uuid {
    Uuid::new_v5(&MESSAGE_COMMAND_NAMESPACE, notification_event_id.as_bytes())
}

/// The message whose stream is `stream_id` (`message-<uuid>`).
pub fn message_of_stream(stream_id: &str) -> Option<Uuid> {
    stream_id
        .strip_prefix("message-")
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// The case command for notification `event`, or why there is none. Pure, apart from decoding.
pub fn reaction(event: &RecordedEvent) -> Result<Reaction, Passed> {
    let payload = event.payload.as_slice();
    let unreadable = |_| Passed::Malformed("unreadable payload");
    let (case_id, command) = match event.event_type.as_str() {
        MESSAGE_SENT => {
            let e = notification::MessageSent::decode(payload).map_err(unreadable)?;
            let message_id = message_id(&e.message_id, &event.stream_id)?;
            let in_reply_to = optional_uuid(&e.in_reply_to)?;
            let command = Command::NoteApplicantMessage(proto::ApplicantMessageNoted {
                message_id,
                subject: e.subject,
                attachment_document_ids: e.attachment_document_ids,
                // Recorded when the applicant sent it: the legal receipt.
                sent_at: Some(to_timestamp(event.recorded_at)),
                in_reply_to,
                author: e.author,
            });
            (e.case_id, command)
        }
        MESSAGE_COMPOSED => {
            let e = notification::MessageComposed::decode(payload).map_err(unreadable)?;
            let Some(notification::message_composed::Origin::Reply(reply)) = e.origin else {
                return Err(Passed::NotOfInterest);
            };
            let answered = optional_uuid(&reply.in_reply_to)?;
            if answered.is_empty() {
                return Err(Passed::Malformed("the reply names no message"));
            }
            let command = Command::AnswerApplicantMessage(proto::ApplicantMessageAnswered {
                message_id: answered,
                reply_message_id: message_id(&e.message_id, &event.stream_id)?,
                answered_by: reply.author,
                // The case completes it from what it noted.
                subject: String::new(),
            });
            (e.case_id, command)
        }
        _ => return Err(Passed::NotOfInterest),
    };
    let case_id = if case_id.is_empty() {
        event.metadata.case_id.clone().unwrap_or_default()
    } else {
        case_id
    };
    if case_id.is_empty() {
        return Err(Passed::NoCase);
    }
    let case_id =
        Uuid::parse_str(&case_id).map_err(|_| Passed::Malformed("the case id is no UUID"))?;
    Ok(Reaction { case_id, command })
}

/// The message's id in one spelling (so that a reply's `in_reply_to` finds the noted message
/// however it was written): the payload's, or the stream's when the payload lacks it.
fn message_id(payload_id: &str, stream_id: &str) -> Result<String, Passed> {
    let id = if payload_id.is_empty() {
        message_of_stream(stream_id)
    } else {
        Uuid::parse_str(payload_id).ok()
    };
    id.map(|id| id.to_string())
        .ok_or(Passed::Malformed("the message id is no UUID"))
}

/// The id of a message answered, in one spelling; empty stays empty.
fn optional_uuid(id: &str) -> Result<String, Passed> {
    if id.is_empty() {
        return Ok(String::new());
    }
    Uuid::parse_str(id)
        .map(|id| id.to_string())
        .map_err(|_| Passed::Malformed("the message answered is no UUID"))
}

/// The events of this log the case reacts to.
pub struct Messages;

impl ForeignEvents for Messages {
    const NAME: &'static str = NAME;
    const WHAT: &'static str = "notification event";

    fn reaction(event: &RecordedEvent) -> Result<Reaction, Passed> {
        reaction(event)
    }

    fn command_id(event_id: Uuid) -> Uuid {
        reaction_command_id(event_id)
    }
}

/// The reactor.
pub type MessageReactor = ForeignReactor<Messages>;

#[cfg(test)]
mod tests;
