//! The sweep: blobs no document references are deleted once the grace period has passed.
//!
//! A blob is written before the event that references it, so a crash between the two, an
//! upload refused after its bytes were stored, or content released by the deletion run while
//! it was young leaves a blob nobody needs. Periodically the whole store is listed
//! (`blobs::sweep::sweep`) and each content object older than the grace period is deleted
//! unless a version of a document that is not deleted references it (the read model). A blob
//! just written for an event the read model has not applied yet is young, so the grace period
//! protects it.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

use crate::blobs::sweep::{self, BoxError, SweepReport};
use crate::blobs::{BlobError, BlobStore};
use crate::domain::dates::Clock;
use crate::projections::document_queries;
use crate::retention::error_chain;

/// The sweep; cheap to clone.
#[derive(Debug, Clone)]
pub struct Sweeper {
    worker: PgPool,
    blobs: BlobStore,
    clock: Arc<dyn Clock>,
    grace: Duration,
}

impl Sweeper {
    /// A sweep of `blobs`, asking the read model through `worker` (every tenant), at the time
    /// of `clock`, sparing blobs younger than `grace`.
    pub fn new(worker: PgPool, blobs: BlobStore, clock: Arc<dyn Clock>, grace: Duration) -> Self {
        Self {
            worker,
            blobs,
            clock,
            grace,
        }
    }

    /// Sweeps once, now.
    pub async fn sweep_once(&self) -> Result<SweepReport, BlobError> {
        let pool = self.worker.clone();
        sweep::sweep(
            &self.blobs,
            self.grace,
            self.clock.now(),
            move |tenant, sha256| {
                let pool = pool.clone();
                async move {
                    let mut conn = pool.acquire().await.map_err(|e| Box::new(e) as BoxError)?;
                    document_queries::content_is_referenced(&mut conn, &tenant, &sha256, None)
                        .await
                        .map_err(|e| Box::new(e) as BoxError)
                }
            },
        )
        .await
    }

    /// Sweeps every `poll` (the first after one `poll`, so a starting service does not list
    /// the store at once) until `cancel` fires; a failed sweep is logged and tried again.
    pub async fn run(self, cancel: CancellationToken, poll: Duration) {
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(poll) => {}
            }
            match self.sweep_once().await {
                Ok(report) => tracing::info!(
                    scanned = report.scanned,
                    deleted = report.content_deleted,
                    staging_deleted = report.staging_deleted,
                    "blob sweep"
                ),
                Err(error) => tracing::error!(error = %error_chain(&error), "blob sweep failed"),
            }
        }
    }
}
