//! The outbox worker: sends what [`crate::outbox`] holds and records each outcome as an event
//! of the message (docs/notification/service.md, "Exactly once, retries, dead letters").
//!
//! Every `outbox.poll_ms` a pass leases the due rows (`FOR UPDATE SKIP LOCKED`, then a lease
//! time, so replicas never take the same row and a crashed worker's rows come back after
//! `outbox.lease_ms`), and for each: reads the message's `MessageComposed` from the log (not
//! from a read model that may lag), sends it on its channel ([`push`], [`email`], [`letter`]),
//! and in one transaction appends the outcome (`DeliverySucceeded`, `DeliveryAttemptFailed` with
//! the next attempt's time, or `DeliveryDeadLettered`; command id from the row and the attempt,
//! so recording twice appends once) and settles the row. A push service's "gone" also removes
//! that subscription from the profile (`PushSubscriptionRemoved`) in the same transaction.

pub mod email;
pub mod letter;
pub mod push;
pub mod setup;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use eventlog::{AppendCommand, EventLog, EventMetadata, ExpectedVersion};
use jobcenter_proto::notification::v1 as proto;
use sqlx::PgConnection;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::commands::read_stream;
use crate::domain::retry::AfterFailure;
use crate::domain::{Channel, ids};
use crate::error::NotificationError;
use crate::events::{NotificationEvent, to_timestamp};
use crate::settings::{OutboxSettings, TenantSettings};
use crate::templates::Templates;

/// The actor of delivery outcomes in the events' metadata.
pub const ACTOR: &str = "notification-outbox";

/// One due delivery, leased to this worker.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Due {
    /// The outbox row.
    pub id: Uuid,
    /// Its tenant.
    pub tenant_id: String,
    /// The message.
    pub message_id: Uuid,
    /// The channel's name.
    pub channel: String,
    /// Attempts made before this one.
    pub attempts: i32,
    /// The application whose address a letter without a case goes to.
    pub application_id: Option<Uuid>,
}

/// What a channel made of one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Delivered; what the channel reported (no personal data).
    Delivered(String),
    /// Failed; retry later.
    Retry(String),
    /// Failed for good: retrying cannot help.
    Permanent(String),
}

/// A channel's attempt and what it learned on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// How it went.
    pub attempt: Attempt,
    /// Push subscriptions the push service says are gone, with the reason.
    pub gone_subscriptions: Vec<(Uuid, String)>,
}

impl From<Attempt> for Sent {
    fn from(attempt: Attempt) -> Self {
        Sent {
            attempt,
            gone_subscriptions: Vec::new(),
        }
    }
}

/// What the channels need to know of a message.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The outbox row.
    pub due: Due,
    /// The message as composed.
    pub composed: proto::MessageComposed,
}

impl Outgoing {
    /// The case the message concerns.
    pub fn case_id(&self) -> Option<Uuid> {
        Uuid::parse_str(&self.composed.case_id).ok()
    }
}

