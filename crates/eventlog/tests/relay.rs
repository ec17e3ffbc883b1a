//! The relay against a real PostgreSQL and a private nats-server.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use async_nats::jetstream;
use eventlog::relay::{Relay, RelayConfig};
use eventlog::wire;
use eventlog::{
    AppendCommand, EventLog, EventMetadata, ExpectedVersion, LogPosition, NewEvent, RecordedEvent,
};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

const SERVICE: &str = "intake";
const SCHEMA: &str = "intake";

struct Env {
    _db: testkit::TestDatabase,
    _nats: testkit::TestNats,
    log: EventLog,
    js: jetstream::Context,
}

async fn env() -> Env {
    let db = testkit::TestDatabase::create().await.expect("database");
    let nats = testkit::TestNats::start().await.expect("nats");
    EventLog::install(db.owner_pool(), SCHEMA)
        .await
        .expect("install");
    let log = EventLog::new(db.worker_pool().clone(), SCHEMA).expect("log");
    let client = async_nats::connect(nats.url()).await.expect("connect");
    Env {
        _db: db,
        _nats: nats,
        log,
        js: jetstream::new(client),
    }
}

fn config() -> RelayConfig {
    RelayConfig {
        batch_size: 64,
        ..RelayConfig::new(SERVICE)
    }
}

fn spawn_relay(env: &Env) -> (Relay, CancellationToken) {
    (
        Relay::new(env.log.clone(), env.js.clone(), config()),
        CancellationToken::new(),
    )
}

fn start(relay: Relay, cancel: &CancellationToken) -> JoinHandle<()> {
    let cancel = cancel.clone();
    tokio::spawn(async move { relay.run(cancel).await.expect("relay run") })
}

/// One command of `events` events on stream `n` of a handful.
fn command(stream: u32, events: usize) -> AppendCommand {
    AppendCommand {
        command_id: Uuid::new_v4(),
        stream_id: format!("application-{}", Uuid::from_u128(u128::from(stream))),
        tenant_id: format!("jc-{}", stream % 3),
        expected: ExpectedVersion::Any,
        events: (0..events)
            .map(|i| NewEvent {
                event_type: "intake.ApplicationSubmitted".to_owned(),
                schema_version: 1,
                payload: vec![u8::try_from(i % 256).unwrap_or(0); 10],
                metadata: EventMetadata {
                    actor: Some("user:test".to_owned()),
                    traceparent: (i % 2 == 0).then(|| {
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned()
                    }),
                    ..Default::default()
                },
            })
            .collect(),
    }
}

/// Appends `commands` commands; returns how many events they added.
async fn append_some(log: &EventLog, commands: u32) -> usize {
    let mut events = 0;
    for n in 0..commands {
        let outcome = log
            .append(command(n % 7, 1 + (n % 3) as usize))
            .await
            .expect("append");
        events += outcome.event_ids.len();
    }
    events
}

async fn whole_log(log: &EventLog) -> Vec<RecordedEvent> {
    let mut all = Vec::new();
    let mut after = LogPosition::START;
    loop {
        let batch = log.read_all(after, 1000).await.expect("read_all");
        let Some(last) = batch.last() else {
            return all;
        };
        after = last.position;
        all.extend(batch);
    }
}

/// Every message of the stream, in sequence order, with its subject.
async fn whole_stream(js: &jetstream::Context) -> Vec<(String, RecordedEvent)> {
    let stream = js
        .get_stream(wire::stream_name(SERVICE))
        .await
        .expect("stream");
    let last = stream.get_info().await.expect("info").state.last_sequence;
    let mut all = Vec::new();
    for sequence in 1..=last {
        let message = stream.get_raw_message(sequence).await.expect("message");
        let event = wire::from_parts(&message.headers, &message.payload)
            .unwrap_or_else(|e| panic!("{e:?} {:?}", message.headers));
        all.push((message.subject.to_string(), event));
    }
    all
}

async fn stream_len(js: &jetstream::Context) -> u64 {
    match js.get_stream(wire::stream_name(SERVICE)).await {
        Ok(stream) => stream.get_info().await.map_or(0, |i| i.state.messages),
        Err(_) => 0,
    }
}

/// Wait until the stream holds `count` messages (and a little longer, to catch extras).
async fn wait_for_stream(js: &jetstream::Context, count: usize) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while stream_len(js).await < count as u64 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "stream has {} of {count} events",
            stream_len(js).await
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// The stream holds exactly the log, once each, in commit order, on the right subjects.
/// Call it once the stream holds every appended event: `read_all` stops at the transaction
/// horizon, which transactions elsewhere in the cluster (parallel tests) hold back for a while.
async fn assert_stream_is_log(env: &Env, total: usize) {
    let log = whole_log(&env.log).await;
    assert_eq!(log.len(), total, "the log holds what was appended");
    let stream = whole_stream(&env.js).await;
    assert_eq!(stream.len(), log.len(), "stream length equals log length");
    for ((subject, relayed), recorded) in stream.iter().zip(&log) {
        assert_eq!(relayed, recorded);
        assert_eq!(subject, &wire::subject(SERVICE, 8, recorded));
    }
}

