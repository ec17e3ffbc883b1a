//! How a caseworker's reply reaches the applicant who wrote: the channels by the rules every
//! applicant message follows ([`super::planning::plan_for_applicant`] for the topic `REPLY`),
//! decided on the profile as it stands, and the language it is in. A letter is always German
//! (§ 19 SGB X), so a reply that goes by post is composed in German; a digital one in the
//! profile's language.

use super::Topic;
use super::planning::{
    ChannelDecision, Offered, limit_to_offered, message_language, plan_for_applicant,
};
use super::profile::Profile;

/// A reply's channels and the language it is written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyPlan {
    /// One decision per channel, in the order of [`super::Channel::ALL`].
    pub channels: Vec<ChannelDecision>,
    /// The language it is composed in.
    pub language: String,
}

/// The plan for a reply to the applicant whose profile is `profile`, in one of the `offered`
/// languages (German otherwise), hinting on the channels the installation offers.
pub fn plan(profile: &Profile, offered: &[String], channels: Offered) -> ReplyPlan {
    let channels = limit_to_offered(
        plan_for_applicant(Topic::Reply, &profile.reachability()),
        channels,
    );
    let preferred = if offered.iter().any(|l| l == profile.language()) {
        profile.language()
    } else {
        super::profile::DEFAULT_LANGUAGE
    };
    let language = message_language(&channels, preferred).to_owned();
    ReplyPlan { channels, language }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Channel;
    use crate::domain::profile::{ProfileEvent, fold};

    fn consent(channel: Channel) -> ProfileEvent {
        ProfileEvent::ConsentGiven {
            channel,
            wording_version: "v1".into(),
            recorded_by: "a".into(),
        }
    }

    fn language(code: &str) -> ProfileEvent {
        ProfileEvent::LanguagePreferred {
            language: code.into(),
            recorded_by: "a".into(),
        }
    }

    fn sent(plan: &ReplyPlan) -> Vec<Channel> {
        plan.channels
            .iter()
            .filter(|d| d.send)
            .map(|d| d.channel)
            .collect()
    }

    fn offered(languages: &[&str]) -> Vec<String> {
        languages.iter().map(|l| (*l).to_owned()).collect()
    }

    #[test]
    fn with_mailbox_consent_the_reply_is_in_the_mailbox_in_their_language() {
        let profile = fold("a", &[language("ar"), consent(Channel::Mailbox)]);
        let plan = plan(&profile, &offered(&["de", "ar"]), Offered::ALL);
        assert_eq!(sent(&plan), [Channel::Mailbox]);
        assert_eq!(plan.language, "ar");
        assert_eq!(plan.channels.len(), Channel::ALL.len());
    }

    #[test]
    fn a_language_the_jobcenter_does_not_offer_is_german() {
        let profile = fold("a", &[language("ar"), consent(Channel::Mailbox)]);
        assert_eq!(
            plan(&profile, &offered(&["de", "en"]), Offered::ALL).language,
            "de"
        );
    }

    #[test]
    fn without_mailbox_consent_it_is_a_german_letter() {
        let profile = fold("a", &[language("en")]);
        let plan = plan(&profile, &offered(&["de", "en"]), Offered::ALL);
        assert_eq!(sent(&plan), [Channel::Post]);
        assert_eq!(plan.language, "de");
        assert!(plan.channels.iter().all(|d| !d.reason.is_empty()));
    }
}
