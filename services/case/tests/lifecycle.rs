//! The lifecycle of a main application through the case service's commands: every legal step,
//! illegal ones refused with nothing recorded, retries, concurrency and bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use case::domain::dates::{Clock, SystemClock};
use chrono::{Days, NaiveDate};
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::common::v1 as common;
use prost::Message;
use tonic::Code;
use uuid::Uuid;

use harness::{TestApp, as_caller, as_subject, find, spawn_app, submit_as};

const TENANT: &str = "jc-essen";

fn date(day: NaiveDate) -> Option<common::Date> {
    Some(case::domain::dates::to_proto(day))
}

fn in_days(n: u64) -> NaiveDate {
    SystemClock.today().checked_add_days(Days::new(n)).unwrap()
}

fn staff<T>(message: T) -> tonic::Request<T> {
    as_caller(message, TENANT, "caseworker")
}

fn command(case_id: &str) -> Option<proto::CaseCommand> {
    Some(proto::CaseCommand {
        case_id: case_id.into(),
        command_id: Uuid::new_v4().to_string(),
        expected_version: None,
    })
}

/// A case opened by an applicant's online application.
async fn opened_case(app: &mut TestApp, applicant: &str) -> proto::Case {
    let (application_id, at) = submit_as(app, TENANT, applicant, "Mustermann").await;
    find(app, TENANT, &application_id, &at).await
}

async fn get(app: &mut TestApp, case_id: &str, at: Option<&proto::CommandResult>) -> proto::Case {
    app.cases
        .get_case(as_caller(
            proto::GetCaseRequest {
                case_id: case_id.into(),
                min_position: at.and_then(|r| r.position.clone()),
            },
            TENANT,
            "caseworker",
        ))
        .await
        .expect("get")
        .into_inner()
        .case
        .unwrap()
}

async fn stream_version(app: &TestApp, case_id: &str) -> i32 {
    let events = app
        .log
        .read_stream(&format!("case-{case_id}"), 0, 1000)
        .await
        .expect("stream");
    events.last().map(|e| e.version).unwrap_or(0)
}

