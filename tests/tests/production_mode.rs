//! Both services as a deployment runs them: production mode, TLS with a server certificate of a
//! test CA, OIDC tokens of a test issuer (audience `jobcenter-intake` and `jobcenter-case`),
//! partner client certificates of the same CA, and a plaintext port for `grpc.health.v1` only.
//!
//! Who may call what is docs/security/rpc-roles.md; how credentials are checked is
//! docs/security/transport.md and docs/security/oidc.md. What is proved here is that the real
//! binaries, configured only through their environment, enforce it end to end.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use bytes::Bytes;
use jobcenter_proto::case::v1 as case_pb;
use jobcenter_proto::intake::v1 as intake_pb;
use system_tests::access_records::{self, LoggedCall};
use system_tests::raw_grpc;
use system_tests::{Caller, Person, Service, System};
use tonic::Code;
use tonic::transport::Channel;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

const ESSEN: &str = "jc-essen";
const DORTMUND: &str = "jc-dortmund";

fn code<T>(result: Result<tonic::Response<T>, tonic::Status>) -> Code {
    match result {
        Ok(_) => Code::Ok,
        Err(status) => status.code(),
    }
}

/// Asks `channel`'s health service until it reports SERVING (the services turn SERVING just
/// after they log that they listen).
async fn serving(channel: Channel, service: &str) -> ServingStatus {
    let mut health = HealthClient::new(channel);
    let mut last = ServingStatus::Unknown;
    for _ in 0..100 {
        let answer = health
            .check(HealthCheckRequest {
                service: service.to_owned(),
            })
            .await
            .expect("health answers without credentials");
        last = answer.into_inner().status();
        if last == ServingStatus::Serving {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    last
}

/// The path of the first RPC in `service`'s authorization table.
fn some_rpc(service: Service) -> String {
    let policy = service.policy();
    format!("/{}/{}", policy.service, policy.rules[0].method)
}

#[tokio::test]
async fn the_health_port_answers_health_without_credentials_and_nothing_else() {
    let system = System::production().await.expect("system");
    let identities = system.identities().unwrap();
    let token = identities
        .token(ESSEN, "caseworker-1", &["caseworker"])
        .unwrap();

    for service in Service::ALL {
        let address = system
            .process(service)
            .health_address()
            .expect("health port");
        let plaintext = Channel::from_shared(format!("http://{address}"))
            .unwrap()
            .connect()
            .await
            .expect("the health port speaks plaintext");
        assert_eq!(
            serving(plaintext.clone(), "").await,
            ServingStatus::Serving,
            "{service:?}"
        );
        assert_eq!(
            serving(plaintext.clone(), service.grpc_service()).await,
            ServingStatus::Serving,
            "{service:?}"
        );

        // Nothing but health, even with a valid token.
        let refused = raw_grpc::unary(
            plaintext,
            &some_rpc(service),
            Caller::token(token.clone()).request(Bytes::new()),
        )
        .await
        .expect_err("the health port serves no service RPC");
        assert_eq!(
            refused.code(),
            Code::Unimplemented,
            "{service:?}: {refused:?}"
        );

        // The TLS port answers health without credentials too.
        let tls = system.channel(service, None).await.expect("TLS channel");
        assert_eq!(
            serving(tls, "").await,
            ServingStatus::Serving,
            "{service:?}"
        );
    }

    // No call reached a service: there is nothing to record.
    for service in Service::ALL {
        let records = access_records::records(system.db().pool(), service)
            .await
            .unwrap();
        assert!(records.is_empty(), "{service:?}: {records:?}");
    }
}

#[tokio::test]
async fn callers_without_valid_credentials_are_refused_and_recorded() {
    let system = System::production().await.expect("system");
    let identities = system.identities().unwrap();
    let get_submission = || intake_pb::GetSubmissionRequest {
        submission_id: "00000000-0000-4000-8000-000000000001".into(),
        ..Default::default()
    };

    // Plaintext HTTP/2 to the TLS port: no connection, no call.
    let address = system.address(Service::Intake);
    let plaintext = Channel::from_shared(format!("http://{address}"))
        .unwrap()
        .connect()
        .await;
    if let Ok(channel) = plaintext {
        let mut intake = intake_pb::intake_service_client::IntakeServiceClient::new(channel);
        let status = intake
            .get_submission(Caller::Anonymous.request(get_submission()))
            .await
            .expect_err("plaintext is not served");
        // The client reads the server's TLS alert as a broken HTTP/2 frame (INTERNAL) or sees
        // the connection close (UNAVAILABLE, UNKNOWN); never a status of the service itself.
        assert!(
            matches!(
                status.code(),
                Code::Internal | Code::Unavailable | Code::Unknown
            ),
            "a plaintext call must fail in transport, not reach the service: {status:?}"
        );
    }
    // The failed handshake is logged and recorded (with the pseudo-RPC of handshakes); wait
    // for both, so that the records below come in a known order.
    let mut logged = false;
    let mut recorded = false;
    for _ in 0..100 {
        let logs = system.process(Service::Intake).logs();
        logged = logs.contains("TLS handshake failed") && logs.contains("not_tls");
        recorded = access_records::count(system.db().pool(), Service::Intake)
            .await
            .unwrap()
            > 0;
        if logged && recorded {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        logged,
        "the refused plaintext handshake is logged as not_tls"
    );
    assert!(recorded, "the refused plaintext handshake is recorded");

    let mut intake = system.intake(None).await.unwrap();

    // No credentials at all.
    let status = intake
        .get_submission(Caller::Anonymous.request(get_submission()))
        .await
        .expect_err("no credentials");
    assert_eq!(status.code(), Code::Unauthenticated);
    assert_eq!(status.message(), "invalid or missing credentials");

    // A valid token, but for the case service only.
    let for_case = identities
        .token_builder(ESSEN, "caseworker-1", &["caseworker"])
        .audience(Service::Case.audience())
        .sign()
        .unwrap();
    let status = intake
        .get_submission(Caller::token(&for_case).request(get_submission()))
        .await
        .expect_err("wrong audience");
    assert_eq!(status.code(), Code::Unauthenticated);
    assert!(!status.message().contains(&for_case));
    // The same token is good where it belongs: only the audience was wrong.
    let mut cases = system.cases(None).await.unwrap();
    cases
        .list_cases(Caller::token(&for_case).request(case_pb::ListCasesRequest::default()))
        .await
        .expect("the token is valid for the case service");

    // Development identities are not trusted in production.
    let status = intake
        .get_submission(Caller::dev(ESSEN, "caseworker-1", "caseworker").request(get_submission()))
        .await
        .expect_err("development identity in production");
    assert_eq!(status.code(), Code::Unauthenticated);

    // Each refusal is one record, without a tenant (nobody was authenticated). The plaintext
    // client may have tried more than one connection: each failed handshake is a record.
    let records = access_records::records(system.db().pool(), Service::Intake)
        .await
        .unwrap();
    let (handshakes, calls): (Vec<_>, Vec<_>) =
        records.iter().partition(|r| r.rpc == "/_tls/handshake");
    assert!(!handshakes.is_empty());
    assert!(
        handshakes.iter().all(|r| r.tenant.is_none()
            && r.outcome == "unauthenticated"
            && r.reason.as_deref() == Some("not_tls")),
        "{handshakes:?}"
    );
    let refusals: Vec<String> = calls
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r.rpc,
                r.tenant.as_deref().unwrap_or("-"),
                r.outcome,
                r.reason.as_deref().unwrap_or("-")
            )
        })
        .collect();
    let get_submission = "/jobcenter.intake.v1.IntakeService/GetSubmission";
    assert_eq!(
        refusals,
        vec![
            format!("{get_submission} - unauthenticated missing_credentials"),
            format!("{get_submission} - unauthenticated token_wrong_audience"),
            format!("{get_submission} - unauthenticated development_identity_refused"),
        ]
    );
}

