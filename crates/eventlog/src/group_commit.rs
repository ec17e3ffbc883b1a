//! Group commit: concurrent appends are gathered into one call of the append function.
//!
//! A background task takes commands from a channel. When a command arrives it takes it together
//! with every command already waiting (up to [`GroupCommitConfig::max_batch`]) and appends them
//! in one call, each with its own outcome. No timer delays a lone command: when the log is idle a
//! command goes straight to the database; under load, the commands that arrive while a call is
//! in flight form the next call. At most [`GroupCommitConfig::max_in_flight`] calls run at once.
//!
//! The task is spawned on the Tokio runtime of the first `append`, not at construction, so an
//! [`crate::EventLog`] can be built outside a runtime. It ends when every clone of the log is
//! dropped; if its runtime has gone, the next `append` starts a new one.

use std::sync::{Arc, Mutex};

use sqlx::PgPool;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, oneshot};

use crate::append::{self, EncodedCommand};
use crate::error::{AppendError, EventLogError};
use crate::model::AppendOutcome;
use crate::notify::Notifier;

/// How commands are gathered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupCommitConfig {
    /// The most commands in one call.
    pub max_batch: usize,
    /// The most calls in flight at once (each holds a pooled connection).
    pub max_in_flight: usize,
}

impl Default for GroupCommitConfig {
    fn default() -> Self {
        GroupCommitConfig {
            max_batch: 256,
            max_in_flight: 2,
        }
    }
}

type Reply = oneshot::Sender<Result<AppendOutcome, AppendError>>;

struct Job {
    command: EncodedCommand,
    reply: Reply,
}

/// The sending side of the group commit task, started on first use.
pub(crate) struct GroupCommitter {
    pool: PgPool,
    sql: Arc<str>,
    config: GroupCommitConfig,
    notifier: Arc<Notifier>,
    sender: Mutex<Option<mpsc::Sender<Job>>>,
}

impl GroupCommitter {
    pub(crate) fn new(
        pool: PgPool,
        sql: Arc<str>,
        config: GroupCommitConfig,
        notifier: Arc<Notifier>,
    ) -> Self {
        let config = GroupCommitConfig {
            max_batch: config.max_batch.max(1),
            max_in_flight: config.max_in_flight.max(1),
        };
        GroupCommitter {
            pool,
            sql,
            config,
            notifier,
            sender: Mutex::new(None),
        }
    }

    /// Appends one command through the task, waiting for its own outcome.
    pub(crate) async fn append(
        &self,
        command: EncodedCommand,
    ) -> Result<AppendOutcome, AppendError> {
        let (reply, outcome) = oneshot::channel();
        let mut job = Job { command, reply };
        // A second attempt only if the task was gone (its runtime shut down).
        for _ in 0..2 {
            let sender = self.sender(false)?;
            match sender.send(job).await {
                Ok(()) => return outcome.await.map_err(|_| EventLogError::Closed)?,
                Err(mpsc::error::SendError(returned)) => {
                    job = returned;
                    self.sender(true)?;
                }
            }
        }
        Err(EventLogError::Closed.into())
    }

    /// The channel to the task; spawns the task if there is none (or `restart`).
    fn sender(&self, restart: bool) -> Result<mpsc::Sender<Job>, EventLogError> {
        let mut guard = self.sender.lock().map_err(|_| EventLogError::Closed)?;
        if let Some(sender) = guard.as_ref().filter(|s| !restart && !s.is_closed()) {
            return Ok(sender.clone());
        }
        let (sender, receiver) = mpsc::channel(self.config.max_batch * 4);
        tokio::spawn(run(
            self.pool.clone(),
            self.sql.clone(),
            self.config,
            self.notifier.clone(),
            receiver,
        ));
        *guard = Some(sender.clone());
        Ok(sender)
    }
}

/// The task: gather what is waiting, call once, repeat.
async fn run(
    pool: PgPool,
    sql: Arc<str>,
    config: GroupCommitConfig,
    notifier: Arc<Notifier>,
    mut receiver: mpsc::Receiver<Job>,
) {
    let in_flight = Arc::new(Semaphore::new(config.max_in_flight));
    loop {
        let Ok(permit) = in_flight.clone().acquire_owned().await else {
            return;
        };
        let mut batch = Vec::new();
        if receiver.recv_many(&mut batch, config.max_batch).await == 0 {
            return; // every sender dropped
        }
        tokio::spawn(commit(
            pool.clone(),
            sql.clone(),
            batch,
            notifier.clone(),
            permit,
        ));
    }
}

/// One call for a batch; every job gets its own outcome.
async fn commit(
    pool: PgPool,
    sql: Arc<str>,
    batch: Vec<Job>,
    notifier: Arc<Notifier>,
    _permit: OwnedSemaphorePermit,
) {
    let (commands, replies): (Vec<_>, Vec<_>) = batch
        .into_iter()
        .map(|job| (job.command, job.reply))
        .unzip();
    match append::call(&pool, &sql, &commands).await {
        Ok(rows) => {
            notifier.poke();
            for (reply, outcome) in replies.into_iter().zip(append::outcomes(commands, rows)) {
                let _ = reply.send(outcome); // the caller may have given up
            }
        }
        Err(error) if commands.len() > 1 && matches!(error, sqlx::Error::Database(_)) => {
            // The statement failed, not the connection: one command may be at fault. Isolate it
            // by appending each on its own, so it does not fail the others.
            tracing::debug!(%error, commands = commands.len(), "group commit failed, appending one by one");
            for (command, reply) in commands.into_iter().zip(replies) {
                let single = [command];
                let outcome = match append::call(&pool, &sql, &single).await {
                    Ok(rows) => {
                        notifier.poke();
                        append::outcomes(Vec::from(single), rows)
                            .pop()
                            .unwrap_or_else(|| {
                                Err(EventLogError::UnexpectedResult("no outcome").into())
                            })
                    }
                    Err(error) => Err(EventLogError::Database(error).into()),
                };
                let _ = reply.send(outcome);
            }
        }
        Err(error) if commands.len() == 1 => {
            if let Some(reply) = replies.into_iter().next() {
                let _ = reply.send(Err(EventLogError::Database(error).into()));
            }
        }
        Err(error) => {
            let error = Arc::new(error);
            for reply in replies {
                let _ = reply.send(Err(EventLogError::GroupCommit(error.clone()).into()));
            }
        }
    }
}