#[tokio::test]
async fn a_main_application_runs_its_whole_path() {
    let mut app = spawn_app().await;
    let case = opened_case(&mut app, "applicant-1").await;
    let id = case.case_id.clone();
    assert_eq!(case.status, proto::CaseStatus::Open as i32);
    assert!(
        case.status_text.contains("eingegangen"),
        "{}",
        case.status_text
    );

    let r = app
        .cases
        .start_review(staff(proto::StartReviewRequest {
            command: command(&id),
        }))
        .await
        .expect("review")
        .into_inner()
        .result
        .unwrap();
    assert_eq!(r.version, 2);
    assert_eq!(
        get(&mut app, &id, Some(&r)).await.status,
        proto::CaseStatus::InReview as i32
    );

    let due = in_days(14);
    let r = app
        .cases
        .request_documents(staff(proto::RequestDocumentsRequest {
            command: command(&id),
            due: date(due),
            documents: vec!["Kontoauszüge der letzten drei Monate".into()],
        }))
        .await
        .expect("request documents")
        .into_inner()
        .result
        .unwrap();
    let waiting = get(&mut app, &id, Some(&r)).await;
    assert_eq!(waiting.status, proto::CaseStatus::DocumentsRequested as i32);
    assert_eq!(waiting.documents_due, date(due));
    assert!(
        waiting
            .status_text
            .contains(&due.format("%d.%m.%Y").to_string()),
        "the applicant reads the deadline: {}",
        waiting.status_text
    );

    let r = app
        .cases
        .record_documents_received(staff(proto::RecordDocumentsReceivedRequest {
            command: command(&id),
            note: "vollständig".into(),
        }))
        .await
        .expect("documents received")
        .into_inner()
        .result
        .unwrap();
    assert_eq!(
        get(&mut app, &id, Some(&r)).await.status,
        proto::CaseStatus::InReview as i32
    );

    let r = app
        .cases
        .issue_decision(staff(proto::IssueDecisionRequest {
            command: command(&id),
            outcome: proto::DecisionOutcome::Approved as i32,
            provisional: false,
        }))
        .await
        .expect("decision")
        .into_inner()
        .result
        .unwrap();
    let decided = get(&mut app, &id, Some(&r)).await;
    assert_eq!(decided.status, proto::CaseStatus::Decided as i32);
    assert_eq!(
        decided.decision_outcome,
        proto::DecisionOutcome::Approved as i32
    );
    let period = decided.benefit_period.expect("a benefit period");
    let opened_on = case::domain::dates::legal_day(
        chrono::DateTime::from_timestamp(case.opened_at.unwrap().seconds, 0).unwrap(),
    );
    // From the first of the month of receipt, twelve months (§ 37, § 41 SGB II).
    assert_eq!(period.first_day.unwrap().day, 1);
    assert_eq!(
        period.first_day.unwrap().month,
        i32::try_from(chrono::Datelike::month(&opened_on)).unwrap()
    );

    // The applicant objects on their own case, in time.
    let objected = app
        .cases
        .file_objection(as_subject(
            proto::FileObjectionRequest {
                command: command(&id),
            },
            TENANT,
            "applicant-1",
            "applicant",
        ))
        .await
        .expect("objection")
        .into_inner();
    assert!(!objected.late);
    assert_eq!(
        get(&mut app, &id, objected.result.as_ref()).await.status,
        proto::CaseStatus::Objection as i32
    );

    let r = app
        .cases
        .decide_objection(staff(proto::DecideObjectionRequest {
            command: command(&id),
            result: proto::ObjectionResult::Remedied as i32,
        }))
        .await
        .expect("objection decided")
        .into_inner()
        .result
        .unwrap();
    assert_eq!(
        get(&mut app, &id, Some(&r)).await.status,
        proto::CaseStatus::ObjectionDecided as i32
    );

    let r = app
        .cases
        .close_case(staff(proto::CloseCaseRequest {
            command: command(&id),
            reason: proto::CloseReason::WorkFound as i32,
        }))
        .await
        .expect("closed")
        .into_inner()
        .result
        .unwrap();
    let closed = get(&mut app, &id, Some(&r)).await;
    assert_eq!(closed.status, proto::CaseStatus::Closed as i32);
    assert_eq!(closed.version, 8);

    let timeline = app
        .cases
        .get_case_timeline(staff(proto::GetCaseTimelineRequest {
            case_id: id.clone(),
            page_size: 0,
            page_token: String::new(),
        }))
        .await
        .expect("timeline")
        .into_inner();
    let types: Vec<&str> = timeline
        .entries
        .iter()
        .map(|e| e.event_type.as_str())
        .collect();
    assert_eq!(
        types,
        [
            "case.CaseOpened",
            "case.ReviewStarted",
            "case.DocumentsRequested",
            "case.DocumentsReceived",
            "case.DecisionIssued",
            "case.ObjectionFiled",
            "case.ObjectionDecided",
            "case.CaseClosed",
        ]
    );
    assert!(
        timeline.entries[2]
            .description
            .contains("Kontoauszüge der letzten drei Monate")
    );
    assert!(timeline.entries[7].description.contains("work found"));
}

