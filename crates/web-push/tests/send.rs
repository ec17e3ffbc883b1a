//! The sender against testkit's push endpoint, which checks VAPID and decrypts like a browser
//! with code of its own: what arrives proves interoperability, not self-agreement.

use std::time::Duration;

use testkit::push::PushEndpoint;
use web_push::{
    EndpointPolicy, PushError, PushOptions, SenderSettings, Subscription, Topic, Urgency, VapidKey,
    WebPushSender,
};

const SUBJECT: &str = "mailto:push@jobcenter.example";
const WAIT: Duration = Duration::from_secs(10);

fn sender(key: VapidKey) -> WebPushSender {
    let mut settings = SenderSettings::new(SUBJECT);
    settings.allow_loopback_http = true;
    settings.request_timeout = Duration::from_secs(5);
    WebPushSender::new(key, &settings).expect("sender")
}

fn subscription(endpoint: &PushEndpoint) -> Subscription {
    Subscription::new(
        &endpoint.endpoint_url(),
        &endpoint.p256dh_base64url(),
        &endpoint.auth_base64url(),
        EndpointPolicy::AllowLoopbackHttp,
    )
    .expect("subscription")
}

#[tokio::test]
async fn a_sent_message_arrives_decrypted_with_its_headers_and_vapid_identity() {
    let endpoint = PushEndpoint::start().await.expect("endpoint");
    let key = VapidKey::generate().expect("key");
    let public = key.public_key_base64url();
    let sender = sender(key);
    let options = PushOptions {
        ttl_seconds: 3600,
        urgency: Urgency::High,
        topic: Some(Topic::from_id(&[7; 16])),
    };
    let payload = br#"{"type":"new-message","message_id":"6f1c"}"#;

    let accepted = sender
        .send(&subscription(&endpoint), payload, &options)
        .await
        .expect("accepted");

    assert_eq!(accepted.status, 201);
    let received = endpoint.wait_for(1, WAIT).await.expect("arrived");
    assert_eq!(received.len(), 1);
    let push = &received[0];
    assert_eq!(push.plaintext, payload);
    assert_eq!(push.ttl, 3600);
    assert_eq!(push.urgency.as_deref(), Some("high"));
    assert_eq!(
        push.topic.as_deref(),
        Some(Topic::from_id(&[7; 16]).as_str())
    );
    assert_eq!(push.vapid_subject, SUBJECT);
    assert_eq!(push.vapid_key, public);
    assert!(endpoint.failures().is_empty(), "{:?}", endpoint.failures());
}

#[tokio::test]
async fn the_largest_payload_arrives_and_a_larger_one_is_refused_before_sending() {
    let endpoint = PushEndpoint::start().await.expect("endpoint");
    let sender = sender(VapidKey::generate().expect("key"));
    let subscription = subscription(&endpoint);
    let largest = vec![b'a'; web_push::MAX_PAYLOAD_LEN];

    sender
        .send(&subscription, &largest, &PushOptions::default())
        .await
        .expect("largest fits");
    let error = sender
        .send(
            &subscription,
            &[b'a'; web_push::MAX_PAYLOAD_LEN + 1],
            &PushOptions::default(),
        )
        .await
        .expect_err("too large");

    assert!(matches!(error, PushError::Permanent { .. }), "{error:?}");
    let received = endpoint.wait_for(1, WAIT).await.expect("arrived");
    assert_eq!(received[0].plaintext, largest);
    assert_eq!(received[0].urgency.as_deref(), Some("normal"));
    assert_eq!(received[0].topic, None);
    assert_eq!(endpoint.requests(), 1);
}

#[tokio::test]
async fn server_errors_are_retryable_and_the_next_attempt_is_delivered() {
    let endpoint = PushEndpoint::start().await.expect("endpoint");
    endpoint.respond_with(500, 2);
    let sender = sender(VapidKey::generate().expect("key"));
    let subscription = subscription(&endpoint);

    for _ in 0..2 {
        let error = sender
            .send(&subscription, b"hint", &PushOptions::default())
            .await
            .expect_err("500");
        assert!(matches!(error, PushError::Retryable { .. }), "{error:?}");
        assert_eq!(error.reason(), "push service answered 500");
    }
    sender
        .send(&subscription, b"hint", &PushOptions::default())
        .await
        .expect("third attempt accepted");

    assert_eq!(
        endpoint.wait_for(1, WAIT).await.expect("arrived")[0].plaintext,
        b"hint"
    );
    assert_eq!(endpoint.requests(), 3);
}

