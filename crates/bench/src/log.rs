//! Appends through the event log (single commands from 1 and 16 tasks, batches) and the
//! commit-order read.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use eventlog::{AppendCommand, EventLog, EventMetadata, ExpectedVersion, LogPosition, NewEvent};
use sqlx::PgPool;
use uuid::Uuid;

use crate::Options;
use crate::report::{Figure, Report};

const SCHEMA: &str = "bench";

fn command(
    stream_id: String,
    expected: ExpectedVersion,
    events: usize,
    payload: &[u8],
) -> AppendCommand {
    AppendCommand {
        command_id: Uuid::new_v4(),
        stream_id,
        tenant_id: "jc-bench".to_owned(),
        expected,
        events: (0..events)
            .map(|_| NewEvent {
                event_type: "bench.Happened".to_owned(),
                schema_version: 1,
                payload: payload.to_vec(),
                metadata: EventMetadata::default(),
            })
            .collect(),
    }
}

/// Measures single-event appends from 1 and 16 tasks and batched appends; fills the log with at
/// least `options.events` events for the later phases.
pub async fn measure(
    pool: &PgPool,
    options: &Options,
    report: &mut Report,
) -> anyhow::Result<EventLog> {
    EventLog::install(pool, SCHEMA).await?;
    let log = EventLog::new(pool.clone(), SCHEMA)?;
    let floor = report.floor.clone();
    let payload = vec![7u8; options.payload_bytes];

    for tasks in [1usize, 16] {
        let (rate, p99) = single_appends(&log, options, tasks, &payload).await?;
        report.add(Figure {
            name: if tasks == 1 {
                "single-event appends, 1 task"
            } else {
                "single-event appends, 16 tasks"
            },
            per_second: rate,
            against: floor.as_ref().map(|f| {
                if tasks == 1 {
                    ("single-row commits x1", f.single_1)
                } else {
                    ("single-row commits x16", f.single_16)
                }
            }),
            target: if tasks == 1 { ">= 0.75" } else { ">= 1.0" },
            extra: format!("p99 {:.2} ms", p99.as_secs_f64() * 1000.0),
        });
    }

    // Batches: 100 commands of 10 events each per call, each on its own new stream.
    let deadline = Instant::now() + options.phase();
    let started = Instant::now();
    let mut events = 0usize;
    while Instant::now() < deadline {
        let cmds = (0..100)
            .map(|_| {
                command(
                    format!("batch-{}", Uuid::new_v4()),
                    ExpectedVersion::NoStream,
                    10,
                    &payload,
                )
            })
            .collect();
        let outcomes = log.append_many(cmds).await?;
        for outcome in outcomes {
            outcome?;
        }
        events += 1_000;
    }
    report.add(Figure {
        name: "batched appends (100 commands x 10 events)",
        per_second: events as f64 / started.elapsed().as_secs_f64(),
        against: floor.as_ref().map(|f| ("UNNEST batch rows", f.batch_rows)),
        target: ">= 25,000 events/s",
        extra: String::new(),
    });

    // Top up so the read, relay and projection phases have enough events.
    let written: i64 = sqlx::query_scalar("SELECT count(*) FROM bench.events")
        .fetch_one(pool)
        .await?;
    let mut missing = usize::try_from(options.events as i64 - written).unwrap_or(0);
    while missing > 0 {
        let cmds = (0..100)
            .map(|_| {
                command(
                    format!("fill-{}", Uuid::new_v4()),
                    ExpectedVersion::NoStream,
                    10,
                    &payload,
                )
            })
            .collect();
        for outcome in log.append_many(cmds).await? {
            outcome?;
        }
        missing = missing.saturating_sub(1_000);
    }
    Ok(log)
}

async fn single_appends(
    log: &EventLog,
    options: &Options,
    tasks: usize,
    payload: &[u8],
) -> anyhow::Result<(f64, Duration)> {
    let count = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + options.phase();
    let started = Instant::now();
    let mut handles = Vec::new();
    for task in 0..tasks {
        let (log, count, payload) = (log.clone(), count.clone(), payload.to_vec());
        handles.push(tokio::spawn(async move {
            let stream = format!("single-{tasks}-{task}-{}", Uuid::new_v4());
            let mut version = 0;
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let expected = if version == 0 {
                    ExpectedVersion::NoStream
                } else {
                    ExpectedVersion::Exact(version)
                };
                let began = Instant::now();
                let outcome = log
                    .append(command(stream.clone(), expected, 1, &payload))
                    .await?;
                latencies.push(began.elapsed());
                version = outcome.last_version;
                count.fetch_add(1, Ordering::Relaxed);
            }
            anyhow::Ok(latencies)
        }));
    }
    let mut latencies = Vec::new();
    for handle in handles {
        latencies.extend(handle.await??);
    }
    let rate = count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64();
    latencies.sort();
    let p99 = latencies
        .get(latencies.len() * 99 / 100)
        .copied()
        .unwrap_or_default();
    Ok((rate, p99))
}

/// Reads the whole log in commit order; returns how many events and the last position.
pub async fn read_to_end(log: &EventLog) -> anyhow::Result<(usize, LogPosition)> {
    let mut after = LogPosition::START;
    let mut read = 0usize;
    loop {
        let batch = log.read_all(after, 5_000).await?;
        let Some(last) = batch.last() else {
            return Ok((read, after));
        };
        after = last.position;
        read += batch.len();
    }
}

/// Measures reading the whole log in commit order.
pub async fn measure_read(log: &EventLog, report: &mut Report) -> anyhow::Result<()> {
    let started = Instant::now();
    let (read, _) = read_to_end(log).await?;
    report.add(Figure {
        name: "commit-order read (read_all)",
        per_second: read as f64 / started.elapsed().as_secs_f64(),
        against: None,
        target: "~1,000,000 rows/s floor",
        extra: format!("{read} events"),
    });
    Ok(())
}