/// Every command that does not fit a freshly opened case, and each fitting command of a closed
/// one, is FAILED_PRECONDITION and leaves the stream as it was.
#[tokio::test]
async fn illegal_transitions_are_refused_and_change_nothing() {
    let mut app = spawn_app().await;
    let case = opened_case(&mut app, "applicant-2").await;
    let id = case.case_id.clone();
    let c = &mut app.cases;
    let refusals = [
        c.request_documents(staff(proto::RequestDocumentsRequest {
            command: command(&id),
            due: date(in_days(14)),
            documents: vec!["Mietvertrag".into()],
        }))
        .await
        .map(|_| ()),
        c.record_documents_received(staff(proto::RecordDocumentsReceivedRequest {
            command: command(&id),
            note: String::new(),
        }))
        .await
        .map(|_| ()),
        c.warn_of_refusal(staff(proto::WarnOfRefusalRequest {
            command: command(&id),
            due: date(in_days(14)),
        }))
        .await
        .map(|_| ()),
        c.issue_decision(staff(proto::IssueDecisionRequest {
            command: command(&id),
            outcome: proto::DecisionOutcome::Approved as i32,
            provisional: false,
        }))
        .await
        .map(|_| ()),
        c.file_objection(staff(proto::FileObjectionRequest {
            command: command(&id),
        }))
        .await
        .map(|_| ()),
        c.decide_objection(staff(proto::DecideObjectionRequest {
            command: command(&id),
            result: proto::ObjectionResult::Rejected as i32,
        }))
        .await
        .map(|_| ()),
    ];
    for (i, refusal) in refusals.into_iter().enumerate() {
        let status = refusal.expect_err("refused");
        assert_eq!(status.code(), Code::FailedPrecondition, "command {i}");
        assert!(
            status.message().contains("received"),
            "{}",
            status.message()
        );
    }
    assert_eq!(stream_version(&app, &id).await, 1);

    // A closed case refuses even what fitted before.
    app.cases
        .close_case(staff(proto::CloseCaseRequest {
            command: command(&id),
            reason: proto::CloseReason::Withdrawn as i32,
        }))
        .await
        .expect("closed");
    let status = app
        .cases
        .start_review(staff(proto::StartReviewRequest {
            command: command(&id),
        }))
        .await
        .expect_err("closed");
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert_eq!(stream_version(&app, &id).await, 2);
}

#[tokio::test]
async fn a_retried_command_answers_its_first_result_even_after_the_case_moved_on() {
    let mut app = spawn_app().await;
    let case = opened_case(&mut app, "applicant-3").await;
    let id = case.case_id.clone();
    let review = proto::StartReviewRequest {
        command: command(&id),
    };
    let first = app
        .cases
        .start_review(staff(review.clone()))
        .await
        .expect("first")
        .into_inner();
    let again = app
        .cases
        .start_review(staff(review.clone()))
        .await
        .expect("again")
        .into_inner();
    assert_eq!(first, again);
    app.cases
        .request_documents(staff(proto::RequestDocumentsRequest {
            command: command(&id),
            due: date(in_days(10)),
            documents: vec!["Lohnabrechnung".into()],
        }))
        .await
        .expect("documents");
    // The review cannot start again, but the retry of the command that started it is answered.
    let late_retry = app
        .cases
        .start_review(staff(review))
        .await
        .expect("retry")
        .into_inner();
    assert_eq!(late_retry, first);
    assert_eq!(stream_version(&app, &id).await, 3);
}

