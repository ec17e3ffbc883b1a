//! `jobcenterctl verify`: the auditor's check of a service's log, straight from PostgreSQL.
//!
//! Recomputes every stream's hash chain from the raw rows (no service involved) and lists what
//! does not hold. Exit status 1 if anything is broken, so it can run in a schedule.
//!
//! It connects as the auditor role (`jobcenter_auditor`: read-only, every tenant's events) in
//! read-only transactions. Row-level security hides rows from a role without a policy that shows
//! it every tenant (the api role sees nothing outside a tenant's transaction): such a role would
//! verify an empty or partial log as intact, so verification refuses to run as one.

use std::str::FromStr;

use anyhow::Context;
use eventlog::EventLog;
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// Verifies the logs in the given schemas and prints a report; `Ok(false)` if any chain is broken.
pub async fn run(database_url: &str, schemas: &[String]) -> anyhow::Result<bool> {
    let options = PgConnectOptions::from_str(database_url)
        .context("invalid database URL")?
        // Whatever role the URL names, verification writes nothing.
        .options([("default_transaction_read_only", "on")]);
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(options)
        .await
        .context("connecting to PostgreSQL")?;
    let mut clean = true;
    for schema in schemas {
        let log = EventLog::new(pool.clone(), schema)
            .with_context(|| format!("log in schema {schema}"))?;
        require_sees_every_tenant(&pool, schema).await?;
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

/// Fails unless the connected role sees every row of `<schema>.events`: row-level security is
/// off for it (superuser, BYPASSRLS) or a policy for it shows every row (`USING (true)`).
async fn require_sees_every_tenant(pool: &PgPool, schema: &str) -> anyhow::Result<()> {
    let (role, sees_all): (String, bool) = sqlx::query_as(
        "SELECT current_user::text, \
                r.rolsuper OR r.rolbypassrls OR NOT c.relrowsecurity \
                OR (NOT c.relforcerowsecurity AND c.relowner = r.oid) \
                OR EXISTS (SELECT 1 FROM pg_policy p \
                            WHERE p.polrelid = c.oid AND p.polpermissive \
                              AND p.polcmd IN ('r', '*') \
                              AND (r.oid = ANY (p.polroles) OR 0 = ANY (p.polroles)) \
                              AND pg_get_expr(p.polqual, p.polrelid) = 'true') \
           FROM pg_roles r, pg_class c \
          WHERE r.rolname = current_user AND c.oid = to_regclass($1)",
    )
    .bind(format!("{schema}.events"))
    .fetch_optional(pool)
    .await
    .with_context(|| format!("reading the privileges on {schema}.events"))?
    .with_context(|| format!("{schema}.events does not exist"))?;
    anyhow::ensure!(
        sees_all,
        "role {role} does not see every tenant's events in {schema}: verify as jobcenter_auditor"
    );
    Ok(())
}
