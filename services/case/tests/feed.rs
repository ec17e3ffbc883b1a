//! The case feed for partner systems: a subscriber resumed after a disconnect has every event of
//! its tenant exactly once, in commit order; it sees no other tenant; it follows new events as
//! they are committed; bad tokens and roles are refused; every batch is in the read-access log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use std::time::Duration;

use case::feed::FeedConfig;
use eventlog::{AppendCommand, EventMetadata, ExpectedVersion, LogPosition, NewEvent};
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::case::v1::subscribe_response::Message;
use platform::TenantId;
use prost::Message as _;
use tonic::{Code, Streaming};
use uuid::Uuid;

use harness::{FeedApp, as_caller, spawn_feed_app};

const ESSEN: &str = "jc-essen";
const DORTMUND: &str = "jc-dortmund";
const SUBSCRIBE: &str = "/jobcenter.case.v1.CaseFeedService/Subscribe";
/// How long any one expected message may take.
const PATIENCE: Duration = Duration::from_secs(10);

/// Small batches and quick heartbeats, so a test sees several of each.
fn quick() -> FeedConfig {
    FeedConfig {
        batch_size: 4,
        poll_interval_ms: 100,
        heartbeat_interval_ms: 300,
        ..FeedConfig::default()
    }
}

/// `case.CaseOpened` for a new case of `tenant`, as the reactor appends it.
fn opened(tenant: &str, family: &str) -> (Uuid, AppendCommand) {
    let case_id = Uuid::new_v4();
    let payload = proto::CaseOpened {
        case_id: case_id.to_string(),
        application_id: Uuid::new_v4().to_string(),
        applicant_family_name: family.to_owned(),
        applicant_given_name: "Erika".to_owned(),
        household_size: 2,
        postal_code: "45127".to_owned(),
        ..Default::default()
    };
    let command = AppendCommand {
        command_id: Uuid::new_v4(),
        stream_id: case::domain::stream_id(case_id),
        tenant_id: tenant.to_owned(),
        expected: ExpectedVersion::NoStream,
        events: vec![NewEvent {
            event_type: case::domain::CASE_OPENED.to_owned(),
            schema_version: 1,
            payload: payload.encode_to_vec(),
            metadata: EventMetadata {
                case_id: Some(case_id.to_string()),
                ..EventMetadata::default()
            },
        }],
    };
    (case_id, command)
}

/// A further event of an existing case, of a type this release does not know.
fn noted(tenant: &str, case_id: Uuid) -> AppendCommand {
    AppendCommand {
        command_id: Uuid::new_v4(),
        stream_id: case::domain::stream_id(case_id),
        tenant_id: tenant.to_owned(),
        expected: ExpectedVersion::Any,
        events: vec![NewEvent {
            event_type: "case.FeedTestNoted".to_owned(),
            schema_version: 1,
            payload: Vec::new(),
            metadata: EventMetadata::default(),
        }],
    }
}

async fn subscribe(
    app: &mut FeedApp,
    tenant: &str,
    roles: &str,
    after: &str,
) -> Result<Streaming<proto::SubscribeResponse>, tonic::Status> {
    app.feed
        .subscribe(as_caller(
            proto::SubscribeRequest {
                after: after.to_owned(),
            },
            tenant,
            roles,
        ))
        .await
        .map(tonic::Response::into_inner)
}

/// The next message, which must come within [`PATIENCE`].
async fn next(stream: &mut Streaming<proto::SubscribeResponse>) -> Message {
    tokio::time::timeout(PATIENCE, stream.message())
        .await
        .expect("a message in time")
        .expect("no error")
        .expect("the stream goes on")
        .message
        .expect("a message")
}

/// Reads until a heartbeat, collecting the events before it; returns them and its token.
async fn until_heartbeat(
    stream: &mut Streaming<proto::SubscribeResponse>,
) -> (Vec<proto::CaseFeedEvent>, String) {
    let mut events = Vec::new();
    loop {
        match next(stream).await {
            Message::Event(event) => events.push(event),
            Message::Heartbeat(heartbeat) => return (events, heartbeat.resume_token),
        }
    }
}

/// Reads until a heartbeat at or past `upto` (a heartbeat may come earlier: until older
/// transactions anywhere in the database have ended, later events are not yet deliverable).
async fn until_caught_up(
    stream: &mut Streaming<proto::SubscribeResponse>,
    tenant: &str,
    upto: LogPosition,
) -> (Vec<proto::CaseFeedEvent>, String) {
    let mut all = Vec::new();
    loop {
        let (events, token) = until_heartbeat(stream).await;
        all.extend(events);
        if position(&token, tenant) >= upto {
            return (all, token);
        }
    }
}

