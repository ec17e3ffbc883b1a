//! The JWT matrix: a `TokenValidator` against a running development issuer on loopback (real
//! HTTP for discovery and JWKS). Every forged or unfit token is refused with its own reason;
//! valid tokens give the right caller; keys rotate without a new validator.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use platform::auth::oidc::{
    JwksError, MAX_JWKS_BYTES, OidcConfig, OidcError, TokenError, TokenValidator,
};
use platform::{Authentication, Role};
use serde_json::json;
use test_identities::ca::TestCa;
use test_identities::issuer::{DevIssuer, Forgery, OldKey, SigningKey};
use tokio_util::sync::CancellationToken;

const AUDIENCE: &str = "jobcenter-case";

/// The issuer's config as a service would write it, refetching on unknown `kid` without delay.
fn config(issuer: &DevIssuer) -> OidcConfig {
    OidcConfig {
        jwks_min_refetch_ms: 0,
        ..OidcConfig::new(issuer.issuer_url(), AUDIENCE)
    }
}

async fn setup() -> (DevIssuer, TokenValidator) {
    let issuer = DevIssuer::start().await.expect("issuer");
    let validator = TokenValidator::new(config(&issuer)).expect("validator");
    (issuer, validator)
}

async fn reason(validator: &TokenValidator, token: &str) -> &'static str {
    match validator.validate(token).await {
        Ok(caller) => panic!("token accepted for {}", caller.subject),
        Err(error) => error.reason(),
    }
}

#[tokio::test]
async fn a_valid_token_gives_its_tenant_subject_roles_and_client() {
    let (issuer, validator) = setup().await;
    let token = issuer
        .token()
        .tenant("jc-koeln")
        .subject("7f1c2a9e-5d3b-4c1e-9a8f-1b2c3d4e5f60")
        .roles(&["caseworker", "team-lead"])
        .authorized_party("jobcenter-web")
        .sign()
        .expect("token");

    let caller = validator.validate(&token).await.expect("valid token");
    assert_eq!(caller.tenant_id.as_str(), "jc-koeln");
    assert_eq!(caller.subject, "7f1c2a9e-5d3b-4c1e-9a8f-1b2c3d4e5f60");
    assert_eq!(caller.roles, [Role::Caseworker, Role::TeamLead]);
    assert_eq!(caller.client, "jobcenter-web");
    assert_eq!(caller.authentication, Authentication::Token);
    // Discovery and JWKS were fetched once and are cached now.
    assert_eq!(issuer.jwks_requests(), 1);
    validator.validate(&token).await.expect("still valid");
    assert_eq!(issuer.jwks_requests(), 1);
}

#[tokio::test]
async fn a_configured_jwks_url_is_used_without_discovery() {
    let issuer = DevIssuer::start().await.expect("issuer");
    let validator = TokenValidator::new(OidcConfig {
        jwks_url: Some(issuer.jwks_url()),
        ..config(&issuer)
    })
    .expect("validator");
    let token = issuer.token().sign().expect("token");
    validator.validate(&token).await.expect("valid token");
}

