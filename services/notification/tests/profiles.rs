//! Profiles through the API: language, consent, e-mail address and push subscriptions
//! recorded as events and read back; bad input refused with field violations and no event;
//! another applicant's or another tenant's profile out of reach.

mod harness;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use harness::*;
use jobcenter_proto::notification::v1 as proto;
use tonic::Code;

fn get(
    account: &str,
    position: Option<jobcenter_proto::common::v1::Position>,
) -> proto::GetProfileRequest {
    proto::GetProfileRequest {
        account: account.to_owned(),
        min_position: position,
    }
}

#[tokio::test]
async fn a_profile_is_chosen_consented_to_and_read_back_as_it_stands() {
    let mut app = spawn_app().await;
    let empty = app
        .client
        .get_profile(as_applicant(get("", None), "a-1"))
        .await
        .expect("readable")
        .into_inner()
        .profile
        .expect("a profile");
    assert_eq!(empty.language, "de");
    assert!(empty.consents.is_empty());
    assert_eq!(empty.offered_languages, ["de", "en", "ar"]);

    app.client
        .set_preferred_language(as_applicant(
            proto::SetPreferredLanguageRequest {
                account: String::new(),
                language: "ar".into(),
            },
            "a-1",
        ))
        .await
        .expect("language chosen");
    consent_to_mailbox(&mut app, "a-1").await;
    app.client
        .give_consent(as_applicant(
            proto::GiveConsentRequest {
                account: String::new(),
                channel: proto::Channel::Email as i32,
                wording_version: "2026-11".into(),
            },
            "a-1",
        ))
        .await
        .expect("e-mail consent");
    app.client
        .set_email_address(as_applicant(
            proto::SetEmailAddressRequest {
                address: "ada@example.org".into(),
            },
            "a-1",
        ))
        .await
        .expect("address set");
    let withdrawn = app
        .client
        .withdraw_consent(as_applicant(
            proto::WithdrawConsentRequest {
                account: String::new(),
                channel: proto::Channel::Email as i32,
            },
            "a-1",
        ))
        .await
        .expect("withdrawn")
        .into_inner();
    assert_eq!(count_events(&app, "notification.ConsentGiven").await, 2);
    assert_eq!(count_events(&app, "notification.ConsentWithdrawn").await, 1);

    let own = app
        .client
        .get_profile(as_applicant(get("", withdrawn.position.clone()), "a-1"))
        .await
        .expect("readable")
        .into_inner()
        .profile
        .expect("a profile");
    assert_eq!(own.language, "ar");
    assert_eq!(own.consents, [proto::Channel::Mailbox as i32]);
    assert!(own.email_address_set);
    assert_eq!(own.email_address, "ada@example.org");

    // Staff see that an address is set, not the address.
    let seen_by_staff = app
        .client
        .get_profile(as_caseworker(get("a-1", withdrawn.position)))
        .await
        .expect("readable")
        .into_inner()
        .profile
        .expect("a profile");
    assert!(seen_by_staff.email_address_set);
    assert!(seen_by_staff.email_address.is_empty());
    assert_eq!(seen_by_staff.consents, own.consents);
}

#[tokio::test]
async fn repeating_a_choice_records_nothing_new() {
    let mut app = spawn_app().await;
    let first = consent_to_mailbox(&mut app, "a-1").await;
    let again = consent_to_mailbox(&mut app, "a-1").await;
    assert_eq!(first.position, again.position);
    assert_eq!(count_events(&app, "notification.ConsentGiven").await, 1);
    // Withdrawing what was never given is a no-op, not an error.
    app.client
        .withdraw_consent(as_applicant(
            proto::WithdrawConsentRequest {
                account: String::new(),
                channel: proto::Channel::Push as i32,
            },
            "a-1",
        ))
        .await
        .expect("nothing to withdraw is fine");
    assert_eq!(count_events(&app, "notification.ConsentWithdrawn").await, 0);
}

#[tokio::test]
async fn a_caseworker_records_a_consent_given_on_paper() {
    let mut app = spawn_app().await;
    let given = app
        .client
        .give_consent(as_caseworker(proto::GiveConsentRequest {
            account: "a-7".into(),
            channel: proto::Channel::Mailbox as i32,
            wording_version: "paper-2026".into(),
        }))
        .await
        .expect("recorded")
        .into_inner();
    let profile = app
        .client
        .get_profile(as_applicant(get("", given.position), "a-7"))
        .await
        .expect("readable")
        .into_inner()
        .profile
        .expect("a profile");
    assert_eq!(profile.consents, [proto::Channel::Mailbox as i32]);
    let recorded_by: String = sqlx::query_scalar(
        "SELECT convert_from(metadata, 'UTF8')::jsonb->>'actor' FROM notification.events WHERE event_type = $1",
    )
    .bind("notification.ConsentGiven")
    .fetch_one(app.db.pool())
    .await
    .expect("one event");
    assert_eq!(recorded_by, "cw-1");
}