#[tokio::test]
async fn a_stale_expected_version_is_aborted_and_a_current_one_applies() {
    let mut app = spawn_app().await;
    let case = opened_case(&mut app, "applicant-4").await;
    let id = case.case_id.clone();
    let with_version = |v| {
        Some(proto::CaseCommand {
            case_id: id.clone(),
            command_id: Uuid::new_v4().to_string(),
            expected_version: Some(v),
        })
    };
    let status = app
        .cases
        .start_review(as_caller(
            proto::StartReviewRequest {
                command: with_version(5),
            },
            TENANT,
            "caseworker",
        ))
        .await
        .expect_err("stale");
    assert_eq!(status.code(), Code::Aborted);
    assert_eq!(stream_version(&app, &id).await, 1);
    app.cases
        .start_review(as_caller(
            proto::StartReviewRequest {
                command: with_version(1),
            },
            TENANT,
            "caseworker",
        ))
        .await
        .expect("current");
    assert_eq!(stream_version(&app, &id).await, 2);
}

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    let mut app = spawn_app().await;
    let case = opened_case(&mut app, "applicant-5").await;
    let id = case.case_id.clone();
    let field_of = |status: tonic::Status| {
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        platform::status::field_violations(&status)
            .into_iter()
            .map(|v| v.field)
            .collect::<Vec<_>>()
    };
    let c = &mut app.cases;
    let cases: Vec<(Result<(), tonic::Status>, &str)> = vec![
        (
            c.start_review(staff(proto::StartReviewRequest { command: None }))
                .await
                .map(|_| ()),
            "command",
        ),
        (
            c.start_review(staff(proto::StartReviewRequest {
                command: command("not-a-uuid"),
            }))
            .await
            .map(|_| ()),
            "command.case_id",
        ),
        (
            c.start_review(staff(proto::StartReviewRequest {
                command: Some(proto::CaseCommand {
                    case_id: id.clone(),
                    command_id: "x".into(),
                    expected_version: None,
                }),
            }))
            .await
            .map(|_| ()),
            "command.command_id",
        ),
        (
            c.start_review(staff(proto::StartReviewRequest {
                command: Some(proto::CaseCommand {
                    case_id: id.clone(),
                    command_id: Uuid::new_v4().to_string(),
                    expected_version: Some(0),
                }),
            }))
            .await
            .map(|_| ()),
            "command.expected_version",
        ),
        (
            c.request_documents(staff(proto::RequestDocumentsRequest {
                command: command(&id),
                due: None,
                documents: vec!["Mietvertrag".into()],
            }))
            .await
            .map(|_| ()),
            "due",
        ),
        (
            c.request_documents(staff(proto::RequestDocumentsRequest {
                command: command(&id),
                due: Some(common::Date {
                    year: 2027,
                    month: 2,
                    day: 30,
                }),
                documents: vec!["Mietvertrag".into()],
            }))
            .await
            .map(|_| ()),
            "due",
        ),
        (
            c.request_documents(staff(proto::RequestDocumentsRequest {
                command: command(&id),
                due: date(in_days(14)),
                documents: vec![],
            }))
            .await
            .map(|_| ()),
            "documents",
        ),
        (
            c.issue_decision(staff(proto::IssueDecisionRequest {
                command: command(&id),
                outcome: 0,
                provisional: false,
            }))
            .await
            .map(|_| ()),
            "outcome",
        ),
        (
            c.decide_objection(staff(proto::DecideObjectionRequest {
                command: command(&id),
                result: 99,
            }))
            .await
            .map(|_| ()),
            "result",
        ),
        (
            c.close_case(staff(proto::CloseCaseRequest {
                command: command(&id),
                reason: 0,
            }))
            .await
            .map(|_| ()),
            "reason",
        ),
        (
            c.decide_matter(staff(proto::DecideMatterRequest {
                command: command(&id),
                application_id: "nope".into(),
                outcome: proto::MatterOutcome::Processed as i32,
                note: String::new(),
            }))
            .await
            .map(|_| ()),
            "application_id",
        ),
        (
            c.assign_case(as_caller(
                proto::AssignCaseRequest {
                    command: command(&id),
                    caseworker: "cw-1".into(),
                    team: String::new(),
                },
                TENANT,
                "team-lead",
            ))
            .await
            .map(|_| ()),
            "team",
        ),
    ];
    for (outcome, field) in cases {
        assert_eq!(field_of(outcome.expect_err(field)), vec![field.to_owned()]);
    }
    assert_eq!(stream_version(&app, &id).await, 1);
}