#[tokio::test]
async fn forged_and_unfit_tokens_are_refused_each_with_its_reason() {
    let (issuer, validator) = setup().await;
    let valid = || {
        issuer
            .token()
            .tenant("jc-secret-tenant")
            .subject("subject-4711")
    };
    let forge = |forgery| valid().forge(forgery).expect("forged");
    let sign = |builder: test_identities::issuer::TokenBuilder| builder.sign().expect("signed");

    let matrix = [
        (
            "alg none",
            forge(Forgery::AlgNone),
            "token_algorithm_not_allowed",
        ),
        (
            "HS256 keyed with the public key",
            forge(Forgery::Hs256WithPublicKey),
            "token_algorithm_not_allowed",
        ),
        (
            "bad signature",
            forge(Forgery::BadSignature),
            "token_bad_signature",
        ),
        (
            "signed by another key under the issuer's kid",
            forge(Forgery::SignedByOtherKey),
            "token_bad_signature",
        ),
        (
            "unknown key id",
            forge(Forgery::UnknownKeyId),
            "token_unknown_key",
        ),
        (
            "RS256 header over an ES256 key",
            forge(Forgery::HeaderAlgorithm("RS256")),
            "token_algorithm_key_mismatch",
        ),
        (
            "wrong issuer",
            sign(valid().issuer("https://evil.example/realms/jc")),
            "token_wrong_issuer",
        ),
        (
            "no issuer",
            sign(valid().remove_claim("iss")),
            "token_wrong_issuer",
        ),
        (
            "the issuer among others",
            sign(valid().claim("iss", json!([issuer.issuer_url(), "https://evil.example"]))),
            "token_wrong_issuer",
        ),
        (
            "wrong audience",
            sign(valid().audience("jobcenter-intake")),
            "token_wrong_audience",
        ),
        (
            "no audience",
            sign(valid().remove_claim("aud")),
            "token_wrong_audience",
        ),
        ("expired", sign(valid().expires_in(-3600)), "token_expired"),
        (
            "not yet valid",
            sign(valid().not_before_in(3600)),
            "token_not_yet_valid",
        ),
        (
            "no expiry",
            sign(valid().without_expiry()),
            "token_missing_exp",
        ),
        (
            "no tenant",
            sign(valid().without_tenant()),
            "token_missing_tenant",
        ),
        (
            "invalid tenant",
            sign(valid().tenant("Jobcenter Köln")),
            "token_invalid_tenant",
        ),
        (
            "no subject",
            sign(valid().without_subject()),
            "token_missing_subject",
        ),
        (
            "no known role",
            sign(valid().roles(&["admin"])),
            "token_no_known_role",
        ),
        (
            "a Keycloak ID token",
            sign(valid().claim("typ", json!("ID"))),
            "token_wrong_type",
        ),
        (
            "a logout token",
            sign(valid().header_type("logout+jwt")),
            "token_wrong_type",
        ),
        ("not a JWT", "not-a-token".to_owned(), "token_malformed"),
        (
            "payload swapped after signing",
            {
                let token = sign(valid());
                let parts: Vec<&str> = token.split('.').collect();
                format!("{}.bm90IGpzb24.{}", parts[0], parts[2])
            },
            "token_bad_signature",
        ),
    ];
    for (name, token, expected) in &matrix {
        let error = validator
            .validate(token)
            .await
            .expect_err(&format!("{name} must be refused"));
        assert_eq!(error.reason(), *expected, "{name}");
        // Refusals never echo the token or a claim's value.
        let message = format!("{error} {error:?}");
        for secret in [token.as_str(), "jc-secret-tenant", "subject-4711", "Köln"] {
            assert!(!message.contains(secret), "{name}: message leaks a value");
        }
    }
    // The genuine article passes, so the refusals above are about what was changed.
    validator
        .validate(&sign(valid()))
        .await
        .expect("valid token");
}

#[tokio::test]
async fn a_header_algorithm_outside_the_keys_family_is_refused_even_when_allowed() {
    let issuer = DevIssuer::start().await.expect("issuer");
    let validator = TokenValidator::new(OidcConfig {
        algorithms: vec!["ES256".into(), "ES384".into()],
        ..config(&issuer)
    })
    .expect("validator");
    let token = issuer
        .token()
        .forge(Forgery::HeaderAlgorithm("ES384"))
        .expect("forged");
    assert_eq!(
        reason(&validator, &token).await,
        "token_algorithm_key_mismatch"
    );
}

#[tokio::test]
async fn an_algorithm_left_off_the_allow_list_is_refused() {
    let issuer = DevIssuer::start().await.expect("issuer");
    let validator = TokenValidator::new(OidcConfig {
        algorithms: vec!["RS256".into()],
        ..config(&issuer)
    })
    .expect("validator");
    let token = issuer.token().sign().expect("token");
    assert_eq!(
        reason(&validator, &token).await,
        "token_algorithm_not_allowed"
    );
}

#[tokio::test]
async fn after_a_rotation_the_new_key_is_fetched_on_first_sight() {
    let (issuer, validator) = setup().await;
    let before = issuer.token().sign().expect("token");
    validator.validate(&before).await.expect("valid");
    assert_eq!(issuer.jwks_requests(), 1);

    issuer.rotate(OldKey::Keep).expect("rotated");
    let after = issuer.token().sign().expect("token");
    validator.validate(&after).await.expect("new key accepted");
    assert_eq!(issuer.jwks_requests(), 2, "one refetch for the unknown kid");
    validator
        .validate(&before)
        .await
        .expect("the kept old key still verifies");
}

