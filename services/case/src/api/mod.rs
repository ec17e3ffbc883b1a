//! gRPC handlers of `jobcenter.case.v1.CaseService`: authorise, convert proto to domain, call
//! the domain or query a read model, convert back. Queries ([`queries`]) run inside the
//! read-access log; commands ([`commands`]) go through [`crate::commands::CaseCommands`]; the
//! work queue, assignment rules and absences live in [`work_queue`], the sick notes in
//! [`sick_notes`], the assessment of missed appointments in [`appointments`].

mod appointments;
mod commands;
mod convert;
mod queries;
mod sick_notes;
mod unfiled;
mod work_queue;

use std::sync::Arc;
use std::time::Duration;

use access_log::{AccessLog, ObjectKind, ObjectRef, ReadContext};
use eventlog::EventLog;
use jobcenter_proto::case::v1 as proto;
use jobcenter_proto::case::v1::case_service_server::CaseService;
use jobcenter_proto::common::v1::Position;
use platform::CallerContext;
use sqlx::{PgPool, Postgres, Transaction};
use tonic::{Request, Response, Status};

use crate::commands::CaseCommands;
use crate::consistency::wait_for_token;
use crate::domain::dates::Clock;
use crate::error::CaseError;
use convert::case_objects;

/// The case gRPC service.
#[derive(Debug, Clone)]
pub struct CaseApi {
    pool: PgPool,
    log: EventLog,
    access: AccessLog,
    wait_timeout: Duration,
    commands: CaseCommands,
    clock: Arc<dyn Clock>,
}

impl CaseApi {
    /// A service reading the read models and the case `log` through `pool`, the api role's
    /// pool, and recording every read in `access`; queries with a position token wait at most
    /// `wait_timeout`. Commands go through `commands` (the worker role's log writer) and take
    /// today's date from `clock`.
    pub fn new(
        pool: PgPool,
        log: EventLog,
        access: AccessLog,
        wait_timeout: Duration,
        commands: CaseCommands,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            pool,
            log,
            access,
            wait_timeout,
            commands,
            clock,
        }
    }

    async fn wait(
        &self,
        position: Option<&Position>,
        field: &'static str,
    ) -> Result<(), CaseError> {
        wait_for_token(
            &self.pool,
            position.map(|p| p.token.as_str()),
            field,
            self.wait_timeout,
        )
        .await
    }

    /// A read-only transaction in which row-level security shows only `caller`'s tenant.
    async fn tenant_tx(
        &self,
        caller: &CallerContext,
    ) -> Result<Transaction<'static, Postgres>, CaseError> {
        Ok(platform::db::begin_for_tenant(&self.pool, &caller.tenant_id).await?)
    }
}

/// Each handler records its read in the read-access log, exactly once, and answers only when
/// that record is written (`AccessLog::audited`).
#[tonic::async_trait]
impl CaseService for CaseApi {
    #[tracing::instrument(skip_all)]
    async fn get_case(
        &self,
        request: Request<proto::GetCaseRequest>,
    ) -> Result<Response<proto::GetCaseResponse>, Status> {
        let read = ReadContext::from_request(&request)?;
        let req = request.into_inner();
        let case = ObjectRef::parse(ObjectKind::Case, &req.case_id);
        Ok(self
            .access
            .audited(&read, case, self.read_case(&read, req))
            .await?)
    }

    #[tracing::instrument(skip_all)]
    async fn find_case_by_application(
        &self,
        request: Request<proto::FindCaseByApplicationRequest>,
    ) -> Result<Response<proto::FindCaseByApplicationResponse>, Status> {
        let read = ReadContext::from_request(&request)?;
        let req = request.into_inner();
        let application = ObjectRef::parse(ObjectKind::Application, &req.application_id);
        let found = |r: &Response<proto::FindCaseByApplicationResponse>| {
            case_objects(r.get_ref().case.as_ref())
        };
        let read_it = self.read_case_of_application(&read, req);
        Ok(self
            .access
            .audited_with(&read, application, read_it, found)
            .await?)
    }

    #[tracing::instrument(skip_all)]
    async fn list_cases(
        &self,
        request: Request<proto::ListCasesRequest>,
    ) -> Result<Response<proto::ListCasesResponse>, Status> {
        let read = ReadContext::from_request(&request)?;
        let req = request.into_inner();
        let listed = |r: &Response<proto::ListCasesResponse>| case_objects(&r.get_ref().cases);
        let read_it = self.read_cases(&read, req);
        Ok(self
            .access
            .audited_with(&read, None, read_it, listed)
            .await?)
    }

