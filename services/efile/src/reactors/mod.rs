//! Reactions of the E-Akte to events (process managers): each runs as a projection runner on
//! a log, keeps no table of its own, and sends commands whose ids derive from the event it
//! reacts to, so a redelivered event never acts twice.
//!
//! - [`sick_note_reader`]: a scanned sick note filed (E-Akte log) → read by OCR →
//!   `efile.SickNoteRead` on the document, which the case service assesses.
//! - [`form_sick_notes`]: a sick note recorded from a form (case log, `case.IncapacityRecorded`)
//!   → a printable record of it filed in the case's E-Akte.
//! - [`decision_letters`]: a decision issued (case log, `case.DecisionIssued`) → its decision
//!   letter filed in the case's E-Akte.
//!
//! The last two file through [`generated`], the path of documents the platform makes itself.

pub mod decision_letters;
pub mod form_sick_notes;
mod generated;
pub mod sick_note_reader;

use futures::future::BoxFuture;
use projection::ProjectionError;
use sqlx::PgConnection;

/// A reactor keeps no rows: nothing to reset.
fn no_reset<'a>() -> BoxFuture<'a, Result<(), ProjectionError>> {
    Box::pin(async { Ok(()) })
}

/// A reactor keeps no rows: the digest of nothing.
fn no_digest<'a>(_conn: &'a mut PgConnection) -> BoxFuture<'a, Result<Vec<u8>, ProjectionError>> {
    Box::pin(async { Ok(Vec::new()) })
}

/// A reactor's failure as the runner reports it (the batch is retried).
fn failed(error: impl std::error::Error + Send + Sync + 'static) -> ProjectionError {
    ProjectionError::Apply(Box::new(error))
}
