//! No social data in logs or traces (ARCHITECTURE §3.9): every service runs as deployed
//! (production mode, tokens) with JSON logs at `debug` and traces exported to a stand-in OTLP
//! collector. An application whose personal fields carry canary values — strings that occur
//! nowhere else — is submitted, read back through every read RPC as the applicant and as a
//! caseworker, read wrongly (bad page tokens, a bad id), refused (no grant, wrong audience,
//! expired token), and submitted invalid. The applicant gives an e-mail address and writes to
//! the jobcenter, the caseworker replies (both texts canaries too), the reply is hinted by
//! e-mail through the outbox, and both read the messages. Then the services are stopped with SIGTERM, so
//! buffered spans are flushed, and every byte they logged (stdout and stderr) and exported is
//! searched for the canaries and the bearer tokens.
//!
//! So that a passing search means something, the same search must find a canary a test-only
//! process writes, and the captures must hold what they should (listening lines, RPC names,
//! the tenant id).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Stdio;
use std::time::Duration;

use jobcenter_proto::case::v1 as case_pb;
use jobcenter_proto::intake::v1 as intake_pb;
use jobcenter_proto::notification::v1 as notification_pb;
use prost::Message;
use system_tests::capture::LogCapture;
use system_tests::otlp_sink::OtlpSink;
use system_tests::{Caller, Person, Security, Service, Settings, System, SystemOptions};
use tonic::Code;

const TENANT: &str = "jc-canary";

/// The applicant and household, every personal value a canary.
fn canary_person() -> Person {
    Person {
        given_name: "Zyxwvutsrq".into(),
        family_name: "Qoppelbrunst".into(),
        birth_date: (1937, 11, 29),
        street: "Xaverlinger Zwirbelgasse".into(),
        house_number: "7".into(),
        postal_code: "45127".into(),
        city: "Quackenbruchhausen".into(),
        // Valid mod 97 (the service refuses anything else), found nowhere else.
        iban: "DE19370400441234567897".into(),
        children: vec![("Wumpeldine".into(), "Qoppelbrunst".into(), (2019, 2, 17))],
    }
}

/// Every form in which the canary person's data could show up in text or bytes.
fn canaries() -> Vec<String> {
    let person = canary_person();
    vec![
        person.given_name,
        person.family_name,
        "Wumpeldine".into(),
        person.street,
        person.city,
        person.iban,
        "DE19 3704 0044 1234 5678 97".into(),
        "1234567897".into(),
        "1937-11-29".into(),
        "29.11.1937".into(),
        "year: 1937".into(),
        "2019-02-17".into(),
        // The invalid submission's values (must not be echoed either).
        "Grumbelfritz".into(),
        "DE00QOPPEL0000000000".into(),
        // The messages both ways and the address for e-mail hints.
        MESSAGE_CANARIES.0.into(),
        MESSAGE_CANARIES.1.into(),
        MESSAGE_CANARIES.2.into(),
        MAIL_CANARY.into(),
    ]
}

/// Subject and text of the applicant's message, text of the caseworker's reply.
const MESSAGE_CANARIES: (&str, &str, &str) = (
    "Brummeltopf",
    "Schnurpsenfleck im Treppenhaus",
    "Kwaddelmoor beantwortet",
);
/// The applicant's address for e-mail hints.
const MAIL_CANARY: &str = "vrolpenhuber@example.org";

/// The canaries (case-insensitively) that occur in `haystack`.
fn found(haystack: &[u8], canaries: &[String]) -> Vec<String> {
    let haystack = haystack.to_ascii_lowercase();
    canaries
        .iter()
        .filter(|canary| {
            let needle = canary.to_ascii_lowercase().into_bytes();
            haystack
                .windows(needle.len())
                .any(|window| window == needle.as_slice())
        })
        .cloned()
        .collect()
}

#[tokio::test]
async fn the_search_finds_a_canary_that_a_process_logs_or_exports() {
    // A test-only process writes a canary into a JSON log line on stdout and another on stderr.
    let person = canary_person();
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            r#"echo '{{"level":"INFO","fields":{{"message":"applicant {}"}}}}'; echo "iban {}" >&2"#,
            person.family_name, person.iban
        ))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh");
    let (mut capture, _lines) = LogCapture::attach(&mut child);
    child.wait().await.expect("sh exits");
    capture.finish().await;
    let logs = capture.text();
    assert_eq!(
        found(logs.as_bytes(), &canaries()),
        // The account number is a canary of its own, inside the IBAN.
        vec![
            person.family_name.clone(),
            person.iban.clone(),
            "1234567897".to_owned()
        ]
    );

    // Strings sit in protobuf as plain UTF-8: the search finds them in export bytes too.
    let encoded = intake_pb::Person {
        given_name: person.given_name.clone(),
        ..Default::default()
    }
    .encode_to_vec();
    assert_eq!(found(&encoded, &canaries()), vec![person.given_name]);
}

