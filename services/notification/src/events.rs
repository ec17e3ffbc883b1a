//! The events of the notification log: their recorded type names
//! (`notification.<MessageName>`), schema version, and the one conversion between the recorded
//! payloads of `proto/jobcenter/notification/v1/events.proto` and what the service works with.
//!
//! [`NotificationEvent`] is the payload as recorded (the proto message); the profile's domain
//! events ([`ProfileEvent`]) convert to and from it here ([`from_profile_event`],
//! [`to_profile_event`]). Every place that reads or writes the log goes through this module, so
//! types and versions are named one way.

use chrono::{DateTime, Utc};
use eventlog::{EventMetadata, NewEvent};
use jobcenter_proto::notification::v1 as proto;
use prost::Message;
use uuid::Uuid;

use crate::domain::Channel;
use crate::domain::profile::{ProfileEvent, PushSubscription};

/// Every event schema of the notification log is at version 1 so far.
pub const SCHEMA_VERSION: i32 = 1;

/// `notification.LanguagePreferred`.
pub const LANGUAGE_PREFERRED: &str = "notification.LanguagePreferred";
/// `notification.ConsentGiven`.
pub const CONSENT_GIVEN: &str = "notification.ConsentGiven";
/// `notification.ConsentWithdrawn`.
pub const CONSENT_WITHDRAWN: &str = "notification.ConsentWithdrawn";
/// `notification.EmailAddressSet`.
pub const EMAIL_ADDRESS_SET: &str = "notification.EmailAddressSet";
/// `notification.EmailAddressRemoved`.
pub const EMAIL_ADDRESS_REMOVED: &str = "notification.EmailAddressRemoved";
/// `notification.PushSubscriptionRegistered`.
pub const PUSH_SUBSCRIPTION_REGISTERED: &str = "notification.PushSubscriptionRegistered";
/// `notification.PushSubscriptionRemoved`.
pub const PUSH_SUBSCRIPTION_REMOVED: &str = "notification.PushSubscriptionRemoved";
/// `notification.MessageComposed`.
pub const MESSAGE_COMPOSED: &str = "notification.MessageComposed";
/// `notification.MessageRead`.
pub const MESSAGE_READ: &str = "notification.MessageRead";
/// `notification.DeliverySucceeded`.
pub const DELIVERY_SUCCEEDED: &str = "notification.DeliverySucceeded";
/// `notification.DeliveryAttemptFailed`.
pub const DELIVERY_ATTEMPT_FAILED: &str = "notification.DeliveryAttemptFailed";
/// `notification.DeliveryDeadLettered`.
pub const DELIVERY_DEAD_LETTERED: &str = "notification.DeliveryDeadLettered";
/// `notification.LetterPrinted`.
pub const LETTER_PRINTED: &str = "notification.LetterPrinted";
/// `notification.MessageSent`: an applicant's message; the case service notes it on the case.
pub const MESSAGE_SENT: &str = "notification.MessageSent";

/// Every recorded type name this version knows.
pub const TYPES: &[&str] = &[
    LANGUAGE_PREFERRED,
    CONSENT_GIVEN,
    CONSENT_WITHDRAWN,
    EMAIL_ADDRESS_SET,
    EMAIL_ADDRESS_REMOVED,
    PUSH_SUBSCRIPTION_REGISTERED,
    PUSH_SUBSCRIPTION_REMOVED,
    MESSAGE_COMPOSED,
    MESSAGE_READ,
    DELIVERY_SUCCEEDED,
    DELIVERY_ATTEMPT_FAILED,
    DELIVERY_DEAD_LETTERED,
    LETTER_PRINTED,
    MESSAGE_SENT,
];

