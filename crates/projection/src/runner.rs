//! Feeding a projection from JetStream, one transaction per batch.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, consumer};
use eventlog::wire;
use futures::StreamExt;
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::checkpoint::{self, Stored};
use crate::{Projection, ProjectionError};

/// Longest pause between retries after a failure.
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// Runs one [`Projection`] from the JetStream stream `EV_<SOURCE>`.
///
/// It reads with an ordered consumer (ephemeral, no acks, recreated by the client on any
/// sequence gap), so delivery is strictly in stream order. The durable state is the checkpoint
/// row alone: a batch's effects and its checkpoint commit together, and on (re)start the
/// consumer begins at the last message it saw, which is then skipped. Whatever happens
/// between commit and the next message (the place an ack would be), nothing is applied twice.
pub struct ProjectionRunner<P: Projection> {
    pool: PgPool,
    js: jetstream::Context,
    schema: String,
    source_service: String,
    projection: Arc<P>,
    batch_size: usize,
    crash_after_commits: Option<u64>,
}

impl<P: Projection> ProjectionRunner<P> {
    /// A runner applying the events of `source_service` to `projection`, with its checkpoint
    /// in `<checkpoint_schema>.projection_checkpoints`. `pool` is the worker role's: a batch
    /// applies every tenant's events.
    pub fn new(
        pool: PgPool,
        js: jetstream::Context,
        checkpoint_schema: &str,
        source_service: &str,
        projection: P,
    ) -> Self {
        Self {
            pool,
            js,
            schema: checkpoint_schema.to_owned(),
            source_service: source_service.to_owned(),
            projection: Arc::new(projection),
            batch_size: 500,
            crash_after_commits: None,
        }
    }

    /// Most events applied per transaction (default 500).
    pub fn with_batch_size(mut self, batch_size: usize) -> Self {
        self.batch_size = batch_size.max(1);
        self
    }

    /// Test hook: stop with [`ProjectionError::InjectedCrash`] right after the `commits`-th
    /// batch commits, as a process dying between commit and acknowledgement would.
    #[doc(hidden)]
    pub fn crash_after_commits(mut self, commits: u64) -> Self {
        self.crash_after_commits = Some(commits);
        self
    }

    /// Apply events until `cancel` fires. Failures (database, NATS, a projection error) are
    /// logged and retried with backoff from the checkpoint; the read model then lags but never
    /// skips an event. The checkpoint table must be installed ([`crate::install`], by the
    /// owner role): the runner's role (the worker) may not create it.
    pub async fn run(self, cancel: CancellationToken) -> Result<(), ProjectionError> {
        checkpoint::require_installed(&self.pool, &self.schema).await?;
        let mut from_start = false;
        let mut commits = 0u64;
        let mut backoff = Duration::from_millis(50);
        loop {
            match self.consume(&cancel, from_start, &mut commits).await {
                Ok(()) => return Ok(()),
                Err(ProjectionError::InjectedCrash) => return Err(ProjectionError::InjectedCrash),
                Err(ProjectionError::StreamMismatch { sequence }) => {
                    tracing::warn!(
                        projection = self.projection.name(),
                        sequence,
                        "stream does not match the checkpoint, re-reading it from the start"
                    );
                    from_start = true;
                    continue;
                }
                Err(err) => {
                    tracing::warn!(projection = self.projection.name(), error = %err,
                        source = ?std::error::Error::source(&err), "projection failed, retrying");
                }
            }
            tokio::select! {
                _ = cancel.cancelled() => return Ok(()),
                _ = tokio::time::sleep(backoff) => {}
            }
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// One consumer's life: from the checkpoint until cancelled or an error.
    async fn consume(
        &self,
        cancel: &CancellationToken,
        from_start: bool,
        commits: &mut u64,
    ) -> Result<(), ProjectionError> {
        let stored = {
            let mut conn = self.pool.acquire().await?;
            checkpoint::read(&mut conn, &self.schema, self.projection.name()).await?
        };
        // Start at the last message seen, to verify the stream still holds it there.
        let verify = match stored {
            Some(Stored {
                at,
                sequence: Some(sequence),
            }) if sequence > 0 && !from_start => Some((sequence, at)),
            _ => None,
        };
        let deliver_policy = match verify {
            Some((start_sequence, _)) => {
                consumer::DeliverPolicy::ByStartSequence { start_sequence }
            }
            None => consumer::DeliverPolicy::All,
        };
        let stream = self
            .js
            .get_stream(wire::stream_name(&self.source_service))
            .await
            .map_err(|err| ProjectionError::nats("get stream", err))?;
        let consumer = stream
            .create_consumer(consumer::pull::OrderedConfig {
                deliver_policy,
                ..Default::default()
            })
            .await
            .map_err(|err| ProjectionError::nats("create consumer", err))?;
        let messages = consumer
            .messages()
            .await
            .map_err(|err| ProjectionError::nats("consume", err))?;
        // Whatever has arrived, up to a batch, goes into one transaction.
        let mut batches = messages.ready_chunks(self.batch_size);
        let mut verify = verify;
        loop {
            let chunk = tokio::select! {
                _ = cancel.cancelled() => return Ok(()),
                chunk = batches.next() => chunk.ok_or(ProjectionError::ConsumerEnded)?,
            };
            let mut batch = Vec::with_capacity(chunk.len());
            for message in chunk {
                batch.push(message.map_err(|err| ProjectionError::nats("receive", err))?);
            }
            if let Some((sequence, at)) = verify.take() {
                check_first(&batch, sequence, at)?;
            }
            self.apply_batch(&batch).await?;
            *commits += 1;
            if self.crash_after_commits == Some(*commits) {
                return Err(ProjectionError::InjectedCrash);
            }
        }
    }

    /// One transaction: lock the checkpoint, apply what is newer, store the checkpoint.
    async fn apply_batch(&self, batch: &[jetstream::Message]) -> Result<(), ProjectionError> {
        let name = self.projection.name();
        let mut tx = self.pool.begin().await?;
        let mut stored = checkpoint::lock(&mut tx, &self.schema, name).await?;
        for message in batch {
            let info = message
                .info()
                .map_err(|err| ProjectionError::nats("message info", err))?;
            stored.sequence = Some(info.stream_sequence);
            let event = wire::from_message(message)?;
            // At or below the checkpoint: applied before (redelivery, replay after a rebuild).
            if event.position <= stored.at {
                continue;
            }
            self.projection.apply(&mut tx, &event).await?;
            stored.at = event.position;
        }
        checkpoint::store(&mut tx, &self.schema, name, stored).await?;
        tx.commit().await?;
        self.projection.after_commit();
        Ok(())
    }
}

/// The first message after a restart must be the one at the stored sequence, and not beyond
/// the checkpoint (it may be below: the last message of a batch can have been skipped). Since
/// the relay keeps the stream in commit order, nothing before it is then missing.
fn check_first(
    batch: &[jetstream::Message],
    sequence: u64,
    at: eventlog::LogPosition,
) -> Result<(), ProjectionError> {
    let Some(first) = batch.first() else {
        return Ok(());
    };
    let info = first
        .info()
        .map_err(|err| ProjectionError::nats("message info", err))?;
    let headers = first.headers.as_ref().ok_or(wire::WireError::NoHeaders)?;
    if info.stream_sequence == sequence && wire::position(headers)? <= at {
        Ok(())
    } else {
        Err(ProjectionError::StreamMismatch { sequence })
    }
}
