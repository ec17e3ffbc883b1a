//! `notification.messages` and `notification.deliveries`: every message both ways and what
//! became of each channel, from the message streams of the service's own log (source
//! `notification`, JetStream `EV_NOTIFICATION`).
//!
//! - `MessageComposed`: the message (outbound) and one delivery row per channel decision: sent
//!   on the mailbox is delivered by this event itself; push, e-mail and post wait for the
//!   outbox (`pending`); a channel not chosen is `not_sent` with its reason.
//! - `MessageSent`: an applicant's message (inbound), no deliveries.
//! - `MessageRead`: the first read.
//! - `DeliverySucceeded`, `DeliveryAttemptFailed`, `DeliveryDeadLettered`, `LetterPrinted`: the
//!   channel's state, attempts and last error.
//!
//! An event changes the rows only if it is newer than the message's stored stream version, so
//! applying it twice has no second effect.

use chrono::{DateTime, Utc};
use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use jobcenter_proto::notification::v1 as proto;
use projection::{Projection, ProjectionError};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::domain::ids::message_of_stream;
use crate::domain::{Channel, Topic};
use crate::events::NotificationEvent;

/// Name of the projection (its checkpoint key).
pub const NAME: &str = "mailbox";

/// The projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Mailbox;

/// Why an event cannot be shown.
#[derive(Debug, thiserror::Error)]
enum Unshowable {
    #[error("the field {0} is unreadable")]
    Field(&'static str),
}

fn apply_error(error: impl std::error::Error + Send + Sync + 'static) -> ProjectionError {
    ProjectionError::Apply(Box::new(error))
}

impl Projection for Mailbox {
    fn name(&self) -> &'static str {
        NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            let Some(message_id) = message_of_stream(&event.stream_id) else {
                return Ok(());
            };
            let Some(decoded) = NotificationEvent::decode(&event.event_type, &event.payload)
                .map_err(apply_error)?
            else {
                return Ok(());
            };
            let at = Stamp {
                tenant: &event.tenant_id,
                message_id,
                version: event.version,
                recorded_at: event.recorded_at,
            };
            match decoded {
                NotificationEvent::MessageComposed(composed) => {
                    composed_message(tx, &at, event.position.position, &composed).await
                }
                NotificationEvent::MessageSent(sent) => {
                    sent_message(tx, &at, event.position.position, &sent).await
                }
                other => {
                    if newer(tx, &at).await? {
                        change(tx, &at, &other).await?;
                    }
                    Ok(())
                }
            }
        })
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(projection::clear_tables(
            tx,
            &["notification.deliveries", "notification.messages"],
        ))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(async move {
            let mut digest = projection::digest_rows(
                conn,
                "SELECT tenant_id, message_id, direction, recipient_kind, recipient, case_id, \
                 topic, language, direction_rtl, subject, body, deadline, attachments, \
                 in_reply_to, in_mailbox, created_at, read_at, read_by, position, version \
                 FROM notification.messages ORDER BY tenant_id, message_id",
            )
            .await?;
            digest.extend(
                projection::digest_rows(
                    conn,
                    "SELECT tenant_id, message_id, channel, send, reason, state, attempts, \
                     last_error, updated_at FROM notification.deliveries \
                     ORDER BY tenant_id, message_id, channel",
                )
                .await?,
            );
            Ok(digest)
        })
    }
}

/// Which message an event is of, and when it was recorded.
struct Stamp<'a> {
    tenant: &'a str,
    message_id: Uuid,
    version: i32,
    recorded_at: DateTime<Utc>,
}

