//! The read-model schema, from the SQL files in `migrations/`.
//!
//! The files are idempotent (`IF NOT EXISTS`) and schema-qualified, and run at every start
//! under an advisory lock, so several replicas starting at once do not race. (`sqlx::migrate!`
//! keeps its ledger in one `_sqlx_migrations` table per search path, which services sharing a
//! database would fight over; idempotent files avoid that ledger.) Never edit an applied file:
//! add a new one.

use sqlx::PgPool;

/// The migration files in order.
const MIGRATIONS: &[(&str, &str)] = &[(
    "0001_read_models",
    include_str!("../migrations/0001_read_models.sql"),
)];

/// Applies every migration file (idempotent).
pub async fn run(pool: &PgPool) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('jobcenter.cases.migrations', 0))")
        .execute(&mut *tx)
        .await?;
    for (name, sql) in MIGRATIONS {
        tracing::debug!(migration = name, "applying");
        sqlx::raw_sql(sql).execute(&mut *tx).await?;
    }
    tx.commit().await
}
