//! The deadline watcher with a test clock: deadlines fire on their day as `DeadlineReached`
//! events and tasks, once, also across a restart; a deadline that no longer applies does not.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use chrono::{Datelike, Days, Months, NaiveDate};
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::common::v1 as common;
use prost::Message;

use harness::{
    ClockedApp, TestApp, TestClock, as_subject, case_command, eventually, fallback_rule, find,
    own_queue, set_rules, spawn_app_with_clock, submit,
};
use proto::DeadlineKind;

const TENANT: &str = "jc-essen";
const CASEWORKER: &str = "cw-anna";

fn date(day: NaiveDate) -> Option<common::Date> {
    Some(common::Date {
        year: day.year(),
        month: i32::try_from(day.month()).unwrap(),
        day: i32::try_from(day.day()).unwrap(),
    })
}

fn staff<T>(message: T) -> tonic::Request<T> {
    as_subject(message, TENANT, CASEWORKER, "caseworker")
}

/// An app on `clock` whose cases all go to [`CASEWORKER`].
async fn app_on(clock: std::sync::Arc<TestClock>) -> ClockedApp {
    let mut clocked = spawn_app_with_clock(clock).await;
    set_rules(
        &mut clocked.app,
        TENANT,
        vec![fallback_rule("all", CASEWORKER, "team-1")],
    )
    .await;
    clocked
}

/// A new case under review; its id.
async fn reviewed_case(app: &mut TestApp, family: &str) -> String {
    let (application_id, at) = submit(app, TENANT, family).await;
    let case_id = find(app, TENANT, &application_id, &at).await.case_id;
    app.cases
        .start_review(staff(proto::StartReviewRequest {
            command: case_command(&case_id),
        }))
        .await
        .expect("review");
    case_id
}

async fn request_documents(app: &mut TestApp, case_id: &str, due: NaiveDate) {
    app.cases
        .request_documents(staff(proto::RequestDocumentsRequest {
            command: case_command(case_id),
            due: date(due),
            documents: vec!["Kontoauszüge der letzten drei Monate".into()],
        }))
        .await
        .expect("request documents");
}

/// The deadlines reached in the case, in stream order.
async fn reached(app: &TestApp, case_id: &str) -> Vec<(DeadlineKind, NaiveDate)> {
    app.log
        .read_stream(&format!("case-{case_id}"), 0, 1_000)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.event_type == "case.DeadlineReached")
        .map(|e| {
            let event = proto::DeadlineReached::decode(e.payload.as_slice()).unwrap();
            let due = event.due_on.unwrap();
            (
                DeadlineKind::try_from(event.kind).unwrap(),
                NaiveDate::from_ymd_opt(
                    due.year,
                    u32::try_from(due.month).unwrap(),
                    u32::try_from(due.day).unwrap(),
                )
                .unwrap(),
            )
        })
        .collect()
}

/// Waits until `case_id` has reached `wanted` deadlines.
async fn wait_reached(
    app: &TestApp,
    case_id: &str,
    wanted: usize,
) -> Vec<(DeadlineKind, NaiveDate)> {
    eventually("deadlines reached", || async move {
        let got = reached(app, case_id).await;
        (got.len() >= wanted).then_some(got)
    })
    .await
}

/// Tasks of `kind` the case ever had (open or closed), from the read model.
async fn tasks_of_kind(app: &TestApp, case_id: &str, kind: proto::TaskKind) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM cases.tasks WHERE case_id = $1::uuid AND kind = $2")
        .bind(case_id)
        .bind(kind as i32)
        .fetch_one(app.db.worker_pool())
        .await
        .unwrap()
}

/// The open tasks of `kind` in the caseworker's queue, once there are `wanted`.
async fn queued(app: &mut TestApp, kind: proto::TaskKind, wanted: usize) -> Vec<proto::Task> {
    eventually("tasks in the queue", || {
        let mut cases = app.cases.clone();
        async move {
            let tasks: Vec<proto::Task> = cases
                .list_tasks(staff(proto::ListTasksRequest::default()))
                .await
                .ok()?
                .into_inner()
                .tasks
                .into_iter()
                .filter(|t| t.kind == kind as i32)
                .collect();
            (tasks.len() == wanted).then_some(tasks)
        }
    })
    .await
}