/// Stores an outbound message and its channel decisions.
async fn composed_message(
    tx: &mut PgConnection,
    at: &Stamp<'_>,
    position: i64,
    composed: &proto::MessageComposed,
) -> Result<(), ProjectionError> {
    let staff = composed.recipient_kind == proto::RecipientKind::Staff as i32;
    let decisions: Vec<(Channel, &proto::ChannelDecision)> = composed
        .channels
        .iter()
        .filter_map(|decision| Channel::from_proto(decision.channel).map(|c| (c, decision)))
        .collect();
    let in_mailbox = staff
        || decisions
            .iter()
            .any(|(channel, decision)| *channel == Channel::Mailbox && decision.send);
    let topic = Topic::from_proto(composed.topic).map(Topic::template_id);
    let in_reply_to = match &composed.origin {
        Some(proto::message_composed::Origin::Reply(reply)) => {
            Uuid::parse_str(&reply.in_reply_to).ok()
        }
        _ => None,
    };
    let inserted = sqlx::query(
        "INSERT INTO notification.messages \
         (tenant_id, message_id, direction, recipient_kind, recipient, case_id, topic, \
          language, direction_rtl, subject, body, deadline, attachments, in_reply_to, \
          in_mailbox, created_at, position, version) \
         VALUES ($1, $2, 'outbound', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
                 $16, $17) \
         ON CONFLICT (tenant_id, message_id) DO NOTHING",
    )
    .bind(at.tenant)
    .bind(at.message_id)
    .bind(if staff { "staff" } else { "applicant" })
    .bind(&composed.recipient)
    .bind(Uuid::parse_str(&composed.case_id).ok())
    .bind(topic)
    .bind(&composed.language)
    .bind(composed.direction == proto::TextDirection::Rtl as i32)
    .bind(&composed.subject)
    .bind(&composed.body)
    .bind(composed.deadline.as_ref().and_then(date))
    .bind(uuids(&composed.attachment_document_ids)?)
    .bind(in_reply_to)
    .bind(in_mailbox)
    .bind(at.recorded_at)
    .bind(position)
    .bind(at.version)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Ok(());
    }
    for (channel, decision) in decisions {
        let state = match (decision.send, channel) {
            (false, _) => "not_sent",
            // The mailbox delivery is this event.
            (true, Channel::Mailbox) => "delivered",
            (true, _) => "pending",
        };
        sqlx::query(
            "INSERT INTO notification.deliveries \
             (tenant_id, message_id, channel, send, reason, state, attempts, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7) \
             ON CONFLICT (tenant_id, message_id, channel) DO NOTHING",
        )
        .bind(at.tenant)
        .bind(at.message_id)
        .bind(channel.as_str())
        .bind(decision.send)
        .bind(&decision.reason)
        .bind(state)
        .bind(at.recorded_at)
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Stores an applicant's message.
async fn sent_message(
    tx: &mut PgConnection,
    at: &Stamp<'_>,
    position: i64,
    sent: &proto::MessageSent,
) -> Result<(), ProjectionError> {
    sqlx::query(
        "INSERT INTO notification.messages \
         (tenant_id, message_id, direction, recipient_kind, recipient, case_id, topic, \
          language, direction_rtl, subject, body, deadline, attachments, in_reply_to, \
          in_mailbox, created_at, position, version) \
         VALUES ($1, $2, 'inbound', 'applicant', $3, $4, NULL, '', false, $5, $6, NULL, $7, \
                 $8, false, $9, $10, $11) \
         ON CONFLICT (tenant_id, message_id) DO NOTHING",
    )
    .bind(at.tenant)
    .bind(at.message_id)
    .bind(&sent.author)
    .bind(Uuid::parse_str(&sent.case_id).ok())
    .bind(&sent.subject)
    .bind(&sent.body)
    .bind(uuids(&sent.attachment_document_ids)?)
    .bind(Uuid::parse_str(&sent.in_reply_to).ok())
    .bind(at.recorded_at)
    .bind(position)
    .bind(at.version)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Whether the event is newer than what the message's row holds (taking its version if so).
async fn newer(tx: &mut PgConnection, at: &Stamp<'_>) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE notification.messages SET version = $3 \
         WHERE tenant_id = $1 AND message_id = $2 AND version < $3",
    )
    .bind(at.tenant)
    .bind(at.message_id)
    .bind(at.version)
    .execute(tx)
    .await?;
    Ok(updated.rows_affected() > 0)
}

/// Applies a read or a delivery outcome.
async fn change(
    tx: &mut PgConnection,
    at: &Stamp<'_>,
    event: &NotificationEvent,
) -> Result<(), ProjectionError> {
    let channel = |value: i32| {
        Channel::from_proto(value)
            .map(Channel::as_str)
            .ok_or_else(|| apply_error(Unshowable::Field("channel")))
    };
    let attempts = |value: u32| i32::try_from(value).unwrap_or(i32::MAX);
    match event {
        NotificationEvent::MessageRead(read) => {
            let read_at = read
                .read_at
                .as_ref()
                .and_then(crate::events::from_timestamp)
                .unwrap_or(at.recorded_at);
            sqlx::query(
                "UPDATE notification.messages SET read_at = $3, read_by = $4 \
                 WHERE tenant_id = $1 AND message_id = $2 AND read_at IS NULL",
            )
            .bind(at.tenant)
            .bind(at.message_id)
            .bind(read_at)
            .bind(&read.read_by)
            .execute(&mut *tx)
            .await?;
        }
        NotificationEvent::DeliverySucceeded(e) => {
            delivery(
                tx,
                at,
                channel(e.channel)?,
                "delivered",
                attempts(e.attempt),
                None,
            )
            .await?;
        }
        NotificationEvent::DeliveryAttemptFailed(e) => {
            let reason = Some(e.reason.as_str());
            delivery(
                tx,
                at,
                channel(e.channel)?,
                "pending",
                attempts(e.attempt),
                reason,
            )
            .await?;
        }
        NotificationEvent::DeliveryDeadLettered(e) => {
            let reason = Some(e.reason.as_str());
            delivery(
                tx,
                at,
                channel(e.channel)?,
                "dead",
                attempts(e.attempts),
                reason,
            )
            .await?;
        }
        NotificationEvent::LetterPrinted(_) => {
            sqlx::query(
                "UPDATE notification.deliveries SET state = 'printed', updated_at = $3 \
                 WHERE tenant_id = $1 AND message_id = $2 AND channel = 'post'",
            )
            .bind(at.tenant)
            .bind(at.message_id)
            .bind(at.recorded_at)
            .execute(&mut *tx)
            .await?;
        }
        _ => {}
    }
    Ok(())
}

/// Sets a channel's state after an attempt (a printed letter stays printed).
async fn delivery(
    tx: &mut PgConnection,
    at: &Stamp<'_>,
    channel: &str,
    state: &str,
    attempts: i32,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notification.deliveries SET \
          state = CASE WHEN state = 'printed' THEN state ELSE $4 END, \
          attempts = GREATEST(attempts, $5), last_error = COALESCE($6, last_error), \
          updated_at = $7 \
         WHERE tenant_id = $1 AND message_id = $2 AND channel = $3",
    )
    .bind(at.tenant)
    .bind(at.message_id)
    .bind(channel)
    .bind(state)
    .bind(attempts)
    .bind(error)
    .bind(at.recorded_at)
    .execute(tx)
    .await?;
    Ok(())
}

/// The UUIDs of an event's id list.
fn uuids(ids: &[String]) -> Result<Vec<Uuid>, ProjectionError> {
    ids.iter()
        .map(|id| Uuid::parse_str(id).map_err(|_| apply_error(Unshowable::Field("attachment"))))
        .collect()
}

use crate::domain::day::from_proto as date;
