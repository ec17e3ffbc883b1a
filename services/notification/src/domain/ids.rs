//! Stream ids and deterministic ids of the notification log. Everything that may be retried
//! or redelivered gets its id from what it stands for, so the log's unique event ids refuse a
//! second copy.

use eventlog::scoped_command_id;
use uuid::Uuid;

use super::{Channel, Topic};

/// Namespace of recipient stream ids: UUIDv5(namespace, "<tenant>\0<account>").
const RECIPIENT_NAMESPACE: Uuid = Uuid::from_u128(0x6a1d_93c4_0f27_4b8e_9d53_21c8_e7a4_b610);
/// Namespace of message ids composed from a trigger event.
const TRIGGER_MESSAGE_NAMESPACE: Uuid = Uuid::from_u128(0x0c5e_7f21_a8d4_4e93_b1f6_4d2a_9c83_e571);
/// Namespace of command ids of the notification log (see [`command_id`]).
pub const COMMAND_NAMESPACE: Uuid = Uuid::from_u128(0x9b3f_2a64_71ce_4d05_8e1a_c6f7_30b9_d248);
/// Namespace of outbox row ids and delivery outcome command ids.
const DELIVERY_NAMESPACE: Uuid = Uuid::from_u128(0x4e87_c1b2_5d39_4a6f_a0c4_8b1e_f26d_7395);

/// The recipient (profile) stream id of an applicant's account: `recipient-<uuid>`, the uuid
/// derived from tenant and account so no subject appears in a stream id.
pub fn recipient_stream(tenant: &str, account: &str) -> String {
    let mut name = Vec::with_capacity(tenant.len() + account.len() + 1);
    name.extend_from_slice(tenant.as_bytes());
    name.push(0);
    name.extend_from_slice(account.as_bytes());
    format!("recipient-{}", Uuid::new_v5(&RECIPIENT_NAMESPACE, &name))
}

/// The stream of a message: `message-<uuid>`.
pub fn message_stream(message_id: Uuid) -> String {
    format!("message-{message_id}")
}

/// The message id of a stream `message-<uuid>`.
pub fn message_of_stream(stream_id: &str) -> Option<Uuid> {
    stream_id
        .strip_prefix("message-")
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// The id of the message a trigger event composes for one recipient and topic: the same event
/// always composes the same message, so a redelivery composes nothing twice. `recipient` is
/// the recipient's subject, or the application id for an applicant reached only by post.
pub fn trigger_message_id(trigger_event_id: Uuid, recipient: &str, topic: Topic) -> Uuid {
    let mut name = Vec::with_capacity(16 + recipient.len() + 32);
    name.extend_from_slice(trigger_event_id.as_bytes());
    name.push(0);
    name.extend_from_slice(recipient.as_bytes());
    name.push(0);
    name.extend_from_slice(topic.template_id().as_bytes());
    Uuid::new_v5(&TRIGGER_MESSAGE_NAMESPACE, &name)
}

/// The command id the log records for a command `command_id` on `stream` of `tenant`.
pub fn command_id(tenant: &str, stream: &str, command_id: Uuid) -> Uuid {
    scoped_command_id(&COMMAND_NAMESPACE, tenant, stream, command_id)
}

/// The outbox row of a message's delivery on one channel: one per (message, channel).
pub fn outbox_id(message_id: Uuid, channel: Channel) -> Uuid {
    let mut name = Vec::with_capacity(24);
    name.extend_from_slice(message_id.as_bytes());
    name.push(0);
    name.extend_from_slice(channel.as_str().as_bytes());
    Uuid::new_v5(&DELIVERY_NAMESPACE, &name)
}

/// The command id of the outcome of attempt `attempt` of an outbox row: recording an outcome
/// twice (a worker that crashed after its commit) appends nothing twice.
pub fn delivery_outcome_id(outbox_id: Uuid, attempt: u32) -> Uuid {
    let mut name = Vec::with_capacity(21);
    name.extend_from_slice(outbox_id.as_bytes());
    name.push(0);
    name.extend_from_slice(&attempt.to_be_bytes());
    Uuid::new_v5(&DELIVERY_NAMESPACE, &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipient_streams_depend_on_tenant_and_account_and_hide_the_subject() {
        let a = recipient_stream("jc-essen", "user-1");
        assert_eq!(a, recipient_stream("jc-essen", "user-1"));
        assert_ne!(a, recipient_stream("jc-bochum", "user-1"));
        assert_ne!(a, recipient_stream("jc-essen", "user-2"));
        assert!(a.starts_with("recipient-") && !a.contains("user-1"));
    }

    #[test]
    fn trigger_messages_are_one_per_event_recipient_and_topic() {
        let event = Uuid::from_u128(7);
        let id = trigger_message_id(event, "user-1", Topic::DocumentsRequested);
        assert_eq!(
            id,
            trigger_message_id(event, "user-1", Topic::DocumentsRequested)
        );
        assert_ne!(
            id,
            trigger_message_id(event, "user-2", Topic::DocumentsRequested)
        );
        assert_ne!(
            id,
            trigger_message_id(event, "user-1", Topic::DocumentsDueSoon)
        );
        assert_ne!(
            id,
            trigger_message_id(Uuid::from_u128(8), "user-1", Topic::DocumentsRequested)
        );
        assert_eq!(message_of_stream(&message_stream(id)), Some(id));
    }

    #[test]
    fn outbox_rows_and_outcomes_are_distinct_per_channel_and_attempt() {
        let message = Uuid::from_u128(1);
        let push = outbox_id(message, Channel::Push);
        assert_ne!(push, outbox_id(message, Channel::Email));
        assert_ne!(delivery_outcome_id(push, 1), delivery_outcome_id(push, 2));
    }
}