#[tokio::test]
async fn a_key_dropped_from_the_jwks_is_refused_after_the_refresh() {
    let (issuer, validator) = setup().await;
    let old_key = issuer.current_key();
    let old = issuer.token().sign().expect("token");
    validator.validate(&old).await.expect("valid");

    issuer.rotate(OldKey::Drop).expect("rotated");
    // Until the cache is refreshed, the old key is still known.
    validator.validate(&old).await.expect("cached key");

    validator.refresh_keys().await.expect("refreshed");
    assert_eq!(reason(&validator, &old).await, "token_unknown_key");
    let fresh_with_old_key = issuer.token().signed_with(&old_key).sign().expect("token");
    assert_eq!(
        reason(&validator, &fresh_with_old_key).await,
        "token_unknown_key"
    );
    let new = issuer.token().sign().expect("token");
    validator.validate(&new).await.expect("new key accepted");
}

#[tokio::test]
async fn stale_keys_are_refreshed_by_the_next_token() {
    let issuer = DevIssuer::start().await.expect("issuer");
    let validator = TokenValidator::new(OidcConfig {
        jwks_refresh_secs: 1,
        ..config(&issuer)
    })
    .expect("validator");
    let old = issuer.token().sign().expect("token");
    validator.validate(&old).await.expect("valid");
    issuer.rotate(OldKey::Drop).expect("rotated");

    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(reason(&validator, &old).await, "token_unknown_key");
}

#[tokio::test]
async fn the_background_refresh_prefetches_and_drops_retired_keys() {
    let issuer = DevIssuer::start().await.expect("issuer");
    let validator = TokenValidator::new(OidcConfig {
        jwks_refresh_secs: 1,
        ..config(&issuer)
    })
    .expect("validator");
    let cancel = CancellationToken::new();
    let task = validator.spawn_refresh(cancel.clone());

    wait_until(|| issuer.jwks_requests() >= 1).await;
    let old = issuer.token().sign().expect("token");
    validator.validate(&old).await.expect("valid");
    assert_eq!(
        issuer.jwks_requests(),
        1,
        "the token used the prefetched keys"
    );

    issuer.rotate(OldKey::Drop).expect("rotated");
    wait_until(|| issuer.jwks_requests() >= 2).await;
    assert_eq!(reason(&validator, &old).await, "token_unknown_key");

    cancel.cancel();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the refresh task stops on cancel")
        .expect("no panic");
}

#[tokio::test]
async fn unknown_key_ids_refetch_at_most_once_per_interval() {
    let issuer = DevIssuer::start().await.expect("issuer");
    let validator = TokenValidator::new(OidcConfig {
        jwks_min_refetch_ms: 60_000,
        ..config(&issuer)
    })
    .expect("validator");
    validator
        .validate(&issuer.token().sign().expect("token"))
        .await
        .expect("valid");
    for _ in 0..5 {
        let forged = issuer.token().forge(Forgery::UnknownKeyId).expect("forged");
        assert_eq!(reason(&validator, &forged).await, "token_unknown_key");
    }
    assert_eq!(
        issuer.jwks_requests(),
        1,
        "invented kids must not flood the issuer"
    );
}

#[tokio::test]
async fn concurrent_first_calls_fetch_the_keys_once() {
    let (issuer, validator) = setup().await;
    let token = issuer.token().sign().expect("token");
    let calls = (0..16).map(|_| validator.validate(&token));
    for result in futures::future::join_all(calls).await {
        result.expect("valid");
    }
    assert_eq!(issuer.jwks_requests(), 1);
}

#[tokio::test]
async fn a_token_without_kid_is_refused_when_the_jwks_has_several_keys() {
    let (issuer, validator) = setup().await;
    let token = || issuer.token().without_key_id().sign().expect("token");
    validator.validate(&token()).await.expect("single key");

    issuer.rotate(OldKey::Keep).expect("rotated");
    validator.refresh_keys().await.expect("refreshed");
    assert_eq!(reason(&validator, &token()).await, "token_unknown_key");
}

#[tokio::test]
async fn keycloak_realm_and_client_roles_are_merged_and_unknown_roles_ignored() {
    let (issuer, validator) = setup().await;
    let token = issuer
        .token()
        .roles(&["auditor", "uma_protection"])
        .client_roles(AUDIENCE, &["team_lead", "manage-clients"])
        // Another client's roles are not this service's.
        .client_roles("jobcenter-intake", &["operator"])
        .sign()
        .expect("token");
    let caller = validator.validate(&token).await.expect("valid");
    assert_eq!(caller.roles, [Role::Auditor, Role::TeamLead]);

    let client_only = issuer
        .token()
        .roles(&[])
        .client_roles(AUDIENCE, &["applicant"])
        .sign()
        .expect("token");
    assert_eq!(
        validator.validate(&client_only).await.expect("valid").roles,
        [Role::Applicant]
    );

    // Keycloak's default roles alone grant nothing here.
    let defaults_only = issuer.token().roles(&[]).sign().expect("token");
    assert_eq!(
        reason(&validator, &defaults_only).await,
        "token_no_known_role"
    );
}