/// Why a pass failed (a row's own failure is an outcome, not an error).
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// PostgreSQL failed.
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// The log failed.
    #[error("event log error")]
    Log(#[from] eventlog::EventLogError),
    /// An append was refused.
    #[error("append refused")]
    Append(#[from] eventlog::AppendError),
    /// A stream could not be read.
    #[error("stream unreadable")]
    Stream(#[from] NotificationError),
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Rows leased.
    pub due: usize,
    /// Delivered.
    pub delivered: usize,
    /// Failed and to be retried.
    pub retried: usize,
    /// Given up.
    pub dead: usize,
}

/// The channels a worker sends on.
#[derive(Clone)]
pub struct Channels {
    /// Web Push; `None` when not configured (a push delivery then dead-letters).
    pub push: Option<push::PushChannel>,
    /// E-mail hints; `None` when not configured.
    pub email: Option<email::EmailChannel>,
    /// Letters into the print queue.
    pub letter: letter::LetterChannel,
}

/// The outbox worker.
#[derive(Clone)]
pub struct OutboxWorker {
    log: EventLog,
    channels: Channels,
    settings: OutboxSettings,
}

impl OutboxWorker {
    /// A worker on `log` (the worker role's: its pool reads and writes the outbox).
    pub fn new(log: EventLog, channels: Channels, settings: OutboxSettings) -> Self {
        Self {
            log,
            channels,
            settings,
        }
    }

    /// Runs passes until `cancel` fires. A failed pass is logged and retried at the next poll:
    /// rows stay due until settled.
    pub async fn run(self, cancel: CancellationToken) {
        let poll = Duration::from_millis(self.settings.poll_ms.max(1));
        loop {
            let full = match self.pass().await {
                Ok(pass) => {
                    if pass.due > 0 {
                        tracing::info!(
                            due = pass.due,
                            delivered = pass.delivered,
                            retried = pass.retried,
                            dead = pass.dead,
                            "outbox pass"
                        );
                    }
                    pass.due >= self.settings.batch_size as usize
                }
                Err(error) => {
                    tracing::warn!(%error, "outbox pass failed, retrying at the next poll");
                    false
                }
            };
            if full && !cancel.is_cancelled() {
                continue;
            }
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep(poll) => {}
            }
        }
    }

    /// One pass over what is due now.
    pub async fn pass(&self) -> Result<Pass, DeliveryError> {
        let leased = self.lease().await?;
        let mut pass = Pass {
            due: leased.len(),
            ..Pass::default()
        };
        for due in leased {
            let row = due.id;
            match self.deliver(due).await {
                Ok(Settled::Delivered) => pass.delivered += 1,
                Ok(Settled::Retry) => pass.retried += 1,
                Ok(Settled::Dead) => pass.dead += 1,
                // The row stays leased; after the lease it is taken again.
                Err(error) => tracing::warn!(outbox = %row, %error, "delivery not settled"),
            }
        }
        Ok(pass)
    }

    /// Leases up to a batch of due rows.
    async fn lease(&self) -> Result<Vec<Due>, sqlx::Error> {
        let lease_ms = i64::try_from(self.settings.lease_ms).unwrap_or(i64::MAX);
        sqlx::query_as(
            "UPDATE notification.outbox o \
             SET leased_until = now() + make_interval(secs => $1::double precision / 1000), \
                 updated_at = now() \
             WHERE o.id IN ( \
               SELECT id FROM notification.outbox \
               WHERE state = 'pending' AND next_attempt_at <= now() \
                 AND (leased_until IS NULL OR leased_until < now()) \
               ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED) \
             RETURNING o.id, o.tenant_id, o.message_id, o.channel, o.attempts, o.application_id",
        )
        .bind(lease_ms)
        .bind(i64::from(self.settings.batch_size.max(1)))
        .fetch_all(self.log.pool())
        .await
    }

    /// Sends one row and settles it.
    async fn deliver(&self, due: Due) -> Result<Settled, DeliveryError> {
        let attempt = u32::try_from(due.attempts).unwrap_or(0) + 1;
        let channel = Channel::parse(&due.channel);
        let composed = {
            let mut conn = self.log.pool().acquire().await?;
            composed(&self.log, &mut conn, &due.tenant_id, due.message_id).await?
        };
        let sent = match (channel, composed) {
            (Some(channel), Some(composed)) => {
                let outgoing = Outgoing { due, composed };
                let sent = self.send(channel, &outgoing).await;
                let recipient = outgoing.composed.recipient.as_str();
                return self
                    .settle(&outgoing.due, recipient, channel, attempt, sent)
                    .await;
            }
            (None, _) => Sent::from(Attempt::Permanent(format!(
                "unknown channel {:?}",
                due.channel
            ))),
            (Some(_), None) => Sent::from(Attempt::Permanent("the message is not recorded".into())),
        };
        let channel = channel.unwrap_or(Channel::Post);
        self.settle(&due, "", channel, attempt, sent).await
    }

    async fn send(&self, channel: Channel, outgoing: &Outgoing) -> Sent {
        match channel {
            Channel::Push => match &self.channels.push {
                Some(push) => push.send(&self.log, outgoing).await,
                None => Attempt::Permanent("push is not configured".into()).into(),
            },
            Channel::Email => match &self.channels.email {
                Some(email) => email.send(&self.log, outgoing).await.into(),
                None => Attempt::Permanent("e-mail hints are not configured".into()).into(),
            },
            Channel::Post => self.channels.letter.send(&self.log, outgoing).await.into(),
            Channel::Mailbox => Attempt::Permanent("the mailbox has no outbox".into()).into(),
        }
    }

    /// Records the outcome of attempt `attempt` and settles the row, in one transaction;
    /// `recipient` is the message's (whose gone push subscriptions are removed).
    async fn settle(
        &self,
        due: &Due,
        recipient: &str,
        channel: Channel,
        attempt: u32,
        sent: Sent,
    ) -> Result<Settled, DeliveryError> {
        let now = Utc::now();
        let (event, state, next, error, settled) = match &sent.attempt {
            Attempt::Delivered(detail) => (
                NotificationEvent::DeliverySucceeded(proto::DeliverySucceeded {
                    channel: channel.to_proto() as i32,
                    attempt,
                    detail: detail.clone(),
                }),
                "delivered",
                now,
                None,
                Settled::Delivered,
            ),
            Attempt::Retry(reason) | Attempt::Permanent(reason) => {
                let permanent = matches!(sent.attempt, Attempt::Permanent(_));
                match self.settings.retry.after_failure(attempt, now, permanent) {
                    AfterFailure::RetryAt(at) => (
                        NotificationEvent::DeliveryAttemptFailed(proto::DeliveryAttemptFailed {
                            channel: channel.to_proto() as i32,
                            attempt,
                            reason: reason.clone(),
                            next_attempt_at: Some(to_timestamp(at)),
                        }),
                        "pending",
                        at,
                        Some(reason.clone()),
                        Settled::Retry,
                    ),
                    AfterFailure::GiveUp => (
                        NotificationEvent::DeliveryDeadLettered(proto::DeliveryDeadLettered {
                            channel: channel.to_proto() as i32,
                            attempts: attempt,
                            reason: reason.clone(),
                        }),
                        "dead",
                        now,
                        Some(reason.clone()),
                        Settled::Dead,
                    ),
                }
            }
        };
        let tenant = due.tenant_id.as_str();
        let mut tx = self.log.pool().begin().await?;
        let mut appends = vec![outcome_append(tenant, due, attempt, &event)];
        appends.extend(removed_subscriptions(
            tenant, recipient, due, attempt, &sent,
        ));
        for outcome in self.log.append_in(&mut tx, appends).await? {
            outcome?;
        }
        settle_row(&mut tx, due.id, state, attempt, next, error.as_deref()).await?;
        tx.commit().await?;
        self.log.notify_appended();
        Ok(settled)
    }
}

/// How a row was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Settled {
    Delivered,
    Retry,
    Dead,
}

