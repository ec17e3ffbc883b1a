//! Given events, when a command, then events: the profile's decisions.

use super::*;
use proptest::prelude::*;

const APPLICANT: &str = "applicant-1";

fn offered() -> Vec<String> {
    vec!["de".into(), "en".into(), "ar".into()]
}

fn given(events: &[ProfileEvent]) -> Profile {
    fold(APPLICANT, events)
}

fn when(profile: &Profile, command: Command) -> Vec<ProfileEvent> {
    decide(profile, command, APPLICANT).expect("accepted")
}

fn consent(channel: Channel, wording: &str) -> ProfileEvent {
    ProfileEvent::ConsentGiven {
        channel,
        wording_version: wording.into(),
        recorded_by: APPLICANT.into(),
    }
}

fn key(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn point() -> Vec<u8> {
    let mut point = vec![0x04];
    point.extend([7u8; 64]);
    point
}

/// The push services the tests' endpoints are at.
fn rules() -> EndpointRules {
    EndpointRules {
        allowed_hosts: vec![
            "push.example.org".into(),
            "p.example".into(),
            "a.example".into(),
            "*.push.example.net".into(),
        ],
        allow_loopback_http: false,
    }
}

fn registration(endpoint: &str) -> Command {
    Command::register_push_subscription(endpoint, &key(&point()), &key(&[1u8; 16]), &rules())
        .expect("a valid subscription")
}

#[test]
fn a_new_profile_is_german_without_consent() {
    let profile = given(&[]);
    assert_eq!(profile.language(), "de");
    assert!(profile.consents.is_empty());
    let reach = profile.reachability();
    assert!(reach.has_account && !reach.mailbox_consent && reach.push_subscriptions == 0);
}

#[test]
fn choosing_a_language_is_recorded_once() {
    let command = Command::set_preferred_language("EN", &offered()).expect("offered");
    let events = when(&given(&[]), command.clone());
    assert_eq!(
        events,
        [ProfileEvent::LanguagePreferred {
            language: "en".into(),
            recorded_by: APPLICANT.into()
        }]
    );
    assert_eq!(given(&events).language(), "en");
    assert!(when(&given(&events), command).is_empty());
}

#[test]
fn a_language_the_jobcenter_does_not_offer_is_refused_on_its_field() {
    let refused = Command::set_preferred_language("fr", &offered()).expect_err("refused");
    assert_eq!(refused.field, "language");
    assert!(Command::set_preferred_language(" ", &offered()).is_err());
}

#[test]
fn consent_is_given_withdrawn_and_given_again() {
    let give = Command::give_consent(Some(Channel::Mailbox), "2026-11").expect("valid");
    let given_once = when(&given(&[]), give.clone());
    assert_eq!(given_once, [consent(Channel::Mailbox, "2026-11")]);
    // The same wording again: nothing new.
    assert!(when(&given(&given_once), give).is_empty());
    // A newer wording is recorded.
    let newer = Command::give_consent(Some(Channel::Mailbox), "2027-01").expect("valid");
    assert_eq!(when(&given(&given_once), newer).len(), 1);
    let withdraw = Command::withdraw_consent(Some(Channel::Mailbox)).expect("valid");
    let withdrawn = when(&given(&given_once), withdraw.clone());
    assert_eq!(
        withdrawn,
        [ProfileEvent::ConsentWithdrawn {
            channel: Channel::Mailbox,
            recorded_by: APPLICANT.into()
        }]
    );
    let history: Vec<ProfileEvent> = given_once.into_iter().chain(withdrawn).collect();
    assert!(!given(&history).consents_to(Channel::Mailbox));
}

#[test]
fn withdrawing_an_absent_consent_records_nothing() {
    let withdraw = Command::withdraw_consent(Some(Channel::Push)).expect("valid");
    assert!(when(&given(&[]), withdraw).is_empty());
}

#[test]
fn post_needs_no_consent_and_a_wording_version_is_required() {
    let problems = Command::give_consent(Some(Channel::Post), "").expect_err("refused");
    let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["channel", "wording_version"]);
    assert!(Command::give_consent(None, "v1").is_err());
    assert!(Command::withdraw_consent(Some(Channel::Post)).is_err());
    assert!(Command::give_consent(Some(Channel::Email), "v\u{7}1").is_err());
}

#[test]
fn the_email_address_is_set_changed_and_removed() {
    let set = Command::set_email_address(" ada@example.org ").expect("valid");
    let events = when(&given(&[]), set.clone());
    assert_eq!(
        events,
        [ProfileEvent::EmailAddressSet {
            address: "ada@example.org".into()
        }]
    );
    assert!(when(&given(&events), set).is_empty());
    let remove = Command::set_email_address("").expect("valid");
    assert_eq!(
        when(&given(&events), remove.clone()),
        [ProfileEvent::EmailAddressRemoved]
    );
    assert!(when(&given(&[]), remove).is_empty());
}

#[test]
fn email_addresses_are_checked_for_shape() {
    for good in ["a@b.de", "ada.lovelace+jc@mail.example.org", "x@müller.de"] {
        assert!(is_email_address(good), "{good}");
    }
    for bad in [
        "", "ada", "@b.de", "a@b", "a@b..de", "a b@c.de", "a@-b.de", "a@b.de\n",
    ] {
        assert!(!is_email_address(bad), "{bad:?}");
    }
    assert_eq!(
        Command::set_email_address("nope")
            .expect_err("refused")
            .field,
        "address"
    );
}

