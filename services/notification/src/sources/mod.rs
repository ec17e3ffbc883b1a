//! The other services' logs this service follows, one projection per log, each fed from its
//! JetStream stream with its checkpoint in `notification.projection_checkpoints`:
//!
//! - [`case`]: `EV_CASE` → `notification.case_contacts` (whose a case is, who works it);
//! - [`intake`]: `EV_INTAKE` → `notification.postal_addresses` (where a letter goes);
//! - [`efile`]: `EV_EFILE` → `notification.documents` (which case a document is filed on);
//! - [`appointment`]: `EV_APPOINTMENT` → `notification.appointment_contacts`.
//!
//! Per event, in the batch's transaction: first the directory table ([`Directory::apply`],
//! each module's `apply_directory`), then the messages the event composes
//! ([`Composer::react`]), so a trigger finds the directory as of its own event and its
//! messages commit with the checkpoint.

pub mod appointment;
pub mod case;
pub mod efile;
pub mod intake;

use std::marker::PhantomData;

use eventlog::RecordedEvent;
use futures::future::BoxFuture;
use projection::{Projection, ProjectionError};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::compose::Composer;

/// One followed log's directory table.
pub trait Directory: Send + Sync + 'static {
    /// The projection's name (its checkpoint key).
    const NAME: &'static str;
    /// The log it follows (`EV_<LOG>`).
    const SOURCE_LOG: &'static str;
    /// The tables it writes (emptied by a rebuild).
    const TABLES: &'static [&'static str];
    /// Its rows in a stable order, for the rebuild check.
    const DIGEST: &'static str;
    /// Keeps the table for one event (unknown types are passed over).
    fn apply<'a>(
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>>;
}

/// The projection of one followed log: its directory, then the messages composed.
pub struct Source<D: Directory> {
    composer: Composer,
    directory: PhantomData<fn() -> D>,
}

impl<D: Directory> Source<D> {
    /// The projection, composing with `composer`.
    pub fn new(composer: Composer) -> Self {
        Self {
            composer,
            directory: PhantomData,
        }
    }
}

impl<D: Directory> Projection for Source<D> {
    fn name(&self) -> &'static str {
        D::NAME
    }

    fn apply<'a>(
        &'a self,
        tx: &'a mut PgConnection,
        event: &'a RecordedEvent,
    ) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(async move {
            D::apply(&mut *tx, event).await?;
            self.composer.react(tx, D::SOURCE_LOG, event).await
        })
    }

    fn reset<'a>(&'a self, tx: &'a mut PgConnection) -> BoxFuture<'a, Result<(), ProjectionError>> {
        Box::pin(projection::clear_tables(tx, D::TABLES))
    }

    fn digest<'a>(
        &'a self,
        conn: &'a mut PgConnection,
    ) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
        Box::pin(projection::digest_rows(conn, D::DIGEST))
    }

    fn after_commit(&self) {
        self.composer.after_commit();
    }
}

/// A decoding failure as the projection reports it.
pub(crate) fn apply_error(
    error: impl std::error::Error + Send + Sync + 'static,
) -> ProjectionError {
    ProjectionError::Apply(Box::new(error))
}

/// The UUID of a stream `<prefix><uuid>`.
pub(crate) fn stream_uuid(stream_id: &str, prefix: &str) -> Option<Uuid> {
    stream_id
        .strip_prefix(prefix)
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// A UUID field of another service's event; empty or malformed as none (the other service's
/// contract, not ours, says what it holds).
pub(crate) fn optional_uuid(value: &str) -> Option<Uuid> {
    Uuid::parse_str(value).ok()
}
