//! `jobcenterctl verify`: the auditor's check of a service's log, straight from PostgreSQL.
//!
//! Recomputes every stream's hash chain from the raw rows (no service involved) and lists what
//! does not hold. Exit status 1 if anything is broken, so it can run in a schedule.

use anyhow::Context;
use eventlog::EventLog;

/// Verifies the logs in the given schemas and prints a report; `Ok(false)` if any chain is broken.
pub async fn run(database_url: &str, schemas: &[String]) -> anyhow::Result<bool> {
    let pool = sqlx::PgPool::connect(database_url)
        .await
        .context("connecting to PostgreSQL")?;
    let mut clean = true;
    for schema in schemas {
        let log = EventLog::new(pool.clone(), schema)
            .with_context(|| format!("log in schema {schema}"))?;
        let started = std::time::Instant::now();
        let report = log
            .verify()
            .await
            .with_context(|| format!("verifying {schema}"))?;
        let rate = report.events_checked as f64 / started.elapsed().as_secs_f64().max(1e-9);
        println!(
            "{schema}: {} events in {} streams checked ({rate:.0} events/s): {}",
            report.events_checked,
            report.streams_checked,
            if report.is_clean() {
                "intact".to_owned()
            } else {
                format!("{} BROKEN", report.broken_total)
            }
        );
        for link in &report.broken {
            println!(
                "  {} version {}: {}",
                link.stream_id, link.version, link.reason
            );
        }
        clean &= report.is_clean();
    }
    Ok(clean)
}