#[tokio::test]
async fn documents_deadlines_fire_once_on_their_day_also_after_a_restart() {
    let clock = TestClock::today();
    let today = clock.get();
    let day = |n: u64| today.checked_add_days(Days::new(n)).unwrap();
    let mut clocked = app_on(clock.clone()).await;
    let first = reviewed_case(&mut clocked.app, "Erste").await;
    request_documents(&mut clocked.app, &first, day(5)).await;
    // A witness due later, to know the restarted watcher has looked.
    let witness = reviewed_case(&mut clocked.app, "Zeuge").await;
    request_documents(&mut clocked.app, &witness, day(8)).await;

    clock.set(day(6));
    let fired = wait_reached(&clocked.app, &first, 2).await;
    assert_eq!(
        fired,
        vec![
            (DeadlineKind::DocumentsReminder, day(2)),
            (DeadlineKind::DocumentsDue, day(5)),
        ]
    );
    let overdue = queued(&mut clocked.app, proto::TaskKind::DocumentsOverdue, 1).await;
    assert_eq!(overdue[0].case_id, first);
    assert_eq!(overdue[0].priority, proto::TaskPriority::High as i32);
    assert_eq!(overdue[0].due_on, date(day(8)));
    // The witness only got its reminder.
    assert_eq!(
        wait_reached(&clocked.app, &witness, 1).await,
        vec![(DeadlineKind::DocumentsReminder, day(5))]
    );

    // Restart, and as if the deadlines read model had lagged behind the fired events.
    clocked.stop_case().await;
    sqlx::query("UPDATE cases.deadlines SET fired = false")
        .execute(clocked.app.db.worker_pool())
        .await
        .unwrap();
    clocked.start_case_again().await;
    clock.set(day(9));
    // The witness's due day fires in the same pass as any repeat of the first case's would.
    let witness_fired = wait_reached(&clocked.app, &witness, 2).await;
    assert_eq!(witness_fired[1], (DeadlineKind::DocumentsDue, day(8)));
    assert_eq!(reached(&clocked.app, &first).await, fired);
    queued(&mut clocked.app, proto::TaskKind::DocumentsOverdue, 2).await;
    assert_eq!(
        tasks_of_kind(&clocked.app, &first, proto::TaskKind::DocumentsOverdue).await,
        1
    );
}

#[tokio::test]
async fn documents_received_before_their_due_day_cancel_the_deadline() {
    let clock = TestClock::today();
    let today = clock.get();
    let day = |n: u64| today.checked_add_days(Days::new(n)).unwrap();
    let mut clocked = app_on(clock.clone()).await;
    let app = &mut clocked.app;
    let in_time = reviewed_case(app, "Pünktlich").await;
    request_documents(app, &in_time, day(5)).await;
    let witness = reviewed_case(app, "Zeuge").await;
    request_documents(app, &witness, day(5)).await;

    // Past the reminder, before the due day: the documents arrive.
    clock.set(day(3));
    assert_eq!(
        wait_reached(app, &in_time, 1).await,
        vec![(DeadlineKind::DocumentsReminder, day(2))]
    );
    app.cases
        .record_documents_received(staff(proto::RecordDocumentsReceivedRequest {
            command: case_command(&in_time),
            note: String::new(),
        }))
        .await
        .expect("received");
    clock.set(day(10));
    let witness_fired = wait_reached(app, &witness, 2).await;
    assert_eq!(witness_fired[1], (DeadlineKind::DocumentsDue, day(5)));
    assert_eq!(
        reached(app, &in_time).await,
        vec![(DeadlineKind::DocumentsReminder, day(2))]
    );
    assert_eq!(
        tasks_of_kind(app, &in_time, proto::TaskKind::DocumentsOverdue).await,
        0
    );
    // The documents that arrived are a task to check.
    let check = queued(app, proto::TaskKind::CheckDocuments, 1).await;
    assert_eq!(check[0].case_id, in_time);
}

#[tokio::test]
async fn the_continuation_prompt_comes_two_months_before_the_benefit_period_ends() {
    let clock = TestClock::today();
    let today = clock.get();
    let mut clocked = app_on(clock.clone()).await;
    let app = &mut clocked.app;
    let case_id = reviewed_case(app, "Weiter").await;
    app.cases
        .issue_decision(staff(proto::IssueDecisionRequest {
            command: case_command(&case_id),
            outcome: proto::DecisionOutcome::Approved as i32,
            provisional: false,
        }))
        .await
        .expect("decision");
    // Twelve months from the first of the month of receipt (today).
    let last_day = today
        .with_day(1)
        .unwrap()
        .checked_add_months(Months::new(12))
        .unwrap()
        .pred_opt()
        .unwrap();
    let prompt = last_day.checked_sub_months(Months::new(2)).unwrap();
    let objection_period_ends = today
        .checked_add_days(Days::new(4))
        .unwrap()
        .checked_add_months(Months::new(1))
        .unwrap();

    // The day before: only the end of the objection period has come.
    clock.set(prompt.pred_opt().unwrap());
    assert_eq!(
        wait_reached(app, &case_id, 1).await,
        vec![(DeadlineKind::ObjectionPeriodEnds, objection_period_ends)]
    );
    clock.set(prompt);
    let fired = wait_reached(app, &case_id, 2).await;
    assert_eq!(fired[1], (DeadlineKind::ContinuationPrompt, prompt));
    let task = queued(app, proto::TaskKind::PromptContinuation, 1).await;
    assert_eq!(task[0].case_id, case_id);
    assert_eq!(
        task[0].due_on,
        date(prompt.checked_add_days(Days::new(7)).unwrap())
    );
    assert!(
        own_queue(app, TENANT, CASEWORKER)
            .await
            .iter()
            .all(|t| t.kind != proto::TaskKind::DecideApplication as i32)
    );
}

