//! Waking the feed's subscriptions when the case log has new events, and telling them when the
//! service stops.
//!
//! One `LISTEN` connection per replica on the log's channel (`EventLog::notify_channel`),
//! fanned out to every subscription through a `watch` channel: a listener per subscription
//! would hold a pooled connection for as long as it streams. Notifications coalesce (a
//! subscription that is reading when several arrive reads once more), and may be lost (a
//! reconnect, a transaction that only moved the horizon): subscriptions also poll.

use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;

/// How long to wait before listening again after the connection failed.
const RETRY: Duration = Duration::from_secs(1);

/// Listens on the log's channel; run it with [`Listener::run`] for as long as the server runs.
#[derive(Debug)]
pub struct Listener {
    pool: PgPool,
    channel: String,
    notify: watch::Sender<()>,
    stopping: CancellationToken,
}

/// A subscription's side: waits for a notification, the poll interval or the service stopping.
#[derive(Debug, Clone)]
pub struct Wakeups {
    notified: watch::Receiver<()>,
    stopping: CancellationToken,
}

/// Why [`Wakeups::wait`] returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The log notified, or the poll interval passed: read again.
    Read,
    /// The service is stopping: end the stream.
    Stop,
}

impl Listener {
    /// A listener on `channel` through `pool` (the api role's: `LISTEN` needs no grant), and
    /// the wake-ups it feeds.
    pub fn new(pool: PgPool, channel: String) -> (Self, Wakeups) {
        let (notify, notified) = watch::channel(());
        let stopping = CancellationToken::new();
        let wakeups = Wakeups {
            notified,
            stopping: stopping.clone(),
        };
        let listener = Listener {
            pool,
            channel,
            notify,
            stopping,
        };
        (listener, wakeups)
    }

    /// Wakes the subscriptions on every notification until `cancel` fires; then (or if this
    /// task ends any other way) tells them to stop, so that the server's drain does not wait
    /// for streams that would otherwise run forever.
    pub async fn run(self, cancel: CancellationToken) {
        let _stop = self.stopping.clone().drop_guard();
        loop {
            let connected = tokio::select! {
                () = cancel.cancelled() => return,
                connected = self.listen() => connected,
            };
            let mut listener = match connected {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, "feed: cannot listen for new events; polling");
                    tokio::select! {
                        () = cancel.cancelled() => return,
                        () = tokio::time::sleep(RETRY) => continue,
                    }
                }
            };
            loop {
                tokio::select! {
                    () = cancel.cancelled() => return,
                    received = listener.recv() => match received {
                        Ok(_) => {
                            self.notify.send_replace(());
                        }
                        Err(error) => {
                            // recv reconnects on the next call; the subscriptions' poll covers
                            // what was missed meanwhile.
                            tracing::debug!(%error, "feed listener interrupted");
                            tokio::time::sleep(RETRY).await;
                        }
                    },
                }
            }
        }
    }

    async fn listen(&self) -> Result<PgListener, sqlx::Error> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(&self.channel).await?;
        Ok(listener)
    }
}

impl Wakeups {
    /// Forgets notifications so far: call before reading, so that one arriving during the read
    /// wakes the next [`Wakeups::wait`] at once.
    pub fn mark_read(&mut self) {
        self.notified.mark_unchanged();
    }

    /// True once the service is stopping.
    pub fn is_stopping(&self) -> bool {
        self.stopping.is_cancelled()
    }

    /// Waits for a notification since [`Wakeups::mark_read`], at most `poll`.
    pub async fn wait(&mut self, poll: Duration) -> Wake {
        let notified = async {
            // Without a running listener (its sender gone) there is only the poll.
            if self.notified.changed().await.is_err() {
                std::future::pending::<()>().await;
            }
        };
        tokio::select! {
            () = self.stopping.cancelled() => Wake::Stop,
            () = notified => Wake::Read,
            () = tokio::time::sleep(poll) => Wake::Read,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lazy_pool() -> PgPool {
        PgPool::connect_lazy("postgres://127.0.0.1/unused").expect("lazy pool")
    }

    #[tokio::test]
    async fn a_notification_wakes_every_subscription_and_a_quiet_log_only_the_poll() {
        let (listener, mut first) = Listener::new(lazy_pool(), "c".to_owned());
        let mut second = first.clone();
        first.mark_read();
        second.mark_read();
        listener.notify.send_replace(());
        let long = Duration::from_secs(60);
        assert_eq!(
            tokio::time::timeout(Duration::from_secs(1), first.wait(long)).await,
            Ok(Wake::Read)
        );
        assert_eq!(
            tokio::time::timeout(Duration::from_secs(1), second.wait(long)).await,
            Ok(Wake::Read)
        );
        // Nothing new: only the poll ends the wait.
        first.mark_read();
        assert!(
            tokio::time::timeout(Duration::from_millis(100), first.wait(long))
                .await
                .is_err()
        );
        assert_eq!(first.wait(Duration::from_millis(10)).await, Wake::Read);
    }

    #[tokio::test]
    async fn cancelling_the_listener_stops_every_subscription() {
        let (listener, mut wakeups) = Listener::new(lazy_pool(), "c".to_owned());
        let cancel = CancellationToken::new();
        let task = tokio::spawn(listener.run(cancel.clone()));
        cancel.cancel();
        task.await.expect("listener ends");
        assert!(wakeups.is_stopping());
        assert_eq!(wakeups.wait(Duration::from_secs(60)).await, Wake::Stop);
    }
}