/// Why a recorded event cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum UnreadableEvent {
    /// The payload is not the message its type names.
    #[error("the payload does not decode")]
    Decode(#[from] prost::DecodeError),
    /// A field holds what the service never writes there.
    #[error("the field {0} is unreadable")]
    Field(&'static str),
}

/// One event of the notification log, as recorded.
#[derive(Debug, Clone, PartialEq)]
pub enum NotificationEvent {
    /// The applicant chose a language.
    LanguagePreferred(proto::LanguagePreferred),
    /// Consent to a channel was given.
    ConsentGiven(proto::ConsentGiven),
    /// Consent to a channel was withdrawn.
    ConsentWithdrawn(proto::ConsentWithdrawn),
    /// The e-mail address was set.
    EmailAddressSet(proto::EmailAddressSet),
    /// The e-mail address was removed.
    EmailAddressRemoved(proto::EmailAddressRemoved),
    /// A push subscription was registered.
    PushSubscriptionRegistered(proto::PushSubscriptionRegistered),
    /// A push subscription ended.
    PushSubscriptionRemoved(proto::PushSubscriptionRemoved),
    /// A message was composed and its channels decided.
    MessageComposed(proto::MessageComposed),
    /// The recipient read the message.
    MessageRead(proto::MessageRead),
    /// A channel delivered the message.
    DeliverySucceeded(proto::DeliverySucceeded),
    /// A delivery attempt failed.
    DeliveryAttemptFailed(proto::DeliveryAttemptFailed),
    /// A delivery was given up.
    DeliveryDeadLettered(proto::DeliveryDeadLettered),
    /// The print service printed the letter.
    LetterPrinted(proto::LetterPrinted),
    /// An applicant wrote to the jobcenter.
    MessageSent(proto::MessageSent),
}

impl NotificationEvent {
    /// The recorded type name.
    pub fn event_type(&self) -> &'static str {
        match self {
            NotificationEvent::LanguagePreferred(_) => LANGUAGE_PREFERRED,
            NotificationEvent::ConsentGiven(_) => CONSENT_GIVEN,
            NotificationEvent::ConsentWithdrawn(_) => CONSENT_WITHDRAWN,
            NotificationEvent::EmailAddressSet(_) => EMAIL_ADDRESS_SET,
            NotificationEvent::EmailAddressRemoved(_) => EMAIL_ADDRESS_REMOVED,
            NotificationEvent::PushSubscriptionRegistered(_) => PUSH_SUBSCRIPTION_REGISTERED,
            NotificationEvent::PushSubscriptionRemoved(_) => PUSH_SUBSCRIPTION_REMOVED,
            NotificationEvent::MessageComposed(_) => MESSAGE_COMPOSED,
            NotificationEvent::MessageRead(_) => MESSAGE_READ,
            NotificationEvent::DeliverySucceeded(_) => DELIVERY_SUCCEEDED,
            NotificationEvent::DeliveryAttemptFailed(_) => DELIVERY_ATTEMPT_FAILED,
            NotificationEvent::DeliveryDeadLettered(_) => DELIVERY_DEAD_LETTERED,
            NotificationEvent::LetterPrinted(_) => LETTER_PRINTED,
            NotificationEvent::MessageSent(_) => MESSAGE_SENT,
        }
    }

    /// The payload bytes.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            NotificationEvent::LanguagePreferred(e) => e.encode_to_vec(),
            NotificationEvent::ConsentGiven(e) => e.encode_to_vec(),
            NotificationEvent::ConsentWithdrawn(e) => e.encode_to_vec(),
            NotificationEvent::EmailAddressSet(e) => e.encode_to_vec(),
            NotificationEvent::EmailAddressRemoved(e) => e.encode_to_vec(),
            NotificationEvent::PushSubscriptionRegistered(e) => e.encode_to_vec(),
            NotificationEvent::PushSubscriptionRemoved(e) => e.encode_to_vec(),
            NotificationEvent::MessageComposed(e) => e.encode_to_vec(),
            NotificationEvent::MessageRead(e) => e.encode_to_vec(),
            NotificationEvent::DeliverySucceeded(e) => e.encode_to_vec(),
            NotificationEvent::DeliveryAttemptFailed(e) => e.encode_to_vec(),
            NotificationEvent::DeliveryDeadLettered(e) => e.encode_to_vec(),
            NotificationEvent::LetterPrinted(e) => e.encode_to_vec(),
            NotificationEvent::MessageSent(e) => e.encode_to_vec(),
        }
    }

    /// The event ready to append, with its context.
    pub fn to_new_event(&self, metadata: EventMetadata) -> NewEvent {
        NewEvent {
            event_type: self.event_type().to_owned(),
            schema_version: SCHEMA_VERSION,
            payload: self.encode(),
            metadata,
        }
    }

    /// The event recorded as `event_type` with `payload`; `None` for a type this version does
    /// not know (written by a newer version).
    pub fn decode(event_type: &str, payload: &[u8]) -> Result<Option<Self>, UnreadableEvent> {
        use NotificationEvent as E;
        let event = match event_type {
            LANGUAGE_PREFERRED => E::LanguagePreferred(Message::decode(payload)?),
            CONSENT_GIVEN => E::ConsentGiven(Message::decode(payload)?),
            CONSENT_WITHDRAWN => E::ConsentWithdrawn(Message::decode(payload)?),
            EMAIL_ADDRESS_SET => E::EmailAddressSet(Message::decode(payload)?),
            EMAIL_ADDRESS_REMOVED => E::EmailAddressRemoved(Message::decode(payload)?),
            PUSH_SUBSCRIPTION_REGISTERED => {
                E::PushSubscriptionRegistered(Message::decode(payload)?)
            }
            PUSH_SUBSCRIPTION_REMOVED => E::PushSubscriptionRemoved(Message::decode(payload)?),
            MESSAGE_COMPOSED => E::MessageComposed(Message::decode(payload)?),
            MESSAGE_READ => E::MessageRead(Message::decode(payload)?),
            DELIVERY_SUCCEEDED => E::DeliverySucceeded(Message::decode(payload)?),
            DELIVERY_ATTEMPT_FAILED => E::DeliveryAttemptFailed(Message::decode(payload)?),
            DELIVERY_DEAD_LETTERED => E::DeliveryDeadLettered(Message::decode(payload)?),
            LETTER_PRINTED => E::LetterPrinted(Message::decode(payload)?),
            MESSAGE_SENT => E::MessageSent(Message::decode(payload)?),
            _ => return Ok(None),
        };
        Ok(Some(event))
    }
}

