//! Wakes the relay after appends have committed, outside the appending transaction.
//!
//! `pg_notify` inside the append function would serialise commits (PostgreSQL holds a global
//! lock for notifying transactions until their commit is flushed). Instead each committed append
//! pokes this notifier, and one task sends `NOTIFY` on its own connection; pokes that arrive while
//! a notification is under way coalesce into one more. The relay also polls, so a lost
//! notification only delays it by its poll interval.

use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use sqlx::PgPool;
use tokio::sync::Notify;

/// How long the task waits for a poke before checking whether its log still exists.
const IDLE_CHECK: Duration = Duration::from_secs(5);

pub(crate) struct Notifier {
    pool: PgPool,
    channel: String,
    poke: Arc<Notify>,
    started: Mutex<bool>,
}

impl Notifier {
    pub(crate) fn new(pool: PgPool, channel: String) -> Self {
        Notifier {
            pool,
            channel,
            poke: Arc::new(Notify::new()),
            started: Mutex::new(false),
        }
    }

    /// Asks for one `NOTIFY` soon. Cheap; call after every committed append. Must be called from
    /// within a tokio runtime (the task starts on first use).
    pub(crate) fn poke(&self) {
        if let Ok(mut started) = self.started.lock()
            && !*started
            && tokio::runtime::Handle::try_current().is_ok()
        {
            *started = true;
            tokio::spawn(run(
                self.pool.clone(),
                self.channel.clone(),
                Arc::downgrade(&self.poke),
            ));
        }
        // notify_one stores a permit when the task is busy: pokes coalesce, none is lost.
        self.poke.notify_one();
    }
}

async fn run(pool: PgPool, channel: String, poke: Weak<Notify>) {
    loop {
        let Some(notify) = poke.upgrade() else {
            return; // the log is gone
        };
        let poked = tokio::time::timeout(IDLE_CHECK, notify.notified())
            .await
            .is_ok();
        drop(notify);
        if poked
            && let Err(error) = sqlx::query("SELECT pg_notify($1, '')")
                .bind(&channel)
                .execute(&pool)
                .await
        {
            // The relay's poll covers a lost notification.
            tracing::debug!(%error, "notify after append failed");
        }
    }
}
