//! How a caseworker's reply reaches the applicant who wrote: the channels by the rules every
//! applicant message follows ([`super::planning::plan_for_applicant`] for the topic `REPLY`),
//! decided on the profile as it stands, and the language it is in. A letter is always German
//! (§ 19 SGB X), so a reply that goes by post is composed in German; a digital one in the
//! profile's language.

use super::Topic;
use super::planning::{ChannelDecision, plan_for_applicant};
use super::profile::Profile;
use crate::templates::{Direction, direction_of};

/// A reply's channels, language and subject line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyPlan {
    /// One decision per channel, in the order of [`super::Channel::ALL`].
    pub channels: Vec<ChannelDecision>,
    /// The language it is composed in.
    pub language: String,
    /// Which way that language runs.
    pub direction: Direction,
    /// The subject line in that language.
    pub subject: &'static str,
}

/// The plan for a reply to the applicant whose profile is `profile`.
pub fn plan(profile: &Profile) -> ReplyPlan {
    let channels = plan_for_applicant(Topic::Reply, &profile.reachability());
    let by_post = channels
        .iter()
        .any(|decision| decision.channel == super::Channel::Post && decision.send);
    let language = if by_post {
        super::profile::DEFAULT_LANGUAGE
    } else {
        profile.language()
    };
    ReplyPlan {
        channels,
        language: language.to_owned(),
        direction: direction_of(language),
        subject: subject(language),
    }
}

/// The subject line of a reply in `language` ("de", "en-GB", ...); German for a language
/// without its own wording.
pub fn subject(language: &str) -> &'static str {
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    match primary.to_ascii_lowercase().as_str() {
        "en" => "Reply from your jobcenter",
        "uk" => "Відповідь вашого джобцентру",
        "ar" => "رد من مركز التوظيف الخاص بك",
        "tr" => "Jobcenter'ınızdan yanıt",
        "ru" => "Ответ вашего джобцентра",
        _ => "Antwort Ihres Jobcenters",
    }
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

    fn sent(plan: &ReplyPlan) -> Vec<Channel> {
        plan.channels
            .iter()
            .filter(|d| d.send)
            .map(|d| d.channel)
            .collect()
    }

    #[test]
    fn with_mailbox_consent_the_reply_is_in_the_mailbox_in_their_language() {
        let profile = fold(
            "a",
            &[
                ProfileEvent::LanguagePreferred {
                    language: "ar".into(),
                    recorded_by: "a".into(),
                },
                consent(Channel::Mailbox),
            ],
        );
        let plan = plan(&profile);
        assert_eq!(sent(&plan), [Channel::Mailbox]);
        assert_eq!(plan.language, "ar");
        assert_eq!(plan.direction, Direction::Rtl);
        assert_eq!(plan.channels.len(), Channel::ALL.len());
    }

    #[test]
    fn without_mailbox_consent_it_is_a_german_letter() {
        let profile = fold(
            "a",
            &[ProfileEvent::LanguagePreferred {
                language: "en".into(),
                recorded_by: "a".into(),
            }],
        );
        let plan = plan(&profile);
        assert_eq!(sent(&plan), [Channel::Post]);
        assert_eq!(plan.language, "de");
        assert_eq!(plan.subject, "Antwort Ihres Jobcenters");
        assert!(plan.channels.iter().all(|d| !d.reason.is_empty()));
    }

    #[test]
    fn every_offered_language_has_a_subject_and_others_fall_back_to_german() {
        assert_eq!(subject("en-GB"), "Reply from your jobcenter");
        assert_eq!(subject("fr"), subject("de"));
        for language in crate::templates::LANGUAGES {
            assert!(!subject(language).is_empty());
        }
    }
}
