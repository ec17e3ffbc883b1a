//! gRPC handlers of `jobcenter.intake.v1.IntakeService`: authorise, convert, decide, answer.

use chrono::Utc;
use eventlog::EventLog;
use jobcenter_proto::intake::v1 as proto;
use jobcenter_proto::intake::v1::intake_service_server::IntakeService;
use platform::{CallerContext, Role};
use sqlx::PgPool;
use tonic::{Request, Response, Status};

use crate::domain::{FieldPath, SubmissionId, SubmitApplication, parse_submit_request};
use crate::error::IntakeError;
use crate::submissions::{self, Accepted, Provenance};

/// Roles that may submit and read submissions.
const ALLOWED: &[Role] = &[
    Role::Applicant,
    Role::PartnerSystem,
    Role::Caseworker,
    Role::TeamLead,
];

/// The intake gRPC service.
#[derive(Debug, Clone)]
pub struct IntakeApi {
    log: EventLog,
    pool: PgPool,
}

impl IntakeApi {
    /// A service recording into `log` (the worker role's) and reading submissions back through
    /// `pool` (the api role's, one tenant per transaction).
    pub fn new(log: EventLog, pool: PgPool) -> Self {
        Self { log, pool }
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
        let caller = CallerContext::from_request(&request)?;
        caller.require_any(ALLOWED)?;
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
            applicant_account: caller
                .has_role(Role::Applicant)
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
        let caller = CallerContext::from_request(&request)?;
        caller.require_any(ALLOWED)?;
        tracing::Span::current().record("tenant", caller.tenant_id.as_str());
        let submission_id = SubmissionId::parse(
            &request.get_ref().submission_id,
            &FieldPath::root("submission_id"),
        )
        .map_err(|v| IntakeError::Invalid(vec![v]))?;
        let accepted =
            submissions::get(&self.log, &self.pool, &caller.tenant_id, submission_id).await?;
        Ok(Response::new(proto::GetSubmissionResponse {
            submission: Some(self.response(&accepted)),
        }))
    }
}
