//! gRPC handlers of `jobcenter.intake.v1.IntakeService`: convert, decide, answer.
//!
//! Who may call what is decided before a handler runs (`crate::authorization::POLICY`); a
//! handler applies the granted scope to the objects it reads (an applicant or partner system
//! reaches only what it submitted) and records every read in the read-access log.

use std::sync::Arc;

use access_log::{AccessLog, ObjectKind, ObjectRef, ReadContext};
use chrono::Utc;
use eventlog::EventLog;
use jobcenter_proto::intake::v1 as proto;
use jobcenter_proto::intake::v1::intake_service_server::IntakeService;
use platform::Role;
use platform::authz::{Authorized, Scope};
use sqlx::PgPool;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::domain::values::legal_day;
use crate::domain::{
    self, FieldPath, FieldViolation, FormKind, Language, SubmissionId, SubmitApplication,
    Submitter, export, forms, parse_language, parse_submit_request, status,
};
use crate::error::IntakeError;
use crate::plausibility::PlausibilityConfig;
use crate::submissions::{self, Accepted, Provenance};

/// Submissions per page when the request names no size, and at most.
const DEFAULT_PAGE_SIZE: u32 = 50;
const MAX_PAGE_SIZE: u32 = 200;

/// The intake gRPC service.
#[derive(Debug, Clone)]
pub struct IntakeApi {
    log: EventLog,
    pool: PgPool,
    access: AccessLog,
    plausibility: Arc<PlausibilityConfig>,
}

fn invalid(violation: FieldViolation) -> IntakeError {
    IntakeError::Invalid(vec![violation])
}

impl IntakeApi {
    /// A service recording into `log` (the worker role's), reading submissions back through
    /// `pool` (the api role's, one tenant per transaction), recording reads in `access`, and
    /// checking plausibility with each jobcenter's settings.
    pub fn new(
        log: EventLog,
        pool: PgPool,
        access: AccessLog,
        plausibility: Arc<PlausibilityConfig>,
    ) -> Self {
        Self {
            log,
            pool,
            access,
            plausibility,
        }
    }

    /// GetSubmission's read: the submission, if the caller may reach it.
    async fn read_submission(
        &self,
        read: &ReadContext,
        request: &proto::GetSubmissionRequest,
    ) -> Result<Response<proto::GetSubmissionResponse>, Status> {
        let language = parse_language(&request.language, "language").map_err(invalid)?;
        let submission_id =
            SubmissionId::parse(&request.submission_id, &FieldPath::root("submission_id"))
                .map_err(invalid)?;
        let tenant = &read.caller().tenant_id;
        let accepted = submissions::get(&self.log, &self.pool, tenant, submission_id).await?;
        // Someone else's submission is as absent as another tenant's: no existence oracle.
        if !read.may_reach(&accepted.event.submitted_by) {
            return Err(IntakeError::NotFound.into());
        }
        Ok(Response::new(proto::GetSubmissionResponse {
            submission: Some(self.view(&accepted, tenant.as_str(), language)),
        }))
    }

    /// ListSubmissions' read: a page of what the caller may reach.
    async fn read_list(
        &self,
        read: &ReadContext,
        request: &proto::ListSubmissionsRequest,
    ) -> Result<Response<proto::ListSubmissionsResponse>, Status> {
        let language = parse_language(&request.language, "language").map_err(invalid)?;
        let before = if request.page_token.is_empty() {
            None
        } else {
            let token = request.page_token.parse::<i64>().ok().filter(|p| *p > 0);
            Some(token.ok_or_else(|| {
                invalid(domain::violation::violation(
                    &FieldPath::root("page_token"),
                    "is not a token of this list",
                ))
            })?)
        };
        let size = u32::try_from(request.page_size)
            .ok()
            .filter(|n| *n > 0)
            .map_or(DEFAULT_PAGE_SIZE, |n| n.min(MAX_PAGE_SIZE));
        let tenant = &read.caller().tenant_id;
        let owner = (read.scope() == Scope::Own).then(|| read.caller().subject.as_str());
        let page = submissions::list(&self.log, &self.pool, tenant, owner, before, size).await?;
        let submissions = page
            .items
            .iter()
            // The query filtered by owner already; the recorded owner is the authority.
            .filter(|a| read.may_reach(&a.event.submitted_by))
            .map(|a| self.view(a, tenant.as_str(), language))
            .collect();
        Ok(Response::new(proto::ListSubmissionsResponse {
            submissions,
            next_page_token: page.next_before.map(|p| p.to_string()).unwrap_or_default(),
        }))
    }

    /// ExportApplication's read: the document, if the application is the tenant's.
    async fn read_export(
        &self,
        read: &ReadContext,
        request: &proto::ExportApplicationRequest,
    ) -> Result<Response<proto::ExportApplicationResponse>, Status> {
        let application_id = Uuid::parse_str(&request.application_id).map_err(|_| {
            invalid(domain::violation::violation(
                &FieldPath::root("application_id"),
                "must be a UUID",
            ))
        })?;
        let tenant = &read.caller().tenant_id;
        let accepted =
            submissions::get_application(&self.log, &self.pool, tenant, application_id).await?;
        if !read.may_reach(&accepted.event.submitted_by) {
            return Err(IntakeError::NotFound.into());
        }
        let document = export::document(&accepted.event, tenant.as_str());
        Ok(Response::new(proto::ExportApplicationResponse {
            format: export::FORMAT.to_owned(),
            format_version: export::FORMAT_VERSION,
            media_type: export::MEDIA_TYPE.to_owned(),
            document: document.to_string(),
        }))
    }

