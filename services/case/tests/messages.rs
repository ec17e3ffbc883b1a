//! The applicant's messages on the case (docs/casework/messages.md): a message the applicant
//! wrote is noted on the case's timeline (which the applicant reads too) and opens one answer
//! task for the case's caseworker, once however often it is delivered; the caseworker's reply
//! closes it; a message on a closed case still asks for its answer; nothing crosses from one
//! jobcenter to another.
//!
//! Runs without the notification service: the test installs its event log in the test
//! database, relays it into NATS, and appends the `notification.*` events itself.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::notification::v1 as notification;
use tonic::Code;
use uuid::Uuid;

use harness::{
    TestApp, TestClock, append_notification_event, as_caller, as_subject, case_command,
    count_events, eventually, fallback_rule, find, list_all_tasks, messages_reactor_reached,
    notification_log, set_rules, spawn_app, spawn_app_with_clock, submit_as, timeline_of,
};

const TENANT: &str = "jc-essen";
const OTHER_TENANT: &str = "jc-bochum";
const CASEWORKER: &str = "cw-postfach";
const NOTED: &str = "case.ApplicantMessageNoted";
const ANSWERED: &str = "case.ApplicantMessageAnswered";

/// The applicant `author`'s message `id` about case `case_id`, with two attachments.
fn sent(id: Uuid, case_id: &str, author: &str) -> notification::MessageSent {
    notification::MessageSent {
        message_id: id.to_string(),
        case_id: case_id.into(),
        author: author.into(),
        subject: "Frage zum Bescheid".into(),
        body: "Guten Tag, warum ist der Betrag geringer als im letzten Monat?".into(),
        attachment_document_ids: vec![Uuid::new_v4().to_string(), Uuid::new_v4().to_string()],
        in_reply_to: String::new(),
    }
}

/// The caseworker's reply `id` to message `answered` of case `case_id`.
fn reply(id: Uuid, answered: Uuid, case_id: &str, author: &str) -> notification::MessageComposed {
    notification::MessageComposed {
        message_id: id.to_string(),
        recipient_kind: notification::RecipientKind::Applicant as i32,
        recipient: author.into(),
        case_id: case_id.into(),
        topic: notification::Topic::Reply as i32,
        language: "de".into(),
        subject: "Re: Frage zum Bescheid".into(),
        body: "Guten Tag, im letzten Monat wurde eine Nachzahlung ausgezahlt.".into(),
        origin: Some(notification::message_composed::Origin::Reply(
            notification::Reply {
                in_reply_to: answered.to_string(),
                author: CASEWORKER.into(),
            },
        )),
        ..Default::default()
    }
}

/// Appends `message` as `notification.MessageSent` on its stream (a fresh append each time).
async fn send(
    log: &eventlog::EventLog,
    tenant: &str,
    message: &notification::MessageSent,
) -> eventlog::AppendOutcome {
    let id = Uuid::parse_str(&message.message_id).unwrap();
    append_notification_event(log, tenant, id, Uuid::new_v4(), "MessageSent", message).await
}

/// Appends `composed` as `notification.MessageComposed` on its stream.
async fn compose(
    log: &eventlog::EventLog,
    tenant: &str,
    composed: &notification::MessageComposed,
) -> eventlog::AppendOutcome {
    let id = Uuid::parse_str(&composed.message_id).unwrap();
    append_notification_event(log, tenant, id, Uuid::new_v4(), "MessageComposed", composed).await
}

/// A case of `tenant` for the applicant `account`, assigned to [`CASEWORKER`] by the tenant's
/// rules.
async fn assigned_case(app: &mut TestApp, tenant: &str, account: &str) -> proto::Case {
    set_rules(
        app,
        tenant,
        vec![fallback_rule("all", CASEWORKER, "team-1")],
    )
    .await;
    let (main, at) = submit_as(app, tenant, account, "Mustermann").await;
    let case_id = find(app, tenant, &main, &at).await.case_id;
    let cases = app.cases.clone();
    let tenant = tenant.to_owned();
    eventually("the case assigned by the rules", || {
        let mut cases = cases.clone();
        let case_id = case_id.clone();
        let tenant = tenant.clone();
        async move {
            let case = cases
                .get_case(as_caller(
                    proto::GetCaseRequest {
                        case_id,
                        min_position: None,
                    },
                    &tenant,
                    "caseworker",
                ))
                .await
                .ok()?
                .into_inner()
                .case?;
            (case.assigned_caseworker == CASEWORKER).then_some(case)
        }
    })
    .await
}

/// The caseworker's open answer tasks for message `id`.
async fn answer_tasks(app: &mut TestApp, id: Uuid) -> Vec<proto::Task> {
    list_all_tasks(
        app,
        TENANT,
        CASEWORKER,
        "caseworker",
        proto::ListTasksRequest::default(),
    )
    .await
    .expect("own queue")
    .into_iter()
    .filter(|task| {
        task.kind == proto::TaskKind::AnswerMessage as i32 && task.application_id == id.to_string()
    })
    .collect()
}

