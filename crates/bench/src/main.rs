//! `jobcenter-bench`: measures the event log, relay and projections, each beside the raw
//! PostgreSQL floor measured in the same run (absolute figures on shared machines drift; ratios
//! are what the targets in the architecture notes are stated in).
//!
//! Runs on demand (`cargo run --release -p bench`), never as part of the test suite. Each run uses a
//! fresh database and a private nats-server.

mod case_commands;
mod floor;
mod log;
mod report;
mod stream;

use clap::Parser;
use std::time::Duration;

/// Benchmark options.
#[derive(Parser, Debug, Clone)]
#[command(about)]
pub struct Options {
    /// Seconds each timed phase runs.
    #[arg(long, default_value_t = 5)]
    pub seconds: u64,
    /// Events written for the read, relay and projection phases.
    #[arg(long, default_value_t = 200_000)]
    pub events: usize,
    /// Payload size in bytes.
    #[arg(long, default_value_t = 200)]
    pub payload_bytes: usize,
    /// Skip the phases that need NATS (relay, projection, case commands).
    #[arg(long)]
    pub skip_nats: bool,
}

impl Options {
    fn phase(&self) -> Duration {
        Duration::from_secs(self.seconds)
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = Options::parse();
    let db = testkit::TestDatabase::create_with_pool_size(40).await?;
    let pool = db.pool().clone();
    let mut report = report::Report::default();

    println!(
        "phase 1/5: raw PostgreSQL floor ({} s per measure)",
        options.seconds
    );
    let floor = floor::measure(&pool, &options).await?;
    report.floor = Some(floor.clone());

    println!("phase 2/5: event log appends");
    let log = log::measure(&pool, &options, &mut report).await?;

    println!("phase 3/5: commit-order read of {} events", options.events);
    log::measure_read(&log, &mut report).await?;

    if options.skip_nats {
        println!("phases 4/5 and 5/5: skipped (--skip-nats)");
    } else {
        println!("phase 4/5: relay and projection catch-up");
        stream::measure(&log, &options, &mut report).await?;
        println!("phase 5/5: case commands through gRPC");
        case_commands::measure(&db, &options, &mut report).await?;
    }
    report.print();
    Ok(())
}
