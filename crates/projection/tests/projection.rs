//! Projections fed by the relay, against a real PostgreSQL and a private nats-server.

use std::collections::BTreeMap;
use std::time::Duration;

use async_nats::jetstream;
use eventlog::relay::{Relay, RelayConfig};
use eventlog::{
    AppendCommand, EventLog, EventMetadata, ExpectedVersion, LogPosition, NewEvent, RecordedEvent,
};
use futures::FutureExt;
use futures::future::BoxFuture;
use projection::{Projection, ProjectionError, ProjectionRunner};
use sqlx::{PgConnection, PgPool};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

const SOURCE: &str = "intake";
const SCHEMA: &str = "cases";
const WAIT: Duration = Duration::from_secs(30);

/// Counts events per stream: applying anything twice shows as a wrong count.
struct StreamCounts;

impl Projection for StreamCounts {
    fn name(&self) -> &'static str {
        "stream_counts"
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        async move {
            sqlx::query(
                "INSERT INTO cases.stream_counts (stream_id, events, last_version) VALUES ($1, 1, $2)
                 ON CONFLICT (stream_id) DO UPDATE
                 SET events = stream_counts.events + 1, last_version = EXCLUDED.last_version",
            )
            .bind(&event.stream_id)
            .bind(event.version)
            .execute(&mut *tx)
            .await?;
            Ok(())
        }
        .boxed()
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        async move {
            sqlx::query("DELETE FROM cases.stream_counts")
                .execute(&mut *tx)
                .await?;
            Ok(())
        }
        .boxed()
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        projection::digest_rows(
            conn,
            "SELECT stream_id, events, last_version FROM cases.stream_counts ORDER BY stream_id",
        )
        .boxed()
    }
}

struct Env {
    db: testkit::TestDatabase,
    _nats: testkit::TestNats,
    log: EventLog,
    js: jetstream::Context,
    relay_cancel: CancellationToken,
}

impl Drop for Env {
    fn drop(&mut self) {
        self.relay_cancel.cancel();
    }
}

impl Env {
    /// The worker role's pool: runners, rebuilds and the log run as the services run them.
    fn pool(&self) -> &PgPool {
        self.db.worker_pool()
    }

    fn runner(&self) -> ProjectionRunner<StreamCounts> {
        ProjectionRunner::new(
            self.pool().clone(),
            self.js.clone(),
            SCHEMA,
            SOURCE,
            StreamCounts,
        )
        .with_batch_size(16)
    }
}

/// Database with the source log and the read model table (installed by the owner role), NATS,
/// and a relay running (as the worker role).
async fn env() -> Env {
    let db = testkit::TestDatabase::create().await.expect("database");
    let nats = testkit::TestNats::start().await.expect("nats");
    EventLog::install(db.owner_pool(), SOURCE)
        .await
        .expect("install log");
    projection::install(db.owner_pool(), SCHEMA)
        .await
        .expect("install checkpoints");
    sqlx::raw_sql(
        "CREATE TABLE cases.stream_counts (stream_id text PRIMARY KEY, events bigint NOT NULL,
         last_version int NOT NULL);
         GRANT SELECT, INSERT, UPDATE, DELETE ON cases.stream_counts TO jobcenter_worker;",
    )
    .execute(db.owner_pool())
    .await
    .expect("read model table");
    let log = EventLog::new(db.worker_pool().clone(), SOURCE).expect("log");
    let js = jetstream::new(async_nats::connect(nats.url()).await.expect("connect"));
    eventlog::wire::ensure_stream(&js, SOURCE)
        .await
        .expect("stream");
    let relay_cancel = CancellationToken::new();
    let relay = Relay::new(log.clone(), js.clone(), RelayConfig::new(SOURCE));
    tokio::spawn(relay.run(relay_cancel.clone()));
    Env {
        db,
        _nats: nats,
        log,
        js,
        relay_cancel,
    }
}

fn start(runner: ProjectionRunner<StreamCounts>) -> (JoinHandle<()>, CancellationToken) {
    let cancel = CancellationToken::new();
    let task = tokio::spawn(runner.run(cancel.clone()).map(|r| r.expect("runner")));
    (task, cancel)
}

async fn stop(task: JoinHandle<()>, cancel: CancellationToken) {
    cancel.cancel();
    task.await.expect("runner task");
}

