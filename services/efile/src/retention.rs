//! The deletion run: at the end of a document's retention its content is released and the
//! release recorded; a legal hold keeps it.
//!
//! For one tenant, every document that is not deleted and whose deletion day (its type's rule,
//! `domain::retention`) is today or earlier (Europe/Berlin): under a legal hold it is counted as
//! held; otherwise `efile.DocumentDeleted` is appended (the rule in words and the released
//! hashes) and only then each released blob deleted, if no other live document of the tenant
//! references that content and the blob is older than the grace period (an identical upload
//! just now rewrote it; the sweep gets it later otherwise). Every run, periodic or asked for
//! through `RunRetention`, on any replica, uses the same command id per document, so a
//! document is deleted once.

use std::sync::Arc;
use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::blobs::BlobStore;
use crate::commands::{DocumentCommands, Issuer};
use crate::domain::Event;
use crate::domain::dates::Clock;
use crate::domain::document::{Command, Refusal};
use crate::domain::ids::retention_command_id;
use crate::domain::retention::due_on;
use crate::domain::rules::TenantFilingRules;
use crate::domain::types::DocumentType;
use crate::error::EfileError;
use crate::projections::document_queries::{self, DueCandidate};

/// Documents looked at per query.
const BATCH: i64 = 200;
/// The actor recorded for deletions.
pub const ACTOR: &str = "efile";

/// What a run did for one tenant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    /// Documents whose content was deleted in this run.
    pub deleted: u32,
    /// Documents due but kept by a legal hold.
    pub held: u32,
}

/// The deletion run; cheap to clone.
#[derive(Debug, Clone)]
pub struct Retention {
    worker: PgPool,
    commands: DocumentCommands,
    blobs: BlobStore,
    rules: Arc<TenantFilingRules>,
    clock: Arc<dyn Clock>,
    grace: Duration,
}

impl Retention {
    /// A run reading the read model through `worker` (every tenant), deleting through
    /// `commands` and `blobs`, by `rules`, dated by `clock`, sparing blobs younger than `grace`.
    pub fn new(
        worker: PgPool,
        commands: DocumentCommands,
        blobs: BlobStore,
        rules: Arc<TenantFilingRules>,
        clock: Arc<dyn Clock>,
        grace: Duration,
    ) -> Self {
        Self {
            worker,
            commands,
            blobs,
            rules,
            clock,
            grace,
        }
    }

    /// Runs for `tenant` now.
    pub async fn run_tenant(&self, tenant: &str) -> Result<RetentionReport, EfileError> {
        let rules = self.rules.of(tenant);
        let table: Vec<(&'static str, &'static str, i32)> = rules
            .rules()
            .into_iter()
            .map(|(ty, rule)| {
                (
                    ty.as_str(),
                    rule.start.as_str(),
                    i32::try_from(rule.years).unwrap_or(i32::MAX),
                )
            })
            .collect();
        let today = self.clock.today();
        let mut report = RetentionReport::default();
        let mut after = None;
        loop {
            let candidates = {
                let mut conn = self.worker.acquire().await?;
                document_queries::due_candidates(&mut conn, tenant, &table, today, after, BATCH)
                    .await?
            };
            for candidate in &candidates {
                let Some(ty) = DocumentType::from_name(&candidate.r#type) else {
                    continue;
                };
                let rule = rules.rule(ty);
                let Some(due) = due_on(&rule, candidate.received_on, candidate.closed_on)
                    .filter(|due| *due <= today)
                else {
                    continue;
                };
                self.delete(tenant, candidate, due, rule.words(), &mut report)
                    .await?;
            }
            match candidates.last() {
                Some(last) if i64::try_from(candidates.len()).unwrap_or(i64::MAX) >= BATCH => {
                    after = Some(last.document_id);
                }
                _ => return Ok(report),
            }
        }
    }

    async fn delete(
        &self,
        tenant: &str,
        candidate: &DueCandidate,
        due: chrono::NaiveDate,
        rule: String,
        report: &mut RetentionReport,
    ) -> Result<(), EfileError> {
        let issuer = Issuer {
            tenant_id: tenant.to_owned(),
            actor: ACTOR.to_owned(),
            command_id: retention_command_id(),
            correlation_id: None,
            causation_id: None,
            traceparent: None,
        };
        let command = Command::Delete { due_on: due, rule };
        match self
            .commands
            .execute(&issuer, candidate.document_id, None, command)
            .await
        {
            Ok(executed) => {
                for event in &executed.events {
                    if let Event::DocumentDeleted(deleted) = event {
                        report.deleted += 1;
                        tracing::info!(document_id = %candidate.document_id, "document content deleted at the end of retention");
                        for sha256 in &deleted.sha256 {
                            self.release(tenant, candidate.document_id, sha256).await?;
                        }
                    }
                }
                Ok(())
            }
            Err(EfileError::Refused(Refusal::UnderLegalHold)) => {
                report.held += 1;
                Ok(())
            }
            // Deleted by a concurrent run (the read model had not seen it yet), or gone.
            Err(EfileError::Refused(Refusal::Deleted) | EfileError::NotFound) => Ok(()),
            Err(error) => Err(error),
        }
    }

    /// Deletes the tenant's blob `sha256` released by `document` unless another live document
    /// references it or it is younger than the grace period.
    async fn release(&self, tenant: &str, document: Uuid, sha256: &str) -> Result<(), EfileError> {
        let referenced = {
            let mut conn = self.worker.acquire().await?;
            document_queries::content_is_referenced(&mut conn, tenant, sha256, Some(document))
                .await?
        };
        if referenced {
            return Ok(());
        }
        let Some(modified) = self
            .blobs
            .last_modified(tenant, sha256)
            .await
            .map_err(EfileError::Blob)?
        else {
            return Ok(());
        };
        let young = chrono::Duration::from_std(self.grace)
            .ok()
            .and_then(|grace| self.clock.now().checked_sub_signed(grace))
            .is_none_or(|cutoff| modified >= cutoff);
        if young {
            return Ok(());
        }
        self.blobs
            .delete(tenant, sha256)
            .await
            .map_err(EfileError::Blob)
    }

    /// Runs for every tenant with documents.
    pub async fn run_all(&self) -> Result<RetentionReport, EfileError> {
        let tenants = {
            let mut conn = self.worker.acquire().await?;
            document_queries::tenants_with_documents(&mut conn).await?
        };
        let mut total = RetentionReport::default();
        for tenant in tenants {
            let report = self.run_tenant(&tenant).await?;
            total.deleted += report.deleted;
            total.held += report.held;
        }
        Ok(total)
    }

    /// Runs every `poll` (and once at start) until `cancel` fires; a failed run is logged and
    /// tried again at the next turn.
    pub async fn run(self, cancel: CancellationToken, poll: Duration) {
        loop {
            match self.run_all().await {
                Ok(report) if report.deleted > 0 || report.held > 0 => {
                    tracing::info!(deleted = report.deleted, held = report.held, "deletion run");
                }
                Ok(_) => {}
                Err(error) => tracing::error!(error = %error_chain(&error), "deletion run failed"),
            }
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(poll) => {}
            }
        }
    }
}

/// An error with its causes, for logs (no personal data: errors carry ids and codes only).
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut chain = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        chain.push_str(": ");
        chain.push_str(&cause.to_string());
        source = cause.source();
    }
    chain
}
