//! The raw PostgreSQL floor: what plain INSERTs achieve on this machine right now.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use sqlx::PgPool;

use crate::Options;
use crate::report::Floor;

/// Measures single-row commits from 1 and 16 clients and UNNEST batch inserts.
pub async fn measure(pool: &PgPool, options: &Options) -> anyhow::Result<Floor> {
    sqlx::query("CREATE TABLE floor_rows (id bigint GENERATED ALWAYS AS IDENTITY, stream_id text NOT NULL, payload bytea NOT NULL)")
        .execute(pool)
        .await?;
    let single_1 = single_row_commits(pool, options, 1).await?;
    println!("  floor single-row commits, 1 client         {single_1:>12.0}/s");
    let single_16 = single_row_commits(pool, options, 16).await?;
    println!("  floor single-row commits, 16 clients       {single_16:>12.0}/s");
    let batch_rows = unnest_batches(pool, options).await?;
    println!("  floor UNNEST batch rows                    {batch_rows:>12.0}/s");
    Ok(Floor {
        single_1,
        single_16,
        batch_rows,
    })
}

async fn single_row_commits(
    pool: &PgPool,
    options: &Options,
    clients: usize,
) -> anyhow::Result<f64> {
    let count = Arc::new(AtomicU64::new(0));
    let payload = vec![7u8; options.payload_bytes];
    let deadline = Instant::now() + options.phase();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for client in 0..clients {
        let (pool, count, payload) = (pool.clone(), count.clone(), payload.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = pool.acquire().await?;
            let stream = format!("floor-{client}");
            while Instant::now() < deadline {
                sqlx::query("INSERT INTO floor_rows (stream_id, payload) VALUES ($1, $2)")
                    .bind(&stream)
                    .bind(&payload)
                    .execute(&mut *conn)
                    .await?;
                count.fetch_add(1, Ordering::Relaxed);
            }
            anyhow::Ok(())
        }));
    }
    for task in tasks {
        task.await??;
    }
    Ok(count.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

async fn unnest_batches(pool: &PgPool, options: &Options) -> anyhow::Result<f64> {
    const BATCH: usize = 1_000;
    let streams: Vec<String> = (0..BATCH).map(|i| format!("floor-batch-{i}")).collect();
    let payloads: Vec<Vec<u8>> = (0..BATCH)
        .map(|_| vec![7u8; options.payload_bytes])
        .collect();
    let deadline = Instant::now() + options.phase();
    let started = Instant::now();
    let mut rows = 0usize;
    while Instant::now() < deadline {
        sqlx::query("INSERT INTO floor_rows (stream_id, payload) SELECT * FROM unnest($1::text[], $2::bytea[])")
            .bind(&streams)
            .bind(&payloads)
            .execute(pool)
            .await?;
        rows += BATCH;
    }
    Ok(rows as f64 / started.elapsed().as_secs_f64())
}