#[tokio::test]
async fn relays_every_event_once_with_headers() {
    let env = env().await;
    let mut total = append_some(&env.log, 20).await;
    let (relay, cancel) = spawn_relay(&env);
    let counter = relay.relayed_counter();
    let task = start(relay, &cancel);
    // Appends while the relay runs arrive through NOTIFY or the poll.
    total += append_some(&env.log, 20).await;
    wait_for_stream(&env.js, total).await;
    assert_stream_is_log(&env, total).await;
    assert_eq!(counter.load(Ordering::Relaxed), total as u64);

    let stream = env
        .js
        .get_stream(wire::stream_name(SERVICE))
        .await
        .expect("stream");
    let first = stream.get_raw_message(1).await.expect("first");
    let log = whole_log(&env.log).await;
    let header = |name: &str| {
        let key: async_nats::header::HeaderName = name.parse().expect("header name");
        first.headers.get(key).map(|v| v.as_str().to_owned())
    };
    assert_eq!(header(wire::MSG_ID), Some(log[0].event_id.to_string()));
    assert_eq!(header(wire::STREAM_ID), Some(log[0].stream_id.clone()));
    assert_eq!(header(wire::HASH), Some(hex::encode(&log[0].hash)));
    assert_eq!(header(wire::TRACEPARENT), log[0].metadata.traceparent);

    cancel.cancel();
    task.await.expect("relay task");
}

#[tokio::test]
async fn killed_and_restarted_relay_leaves_every_event_exactly_once_in_order() {
    let env = Arc::new(env().await);
    let appending = {
        let env = Arc::clone(&env);
        tokio::spawn(async move {
            // Several concurrent appenders, so commits interleave and group commits form.
            let writers: Vec<_> = (0..4u32)
                .map(|w| {
                    let log = env.log.clone();
                    tokio::spawn(async move {
                        for n in 0..60u32 {
                            log.append(command(w * 100 + n % 5, 1 + (n % 2) as usize))
                                .await
                                .expect("append");
                            if n % 10 == 0 {
                                tokio::time::sleep(Duration::from_millis(5)).await;
                            }
                        }
                    })
                })
                .collect();
            for writer in writers {
                writer.await.expect("writer");
            }
        })
    };
    // Kill the relay at arbitrary points: aborted (no clean shutdown) and cancelled.
    for round in 0..6u64 {
        let (relay, cancel) = spawn_relay(&env);
        let task = start(relay, &cancel);
        tokio::time::sleep(Duration::from_millis(40 + round * 23)).await;
        if round % 2 == 0 {
            task.abort();
            let _ = task.await;
        } else {
            cancel.cancel();
            task.await.expect("relay task");
        }
    }
    appending.await.expect("appenders");
    let (relay, cancel) = spawn_relay(&env);
    let task = start(relay, &cancel);
    let total = 4 * 60 * 3 / 2;
    wait_for_stream(&env.js, total).await;
    assert_stream_is_log(&env, total).await;
    cancel.cancel();
    task.await.expect("relay task");
}

#[tokio::test]
async fn of_two_relays_only_one_publishes() {
    let env = env().await;
    let (first, cancel) = spawn_relay(&env);
    let second = Relay::new(env.log.clone(), env.js.clone(), config());
    let (count_first, count_second) = (first.relayed_counter(), second.relayed_counter());
    let tasks = [start(first, &cancel), start(second, &cancel)];
    let total = append_some(&env.log, 60).await;
    wait_for_stream(&env.js, total).await;
    assert_stream_is_log(&env, total).await;
    let (a, b) = (
        count_first.load(Ordering::Relaxed),
        count_second.load(Ordering::Relaxed),
    );
    assert_eq!(a + b, total as u64);
    assert_eq!(a.min(b), 0, "one relay published everything ({a} and {b})");
    cancel.cancel();
    for task in tasks {
        task.await.expect("relay task");
    }
}

#[tokio::test]
async fn standby_takes_over_when_the_leader_stops() {
    let env = env().await;
    let (first, cancel_first) = spawn_relay(&env);
    let (second, cancel_second) = spawn_relay(&env);
    let first_count = first.relayed_counter();
    let first_task = start(first, &cancel_first);
    let mut total = append_some(&env.log, 10).await;
    wait_for_stream(&env.js, total).await;
    // The standby starts only now, so the first one holds the lock.
    let second_task = start(second, &cancel_second);
    first_task.abort();
    let _ = first_task.await;
    total += append_some(&env.log, 10).await;
    wait_for_stream(&env.js, total).await;
    assert_stream_is_log(&env, total).await;
    assert!(first_count.load(Ordering::Relaxed) < total as u64);
    cancel_second.cancel();
    second_task.await.expect("relay task");
}

#[tokio::test]
async fn a_lost_stream_is_refilled_from_the_log() {
    let env = env().await;
    let (relay, cancel) = spawn_relay(&env);
    let task = start(relay, &cancel);
    let mut total = append_some(&env.log, 15).await;
    wait_for_stream(&env.js, total).await;
    // JetStream loses everything (as Jepsen showed it can): the relay notices on its next
    // publish, recreates the stream and republishes from the start of the log.
    env.js
        .delete_stream(wire::stream_name(SERVICE))
        .await
        .expect("delete stream");
    total += append_some(&env.log, 5).await;
    wait_for_stream(&env.js, total).await;
    assert_stream_is_log(&env, total).await;
    cancel.cancel();
    task.await.expect("relay task");
}
