//! Who sees which case, and the read-access log: an applicant reaches only their own case, every
//! read and every refused read leaves exactly one record, and a read whose record cannot be
//! written fails without data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::common::v1 as common;
use tonic::{Code, Request};

use harness::{TestApp, as_subject, find, spawn_app, submit_as};

const TENANT: &str = "jc-essen";

/// Records in the case service's read-access log, read as the administrator.
async fn records(app: &TestApp) -> Vec<serde_json::Value> {
    let rows: Vec<(Vec<u8>,)> =
        sqlx::query_as("SELECT payload FROM cases_access.events ORDER BY global_position")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    rows.into_iter()
        .map(|(payload,)| serde_json::from_slice(&payload).unwrap())
        .collect()
}

fn get_case(
    case_id: &str,
    tenant: &str,
    subject: &str,
    roles: &str,
) -> Request<proto::GetCaseRequest> {
    as_subject(
        proto::GetCaseRequest {
            case_id: case_id.to_owned(),
            min_position: None,
        },
        tenant,
        subject,
        roles,
    )
}

/// The case of applicant `subject`'s new application, once it is open.
async fn open_case(app: &mut TestApp, subject: &str) -> (proto::Case, common::Position) {
    let (application_id, at) = submit_as(app, TENANT, subject, "Mustermann").await;
    let case = find(app, TENANT, &application_id, &at).await;
    (case, at)
}

#[tokio::test]
async fn an_applicant_reaches_only_the_case_of_their_own_application() {
    let mut app = spawn_app().await;
    let (case, at) = open_case(&mut app, "applicant-1").await;
    let (other, _) = open_case(&mut app, "applicant-2").await;

    // Their own case, by every read.
    let own = app
        .cases
        .get_case(get_case(&case.case_id, TENANT, "applicant-1", "applicant"))
        .await
        .expect("own case")
        .into_inner();
    assert_eq!(own.case.unwrap().case_id, case.case_id);
    let listed = app
        .cases
        .list_cases(as_subject(
            proto::ListCasesRequest {
                min_position: Some(at.clone()),
                ..Default::default()
            },
            TENANT,
            "applicant-1",
            "applicant",
        ))
        .await
        .expect("list")
        .into_inner();
    let ids: Vec<&str> = listed.cases.iter().map(|c| c.case_id.as_str()).collect();
    assert_eq!(ids, vec![case.case_id.as_str()]);
    let timeline = app
        .cases
        .get_case_timeline(as_subject(
            proto::GetCaseTimelineRequest {
                case_id: case.case_id.clone(),
                ..Default::default()
            },
            TENANT,
            "applicant-1",
            "applicant",
        ))
        .await
        .expect("own timeline")
        .into_inner();
    assert_eq!(timeline.entries.len(), 1);

    // Another applicant's case of the same jobcenter does not exist for them.
    let status = app
        .cases
        .get_case(get_case(&other.case_id, TENANT, "applicant-1", "applicant"))
        .await
        .expect_err("not theirs");
    assert_eq!(status.code(), Code::NotFound);
    let status = app
        .cases
        .find_case_by_application(as_subject(
            proto::FindCaseByApplicationRequest {
                application_id: other.application_ids[0].clone(),
                min_position: None,
            },
            TENANT,
            "applicant-1",
            "applicant",
        ))
        .await
        .expect_err("not theirs");
    assert_eq!(status.code(), Code::NotFound);
    let status = app
        .cases
        .get_case_timeline(as_subject(
            proto::GetCaseTimelineRequest {
                case_id: other.case_id.clone(),
                ..Default::default()
            },
            TENANT,
            "applicant-1",
            "applicant",
        ))
        .await
        .expect_err("not theirs");
    assert_eq!(status.code(), Code::NotFound);

    // A caseworker of the jobcenter reaches both.
    for id in [&case.case_id, &other.case_id] {
        app.cases
            .get_case(get_case(id, TENANT, "cw-1", "caseworker"))
            .await
            .expect("caseworker reads any case of the tenant");
    }
}

#[tokio::test]
async fn every_read_and_every_refused_read_leaves_exactly_one_record() {
    let mut app = spawn_app().await;
    let (case, _) = open_case(&mut app, "applicant-1").await;
    let before = records(&app).await.len();

    // Granted, not found for another tenant, refused for a role, refused without identity.
    app.cases
        .get_case(get_case(&case.case_id, TENANT, "cw-1", "caseworker"))
        .await
        .expect("granted");
    let status = app
        .cases
        .get_case(get_case(&case.case_id, "jc-dortmund", "cw-9", "caseworker"))
        .await
        .expect_err("other tenant");
    assert_eq!(status.code(), Code::NotFound);
    let status = app
        .cases
        .get_case(get_case(&case.case_id, TENANT, "op-1", "operator"))
        .await
        .expect_err("operator reads no social data");
    assert_eq!(status.code(), Code::PermissionDenied);
    let status = app
        .cases
        .get_case(Request::new(proto::GetCaseRequest {
            case_id: case.case_id.clone(),
            min_position: None,
        }))
        .await
        .expect_err("anonymous");
    assert_eq!(status.code(), Code::Unauthenticated);

    let all = records(&app).await;
    let new = &all[before..];
    assert_eq!(new.len(), 4, "one record per call: {new:#?}");
    let outcome = |i: usize| new[i]["outcome"].to_string();
    assert!(outcome(0).contains("granted"), "{}", new[0]);
    assert!(outcome(1).contains("not_found"), "{}", new[1]);
    assert!(outcome(2).contains("permission_denied"), "{}", new[2]);
    assert!(outcome(3).contains("unauthenticated"), "{}", new[3]);
    let text = serde_json::to_string(new).unwrap();
    assert!(text.contains(&case.case_id), "the case is named: {text}");
    assert!(
        text.contains("cw-9") && text.contains("jc-dortmund"),
        "{text}"
    );
    // Content never: the applicant's name is not in the log.
    assert!(!text.contains("Mustermann"), "{text}");
}

#[tokio::test]
async fn a_read_whose_record_cannot_be_written_fails_without_data() {
    let mut app = spawn_app().await;
    let (case, _) = open_case(&mut app, "applicant-1").await;
    sqlx::query("REVOKE INSERT ON cases_access.events FROM jobcenter_worker")
        .execute(app.db.pool())
        .await
        .unwrap();
    let status = app
        .cases
        .get_case(get_case(&case.case_id, TENANT, "cw-1", "caseworker"))
        .await
        .expect_err("no record, no read");
    assert_eq!(status.code(), Code::Unavailable);
    assert!(!status.message().contains("Mustermann"));
    assert!(
        !status
            .message()
            .to_lowercase()
            .contains("permission denied for")
    );

    // Once the log is writable again, reads work again: the service kept serving.
    sqlx::query("GRANT INSERT ON cases_access.events TO jobcenter_worker")
        .execute(app.db.pool())
        .await
        .unwrap();
    let got = app
        .cases
        .get_case(get_case(&case.case_id, TENANT, "cw-1", "caseworker"))
        .await
        .expect("read again")
        .into_inner();
    assert_eq!(got.case.unwrap().case_id, case.case_id);
}