/// The applicant gives an address for e-mail hints and consent, writes about their case; the
/// caseworker reads and replies (hinted by e-mail); both read the messages.
async fn messages_both_ways(
    system: &System,
    applicant: &Caller,
    caseworker: &Caller,
    case_id: &str,
) {
    let mut notifications = system.notifications(None).await.unwrap();
    notifications
        .set_email_address(applicant.request(notification_pb::SetEmailAddressRequest {
            address: MAIL_CANARY.into(),
        }))
        .await
        .expect("address");
    for channel in [
        notification_pb::Channel::Mailbox,
        notification_pb::Channel::Email,
    ] {
        notifications
            .give_consent(applicant.request(notification_pb::GiveConsentRequest {
                account: String::new(),
                channel: channel as i32,
                wording_version: "v1".into(),
            }))
            .await
            .expect("consent");
    }
    let request_id = uuid::Uuid::new_v4().to_string();
    let mut sent = None;
    for _ in 0..300 {
        match notifications
            .send_message(applicant.request(notification_pb::SendMessageRequest {
                request_id: request_id.clone(),
                case_id: case_id.into(),
                subject: MESSAGE_CANARIES.0.into(),
                body: MESSAGE_CANARIES.1.into(),
                ..Default::default()
            }))
            .await
        {
            Ok(response) => {
                sent = Some(response.into_inner());
                break;
            }
            // The notification service learns of the case from the case log a moment later.
            Err(status) if status.code() == Code::NotFound => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(status) => panic!("the applicant writes: {status:?}"),
        }
    }
    let sent = sent.expect("the notification service learnt of the case");
    notifications
        .list_case_messages(
            caseworker.request(notification_pb::ListCaseMessagesRequest {
                case_id: case_id.into(),
                min_position: sent.position.clone(),
            }),
        )
        .await
        .expect("the case's messages");
    let reply = notifications
        .reply_to_message(caseworker.request(notification_pb::ReplyToMessageRequest {
            request_id: uuid::Uuid::new_v4().to_string(),
            message_id: sent.message_id.clone(),
            body: MESSAGE_CANARIES.2.into(),
            min_position: sent.position.clone(),
        }))
        .await
        .expect("reply")
        .into_inner();
    for (caller, message_id) in [
        (caseworker, &sent.message_id),
        (applicant, &reply.message_id),
    ] {
        notifications
            .get_message(caller.request(notification_pb::GetMessageRequest {
                message_id: message_id.clone(),
                min_position: reply.position.clone(),
            }))
            .await
            .expect("read a message");
    }
    notifications
        .list_mailbox(applicant.request(notification_pb::ListMailboxRequest::default()))
        .await
        .expect("mailbox");
    notifications
        .get_profile(applicant.request(notification_pb::GetProfileRequest::default()))
        .await
        .expect("profile");
    // The reply's hint went through the outbox and the SMTP client.
    system
        .smtp_sink()
        .wait_for(1, Duration::from_secs(30))
        .await
        .expect("the e-mail hint");
}