    /// A recorded submission as the caller reads it, in `language`.
    fn view(&self, accepted: &Accepted, tenant: &str, language: Language) -> proto::Submission {
        let event = &accepted.event;
        let received = submissions::received_at(event);
        let kind = status::kind_of(event);
        let rules = self.plausibility.rules_for(tenant);
        proto::Submission {
            submission_id: event.submission_id.clone(),
            application_id: event.application_id.clone(),
            kind: kind.unwrap_or(FormKind::Main).to_proto() as i32,
            status: proto::SubmissionStatus::Received as i32,
            received_at: event.received_at,
            status_text: status::status_text(kind, received, !event.warnings.is_empty(), language),
            case_id: event.case_id.clone(),
            warnings: status::warnings_in(event, received, &rules, language),
            form_version: event.form_version,
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
        let req = request.get_ref();
        let language = parse_language(&req.language, "language").map_err(invalid)?;
        // The applicant submitting for themselves: their account may later see the case, and
        // their case is found by it.
        let own_applicant = scope == Scope::Own && caller.has_role(Role::Applicant);
        let submitter = if own_applicant {
            Submitter::Applicant
        } else {
            Submitter::OnBehalf
        };
        let rules = self.plausibility.rules_for(caller.tenant_id.as_str());
        let parsed = parse_submit_request(req, legal_day(received_at), &rules, submitter, language)
            .map_err(IntakeError::Invalid)?;
        let cmd = SubmitApplication {
            tenant_id: caller.tenant_id.as_str().to_owned(),
            submission_id: parsed.submission_id,
            warnings: parsed
                .warnings
                .iter()
                .map(|w| domain::warning(w, Language::German))
                .collect(),
            form: parsed.form,
            case_id: parsed.case_id,
            form_version: parsed.form_version,
            received_at,
            submitted_by: caller.subject.clone(),
            applicant_account: own_applicant.then(|| caller.subject.clone()),
        };
        let provenance = Provenance {
            actor: Some(caller.subject.clone()),
            traceparent: platform::telemetry::current_traceparent(),
        };
        let accepted = submissions::accept(&self.log, &self.pool, cmd, provenance).await?;
        Ok(Response::new(proto::SubmitApplicationResponse {
            submission: Some(self.view(&accepted, caller.tenant_id.as_str(), language)),
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

    #[tracing::instrument(skip_all, fields(tenant))]
    async fn list_submissions(
        &self,
        request: Request<proto::ListSubmissionsRequest>,
    ) -> Result<Response<proto::ListSubmissionsResponse>, Status> {
        let read = ReadContext::from_request(&request)?;
        tracing::Span::current().record("tenant", read.caller().tenant_id.as_str());
        // Every application the page shows is on record as read.
        let found = |response: &Response<proto::ListSubmissionsResponse>| {
            response
                .get_ref()
                .submissions
                .iter()
                .filter_map(|s| ObjectRef::parse(ObjectKind::Application, &s.application_id))
                .collect::<Vec<_>>()
        };
        let read_it = self.read_list(&read, request.get_ref());
        Ok(self
            .access
            .audited_with(&read, None, read_it, found)
            .await?)
    }

    #[tracing::instrument(skip_all, fields(tenant))]
    async fn get_form_definition(
        &self,
        request: Request<proto::GetFormDefinitionRequest>,
    ) -> Result<Response<proto::GetFormDefinitionResponse>, Status> {
        let Authorized { caller, .. } = Authorized::from_request(&request)?;
        tracing::Span::current().record("tenant", caller.tenant_id.as_str());
        let req = request.get_ref();
        let mut violations = Vec::new();
        let language = parse_language(&req.language, "language")
            .map_err(|v| violations.push(v))
            .ok();
        let kind = FormKind::from_proto(req.kind);
        if kind.is_none() {
            violations.push(domain::violation::violation(
                &FieldPath::root("kind"),
                "must name a kind of submission",
            ));
        }
        let (Some(language), Some(kind)) = (language, kind) else {
            return Err(IntakeError::Invalid(violations).into());
        };
        let rules = self.plausibility.rules_for(caller.tenant_id.as_str());
        let form = crate::form_render::render(forms::definition(kind), language, &rules);
        Ok(Response::new(proto::GetFormDefinitionResponse {
            form: Some(form),
        }))
    }

    #[tracing::instrument(skip_all, fields(tenant))]
    async fn export_application(
        &self,
        request: Request<proto::ExportApplicationRequest>,
    ) -> Result<Response<proto::ExportApplicationResponse>, Status> {
        let read = ReadContext::from_request(&request)?;
        tracing::Span::current().record("tenant", read.caller().tenant_id.as_str());
        let application =
            ObjectRef::parse(ObjectKind::Application, &request.get_ref().application_id);
        let read_it = self.read_export(&read, request.get_ref());
        Ok(self.access.audited(&read, application, read_it).await?)
    }
}
