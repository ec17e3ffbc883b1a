//! Read models fed from JetStream with exactly-once effect, and their rebuild from the PostgreSQL log.
//!
//! A [`Projection`] turns events into rows of the consuming service's schema. The
//! [`ProjectionRunner`] feeds it from the JetStream stream of the source service, strictly in
//! stream (= commit) order, one PostgreSQL transaction per batch that also stores the
//! checkpoint; events at or below the checkpoint are skipped, so redelivery has no second
//! effect. [`rebuild()`] recomputes a read model from the log itself.

mod checkpoint;
mod error;
mod rebuild;
mod runner;

use std::sync::Arc;

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use sqlx::PgConnection;

pub use checkpoint::{checkpoint, clear_tables, digest_rows, install, wait_for};
pub use error::ProjectionError;
pub use rebuild::{RebuildReport, rebuild};
pub use runner::ProjectionRunner;

/// A read model, kept in the consuming service's schema.
pub trait Projection: Send + Sync + 'static {
    /// Stable name; the key of its checkpoint.
    fn name(&self) -> &'static str;
    /// Apply one event inside the batch transaction. Unknown event types are ignored.
    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>>;
    /// Delete everything this projection wrote (for rebuild).
    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>>;
    /// A digest over the read model's rows in a stable order (rebuild == live check).
    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>>;
    /// Called after a batch's transaction committed. Reactors that appended to a log with
    /// `EventLog::append_in` wake that log's relay here (`EventLog::notify_appended`), since the
    /// append itself must not notify before the commit.
    fn after_commit(&self) {}
}

/// Lets one projection value be shared, e.g. by a runner and a rebuild or digest check.
impl<T: Projection + ?Sized> Projection for Arc<T> {
    fn name(&self) -> &'static str {
        (**self).name()
    }
    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        (**self).apply(tx, event)
    }
    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        (**self).reset(tx)
    }
    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        (**self).digest(conn)
    }
    fn after_commit(&self) {
        (**self).after_commit()
    }
}