#[tokio::test]
async fn claim_paths_are_configurable() {
    let issuer = DevIssuer::start().await.expect("issuer");
    let validator = TokenValidator::new(OidcConfig {
        tenant_claim: "jobcenter.tenant".into(),
        roles_claims: vec!["jobcenter.roles".into()],
        client_claim: "client_id".into(),
        ..config(&issuer)
    })
    .expect("validator");
    let token = issuer
        .token()
        .without_tenant()
        .remove_claim("azp")
        .claim("client_id", json!("fachverfahren-x"))
        .claim(
            "jobcenter",
            json!({ "tenant": "jc-bonn", "roles": ["partner-system"] }),
        )
        .sign()
        .expect("token");
    let caller = validator.validate(&token).await.expect("valid");
    assert_eq!(caller.tenant_id.as_str(), "jc-bonn");
    assert_eq!(caller.roles, [Role::PartnerSystem]);
    assert_eq!(caller.client, "fachverfahren-x");
}

#[tokio::test]
async fn lifetimes_are_checked_with_the_configured_leeway() {
    let (issuer, validator) = setup().await; // leeway 30 s
    let accepted = [
        ("expired 10 s ago", issuer.token().expires_in(-10)),
        ("valid from in 10 s", issuer.token().not_before_in(10)),
    ];
    for (name, builder) in accepted {
        let token = builder.sign().expect("token");
        assert!(validator.validate(&token).await.is_ok(), "{name}");
    }
    let refused = [
        (
            "expired 50 s ago",
            issuer.token().expires_in(-50),
            "token_expired",
        ),
        (
            "valid from in 50 s",
            issuer.token().not_before_in(50),
            "token_not_yet_valid",
        ),
    ];
    for (name, builder, expected) in refused {
        let token = builder.sign().expect("token");
        assert_eq!(reason(&validator, &token).await, expected, "{name}");
    }

    let strict = TokenValidator::new(OidcConfig {
        leeway_secs: 0,
        ..config(&issuer)
    })
    .expect("validator");
    let token = issuer.token().expires_in(-5).sign().expect("token");
    assert_eq!(reason(&strict, &token).await, "token_expired");
}

#[tokio::test]
async fn an_unreachable_issuer_makes_tokens_fail_as_unavailable_until_it_returns() {
    let (issuer, validator) = setup().await;
    let token = issuer.token().sign().expect("token");
    issuer.set_available(false);
    let error = validator.validate(&token).await.expect_err("no keys yet");
    assert!(matches!(error, TokenError::JwksUnavailable(_)));
    assert!(error.is_issuer_unavailable());
    assert_eq!(error.reason(), "jwks_unavailable");

    issuer.set_available(true);
    validator.validate(&token).await.expect("issuer is back");
}

#[tokio::test]
async fn cached_keys_outlive_a_short_issuer_outage() {
    let issuer = DevIssuer::start().await.expect("issuer");
    let validator = TokenValidator::new(OidcConfig {
        jwks_refresh_secs: 1,
        ..config(&issuer)
    })
    .expect("validator");
    let token = issuer.token().sign().expect("token");
    validator.validate(&token).await.expect("valid");

    issuer.set_available(false);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    validator
        .validate(&token)
        .await
        .expect("stale keys stay in use within jwks_max_age_secs");
    assert!(issuer.jwks_requests() >= 2, "a refresh was attempted");
}

#[tokio::test]
async fn a_discovery_document_for_another_issuer_is_not_trusted() {
    let issuer = DevIssuer::start().await.expect("issuer");
    // `iss` is compared exactly: with a trailing slash it is another issuer, and the discovery
    // document (which names the issuer without one) must not be believed.
    let validator = TokenValidator::new(OidcConfig {
        issuer: Some(format!("{}/", issuer.issuer_url())),
        ..config(&issuer)
    })
    .expect("validator");
    let token = issuer.token().sign().expect("token");
    assert_eq!(reason(&validator, &token).await, "jwks_unavailable");
}

