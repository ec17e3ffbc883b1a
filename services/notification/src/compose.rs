//! Messages composed from other services' events (docs/notification/service.md, "Triggers").
//!
//! Each source projection ([`crate::sources`]) first keeps its directory table and then hands
//! the event to [`Composer::react`] in the same batch transaction, so a composed message, its
//! outbox rows and the projection's checkpoint commit together: exactly once.

use eventlog::RecordedEvent;
use projection::ProjectionError;
use sqlx::PgConnection;

/// What composing needs (the log to append to, the tenants' settings, the templates); shared
/// by the four source projections.
#[derive(Debug, Clone, Default)]
pub struct Composer {}

impl Composer {
    /// Messages composed from this event (the lead writes this).
    pub async fn react(
        &self,
        tx: &mut PgConnection,
        source_log: &str,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let _ = (tx, source_log, event);
        Ok(())
    }

    /// Called after a source projection's batch committed: a composer that appended with
    /// `EventLog::append_in` wakes the relay here (`EventLog::notify_appended`).
    pub fn after_commit(&self) {}
}
