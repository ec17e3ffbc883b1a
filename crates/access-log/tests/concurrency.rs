//! Concurrent records: all present, each once, chains intact. Prints how long `record` takes
//! (figures only, no timing assertions: the machine is shared).

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use access_log::{AccessRecord, ObjectRef, Outcome, Page};
use common::{GET_CASE, around_now, caseworker, count, setup, tenant};
use uuid::Uuid;

const TASKS: usize = 16;
const TOTAL: usize = 200;
/// Sequential records for the single-writer figure.
const SEQUENTIAL: usize = 100;

/// How many records task `task` writes: together exactly [`TOTAL`].
fn share(task: usize) -> usize {
    TOTAL / TASKS + usize::from(task < TOTAL % TASKS)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_records_from_sixteen_tasks_are_all_present_and_the_chains_verify() {
    let (db, log) = setup().await;
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|task| {
            let log = log.clone();
            tokio::spawn(async move {
                // Two tenants, so both contended and separate streams are exercised.
                let tenant_id = if task % 2 == 0 { "jc-a" } else { "jc-b" };
                let caller = caseworker(tenant_id, &format!("u-{task}"));
                let mut latencies = Vec::with_capacity(share(task));
                for _ in 0..share(task) {
                    let record = AccessRecord::for_caller(&caller, GET_CASE, Outcome::Granted)
                        .with_object(ObjectRef::case(Uuid::new_v4()));
                    let began = Instant::now();
                    log.record(record).await.expect("record");
                    latencies.push(began.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("task"));
    }
    let elapsed = started.elapsed();
    assert_eq!(count(&db).await, i64::try_from(TOTAL).expect("fits"));

    let (from, to) = around_now();
    let mut event_ids = HashSet::new();
    for (parity, tenant_id) in ["jc-a", "jc-b"].into_iter().enumerate() {
        let written: usize = (0..TASKS).filter(|t| t % 2 == parity).map(share).sum();
        let page = log
            .list(Some(&tenant(tenant_id)), from, to, Page::first(1000))
            .await
            .expect("list");
        assert_eq!(page.records.len(), written, "{tenant_id}");
        let versions: Vec<i32> = page.records.iter().map(|r| r.version).collect();
        let expected: Vec<i32> = (1..=i32::try_from(written).expect("fits")).collect();
        assert_eq!(
            versions, expected,
            "{tenant_id}: versions without gaps, in order"
        );
        // Each task's own records keep its order within the stream.
        for task in 0..TASKS {
            let subject = format!("u-{task}");
            let mine: Vec<_> = page
                .records
                .iter()
                .filter(|r| r.record.subject.as_deref() == Some(subject.as_str()))
                .map(|r| r.record.at)
                .collect();
            assert!(mine.windows(2).all(|w| w[0] <= w[1]));
        }
        event_ids.extend(page.records.iter().map(|r| r.event_id));
    }
    assert_eq!(event_ids.len(), TOTAL);

    let report = log.verify().await.expect("verify");
    assert!(report.is_clean(), "{report:?}");
    assert_eq!(report.events_checked, u64::try_from(TOTAL).expect("fits"));

    // Figures for the report: one sequential writer, and the floor of raw single-row commits
    // measured in the same run (absolute figures drift on a shared machine; ratios less so).
    sqlx::query("CREATE TABLE floor (id uuid PRIMARY KEY, payload bytea NOT NULL)")
        .execute(db.pool())
        .await
        .expect("floor table");
    let floor_started = Instant::now();
    for _ in 0..SEQUENTIAL {
        sqlx::query("INSERT INTO floor VALUES ($1, $2)")
            .bind(Uuid::new_v4())
            .bind(vec![0u8; 400])
            .execute(db.pool())
            .await
            .expect("floor insert");
    }
    let floor = floor_started.elapsed();
    let sequential_started = Instant::now();
    let caller = caseworker("jc-c", "u-seq");
    for _ in 0..SEQUENTIAL {
        log.record(AccessRecord::for_caller(
            &caller,
            GET_CASE,
            Outcome::Granted,
        ))
        .await
        .expect("record");
    }
    let sequential = sequential_started.elapsed();
    latencies.sort_unstable();
    let percentile = |p: usize| latencies[(latencies.len() * p / 100).min(latencies.len() - 1)];
    let floor_rate = per_second(SEQUENTIAL, floor);
    println!(
        "access-log figures: concurrent {} records from {TASKS} tasks in {:?} ({:.0}/s, {:.2} of \
         the raw floor), latency p50 {:?} p99 {:?}; sequential {SEQUENTIAL} records, mean {:?} \
         ({:.0}/s, {:.2} of the raw floor); raw single-row commits {:.0}/s",
        latencies.len(),
        elapsed,
        per_second(latencies.len(), elapsed),
        per_second(latencies.len(), elapsed) / floor_rate,
        percentile(50),
        percentile(99),
        sequential / u32::try_from(SEQUENTIAL).expect("fits"),
        per_second(SEQUENTIAL, sequential),
        per_second(SEQUENTIAL, sequential) / floor_rate,
        floor_rate,
    );
}

fn per_second(n: usize, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64()
}
