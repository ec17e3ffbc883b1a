//! The work queue over gRPC: tasks opened and closed by case events, in the rule-assigned
//! caseworker's and the team's queue, in queue order, with stand-ins during an absence.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use chrono::{Days, NaiveDate, Utc};
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::common::v1 as common;
use tonic::Code;

use harness::{
    TestClock, as_subject, case_command, eventually, fallback_rule, find, list_all_tasks,
    own_queue, set_rules, spawn_app, spawn_app_with_clock, submit, surname_rule,
};

const TENANT: &str = "jc-essen";

fn date(day: NaiveDate) -> Option<common::Date> {
    Some(common::Date {
        year: chrono::Datelike::year(&day),
        month: i32::try_from(chrono::Datelike::month(&day)).unwrap(),
        day: i32::try_from(chrono::Datelike::day(&day)).unwrap(),
    })
}

fn kinds(tasks: &[proto::Task]) -> Vec<proto::TaskKind> {
    tasks
        .iter()
        .map(|t| proto::TaskKind::try_from(t.kind).unwrap())
        .collect()
}

#[tokio::test]
async fn a_new_application_becomes_a_review_task_of_the_assigned_caseworker_and_review_moves_it_on()
{
    let mut app = spawn_app().await;
    set_rules(
        &mut app,
        TENANT,
        vec![
            surname_rule("a-k", "A", "K", "cw-anna", "team-1"),
            fallback_rule("rest", "cw-ben", "team-1"),
        ],
    )
    .await;
    let (application_id, at) = submit(&mut app, TENANT, "Becker").await;
    let case = find(&mut app, TENANT, &application_id, &at).await;
    let review = eventually("the review task in cw-anna's queue", || {
        let mut app_cases = app.cases.clone();
        async move {
            let page = app_cases
                .list_tasks(as_subject(
                    proto::ListTasksRequest::default(),
                    TENANT,
                    "cw-anna",
                    "caseworker",
                ))
                .await
                .ok()?
                .into_inner();
            page.tasks.into_iter().next()
        }
    })
    .await;
    assert_eq!(review.kind, proto::TaskKind::ReviewApplication as i32);
    assert_eq!(review.case_id, case.case_id);
    assert_eq!(review.application_id, application_id);
    assert_eq!(review.assignee, "cw-anna");
    assert_eq!(review.team, "team-1");
    assert_eq!(review.priority, proto::TaskPriority::Normal as i32);
    assert!(!review.overdue && !review.substitution);
    assert!(review.checklist.iter().any(|c| c.contains("Mietvertrag")));
    let received = case::domain::dates::legal_day(Utc::now());
    assert_eq!(
        review.due_on,
        date(received.checked_add_days(Days::new(14)).unwrap())
    );
    // Nobody else's own queue holds it.
    assert!(own_queue(&mut app, TENANT, "cw-ben").await.is_empty());

    let started = app
        .cases
        .start_review(as_subject(
            proto::StartReviewRequest {
                command: case_command(&case.case_id),
            },
            TENANT,
            "cw-anna",
            "caseworker",
        ))
        .await
        .expect("review")
        .into_inner()
        .result
        .unwrap();
    let queue = list_all_tasks(
        &mut app,
        TENANT,
        "cw-anna",
        "caseworker",
        proto::ListTasksRequest {
            min_position: started.position.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(kinds(&queue), vec![proto::TaskKind::DecideApplication]);
    assert_ne!(queue[0].task_id, review.task_id);
    assert_eq!(queue[0].assignee, "cw-anna");

    // The team's queue, read by a colleague of the team.
    let team = list_all_tasks(
        &mut app,
        TENANT,
        "cw-ben",
        "caseworker",
        proto::ListTasksRequest {
            team: "team-1".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(team, queue);
    let other_team = list_all_tasks(
        &mut app,
        TENANT,
        "cw-ben",
        "caseworker",
        proto::ListTasksRequest {
            team: "team-2".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(other_team.is_empty());
    // Another jobcenter's caseworker of the same name sees nothing of it.
    assert!(own_queue(&mut app, "jc-bochum", "cw-anna").await.is_empty());
}

#[tokio::test]
async fn overdue_tasks_come_first_then_by_due_day() {
    let clock = TestClock::today();
    let today = clock.get();
    let mut clocked = spawn_app_with_clock(clock.clone()).await;
    let app = &mut clocked.app;
    set_rules(app, TENANT, vec![fallback_rule("all", "cw-anna", "team-1")]).await;
    let mut cases = Vec::new();
    for family in ["Erste", "Zweite"] {
        let (application_id, at) = submit(app, TENANT, family).await;
        cases.push(find(app, TENANT, &application_id, &at).await.case_id);
    }
    eventually("both review tasks", || {
        let mut app_cases = app.cases.clone();
        async move {
            let tasks = app_cases
                .list_tasks(as_subject(
                    proto::ListTasksRequest::default(),
                    TENANT,
                    "cw-anna",
                    "caseworker",
                ))
                .await
                .ok()?
                .into_inner()
                .tasks;
            (tasks.len() == 2).then_some(())
        }
    })
    .await;
    // The second case: review, then documents due in three days, which pass.
    let second = &cases[1];
    app.cases
        .start_review(as_subject(
            proto::StartReviewRequest {
                command: case_command(second),
            },
            TENANT,
            "cw-anna",
            "caseworker",
        ))
        .await
        .expect("review");
    let due = today.checked_add_days(Days::new(3)).unwrap();
    app.cases
        .request_documents(as_subject(
            proto::RequestDocumentsRequest {
                command: case_command(second),
                due: date(due),
                documents: vec!["Kontoauszüge".into()],
            },
            TENANT,
            "cw-anna",
            "caseworker",
        ))
        .await
        .expect("request");
    clock.advance(7);
    let queue = eventually("the overdue documents task", || {
        let mut app_cases = app.cases.clone();
        async move {
            let tasks = app_cases
                .list_tasks(as_subject(
                    proto::ListTasksRequest::default(),
                    TENANT,
                    "cw-anna",
                    "caseworker",
                ))
                .await
                .ok()?
                .into_inner()
                .tasks;
            (tasks.len() == 3).then_some(tasks)
        }
    })
    .await;
    // Documents due on day 3, overdue task due on day 6: passed on day 7, so first; then the
    // first case's review and the second's decision, both due on day 14, oldest first.
    assert_eq!(
        kinds(&queue),
        vec![
            proto::TaskKind::DocumentsOverdue,
            proto::TaskKind::ReviewApplication,
            proto::TaskKind::DecideApplication,
        ]
    );
    assert!(queue[0].overdue);
    assert_eq!(queue[0].priority, proto::TaskPriority::High as i32);
    assert_eq!(queue[0].case_id, *second);
    assert!(!queue[1].overdue && !queue[2].overdue);
    assert_eq!(queue[1].case_id, cases[0]);
}

/// Inserts a task row as the projection would (worker role).
#[allow(clippy::too_many_arguments)]
async fn insert_task(
    app: &harness::TestApp,
    assignee: &str,
    due_on: NaiveDate,
    priority: proto::TaskPriority,
    opened_minute: u32,
    closed: bool,
) -> String {
    let task_id = uuid::Uuid::new_v4();
    let opened_at = chrono::NaiveDate::from_ymd_opt(2026, 1, 5)
        .unwrap()
        .and_hms_opt(9, opened_minute, 0)
        .unwrap()
        .and_utc();
    sqlx::query(
        "INSERT INTO cases.tasks (tenant_id, task_id, case_id, kind, title, checklist, due_on, \
         priority, assignee, team, opened_at, opened_version, closed_at) \
         VALUES ($1, $2, $3, $4, 'Titel', ARRAY['Schritt'], $5, $6, $7, 'team-1', $8, 1, $9)",
    )
    .bind(TENANT)
    .bind(task_id)
    .bind(uuid::Uuid::new_v4())
    .bind(proto::TaskKind::DecideApplication as i32)
    .bind(due_on)
    .bind(priority as i32)
    .bind(assignee)
    .bind(opened_at)
    .bind(closed.then_some(opened_at))
    .execute(app.db.worker_pool())
    .await
    .unwrap();
    task_id.to_string()
}

#[tokio::test]
async fn the_queue_orders_by_due_day_then_priority_then_age_across_pages() {
    let mut app = spawn_app().await;
    let today = case::domain::dates::legal_day(Utc::now());
    let day = |offset: i64| {
        today
            .checked_add_signed(chrono::Duration::days(offset))
            .unwrap()
    };
    use proto::TaskPriority::{High, Normal};
    let overdue_normal = insert_task(&app, "cw-x", day(-3), Normal, 0, false).await;
    let overdue_high = insert_task(&app, "cw-x", day(-3), High, 10, false).await;
    let yesterday = insert_task(&app, "cw-x", day(-1), Normal, 0, false).await;
    let later_high_younger = insert_task(&app, "cw-x", day(2), High, 30, false).await;
    let later_high_older = insert_task(&app, "cw-x", day(2), High, 20, false).await;
    let later_normal = insert_task(&app, "cw-x", day(2), Normal, 0, false).await;
    insert_task(&app, "cw-x", day(-5), High, 0, true).await;
    insert_task(&app, "cw-y", day(-5), High, 0, false).await;
    let queue = list_all_tasks(
        &mut app,
        TENANT,
        "cw-x",
        "caseworker",
        proto::ListTasksRequest {
            page_size: 2,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let ids: Vec<&str> = queue.iter().map(|t| t.task_id.as_str()).collect();
    assert_eq!(
        ids,
        vec![
            overdue_high.as_str(),
            overdue_normal.as_str(),
            yesterday.as_str(),
            later_high_older.as_str(),
            later_high_younger.as_str(),
            later_normal.as_str(),
        ]
    );
    let overdue: Vec<bool> = queue.iter().map(|t| t.overdue).collect();
    assert_eq!(overdue, vec![true, true, true, false, false, false]);

    let bad = app
        .cases
        .list_tasks(as_subject(
            proto::ListTasksRequest {
                page_token: "not-a-token".into(),
                ..Default::default()
            },
            TENANT,
            "cw-x",
            "caseworker",
        ))
        .await
        .expect_err("bad token");
    assert_eq!(bad.code(), Code::InvalidArgument);
}

#[tokio::test]
async fn a_substitute_sees_the_absent_caseworkers_tasks_during_the_absence_only() {
    let clock = TestClock::today();
    let today = clock.get();
    let mut clocked = spawn_app_with_clock(clock.clone()).await;
    let app = &mut clocked.app;
    set_rules(app, TENANT, vec![fallback_rule("all", "cw-anna", "team-1")]).await;
    let (application_id, at) = submit(app, TENANT, "Mustermann").await;
    let case = find(app, TENANT, &application_id, &at).await;
    eventually("the review task in cw-anna's queue", || {
        let mut app_cases = app.cases.clone();
        async move {
            let tasks = app_cases
                .list_tasks(as_subject(
                    proto::ListTasksRequest::default(),
                    TENANT,
                    "cw-anna",
                    "caseworker",
                ))
                .await
                .ok()?
                .into_inner()
                .tasks;
            (!tasks.is_empty()).then_some(())
        }
    })
    .await;
    let absence = |caseworker: &str, substitute: &str, from: u64, to: u64| {
        proto::RecordCaseworkerAbsenceRequest {
            command_id: uuid::Uuid::new_v4().to_string(),
            caseworker: caseworker.into(),
            first_day: date(today.checked_add_days(Days::new(from)).unwrap()),
            last_day: date(today.checked_add_days(Days::new(to)).unwrap()),
            substitute: substitute.into(),
        }
    };
    // A caseworker records only their own absence.
    let denied = app
        .cases
        .record_caseworker_absence(as_subject(
            absence("cw-anna", "cw-ben", 1, 3),
            TENANT,
            "cw-ben",
            "caseworker",
        ))
        .await
        .expect_err("not their own");
    assert_eq!(denied.code(), Code::PermissionDenied);
    let invalid = app
        .cases
        .record_caseworker_absence(as_subject(
            absence("cw-anna", "cw-anna", 3, 1),
            TENANT,
            "cw-anna",
            "caseworker",
        ))
        .await
        .expect_err("invalid");
    assert_eq!(invalid.code(), Code::InvalidArgument);
    let fields: Vec<String> = platform::status::field_violations(&invalid)
        .into_iter()
        .map(|v| v.field)
        .collect();
    assert_eq!(fields, vec!["substitute", "last_day"]);
    let recorded = app
        .cases
        .record_caseworker_absence(as_subject(
            absence("cw-anna", "cw-ben", 1, 3),
            TENANT,
            "cw-anna",
            "caseworker",
        ))
        .await
        .expect("own absence")
        .into_inner()
        .position;
    let ben = |app: &mut harness::TestApp, at: Option<common::Position>| {
        let mut cases = app.cases.clone();
        async move {
            cases
                .list_tasks(as_subject(
                    proto::ListTasksRequest {
                        min_position: at,
                        ..Default::default()
                    },
                    TENANT,
                    "cw-ben",
                    "caseworker",
                ))
                .await
                .expect("ben's queue")
                .into_inner()
                .tasks
        }
    };
    // Not yet absent.
    assert!(ben(app, recorded.clone()).await.is_empty());
    clock.advance(2);
    let standing_in = ben(app, None).await;
    assert_eq!(standing_in.len(), 1);
    assert!(standing_in[0].substitution);
    assert_eq!(standing_in[0].assignee, "cw-anna");
    assert_eq!(standing_in[0].case_id, case.case_id);
    // Anna's own queue still holds it, as her own.
    let anna = own_queue(app, TENANT, "cw-anna").await;
    assert_eq!(anna.len(), 1);
    assert!(!anna[0].substitution);
    // A team lead may look at Ben's queue, and sees it as Ben does.
    let as_lead = list_all_tasks(
        app,
        TENANT,
        "lead-1",
        "team-lead",
        proto::ListTasksRequest {
            caseworker: "cw-ben".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(as_lead, standing_in);
    // Back after the last day.
    clock.advance(2);
    assert!(ben(app, None).await.is_empty());
}

#[tokio::test]
async fn a_caseworker_may_not_read_a_colleagues_queue() {
    let mut app = spawn_app().await;
    let status = app
        .cases
        .list_tasks(as_subject(
            proto::ListTasksRequest {
                caseworker: "cw-anna".into(),
                ..Default::default()
            },
            TENANT,
            "cw-ben",
            "caseworker",
        ))
        .await
        .expect_err("denied");
    assert_eq!(status.code(), Code::PermissionDenied);
    // Naming oneself is the own queue; team leads and auditors read anyone's.
    for (subject, roles) in [
        ("cw-anna", "caseworker"),
        ("lead-1", "team-lead"),
        ("audit-1", "auditor"),
    ] {
        let queue = list_all_tasks(
            &mut app,
            TENANT,
            subject,
            roles,
            proto::ListTasksRequest {
                caseworker: "cw-anna".into(),
                ..Default::default()
            },
        )
        .await;
        assert!(queue.is_ok(), "{roles}: {queue:?}");
    }
    // Applicants have no queue at all.
    let status = app
        .cases
        .list_tasks(as_subject(
            proto::ListTasksRequest::default(),
            TENANT,
            "applicant-1",
            "applicant",
        ))
        .await
        .expect_err("denied");
    assert_eq!(status.code(), Code::PermissionDenied);
}