/// The message's `MessageComposed`, if its stream holds one of this tenant.
async fn composed(
    log: &EventLog,
    conn: &mut PgConnection,
    tenant: &str,
    message_id: Uuid,
) -> Result<Option<proto::MessageComposed>, NotificationError> {
    let events = read_stream(log, conn, &ids::message_stream(message_id), tenant).await?;
    Ok(events
        .into_iter()
        .flatten()
        .find_map(|(_, event)| match event {
            NotificationEvent::MessageComposed(composed) => Some(composed),
            _ => None,
        }))
}

/// The append of an outcome: command id from the row and the attempt.
fn outcome_append(
    tenant: &str,
    due: &Due,
    attempt: u32,
    event: &NotificationEvent,
) -> AppendCommand {
    let stream = ids::message_stream(due.message_id);
    let command_id = ids::command_id(tenant, &stream, ids::delivery_outcome_id(due.id, attempt));
    AppendCommand {
        command_id,
        tenant_id: tenant.to_owned(),
        expected: ExpectedVersion::Any,
        events: vec![event.to_new_event(metadata(command_id))],
        stream_id: stream,
    }
}

/// The removal of each push subscription the push service said is gone, from the recipient's
/// profile stream.
fn removed_subscriptions(
    tenant: &str,
    recipient: &str,
    due: &Due,
    attempt: u32,
    sent: &Sent,
) -> Vec<AppendCommand> {
    let stream = ids::recipient_stream(tenant, recipient);
    sent.gone_subscriptions
        .iter()
        .map(|(subscription, reason)| {
            let command_id = ids::command_id(
                tenant,
                &stream,
                Uuid::new_v5(
                    &ids::delivery_outcome_id(due.id, attempt),
                    subscription.as_bytes(),
                ),
            );
            let event =
                NotificationEvent::PushSubscriptionRemoved(proto::PushSubscriptionRemoved {
                    account: recipient.to_owned(),
                    subscription_id: subscription.to_string(),
                    reason: reason.clone(),
                });
            AppendCommand {
                command_id,
                stream_id: stream.clone(),
                tenant_id: tenant.to_owned(),
                expected: ExpectedVersion::Any,
                events: vec![event.to_new_event(metadata(command_id))],
            }
        })
        .collect()
}

fn metadata(command_id: Uuid) -> EventMetadata {
    EventMetadata {
        actor: Some(ACTOR.to_owned()),
        command_id: Some(command_id),
        ..EventMetadata::default()
    }
}

async fn settle_row(
    tx: &mut PgConnection,
    id: Uuid,
    state: &str,
    attempts: u32,
    next_attempt_at: DateTime<Utc>,
    last_error: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notification.outbox SET state = $2, attempts = $3, next_attempt_at = $4, \
         last_error = $5, leased_until = NULL, updated_at = now() \
         WHERE id = $1 AND state = 'pending'",
    )
    .bind(id)
    .bind(state)
    .bind(i32::try_from(attempts).unwrap_or(i32::MAX))
    .bind(next_attempt_at)
    .bind(last_error)
    .execute(tx)
    .await?;
    Ok(())
}

/// The profile of `outgoing`'s recipient, as its stream holds it; a failed read is an attempt
/// to retry.
pub(crate) async fn recipient_profile(
    log: &EventLog,
    outgoing: &Outgoing,
) -> Result<crate::domain::profile::Profile, Attempt> {
    let mut conn = log
        .pool()
        .acquire()
        .await
        .map_err(|_| Attempt::Retry("the database is unavailable".into()))?;
    crate::commands::profile::load(
        log,
        &mut conn,
        &outgoing.due.tenant_id,
        &outgoing.composed.recipient,
    )
    .await
    .map(|loaded| loaded.profile)
    .map_err(|_| Attempt::Retry("the profile could not be read".into()))
}

/// Settings a channel needs of the tenant: its name and portal.
pub(crate) fn tenant_settings(
    tenants: &std::collections::BTreeMap<String, TenantSettings>,
    tenant: &str,
) -> TenantSettings {
    tenants.get(tenant).cloned().unwrap_or_default()
}

/// What every channel shares: templates and the tenants' settings.
#[derive(Debug, Clone)]
pub struct Texts {
    /// The templates.
    pub templates: Arc<Templates>,
    /// Each jobcenter's settings.
    pub tenants: Arc<std::collections::BTreeMap<String, TenantSettings>>,
}
