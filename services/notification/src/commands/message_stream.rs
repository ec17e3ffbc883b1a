//! What a message's stream says about it: which way it went, to or from whom, whether it is in
//! the applicant's mailbox, and its first read. A pure fold of the decoded events; the command
//! path decides on it (who may mark it read, whether it is an applicant's message to reply to).

use chrono::{DateTime, Utc};
use eventlog::{LogPosition, RecordedEvent};
use jobcenter_proto::notification::v1 as proto;
use uuid::Uuid;

use crate::domain::Channel;
use crate::events::{NotificationEvent, from_timestamp};

/// A message as its stream tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageHead {
    /// An applicant wrote it (`MessageSent`); otherwise the jobcenter composed it.
    pub inbound: bool,
    /// Outbound to a member of staff.
    pub to_staff: bool,
    /// Outbound: the recipient; inbound: the applicant who wrote it.
    pub party: String,
    /// Outbound to an applicant and decided "send" on the mailbox.
    pub in_mailbox: bool,
    /// The case, if any.
    pub case_id: Option<Uuid>,
    /// The first read: when, by whom, and where it is in the log.
    pub read: Option<FirstRead>,
}

/// A message's first read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstRead {
    /// When.
    pub at: DateTime<Utc>,
    /// Where the log holds it.
    pub position: LogPosition,
}

/// The head of a message stream, `None` if it does not begin with a message.
pub fn fold(events: &[(RecordedEvent, NotificationEvent)]) -> Option<MessageHead> {
    let mut head = match events.first().map(|(_, event)| event) {
        Some(NotificationEvent::MessageComposed(composed)) => MessageHead {
            inbound: false,
            to_staff: composed.recipient_kind == proto::RecipientKind::Staff as i32,
            party: composed.recipient.clone(),
            in_mailbox: composed.channels.iter().any(|decision| {
                decision.send && Channel::from_proto(decision.channel) == Some(Channel::Mailbox)
            }),
            case_id: Uuid::parse_str(&composed.case_id).ok(),
            read: None,
        },
        Some(NotificationEvent::MessageSent(sent)) => MessageHead {
            inbound: true,
            to_staff: false,
            party: sent.author.clone(),
            in_mailbox: false,
            case_id: Uuid::parse_str(&sent.case_id).ok(),
            read: None,
        },
        _ => return None,
    };
    head.read = events.iter().find_map(|(recorded, event)| match event {
        NotificationEvent::MessageRead(read) => Some(FirstRead {
            at: read
                .read_at
                .as_ref()
                .and_then(from_timestamp)
                .unwrap_or(recorded.recorded_at),
            position: recorded.position,
        }),
        _ => None,
    });
    Some(head)
}

#[cfg(test)]
mod tests {
    use super::*;
    use eventlog::EventMetadata;

    fn recorded(version: i32) -> RecordedEvent {
        RecordedEvent {
            position: LogPosition::new(1, i64::from(version)),
            event_id: Uuid::from_u128(version as u128),
            stream_id: "message-x".into(),
            version,
            tenant_id: "jc".into(),
            event_type: String::new(),
            schema_version: 1,
            payload: Vec::new(),
            metadata: EventMetadata::default(),
            recorded_at: DateTime::from_timestamp(1_900_000_000, 0).expect("instant"),
            prev_hash: Vec::new(),
            hash: Vec::new(),
        }
    }

    #[test]
    fn an_applicants_message_is_inbound_and_its_first_read_counts() {
        let sent = NotificationEvent::MessageSent(proto::MessageSent {
            author: "a-1".into(),
            case_id: Uuid::from_u128(3).to_string(),
            ..Default::default()
        });
        let read = |seconds| {
            NotificationEvent::MessageRead(proto::MessageRead {
                read_by: "cw-1".into(),
                read_at: Some(prost_types::Timestamp { seconds, nanos: 0 }),
            })
        };
        let events = vec![
            (recorded(1), sent),
            (recorded(2), read(1_900_000_100)),
            (recorded(3), read(1_900_000_200)),
        ];
        let head = fold(&events).expect("a message");
        assert!(head.inbound && !head.in_mailbox);
        assert_eq!(head.party, "a-1");
        assert_eq!(head.case_id, Some(Uuid::from_u128(3)));
        let first = head.read.expect("read");
        assert_eq!(first.at.timestamp(), 1_900_000_100);
        assert_eq!(first.position, LogPosition::new(1, 2));
    }

    #[test]
    fn a_composed_message_is_in_the_mailbox_only_when_sent_there() {
        let composed = |send| {
            NotificationEvent::MessageComposed(proto::MessageComposed {
                recipient: "a-1".into(),
                recipient_kind: proto::RecipientKind::Applicant as i32,
                channels: vec![proto::ChannelDecision {
                    channel: proto::Channel::Mailbox as i32,
                    send,
                    reason: String::new(),
                }],
                ..Default::default()
            })
        };
        assert!(
            fold(&[(recorded(1), composed(true))])
                .expect("message")
                .in_mailbox
        );
        assert!(
            !fold(&[(recorded(1), composed(false))])
                .expect("message")
                .in_mailbox
        );
        let not_a_message = NotificationEvent::MessageRead(proto::MessageRead::default());
        assert_eq!(fold(&[(recorded(1), not_a_message)]), None);
    }
}