#[tokio::test]
async fn the_issuer_stops_cleanly() {
    let issuer = DevIssuer::start().await.expect("issuer");
    let addr = issuer.local_addr();
    let validator = TokenValidator::new(config(&issuer)).expect("validator");
    validator
        .validate(&issuer.token().sign().expect("token"))
        .await
        .expect("valid");
    tokio::time::timeout(Duration::from_secs(5), issuer.shutdown())
        .await
        .expect("shutdown completes with an idle keep-alive connection open");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn an_https_issuer_is_trusted_only_through_its_ca() {
    let ca = TestCa::new("issuer.test").expect("ca");
    let server = ca.server_certificate().expect("server certificate");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listener");
    let issuer = DevIssuer::serve_tls(
        listener,
        SigningKey::generate().expect("key"),
        &server.cert_pem,
        &server.key_pem,
    )
    .expect("https issuer");
    assert!(issuer.issuer_url().starts_with("https://127.0.0.1:"));
    let token = issuer.token().sign().expect("token");
    let dir = tempfile::tempdir().expect("temp dir");

    let trusting = TokenValidator::new(OidcConfig {
        ca_file: Some(ca.write_cert(dir.path(), "issuer-ca").expect("ca file")),
        ..config(&issuer)
    })
    .expect("validator");
    trusting.validate(&token).await.expect("valid over https");

    let system_roots_only = TokenValidator::new(config(&issuer)).expect("validator");
    assert_eq!(reason(&system_roots_only, &token).await, "jwks_unavailable");

    let other_ca = TestCa::new("other.test").expect("ca");
    let trusting_another_ca = TokenValidator::new(OidcConfig {
        ca_file: Some(
            other_ca
                .write_cert(dir.path(), "other-ca")
                .expect("ca file"),
        ),
        ..config(&issuer)
    })
    .expect("validator");
    assert_eq!(
        reason(&trusting_another_ca, &token).await,
        "jwks_unavailable"
    );
}

/// A JWKS endpoint that answers every connection with `response` (or, if `None`, never answers).
async fn hostile_jwks_endpoint(response: Option<Vec<u8>>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("listener");
    let url = format!("http://{}/jwks", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let response = response.clone();
            tokio::spawn(async move {
                let mut request = [0_u8; 4096];
                let _ = stream.read(&mut request).await;
                match response {
                    Some(bytes) => {
                        let _ = stream.write_all(&bytes).await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    url
}

#[tokio::test]
async fn a_jwks_endpoint_that_never_answers_times_out() {
    let issuer = DevIssuer::start().await.expect("issuer");
    let validator = TokenValidator::new(OidcConfig {
        jwks_url: Some(hostile_jwks_endpoint(None).await),
        fetch_timeout_ms: 200,
        ..config(&issuer)
    })
    .expect("validator");
    let token = issuer.token().sign().expect("token");
    let started = std::time::Instant::now();
    let error = validator.validate(&token).await.expect_err("no keys");
    assert!(matches!(
        &error,
        TokenError::JwksUnavailable(cause) if matches!(**cause, JwksError::Timeout)
    ));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn an_oversized_jwks_is_refused() {
    let issuer = DevIssuer::start().await.expect("issuer");
    let body = format!(
        r#"{{"keys":[],"padding":"{}"}}"#,
        "x".repeat(MAX_JWKS_BYTES + 1)
    );
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    let validator = TokenValidator::new(OidcConfig {
        jwks_url: Some(hostile_jwks_endpoint(Some(response.into_bytes())).await),
        ..config(&issuer)
    })
    .expect("validator");
    let token = issuer.token().sign().expect("token");
    let error = validator.validate(&token).await.expect_err("no keys");
    assert!(matches!(
        &error,
        TokenError::JwksUnavailable(cause) if matches!(**cause, JwksError::TooLarge(_))
    ));
}

#[test]
fn an_unreadable_or_empty_ca_file_stops_the_validator_at_construction() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = |ca_file| OidcConfig {
        ca_file: Some(ca_file),
        ..OidcConfig::new("https://id.example.invalid/realms/jc", AUDIENCE)
    };
    let missing = TokenValidator::new(config(dir.path().join("missing.crt")));
    assert!(matches!(missing, Err(OidcError::CaFile(_))));
    let empty = dir.path().join("empty.crt");
    std::fs::write(&empty, "no certificate here").expect("written");
    assert!(matches!(
        TokenValidator::new(config(empty)),
        Err(OidcError::CaFileEmpty)
    ));
}

async fn wait_until(condition: impl Fn() -> bool) {
    tokio::time::timeout(Duration::from_secs(10), async {
        while !condition() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("condition reached in time");
}
