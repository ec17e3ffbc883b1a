//! gRPC handlers of `jobcenter.efile.v1.EfileService`: authorise, convert proto to domain, call
//! the domain or query a read model, convert back. Uploads ([`upload`]) stream into the blob
//! store before the event is appended; downloads ([`download`]) check the hash on the way out;
//! queries ([`queries`]) run inside the read-access log; the case-file export ([`export`])
//! writes an xdomea-structured package; the other commands live in [`commands`].

mod commands;
mod convert;
mod download;
mod export;
mod queries;
mod upload;

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use access_log::AccessLog;
use eventlog::EventLog;
use futures::Stream;
use jobcenter_proto::common::v1::Position;
use jobcenter_proto::efile::v1 as proto;
use jobcenter_proto::efile::v1::efile_service_server::EfileService;
use platform::TenantId;
use platform::authz::Authorized;
use sqlx::{PgPool, Postgres, Transaction};
use tonic::{Request, Response, Status, Streaming};
use uuid::Uuid;

use crate::blobs::BlobStore;
use crate::commands::{DocumentCommands, Issuer};
use crate::consistency::wait_for_token;
use crate::domain::dates::Clock;
use crate::domain::rules::{FilingRules, TenantFilingRules};
use crate::error::EfileError;
use crate::projections::case_directory::{self, CaseEntry};
use crate::retention::Retention;

/// What the E-Akte's gRPC service is made of.
#[derive(Debug, Clone)]
pub struct Parts {
    /// The api role's pool: tenant-scoped reads of the read models and the log.
    pub pool: PgPool,
    /// The E-Akte's log (position tokens; streams read in tenant transactions).
    pub log: EventLog,
    /// The read-access log every read of documents is recorded in.
    pub access: AccessLog,
    /// How long a call with a position token waits for the read model.
    pub wait_timeout: Duration,
    /// The command path (the worker role's log writer).
    pub commands: DocumentCommands,
    /// Where content is stored.
    pub blobs: BlobStore,
    /// Tag vocabulary and retention per jobcenter.
    pub rules: Arc<TenantFilingRules>,
    /// The largest document in bytes.
    pub max_document_bytes: u64,
    /// The time (receipt "now", deletion days).
    pub clock: Arc<dyn Clock>,
    /// The deletion run, for RunRetention.
    pub retention: Retention,
}

/// The E-Akte's gRPC service.
#[derive(Debug, Clone)]
pub struct EfileApi {
    parts: Arc<Parts>,
}

impl EfileApi {
    /// The service made of `parts`.
    pub fn new(parts: Parts) -> Self {
        Self {
            parts: Arc::new(parts),
        }
    }

    fn rules(&self, tenant: &TenantId) -> &FilingRules {
        self.parts.rules.of(tenant.as_str())
    }

    async fn wait(
        &self,
        position: Option<&Position>,
        field: &'static str,
    ) -> Result<(), EfileError> {
        wait_for_token(
            &self.parts.pool,
            position.map(|p| p.token.as_str()),
            field,
            self.parts.wait_timeout,
        )
        .await
    }

    /// A read-only transaction in which row-level security shows only `tenant`.
    async fn tenant_tx(
        &self,
        tenant: &TenantId,
    ) -> Result<Transaction<'static, Postgres>, EfileError> {
        Ok(platform::db::begin_for_tenant(&self.parts.pool, tenant).await?)
    }

    /// The case `case_id` if the caller may reach it: of its tenant, and an applicant's own.
    /// Anything else is as absent as another tenant's case (NOT_FOUND, no existence oracle).
    async fn reachable_case(
        &self,
        authorized: &Authorized,
        case_id: Uuid,
    ) -> Result<CaseEntry, EfileError> {
        let mut tx = self.tenant_tx(&authorized.caller.tenant_id).await?;
        case_directory::get(&mut tx, authorized.caller.tenant_id.as_str(), case_id)
            .await?
            .filter(|case| authorized.may_reach(&case.applicant_account))
            .ok_or(EfileError::NotFound)
    }

    /// The closing day of the case `case_id`, if the E-Akte knows it closed.
    async fn closed_on(
        &self,
        tenant: &TenantId,
        case_id: Uuid,
    ) -> Result<Option<chrono::NaiveDate>, EfileError> {
        let mut tx = self.tenant_tx(tenant).await?;
        Ok(case_directory::get(&mut tx, tenant.as_str(), case_id)
            .await?
            .and_then(|case| case.closed_on))
    }
}

