//! gRPC handlers of `jobcenter.intake.v1.IntakeService`: convert, decide, answer.
//!
//! Who may call what is decided before a handler runs (`crate::authorization::POLICY`); a
//! handler applies the granted scope to the objects it reads (an applicant or partner system
//! reaches only what it submitted) and records every read in the read-access log.

use access_log::{AccessLog, ObjectKind, ObjectRef, ReadContext};
use chrono::Utc;
use eventlog::EventLog;
use jobcenter_proto::intake::v1 as proto;
use jobcenter_proto::intake::v1::intake_service_server::IntakeService;
use platform::Role;
use platform::authz::{Authorized, Scope};
use sqlx::PgPool;
use tonic::{Request, Response, Status};

use crate::domain::{FieldPath, SubmissionId, SubmitApplication, parse_submit_request};
use crate::error::IntakeError;
use crate::submissions::{self, Accepted, Provenance};

/// The intake gRPC service.
#[derive(Debug, Clone)]
pub struct IntakeApi {
    log: EventLog,
    pool: PgPool,
    access: AccessLog,
}

impl IntakeApi {
    /// A service recording into `log` (the worker role's), reading submissions back through
    /// `pool` (the api role's, one tenant per transaction) and recording reads in `access`.
    pub fn new(log: EventLog, pool: PgPool, access: AccessLog) -> Self {
        Self { log, pool, access }
    }

    /// GetSubmission's read: the submission, if the caller may reach it.
    async fn read_submission(
        &self,
        read: &ReadContext,
        request: &proto::GetSubmissionRequest,
    ) -> Result<Response<proto::GetSubmissionResponse>, Status> {
        let submission_id =
            SubmissionId::parse(&request.submission_id, &FieldPath::root("submission_id"))
                .map_err(|v| IntakeError::Invalid(vec![v]))?;
        let tenant = &read.caller().tenant_id;
        let accepted = submissions::get(&self.log, &self.pool, tenant, submission_id).await?;
        // Someone else's submission is as absent as another tenant's: no existence oracle.
        if !read.may_reach(&accepted.event.submitted_by) {
            return Err(IntakeError::NotFound.into());
        }
        Ok(Response::new(proto::GetSubmissionResponse {
            submission: Some(self.response(&accepted)),
        }))
    }

    fn response(&self, accepted: &Accepted) -> proto::Submission {
        let received = submissions::received_at(&accepted.event);
        let status_text = match received {
            Some(at) => format!(
                "Your application was received on {} and recorded. Your jobcenter will now \
                 open your case and contact you.",
                at.format("%d.%m.%Y")
            ),
            None => "Your application was received and recorded.".to_owned(),
        };
        proto::Submission {
            submission_id: accepted.event.submission_id.clone(),
            application_id: accepted.event.application_id.clone(),
            kind: proto::SubmissionKind::MainApplication as i32,
            status: proto::SubmissionStatus::Received as i32,
            received_at: accepted.event.received_at,
            status_text,
        }
    }
}

#[tonic::async_trait]
impl IntakeService for IntakeApi {
    #[tracing::instrument(skip_all, fields(tenant))]
    async fn submit_application(
        &self,
        request: Request<proto::SubmitApplicationRequest>,
    ) -> Result<Response<proto::SubmitApplicationResponse>, Status> {
        let Authorized { caller, scope, .. } = Authorized::from_request(&request)?;
        tracing::Span::current().record("tenant", caller.tenant_id.as_str());
        // The legal moment of receipt is taken here, at the edge, before anything else.
        let received_at = Utc::now();
        let parsed = parse_submit_request(request.get_ref(), received_at.date_naive())
            .map_err(IntakeError::Invalid)?;
        let cmd = SubmitApplication {
            tenant_id: caller.tenant_id.as_str().to_owned(),
            submission_id: parsed.submission_id,
            application: parsed.application,
            received_at,
            submitted_by: caller.subject.clone(),
            // The applicant applying for themselves: their account may later see the case.
            applicant_account: (scope == Scope::Own && caller.has_role(Role::Applicant))
                .then(|| caller.subject.clone()),
        };
        let provenance = Provenance {
            actor: Some(caller.subject.clone()),
            traceparent: platform::telemetry::current_traceparent(),
        };
        let accepted = submissions::accept(&self.log, &self.pool, cmd, provenance).await?;
        Ok(Response::new(proto::SubmitApplicationResponse {
            submission: Some(self.response(&accepted)),
            position: Some(jobcenter_proto::common::v1::Position {
                token: self.log.token(accepted.position).to_string(),
            }),
        }))
    }

    #[tracing::instrument(skip_all, fields(tenant))]
    async fn get_submission(
        &self,
        request: Request<proto::GetSubmissionRequest>,
    ) -> Result<Response<proto::GetSubmissionResponse>, Status> {
        let read = ReadContext::from_request(&request)?;
        tracing::Span::current().record("tenant", read.caller().tenant_id.as_str());
        let submission = ObjectRef::parse(ObjectKind::Submission, &request.get_ref().submission_id);
        let found = |response: &Response<proto::GetSubmissionResponse>| {
            response
                .get_ref()
                .submission
                .as_ref()
                .and_then(|s| ObjectRef::parse(ObjectKind::Application, &s.application_id))
        };
        let read_it = self.read_submission(&read, request.get_ref());
        Ok(self
            .access
            .audited_with(&read, submission, read_it, found)
            .await?)
    }
}