#[tokio::test]
async fn no_personal_data_or_token_reaches_the_logs_or_the_traces() {
    let sink = OtlpSink::start().await.expect("OTLP sink");
    let mut system = System::start(SystemOptions {
        security: Security::Production,
        settings: Settings::new()
            .set("TELEMETRY__LOG_FILTER", "debug")
            .set("TELEMETRY__OTLP_ENDPOINT", sink.endpoint()),
    })
    .await
    .expect("system");
    let identities = system.identities().unwrap();
    let applicant_token = identities
        .token(TENANT, "applicant-1", &["applicant"])
        .unwrap();
    let caseworker_token = identities
        .token(TENANT, "caseworker-1", &["caseworker"])
        .unwrap();
    let operator_token = identities
        .token(TENANT, "operator-1", &["operator"])
        .unwrap();
    let wrong_audience_token = identities
        .token_builder(TENANT, "caseworker-1", &["caseworker"])
        .audience("jobcenter-elsewhere")
        .sign()
        .unwrap();
    let expired_token = identities
        .token_builder(TENANT, "caseworker-1", &["caseworker"])
        .expires_in(-3600)
        .sign()
        .unwrap();
    let tokens = [
        &applicant_token,
        &caseworker_token,
        &operator_token,
        &wrong_audience_token,
        &expired_token,
    ];
    let applicant = Caller::token(&applicant_token);
    let caseworker = Caller::token(&caseworker_token);
    let mut intake = system.intake(None).await.unwrap();
    let mut cases = system.cases(None).await.unwrap();

    // Submit, and read it back through every read RPC.
    let submission_id = uuid::Uuid::new_v4().to_string();
    let submitted = intake
        .submit_application(applicant.request(canary_person().submission(&submission_id)))
        .await
        .expect("submit")
        .into_inner();
    let application_id = submitted.submission.clone().unwrap().application_id;
    for caller in [&applicant, &caseworker] {
        intake
            .get_submission(caller.request(intake_pb::GetSubmissionRequest {
                submission_id: submission_id.clone(),
                ..Default::default()
            }))
            .await
            .expect("get submission");
    }
    let case = cases
        .find_case_by_application(applicant.request(case_pb::FindCaseByApplicationRequest {
            application_id: application_id.clone(),
            min_position: submitted.position.clone(),
        }))
        .await
        .expect("the case opens")
        .into_inner()
        .case
        .unwrap();
    assert_eq!(case.applicant_family_name, canary_person().family_name);
    for caller in [&applicant, &caseworker] {
        cases
            .get_case(caller.request(case_pb::GetCaseRequest {
                case_id: case.case_id.clone(),
                min_position: None,
            }))
            .await
            .expect("get case");
        cases
            .find_case_by_application(caller.request(case_pb::FindCaseByApplicationRequest {
                application_id: application_id.clone(),
                min_position: None,
            }))
            .await
            .expect("find case");
        cases
            .list_cases(caller.request(case_pb::ListCasesRequest::default()))
            .await
            .expect("list cases");
        cases
            .get_case_timeline(caller.request(case_pb::GetCaseTimelineRequest {
                case_id: case.case_id.clone(),
                ..Default::default()
            }))
            .await
            .expect("timeline");
    }

    messages_both_ways(&system, &applicant, &caseworker, &case.case_id).await;

    // Reads that fail.
    let status = cases
        .list_cases(caseworker.request(case_pb::ListCasesRequest {
            page_token: "Zyxwvutsrq".into(),
            ..Default::default()
        }))
        .await
        .expect_err("bad page token");
    assert_eq!(status.code(), Code::InvalidArgument);
    let status = cases
        .get_case_timeline(caseworker.request(case_pb::GetCaseTimelineRequest {
            case_id: case.case_id.clone(),
            page_token: "not-a-page".into(),
            ..Default::default()
        }))
        .await
        .expect_err("bad page token");
    assert_eq!(status.code(), Code::InvalidArgument);
    let status = intake
        .get_submission(caseworker.request(intake_pb::GetSubmissionRequest {
            submission_id: "not-a-uuid".into(),
            ..Default::default()
        }))
        .await
        .expect_err("bad id");
    assert_eq!(status.code(), Code::InvalidArgument);

    // Calls that are refused.
    let status = cases
        .get_case(
            Caller::token(&operator_token).request(case_pb::GetCaseRequest {
                case_id: case.case_id.clone(),
                min_position: None,
            }),
        )
        .await
        .expect_err("operator");
    assert_eq!(status.code(), Code::PermissionDenied);
    for token in [&wrong_audience_token, &expired_token] {
        let status = intake
            .get_submission(
                Caller::token(token).request(intake_pb::GetSubmissionRequest {
                    submission_id: submission_id.clone(),
                    ..Default::default()
                }),
            )
            .await
            .expect_err("bad token");
        assert_eq!(status.code(), Code::Unauthenticated);
    }

    // An invalid submission carrying personal data: refused with field paths, values unlogged.
    let mut invalid = canary_person();
    invalid.given_name = "Grumbelfritz".into();
    invalid.iban = "DE00QOPPEL0000000000".into();
    let status = intake
        .submit_application(
            applicant.request(invalid.submission(&uuid::Uuid::new_v4().to_string())),
        )
        .await
        .expect_err("invalid IBAN");
    assert_eq!(status.code(), Code::InvalidArgument);

    // Stop as Kubernetes does, so the exporters flush, then search everything.
    system.stop().await.expect("both services stop cleanly");
    let mut exported = false;
    for _ in 0..50 {
        if sink.exports() > 0 {
            exported = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(exported, "the services exported their spans");
    let traces = sink.received();

    let mut forbidden = canaries();
    for token in tokens {
        forbidden.push(token.clone());
        // A log that cut the token short still leaks its signature.
        forbidden.push(token.rsplit('.').next().unwrap().to_owned());
    }
    for service in Service::ALL {
        let logs = system.process(service).logs();
        // The capture is the whole log: it holds what it should.
        assert!(logs.contains("gRPC server listening"), "{service:?}");
        assert!(
            logs.contains("\"level\":\"DEBUG\""),
            "{service:?}: debug lines captured"
        );
        assert!(
            logs.contains(TENANT),
            "{service:?}: the tenant id is logged"
        );
        let leaks = found(logs.as_bytes(), &forbidden);
        assert!(leaks.is_empty(), "{service:?} logged {leaks:?}");
    }
    for rpc in ["SubmitApplication", "GetSubmission", "GetCase", "ListCases"] {
        assert!(
            found(&traces, &[rpc.to_owned()]).len() == 1,
            "the traces name the RPC {rpc}"
        );
    }
    assert!(
        !found(&traces, &[TENANT.to_owned()]).is_empty(),
        "the traces carry the tenant id"
    );
    let leaks = found(&traces, &forbidden);
    assert!(leaks.is_empty(), "the traces carry {leaks:?}");
}
