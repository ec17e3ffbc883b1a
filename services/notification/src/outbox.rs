//! `notification.outbox`: the deliveries to make by push, e-mail or post, one row per
//! (message, channel), written in the transaction that appends the message's
//! `MessageComposed` (migrations/0002_outbox_and_print_jobs.sql). The worker that sends them
//! lives elsewhere; this module only enqueues.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::Channel;
use crate::domain::ids::outbox_id;

/// Enqueues the delivery of `message_id` of `tenant` on `channel`, due at `due`; a row that
/// exists (a redelivered trigger, a retried command) stays as it is. The mailbox needs no row:
/// its delivery is the `MessageComposed` event itself. `application_id` names the application
/// whose postal address a letter goes to when the message concerns no case (else the case's).
pub async fn enqueue(
    conn: &mut PgConnection,
    tenant: &str,
    message_id: Uuid,
    channel: Channel,
    due: DateTime<Utc>,
    application_id: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    if channel == Channel::Mailbox {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO notification.outbox \
         (id, tenant_id, message_id, channel, state, attempts, next_attempt_at, created_at, \
          updated_at, application_id) \
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, now(), now(), $6) \
         ON CONFLICT DO NOTHING",
    )
    .bind(outbox_id(message_id, channel))
    .bind(tenant)
    .bind(message_id)
    .bind(channel.as_str())
    .bind(due)
    .bind(application_id)
    .execute(conn)
    .await?;
    Ok(())
}
