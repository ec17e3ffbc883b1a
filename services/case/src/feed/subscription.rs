//! One subscription: read a batch, record it, send it; when caught up, wait for the log to
//! notify (or the poll), sending a heartbeat now and then.
//!
//! The subscription is a plain stream (`futures::stream::unfold`), not a spawned task: it reads
//! the next batch only when the client has taken the previous one (HTTP/2 flow control is the
//! back-pressure), and when the client goes away tonic drops it, which ends everything it holds
//! (its transaction, its slot) without a task to clean up.

use std::collections::VecDeque;
use std::time::Duration;

use access_log::{AccessLog, AuditedError, ObjectRef, ReadContext};
use eventlog::LogPosition;
use futures::Stream;
use jobcenter_proto::case::v1 as proto;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::Instant;
use tonic::Status;

use super::reader::Reader;
use super::wake::{Wake, Wakeups};
use crate::domain;

/// How often to read when nothing wakes the subscription, and when to send heartbeats.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    /// The fallback poll while caught up.
    pub poll: Duration,
    /// A heartbeat after this long without a message.
    pub heartbeat: Duration,
}

/// A running subscription.
pub struct Subscription {
    reader: Reader,
    access: AccessLog,
    context: ReadContext,
    wakeups: Wakeups,
    pace: Pace,
    /// Where the next read continues (the last event read, or the horizon reached).
    after: LogPosition,
    /// Messages read and recorded, not yet sent.
    pending: VecDeque<proto::SubscribeResponse>,
    /// The first catch-up is announced with a heartbeat at once.
    caught_up: bool,
    last_sent: Instant,
    ended: bool,
    /// Held for as long as the subscription runs (the replica's limit).
    _slot: OwnedSemaphorePermit,
}

impl Subscription {
    /// A subscription continuing after `after`, recording each batch in `access` as part of
    /// the call `context` describes.
    pub fn new(
        reader: Reader,
        access: AccessLog,
        context: ReadContext,
        wakeups: Wakeups,
        pace: Pace,
        after: LogPosition,
        slot: OwnedSemaphorePermit,
    ) -> Self {
        Subscription {
            reader,
            access,
            context,
            wakeups,
            pace,
            after,
            pending: VecDeque::new(),
            caught_up: false,
            last_sent: Instant::now(),
            ended: false,
            _slot: slot,
        }
    }

    /// The messages of the subscription; it ends after an error.
    pub fn into_stream(self) -> impl Stream<Item = Result<proto::SubscribeResponse, Status>> {
        futures::stream::unfold(self, |mut subscription| async move {
            let item = subscription.next().await?;
            Some((item, subscription))
        })
    }

    async fn next(&mut self) -> Option<Result<proto::SubscribeResponse, Status>> {
        loop {
            if let Some(message) = self.pending.pop_front() {
                self.last_sent = Instant::now();
                return Some(Ok(message));
            }
            if self.ended {
                return None;
            }
            match self.step().await {
                Ok(Some(heartbeat)) => {
                    self.last_sent = Instant::now();
                    return Some(Ok(heartbeat));
                }
                Ok(None) => {}
                Err(status) => {
                    self.ended = true;
                    return Some(Err(status));
                }
            }
        }
    }

    /// Reads the next batch into `pending`; when caught up, waits and returns a heartbeat when
    /// one is due.
    async fn step(&mut self) -> Result<Option<proto::SubscribeResponse>, Status> {
        if self.wakeups.is_stopping() {
            return Err(stopping());
        }
        self.wakeups.mark_read();
        let batch = self.reader.read(self.after).await.map_err(|error| {
            tracing::warn!(%error, "feed: reading the case log failed");
            platform::status::unavailable(
                "the feed could not be read; resume with the last resume_token",
            )
        })?;
        if !batch.events.is_empty() {
            // Social data leaves only with its record (ARCHITECTURE §3.8).
            let objects = batch.cases.iter().copied().map(ObjectRef::case).collect();
            self.access
                .record_part(&self.context, objects)
                .await
                .map_err(|error| Status::from(AuditedError::<Status>::Unrecorded(error)))?;
            self.pending.extend(
                batch
                    .events
                    .into_iter()
                    .map(|event| proto::SubscribeResponse {
                        message: Some(proto::subscribe_response::Message::Event(event)),
                    }),
            );
        }
        self.after = batch.reached;
        if batch.full || !self.pending.is_empty() {
            return Ok(None);
        }
        if !self.caught_up {
            self.caught_up = true;
            return Ok(Some(self.heartbeat()));
        }
        let due = self.last_sent + self.pace.heartbeat;
        let wait = due
            .saturating_duration_since(Instant::now())
            .min(self.pace.poll);
        match self.wakeups.wait(wait).await {
            Wake::Stop => Err(stopping()),
            Wake::Read if Instant::now() >= due => Ok(Some(self.heartbeat())),
            Wake::Read => Ok(None),
        }
    }

    fn heartbeat(&self) -> proto::SubscribeResponse {
        proto::SubscribeResponse {
            message: Some(proto::subscribe_response::Message::Heartbeat(
                proto::CaseFeedHeartbeat {
                    resume_token: self.reader.token(self.after),
                    sent_at: Some(domain::to_timestamp(chrono::Utc::now())),
                },
            )),
        }
    }
}

fn stopping() -> Status {
    platform::status::unavailable("the server is shutting down; resume with the last resume_token")
}
