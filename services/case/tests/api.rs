//! The case service over gRPC, fed by a real intake service, against real PostgreSQL and NATS.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use case::projections::case_view::CaseView;
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::common::v1 as common;
use projection::Projection;
use tonic::Code;

use harness::{as_caller, database_config, find, listener, spawn_app, submit};

#[tokio::test]
async fn a_case_opens_after_a_submission() {
    let mut app = spawn_app().await;
    let (application_id, at) = submit(&mut app, "jc-essen", "Mustermann").await;
    let case = find(&mut app, "jc-essen", &application_id, &at).await;
    assert_eq!(case.status, proto::CaseStatus::Open as i32);
    assert_eq!(case.application_ids, vec![application_id]);
    assert_eq!(case.applicant_family_name, "Mustermann");
    assert_eq!(case.household_size, 2);
    assert_eq!(case.postal_code, "45127");
    assert_eq!(case.version, 1);

    let got = app
        .cases
        .get_case(as_caller(
            proto::GetCaseRequest {
                case_id: case.case_id.clone(),
                min_position: None,
            },
            "jc-essen",
            "caseworker",
        ))
        .await
        .expect("get")
        .into_inner()
        .case
        .unwrap();
    assert_eq!(got, case);
}

#[tokio::test]
async fn another_tenants_case_is_not_found() {
    let mut app = spawn_app().await;
    let (application_id, at) = submit(&mut app, "jc-essen", "Mustermann").await;
    let case = find(&mut app, "jc-essen", &application_id, &at).await;
    let status = app
        .cases
        .get_case(as_caller(
            proto::GetCaseRequest {
                case_id: case.case_id.clone(),
                min_position: None,
            },
            "jc-bochum",
            "caseworker",
        ))
        .await
        .expect_err("not found");
    assert_eq!(status.code(), Code::NotFound);
    let status = app
        .cases
        .get_case_timeline(as_caller(
            proto::GetCaseTimelineRequest {
                case_id: case.case_id,
                page_size: 0,
                page_token: String::new(),
            },
            "jc-bochum",
            "caseworker",
        ))
        .await
        .expect_err("not found");
    assert_eq!(status.code(), Code::NotFound);
}

#[tokio::test]
async fn cases_are_listed_newest_first_in_pages_and_filtered() {
    let mut app = spawn_app().await;
    let mut last = None;
    for i in 0..5 {
        last = Some(submit(&mut app, "jc-essen", &format!("Familie{i}")).await.1);
    }
    submit(&mut app, "jc-bochum", "Andere").await;
    let at = last.unwrap();
    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = app
            .cases
            .list_cases(as_caller(
                proto::ListCasesRequest {
                    page_size: 2,
                    page_token: token.clone(),
                    status: proto::CaseStatus::Open as i32,
                    min_position: Some(at.clone()),
                },
                "jc-essen",
                "caseworker",
            ))
            .await
            .expect("list")
            .into_inner();
        pages += 1;
        seen.extend(page.cases);
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(pages, 3);
    let names: Vec<&str> = seen
        .iter()
        .map(|c| c.applicant_family_name.as_str())
        .collect();
    assert_eq!(
        names,
        vec!["Familie4", "Familie3", "Familie2", "Familie1", "Familie0"]
    );

    let status = app
        .cases
        .list_cases(as_caller(
            proto::ListCasesRequest {
                page_size: 501,
                ..Default::default()
            },
            "jc-essen",
            "caseworker",
        ))
        .await
        .expect_err("too large");
    assert_eq!(status.code(), Code::InvalidArgument);
    let status = app
        .cases
        .list_cases(as_caller(
            proto::ListCasesRequest {
                page_token: "garbage!".into(),
                ..Default::default()
            },
            "jc-essen",
            "caseworker",
        ))
        .await
        .expect_err("bad token");
    assert_eq!(status.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn the_timeline_tells_when_the_application_was_received() {
    let mut app = spawn_app().await;
    let (application_id, at) = submit(&mut app, "jc-essen", "Mustermann").await;
    let case = find(&mut app, "jc-essen", &application_id, &at).await;
    let timeline = app
        .cases
        .get_case_timeline(as_caller(
            proto::GetCaseTimelineRequest {
                case_id: case.case_id,
                page_size: 0,
                page_token: String::new(),
            },
            "jc-essen",
            "caseworker",
        ))
        .await
        .expect("timeline")
        .into_inner();
    assert_eq!(timeline.entries.len(), 1);
    let entry = &timeline.entries[0];
    assert_eq!(entry.version, 1);
    assert_eq!(entry.event_type, "case.CaseOpened");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert!(
        entry.description.starts_with(&format!(
            "Case opened for an application received on {today}"
        )),
        "{}",
        entry.description
    );
    assert!(timeline.next_page_token.is_empty());
}

#[tokio::test]
async fn a_rebuilt_case_view_equals_the_live_one() {
    let mut app = spawn_app().await;
    let mut last = None;
    for i in 0..3 {
        last = Some(submit(&mut app, "jc-essen", &format!("Familie{i}")).await);
    }
    let (application_id, at) = last.unwrap();
    find(&mut app, "jc-essen", &application_id, &at).await;
    // As the service runs them: the worker role digests and rebuilds.
    let mut conn = app.db.worker_pool().acquire().await.unwrap();
    let live = CaseView.digest(&mut conn).await.unwrap();
    let report = projection::rebuild(app.db.worker_pool(), &app.log, "cases", &CaseView)
        .await
        .unwrap();
    assert_eq!(report.events, 3);
    let rebuilt = CaseView.digest(&mut conn).await.unwrap();
    assert_eq!(live, rebuilt);
}

#[tokio::test]
async fn a_token_of_an_unknown_log_is_invalid() {
    let mut app = spawn_app().await;
    let status = app
        .cases
        .find_case_by_application(as_caller(
            proto::FindCaseByApplicationRequest {
                application_id: uuid::Uuid::new_v4().to_string(),
                min_position: Some(common::Position {
                    token: "efile:1:2".into(),
                }),
            },
            "jc-essen",
            "caseworker",
        ))
        .await
        .expect_err("invalid");
    assert_eq!(status.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn a_second_case_replica_opens_no_case_twice() {
    let mut app = spawn_app().await;
    let mut config = case::Config::default();
    config.server.mode = platform::config::SecurityMode::Development;
    config.database = database_config(&app.db);
    config.nats.url = app.nats.url().to_owned();
    let replica = case::Application::build(config, listener().await)
        .await
        .expect("replica");
    tokio::spawn(replica.run_until_stopped(app.cancel.clone()));
    let mut last = None;
    for i in 0..4 {
        last = Some(submit(&mut app, "jc-essen", &format!("Familie{i}")).await);
    }
    let (application_id, at) = last.unwrap();
    find(&mut app, "jc-essen", &application_id, &at).await;
    let opened: i64 = sqlx::query_scalar("SELECT count(*) FROM cases.events")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(opened, 4);
}