/// Appends `commands` commands over a few streams; returns the last position.
async fn append_some(log: &EventLog, commands: u32) -> LogPosition {
    let mut last = LogPosition::START;
    for n in 0..commands {
        let outcome = log
            .append(AppendCommand {
                command_id: Uuid::new_v4(),
                stream_id: format!("application-{}", Uuid::from_u128(u128::from(n % 6))),
                tenant_id: "jc-1".to_owned(),
                expected: ExpectedVersion::Any,
                events: (0..1 + n % 3)
                    .map(|_| NewEvent {
                        event_type: "intake.ApplicationSubmitted".to_owned(),
                        schema_version: 1,
                        payload: vec![1, 2, 3],
                        metadata: EventMetadata::default(),
                    })
                    .collect(),
            })
            .await
            .expect("append");
        last = last.max(outcome.position);
    }
    last
}

/// Per stream: (events, last version), from the log itself.
async fn expected(log: &EventLog) -> BTreeMap<String, (i64, i32)> {
    let mut counts = BTreeMap::new();
    let mut after = LogPosition::START;
    loop {
        let batch = log.read_all(after, 1000).await.expect("read_all");
        let Some(last) = batch.last() else {
            return counts;
        };
        after = last.position;
        for event in &batch {
            let entry = counts.entry(event.stream_id.clone()).or_insert((0, 0));
            entry.0 += 1;
            entry.1 = event.version;
        }
    }
}

async fn actual(pool: &PgPool) -> BTreeMap<String, (i64, i32)> {
    let rows: Vec<(String, i64, i32)> =
        sqlx::query_as("SELECT stream_id, events, last_version FROM cases.stream_counts")
            .fetch_all(pool)
            .await
            .expect("read model");
    rows.into_iter().map(|(s, e, v)| (s, (e, v))).collect()
}

async fn caught_up(env: &Env, at: LogPosition) {
    let reached = projection::wait_for(env.pool(), SCHEMA, "stream_counts", at, WAIT)
        .await
        .expect("wait_for");
    assert!(reached, "projection reached {at:?}");
    assert_eq!(actual(env.pool()).await, expected(&env.log).await);
}

async fn digest(env: &Env) -> Vec<u8> {
    let mut conn = env.pool().acquire().await.expect("connection");
    StreamCounts.digest(&mut conn).await.expect("digest")
}

#[tokio::test]
async fn applies_everything_relayed() {
    let env = env().await;
    append_some(&env.log, 10).await;
    let (task, cancel) = start(env.runner());
    let last = append_some(&env.log, 40).await;
    caught_up(&env, last).await;
    let stored = projection::checkpoint(env.pool(), SCHEMA, "stream_counts")
        .await
        .expect("checkpoint");
    assert_eq!(stored, Some(last));
    assert!(
        !projection::wait_for(
            env.pool(),
            SCHEMA,
            "stream_counts",
            LogPosition {
                tx_id: u64::MAX >> 2,
                position: 0
            },
            Duration::from_millis(50)
        )
        .await
        .expect("wait_for")
    );
    stop(task, cancel).await;
}

#[tokio::test]
async fn crash_between_commit_and_ack_applies_once() {
    let env = env().await;
    let last = append_some(&env.log, 40).await;
    // Let the relay publish everything first, so the runner sees several full batches.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let crashed = env
        .runner()
        .crash_after_commits(2)
        .run(CancellationToken::new())
        .await;
    assert!(matches!(crashed, Err(ProjectionError::InjectedCrash)));
    let partial = projection::checkpoint(env.pool(), SCHEMA, "stream_counts")
        .await
        .expect("checkpoint")
        .expect("a checkpoint after two commits");
    assert!(partial < last, "crashed part-way");

    let (task, cancel) = start(env.runner());
    caught_up(&env, last).await;
    stop(task, cancel).await;

    // Worst case of a lost acknowledgement: everything is delivered again from the start.
    sqlx::query("UPDATE cases.projection_checkpoints SET stream_sequence = NULL")
        .execute(env.pool())
        .await
        .expect("forget sequence");
    let (task, cancel) = start(env.runner());
    let more = append_some(&env.log, 5).await;
    caught_up(&env, more).await;
    stop(task, cancel).await;
}

