//! The relay: copies the log, in commit order, into the JetStream stream `EV_<SERVICE>`.
//!
//! PostgreSQL is the record; JetStream is a cache of it. The relay therefore keeps no state of
//! its own: it resumes from the position in the last message of the stream, so whatever
//! JetStream holds is always a prefix of the log, and a lost stream is refilled from PostgreSQL.
//!
//! Only one relay per log publishes (a session advisory lock), others wait as standbys. As a
//! second fence every publish carries `Nats-Expected-Last-Sequence`, so even a relay that lost
//! its lock without noticing cannot interleave with the new leader, and a failed publish in a
//! pipelined batch cannot leave a gap (every later publish of the batch fails too).

use std::future::IntoFuture;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_nats::jetstream;
use sqlx::Connection;
use sqlx::postgres::{PgConnection, PgListener};
use tokio::time::{Instant, sleep};
use tokio_util::sync::CancellationToken;

use crate::wire::{self, EnsureStreamError, WireError};
use crate::{EventLog, EventLogError, LogPosition, RecordedEvent};

/// Longest pause between retries, so a standby takes over within about a second.
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// How often the leader checks that its lock connection (and so its lock) is still alive.
const LOCK_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// Settings of a [`Relay`].
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Service name: stream `EV_<SERVICE>`, subjects `ev.<service>.<tenant>.<partition>`.
    pub service: String,
    /// Number of subject partitions per tenant (see [`wire::partition`]).
    pub partitions: u32,
    /// Events read from the log and published (pipelined) per round.
    pub batch_size: i64,
    /// Fallback poll when no `NOTIFY` arrives (events held back by the transaction horizon
    /// become readable without a notification).
    pub poll_interval: Duration,
}

impl RelayConfig {
    /// Defaults: 8 partitions, batches of 2000 (catch-up throughput grows with the batch up to
    /// about that size), 50 ms poll.
    pub fn new(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
            partitions: wire::DEFAULT_PARTITIONS,
            batch_size: 2000,
            poll_interval: Duration::from_millis(50),
        }
    }
}