#[tokio::test]
async fn only_the_own_tenant_and_for_applicants_only_their_own_case_can_be_worked() {
    let mut app = spawn_app().await;
    let case = opened_case(&mut app, "applicant-6").await;
    let id = case.case_id.clone();
    // Another tenant's caseworker: as if the case did not exist.
    let status = app
        .cases
        .start_review(as_caller(
            proto::StartReviewRequest {
                command: command(&id),
            },
            "jc-bochum",
            "caseworker",
        ))
        .await
        .expect_err("other tenant");
    assert_eq!(status.code(), Code::NotFound);
    // Another applicant may not object to this case; neither exists for them.
    let status = app
        .cases
        .file_objection(as_subject(
            proto::FileObjectionRequest {
                command: command(&id),
            },
            TENANT,
            "applicant-someone-else",
            "applicant",
        ))
        .await
        .expect_err("not theirs");
    assert_eq!(status.code(), Code::NotFound);
    // An applicant cannot work a case at all.
    let status = app
        .cases
        .start_review(as_subject(
            proto::StartReviewRequest {
                command: command(&id),
            },
            TENANT,
            "applicant-6",
            "applicant",
        ))
        .await
        .expect_err("no role");
    assert_eq!(status.code(), Code::PermissionDenied);
    // A case that does not exist at all.
    let status = app
        .cases
        .start_review(as_caller(
            proto::StartReviewRequest {
                command: command(&Uuid::new_v4().to_string()),
            },
            TENANT,
            "caseworker",
        ))
        .await
        .expect_err("none");
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(stream_version(&app, &id).await, 1);
}

/// A client's command id is its own per case: the same id on another case (or by another
/// jobcenter) is another command, not a retry answered with someone else's result.
#[tokio::test]
async fn the_same_command_id_on_two_cases_is_two_commands() {
    let mut app = spawn_app().await;
    let first = opened_case(&mut app, "applicant-7").await;
    let second = opened_case(&mut app, "applicant-8").await;
    let shared = Uuid::new_v4().to_string();
    for case in [&first, &second] {
        let result = app
            .cases
            .start_review(staff(proto::StartReviewRequest {
                command: Some(proto::CaseCommand {
                    case_id: case.case_id.clone(),
                    command_id: shared.clone(),
                    expected_version: None,
                }),
            }))
            .await
            .expect("review")
            .into_inner()
            .result
            .unwrap();
        assert_eq!(result.version, 2);
        assert_eq!(stream_version(&app, &case.case_id).await, 2);
    }
}

/// A jobcenter configured apart (here: deemed notification on the third day, the rule before
/// 2025) decides with its own periods; the others keep the law's.
#[tokio::test]
async fn a_jobcenter_configured_apart_decides_with_its_own_periods() {
    let mut app = harness::spawn_app_configured(|config| {
        config.periods.tenants.insert(
            "jc-alt".into(),
            case::domain::periods::Periods {
                notification_days: 3,
                ..case::domain::periods::Periods::LEGAL
            },
        );
    })
    .await;
    for (tenant, days) in [("jc-alt", 3), (TENANT, 4)] {
        let (application_id, at) = submit_as(
            &mut app,
            tenant,
            &format!("applicant-{tenant}"),
            "Mustermann",
        )
        .await;
        let case = find(&mut app, tenant, &application_id, &at).await;
        let worker = |m| as_caller(m, tenant, "caseworker");
        app.cases
            .start_review(worker(proto::StartReviewRequest {
                command: command(&case.case_id),
            }))
            .await
            .expect("review");
        let decided = app
            .cases
            .issue_decision(as_caller(
                proto::IssueDecisionRequest {
                    command: command(&case.case_id),
                    outcome: proto::DecisionOutcome::Rejected as i32,
                    provisional: false,
                },
                tenant,
                "caseworker",
            ))
            .await
            .expect("decided")
            .into_inner();
        assert_eq!(decided.result.unwrap().version, 3);
        let events = app
            .log
            .read_stream(&format!("case-{}", case.case_id), 0, 10)
            .await
            .unwrap();
        let decision =
            proto::DecisionIssued::decode(events.last().unwrap().payload.as_slice()).unwrap();
        let issued = case::domain::dates::from_proto(&decision.issued_on.unwrap()).unwrap();
        let notified = case::domain::dates::from_proto(&decision.notified_on.unwrap()).unwrap();
        assert_eq!((notified - issued).num_days(), days, "{tenant}");
    }
}
