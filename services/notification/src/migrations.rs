//! The service's tables besides its event log, from the SQL files in `migrations/`: the read
//! models (0001), the outbox with the print queue (0002), the documents' due day and a
//! letter's application (0003).
//!
//! The files are idempotent (`IF NOT EXISTS`) and schema-qualified, and run at every start under
//! the schema's install lock (`eventlog::INSTALL_LOCK`), so several replicas starting at once do
//! not race (the case service's reasons: `sqlx::migrate!` keeps one ledger per search path,
//! which services sharing a database would fight over). Never edit an applied file: add a new
//! one.

use sqlx::{Executor, PgPool};

/// The migration files in order.
const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_read_models",
        include_str!("../migrations/0001_read_models.sql"),
    ),
    (
        "0002_outbox_and_print_jobs",
        include_str!("../migrations/0002_outbox_and_print_jobs.sql"),
    ),
    (
        "0003_documents_due_and_letter_address",
        include_str!("../migrations/0003_documents_due_and_letter_address.sql"),
    ),
];

/// Applies every migration file (idempotent). Run it as the owner role: the files create the
/// tables, and their row-level security and grants for the platform's roles.
pub async fn run(pool: &PgPool) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query(eventlog::INSTALL_LOCK)
        .bind(crate::SCHEMA)
        .execute(&mut *tx)
        .await?;
    for (name, sql) in MIGRATIONS {
        tracing::debug!(migration = name, "applying");
        // `tx.execute(raw_sql)`: `raw_sql.execute(&mut *tx)` would make the future non-`Send`.
        tx.execute(sqlx::raw_sql(sql)).await?;
    }
    tx.commit().await
}