/// The relay failed in a way it could not retry.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// The configuration is unusable.
    #[error("invalid relay configuration: {0}")]
    Config(&'static str),
    /// The JetStream stream could not be created or updated.
    #[error("cannot set up the JetStream stream")]
    Stream(#[from] EnsureStreamError),
    /// A PostgreSQL request failed.
    #[error("database request failed")]
    Database(#[from] sqlx::Error),
    /// Reading the log failed.
    #[error("reading the event log failed")]
    Log(#[from] EventLogError),
    /// A JetStream request failed.
    #[error("JetStream request failed: {op}")]
    Nats {
        /// What the relay was doing.
        op: &'static str,
        /// The client's error.
        #[source]
        source: async_nats::Error,
    },
    /// The last message of the stream carries no usable log position.
    #[error("the last message of the JetStream stream is not a relayed event")]
    Resume(#[from] WireError),
}

impl RelayError {
    fn nats(op: &'static str, source: impl Into<async_nats::Error>) -> Self {
        Self::Nats {
            op,
            source: source.into(),
        }
    }
}

/// Copies one [`EventLog`] to JetStream; see the module docs.
pub struct Relay {
    log: EventLog,
    js: jetstream::Context,
    config: RelayConfig,
    relayed: Arc<AtomicU64>,
}

/// The outcome of one round.
enum Round {
    /// Nothing to read: wait for a NOTIFY or the poll.
    Idle,
    /// Published up to `tail`; `next` is the following batch if it was read meanwhile.
    Published {
        tail: Tail,
        next: Option<Vec<RecordedEvent>>,
    },
}

/// Where the stream ends: the log position of its last event and its sequence.
#[derive(Debug, Clone, Copy)]
struct Tail {
    after: LogPosition,
    sequence: u64,
}

impl Relay {
    /// A relay for `log` into `js`; nothing happens until [`Relay::run`].
    pub fn new(log: EventLog, js: jetstream::Context, config: RelayConfig) -> Self {
        Self {
            log,
            js,
            config,
            relayed: Arc::new(AtomicU64::new(0)),
        }
    }

    /// A counter of events this relay has published and JetStream has acknowledged
    /// (for metrics; shared, so it can be read while the relay runs).
    pub fn relayed_counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.relayed)
    }

    /// Relay until `cancel` fires. Database and NATS failures are logged and retried with
    /// backoff; only a stream that cannot be set up ends the relay with an error.
    pub async fn run(self, cancel: CancellationToken) -> Result<(), RelayError> {
        if self.config.batch_size < 1 {
            return Err(RelayError::Config("batch_size must be at least 1"));
        }
        if self.config.partitions < 1 {
            return Err(RelayError::Config("partitions must be at least 1"));
        }
        wire::ensure_stream(&self.js, &self.config.service).await?;
        let mut backoff = Backoff::default();
        loop {
            let lock = tokio::select! {
                _ = cancel.cancelled() => return Ok(()),
                lock = self.acquire_lock() => lock,
            };
            let outcome = match lock {
                Ok(lock) => self.lead(lock, &cancel, &mut backoff).await,
                Err(err) => Err(err),
            };
            match outcome {
                Ok(()) => return Ok(()),
                Err(err) => {
                    tracing::warn!(error = %err, source = ?std::error::Error::source(&err),
                        "relay lost its lock or connection, retrying");
                    if !backoff.wait(&cancel).await {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Wait until this relay holds the log's advisory lock, on a connection of its own (the
    /// lock lives as long as that session, and is freed by PostgreSQL if the process dies).
    async fn acquire_lock(&self) -> Result<PgConnection, RelayError> {
        let options = self.log.pool().connect_options();
        let mut conn = PgConnection::connect_with(&options).await?;
        let key = lock_key(self.log.schema());
        let mut backoff = Backoff::default();
        loop {
            let held: bool =
                sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
                    .bind(&key)
                    .fetch_one(&mut conn)
                    .await?;
            if held {
                tracing::info!(schema = self.log.schema(), "relay holds the lock, relaying");
                return Ok(conn);
            }
            // Another relay is active: stand by. No cancel branch here, the caller selects.
            backoff.sleep().await;
        }
    }

    /// Relay while holding `lock`. Returns `Ok` when cancelled, `Err` when the lock connection
    /// is gone (the caller re-acquires). Publish and read failures are retried here.
    async fn lead(
        &self,
        mut lock: PgConnection,
        cancel: &CancellationToken,
        backoff: &mut Backoff,
    ) -> Result<(), RelayError> {
        let mut listener = PgListener::connect_with(self.log.pool()).await?;
        listener.listen(&self.log.notify_channel()).await?;
        let mut lock_checked = Instant::now();
        let mut tail = None;
        let mut prefetched = None;
        loop {
            if cancel.is_cancelled() {
                return Ok(());
            }
            if lock_checked.elapsed() >= LOCK_CHECK_INTERVAL {
                sqlx::query("SELECT 1").execute(&mut lock).await?;
                lock_checked = Instant::now();
            }
            let current = match tail {
                Some(current) => current,
                None => match self.resume().await {
                    Ok(current) => current,
                    Err(err) => {
                        self.retry_later(err, backoff, cancel).await;
                        continue;
                    }
                },
            };
            match self.round(current, prefetched.take()).await {
                Ok(Round::Published {
                    tail: next,
                    next: read,
                }) => {
                    tail = Some(next);
                    prefetched = read;
                    backoff.reset();
                }
                Ok(Round::Idle) => {
                    tail = Some(current);
                    self.idle(&mut listener, cancel).await;
                }
                Err(err) => {
                    // JetStream now ends wherever the failure left it; find out from itself.
                    tail = None;
                    self.retry_later(err, backoff, cancel).await;
                }
            }
        }
    }

    async fn retry_later(
        &self,
        err: RelayError,
        backoff: &mut Backoff,
        cancel: &CancellationToken,
    ) {
        tracing::warn!(error = %err, source = ?std::error::Error::source(&err), "relay round failed, retrying");
        backoff.wait(cancel).await;
    }

    /// Wait for a NOTIFY, the poll interval or cancellation, whichever comes first.
    async fn idle(&self, listener: &mut PgListener, cancel: &CancellationToken) {
        tokio::select! {
            _ = cancel.cancelled() => {}
            _ = sleep(self.config.poll_interval) => {}
            received = listener.recv() => {
                if let Err(err) = received {
                    // The listener reconnects by itself; the poll covers the gap.
                    tracing::debug!(error = %err, "relay listener interrupted");
                    sleep(self.config.poll_interval).await;
                }
            }
        }
    }

    /// Publish the next batch: `prefetched` if the previous round read it, else read now.
    async fn round(
        &self,
        tail: Tail,
        prefetched: Option<Vec<RecordedEvent>>,
    ) -> Result<Round, RelayError> {
        let events = match prefetched {
            Some(events) => events,
            None => {
                self.log
                    .read_all(tail.after, self.config.batch_size)
                    .await?
            }
        };
        if events.is_empty() {
            return Ok(Round::Idle);
        }
        self.publish(&events, tail).await
    }

    /// Publish `events` pipelined: send all, then await all acks, reading the next batch from
    /// the log meanwhile. The stream stays a prefix of the log because each message expects
    /// its predecessor's sequence.
    async fn publish(&self, events: &[RecordedEvent], tail: Tail) -> Result<Round, RelayError> {
        let mut pending = Vec::with_capacity(events.len());
        let mut send_error = None;
        for (offset, event) in (0u64..).zip(events) {
            let (subject, mut headers, body) =
                wire::to_message(&self.config.service, self.config.partitions, event);
            let expected = tail.sequence + offset;
            // 0 would mean "no expectation" to older servers; the first message of an empty
            // stream is covered by Nats-Msg-Id de-duplication instead.
            if expected > 0 {
                headers.insert(
                    async_nats::header::NATS_EXPECTED_LAST_SEQUENCE,
                    expected.to_string(),
                );
            }
            match self.js.publish_with_headers(subject, headers, body).await {
                Ok(ack) => pending.push(ack.into_future()),
                Err(err) => {
                    send_error = Some(RelayError::nats("publish", err));
                    break;
                }
            }
        }
        let prefetch = async {
            let last = events.last().map(|event| event.position)?;
            if send_error.is_some() {
                return None;
            }
            // A failed read is repeated next round; only the prefetch is lost.
            match self.log.read_all(last, self.config.batch_size).await {
                Ok(next) => Some(next),
                Err(error) => {
                    tracing::warn!(%error, "relay prefetch failed, reading again next round");
                    None
                }
            }
        };
        let (acks, next) = tokio::join!(futures::future::join_all(pending), prefetch);
        let mut done = tail;
        for (ack, event) in acks.into_iter().zip(events) {
            match ack {
                Ok(ack) => {
                    done = Tail {
                        after: event.position,
                        sequence: ack.sequence,
                    };
                    self.relayed.fetch_add(1, Ordering::Relaxed);
                }
                Err(err) => return Err(RelayError::nats("publish acknowledgement", err)),
            }
        }
        match send_error {
            Some(err) => Err(err),
            None => Ok(Round::Published { tail: done, next }),
        }
    }

    /// The log position and sequence of the last message in the stream.
    async fn resume(&self) -> Result<Tail, RelayError> {
        // Recreate the stream should JetStream have lost it: the relay then refills it from
        // the start of the log.
        wire::ensure_stream(&self.js, &self.config.service).await?;
        let stream = self
            .js
            .get_stream(wire::stream_name(&self.config.service))
            .await
            .map_err(|err| RelayError::nats("get stream", err))?;
        let info = stream
            .get_info()
            .await
            .map_err(|err| RelayError::nats("stream info", err))?;
        let sequence = info.state.last_sequence;
        if sequence == 0 {
            return Ok(Tail {
                after: LogPosition::START,
                sequence,
            });
        }
        let last = stream
            .get_raw_message(sequence)
            .await
            .map_err(|err| RelayError::nats("get last message", err))?;
        let after = wire::position(&last.headers)?;
        tracing::info!(
            sequence,
            tx_id = after.tx_id,
            position = after.position,
            "relay resumes"
        );
        Ok(Tail { after, sequence })
    }
}

fn lock_key(schema: &str) -> String {
    format!("jobcenter.eventlog.relay:{schema}")
}

/// Exponential backoff from 50 ms up to [`MAX_BACKOFF`].
#[derive(Debug)]
struct Backoff(Duration);

impl Default for Backoff {
    fn default() -> Self {
        Self(Duration::from_millis(50))
    }
}

impl Backoff {
    fn reset(&mut self) {
        *self = Self::default();
    }

    async fn sleep(&mut self) {
        sleep(self.0).await;
        self.0 = (self.0 * 2).min(MAX_BACKOFF);
    }

    /// Sleep, unless cancelled first; `false` when cancelled.
    async fn wait(&mut self, cancel: &CancellationToken) -> bool {
        tokio::select! {
            _ = cancel.cancelled() => false,
            _ = self.sleep() => true,
        }
    }
}
