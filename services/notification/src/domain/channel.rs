//! The ways a message reaches its recipient.

use jobcenter_proto::notification::v1 as proto;

/// A way a message reaches its recipient (docs/notification/service.md, "Channels and consent").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// The secure in-app mailbox (Postfach); staff: their inbox.
    Mailbox,
    /// Web Push to the app: a content-free hint.
    Push,
    /// An e-mail hint without personal data.
    Email,
    /// A printed letter for the postal print service.
    Post,
}

impl Channel {
    /// Every channel, in the order of the proto enum.
    pub const ALL: [Channel; 4] = [
        Channel::Mailbox,
        Channel::Push,
        Channel::Email,
        Channel::Post,
    ];

    /// The proto value.
    pub fn to_proto(self) -> proto::Channel {
        match self {
            Channel::Mailbox => proto::Channel::Mailbox,
            Channel::Push => proto::Channel::Push,
            Channel::Email => proto::Channel::Email,
            Channel::Post => proto::Channel::Post,
        }
    }

    /// The domain value of a proto channel; `None` for unspecified or unknown.
    pub fn from_proto(value: i32) -> Option<Channel> {
        match proto::Channel::try_from(value).ok()? {
            proto::Channel::Mailbox => Some(Channel::Mailbox),
            proto::Channel::Push => Some(Channel::Push),
            proto::Channel::Email => Some(Channel::Email),
            proto::Channel::Post => Some(Channel::Post),
            proto::Channel::Unspecified => None,
        }
    }

    /// Its name in tables and logs ("mailbox", "push", "email", "post").
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Mailbox => "mailbox",
            Channel::Push => "push",
            Channel::Email => "email",
            Channel::Post => "post",
        }
    }

    /// The channel named `name` (as [`Channel::as_str`] writes it).
    pub fn parse(name: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// Whether an applicant must consent to it (post needs no consent).
    pub fn needs_consent(self) -> bool {
        !matches!(self, Channel::Post)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_round_trip_through_proto_and_names() {
        for channel in Channel::ALL {
            assert_eq!(
                Channel::from_proto(channel.to_proto() as i32),
                Some(channel)
            );
            assert_eq!(Channel::parse(channel.as_str()), Some(channel));
        }
        assert_eq!(Channel::from_proto(0), None);
        assert!(!Channel::Post.needs_consent());
        assert!(Channel::Mailbox.needs_consent());
    }
}