fn position(token: &str, tenant: &str) -> LogPosition {
    case::feed::token::decode(token, &TenantId::parse(tenant).unwrap(), case::LOG_NAME)
        .expect("a token of this feed")
}

/// The event ids of `tenant`'s case streams up to `upto`, in commit order, as the table holds
/// them (read as the administrator).
async fn logged_upto(app: &FeedApp, tenant: &str, upto: LogPosition) -> Vec<String> {
    let ids: Vec<Uuid> = sqlx::query_scalar(
        "SELECT event_id FROM cases.events \
         WHERE tenant_id = $1 AND stream_id LIKE 'case-%' \
           AND (tx_id, global_position) <= ($2::int8::text::xid8, $3) \
         ORDER BY tx_id, global_position",
    )
    .bind(tenant)
    .bind(i64::try_from(upto.tx_id).unwrap())
    .bind(upto.position)
    .fetch_all(app.db.pool())
    .await
    .unwrap();
    ids.into_iter().map(|id| id.to_string()).collect()
}

/// The feed's records in the read-access log, in the order written.
async fn feed_records(app: &FeedApp) -> Vec<serde_json::Value> {
    let rows: Vec<(Vec<u8>,)> =
        sqlx::query_as("SELECT payload FROM cases_access.events ORDER BY global_position")
            .fetch_all(app.db.pool())
            .await
            .unwrap();
    rows.into_iter()
        .map(|(payload,)| serde_json::from_slice::<serde_json::Value>(&payload).unwrap())
        .filter(|record| record["rpc"] == SUBSCRIBE)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_feed_resumed_after_a_disconnect_has_nothing_missing_or_repeated() {
    let mut app = spawn_feed_app(quick()).await;
    // History before anyone subscribes: cases of both jobcenters, some with a second event.
    for n in 0..6 {
        let (case_id, command) = opened(ESSEN, &format!("Essen-{n}"));
        app.log.append(command).await.unwrap();
        if n % 2 == 0 {
            app.log.append(noted(ESSEN, case_id)).await.unwrap();
        }
        app.log
            .append(opened(DORTMUND, &format!("Dortmund-{n}")).1)
            .await
            .unwrap();
    }

    // More events arrive while the subscribers read.
    let mut writer = {
        let log = app.log.clone();
        tokio::spawn(async move {
            let mut last = LogPosition::START;
            for n in 0..20 {
                let (case_id, command) = opened(ESSEN, &format!("Live-{n}"));
                last = log.append(command).await.unwrap().position;
                log.append(opened(DORTMUND, "Live").1).await.unwrap();
                if n % 3 == 0 {
                    last = log.append(noted(ESSEN, case_id)).await.unwrap().position;
                }
                tokio::time::sleep(Duration::from_millis(15)).await;
            }
            last
        })
    };

    // The first subscriber takes a few events and goes away.
    let mut first = subscribe(&mut app, ESSEN, "partner-system", "")
        .await
        .unwrap();
    let mut received = Vec::new();
    while received.len() < 7 {
        if let Message::Event(event) = next(&mut first).await {
            received.push(event);
        }
    }
    drop(first);
    let last_token = received.last().unwrap().resume_token.clone();

    // The second resumes from the last event it got, until a heartbeat says it is caught up
    // with everything the writer wrote.
    let mut second = subscribe(&mut app, ESSEN, "partner-system", &last_token)
        .await
        .unwrap();
    let mut last_written = None;
    let caught_up = loop {
        let (events, token) = until_heartbeat(&mut second).await;
        received.extend(events);
        if last_written.is_none() && writer.is_finished() {
            last_written = Some((&mut writer).await.unwrap());
        }
        if last_written.is_some_and(|last| position(&token, ESSEN) >= last) {
            break token;
        }
    };

    let ids: Vec<String> = received.iter().map(|e| e.event_id.clone()).collect();
    let expected = logged_upto(&app, ESSEN, position(&caught_up, ESSEN)).await;
    assert_eq!(expected.len(), 6 + 3 + 20 + 7, "the test wrote these");
    assert_eq!(
        ids, expected,
        "every event of the tenant once, in commit order"
    );

    // Each event is whole, and its token resumes right after it.
    for (n, event) in received.iter().enumerate() {
        assert!(Uuid::parse_str(&event.case_id).is_ok());
        assert!(event.version >= 1 && event.recorded_at.is_some());
        assert!(!event.description.is_empty());
        let after = position(&event.resume_token, ESSEN);
        assert_eq!(
            logged_upto(&app, ESSEN, after).await,
            expected[..=n],
            "the token of event {n} is its place in the log"
        );
        if event.event_type == case::domain::CASE_OPENED {
            let payload = proto::CaseOpened::decode(event.payload.as_slice()).unwrap();
            assert_eq!(payload.case_id, event.case_id);
            assert!(
                payload.applicant_family_name.starts_with("Essen")
                    || payload.applicant_family_name.starts_with("Live")
            );
            assert_eq!(event.version, 1);
        } else {
            assert_eq!(event.event_type, "case.FeedTestNoted");
            assert_eq!(event.version, 2);
        }
    }
}

#[tokio::test]
async fn another_jobcenters_events_never_appear_nor_its_tokens_work() {
    let mut app = spawn_feed_app(quick()).await;
    let mut essen_cases = Vec::new();
    for n in 0..3 {
        let (case_id, command) = opened(ESSEN, &format!("Essen-{n}"));
        essen_cases.push(case_id.to_string());
        app.log.append(command).await.unwrap();
    }
    let last = app
        .log
        .append(opened(DORTMUND, "Dortmund").1)
        .await
        .unwrap()
        .position;

    // Essen's auditor sees Essen's cases only.
    let mut essen = subscribe(&mut app, ESSEN, "auditor", "").await.unwrap();
    let (events, essen_token) = until_caught_up(&mut essen, ESSEN, last).await;
    let cases: Vec<String> = events.iter().map(|e| e.case_id.clone()).collect();
    assert_eq!(cases, essen_cases);

    // Dortmund's system sees its one case, then nothing while Essen writes on.
    let mut dortmund = subscribe(&mut app, DORTMUND, "service", "").await.unwrap();
    let (events, _) = until_caught_up(&mut dortmund, DORTMUND, last).await;
    assert_eq!(events.len(), 1);
    assert!(!essen_cases.contains(&events[0].case_id));
    let late = app
        .log
        .append(opened(ESSEN, "Essen-late").1)
        .await
        .unwrap()
        .position;
    let (events, _) = until_caught_up(&mut essen, ESSEN, late).await;
    assert_eq!(events.len(), 1, "Essen gets its new case");
    let (events, _) = until_caught_up(&mut dortmund, DORTMUND, late).await;
    assert!(events.is_empty(), "Dortmund does not: {events:?}");

    // Essen's token is no resume point for Dortmund.
    let status = subscribe(&mut app, DORTMUND, "partner-system", &essen_token)
        .await
        .expect_err("another jobcenter's token");
    assert_eq!(status.code(), Code::InvalidArgument);
    let violations = platform::status::field_violations(&status);
    assert_eq!(violations.len(), 1);
    assert_eq!(violations[0].field, "after");
}

#[tokio::test]
async fn malformed_or_foreign_tokens_and_roles_without_a_grant_are_refused() {
    let mut app = spawn_feed_app(quick()).await;
    let intake_token = case::feed::token::encode(
        &TenantId::parse(ESSEN).unwrap(),
        "intake",
        LogPosition::new(1, 1),
    );
    for bad in ["not-a-token", "case:1:2", intake_token.as_str()] {
        let status = subscribe(&mut app, ESSEN, "partner-system", bad)
            .await
            .expect_err("refused");
        assert_eq!(status.code(), Code::InvalidArgument, "{bad}");
        let fields: Vec<String> = platform::status::field_violations(&status)
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(fields, ["after"], "{bad}");
    }
    for role in ["caseworker", "applicant", "operator", "team-lead"] {
        let status = subscribe(&mut app, ESSEN, role, "")
            .await
            .expect_err("no grant");
        assert_eq!(status.code(), Code::PermissionDenied, "{role}");
    }
    // Each refusal is on record with its outcome.
    let outcomes: Vec<String> = feed_records(&app)
        .await
        .iter()
        .map(|r| r["outcome"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        outcomes,
        [
            "invalid_argument",
            "invalid_argument",
            "invalid_argument",
            "permission_denied",
            "permission_denied",
            "permission_denied",
            "permission_denied"
        ]
    );
}

#[tokio::test]
async fn a_caught_up_subscriber_receives_a_new_event_within_seconds() {
    let mut app = spawn_feed_app(FeedConfig {
        heartbeat_interval_ms: 60_000,
        ..FeedConfig::default()
    })
    .await;
    let mut stream = subscribe(&mut app, ESSEN, "partner-system", "")
        .await
        .unwrap();
    // Nothing yet: the first message is the heartbeat of catching up.
    let (events, caught_up) = until_heartbeat(&mut stream).await;
    assert!(events.is_empty());
    assert_eq!(
        position(&caught_up, ESSEN).position,
        0,
        "a horizon, no event"
    );

    let (case_id, command) = opened(ESSEN, "Tail");
    let appended = app.log.append(command).await.unwrap();
    let started = tokio::time::Instant::now();
    let Message::Event(event) = tokio::time::timeout(Duration::from_secs(5), next(&mut stream))
        .await
        .expect("within 5 s")
    else {
        panic!("an event, not a heartbeat");
    };
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(event.case_id, case_id.to_string());
    assert_eq!(position(&event.resume_token, ESSEN), appended.position);

    // The heartbeat's token was a resume point too: from it, exactly the new event.
    let mut resumed = subscribe(&mut app, ESSEN, "partner-system", &caught_up)
        .await
        .unwrap();
    let (events, _) = until_heartbeat(&mut resumed).await;
    let ids: Vec<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids, [event.event_id.as_str()]);
}

#[tokio::test]
async fn every_delivered_batch_is_recorded_with_its_cases_and_no_content() {
    let mut app = spawn_feed_app(quick()).await;
    let mut cases = Vec::new();
    let mut last = LogPosition::START;
    for n in 0..6 {
        let (case_id, command) = opened(ESSEN, &format!("Mustermann-{n}"));
        cases.push(case_id.to_string());
        last = app.log.append(command).await.unwrap().position;
    }
    let mut stream = subscribe(&mut app, ESSEN, "partner-system", "")
        .await
        .unwrap();
    let (events, _) = until_caught_up(&mut stream, ESSEN, last).await;
    assert_eq!(events.len(), 6);

    let records = feed_records(&app).await;
    // The start (no object yet), then one per batch of at most 4 events (at least two).
    assert!(records.len() >= 3, "{records:#?}");
    assert!(records.iter().all(|r| r["outcome"] == "granted"));
    assert!(records.iter().all(|r| r["tenant"] == ESSEN));
    assert_eq!(records[0]["objects"].as_array().unwrap().len(), 0);
    for batch in &records[1..] {
        let objects = batch["objects"].as_array().unwrap().len();
        assert!((1..=4).contains(&objects), "{batch}");
    }
    let named: Vec<String> = records[1..]
        .iter()
        .flat_map(|r| r["objects"].as_array().unwrap().clone())
        .map(|o| {
            assert_eq!(o["kind"], "case");
            o["id"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(named, cases, "every case delivered is named, in order");
    let text = serde_json::to_string(&records).unwrap();
    assert!(!text.contains("Mustermann"), "{text}");
}

#[tokio::test]
async fn a_batch_whose_record_cannot_be_written_is_not_sent() {
    let mut app = spawn_feed_app(quick()).await;
    let mut stream = subscribe(&mut app, ESSEN, "partner-system", "")
        .await
        .unwrap();
    let (events, _) = until_heartbeat(&mut stream).await;
    assert!(events.is_empty());

    sqlx::query("REVOKE INSERT ON cases_access.events FROM jobcenter_worker")
        .execute(app.db.pool())
        .await
        .unwrap();
    app.log.append(opened(ESSEN, "Mustermann").1).await.unwrap();
    let status = loop {
        match tokio::time::timeout(PATIENCE, stream.message())
            .await
            .expect("an answer in time")
        {
            Ok(Some(proto::SubscribeResponse {
                message: Some(Message::Heartbeat(_)),
            })) => continue,
            Ok(other) => panic!("no event may leave unrecorded: {other:?}"),
            Err(status) => break status,
        }
    };
    assert_eq!(status.code(), Code::Unavailable);
    assert!(!status.message().contains("Mustermann"));

    // A new subscription cannot start either: its start record cannot be written.
    let status = subscribe(&mut app, ESSEN, "partner-system", "")
        .await
        .expect_err("no record, no feed");
    assert_eq!(status.code(), Code::Unavailable);
}

#[tokio::test]
async fn the_stream_ends_unavailable_when_the_server_shuts_down() {
    let mut app = spawn_feed_app(quick()).await;
    let mut stream = subscribe(&mut app, ESSEN, "partner-system", "")
        .await
        .unwrap();
    until_heartbeat(&mut stream).await;
    app.cancel.cancel();
    let status = loop {
        match tokio::time::timeout(PATIENCE, stream.message())
            .await
            .expect("an answer in time")
        {
            Ok(Some(_)) => continue,
            Ok(None) => panic!("ended without a status to resume on"),
            Err(status) => break status,
        }
    };
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    // The server's drain did not wait for the stream.
    tokio::time::timeout(Duration::from_secs(5), &mut app.stopped)
        .await
        .expect("stopped promptly")
        .unwrap()
        .unwrap();
}
