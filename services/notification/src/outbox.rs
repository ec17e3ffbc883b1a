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
/// its delivery is the `MessageComposed` event itself.
pub async fn enqueue(
    conn: &mut PgConnection,
    tenant: &str,
    message_id: Uuid,
    channel: Channel,
    due: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    if channel == Channel::Mailbox {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO notification.outbox \
         (id, tenant_id, message_id, channel, state, attempts, next_attempt_at, created_at, \
          updated_at) \
         VALUES ($1, $2, $3, $4, 'pending', 0, $5, now(), now()) \
         ON CONFLICT DO NOTHING",
    )
    .bind(outbox_id(message_id, channel))
    .bind(tenant)
    .bind(message_id)
    .bind(channel.as_str())
    .bind(due)
    .execute(conn)
    .await?;
    Ok(())
}