#[tokio::test]
async fn an_ended_subscription_is_gone_without_the_endpoint_in_the_reason() {
    let endpoint = PushEndpoint::start().await.expect("endpoint");
    endpoint.respond_with(410, usize::MAX);
    let sender = sender(VapidKey::generate().expect("key"));
    let subscription = subscription(&endpoint);

    for _ in 0..3 {
        let error = sender
            .send(&subscription, b"hint", &PushOptions::default())
            .await
            .expect_err("410");
        assert!(matches!(error, PushError::Gone { .. }), "{error:?}");
        assert!(!error.to_string().contains(&endpoint.endpoint_url()));
    }
    assert!(endpoint.received().is_empty());
}

#[tokio::test]
async fn an_unreachable_push_service_is_retryable_and_the_reason_names_no_endpoint() {
    let endpoint = PushEndpoint::start().await.expect("endpoint");
    let subscription = subscription(&endpoint);
    let path = endpoint
        .endpoint_url()
        .rsplit('/')
        .next()
        .expect("path")
        .to_owned();
    endpoint.shutdown().await;
    let sender = sender(VapidKey::generate().expect("key"));

    let error = sender
        .send(&subscription, b"hint", &PushOptions::default())
        .await
        .expect_err("nobody listens");

    assert!(matches!(error, PushError::Retryable { .. }), "{error:?}");
    assert!(!error.reason().contains(&path), "{}", error.reason());
    assert!(!error.reason().contains("127.0.0.1"), "{}", error.reason());
}

#[tokio::test]
async fn a_production_sender_refuses_plain_http_endpoints() {
    let endpoint = PushEndpoint::start().await.expect("endpoint");
    let strict = WebPushSender::new(
        VapidKey::generate().expect("key"),
        &SenderSettings::new(SUBJECT),
    )
    .expect("sender");

    let error = strict
        .send(&subscription(&endpoint), b"hint", &PushOptions::default())
        .await
        .expect_err("http refused");

    assert!(matches!(error, PushError::Permanent { .. }), "{error:?}");
    assert_eq!(endpoint.requests(), 0);
}

#[tokio::test]
async fn each_message_is_verified_against_the_key_it_names() {
    let endpoint = PushEndpoint::start().await.expect("endpoint");
    let first = VapidKey::generate().expect("key");
    let second = VapidKey::generate().expect("key");
    let keys = [first.public_key_base64url(), second.public_key_base64url()];
    for sender in [sender(first), sender(second)] {
        sender
            .send(&subscription(&endpoint), b"hint", &PushOptions::default())
            .await
            .expect("accepted");
    }
    let received = endpoint.wait_for(2, WAIT).await.expect("arrived");
    let signers: Vec<&str> = received.iter().map(|p| p.vapid_key.as_str()).collect();
    assert_eq!(signers, keys.iter().map(String::as_str).collect::<Vec<_>>());
}

/// The endpoint is only a proof if it refuses what a push service or browser would refuse.
#[tokio::test]
async fn the_endpoint_refuses_a_wrong_audience_and_an_altered_body() {
    let endpoint = PushEndpoint::start().await.expect("endpoint");
    let subscription = subscription(&endpoint);
    let key = VapidKey::generate().expect("key");
    // reqwest is built without a crypto provider of its own (the platform's is ring).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::new();
    let post = |authorization: String, body: Vec<u8>| {
        client
            .post(endpoint.endpoint_url())
            .header("TTL", "60")
            .header("Content-Encoding", "aes128gcm")
            .header("Authorization", authorization)
            .body(body)
            .send()
    };
    let body = web_push::encrypt(b"hint", &subscription).expect("encrypt");
    let expiry = web_push::expiry_from_now();

    let wrong_audience = key
        .authorization("https://push.example.net", SUBJECT, expiry)
        .expect("header");
    let response = post(wrong_audience, body.clone()).await.expect("answer");
    assert_eq!(response.status(), 401);

    let right = key
        .authorization(endpoint.origin(), SUBJECT, expiry)
        .expect("header");
    let mut altered = body.clone();
    let last = altered.len() - 1;
    altered[last] ^= 0x01;
    let response = post(right.clone(), altered).await.expect("answer");
    assert_eq!(response.status(), 400);

    let response = post(right, body).await.expect("answer");
    assert_eq!(response.status(), 201);
    assert_eq!(endpoint.failures().len(), 2, "{:?}", endpoint.failures());
    assert_eq!(endpoint.received().len(), 1);
}