/// The recorded form of the profile event `event` of `account`.
pub fn from_profile_event(account: &str, event: &ProfileEvent) -> NotificationEvent {
    let account = account.to_owned();
    match event {
        ProfileEvent::LanguagePreferred {
            language,
            recorded_by,
        } => NotificationEvent::LanguagePreferred(proto::LanguagePreferred {
            account,
            language: language.clone(),
            recorded_by: recorded_by.clone(),
        }),
        ProfileEvent::ConsentGiven {
            channel,
            wording_version,
            recorded_by,
        } => NotificationEvent::ConsentGiven(proto::ConsentGiven {
            account,
            channel: channel.to_proto() as i32,
            recorded_by: recorded_by.clone(),
            wording_version: wording_version.clone(),
        }),
        ProfileEvent::ConsentWithdrawn {
            channel,
            recorded_by,
        } => NotificationEvent::ConsentWithdrawn(proto::ConsentWithdrawn {
            account,
            channel: channel.to_proto() as i32,
            recorded_by: recorded_by.clone(),
        }),
        ProfileEvent::EmailAddressSet { address } => {
            NotificationEvent::EmailAddressSet(proto::EmailAddressSet {
                account,
                address: address.clone(),
            })
        }
        ProfileEvent::EmailAddressRemoved => {
            NotificationEvent::EmailAddressRemoved(proto::EmailAddressRemoved { account })
        }
        ProfileEvent::PushSubscriptionRegistered(subscription) => {
            NotificationEvent::PushSubscriptionRegistered(proto::PushSubscriptionRegistered {
                account,
                subscription_id: subscription.id.to_string(),
                endpoint: subscription.endpoint.clone(),
                p256dh: subscription.p256dh.clone(),
                auth: subscription.auth.clone(),
            })
        }
        ProfileEvent::PushSubscriptionRemoved {
            subscription_id,
            reason,
        } => NotificationEvent::PushSubscriptionRemoved(proto::PushSubscriptionRemoved {
            account,
            subscription_id: subscription_id.to_string(),
            reason: reason.clone(),
        }),
    }
}

