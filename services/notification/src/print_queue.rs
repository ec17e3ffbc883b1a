//! `notification.print_jobs`: the letters waiting for the postal print service
//! (migrations/0002_outbox_and_print_jobs.sql). The outbox worker queues them; the print
//! service lists and fetches them through the API and confirms each printed job
//! ([`crate::commands::NotificationCommands::confirm_printed`]).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

/// A letter in the queue.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PrintJob {
    /// The job.
    pub id: Uuid,
    /// The message it prints.
    pub message_id: Uuid,
    /// When it was queued.
    pub queued_at: DateTime<Utc>,
    /// Number of pages.
    pub pages: i32,
    /// When it was confirmed printed.
    pub printed_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, message_id, queued_at, pages, printed_at";

/// Up to `limit` letters of `tenant` not yet printed, oldest first.
pub async fn waiting(
    conn: &mut PgConnection,
    tenant: &str,
    limit: i64,
) -> Result<Vec<PrintJob>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM notification.print_jobs \
         WHERE tenant_id = $1 AND printed_at IS NULL ORDER BY queued_at, id LIMIT $2"
    ))
    .bind(tenant)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// The job `id` of `tenant` with its PDF.
pub async fn with_pdf(
    conn: &mut PgConnection,
    tenant: &str,
    id: Uuid,
) -> Result<Option<(PrintJob, Vec<u8>)>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        job: PrintJob,
        pdf: Vec<u8>,
    }
    let row: Option<Row> = sqlx::query_as(&format!(
        "SELECT {COLUMNS}, pdf FROM notification.print_jobs WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| (row.job, row.pdf)))
}

/// The job `id` of `tenant`, locked until the transaction ends (confirming it).
pub async fn lock(
    conn: &mut PgConnection,
    tenant: &str,
    id: Uuid,
) -> Result<Option<PrintJob>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM notification.print_jobs \
         WHERE tenant_id = $1 AND id = $2 FOR UPDATE"
    ))
    .bind(tenant)
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Marks the job `id` of `tenant` printed by `by` (once: a printed job keeps its first
/// confirmation).
pub async fn mark_printed(
    conn: &mut PgConnection,
    tenant: &str,
    id: Uuid,
    by: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notification.print_jobs SET printed_at = now(), printed_by = $3 \
         WHERE tenant_id = $1 AND id = $2 AND printed_at IS NULL",
    )
    .bind(tenant)
    .bind(id)
    .bind(by)
    .execute(conn)
    .await?;
    Ok(())
}

/// Queues the letter of `message_id` of `tenant` (the outbox worker's post delivery; tests).
/// A message has one letter: queueing it again keeps the first job, whose id is returned.
pub async fn queue(
    conn: &mut PgConnection,
    tenant: &str,
    id: Uuid,
    message_id: Uuid,
    pdf: &[u8],
    pages: i32,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query(
        "INSERT INTO notification.print_jobs (id, tenant_id, message_id, pdf, pages, queued_at) \
         VALUES ($1, $2, $3, $4, $5, now()) ON CONFLICT (message_id) DO NOTHING",
    )
    .bind(id)
    .bind(tenant)
    .bind(message_id)
    .bind(pdf)
    .bind(pages)
    .execute(&mut *conn)
    .await?;
    sqlx::query_scalar(
        "SELECT id FROM notification.print_jobs WHERE tenant_id = $1 AND message_id = $2",
    )
    .bind(tenant)
    .bind(message_id)
    .fetch_one(conn)
    .await
}