/// Waits until the caseworker's queue holds `count` answer tasks for message `id`; returns them.
async fn answer_tasks_become(app: &mut TestApp, id: Uuid, count: usize) -> Vec<proto::Task> {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let tasks = answer_tasks(app, id).await;
        if tasks.len() == count {
            return tasks;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} answer tasks for {id}, not {count}",
            tasks.len()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn a_message_is_noted_once_opens_one_answer_task_and_the_reply_closes_it() {
    let mut clocked = spawn_app_with_clock(TestClock::today()).await;
    let account = "applicant-writes";
    let case = assigned_case(&mut clocked.app, TENANT, account).await;
    let messages = notification_log(&clocked.app).await;
    let id = Uuid::new_v4();
    let message = sent(id, &case.case_id, account);
    let first = send(&messages, TENANT, &message).await;
    messages_reactor_reached(&clocked.app, first.position).await;

    let timeline = timeline_of(&mut clocked.app, TENANT, &case.case_id, NOTED)
        .await
        .expect("timeline");
    assert_eq!(timeline.len(), 1, "{timeline:?}");
    assert!(
        timeline[0].starts_with("Message from the applicant received, sent "),
        "{timeline:?}"
    );
    assert!(
        timeline[0].ends_with(": “Frage zum Bescheid” (2 attachments)"),
        "{timeline:?}"
    );
    // The text stays in the mailbox: the case keeps what the timeline and the task name.
    let payload: Vec<u8> = sqlx::query_scalar(
        "SELECT payload FROM cases.events WHERE stream_id = $1 AND event_type = $2",
    )
    .bind(format!("case-{}", case.case_id))
    .bind(NOTED)
    .fetch_one(clocked.app.db.worker_pool())
    .await
    .unwrap();
    assert!(!String::from_utf8_lossy(&payload).contains("Betrag"));

    // The applicant sees on their own case that the message was received.
    let theirs = clocked
        .app
        .cases
        .get_case_timeline(as_subject(
            proto::GetCaseTimelineRequest {
                case_id: case.case_id.clone(),
                page_size: 0,
                page_token: String::new(),
            },
            TENANT,
            account,
            "applicant",
        ))
        .await
        .expect("the applicant's own timeline")
        .into_inner();
    assert!(
        theirs
            .entries
            .iter()
            .any(|entry| entry.event_type == NOTED && entry.description == timeline[0]),
        "{:?}",
        theirs.entries
    );

    let task = answer_tasks_become(&mut clocked.app, id, 1).await;
    let task = &task[0];
    assert_eq!(task.case_id, case.case_id);
    assert_eq!(task.assignee, CASEWORKER);
    assert_eq!(task.title, "Nachricht beantworten: Frage zum Bescheid");
    assert_eq!(task.priority, proto::TaskPriority::Normal as i32);
    assert!(
        task.checklist
            .contains(&"2 Anhänge in der E-Akte prüfen".to_owned()),
        "{:?}",
        task.checklist
    );

    // The notification log is delivered again from its start (the reactor lost its checkpoint
    // while the service was down), and the notification service recorded the message twice:
    // still one note, one task.
    clocked.stop_case().await;
    let forgotten = sqlx::query("DELETE FROM cases.projection_checkpoints WHERE name = $1")
        .bind(case::reactors::messages::NAME)
        .execute(clocked.app.db.owner_pool())
        .await
        .expect("checkpoint deleted");
    assert_eq!(forgotten.rows_affected(), 1);
    clocked.start_case_again().await;
    let again = send(&messages, TENANT, &message).await;
    messages_reactor_reached(&clocked.app, again.position).await;
    assert_eq!(count_events(&clocked.app, &case.case_id, NOTED).await, 1);
    assert_eq!(answer_tasks(&mut clocked.app, id).await.len(), 1);

    // A reply to a message the case never noted records nothing; the reply to this one closes
    // the task.
    let stray = compose(
        &messages,
        TENANT,
        &reply(Uuid::new_v4(), Uuid::new_v4(), &case.case_id, account),
    )
    .await;
    messages_reactor_reached(&clocked.app, stray.position).await;
    assert_eq!(count_events(&clocked.app, &case.case_id, ANSWERED).await, 0);
    let answer = compose(
        &messages,
        TENANT,
        &reply(Uuid::new_v4(), id, &case.case_id, account),
    )
    .await;
    messages_reactor_reached(&clocked.app, answer.position).await;
    assert_eq!(count_events(&clocked.app, &case.case_id, ANSWERED).await, 1);
    answer_tasks_become(&mut clocked.app, id, 0).await;
    let answered = timeline_of(&mut clocked.app, TENANT, &case.case_id, ANSWERED)
        .await
        .expect("timeline");
    assert_eq!(
        answered,
        vec![format!(
            "Message “Frage zum Bescheid” of the applicant answered by caseworker {CASEWORKER}"
        )]
    );
}

#[tokio::test]
async fn a_message_on_a_closed_case_is_noted_and_its_task_outlives_the_closing() {
    let mut app = spawn_app().await;
    let account = "applicant-after-closing";
    let case = assigned_case(&mut app, TENANT, account).await;
    let messages = notification_log(&app).await;

    // A message before the case closes: its task stays open through the closing.
    let before = Uuid::new_v4();
    let at = send(&messages, TENANT, &sent(before, &case.case_id, account)).await;
    messages_reactor_reached(&app, at.position).await;
    answer_tasks_become(&mut app, before, 1).await;
    app.cases
        .close_case(as_subject(
            proto::CloseCaseRequest {
                command: case_command(&case.case_id),
                reason: proto::CloseReason::WorkFound as i32,
            },
            TENANT,
            CASEWORKER,
            "caseworker",
        ))
        .await
        .expect("closed");

    // A message after closing: noted, with its own task.
    let after = Uuid::new_v4();
    let at = send(&messages, TENANT, &sent(after, &case.case_id, account)).await;
    messages_reactor_reached(&app, at.position).await;
    assert_eq!(count_events(&app, &case.case_id, NOTED).await, 2);
    answer_tasks_become(&mut app, after, 1).await;
    // The review task the case opened with was closed by the closing; the first answer task
    // was not.
    let queue = list_all_tasks(
        &mut app,
        TENANT,
        CASEWORKER,
        "caseworker",
        proto::ListTasksRequest::default(),
    )
    .await
    .expect("own queue");
    let mut kinds: Vec<(i32, String)> = queue
        .iter()
        .filter(|task| task.case_id == case.case_id)
        .map(|task| (task.kind, task.application_id.clone()))
        .collect();
    kinds.sort();
    let mut expected = vec![
        (proto::TaskKind::AnswerMessage as i32, before.to_string()),
        (proto::TaskKind::AnswerMessage as i32, after.to_string()),
    ];
    expected.sort();
    assert_eq!(kinds, expected);
}

#[tokio::test]
async fn messages_naming_another_jobcenters_case_or_none_are_passed_by_and_the_next_arrives() {
    let mut app = spawn_app().await;
    let (mine, at) = submit_as(&mut app, TENANT, "applicant-mine", "Mustermann").await;
    let mine = find(&mut app, TENANT, &mine, &at).await;
    let (theirs, at) = submit_as(&mut app, OTHER_TENANT, "applicant-theirs", "Mustermann").await;
    let theirs = find(&mut app, OTHER_TENANT, &theirs, &at).await;
    let messages = notification_log(&app).await;

    // Bochum's notification log names Essen's case; Essen's names Bochum's; one names a case
    // nobody has; one names none; one is unreadable.
    send(
        &messages,
        OTHER_TENANT,
        &sent(Uuid::new_v4(), &mine.case_id, "applicant-theirs"),
    )
    .await;
    send(
        &messages,
        TENANT,
        &sent(Uuid::new_v4(), &theirs.case_id, "applicant-mine"),
    )
    .await;
    send(
        &messages,
        TENANT,
        &sent(
            Uuid::new_v4(),
            &Uuid::new_v4().to_string(),
            "applicant-mine",
        ),
    )
    .await;
    send(
        &messages,
        TENANT,
        &sent(Uuid::new_v4(), "", "applicant-mine"),
    )
    .await;
    append_notification_event(
        &messages,
        TENANT,
        Uuid::new_v4(),
        Uuid::new_v4(),
        "MessageSent",
        &prost_types::Timestamp {
            // Field 1 as a number where MessageSent has a text: no MessageSent.
            seconds: 42,
            nanos: 0,
        },
    )
    .await;
    // Behind them, Essen's message on Essen's case.
    let last = send(
        &messages,
        TENANT,
        &sent(Uuid::new_v4(), &mine.case_id, "applicant-mine"),
    )
    .await;
    messages_reactor_reached(&app, last.position).await;

    assert_eq!(count_events(&app, &theirs.case_id, NOTED).await, 0);
    assert_eq!(count_events(&app, &mine.case_id, NOTED).await, 1);
    let noted = timeline_of(&mut app, TENANT, &mine.case_id, NOTED)
        .await
        .expect("timeline");
    assert_eq!(noted.len(), 1, "{noted:?}");
    assert!(
        timeline_of(&mut app, OTHER_TENANT, &theirs.case_id, NOTED)
            .await
            .expect("their own timeline")
            .is_empty()
    );
    let status = timeline_of(&mut app, OTHER_TENANT, &mine.case_id, NOTED)
        .await
        .expect_err("another tenant's case");
    assert_eq!(status.code(), Code::NotFound);
}