#[tokio::test]
async fn an_application_undecided_for_five_months_brings_a_high_priority_task_until_decided() {
    let clock = TestClock::today();
    let today = clock.get();
    let mut clocked = app_on(clock.clone()).await;
    let app = &mut clocked.app;
    let case_id = reviewed_case(app, "Wartend").await;
    let warning = today.checked_add_months(Months::new(5)).unwrap();
    clock.set(warning.pred_opt().unwrap());
    // Nothing is due yet; let the watcher look a few times.
    tokio::time::sleep(std::time::Duration::from_millis(
        5 * harness::TEST_DEADLINE_POLL_MS,
    ))
    .await;
    assert!(reached(app, &case_id).await.is_empty());
    clock.set(warning);
    assert_eq!(
        wait_reached(app, &case_id, 1).await,
        vec![(DeadlineKind::DecisionOverdueWarning, warning)]
    );
    let task = queued(app, proto::TaskKind::DecisionOverdue, 1).await;
    assert_eq!(task[0].priority, proto::TaskPriority::High as i32);
    // Due on the six-month limit of § 88 SGG.
    assert_eq!(
        task[0].due_on,
        date(warning.checked_add_months(Months::new(1)).unwrap())
    );
    // The review's own decision task has long been overdue: it comes first.
    let queue = own_queue(app, TENANT, CASEWORKER).await;
    assert_eq!(queue[0].kind, proto::TaskKind::DecideApplication as i32);
    assert!(queue[0].overdue);

    let decided = app
        .cases
        .issue_decision(staff(proto::IssueDecisionRequest {
            command: case_command(&case_id),
            outcome: proto::DecisionOutcome::Rejected as i32,
            provisional: false,
        }))
        .await
        .expect("decision")
        .into_inner()
        .result
        .unwrap();
    let after = harness::list_all_tasks(
        app,
        TENANT,
        CASEWORKER,
        "caseworker",
        proto::ListTasksRequest {
            min_position: decided.position,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert!(after.is_empty(), "{after:?}");
}

#[tokio::test]
async fn rebuilt_work_queue_read_models_equal_the_live_ones() {
    use case::projections::{
        absences::Absences, assignment_rules::AssignmentRules, deadlines::Deadlines, tasks::Tasks,
    };
    use projection::Projection;

    let clock = TestClock::today();
    let today = clock.get();
    let day = |n: u64| today.checked_add_days(Days::new(n)).unwrap();
    let mut clocked = app_on(clock.clone()).await;
    let app = &mut clocked.app;
    let late = reviewed_case(app, "Spät").await;
    request_documents(app, &late, day(4)).await;
    let on_time = reviewed_case(app, "Pünktlich").await;
    request_documents(app, &on_time, day(4)).await;
    app.cases
        .record_documents_received(staff(proto::RecordDocumentsReceivedRequest {
            command: case_command(&on_time),
            note: String::new(),
        }))
        .await
        .expect("received");
    clock.set(day(5));
    wait_reached(app, &late, 2).await;
    queued(app, proto::TaskKind::DocumentsOverdue, 1).await;
    // The last write: once every read model has applied it, they have applied everything.
    let last = app
        .cases
        .record_caseworker_absence(staff(proto::RecordCaseworkerAbsenceRequest {
            command_id: uuid::Uuid::new_v4().to_string(),
            caseworker: CASEWORKER.into(),
            first_day: date(day(6)),
            last_day: date(day(9)),
            substitute: "cw-ben".into(),
        }))
        .await
        .expect("absence")
        .into_inner()
        .position
        .unwrap();
    let at: eventlog::PositionToken = last.token.parse().unwrap();
    let pool = app.db.worker_pool().clone();
    let models: Vec<Box<dyn Projection>> = vec![
        Box::new(Tasks),
        Box::new(AssignmentRules),
        Box::new(Absences),
        Box::new(Deadlines::new(
            app.log.clone(),
            std::sync::Arc::new(case::domain::periods::TenantPeriods::default()),
        )),
    ];
    for model in &models {
        let caught_up = projection::wait_for(
            &pool,
            "cases",
            model.name(),
            at.at,
            std::time::Duration::from_secs(10),
        )
        .await
        .unwrap();
        assert!(caught_up, "{} caught up", model.name());
        let mut conn = pool.acquire().await.unwrap();
        let live = model.digest(&mut conn).await.unwrap();
        projection::rebuild(&pool, &app.log, "cases", model.as_ref())
            .await
            .unwrap();
        let rebuilt = model.digest(&mut conn).await.unwrap();
        assert_eq!(live, rebuilt, "{}", model.name());
    }
    // And the read models hold what the flow made.
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM cases.deadlines WHERE fired")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 2, "the late case's reminder and due day, fired");
}