/// The profile event a recorded event stands for, with its account; `None` for a message
/// event.
pub fn to_profile_event(
    event: &NotificationEvent,
) -> Result<Option<(&str, ProfileEvent)>, UnreadableEvent> {
    let channel = |value: i32| Channel::from_proto(value).ok_or(UnreadableEvent::Field("channel"));
    let uuid =
        |value: &str, field| Uuid::parse_str(value).map_err(|_| UnreadableEvent::Field(field));
    let converted = match event {
        NotificationEvent::LanguagePreferred(e) => (
            e.account.as_str(),
            ProfileEvent::LanguagePreferred {
                language: e.language.clone(),
                recorded_by: e.recorded_by.clone(),
            },
        ),
        NotificationEvent::ConsentGiven(e) => (
            e.account.as_str(),
            ProfileEvent::ConsentGiven {
                channel: channel(e.channel)?,
                wording_version: e.wording_version.clone(),
                recorded_by: e.recorded_by.clone(),
            },
        ),
        NotificationEvent::ConsentWithdrawn(e) => (
            e.account.as_str(),
            ProfileEvent::ConsentWithdrawn {
                channel: channel(e.channel)?,
                recorded_by: e.recorded_by.clone(),
            },
        ),
        NotificationEvent::EmailAddressSet(e) => (
            e.account.as_str(),
            ProfileEvent::EmailAddressSet {
                address: e.address.clone(),
            },
        ),
        NotificationEvent::EmailAddressRemoved(e) => {
            (e.account.as_str(), ProfileEvent::EmailAddressRemoved)
        }
        NotificationEvent::PushSubscriptionRegistered(e) => (
            e.account.as_str(),
            ProfileEvent::PushSubscriptionRegistered(PushSubscription {
                id: uuid(&e.subscription_id, "subscription_id")?,
                endpoint: e.endpoint.clone(),
                p256dh: e.p256dh.clone(),
                auth: e.auth.clone(),
            }),
        ),
        NotificationEvent::PushSubscriptionRemoved(e) => (
            e.account.as_str(),
            ProfileEvent::PushSubscriptionRemoved {
                subscription_id: uuid(&e.subscription_id, "subscription_id")?,
                reason: e.reason.clone(),
            },
        ),
        _ => return Ok(None),
    };
    Ok(Some(converted))
}

/// A timestamp of `at`.
pub fn to_timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// The instant of a timestamp, if it is one.
pub fn from_timestamp(at: &prost_types::Timestamp) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(at.seconds, u32::try_from(at.nanos).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_event_round_trips_through_its_recorded_form() {
        let events = [
            ProfileEvent::LanguagePreferred {
                language: "uk".into(),
                recorded_by: "cw-1".into(),
            },
            ProfileEvent::ConsentGiven {
                channel: Channel::Email,
                wording_version: "2026-11".into(),
                recorded_by: "a-1".into(),
            },
            ProfileEvent::ConsentWithdrawn {
                channel: Channel::Push,
                recorded_by: "a-1".into(),
            },
            ProfileEvent::EmailAddressSet {
                address: "a@b.de".into(),
            },
            ProfileEvent::EmailAddressRemoved,
            ProfileEvent::PushSubscriptionRegistered(PushSubscription {
                id: Uuid::from_u128(5),
                endpoint: "https://push.example/x".into(),
                p256dh: vec![4; 65],
                auth: vec![1; 16],
            }),
            ProfileEvent::PushSubscriptionRemoved {
                subscription_id: Uuid::from_u128(5),
                reason: "push service answered 410 Gone".into(),
            },
        ];
        let mut types = Vec::new();
        for event in &events {
            let recorded = from_profile_event("a-1", event);
            types.push(recorded.event_type());
            let decoded = NotificationEvent::decode(recorded.event_type(), &recorded.encode())
                .expect("decodes")
                .expect("known");
            assert_eq!(decoded, recorded);
            let (account, back) = to_profile_event(&decoded)
                .expect("readable")
                .expect("profile");
            assert_eq!((account, &back), ("a-1", event));
        }
        types.dedup();
        assert_eq!(types.len(), events.len());
        assert!(
            types
                .iter()
                .all(|t| TYPES.contains(t) && t.starts_with("notification."))
        );
    }

    #[test]
    fn message_events_are_no_profile_events_and_unknown_types_are_passed_over() {
        let sent = NotificationEvent::MessageSent(proto::MessageSent::default());
        assert!(to_profile_event(&sent).expect("readable").is_none());
        assert!(
            NotificationEvent::decode("notification.SomethingNew", b"")
                .expect("no error")
                .is_none()
        );
        assert!(NotificationEvent::decode(MESSAGE_READ, &[0xff, 0xff]).is_err());
    }

    #[test]
    fn timestamps_round_trip_to_the_microsecond() {
        let at = DateTime::from_timestamp_micros(1_900_000_000_123_456).expect("instant");
        assert_eq!(from_timestamp(&to_timestamp(at)), Some(at));
    }
}