    #[tracing::instrument(skip_all)]
    async fn get_case_timeline(
        &self,
        request: Request<proto::GetCaseTimelineRequest>,
    ) -> Result<Response<proto::GetCaseTimelineResponse>, Status> {
        let read = ReadContext::from_request(&request)?;
        let req = request.into_inner();
        let case = ObjectRef::parse(ObjectKind::Case, &req.case_id);
        Ok(self
            .access
            .audited(&read, case, self.read_timeline(&read, req))
            .await?)
    }

    #[tracing::instrument(skip_all)]
    async fn start_review(
        &self,
        request: Request<proto::StartReviewRequest>,
    ) -> Result<Response<proto::StartReviewResponse>, Status> {
        commands::start_review(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn request_documents(
        &self,
        request: Request<proto::RequestDocumentsRequest>,
    ) -> Result<Response<proto::RequestDocumentsResponse>, Status> {
        commands::request_documents(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn record_documents_received(
        &self,
        request: Request<proto::RecordDocumentsReceivedRequest>,
    ) -> Result<Response<proto::RecordDocumentsReceivedResponse>, Status> {
        commands::record_documents_received(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn warn_of_refusal(
        &self,
        request: Request<proto::WarnOfRefusalRequest>,
    ) -> Result<Response<proto::WarnOfRefusalResponse>, Status> {
        commands::warn_of_refusal(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn issue_decision(
        &self,
        request: Request<proto::IssueDecisionRequest>,
    ) -> Result<Response<proto::IssueDecisionResponse>, Status> {
        commands::issue_decision(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn file_objection(
        &self,
        request: Request<proto::FileObjectionRequest>,
    ) -> Result<Response<proto::FileObjectionResponse>, Status> {
        commands::file_objection(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn decide_objection(
        &self,
        request: Request<proto::DecideObjectionRequest>,
    ) -> Result<Response<proto::DecideObjectionResponse>, Status> {
        commands::decide_objection(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn close_case(
        &self,
        request: Request<proto::CloseCaseRequest>,
    ) -> Result<Response<proto::CloseCaseResponse>, Status> {
        commands::close_case(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn decide_matter(
        &self,
        request: Request<proto::DecideMatterRequest>,
    ) -> Result<Response<proto::DecideMatterResponse>, Status> {
        commands::decide_matter(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn assign_case(
        &self,
        request: Request<proto::AssignCaseRequest>,
    ) -> Result<Response<proto::AssignCaseResponse>, Status> {
        commands::assign_case(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_unfiled_submissions(
        &self,
        request: Request<proto::ListUnfiledSubmissionsRequest>,
    ) -> Result<Response<proto::ListUnfiledSubmissionsResponse>, Status> {
        unfiled::list_unfiled_submissions(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn file_submission(
        &self,
        request: Request<proto::FileSubmissionRequest>,
    ) -> Result<Response<proto::FileSubmissionResponse>, Status> {
        unfiled::file_submission(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_tasks(
        &self,
        request: Request<proto::ListTasksRequest>,
    ) -> Result<Response<proto::ListTasksResponse>, Status> {
        work_queue::list_tasks(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_assignment_rules(
        &self,
        request: Request<proto::SetAssignmentRulesRequest>,
    ) -> Result<Response<proto::SetAssignmentRulesResponse>, Status> {
        work_queue::set_assignment_rules(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_assignment_rules(
        &self,
        request: Request<proto::GetAssignmentRulesRequest>,
    ) -> Result<Response<proto::GetAssignmentRulesResponse>, Status> {
        work_queue::get_assignment_rules(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn record_caseworker_absence(
        &self,
        request: Request<proto::RecordCaseworkerAbsenceRequest>,
    ) -> Result<Response<proto::RecordCaseworkerAbsenceResponse>, Status> {
        work_queue::record_caseworker_absence(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn confirm_sick_note(
        &self,
        request: Request<proto::ConfirmSickNoteRequest>,
    ) -> Result<Response<proto::ConfirmSickNoteResponse>, Status> {
        sick_notes::confirm_sick_note(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn acknowledge_sick_note(
        &self,
        request: Request<proto::AcknowledgeSickNoteRequest>,
    ) -> Result<Response<proto::AcknowledgeSickNoteResponse>, Status> {
        sick_notes::acknowledge_sick_note(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_incapacities(
        &self,
        request: Request<proto::ListIncapacitiesRequest>,
    ) -> Result<Response<proto::ListIncapacitiesResponse>, Status> {
        sick_notes::list_incapacities(self, request).await
    }

    #[tracing::instrument(skip_all)]
    async fn assess_missed_appointment(
        &self,
        request: Request<proto::AssessMissedAppointmentRequest>,
    ) -> Result<Response<proto::AssessMissedAppointmentResponse>, Status> {
        appointments::assess_missed_appointment(self, request).await
    }
}
