//! The channel rules over every profile an applicant can have, for every topic.

use proptest::prelude::*;

use super::*;

/// Every combination of the profile's facts (subscriptions 0, 1 or 3).
fn every_reachability() -> Vec<Reachability> {
    let flags = [false, true];
    let mut all = Vec::new();
    for has_account in flags {
        for mailbox_consent in flags {
            for push_consent in flags {
                for push_subscriptions in [0, 1, 3] {
                    for email_consent in flags {
                        for email_address in flags {
                            all.push(Reachability {
                                has_account,
                                mailbox_consent,
                                push_consent,
                                push_subscriptions,
                                email_consent,
                                email_address,
                            });
                        }
                    }
                }
            }
        }
    }
    all
}

fn sends(decisions: &[ChannelDecision], channel: Channel) -> bool {
    decisions
        .iter()
        .find(|d| d.channel == channel)
        .map(|d| d.send)
        .expect("a decision for every channel")
}

/// The rules of "Channels and consent", checked against one plan.
fn check(topic: Topic, reach: &Reachability, plan: &[ChannelDecision]) {
    let channels: Vec<Channel> = plan.iter().map(|d| d.channel).collect();
    assert_eq!(channels, Channel::ALL, "all four channels, in order");
    assert!(
        plan.iter().all(|d| !d.reason.trim().is_empty()),
        "every decision has a reason"
    );

    let digital_allowed = reach.has_account && reach.mailbox_consent;
    for channel in [Channel::Mailbox, Channel::Push, Channel::Email] {
        if sends(plan, channel) {
            assert!(
                digital_allowed,
                "{channel:?} without mailbox consent: {reach:?}"
            );
        }
    }
    assert_eq!(sends(plan, Channel::Mailbox), digital_allowed, "{reach:?}");
    assert_eq!(
        sends(plan, Channel::Post),
        !digital_allowed && !topic.digital_only(),
        "a letter iff nothing digital may go and the topic is no digital-only reminder: {topic:?} {reach:?}"
    );
    assert_eq!(
        sends(plan, Channel::Push),
        digital_allowed && reach.push_consent && reach.push_subscriptions > 0,
        "{reach:?}"
    );
    assert_eq!(
        sends(plan, Channel::Email),
        digital_allowed && reach.email_consent && reach.email_address,
        "{reach:?}"
    );
}

#[test]
fn every_profile_and_topic_follows_the_channel_rules() {
    for topic in Topic::ALL {
        for reach in every_reachability() {
            check(topic, &reach, &plan_for_applicant(topic, &reach));
        }
    }
}

proptest! {
    #[test]
    fn any_profile_follows_the_channel_rules(
        topic in prop::sample::select(Topic::ALL.to_vec()),
        has_account: bool,
        mailbox_consent: bool,
        push_consent: bool,
        push_subscriptions in 0usize..1000,
        email_consent: bool,
        email_address: bool,
    ) {
        let reach = Reachability {
            has_account,
            mailbox_consent,
            push_consent,
            push_subscriptions,
            email_consent,
            email_address,
        };
        check(topic, &reach, &plan_for_applicant(topic, &reach));
    }
}

#[test]
fn digital_only_reminders_without_mailbox_consent_go_nowhere() {
    let reach = Reachability {
        has_account: true,
        ..Reachability::default()
    };
    for topic in [Topic::DocumentsDueSoon, Topic::AppointmentReminder] {
        let plan = plan_for_applicant(topic, &reach);
        assert!(plan.iter().all(|d| !d.send), "{topic:?}");
        assert!(plan[3].reason.contains("too late"));
    }
}

#[test]
fn reasons_say_what_was_missing() {
    let reach = Reachability {
        has_account: true,
        mailbox_consent: true,
        push_consent: true,
        push_subscriptions: 0,
        email_consent: true,
        email_address: false,
    };
    let plan = plan_for_applicant(Topic::DocumentsRequested, &reach);
    assert_eq!(plan[0].reason, "mailbox consent given");
    assert_eq!(plan[1].reason, "no push subscription");
    assert_eq!(plan[2].reason, "no e-mail address");
    assert_eq!(plan[3].reason, "mailbox consent given: no letter");

    let plan = plan_for_applicant(Topic::DecisionIssued, &Reachability::default());
    assert_eq!(plan[3].reason, "no online account: by letter");
}

#[test]
fn staff_get_their_inbox_only() {
    let plan = plan_for_staff();
    let channels: Vec<Channel> = plan.iter().map(|d| d.channel).collect();
    assert_eq!(channels, Channel::ALL);
    let sent: Vec<Channel> = plan.iter().filter(|d| d.send).map(|d| d.channel).collect();
    assert_eq!(sent, vec![Channel::Mailbox]);
}

#[test]
fn a_letter_makes_the_message_german() {
    let letter = plan_for_applicant(Topic::DecisionIssued, &Reachability::default());
    assert_eq!(message_language(&letter, "uk"), "de");
    let digital = plan_for_applicant(
        Topic::DecisionIssued,
        &Reachability {
            has_account: true,
            mailbox_consent: true,
            ..Reachability::default()
        },
    );
    assert_eq!(message_language(&digital, "uk"), "uk");
    assert_eq!(message_language(&plan_for_staff(), "en"), "en");
    // A digital-only reminder that goes nowhere stays in the preferred language.
    let nowhere = plan_for_applicant(Topic::AppointmentReminder, &Reachability::default());
    assert_eq!(message_language(&nowhere, "ar"), "ar");
}

#[test]
fn a_channel_the_installation_does_not_offer_is_not_sent_and_says_why() {
    let reach = Reachability {
        has_account: true,
        mailbox_consent: true,
        push_consent: true,
        push_subscriptions: 1,
        email_consent: true,
        email_address: true,
    };
    let all = plan_for_applicant(Topic::DocumentsRequested, &reach);
    assert_eq!(limit_to_offered(all.clone(), Offered::ALL), all);
    let limited = limit_to_offered(
        all,
        Offered {
            push: true,
            email: false,
        },
    );
    let email = limited
        .iter()
        .find(|d| d.channel == Channel::Email)
        .expect("an e-mail decision");
    assert!(!email.send);
    assert!(
        email.reason.ends_with("not offered by this jobcenter"),
        "{}",
        email.reason
    );
    assert!(limited.iter().any(|d| d.channel == Channel::Push && d.send));
    assert!(
        limited
            .iter()
            .any(|d| d.channel == Channel::Mailbox && d.send)
    );
}