#[tokio::test]
async fn bad_input_is_refused_with_field_violations_and_records_nothing() {
    let mut app = spawn_app().await;
    let refused = app
        .client
        .give_consent(as_applicant(
            proto::GiveConsentRequest {
                account: String::new(),
                channel: proto::Channel::Post as i32,
                wording_version: String::new(),
            },
            "a-1",
        ))
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&refused), ["channel", "wording_version"]);

    let refused = app
        .client
        .set_preferred_language(as_applicant(
            proto::SetPreferredLanguageRequest {
                account: String::new(),
                language: "tr".into(),
            },
            "a-1",
        ))
        .await
        .expect_err("not offered by this jobcenter");
    assert_eq!(violated_fields(&refused), ["language"]);

    let refused = app
        .client
        .set_email_address(as_applicant(
            proto::SetEmailAddressRequest {
                address: "not an address".into(),
            },
            "a-1",
        ))
        .await
        .expect_err("refused");
    assert_eq!(violated_fields(&refused), ["address"]);

    let refused = app
        .client
        .register_push_subscription(as_applicant(
            proto::RegisterPushSubscriptionRequest {
                endpoint: "http://push.example.org/x".into(),
                p256dh: "!!".into(),
                auth: String::new(),
            },
            "a-1",
        ))
        .await
        .expect_err("refused");
    assert_eq!(violated_fields(&refused), ["endpoint", "p256dh", "auth"]);

    let refused = app
        .client
        .get_profile(as_caseworker(get("", None)))
        .await
        .expect_err("staff name the account");
    assert_eq!(violated_fields(&refused), ["account"]);
    assert_eq!(all_events(&app).await, 0);
}

#[tokio::test]
async fn another_applicants_profile_is_not_found_and_another_tenants_shows_nothing_of_it() {
    let mut app = spawn_app().await;
    let given = consent_to_mailbox(&mut app, "a-1").await;
    let other = app
        .client
        .get_profile(as_applicant(get("a-1", None), "a-2"))
        .await
        .expect_err("not theirs");
    assert_eq!(other.code(), Code::NotFound);
    let refused = app
        .client
        .give_consent(as_applicant(
            proto::GiveConsentRequest {
                account: "a-1".into(),
                channel: proto::Channel::Push as i32,
                wording_version: "v".into(),
            },
            "a-2",
        ))
        .await
        .expect_err("not theirs");
    assert_eq!(refused.code(), Code::NotFound);
    // The same account in another jobcenter is another profile: nothing consented there.
    let elsewhere = app
        .client
        .get_profile(as_subject(
            get("a-1", given.position),
            OTHER_TENANT,
            "cw-9",
            "caseworker",
        ))
        .await
        .expect("readable")
        .into_inner()
        .profile
        .expect("a profile");
    assert!(elsewhere.consents.is_empty());
}

#[tokio::test]
async fn push_subscriptions_are_registered_once_and_removed() {
    let mut app = spawn_app().await;
    let mut p256dh = vec![4u8];
    p256dh.extend([9u8; 64]);
    let request = proto::RegisterPushSubscriptionRequest {
        endpoint: "https://push.example.org/send/abc".into(),
        p256dh: URL_SAFE_NO_PAD.encode(&p256dh),
        auth: URL_SAFE_NO_PAD.encode([3u8; 16]),
    };
    let registered = app
        .client
        .register_push_subscription(as_applicant(request.clone(), "a-1"))
        .await
        .expect("registered")
        .into_inner();
    let again = app
        .client
        .register_push_subscription(as_applicant(request, "a-1"))
        .await
        .expect("registered again")
        .into_inner();
    assert_eq!(registered.subscription_id, again.subscription_id);
    assert_eq!(
        count_events(&app, "notification.PushSubscriptionRegistered").await,
        1
    );
    let profile = app
        .client
        .get_profile(as_applicant(get("", registered.position), "a-1"))
        .await
        .expect("readable")
        .into_inner()
        .profile
        .expect("a profile");
    assert_eq!(
        profile.push_subscription_ids,
        std::slice::from_ref(&registered.subscription_id)
    );

    let foreign = app
        .client
        .remove_push_subscription(as_applicant(
            proto::RemovePushSubscriptionRequest {
                subscription_id: registered.subscription_id.clone(),
            },
            "a-2",
        ))
        .await
        .expect_err("not theirs");
    assert_eq!(foreign.code(), Code::NotFound);
    let removed = app
        .client
        .remove_push_subscription(as_applicant(
            proto::RemovePushSubscriptionRequest {
                subscription_id: registered.subscription_id,
            },
            "a-1",
        ))
        .await
        .expect("removed")
        .into_inner();
    let profile = app
        .client
        .get_profile(as_applicant(get("", removed.position), "a-1"))
        .await
        .expect("readable")
        .into_inner()
        .profile
        .expect("a profile");
    assert!(profile.push_subscription_ids.is_empty());
}

#[tokio::test]
async fn the_push_key_is_the_configured_vapid_key_and_refused_while_push_is_off() {
    let mut app = spawn_app().await;
    let key = app
        .client
        .get_push_key(as_applicant(proto::GetPushKeyRequest {}, "a-1"))
        .await
        .expect("push is configured")
        .into_inner()
        .application_server_key;
    let file = std::fs::read_to_string(app.keys.path().join("vapid.key")).expect("key file");
    let configured = web_push::VapidKey::from_base64url(file.trim()).expect("a key");
    assert_eq!(key, configured.public_key_base64url());

    let mut app = spawn_app_with(|config| config.push = Default::default()).await;
    let refused = app
        .client
        .get_push_key(as_applicant(proto::GetPushKeyRequest {}, "a-1"))
        .await
        .expect_err("no push configured");
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(refused.message(), "push is not configured");
}