/// The issuer of a command by `authorized` with the client's id `command_id`.
fn issuer(authorized: &Authorized, command_id: Uuid) -> Issuer {
    let caller = &authorized.caller;
    Issuer {
        tenant_id: caller.tenant_id.as_str().to_owned(),
        actor: caller.subject.clone(),
        command_id,
        correlation_id: Some(command_id),
        causation_id: None,
        traceparent: platform::telemetry::propagation::current_traceparent(),
    }
}

/// A stream of responses as the server-streaming handlers answer them.
pub type ResponseStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send + 'static>>;

#[tonic::async_trait]
impl EfileService for EfileApi {
    #[tracing::instrument(skip_all)]
    async fn upload_document(
        &self,
        request: Request<Streaming<proto::UploadDocumentRequest>>,
    ) -> Result<Response<proto::UploadDocumentResponse>, Status> {
        upload::upload_document(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn upload_document_version(
        &self,
        request: Request<Streaming<proto::UploadDocumentVersionRequest>>,
    ) -> Result<Response<proto::UploadDocumentVersionResponse>, Status> {
        upload::upload_document_version(self, request).await
    }

    type DownloadDocumentStream = ResponseStream<proto::DownloadDocumentResponse>;

    #[tracing::instrument(skip_all)]
    async fn download_document(
        &self,
        request: Request<proto::DownloadDocumentRequest>,
    ) -> Result<Response<Self::DownloadDocumentStream>, Status> {
        download::download_document(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_document(
        &self,
        request: Request<proto::GetDocumentRequest>,
    ) -> Result<Response<proto::GetDocumentResponse>, Status> {
        queries::get_document(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_documents(
        &self,
        request: Request<proto::ListDocumentsRequest>,
    ) -> Result<Response<proto::ListDocumentsResponse>, Status> {
        queries::list_documents(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_case_file(
        &self,
        request: Request<proto::GetCaseFileRequest>,
    ) -> Result<Response<proto::GetCaseFileResponse>, Status> {
        queries::get_case_file(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_document_history(
        &self,
        request: Request<proto::GetDocumentHistoryRequest>,
    ) -> Result<Response<proto::GetDocumentHistoryResponse>, Status> {
        queries::get_document_history(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn change_document_metadata(
        &self,
        request: Request<proto::ChangeDocumentMetadataRequest>,
    ) -> Result<Response<proto::ChangeDocumentMetadataResponse>, Status> {
        commands::change_document_metadata(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn place_legal_hold(
        &self,
        request: Request<proto::PlaceLegalHoldRequest>,
    ) -> Result<Response<proto::PlaceLegalHoldResponse>, Status> {
        commands::place_legal_hold(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn lift_legal_hold(
        &self,
        request: Request<proto::LiftLegalHoldRequest>,
    ) -> Result<Response<proto::LiftLegalHoldResponse>, Status> {
        commands::lift_legal_hold(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_filing_rules(
        &self,
        request: Request<proto::GetFilingRulesRequest>,
    ) -> Result<Response<proto::GetFilingRulesResponse>, Status> {
        queries::get_filing_rules(self, request)
    }

    #[tracing::instrument(skip_all)]
    async fn run_retention(
        &self,
        request: Request<proto::RunRetentionRequest>,
    ) -> Result<Response<proto::RunRetentionResponse>, Status> {
        commands::run_retention(self, request).await
    }

    type ExportCaseFileStream = ResponseStream<proto::ExportCaseFileResponse>;

    #[tracing::instrument(skip_all)]
    async fn export_case_file(
        &self,
        request: Request<proto::ExportCaseFileRequest>,
    ) -> Result<Response<Self::ExportCaseFileStream>, Status> {
        export::export_case_file(self, request).await
    }
}