#[test]
fn a_subscription_is_registered_once_per_endpoint_and_keys() {
    let endpoint = "https://push.example.org/send/abc";
    let events = when(&given(&[]), registration(endpoint));
    let [ProfileEvent::PushSubscriptionRegistered(subscription)] = events.as_slice() else {
        panic!("one registration: {events:?}");
    };
    assert_eq!(subscription.id, subscription_id(endpoint));
    assert_eq!(subscription.p256dh.len(), P256DH_BYTES);
    // The same endpoint with the same keys: nothing new; with new keys: recorded.
    assert!(when(&given(&events), registration(endpoint)).is_empty());
    let renewed =
        Command::register_push_subscription(endpoint, &key(&point()), &key(&[2u8; 16]), &rules())
            .expect("valid");
    assert_eq!(when(&given(&events), renewed).len(), 1);
}

#[test]
fn a_subscription_is_removed_once_and_an_unknown_one_is_refused() {
    let endpoint = "https://push.example.org/send/abc";
    let registered = when(&given(&[]), registration(endpoint));
    let remove = Command::RemovePushSubscription {
        subscription_id: subscription_id(endpoint),
        reason: "removed by the applicant".into(),
    };
    let removed = when(&given(&registered), remove.clone());
    assert_eq!(removed.len(), 1);
    let history: Vec<ProfileEvent> = registered.into_iter().chain(removed).collect();
    let after = given(&history);
    assert!(after.push_subscriptions.is_empty());
    assert!(when(&after, remove).is_empty());
    let unknown = Command::RemovePushSubscription {
        subscription_id: Uuid::from_u128(9),
        reason: "x".into(),
    };
    assert_eq!(
        decide(&after, unknown, APPLICANT),
        Err(Rejection::UnknownSubscription)
    );
}

#[test]
fn push_subscriptions_need_https_and_well_formed_keys() {
    let problems = Command::register_push_subscription(
        "http://push.example.org/x",
        &key(&[4u8; 10]),
        &key(&[1u8; 15]),
        &rules(),
    )
    .expect_err("refused");
    let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["endpoint", "p256dh", "auth"]);
    let compressed = {
        let mut point = vec![0x02];
        point.extend([7u8; 64]);
        point
    };
    let problems = Command::register_push_subscription(
        "https://p.example/x",
        &key(&compressed),
        &key(&[1; 16]),
        &rules(),
    )
    .expect_err("refused");
    assert_eq!(problems[0].problem, Problem::NotAnUncompressedPoint);
    // Padding is tolerated.
    let padded = format!("{}==", key(&[1u8; 16]));
    assert!(
        Command::register_push_subscription(
            "https://p.example/x",
            &key(&point()),
            &padded,
            &rules()
        )
        .is_ok()
    );
    assert!(
        Command::register_push_subscription("https:///x", &key(&point()), &padded, &rules())
            .is_err()
    );
}

#[test]
fn only_the_allowed_push_services_may_be_registered() {
    let register = |endpoint: &str, rules: &EndpointRules| {
        Command::register_push_subscription(endpoint, &key(&point()), &key(&[1u8; 16]), rules)
    };
    assert!(register("https://fcm.push.example.net/send/1", &rules()).is_ok());
    assert!(register("https://push.example.org:443/send/1", &rules()).is_ok());
    for internal in [
        "https://10.0.0.7/admin",
        "https://push.example.org.evil.test/x",
        "https://case.jobcenter.svc.cluster.local/x",
    ] {
        let problems = register(internal, &rules()).expect_err(internal);
        assert_eq!(
            problems[0].problem,
            Problem::PushServiceNotAllowed,
            "{internal}"
        );
    }
    // Plain http only on loopback, and only when the tests allow it.
    assert!(register("http://127.0.0.1:4000/p", &rules()).is_err());
    let loopback = EndpointRules {
        allow_loopback_http: true,
        ..rules()
    };
    assert!(register("http://127.0.0.1:4000/p", &loopback).is_ok());
    assert!(register("http://10.0.0.7:4000/p", &loopback).is_err());
}

proptest! {
    /// Whatever the history, deciding the state the profile is already in records nothing.
    #[test]
    fn repeating_a_command_records_nothing_the_second_time(
        steps in proptest::collection::vec((0u8..6, 0u8..3), 0..12)
    ) {
        let mut history = Vec::new();
        for (kind, value) in steps {
            let channel = [Channel::Mailbox, Channel::Push, Channel::Email][usize::from(value)];
            let command = match kind {
                0 => Command::set_preferred_language(["de", "en", "ar"][usize::from(value)], &offered())
                    .expect("offered"),
                1 => Command::give_consent(Some(channel), "v1").expect("valid"),
                2 => Command::withdraw_consent(Some(channel)).expect("valid"),
                3 => Command::set_email_address(["", "a@b.de", "c@d.de"][usize::from(value)])
                    .expect("valid"),
                _ => registration(["https://a.example/1", "https://a.example/2", "https://a.example/3"][usize::from(value)]),
            };
            let first = when(&given(&history), command.clone());
            history.extend(first);
            prop_assert!(when(&given(&history), command).is_empty());
        }
    }
}