/// (tenant, subject, outcome) of `service`'s records of `method`, in order.
async fn outcomes(
    system: &System,
    service: Service,
    method: &str,
) -> Vec<(String, String, String)> {
    access_records::records(system.db().pool(), service)
        .await
        .unwrap()
        .into_iter()
        .filter(|record: &LoggedCall| record.method() == method)
        .map(|record| {
            (
                record.tenant.unwrap_or_default(),
                record.subject.unwrap_or_default(),
                record.outcome,
            )
        })
        .collect()
}

fn row(tenant: &str, subject: &str, outcome: &str) -> (String, String, String) {
    (tenant.to_owned(), subject.to_owned(), outcome.to_owned())
}

#[tokio::test]
async fn an_applicant_sees_only_their_own_submission_and_case() {
    let system = System::production().await.expect("system");
    let identities = system.identities().unwrap();
    let caller = |tenant: &str, subject: &str, role: &str| {
        Caller::token(identities.token(tenant, subject, &[role]).unwrap())
    };
    let applicant = caller(ESSEN, "applicant-1", "applicant");
    let other_applicant = caller(ESSEN, "applicant-2", "applicant");
    let caseworker = caller(ESSEN, "caseworker-1", "caseworker");
    let foreign_caseworker = caller(DORTMUND, "caseworker-9", "caseworker");
    let operator = caller(ESSEN, "operator-1", "operator");
    let mut intake = system.intake(None).await.unwrap();
    let mut cases = system.cases(None).await.unwrap();

    let submission_id = uuid::Uuid::new_v4().to_string();
    let submitted = intake
        .submit_application(applicant.request(Person::erika().submission(&submission_id)))
        .await
        .expect("the applicant submits")
        .into_inner();
    let application_id = submitted.submission.clone().unwrap().application_id;

    // Their own submission, and their own case once it is open.
    let get_submission = || intake_pb::GetSubmissionRequest {
        submission_id: submission_id.clone(),
        ..Default::default()
    };
    let own = intake
        .get_submission(applicant.request(get_submission()))
        .await
        .expect("the applicant reads their submission")
        .into_inner();
    assert_eq!(own.submission.unwrap().application_id, application_id);
    let case = cases
        .find_case_by_application(applicant.request(case_pb::FindCaseByApplicationRequest {
            application_id: application_id.clone(),
            min_position: submitted.position.clone(),
        }))
        .await
        .expect("the applicant finds their case")
        .into_inner()
        .case
        .unwrap();
    let case_id = case.case_id.clone();
    let get_case = || case_pb::GetCaseRequest {
        case_id: case_id.clone(),
        min_position: None,
    };
    let timeline = || case_pb::GetCaseTimelineRequest {
        case_id: case_id.clone(),
        ..Default::default()
    };
    let find = || case_pb::FindCaseByApplicationRequest {
        application_id: application_id.clone(),
        min_position: None,
    };
    assert_eq!(
        cases
            .get_case(applicant.request(get_case()))
            .await
            .expect("the applicant reads their case")
            .into_inner()
            .case
            .unwrap()
            .case_id,
        case_id
    );
    assert!(
        !cases
            .get_case_timeline(applicant.request(timeline()))
            .await
            .expect("the applicant reads their timeline")
            .into_inner()
            .entries
            .is_empty()
    );
    let listed = cases
        .list_cases(applicant.request(case_pb::ListCasesRequest::default()))
        .await
        .expect("the applicant lists their cases")
        .into_inner();
    let listed: Vec<&str> = listed.cases.iter().map(|c| c.case_id.as_str()).collect();
    assert_eq!(listed, vec![case_id.as_str()]);

    // Another applicant of the same jobcenter: as if none of it existed.
    assert_eq!(
        code(
            intake
                .get_submission(other_applicant.request(get_submission()))
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(cases.get_case(other_applicant.request(get_case())).await),
        Code::NotFound
    );
    assert_eq!(
        code(
            cases
                .find_case_by_application(other_applicant.request(find()))
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(
            cases
                .get_case_timeline(other_applicant.request(timeline()))
                .await
        ),
        Code::NotFound
    );
    let listed = cases
        .list_cases(other_applicant.request(case_pb::ListCasesRequest::default()))
        .await
        .expect("another applicant lists their (no) cases")
        .into_inner();
    assert!(listed.cases.is_empty(), "{listed:?}");

    // A caseworker of the jobcenter sees it all.
    intake
        .get_submission(caseworker.request(get_submission()))
        .await
        .expect("the caseworker reads the submission");
    cases
        .get_case(caseworker.request(get_case()))
        .await
        .expect("the caseworker reads the case");

    // A caseworker of another jobcenter: not found, not forbidden (no existence oracle).
    assert_eq!(
        code(
            intake
                .get_submission(foreign_caseworker.request(get_submission()))
                .await
        ),
        Code::NotFound
    );
    assert_eq!(
        code(cases.get_case(foreign_caseworker.request(get_case())).await),
        Code::NotFound
    );
    assert_eq!(
        code(
            cases
                .find_case_by_application(foreign_caseworker.request(find()))
                .await
        ),
        Code::NotFound
    );

    // The operator runs the installation and reads no social data.
    assert_eq!(
        code(
            intake
                .get_submission(operator.request(get_submission()))
                .await
        ),
        Code::PermissionDenied
    );
    assert_eq!(
        code(cases.get_case(operator.request(get_case())).await),
        Code::PermissionDenied
    );

    // Every one of these reads is in the read-access log, with its caller and outcome.
    let expected = vec![
        row(ESSEN, "applicant-1", "granted"),
        row(ESSEN, "applicant-2", "not_found"),
        row(ESSEN, "caseworker-1", "granted"),
        row(DORTMUND, "caseworker-9", "not_found"),
        row(ESSEN, "operator-1", "permission_denied"),
    ];
    assert_eq!(
        outcomes(&system, Service::Intake, "GetSubmission").await,
        expected
    );
    assert_eq!(outcomes(&system, Service::Case, "GetCase").await, expected);
}

#[tokio::test]
async fn a_partner_system_with_a_client_certificate_submits_and_reads_its_own_submission() {
    let system = System::production().await.expect("system");
    let identities = system.identities().unwrap();
    let partner = identities
        .partner_certificate(ESSEN, "fachverfahren")
        .unwrap();
    let other_partner = identities.partner_certificate(ESSEN, "portal-b").unwrap();
    let mut intake = system.intake(Some(&partner)).await.expect("mTLS channel");

    let submission_id = uuid::Uuid::new_v4().to_string();
    let submitted = intake
        .submit_application(Caller::Anonymous.request(Person::erika().submission(&submission_id)))
        .await
        .expect("the partner submits with its certificate alone")
        .into_inner();
    let read = intake
        .get_submission(Caller::Anonymous.request(intake_pb::GetSubmissionRequest {
            submission_id: submission_id.clone(),
            ..Default::default()
        }))
        .await
        .expect("the partner reads its own submission")
        .into_inner();
    assert_eq!(read.submission, submitted.submission);

    // Another partner system of the same jobcenter did not submit it.
    let mut other = system.intake(Some(&other_partner)).await.unwrap();
    assert_eq!(
        code(
            other
                .get_submission(Caller::Anonymous.request(intake_pb::GetSubmissionRequest {
                    submission_id: submission_id.clone(),
                    ..Default::default()
                }))
                .await
        ),
        Code::NotFound
    );
    // Partner systems read no cases.
    let mut cases = system.cases(Some(&partner)).await.unwrap();
    assert_eq!(
        code(
            cases
                .list_cases(Caller::Anonymous.request(case_pb::ListCasesRequest::default()))
                .await
        ),
        Code::PermissionDenied
    );

    // The read is recorded as the certified partner's.
    let records = access_records::records(system.db().pool(), Service::Intake)
        .await
        .unwrap();
    let reads: Vec<String> = records
        .iter()
        .filter(|r| r.method() == "GetSubmission")
        .map(|r| {
            format!(
                "{} {} {} {}",
                r.tenant.as_deref().unwrap_or("-"),
                r.client.as_deref().unwrap_or("-"),
                r.authentication.as_deref().unwrap_or("-"),
                r.outcome
            )
        })
        .collect();
    assert_eq!(
        reads,
        vec![
            format!("{ESSEN} partner/fachverfahren certificate granted"),
            format!("{ESSEN} partner/portal-b certificate not_found"),
        ]
    );
}
