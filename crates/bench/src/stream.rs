//! The relay publishing the whole log to JetStream, and a projection catching up from it.

use std::time::{Duration, Instant};

use eventlog::relay::{Relay, RelayConfig};
use eventlog::{EventLog, RecordedEvent, wire};
use futures::FutureExt;
use futures::future::BoxFuture;
use projection::{Projection, ProjectionError, ProjectionRunner};
use sqlx::PgConnection;
use tokio_util::sync::CancellationToken;

use crate::Options;
use crate::report::{Figure, Report};

const SERVICE: &str = "bench";

/// A projection that does nothing: measures the runner itself (consume, transaction, checkpoint).
struct Noop;

impl Projection for Noop {
    fn name(&self) -> &'static str {
        "noop"
    }
    fn apply<'a>(
        &'a self,
        _tx: &'a mut PgConnection,
        _event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        async { Ok(()) }.boxed()
    }
    fn reset<'a>(
        &'a self,
        _tx: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        async { Ok(()) }.boxed()
    }
    fn digest<'a>(
        &'a self,
        _conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        async { Ok(Vec::new()) }.boxed()
    }
}

/// Measures relay and projection catch-up over the log written by the earlier phases.
pub async fn measure(
    log: &EventLog,
    _options: &Options,
    report: &mut Report,
) -> anyhow::Result<()> {
    let nats = testkit::TestNats::start().await?;
    let js = async_nats::jetstream::new(async_nats::connect(nats.url()).await?);
    let total: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {}.events", log.schema()))
        .fetch_one(log.pool())
        .await?;
    let (_, last) = crate::log::read_to_end(log).await?;

    // Relay: from an empty stream until JetStream holds every event.
    let cancel = CancellationToken::new();
    let relay = Relay::new(log.clone(), js.clone(), RelayConfig::new(SERVICE));
    let started = Instant::now();
    let relay_task = tokio::spawn(relay.run(cancel.clone()));
    loop {
        let messages = match js.get_stream(wire::stream_name(SERVICE)).await {
            Ok(mut stream) => stream.info().await?.state.messages,
            Err(_) => 0,
        };
        if messages >= total as u64 {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "relay stalled at {messages} of {total}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    report.add(Figure {
        name: "relay to JetStream (catch-up)",
        per_second: total as f64 / started.elapsed().as_secs_f64(),
        against: None,
        target: ">= 20,000 events/s",
        extra: format!("{total} events"),
    });

    // Projection: a runner with a no-op read model catching up on the whole stream.
    projection::install(log.pool(), log.schema()).await?;
    let runner = ProjectionRunner::new(log.pool().clone(), js.clone(), log.schema(), SERVICE, Noop);
    let started = Instant::now();
    let runner_task = tokio::spawn(runner.run(cancel.clone()));
    let reached = projection::wait_for(
        log.pool(),
        log.schema(),
        "noop",
        last,
        Duration::from_secs(600),
    )
    .await?;
    anyhow::ensure!(reached, "projection did not catch up");
    report.add(Figure {
        name: "projection catch-up (no-op read model)",
        per_second: total as f64 / started.elapsed().as_secs_f64(),
        against: None,
        target: ">= 50,000 events/s",
        extra: format!("{total} events"),
    });

    cancel.cancel();
    relay_task.await??;
    runner_task.await??;
    Ok(())
}