#[tokio::test]
async fn rebuild_equals_live() {
    let env = env().await;
    let (task, cancel) = start(env.runner());
    let last = append_some(&env.log, 50).await;
    caught_up(&env, last).await;
    let live = digest(&env).await;

    let report = projection::rebuild(env.pool(), &env.log, SCHEMA, &StreamCounts)
        .await
        .expect("rebuild");
    let total: i64 = expected(&env.log).await.values().map(|(n, _)| n).sum();
    assert_eq!(report.events, u64::try_from(total).expect("count"));
    assert_eq!(report.position, last);
    assert_eq!(
        digest(&env).await,
        live,
        "rebuilt digest equals live digest"
    );

    // The live runner goes on after a rebuild without applying anything twice.
    let more = append_some(&env.log, 10).await;
    caught_up(&env, more).await;
    stop(task, cancel).await;
    // And a restarted runner (the rebuild forgot the stream sequence) replays and skips.
    let (task, cancel) = start(env.runner());
    let final_position = append_some(&env.log, 3).await;
    caught_up(&env, final_position).await;
    stop(task, cancel).await;
}

#[tokio::test]
async fn catches_up_after_being_down() {
    let env = env().await;
    let (task, cancel) = start(env.runner());
    let first = append_some(&env.log, 10).await;
    caught_up(&env, first).await;
    stop(task, cancel).await;

    let missed = append_some(&env.log, 30).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        projection::checkpoint(env.pool(), SCHEMA, "stream_counts")
            .await
            .expect("checkpoint")
            < Some(missed)
    );
    let (task, cancel) = start(env.runner());
    caught_up(&env, missed).await;
    stop(task, cancel).await;
}

#[tokio::test]
async fn two_runners_of_one_projection_apply_once() {
    let env = env().await;
    let (first, first_cancel) = start(env.runner());
    let (second, second_cancel) = start(env.runner());
    let last = append_some(&env.log, 40).await;
    caught_up(&env, last).await;
    stop(first, first_cancel).await;
    stop(second, second_cancel).await;
}

#[tokio::test]
async fn survives_a_lost_stream() {
    let env = env().await;
    let (task, cancel) = start(env.runner());
    let first = append_some(&env.log, 20).await;
    caught_up(&env, first).await;
    // JetStream loses the stream; the relay recreates and refills it from the log.
    env.js
        .delete_stream(eventlog::wire::stream_name(SOURCE))
        .await
        .expect("delete stream");
    let more = append_some(&env.log, 10).await;
    caught_up(&env, more).await;
    stop(task, cancel).await;
}

#[tokio::test]
async fn a_runner_without_its_checkpoint_table_fails_at_once() {
    let db = testkit::TestDatabase::create_with_pool_size(2)
        .await
        .expect("database");
    let nats = testkit::TestNats::start().await.expect("nats");
    let js = jetstream::new(async_nats::connect(nats.url()).await.expect("connect"));
    // The worker may not create the table itself: only the owner's install does.
    let runner = ProjectionRunner::new(db.worker_pool().clone(), js, SCHEMA, SOURCE, StreamCounts);
    let outcome = runner.run(CancellationToken::new()).await;
    assert!(
        matches!(&outcome, Err(ProjectionError::NotInstalled { table }) if table == "cases.projection_checkpoints"),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn the_checkpoint_table_is_read_by_the_api_role_and_written_by_the_worker() {
    let env = env().await;
    let (task, cancel) = start(env.runner());
    let last = append_some(&env.log, 5).await;
    caught_up(&env, last).await;
    stop(task, cancel).await;
    let seen = projection::checkpoint(env.db.api_pool(), SCHEMA, "stream_counts")
        .await
        .expect("the api role reads checkpoints");
    assert_eq!(seen, Some(last));
    let refused = sqlx::query("UPDATE cases.projection_checkpoints SET position = 0")
        .execute(env.db.api_pool())
        .await
        .expect_err("the api role writes nothing");
    assert_eq!(
        refused
            .as_database_error()
            .and_then(|e| e.code())
            .as_deref(),
        Some("42501")
    );
}

#[tokio::test]
async fn installs_into_one_schema_at_once_wait_for_each_other() {
    let db = testkit::TestDatabase::create_with_pool_size(2)
        .await
        .expect("database");
    // The log and the checkpoints grant on the same schema; concurrent grants on one schema
    // fail ("tuple concurrently updated") unless the installs share the schema's lock.
    let mut installs = tokio::task::JoinSet::new();
    for i in 0..6 {
        let owner = db.owner_pool().clone();
        installs.spawn(async move {
            if i % 2 == 0 {
                EventLog::install(&owner, SCHEMA)
                    .await
                    .map_err(ProjectionError::from)
            } else {
                projection::install(&owner, SCHEMA).await
            }
        });
    }
    while let Some(installed) = installs.join_next().await {
        installed.expect("task").expect("install");
    }
}
