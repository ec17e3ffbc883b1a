//! Per-message delivery options of RFC 8030: time to live, urgency, and a replacing topic.

use crate::keys::encode_base64url;

/// The longest topic RFC 8030 §5.4 allows.
pub const MAX_TOPIC_LEN: usize = 32;

/// How urgent a message is (RFC 8030 §5.3): a device on battery may hold back less urgent ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Urgency {
    /// `very-low`: only on power and Wi-Fi.
    VeryLow,
    /// `low`: on power or Wi-Fi.
    Low,
    /// `normal`: not on low battery.
    #[default]
    Normal,
    /// `high`: always.
    High,
}

impl Urgency {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VeryLow => "very-low",
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
        }
    }
}

/// A topic (RFC 8030 §5.4): a newer message with the same topic replaces an undelivered
/// older one at the push service, so a re-sent message is shown once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Topic(String);

/// Why a topic was refused.
#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum TopicError {
    /// Empty or longer than [`MAX_TOPIC_LEN`].
    #[error("a topic has 1 to {MAX_TOPIC_LEN} characters")]
    Length,
    /// A character outside the base64url alphabet.
    #[error("a topic uses only the base64url alphabet")]
    Alphabet,
}

impl Topic {
    /// A topic from text: 1 to 32 characters of the base64url alphabet.
    pub fn new(topic: &str) -> Result<Self, TopicError> {
        if topic.is_empty() || topic.len() > MAX_TOPIC_LEN {
            return Err(TopicError::Length);
        }
        if !topic
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(TopicError::Alphabet);
        }
        Ok(Self(topic.to_owned()))
    }

    /// The topic of a 16-byte id (e.g. a message's UUID bytes): 22 base64url characters.
    pub fn from_id(id: &[u8; 16]) -> Self {
        Self(encode_base64url(id))
    }

    /// The header value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How one message is to be delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushOptions {
    /// How long the push service keeps an undelivered message, in seconds (`TTL`); 0 means
    /// deliver now or drop.
    pub ttl_seconds: u32,
    /// The `Urgency` header.
    pub urgency: Urgency,
    /// The `Topic` header, if any.
    pub topic: Option<Topic>,
}

impl Default for PushOptions {
    /// Four weeks (the longest TTL common push services keep), normal urgency, no topic.
    fn default() -> Self {
        Self {
            ttl_seconds: 28 * 24 * 60 * 60,
            urgency: Urgency::Normal,
            topic: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_are_short_base64url() {
        assert!(Topic::new("message-1_A").is_ok());
        assert_eq!(Topic::new(""), Err(TopicError::Length));
        assert_eq!(Topic::new(&"a".repeat(33)), Err(TopicError::Length));
        assert!(Topic::new(&"a".repeat(32)).is_ok());
        assert_eq!(Topic::new("a b"), Err(TopicError::Alphabet));
        assert_eq!(Topic::new("a+b/"), Err(TopicError::Alphabet));
    }

    #[test]
    fn an_id_topic_is_a_valid_topic() {
        let topic = Topic::from_id(&[0xfb; 16]);
        assert_eq!(topic.as_str().len(), 22);
        assert_eq!(Topic::new(topic.as_str()), Ok(topic));
    }

    #[test]
    fn urgency_header_values() {
        assert_eq!(Urgency::VeryLow.as_str(), "very-low");
        assert_eq!(Urgency::default().as_str(), "normal");
    }
}
