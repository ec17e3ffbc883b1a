//! A rough throughput probe (not a benchmark: see crates/bench). Run with `--ignored --nocapture`.

mod common;

use std::time::Instant;

use common::{command, setup};
use eventlog::ExpectedVersion;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "timing probe, prints figures"]
async fn single_event_appends_per_second() {
    let (db, log) = setup().await;
    sqlx::query("CREATE TABLE raw_floor (k text primary key, v bytea)")
        .execute(db.pool())
        .await
        .expect("table");
    let started = Instant::now();
    for i in 0..1000 {
        let mut outcomes = log
            .append_many(vec![command(
                &format!("direct-{i}"),
                ExpectedVersion::NoStream,
                1,
            )])
            .await
            .expect("append");
        outcomes.pop().expect("outcome").expect("appended");
    }
    println!(
        "append_many, 1 task: {:.0} appends/s",
        1000.0 / started.elapsed().as_secs_f64()
    );
    for tasks in [1usize, 16] {
        let started = Instant::now();
        let per_task = 2000 / tasks;
        let handles: Vec<_> = (0..tasks)
            .map(|t| {
                let log = log.clone();
                tokio::spawn(async move {
                    for i in 0..per_task {
                        log.append(command(
                            &format!("p{tasks}-{t}-{i}"),
                            ExpectedVersion::NoStream,
                            1,
                        ))
                        .await
                        .expect("append");
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await.expect("task");
        }
        let rate = (per_task * tasks) as f64 / started.elapsed().as_secs_f64();
        println!("group commit, {tasks} tasks: {rate:.0} appends/s");

        let started = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|t| {
                let pool = db.pool().clone();
                tokio::spawn(async move {
                    for i in 0..per_task {
                        sqlx::query("INSERT INTO raw_floor VALUES ($1, $2)")
                            .bind(format!("r{tasks}-{t}-{i}"))
                            .bind(vec![7u8; 100])
                            .execute(&pool)
                            .await
                            .expect("insert");
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.await.expect("task");
        }
        let raw = (per_task * tasks) as f64 / started.elapsed().as_secs_f64();
        println!(
            "raw single-row commits, {tasks} tasks: {raw:.0}/s, ratio {:.2}",
            rate / raw
        );
    }
}
