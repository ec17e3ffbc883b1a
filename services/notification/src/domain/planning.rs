//! Which channels a message goes out on, and why: the rules of docs/notification/service.md,
//! "Channels and consent". Every channel gets a decision with its reason in plain words, so
//! `MessageComposed.channels` explains itself from the events alone.

use super::{Channel, Topic};

/// What an applicant's profile says about reaching them, as it stands when a message is
/// composed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reachability {
    /// They have an online account (they applied online themselves).
    pub has_account: bool,
    /// They consented to the mailbox (electronic delivery, § 37 (2a) SGB X).
    pub mailbox_consent: bool,
    /// They consented to push hints.
    pub push_consent: bool,
    /// Their active push subscriptions.
    pub push_subscriptions: usize,
    /// They consented to e-mail hints.
    pub email_consent: bool,
    /// They gave an e-mail address.
    pub email_address: bool,
}

/// What was decided for one channel of a message, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelDecision {
    /// The channel.
    pub channel: Channel,
    /// Whether the message goes out on it.
    pub send: bool,
    /// Why, in plain words.
    pub reason: String,
}

impl ChannelDecision {
    fn new(channel: Channel, send: bool, reason: &str) -> Self {
        Self {
            channel,
            send,
            reason: reason.to_owned(),
        }
    }
}

/// The decisions for an applicant's message on `topic`: always one per channel, in the order
/// of [`Channel::ALL`].
///
/// - No account: post only (digital-only reminders: nothing).
/// - Mailbox consent: mailbox; push with push consent and a subscription; e-mail with e-mail
///   consent and an address; no letter.
/// - No mailbox consent: nothing digital (documents are not delivered digitally without
///   consent; push and e-mail only point to the mailbox); a letter instead, except for
///   digital-only reminders, which are then not sent at all.
pub fn plan_for_applicant(topic: Topic, reach: &Reachability) -> Vec<ChannelDecision> {
    let too_late = topic.digital_only();
    if !reach.has_account {
        let none = "no online account";
        let post = if too_late {
            ChannelDecision::new(
                Channel::Post,
                false,
                "no online account, and a letter would arrive too late for this reminder",
            )
        } else {
            ChannelDecision::new(Channel::Post, true, "no online account: by letter")
        };
        return vec![
            ChannelDecision::new(Channel::Mailbox, false, none),
            ChannelDecision::new(Channel::Push, false, none),
            ChannelDecision::new(Channel::Email, false, none),
            post,
        ];
    }
    if !reach.mailbox_consent {
        let hint = "no mailbox consent: nothing digital";
        let post = if too_late {
            ChannelDecision::new(
                Channel::Post,
                false,
                "no consent to digital delivery, and a letter would arrive too late for this reminder",
            )
        } else {
            ChannelDecision::new(
                Channel::Post,
                true,
                "no consent to digital delivery: a letter instead",
            )
        };
        return vec![
            ChannelDecision::new(Channel::Mailbox, false, "no mailbox consent"),
            ChannelDecision::new(Channel::Push, false, hint),
            ChannelDecision::new(Channel::Email, false, hint),
            post,
        ];
    }
    let push = match (reach.push_consent, reach.push_subscriptions) {
        (false, _) => ChannelDecision::new(Channel::Push, false, "no push consent"),
        (true, 0) => ChannelDecision::new(Channel::Push, false, "no push subscription"),
        (true, _) => ChannelDecision::new(
            Channel::Push,
            true,
            "push consent given and a subscription registered",
        ),
    };
    let email = match (reach.email_consent, reach.email_address) {
        (false, _) => ChannelDecision::new(Channel::Email, false, "no e-mail consent"),
        (true, false) => ChannelDecision::new(Channel::Email, false, "no e-mail address"),
        (true, true) => ChannelDecision::new(
            Channel::Email,
            true,
            "e-mail consent given and an address set",
        ),
    };
    vec![
        ChannelDecision::new(Channel::Mailbox, true, "mailbox consent given"),
        push,
        email,
        ChannelDecision::new(Channel::Post, false, "mailbox consent given: no letter"),
    ]
}

/// The decisions for a staff member's message: their inbox only, one decision per channel.
pub fn plan_for_staff() -> Vec<ChannelDecision> {
    let inbox_only = "staff receive messages in their inbox only";
    vec![
        ChannelDecision::new(Channel::Mailbox, true, "staff inbox"),
        ChannelDecision::new(Channel::Push, false, inbox_only),
        ChannelDecision::new(Channel::Email, false, inbox_only),
        ChannelDecision::new(Channel::Post, false, inbox_only),
    ]
}

/// The hint channels an installation offers (push and e-mail need their settings; the mailbox
/// and letters are always there).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offered {
    /// Web Push is configured.
    pub push: bool,
    /// E-mail hints are configured.
    pub email: bool,
}

impl Offered {
    /// Every channel.
    pub const ALL: Offered = Offered {
        push: true,
        email: true,
    };

    fn offers(self, channel: Channel) -> bool {
        match channel {
            Channel::Push => self.push,
            Channel::Email => self.email,
            Channel::Mailbox | Channel::Post => true,
        }
    }
}

/// `decisions` with the channels the installation does not offer not sent, saying so: a consent
/// to e-mail hints where no relay is configured sends nothing (rather than a delivery that can
/// only dead-letter).
pub fn limit_to_offered(decisions: Vec<ChannelDecision>, offered: Offered) -> Vec<ChannelDecision> {
    decisions
        .into_iter()
        .map(|decision| {
            if decision.send && !offered.offers(decision.channel) {
                ChannelDecision {
                    send: false,
                    reason: format!("{}, but not offered by this jobcenter", decision.reason),
                    ..decision
                }
            } else {
                decision
            }
        })
        .collect()
}

/// The language to compose the message in: German when a letter goes out (§ 19 SGB X: the
/// official language is German), otherwise the recipient's preferred language.
pub fn message_language<'a>(decisions: &[ChannelDecision], preferred: &'a str) -> &'a str {
    if decisions
        .iter()
        .any(|d| d.channel == Channel::Post && d.send)
    {
        "de"
    } else {
        preferred
    }
}

#[cfg(test)]
mod tests;
